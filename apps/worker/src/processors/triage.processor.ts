import { Processor } from '@nestjs/bullmq';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import { systemContext } from '@vigil/audit';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { TriageReport } from '@vigil/moderation';
import { QueueName } from '@vigil/queues';
import { JobHandlers, TypedProcessor } from './typed-processor';

@Processor(QueueName.Triage)
export class TriageProcessor extends TypedProcessor<QueueName.Triage> implements OnApplicationBootstrap {
  protected readonly queueName = QueueName.Triage;
  protected readonly handlers: JobHandlers<QueueName.Triage> = {
    'triage-report': (data, job) => this.triageReport.execute(data, systemContext(job.id ?? null)),
  };

  constructor(
    private readonly triageReport: TriageReport,
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.triageConcurrency;
  }
}
