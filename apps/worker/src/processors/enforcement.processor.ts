import { Processor } from '@nestjs/bullmq';
import { systemContext } from '@vigil/audit';
import { EnforceDecision } from '@vigil/moderation';
import { QueueName } from '@vigil/queues';
import type { Job } from 'bullmq';
import { JobHandlers, TypedProcessor } from './typed-processor';

/** True when this run is the job's last attempt, so a failure now is final. */
export const isFinalAttempt = (job: Job): boolean => job.attemptsMade + 1 >= (job.opts.attempts ?? 1);

@Processor(QueueName.Enforcement)
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
