import { Processor } from '@nestjs/bullmq';
import { systemContext } from '@vigil/audit';
import { EnforceDecision } from '@vigil/moderation';
import { QueueName } from '@vigil/queues';
import { isFinalAttempt, JobHandlers, OUTBOX_WORKER_OPTIONS, TypedProcessor } from './typed-processor';

@Processor(QueueName.Enforcement, OUTBOX_WORKER_OPTIONS)
export class EnforcementProcessor extends TypedProcessor<QueueName.Enforcement> {
  protected readonly queueName = QueueName.Enforcement;
  protected readonly handlers: JobHandlers<QueueName.Enforcement> = {
    enforce: (data, job) =>
      this.enforceDecision.execute(data, { final: isFinalAttempt(job) }, systemContext(job.id ?? null)),
  };

  constructor(private readonly enforceDecision: EnforceDecision) {
    super();
  }
}
