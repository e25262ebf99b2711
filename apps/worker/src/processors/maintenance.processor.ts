import { InjectQueue, Processor } from '@nestjs/bullmq';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { ReconcileReports } from '@vigil/moderation';
import { QueueName } from '@vigil/queues';
import type { Queue } from 'bullmq';
import { JobHandlers, TypedProcessor } from './typed-processor';

/** Repeatable housekeeping. One job at a time per worker; schedules are upserted, so replicas share one schedule. */
@Processor(QueueName.Maintenance)
export class MaintenanceProcessor extends TypedProcessor<QueueName.Maintenance> implements OnApplicationBootstrap {
  protected readonly queueName = QueueName.Maintenance;
  protected readonly handlers: JobHandlers<QueueName.Maintenance> = {
    'reconcile-reports': () => this.reconcileReports.execute(),
  };

  constructor(
    private readonly reconcileReports: ReconcileReports,
    @InjectQueue(QueueName.Maintenance) private readonly queue: Queue,
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.queue.upsertJobScheduler(
      'reconcile-reports',
      { every: Math.round(this.config.maintenanceIntervalSeconds * 1000) },
      { name: 'reconcile-reports', data: {}, opts: { attempts: 1, removeOnComplete: 100, removeOnFail: 100 } },
    );
  }
}
