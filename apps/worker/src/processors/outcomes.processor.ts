import { Processor } from '@nestjs/bullmq';
import { systemContext } from '@vigil/audit';
import { ApplyDecisionOutcome } from '@vigil/moderation';
import { QueueName } from '@vigil/queues';
import { JobHandlers, OUTBOX_WORKER_OPTIONS, TypedProcessor } from './typed-processor';

@Processor(QueueName.Outcomes, OUTBOX_WORKER_OPTIONS)
export class OutcomesProcessor extends TypedProcessor<QueueName.Outcomes> {
  protected readonly queueName = QueueName.Outcomes;
  protected readonly handlers: JobHandlers<QueueName.Outcomes> = {
    'apply-decision-outcome': (data, job) => this.applyDecisionOutcome.execute(data, systemContext(job.id ?? null)),
  };

  constructor(private readonly applyDecisionOutcome: ApplyDecisionOutcome) {
    super();
  }
}
