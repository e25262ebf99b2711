import { DomainError } from '@vigil/domain';

/**
 * Where a page of `GET /v1/audit` stopped: after a sealed event (by seq), or inside the unsealed tail (by
 * occurred_at, id — the order they will most likely be sealed in). Opaque to clients: base64url JSON.
 */
export type AuditCursor = { kind: 'sealed'; seq: number } | { kind: 'unsealed'; occurredAt: string; id: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MICROS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export function encodeAuditCursor(cursor: AuditCursor): string {
  const keys = cursor.kind === 'sealed' ? ['s', cursor.seq] : ['u', cursor.occurredAt, cursor.id];
  return Buffer.from(JSON.stringify(keys), 'utf8').toString('base64url');
}

/**
 * A cursor is client input: a forged time must be refused here (400), not by Postgres (500). It must be a real
 * calendar time (no 2026-13-45, no year 0, which Postgres lacks), written as the encoder writes it.
 */
function isMicrosecondTime(value: unknown): value is string {
  if (typeof value !== 'string' || !MICROS.test(value) || value.startsWith('0000')) return false;
  const millis = `${value.slice(0, 23)}Z`;
  return !Number.isNaN(Date.parse(millis)) && new Date(millis).toISOString() === millis;
}

export function decodeAuditCursor(cursor: string): AuditCursor {
  let keys: unknown;
  try {
    keys = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    keys = null;
  }
  if (Array.isArray(keys)) {
    if (keys.length === 2 && keys[0] === 's' && Number.isSafeInteger(keys[1]) && keys[1] >= 0) {
      return { kind: 'sealed', seq: keys[1] };
    }
    const [, time, id] = keys;
    if (keys.length === 3 && keys[0] === 'u' && isMicrosecondTime(time) && typeof id === 'string' && UUID.test(id)) {
      return { kind: 'unsealed', occurredAt: time, id };
    }
  }
  throw new DomainError('INVALID_CURSOR', 'cursor is not valid');
}
