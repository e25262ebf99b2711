import { Module } from '@nestjs/common';
import { ActionedChannelsFeed } from './actioned-channels-feed';
import { ActionedChannelsQuery } from './actioned-channels.query';
import { AppealQueries } from './appeal-queries';
import { ApplyDecisionOutcome } from './apply-decision-outcome.use-case';
import { BulkDecide } from './bulk-decide.use-case';
import { CaseQueries } from './case-queries';
import { ChannelQueries, LinkChannels } from './channels';
import { ClaimCase } from './claim-case.use-case';
import { CaseCloser } from './close-case';
import { EnforceDecision } from './enforce-decision.use-case';
import { FeedSigner } from './feed-signature';
import { FileAppeal } from './file-appeal.use-case';
import { IntakeGroupCommit } from './intake-group-commit';
import { ExpireLeases, ReleaseLease, RenewLease } from './lease.use-case';
import { OutboxDispatcher } from './outbox-dispatcher';
import { ReconcileReports } from './reconcile-reports.use-case';
import { RecordDecision } from './record-decision.use-case';
import { ReportStatusQuery } from './report-status.query';
import { ResolveAppeal } from './resolve-appeal.use-case';
import { RevealReporter } from './reveal-reporter.use-case';
import { RetryEnforcement } from './retry-enforcement.use-case';
import { SendNotification } from './send-notification.use-case';
import { StatementsOfReasonsQuery } from './statements-of-reasons.query';
import { SubmitReport } from './submit-report.use-case';
import { TransparencyQuery } from './transparency.query';
import { TriageReport } from './triage-report.use-case';
import { ReporterStandings } from './reporter-standings';
import { WebhookSender } from './webhook-sender';

const PROVIDERS = [
  SubmitReport,
  IntakeGroupCommit,
  TriageReport,
  ReporterStandings,
  ReconcileReports,
  ReportStatusQuery,
  CaseQueries,
  ClaimCase,
  RenewLease,
  ReleaseLease,
  ExpireLeases,
  RecordDecision,
  ApplyDecisionOutcome,
  BulkDecide,
  OutboxDispatcher,
  CaseCloser,
  WebhookSender,
  EnforceDecision,
  SendNotification,
  RetryEnforcement,
  FileAppeal,
  ResolveAppeal,
  AppealQueries,
  ChannelQueries,
  LinkChannels,
  RevealReporter,
  TransparencyQuery,
  StatementsOfReasonsQuery,
  ActionedChannelsQuery,
  FeedSigner,
  ActionedChannelsFeed,
];

/** Reports, triage, cases and review. Needs ConfigModule, DatabaseModule, QueuesModule and AuditModule. */
@Module({ providers: PROVIDERS, exports: PROVIDERS })
export class ModerationModule {}
