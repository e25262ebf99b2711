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
    if (keys.length === 3 && keys[0] === 'u' && MICROS.test(String(keys[1])) && UUID.test(String(keys[2]))) {
      return { kind: 'unsealed', occurredAt: keys[1], id: keys[2] };
    }
  }
  throw new DomainError('INVALID_CURSOR', 'cursor is not valid');
}
