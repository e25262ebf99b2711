// Signatures partners can check on what Vigil hands them (docs/transparency.md, "Verifying the feed"): pure Ed25519
// (RFC 8032) over the exact bytes of the response body, with the audit signing key — one key to publish, rotate and
// protect. The two kinds of signed message cannot be mistaken for each other: a feed body is a JSON object and
// starts with `{`, a checkpoint message (libs/audit) starts with the digits of a seq.
import { Injectable } from '@nestjs/common';
import { AuditSigningKey, CHECKPOINT_ALGORITHM } from '@vigil/audit';
import { sign } from 'node:crypto';

/** Response headers of a signed body (lower case, as HTTP/2 and Node spell them). */
export const FEED_SIGNATURE_HEADERS = {
  /** Standard base64 (with padding) of the 64-byte Ed25519 signature over the body bytes. */
  signature: 'x-vigil-feed-signature',
  /** First 16 hex digits of SHA-256 over the public key's SPKI DER (as audit checkpoints name it). */
  keyId: 'x-vigil-feed-key-id',
  /** Always `Ed25519`. */
  algorithm: 'x-vigil-feed-signature-algorithm',
} as const;

export interface FeedSigningKeyView {
  keyId: string;
  algorithm: typeof CHECKPOINT_ALGORITHM;
  /** SPKI PEM. */
  publicKey: string;
}

export interface SignedBody {
  body: Buffer;
  headers: Record<string, string>;
}

@Injectable()
export class FeedSigner {
  constructor(private readonly key: AuditSigningKey) {}

  /** The body as UTF-8 JSON bytes, and the headers that sign exactly those bytes. */
  signJson(value: unknown): SignedBody {
    const body = Buffer.from(JSON.stringify(value), 'utf8');
    return {
      body,
      headers: {
        [FEED_SIGNATURE_HEADERS.signature]: sign(null, body, this.key.privateKey).toString('base64'),
        [FEED_SIGNATURE_HEADERS.keyId]: this.key.keyId,
        [FEED_SIGNATURE_HEADERS.algorithm]: CHECKPOINT_ALGORITHM,
      },
    };
  }

  publicKey(): FeedSigningKeyView {
    return { keyId: this.key.keyId, algorithm: CHECKPOINT_ALGORITHM, publicKey: this.key.publicKeyPem };
  }
}

