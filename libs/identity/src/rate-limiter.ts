import { Inject, Injectable, Logger } from '@nestjs/common';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { RedisClient } from '@vigil/queues';
import type { Redis } from 'ioredis';
import { createHash, randomUUID } from 'node:crypto';

/** How many events one subject (an address, a key, an account) may have within a sliding window. */
export interface RateLimitRule {
  /** Names the counter in Redis, e.g. `intake-address`; one name per rule. */
  name: string;
  limit: number;
  windowSeconds: number;
}

export type RateLimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

const ALLOWED: RateLimitDecision = { allowed: true };

/**
 * A sliding-window log in one sorted set per rule and subject: each counted event is a member scored with Redis's
 * own clock (so API replicas agree), events older than the window are dropped first, and at most `limit` are kept
 * (older ones cannot change the answer). Returns 0 when the event is within the limit, otherwise the milliseconds
 * until enough events leave the window for one more.
 *   ARGV: mode ('take': count the event only if within the limit | 'peek': count nothing | 'add': count it anyway),
 *         limit, window in ms, a unique member
 */
const SLIDING_WINDOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local mode, limit, window = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if mode == 'add' or (mode == 'take' and count < limit) then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(limit + 1))
  redis.call('PEXPIRE', KEYS[1], window)
  if mode == 'take' then return 0 end
  count = redis.call('ZCARD', KEYS[1])
end
if count < limit then return 0 end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)
`;
const SLIDING_WINDOW_SHA = createHash('sha1').update(SLIDING_WINDOW).digest('hex');

/** A Redis call that has not answered by then is treated as Redis being away. */
const REDIS_TIMEOUT_MS = 500;
const WARN_EVERY_MS = 60_000;

/**
 * Rate limits kept in Redis under `<QUEUE_PREFIX>:ratelimit:`. When Redis is away or slow, every check allows
 * (fails open) and a warning is logged at most once a minute: Postgres is the system of record, and intake and
 * login must keep working without Redis (docs/decisions.md).
 */
@Injectable()
export class RateLimiter {
  private readonly logger = new Logger(RateLimiter.name);
  private readonly redis: Redis;
  private failingSince: number | null = null;
  private lastWarning = 0;

  constructor(
    redisClient: RedisClient,
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
  ) {
    this.redis = redisClient.redis;
  }

  /** Counts one event if it is within the limit; refuses it (counting nothing) otherwise. */
  take(rule: RateLimitRule, subject: string): Promise<RateLimitDecision> {
    return this.slidingWindow('take', rule, subject);
  }

  /** Would one more event be within the limit? Counts nothing. */
  check(rule: RateLimitRule, subject: string): Promise<RateLimitDecision> {
    return this.slidingWindow('peek', rule, subject);
  }

  /** Counts one event whatever the limit (e.g. a failed login); says whether the subject is now over it. */
  add(rule: RateLimitRule, subject: string): Promise<RateLimitDecision> {
    return this.slidingWindow('add', rule, subject);
  }

  /** Forgets the subject's events. */
  async reset(rule: RateLimitRule, subject: string): Promise<void> {
    await this.withRedis(async (redis) => {
      await redis.del(this.keyOf(rule, subject));
      return true;
    });
  }

  /** The Redis key: the subject is hashed, so no address or email appears in Redis and keys stay short. */
  keyOf(rule: RateLimitRule, subject: string): string {
    const digest = createHash('sha256').update(subject, 'utf8').digest('hex').slice(0, 32);
    return `${this.config.queuePrefix}:ratelimit:${rule.name}:${digest}`;
  }

  private async slidingWindow(
    mode: 'take' | 'peek' | 'add',
    rule: RateLimitRule,
    subject: string,
  ): Promise<RateLimitDecision> {
    const args = [mode, rule.limit, rule.windowSeconds * 1000, randomUUID()];
    const waitMs = await this.withRedis(async (redis) => {
      const key = this.keyOf(rule, subject);
      try {
        return Number(await redis.evalsha(SLIDING_WINDOW_SHA, 1, key, ...args));
      } catch (error) {
        if (!String((error as Error).message).includes('NOSCRIPT')) throw error;
        return Number(await redis.eval(SLIDING_WINDOW, 1, key, ...args));
      }
    });
    if (waitMs === null || waitMs <= 0) return ALLOWED;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }

  /** Runs a Redis call with a deadline; null (and a rate-limited warning) when Redis does not answer. */
  private async withRedis<T>(call: (redis: Redis) => Promise<T>): Promise<T | null> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${REDIS_TIMEOUT_MS} ms`)), REDIS_TIMEOUT_MS);
    });
    try {
      const result = await Promise.race([this.ready().then(() => call(this.redis)), deadline]);
      if (this.failingSince !== null) {
        this.logger.log('Redis answers again; rate limits are enforced again');
        this.failingSince = null;
      }
      return result;
    } catch (error) {
      const now = Date.now();
      this.failingSince ??= now;
      if (now - this.lastWarning >= WARN_EVERY_MS) {
        this.lastWarning = now;
        this.logger.warn(`Rate limits not enforced (failing open): Redis is unavailable: ${(error as Error).message}`);
      }
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The shared connection does not queue commands while it is away, so a call right after start-up, before the
   * first connection is made, waits for it (bounded by the caller's deadline) instead of failing open needlessly.
   */
  private ready(): Promise<void> {
    if (this.redis.status === 'ready') return Promise.resolve();
    if (!['wait', 'connecting', 'connect'].includes(this.redis.status)) {
      return Promise.reject(new Error(`connection is ${this.redis.status}`));
    }
    return new Promise((resolve, reject) => {
      const done = (error?: Error) => {
        clearTimeout(timer);
        this.redis.off('ready', onReady);
        this.redis.off('close', onClose);
        if (error) reject(error);
        else resolve();
      };
      const onReady = () => done();
      const onClose = () => done(new Error('connection closed'));
      const timer = setTimeout(() => done(new Error('not connected yet')), REDIS_TIMEOUT_MS);
      this.redis.once('ready', onReady);
      this.redis.once('close', onClose);
    });
  }
}
