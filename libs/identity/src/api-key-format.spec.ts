import { apiKeyMatches, apiKeyPrefix, generateApiKey, hashApiKey } from './api-key-format';

describe('API key format', () => {
  it('generates vgl_<16 hex>_<43 base64url> keys carrying 256 random bits, each different', () => {
    const keys = Array.from({ length: 50 }, () => generateApiKey());
    for (const { key, prefix, hash } of keys) {
      expect(key).toMatch(/^vgl_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(key.slice(21), 'base64url')).toHaveLength(32);
      expect(key.startsWith(`vgl_${prefix}_`)).toBe(true);
      expect(hash).toBe(hashApiKey(key));
      expect(hash).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(new Set(keys.map((k) => k.key)).size).toBe(50);
    expect(new Set(keys.map((k) => k.prefix)).size).toBe(50);
  });

  it('finds the prefix of a well-formed key, including a secret that contains "_"', () => {
    const key = `vgl_0123456789abcdef_${'_'.repeat(43)}`;
    expect(apiKeyPrefix(key)).toBe('0123456789abcdef');
  });

  it.each([
    ['an empty string', ''],
    ['another scheme', 'sk_0123456789abcdef_' + 'a'.repeat(43)],
    ['an upper-case prefix', 'vgl_0123456789ABCDEF_' + 'a'.repeat(43)],
    ['a short secret', 'vgl_0123456789abcdef_' + 'a'.repeat(42)],
    ['a long secret', 'vgl_0123456789abcdef_' + 'a'.repeat(44)],
    ['padding', 'vgl_0123456789abcdef_' + 'a'.repeat(42) + '='],
    ['a trailing newline', 'vgl_0123456789abcdef_' + 'a'.repeat(43) + '\n'],
  ])('has no prefix for %s', (_, key) => {
    expect(apiKeyPrefix(key)).toBeNull();
  });

  it('matches only the exact key against its stored hash', () => {
    const { key, hash } = generateApiKey();
    expect(apiKeyMatches(key, hash)).toBe(true);
    const flipped = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    expect(apiKeyMatches(flipped, hash)).toBe(false);
    expect(apiKeyMatches(key, 'not-hex')).toBe(false);
    expect(apiKeyMatches(key, '')).toBe(false);
  });
});
