import { InjectQueue, Processor } from '@nestjs/bullmq';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import { SealAuditEvents, SignAuditCheckpoint, SignTreeCheckpoint, systemContext } from '@vigil/audit';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { QueueName } from '@vigil/queues';
import type { Queue } from 'bullmq';
import { JobHandlers, TypedProcessor } from './typed-processor';

/**
 * The audit queue: sealing every AUDIT_SEAL_INTERVAL_MS, and a checkpoint of the chain and one of the Merkle tree
 * every AUDIT_CHECKPOINT_INTERVAL_SECONDS (each signed only when the head moved). Schedules are upserted, so replicas
 * share them; when two workers pick up runs at once, the advisory locks inside the use-cases let one work and the
 * other return.
 */
@Processor(QueueName.Audit)
export class AuditProcessor extends TypedProcessor<QueueName.Audit> implements OnApplicationBootstrap {
  protected readonly queueName = QueueName.Audit;
  protected readonly handlers: JobHandlers<QueueName.Audit> = {
    'seal-audit-events': () => this.sealAuditEvents.execute(),
    'sign-audit-checkpoint': (_, job) =>
      this.signAuditCheckpoint.execute({ trigger: 'schedule' }, systemContext(job.id ?? null)),
    'sign-tree-checkpoint': () => this.signTreeCheckpoint.execute(),
  };

  constructor(
    private readonly sealAuditEvents: SealAuditEvents,
    private readonly signAuditCheckpoint: SignAuditCheckpoint,
    private readonly signTreeCheckpoint: SignTreeCheckpoint,
    @InjectQueue(QueueName.Audit) private readonly queue: Queue,
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    const schedules = [
      ['seal-audit-events', this.config.auditSealIntervalMs],
      ['sign-audit-checkpoint', Math.round(this.config.auditCheckpointIntervalSeconds * 1000)],
      ['sign-tree-checkpoint', Math.round(this.config.auditCheckpointIntervalSeconds * 1000)],
    ] as const;
    for (const [name, every] of schedules) {
      // A missed run is simply the next run's work, so no retries and only a short job history.
      await this.queue.upsertJobScheduler(
        name,
        { every },
        { name, data: {}, opts: { attempts: 1, removeOnComplete: 100, removeOnFail: 100 } },
      );
    }
  }
}
