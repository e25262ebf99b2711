import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { RedisClient } from '@vigil/queues';

const READ_TIMEOUT_MS = 5000;

/**
 * What to say about Redis's `maxmemory-policy` (null: it could not be read). BullMQ keeps jobs, locks, de-duplication
 * keys and schedulers in Redis; any policy but `noeviction` lets Redis drop them silently when memory runs short.
 */
export function evictionPolicyNotice(policy: string | null): { level: 'warn' | 'log'; message: string } | null {
  if (policy === 'noeviction') return null;
  if (policy === null) {
    return {
      level: 'log',
      message:
        "Could not read Redis's maxmemory-policy (a managed Redis may refuse CONFIG GET); it must be noeviction, " +
        'or Redis may evict queued jobs and schedules under memory pressure',
    };
  }
  return {
    level: 'warn',
    message:
      `Redis's maxmemory-policy is "${policy}": under memory pressure Redis may evict queued jobs, their locks and ` +
      'the job schedulers; set maxmemory-policy noeviction (docker/compose.yml)',
  };
}

/** At start-up, warns when Redis may evict BullMQ's keys. Never stops the start. */
@Injectable()
export class RedisEvictionPolicyCheck implements OnApplicationBootstrap {
  private readonly logger = new Logger(RedisEvictionPolicyCheck.name);

  constructor(private readonly client: RedisClient) {}

  async onApplicationBootstrap(): Promise<void> {
    const notice = evictionPolicyNotice(await this.policy());
    if (notice) this.logger[notice.level](notice.message);
  }

  /** Redis's maxmemory-policy, or null when Redis would not say (or not within READ_TIMEOUT_MS). */
  async policy(): Promise<string | null> {
    const { redis } = this.client;
    let timer: NodeJS.Timeout | undefined;
    try {
      const reply = await Promise.race([
        (async () => {
          // This connection queues no commands while it connects (RedisClient), so wait for it.
          if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
          return (await redis.config('GET', 'maxmemory-policy')) as unknown;
        })(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('no answer')), READ_TIMEOUT_MS);
        }),
      ]);
      // RESP2 answers [name, value]; RESP3 a map.
      const value = Array.isArray(reply) ? reply[1] : (reply as Record<string, unknown> | null)?.['maxmemory-policy'];
      return typeof value === 'string' ? value : null;
    } catch {
      return null;
    } finally {
      clearTimeout(timer);
    }
  }
}
