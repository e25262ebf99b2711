import { DynamicModule, Module } from '@nestjs/common';
import { AuditModule } from '@vigil/audit';
import { ConfigModule, VigilConfig } from '@vigil/config';
import { DatabaseModule } from '@vigil/database';
import { ModerationModule } from '@vigil/moderation';
import { QueuesModule } from '@vigil/queues';
import { PROCESSORS } from './processors/processors';
import { WorkerHeartbeat } from './heartbeat';
import { HealthServer } from './health/health-server';
import { WorkerHealth } from './health/worker-health';
import { WorkerMetrics } from './health/worker-metrics';
import { JobSchedulers } from './job-schedulers';
import { RedisEvictionPolicyCheck } from './redis-eviction-policy';

@Module({})
export class WorkerModule {
  static forRoot(config: VigilConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        // Each of the TRIAGE_CONCURRENCY triage jobs may be in a statement at once (its write waits while a decision
        // holds its case): one connection each, and the other processors share DATABASE_POOL_SIZE.
        DatabaseModule.forRoot({ extraConnections: config.triageConcurrency }),
        QueuesModule.forRoot('worker'),
        AuditModule,
        ModerationModule,
      ],
      providers: [
        ...PROCESSORS,
        JobSchedulers,
        RedisEvictionPolicyCheck,
        WorkerHealth,
        WorkerMetrics,
        HealthServer,
        WorkerHeartbeat,
      ],
    };
  }
}
