// Signed checkpoints (API.md "Audit"): Ed25519 over the UTF-8 bytes of `${seq}.${hash}.${signedAt}`, signature in
// base64, public key as SPKI PEM. Pure functions over node:crypto, shared by the signer, `verify` and the offline
// export verifier.
import { createHash, createPublicKey, KeyObject, sign, verify } from 'node:crypto';

export const CHECKPOINT_ALGORITHM = 'Ed25519';

export interface CheckpointView {
  seq: number;
  hash: string;
  /** ISO 8601 UTC with milliseconds; signed exactly as shown. */
  signedAt: string;
  keyId: string;
  algorithm: typeof CHECKPOINT_ALGORITHM;
  /** base64 Ed25519 signature over `checkpointMessage(seq, hash, signedAt)`. */
  signature: string;
  /** SPKI PEM. */
  publicKey: string;
}

export function checkpointMessage(seq: number, hash: string, signedAt: string): Buffer {
  return Buffer.from(`${seq}.${hash}.${signedAt}`, 'utf8');
}

/** First 16 hex digits of SHA-256 over the public key's SPKI DER: names a key without shipping it. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

export function signCheckpointMessage(privateKey: KeyObject, seq: number, hash: string, signedAt: string): string {
  // Ed25519 hashes internally: node:crypto takes `null` as the digest for it.
  return sign(null, checkpointMessage(seq, hash, signedAt), privateKey).toString('base64');
}

/** True when `signature` is a valid Ed25519 signature of the checkpoint by `publicKey` (PEM or KeyObject). */
export function checkpointSignatureValid(
  publicKey: KeyObject | string,
  checkpoint: Pick<CheckpointView, 'seq' | 'hash' | 'signedAt' | 'signature'>,
): boolean {
  try {
    const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
    if (key.asymmetricKeyType !== 'ed25519') return false;
    const signature = Buffer.from(checkpoint.signature, 'base64');
    return verify(null, checkpointMessage(checkpoint.seq, checkpoint.hash, checkpoint.signedAt), key, signature);
  } catch {
    return false;
  }
}
