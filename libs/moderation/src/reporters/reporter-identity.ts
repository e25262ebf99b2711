import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Keyed hashes that let Vigil recognise a reporter, and a report's tracking token, without storing either in a
 * form that can be reversed without the server's REPORTER_SECRET.
 */
export class ReporterIdentity {
  constructor(private readonly secret: string) {}

  /** A stable reference for "the same reporter": their contact, their API key or their client address. */
  reporterRef(identity: { contact?: string | null; apiKeyId?: string | null; clientAddress: string }): string {
    const basis = identity.contact
      ? `contact:${identity.contact.trim().toLowerCase()}`
      : identity.apiKeyId
        ? `apikey:${identity.apiKeyId}`
        : `address:${identity.clientAddress}`;
    return this.hmac(`reporter:${basis}`).toString('hex');
  }

  /**
   * The canonical pseudonym an admin typed (`reporter#1a2b3c4d`, any case, or just the 8 hex digits); null when it
   * cannot name a reporter.
   */
  static canonicalPseudonym(raw: string): string | null {
    const match = /^(?:reporter#)?([0-9a-f]{8})$/.exec(raw.trim().toLowerCase());
    return match ? `reporter#${match[1]}` : null;
  }

  /** What moderators see instead of the reporter: `reporter#1a2b3c4d`. */
  static pseudonymOf(reporterRef: string): string {
    return `reporter#${reporterRef.slice(0, 8)}`;
  }

  /**
   * The tracking token handed to the reporter once. Derived from the report id, so an idempotent replay can answer
   * with the same token, while the database keeps only its SHA-256.
   */
  trackingToken(reportId: string): string {
    return this.hmac(`tracking:${reportId}`).toString('base64url');
  }

  /**
   * The channel owner's appeal token for one decision, sent only in the owner notice. Derived like the tracking
   * token, so nothing that could be replayed as an appeal is stored.
   */
  ownerAppealToken(decisionId: string): string {
    return this.hmac(`owner-appeal:${decisionId}`).toString('base64url');
  }

  static tokenHash(token: string): string {
    return createHash('sha256').update(token, 'utf8').digest('hex');
  }

  static tokenMatches(token: string, storedHash: string): boolean {
    const given = Buffer.from(ReporterIdentity.tokenHash(token), 'hex');
    const stored = Buffer.from(storedHash, 'hex');
    return given.length === stored.length && timingSafeEqual(given, stored);
  }

  private hmac(message: string): Buffer {
    return createHmac('sha256', this.secret).update(message, 'utf8').digest();
  }
}
