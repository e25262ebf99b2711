import { Inject, Injectable, Logger } from '@nestjs/common';
import { developmentSecret, VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { resolve } from 'node:path';
import { keyIdOf } from './checkpoint-signature';

/**
 * The Ed25519 key that signs audit checkpoints. From AUDIT_SIGNING_KEY when set (production refuses to start
 * without it); otherwise a development key generated once and kept in AUDIT_SIGNING_KEY_FILE, so checkpoints stay
 * verifiable across restarts of a developer's machine. Loaded when the app starts, so a bad key stops the boot.
 */
@Injectable()
export class AuditSigningKey {
  private readonly logger = new Logger(AuditSigningKey.name);
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** SPKI PEM, as API.md's `publicKey`. */
  readonly publicKeyPem: string;
  readonly keyId: string;
  /** The 32 bytes of the Ed25519 public key (RFC 8032), as C2SP signed-note verifier keys carry it. */
  readonly rawPublicKey: Uint8Array;

  constructor(@Inject(VIGIL_CONFIG) config: VigilConfig) {
    this.privateKey = config.auditSigningKey
      ? parseKey(config.auditSigningKey, 'AUDIT_SIGNING_KEY')
      : this.developmentKey(resolve(config.auditSigningKeyFile));
    this.publicKey = createPublicKey(this.privateKey);
    this.publicKeyPem = this.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    this.keyId = keyIdOf(this.publicKey);
    this.rawPublicKey = new Uint8Array(Buffer.from(this.publicKey.export({ format: 'jwk' }).x!, 'base64url'));
  }

  private developmentKey(file: string): KeyObject {
    const { text, created } = developmentSecret(file, () =>
      generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    );
    if (created) this.logger.warn(`AUDIT_SIGNING_KEY is not set: generated a development signing key in ${file}`);
    return parseKey(text, `the development key in ${file}`);
  }
}

function parseKey(pem: string, source: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (error) {
    throw new Error(`${source} is not a PEM private key: ${(error as Error).message}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(`${source} must be an Ed25519 private key (got ${key.asymmetricKeyType ?? 'an unknown type'})`);
  }
  return key;
}
