import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ReportEntity } from '@vigil/database';
import { DecisionAction, DomainError, ReportStatus } from '@vigil/domain';
import { DataSource } from 'typeorm';
import { ReporterIdentity } from './reporter-identity';

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
    return {
      id: report.id,
      status: REPORTER_STATUS[report.status],
      receivedAt: report.receivedAt.toISOString(),
      ...(report.decidedAt ? { decidedAt: report.decidedAt.toISOString() } : {}),
    };
  }
}
