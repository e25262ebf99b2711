import { DomainError } from '@vigil/domain';

/** Opaque list cursors: base64url of a JSON array of the last item's sort keys. */
export function encodeCursor(keys: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(keys), 'utf8').toString('base64url');
}

export function decodeCursor<T extends readonly unknown[]>(
  cursor: string,
  isValid: (keys: unknown[]) => keys is [...T],
): T {
  let keys: unknown;
  try {
    keys = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new DomainError('INVALID_CURSOR', 'cursor is not valid');
  }
  if (!Array.isArray(keys) || !isValid(keys)) throw new DomainError('INVALID_CURSOR', 'cursor is not valid');
  return keys as unknown as T;
}

// A cursor is client input: each key must be something Postgres accepts for its column, or a forged cursor would
// reach the database and fail there (a 500) instead of being refused here (a 400).
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const INT4_MAX = 2_147_483_647;

/** A time as `toISOString()` writes it, from year 1 to 9999 (Postgres has no year 0). */
export const isCursorTime = (value: unknown): value is string =>
  typeof value === 'string' &&
  ISO_MILLIS.test(value) &&
  !value.startsWith('0000') &&
  !Number.isNaN(Date.parse(value)) &&
  new Date(value).toISOString() === value;

export const isCursorUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

/** An integer that fits a Postgres `integer` column. */
export const isCursorInt = (value: unknown): value is number =>
  Number.isInteger(value) && Math.abs(value as number) <= INT4_MAX;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
