import { Module } from '@nestjs/common';
import { AppealQueries, FileAppeal, ResolveAppeal } from './appeals';
import { LinkChannels, MigrationsQuery, ReviewLink } from './channels';
import {
  AddEvidence,
  EVIDENCE_STORE,
  LiftLegalHold,
  PlaceLegalHold,
  PostgresEvidenceStore,
  RunRetention,
  ViewEvidence,
} from './evidence';
import { CloseIncident, DeclareIncident, IncidentClocks, IncidentQueries } from './incidents';
import { IntakeGroupCommit, ReportStatusQuery, SubmitReport } from './intake';
import {
  ApplyDecisionOutcome,
  CaseCloser,
  EnforceDecision,
  OutboxDispatcher,
  RetryEnforcement,
  SendSlaAlert,
  SendNotification,
  WebhookSender,
} from './outcomes';
import { ReinstateReporter, ReporterStandings, RevealReporter } from './reporters';
import {
  BulkDecide,
  CaseQueries,
  ChannelQueries,
  ClaimCase,
  ExpireLeases,
  OperationsCounts,
  RecordDecision,
  ReleaseLease,
  RenewLease,
  ViewCase,
} from './review';
import {
  ActionedChannelsFeed,
  ActionedChannelsQuery,
  FeedSigner,
  DownloadStatementsOfReasons,
  StatementsOfReasonsQuery,
  TransparencyQuery,
} from './transparency';
import { ReconcileReports, RequeueReports, SlaClocks, SlaStateCounts, TriageReport } from './triage';

const PROVIDERS = [
  SubmitReport,
  IntakeGroupCommit,
  TriageReport,
  SlaClocks,
  SlaStateCounts,
  DeclareIncident,
  CloseIncident,
  IncidentClocks,
  IncidentQueries,
  AddEvidence,
  ViewEvidence,
  PostgresEvidenceStore,
  PlaceLegalHold,
  LiftLegalHold,
  RunRetention,
  ReporterStandings,
  ReconcileReports,
  RequeueReports,
  ReportStatusQuery,
  CaseQueries,
  ViewCase,
  ClaimCase,
  RenewLease,
  ReleaseLease,
  ExpireLeases,
  OperationsCounts,
  RecordDecision,
  ApplyDecisionOutcome,
  BulkDecide,
  OutboxDispatcher,
  CaseCloser,
  WebhookSender,
  EnforceDecision,
  SendNotification,
  RetryEnforcement,
  SendSlaAlert,
  FileAppeal,
  ResolveAppeal,
  AppealQueries,
  ChannelQueries,
  LinkChannels,
  ReviewLink,
  MigrationsQuery,
  RevealReporter,
  ReinstateReporter,
  TransparencyQuery,
  StatementsOfReasonsQuery,
  DownloadStatementsOfReasons,
  ActionedChannelsQuery,
  FeedSigner,
  ActionedChannelsFeed,
];

/** Evidence bytes in PostgreSQL: the one store so far (EvidenceStore says what another must do). */
const EVIDENCE_STORE_PROVIDER = { provide: EVIDENCE_STORE, useExisting: PostgresEvidenceStore };

/** Reports, triage, cases and review. Needs ConfigModule, DatabaseModule, QueuesModule and AuditModule. */
@Module({ providers: [...PROVIDERS, EVIDENCE_STORE_PROVIDER], exports: [...PROVIDERS, EVIDENCE_STORE_PROVIDER] })
export class ModerationModule {}
