import { Logger } from '@nestjs/common';
import type { VigilConfig } from '@vigil/config';
import type { RedisClient } from '@vigil/queues';
import IORedis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { RateLimiter, RateLimitRule } from './rate-limiter';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function limiterOn(url: string, queuePrefix: string, reconnect = true): { limiter: RateLimiter; redis: IORedis } {
  // The options of RedisClient: no offline queue, so commands fail at once while Redis is away.
  const redis = new IORedis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    ...(reconnect ? {} : { retryStrategy: () => null }),
  });
  redis.on('error', () => undefined);
  const limiter = new RateLimiter({ redis } as unknown as RedisClient, { queuePrefix } as VigilConfig);
  return { limiter, redis };
}

describe('RateLimiter (sliding window in Redis)', () => {
  const prefix = `vigil-test-ratelimit-${randomBytes(4).toString('hex')}`;
  let limiter: RateLimiter;
  let redis: IORedis;
  const rule = (limit: number, windowSeconds = 60): RateLimitRule => ({
    name: `rule-${randomBytes(3).toString('hex')}`,
    limit,
    windowSeconds,
  });

  beforeAll(() => ({ limiter, redis } = limiterOn(REDIS_URL, prefix)));
  afterAll(async () => {
    redis.disconnect();
    const cleanup = new IORedis(REDIS_URL);
    const keys = await cleanup.keys(`${prefix}:*`);
    if (keys.length) await cleanup.del(...keys);
    await cleanup.quit();
  });

  it('allows `limit` events, then refuses with the seconds until the oldest leaves the window', async () => {
    const r = rule(3);
    for (let i = 0; i < 3; i++) expect(await limiter.take(r, '198.51.100.7')).toEqual({ allowed: true });
    const refused = await limiter.take(r, '198.51.100.7');
    expect(refused.allowed).toBe(false);
    expect(!refused.allowed && refused.retryAfterSeconds).toBeGreaterThanOrEqual(59);
    expect(!refused.allowed && refused.retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it('counts each subject and each rule separately', async () => {
    const a = rule(1);
    const b = rule(1);
    expect((await limiter.take(a, 'one')).allowed).toBe(true);
    expect((await limiter.take(a, 'one')).allowed).toBe(false);
    expect((await limiter.take(a, 'two')).allowed).toBe(true);
    expect((await limiter.take(b, 'one')).allowed).toBe(true);
  });

  it('slides: capacity comes back as old events leave the window, and refusals are not counted', async () => {
    // The window is long and the events are moved back in time in Redis, so a loaded machine cannot make the test
    // sleep past a window boundary (Redis's clock decides; only the stored scores move).
    const r = rule(2, 60);
    const key = limiter.keyOf(r, 's');
    const ageBy = async (member: string, ms: number) =>
      redis.zadd(key, 'XX', Number(await redis.zscore(key, member)) - ms, member);
    await limiter.take(r, 's');
    await limiter.take(r, 's');
    const [oldest, newest] = await redis.zrange(key, 0, -1);
    await ageBy(oldest, 30_000);
    for (let i = 0; i < 5; i++) {
      const refused = await limiter.take(r, 's');
      expect(refused.allowed).toBe(false);
      // Until the oldest event leaves: 30 s more, not the whole window.
      expect(!refused.allowed && refused.retryAfterSeconds).toBeGreaterThanOrEqual(25);
      expect(!refused.allowed && refused.retryAfterSeconds).toBeLessThanOrEqual(30);
    }
    expect(await redis.zcard(key)).toBe(2); // the refusals were not counted
    // The oldest event leaves the window; the newest is still inside it.
    await ageBy(oldest, 30_001);
    expect((await limiter.take(r, 's')).allowed).toBe(true);
    expect((await limiter.take(r, 's')).allowed).toBe(false);
    expect(await redis.zrange(key, 0, -1)).toContain(newest);
    expect(await redis.zrange(key, 0, -1)).not.toContain(oldest);
  });

  it('peeks without counting, adds beyond the limit, and resets', async () => {
    const r = rule(2);
    expect(await limiter.check(r, 'acct')).toEqual({ allowed: true });
    expect(await limiter.check(r, 'acct')).toEqual({ allowed: true });
    expect(await limiter.add(r, 'acct')).toEqual({ allowed: true });
    const second = await limiter.add(r, 'acct');
    expect(second.allowed).toBe(false);
    expect((await limiter.check(r, 'acct')).allowed).toBe(false);
    expect((await limiter.add(r, 'acct')).allowed).toBe(false);
    expect(await redis.zcard(limiter.keyOf(r, 'acct'))).toBe(2); // bounded by the limit
    await limiter.reset(r, 'acct');
    expect(await limiter.check(r, 'acct')).toEqual({ allowed: true });
  });

  it('keeps its keys under the queue prefix, expiring, without the subject in clear', async () => {
    const r = rule(5, 30);
    await limiter.take(r, 'someone@example.org');
    const key = limiter.keyOf(r, 'someone@example.org');
    expect(key).toMatch(new RegExp(`^${prefix}:ratelimit:${r.name}:[0-9a-f]{32}$`));
    expect(key).not.toContain('someone');
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(25_000);
    expect(ttl).toBeLessThanOrEqual(30_000);
  });

  it('fails open, quickly and with a warning, when Redis cannot be reached', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    // No reconnection attempts, so the test leaves no timers behind; the API's client keeps retrying instead.
    const down = limiterOn('redis://127.0.0.1:1', prefix, false);
    try {
      const started = Date.now();
      const r = rule(1);
      for (let i = 0; i < 3; i++) expect(await down.limiter.take(r, 'x')).toEqual({ allowed: true });
      expect(await down.limiter.add(r, 'x')).toEqual({ allowed: true });
      await expect(down.limiter.reset(r, 'x')).resolves.toBeUndefined();
      expect(Date.now() - started).toBeLessThan(3000);
      expect(warn).toHaveBeenCalledTimes(1); // once a minute, not once a request
      expect(String(warn.mock.calls[0][0])).toMatch(/failing open/);
    } finally {
      warn.mockRestore();
      // Already ended (no reconnection); disconnecting again would only leave ioredis's 2 s close timer behind.
      if (down.redis.status !== 'end') down.redis.disconnect();
    }
  });
});
