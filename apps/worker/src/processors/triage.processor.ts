import { Processor } from '@nestjs/bullmq';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import { systemContext } from '@vigil/audit';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { TriageReport } from '@vigil/moderation';
import { QueueName } from '@vigil/queues';
import { JobHandlers, TypedProcessor } from './typed-processor';

/**
 * A triage job takes milliseconds, but one a dead worker was running keeps its channel's de-duplication key (and so
 * the channel's newer reports) until the stalled-job check finds its lock expired and returns it to the queue: with
 * BullMQ's defaults (30 s lock, 30 s between checks, two checks to act) that was 62–94 s (issue 22). A 5 s lock,
 * renewed every 2.5 s, and a check every 2 s free a crashed worker's channels in at most about 9 s. A worker frozen
 * for longer than the lock gets its job run again elsewhere: triage is idempotent, so the cost is a repeated read;
 * after three such stalls the job fails and the reconciler re-enqueues the report (docs/decisions.md).
 */
export const TRIAGE_WORKER_OPTIONS = { lockDuration: 5_000, stalledInterval: 2_000, maxStalledCount: 3 } as const;

@Processor(QueueName.Triage, TRIAGE_WORKER_OPTIONS)
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
