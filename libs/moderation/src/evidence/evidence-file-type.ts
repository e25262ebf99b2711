// What an evidence file is, from its bytes alone (never its name or declared type): one of six formats, whole, and
// nothing else besides. A renamed executable is not one of them; a polyglot — an image with an archive or a script
// appended or prepended, which other software would open as that — fails its format's structure check.
import { fileTypeFromBuffer } from 'file-type';

export const EVIDENCE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif', 'application/pdf', 'video/mp4'] as const;
export type EvidenceType = (typeof EVIDENCE_TYPES)[number];

/** Markup or an archive's directory where no such format has them: signs of a second file in the same bytes. */
const FOREIGN_HEAD = /<(script|html|svg|body|iframe)\b/i;
const ZIP_END_OF_DIRECTORY = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const PNG_END = Buffer.from([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);

/** The file's type, or null when it is not one of EVIDENCE_TYPES or is not only that. */
export async function evidenceFileType(bytes: Buffer): Promise<EvidenceType | null> {
  if (bytes.length === 0) return null;
  const detected = await fileTypeFromBuffer(bytes);
  // An animated PNG is a PNG to every viewer.
  const mime = detected?.mime === 'image/apng' ? 'image/png' : detected?.mime;
  if (!isEvidenceType(mime)) return null;
  if (FOREIGN_HEAD.test(bytes.subarray(0, 1024).toString('latin1'))) return null;
  if (bytes.subarray(Math.max(0, bytes.length - 65_536)).includes(ZIP_END_OF_DIRECTORY)) return null;
  return wholeFile(mime, bytes) ? mime : null;
}

const isEvidenceType = (mime: string | undefined): mime is EvidenceType =>
  mime !== undefined && (EVIDENCE_TYPES as readonly string[]).includes(mime);

/** Whether the bytes end where the format says the file ends. */
function wholeFile(mime: EvidenceType, bytes: Buffer): boolean {
  switch (mime) {
    case 'image/png':
      return bytes.subarray(bytes.length - PNG_END.length).equals(PNG_END);
    case 'image/jpeg':
      return bytes[bytes.length - 2] === 0xff && bytes[bytes.length - 1] === 0xd9;
    case 'image/gif':
      return bytes[bytes.length - 1] === 0x3b;
    case 'image/webp':
      // RIFF: the size after the first 8 bytes covers the rest exactly.
      return bytes.length >= 12 && bytes.readUInt32LE(4) + 8 === bytes.length;
    case 'application/pdf':
      return bytes.subarray(Math.max(0, bytes.length - 1024)).includes('%%EOF');
    case 'video/mp4':
      return boxesCover(bytes);
    default:
      return false;
  }
}

/** ISO BMFF: the top-level boxes follow each other to the last byte. */
function boxesCover(bytes: Buffer): boolean {
  let at = 0;
  while (at < bytes.length) {
    if (bytes.length - at < 8) return false;
    let size = bytes.readUInt32BE(at);
    if (size === 1) {
      if (bytes.length - at < 16) return false;
      const large = bytes.readBigUInt64BE(at + 8);
      if (large > BigInt(bytes.length)) return false;
      size = Number(large);
    } else if (size === 0) {
      return true; // the last box runs to the end
    }
    if (size < 8) return false;
    at += size;
  }
  return at === bytes.length;
}
