// C2SP tlog-checkpoint bodies in C2SP signed notes with Ed25519 signatures (c2sp.org/tlog-checkpoint,
// c2sp.org/signed-note): formatting, key ids, verifier keys, and opening a note with a verifier key. Pure and
// browser-safe (@noble for SHA-256 and Ed25519, TextEncoder, no Buffer), so the console can check a checkpoint itself.
// Signing needs the private key and lives with it, in SignTreeCheckpoint.
import { ed25519 } from '@noble/curves/ed25519';
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, concatBytes } from '@noble/hashes/utils';
import { equalBytes } from './merkle-proof-verify';
import { HASH_BYTES } from './merkle-tree';

/** The signature type byte of Ed25519 in signed-note key ids and verifier keys. */
const ED25519_TYPE = 0x01;
/** U+2014 and a space: how every signature line starts. */
const SIGNATURE_PREFIX = '\u2014 ';
const MAX_SIGNATURES = 100;

const utf8 = new TextEncoder();

export interface TreeCheckpoint {
  origin: string;
  treeSize: number;
  rootHash: Uint8Array;
}

export interface NoteVerifier {
  name: string;
  keyId: Uint8Array;
  publicKey: Uint8Array;
}

export type OpenedCheckpoint = { ok: true; checkpoint: TreeCheckpoint } | { ok: false; reason: string };

/** The checkpoint body: `<origin>\n<tree size>\n<base64 root hash>\n` (no extension lines). */
export function checkpointBody(checkpoint: TreeCheckpoint): string {
  return `${checkpoint.origin}\n${checkpoint.treeSize}\n${encodeBase64(checkpoint.rootHash)}\n`;
}

/** The first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ 32-byte public key). */
export function noteKeyId(name: string, publicKey: Uint8Array): Uint8Array {
  return sha256(concatBytes(utf8.encode(`${name}\n`), Uint8Array.of(ED25519_TYPE), publicKey)).slice(0, 4);
}

/** `<name>+<key id hex>+<base64(0x01 ‖ public key)>`. */
export function verifierKeyText(name: string, publicKey: Uint8Array): string {
  return `${name}+${toHex(noteKeyId(name, publicKey))}+${encodeBase64(concatBytes(Uint8Array.of(ED25519_TYPE), publicKey))}`;
}

/** The whole note: the body, a blank line, and one signature line per signature. */
export function signedNote(body: string, name: string, keyId: Uint8Array, signature: Uint8Array): string {
  return `${body}\n${SIGNATURE_PREFIX}${name} ${encodeBase64(concatBytes(keyId, signature))}\n`;
}

/** Parses a verifier key, refusing one whose key id does not match its name and key. */
export function parseVerifierKey(text: string): NoteVerifier {
  // The name holds no '+', the id is hex; the base64 key may hold '+' itself.
  const parts = /^([^+]*)\+([^+]*)\+(.*)$/s.exec(text.trim());
  if (!parts) throw new Error('a verifier key is <name>+<key id hex>+<base64 key>');
  const [, name, idHex, keyText] = parts;
  if (!validKeyName(name)) throw new Error('the verifier key has no valid name');
  if (!/^[0-9a-f]{8}$/.test(idHex)) throw new Error('the verifier key id is not 8 lower-case hex digits');
  const key = decodeBase64(keyText);
  if (!key || key.length !== 33 || key[0] !== ED25519_TYPE) throw new Error('the verifier key is not an Ed25519 key');
  const publicKey = key.slice(1);
  const keyId = noteKeyId(name, publicKey);
  if (toHex(keyId) !== idHex) throw new Error('the verifier key id does not match its name and key');
  return { name, keyId, publicKey };
}

/**
 * Checks a signed checkpoint: a signature line of the verifier's name and key id whose Ed25519 signature over the
 * body verifies, and a well-formed checkpoint body whose origin is the expected one (the verifier key's name
 * unless given). Signature lines of other keys are ignored, as the spec asks.
 */
export function openCheckpoint(
  note: string,
  verifier: NoteVerifier,
  expectedOrigin: string = verifier.name,
): OpenedCheckpoint {
  const fail = (reason: string): OpenedCheckpoint => ({ ok: false, reason });
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) return fail('not a signed note: no blank line before the signatures');
  const body = note.slice(0, split + 1);
  if (/[\x00-\x09\x0b-\x1f]/.test(body)) return fail('the note text holds control characters');
  const lines = note.slice(split + 2, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) return fail('the note has too many signatures');
  const message = utf8.encode(body);
  let signed = false;
  for (const line of lines) {
    if (!line.startsWith(SIGNATURE_PREFIX)) return fail('malformed signature line');
    const [name, signatureText, ...rest] = line.slice(SIGNATURE_PREFIX.length).split(' ');
    const signature = decodeBase64(signatureText ?? '');
    if (rest.length > 0 || !validKeyName(name) || !signature || signature.length < 5) {
      return fail('malformed signature line');
    }
    if (name !== verifier.name || !equalBytes(signature.slice(0, 4), verifier.keyId)) continue;
    if (!verifyEd25519(signature.slice(4), message, verifier.publicKey)) {
      return fail('the signature does not verify with the verifier key');
    }
    signed = true;
    break;
  }
  if (!signed) return fail(`the note carries no signature of ${verifier.name}+${toHex(verifier.keyId)}`);
  const checkpoint = parseCheckpointBody(body);
  if (!checkpoint) return fail('the note is not a tlog-checkpoint');
  if (checkpoint.origin !== expectedOrigin) {
    return fail(`the checkpoint is of origin ${checkpoint.origin}, not ${expectedOrigin}`);
  }
  return { ok: true, checkpoint };
}

function parseCheckpointBody(body: string): TreeCheckpoint | null {
  const [origin, size, root] = body.split('\n');
  if (!origin || !/^(0|[1-9][0-9]*)$/.test(size ?? '')) return null;
  const treeSize = Number(size);
  const rootHash = decodeBase64(root ?? '');
  if (!Number.isSafeInteger(treeSize) || !rootHash || rootHash.length !== HASH_BYTES) return null;
  return { origin, treeSize, rootHash };
}

function verifyEd25519(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    return ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}

const validKeyName = (name: string | undefined): name is string => !!name && !/[\s+]/u.test(name);

/** Hex of a key id, as the verifier key text writes it. */
export const toHex = bytesToHex;

/** Standard base64 with padding (btoa and atob exist in browsers and in Node). */
export function encodeBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Strict standard base64 with padding, or null: atob alone would accept whitespace and missing padding. */
export function decodeBase64(text: string): Uint8Array | null {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
  const binary = atob(text);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  // Non-zero padding bits would let two texts name one value; canonical form only.
  return encodeBase64(bytes) === text ? bytes : null;
}
