import { Processor } from '@nestjs/bullmq';
import { SealAuditEvents, SignAuditCheckpoint, SignTreeCheckpoint, systemContext } from '@vigil/audit';
import { QueueName } from '@vigil/queues';
import { JobHandlers, TypedProcessor } from './typed-processor';

/**
 * The audit queue: sealing every AUDIT_SEAL_INTERVAL_MS, and a checkpoint of the chain and one of the Merkle tree
 * every AUDIT_CHECKPOINT_INTERVAL_SECONDS (each signed only when the head moved), on schedules kept by JobSchedulers
 * and shared by replicas; when two workers pick up runs at once, the advisory locks inside the use-cases let one work
 * and the other return.
 */
@Processor(QueueName.Audit)
export class AuditProcessor extends TypedProcessor<QueueName.Audit> {
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
  ) {
    super();
  }
}
