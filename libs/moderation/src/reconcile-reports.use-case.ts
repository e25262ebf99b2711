import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { QueueName, QueueProducer, triageJobId } from '@vigil/queues';
import { DataSource } from 'typeorm';

const BATCH = 1000;

/**
 * Finds reports acknowledged but still untriaged after `reconcileAfterSeconds` and makes sure each has a live
 * triage job: Redis may have been down at intake, or the job lost or failed for good. Changes no rows itself.
 */
@Injectable()
export class ReconcileReports {
  private readonly logger = new Logger(ReconcileReports.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
    private readonly queues: QueueProducer,
  ) {}

  async execute(): Promise<{ checked: number; reenqueued: number }> {
    const rows: { id: string }[] = await this.db.query(
      `SELECT id FROM reports
       WHERE status = 'received' AND received_at < now() - make_interval(secs => $1)
       ORDER BY received_at LIMIT $2`,
      [this.config.reconcileAfterSeconds, BATCH],
    );
    const triage = this.queues.queue(QueueName.Triage);
    const missing: string[] = [];
    for (const { id } of rows) {
      const job = await triage.getJob(triageJobId(id));
      if (job) {
        const state = await job.getState();
        // A waiting, delayed or running job will get there; a finished one left the report behind.
        if (state !== 'completed' && state !== 'failed' && state !== 'unknown') continue;
        await job.remove();
      }
      missing.push(id);
    }
    await this.queues.add(
      QueueName.Triage,
      missing.map((reportId) => ({
        job: { name: 'triage-report', data: { reportId } },
        opts: { jobId: triageJobId(reportId) },
      })),
    );
    if (missing.length) this.logger.warn(`Re-enqueued ${missing.length} untriaged report(s) for triage`);
    return { checked: rows.length, reenqueued: missing.length };
  }
}
