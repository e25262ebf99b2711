// Evidence files for tests: one small, whole file of each type the API accepts, and the multipart upload a reporter
// makes (POST /v1/reports/:id/evidence).
import { deflateSync } from 'node:zlib';

/** A real 1×1 PNG: signature, IHDR, IDAT, IEND, each chunk with its CRC. */
function png(): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([length, body, sum]);
  };
  const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.from([0, 255, 0, 0]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** One small file of each accepted type, each whole (PNG, JPEG, GIF, PDF, MP4, WebP). */
export const EVIDENCE_FILES = {
  png: png(),
  jpeg: Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]),
    Buffer.from('JFIF\0', 'latin1'),
    Buffer.alloc(64, 7),
    Buffer.from([0xff, 0xd9]),
  ]),
  gif: Buffer.concat([Buffer.from('GIF89a', 'latin1'), Buffer.alloc(32, 1), Buffer.from([0x3b])]),
  pdf: Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n', 'latin1'),
  mp4: (() => {
    const ftyp = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypisom\0\0\x02\0isommp41', 'latin1')]);
    const mdat = Buffer.concat([Buffer.from([0, 0, 0, 16]), Buffer.from('mdat', 'latin1'), Buffer.alloc(8, 3)]);
    return Buffer.concat([ftyp, mdat]);
  })(),
  webp: (() => {
    const body = Buffer.concat([Buffer.from('WEBPVP8 ', 'latin1'), Buffer.from([10, 0, 0, 0]), Buffer.alloc(10, 5)]);
    const size = Buffer.alloc(4);
    size.writeUInt32LE(body.length);
    return Buffer.concat([Buffer.from('RIFF', 'latin1'), size, body]);
  })(),
};

/** Uploads one file as the part `file` (headers: X-Tracking-Token or X-Api-Key); the status and the parsed body. */
export async function uploadEvidence(
  baseUrl: string,
  reportId: string,
  bytes: Buffer,
  headers: Record<string, string>,
  name = 'photo.png',
): Promise<{ status: number; body: any }> {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type: 'image/png' }), name);
  const response = await fetch(`${baseUrl}/v1/reports/${reportId}/evidence`, { method: 'POST', headers, body: form });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}
