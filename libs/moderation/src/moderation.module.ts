import { Module } from '@nestjs/common';
import { CaseQueries } from './case-queries';
import { ReconcileReports } from './reconcile-reports.use-case';
import { ReportStatusQuery } from './report-status.query';
import { SubmitReport } from './submit-report.use-case';
import { TriageReport } from './triage-report.use-case';

const PROVIDERS = [SubmitReport, TriageReport, ReconcileReports, ReportStatusQuery, CaseQueries];

/** Reports, triage, cases and review. Needs ConfigModule, DatabaseModule, QueuesModule and AuditModule. */
@Module({ providers: PROVIDERS, exports: PROVIDERS })
export class ModerationModule {}
