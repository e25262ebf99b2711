import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys look like `vgl_<prefix>_<secret>`: `prefix` is 8 random bytes in hex, stored in clear to find the key's
 * row; `secret` is 32 random bytes in base64url. Only the SHA-256 of the whole key is stored. A slow password hash
 * is not needed: 256 random bits cannot be guessed offline, and SHA-256 keeps the check cheap on every request.
 */
const API_KEY = /^vgl_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface GeneratedApiKey {
  key: string;
  prefix: string;
  hash: string;
}

export function generateApiKey(): GeneratedApiKey {
  const prefix = randomBytes(8).toString('hex');
  const key = `vgl_${prefix}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix, hash: hashApiKey(key) };
}

/** The lookup prefix of a well-formed key; null for anything else (which is then simply an unknown key). */
export function apiKeyPrefix(key: string): string | null {
  return API_KEY.exec(key)?.[1] ?? null;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** Compares in constant time, so response timing says nothing about how much of a guessed key was right. */
export function apiKeyMatches(key: string, storedHash: string): boolean {
  const given = Buffer.from(hashApiKey(key), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}
