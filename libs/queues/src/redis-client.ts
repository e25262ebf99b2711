import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import IORedis, { Redis } from 'ioredis';

/**
 * A plain Redis connection for what is not a queue (readiness checks, counters). Fails fast instead of queueing
 * commands while Redis is away.
 */
@Injectable()
export class RedisClient implements OnApplicationShutdown {
  readonly redis: Redis;

  constructor(@Inject(VIGIL_CONFIG) config: VigilConfig) {
    this.redis = new IORedis(config.redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      connectionName: `${config.queuePrefix}-client`,
    });
    // Errors surface on the commands that fail; the connection keeps retrying in the background.
    this.redis.on('error', () => undefined);
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
