import { developmentSecret, VigilConfig } from '@vigil/config';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * The stored form: `v1.<iv>.<ciphertext>.<tag>`, each base64url; the report's id is bound in as associated data. The
 * same pattern serves JavaScript and PostgreSQL's `~` (encryptClearContacts finds the rows still in clear with it).
 */
export const STORED_CONTACT_PATTERN = '^v1\\.([A-Za-z0-9_-]{16})\\.([A-Za-z0-9_-]+)\\.([A-Za-z0-9_-]{22})$';
const STORED = new RegExp(STORED_CONTACT_PATTERN);

/**
 * Reporter contacts at rest (API.md "Evidence and retention"): AES-256-GCM under DATA_ENCRYPTION_KEY, each bound to
 * its report (the report id is the associated data, so a ciphertext moved to another row does not decrypt). The clear
 * address exists only in memory, at intake and while a notice is sent. Development keeps a generated key in
 * DATA_ENCRYPTION_KEY_FILE, like the audit key; production refuses to start without the variable (libs/config).
 */
export class ContactCipher {
  private constructor(private readonly key: Buffer) {}

  static fromConfig(config: Pick<VigilConfig, 'dataEncryptionKey' | 'dataEncryptionKeyFile'>): ContactCipher {
    if (config.dataEncryptionKey) return new ContactCipher(config.dataEncryptionKey);
    const { text } = developmentSecret(config.dataEncryptionKeyFile, () => randomBytes(32).toString('base64'));
    const key = Buffer.from(text.trim(), 'base64');
    if (key.length !== 32) throw new Error(`${config.dataEncryptionKeyFile} does not hold a 32-byte base64 key`);
    return new ContactCipher(key);
  }

  static isStored(value: string): boolean {
    return STORED.test(value);
  }

  encrypt(contact: string, reportId: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(reportId, 'utf8'));
    const body = Buffer.concat([cipher.update(contact, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return ['v1', iv.toString('base64url'), body.toString('base64url'), tag.toString('base64url')].join('.');
  }

  /** The clear contact; throws when the value was not made by this key for this report. */
  decrypt(stored: string, reportId: string): string {
    const parts = STORED.exec(stored);
    if (!parts) throw new Error('not an encrypted contact');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(parts[1], 'base64url'));
    decipher.setAAD(Buffer.from(reportId, 'utf8'));
    decipher.setAuthTag(Buffer.from(parts[3], 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(parts[2], 'base64url')), decipher.final()]).toString('utf8');
  }
}
