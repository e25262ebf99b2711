import { InjectQueue, Processor } from '@nestjs/bullmq';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { ExpireLeases, IncidentClocks, ReconcileReports, RunRetention, SlaClocks } from '@vigil/moderation';
import { systemContext } from '@vigil/audit';
import { QueueName } from '@vigil/queues';
import type { Queue } from 'bullmq';
import { JobHandlers, TypedProcessor } from './typed-processor';

/** Repeatable housekeeping. One job at a time per worker; schedules are upserted, so replicas share one schedule. */
@Processor(QueueName.Maintenance)
export class MaintenanceProcessor extends TypedProcessor<QueueName.Maintenance> implements OnApplicationBootstrap {
  protected readonly queueName = QueueName.Maintenance;
  protected readonly handlers: JobHandlers<QueueName.Maintenance> = {
    'reconcile-reports': () => this.reconcileReports.execute(),
    'expire-leases': (_, job) => this.expireLeases.execute(systemContext(job.id ?? null)),
    'sla-clocks': (_, job) => this.slaClocks.execute(systemContext(job.id ?? null)),
    'incident-clocks': (_, job) => this.incidentClocks.execute(systemContext(job.id ?? null)),
    retention: (_, job) => this.retention.execute(systemContext(job.id ?? null)),
  };

  constructor(
    private readonly reconcileReports: ReconcileReports,
    private readonly expireLeases: ExpireLeases,
    private readonly slaClocks: SlaClocks,
    private readonly incidentClocks: IncidentClocks,
    private readonly retention: RunRetention,
    @InjectQueue(QueueName.Maintenance) private readonly queue: Queue,
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    const every = Math.round(this.config.maintenanceIntervalSeconds * 1000);
    for (const name of ['reconcile-reports', 'expire-leases', 'sla-clocks', 'incident-clocks'] as const) {
      await this.queue.upsertJobScheduler(
        name,
        { every },
        { name, data: {}, opts: { attempts: 1, removeOnComplete: 100, removeOnFail: 100 } },
      );
    }
    await this.queue.upsertJobScheduler(
      'retention',
      { every: Math.round(this.config.retention.intervalSeconds * 1000) },
      { name: 'retention', data: {}, opts: { attempts: 1, removeOnComplete: 100, removeOnFail: 100 } },
    );
  }
}
