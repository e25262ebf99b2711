import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActionContext, AuditService } from '@vigil/audit';
import { DomainError } from '@vigil/domain';
import { QueueName, QueueProducer, triageJob, triageJobId } from '@vigil/queues';
import { DataSource } from 'typeorm';

/** Reports asked for at once, and audited in one transaction. */
const BATCH = 500;

export type RequeueReportsInput = { reportId: string } | { allReceived: true };

export interface RequeuedReport {
  reportId: string;
  jobId: string;
  /** A live triage job already stood for it (its own, or its channel's): nothing was added. */
  alreadyQueued: boolean;
}

/**
 * An operator's `reports:requeue`: makes sure a report still waiting for triage (`received`) has a live triage job,
 * now, as the reconciler (ReconcileReports) would after RECONCILE_AFTER_SECONDS and with its enqueue
 * (`QueueProducer.ensure` of `triageJob`, whose id is the report's): a report whose job is waiting or running is left
 * alone, so a second requeue adds nothing. Changes no row; each report gets a `report.requeued` event, written after
 * its job is in Redis so that the trail never claims an enqueue that failed (a job without its event only does what
 * the reconciler would have done).
 */
@Injectable()
export class RequeueReports {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly queues: QueueProducer,
  ) {}

  async execute(input: RequeueReportsInput, ctx: ActionContext): Promise<RequeuedReport[]> {
    if ('reportId' in input) {
      const [report]: { id: string; channel_id: string; status: string }[] = await this.db.query(
        `SELECT id, channel_id, status FROM reports WHERE id = $1`,
        [input.reportId],
      );
      if (!report) throw new DomainError('NOT_FOUND', 'report not found');
      if (report.status !== 'received') {
        throw new DomainError('ILLEGAL_TRANSITION', `the report is already triaged (status ${report.status})`);
      }
      return this.requeue([report], ctx);
    }
    const requeued: RequeuedReport[] = [];
    // Keyset pages in arrival order; a report triaged meanwhile drops out of later pages and is harmless in this one.
    let after: { receivedAt: string; id: string } | null = null;
    for (;;) {
      const page: { id: string; channel_id: string; received_at: string }[] = await this.db.query(
        `SELECT id, channel_id, received_at::text AS received_at FROM reports
         WHERE status = 'received' AND ($1::timestamptz IS NULL OR (received_at, id) > ($1::timestamptz, $2::uuid))
         ORDER BY received_at, id LIMIT $3`,
        [after?.receivedAt ?? null, after?.id ?? null, BATCH],
      );
      requeued.push(...(await this.requeue(page, ctx)));
      if (page.length < BATCH) return requeued;
      const last = page[page.length - 1];
      after = { receivedAt: last.received_at, id: last.id };
    }
  }

  private async requeue(reports: { id: string; channel_id: string }[], ctx: ActionContext): Promise<RequeuedReport[]> {
    if (reports.length === 0) return [];
    const results: RequeuedReport[] = [];
    // One ensure per report, so each event can say whether a job was added for it.
    for (const report of reports) {
      const added = await this.queues.ensure(QueueName.Triage, [triageJob(report.id, report.channel_id)]);
      results.push({ reportId: report.id, jobId: triageJobId(report.id), alreadyQueued: added === 0 });
    }
    await this.db.transaction((manager) =>
      this.audit.record(
        manager,
        ctx,
        ...results.map((r) => ({
          action: 'report.requeued' as const,
          target: { type: 'report', id: r.reportId },
          data: { jobId: r.jobId, alreadyQueued: r.alreadyQueued },
        })),
      ),
    );
    return results;
  }
}
