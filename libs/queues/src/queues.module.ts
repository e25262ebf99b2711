import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { ALL_QUEUES } from './queue-names';
import { QueueCountsReader } from './queue-counts';
import { QueueProducer } from './queue-producer';
import { RedisClient } from './redis-client';

export type QueueRole = 'producer' | 'worker';

/**
 * The one place queues are registered: connection and prefix from config, default job options. A producer (the
 * API) fails fast when Redis is away — Postgres holds the work and the reconciler re-enqueues it — while a worker
 * keeps retrying its connection.
 */
@Global()
@Module({})
export class QueuesModule {
  static forRoot(role: QueueRole): DynamicModule {
    return {
      module: QueuesModule,
      imports: [
        BullModule.forRootAsync({
          inject: [VIGIL_CONFIG],
          useFactory: (config: VigilConfig) => ({
            prefix: config.queuePrefix,
            connection: {
              url: config.redisUrl,
              ...(role === 'producer'
                ? { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 }
                : { maxRetriesPerRequest: null }),
            },
            defaultJobOptions: {
              attempts: 8,
              backoff: { type: 'exponential', delay: 1000 },
              removeOnComplete: { count: 10_000, age: 24 * 3600 },
              removeOnFail: { count: 50_000 },
            },
          }),
        }),
        BullModule.registerQueue(...ALL_QUEUES.map((name) => ({ name }))),
      ],
      providers: [QueueProducer, QueueCountsReader, RedisClient],
      exports: [BullModule, QueueProducer, QueueCountsReader, RedisClient],
    };
  }
}
