import { Processor } from '@nestjs/bullmq';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import { systemContext } from '@vigil/audit';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { TriageReport } from '@vigil/moderation';
import { QueueName } from '@vigil/queues';
import { DelayedError } from 'bullmq';
import { JobHandlers, TypedProcessor } from './typed-processor';

/** About one triage transaction on a hot channel under load. */
const CHANNEL_BUSY_RETRY_MS = 100;

@Processor(QueueName.Triage)
export class TriageProcessor extends TypedProcessor<QueueName.Triage> implements OnApplicationBootstrap {
  protected readonly queueName = QueueName.Triage;
  protected readonly handlers: JobHandlers<QueueName.Triage> = {
    'triage-report': async (data, job, token) => {
      const outcome = await this.triageReport.execute(data, systemContext(job.id ?? null));
      if (outcome.outcome !== 'channel-busy') return outcome;
      // Not a failure: the job comes back once the channel's transaction is likely over (no attempt is used up).
      await job.moveToDelayed(Date.now() + CHANNEL_BUSY_RETRY_MS, token);
      throw new DelayedError();
    },
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
