import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ReportEntity } from '@vigil/database';
import { DecisionAction, DomainError, ReportStatus, reportStatusAfter } from '@vigil/domain';
import { DataSource } from 'typeorm';
import { ReporterIdentity } from '../reporters';

export interface ReportStatusView {
  id: string;
  status: ReportStatus;
  receivedAt: string;
  decidedAt?: string;
  outcome?: { action: DecisionAction; statement: string };
}

const REPORTER_STATUS: Record<ReportEntity['status'], ReportStatus> = {
  received: 'received',
  triaged: 'in_review',
  action_taken: 'action_taken',
  no_action: 'no_action',
};

/** What a reporter may see of their report, given its tracking token. Wrong token and unknown id look the same. */
@Injectable()
export class ReportStatusQuery {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async execute(input: { reportId: string; trackingToken: string }): Promise<ReportStatusView> {
    const report = await this.db.getRepository(ReportEntity).findOneBy({ id: input.reportId });
    if (!report || !ReporterIdentity.tokenMatches(input.trackingToken, report.trackingTokenHash)) {
      throw new DomainError('NOT_FOUND', 'report not found');
    }
    const view: ReportStatusView = {
      id: report.id,
      status: REPORTER_STATUS[report.status],
      receivedAt: report.receivedAt.toISOString(),
    };
    if (report.caseId && (report.decidedAt || report.status === 'triaged')) {
      // The outcome the reporter is told: the decision on their report's case and its statement of reasons. A report
      // still in review whose case was just decided shows that decision before ApplyDecisionOutcome reaches it.
      const [decision]: {
        action: Exclude<DecisionAction, 'escalate'>;
        reason: string;
        created_at: Date;
        applied_at: Date | null;
      }[] = await this.db.query(
        `SELECT action, reason, created_at, applied_at FROM decisions WHERE case_id = $1 AND action <> 'escalate'
         ORDER BY created_at DESC LIMIT 1`,
        [report.caseId],
      );
      if (report.decidedAt) {
        view.decidedAt = report.decidedAt.toISOString();
        if (decision) view.outcome = { action: decision.action, statement: decision.reason };
      } else if (decision && !decision.applied_at) {
        view.status = reportStatusAfter(decision.action);
        view.decidedAt = decision.created_at.toISOString();
        view.outcome = { action: decision.action, statement: decision.reason };
      }
    }
    return view;
  }
}
