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

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
