// The one list of entities and migrations, shared by the apps, the migration CLI and the tests. No globs, so a
// bundled build and the CLI always agree.
import { DataSource, DataSourceOptions } from 'typeorm';
import { AuditEventEntity } from './entities/audit-event.entity';
import { CaseEntity } from './entities/case.entity';
import { ChannelEntity } from './entities/channel.entity';
import { ReportEntity } from './entities/report.entity';
import { UserEntity } from './entities/user.entity';
import { InitialSchema1764000000000 } from './migrations/1764000000000-initial-schema';
import { AuditCheckpoints1764000000001 } from './migrations/1764000000001-audit-checkpoints';
import { AuditCheckpointEntity } from './entities/audit-checkpoint.entity';
import { ApiKeys1764000000003 } from './migrations/1764000000003-api-keys';
import { ReporterStandings1764000000004 } from './migrations/1764000000004-reporter-standings';
import { CaseLanguages1764000000005 } from './migrations/1764000000005-case-languages';
import { DecisionTimes1764000000006 } from './migrations/1764000000006-decision-times';
import { DecisionOutcomes1764000000007 } from './migrations/1764000000007-decision-outcomes';
import { CaseAggregates1764000000008 } from './migrations/1764000000008-case-aggregates';
import { OpenWorkIndexes1764000000009 } from './migrations/1764000000009-open-work-indexes';
import { QueueIndexes1764000000010 } from './migrations/1764000000010-queue-indexes';
import { ReportsHotOutcome1764000000011 } from './migrations/1764000000011-reports-hot-outcome';
import { AuditPartialIndexes1764000000012 } from './migrations/1764000000012-audit-partial-indexes';
import { AuditSealedIndexes1764000000013 } from './migrations/1764000000013-audit-sealed-indexes';
import { CaseFirstReports1764000000014 } from './migrations/1764000000014-case-first-reports';
import { MigrationIntelligence1764000000300 } from './migrations/1764000000300-migration-intelligence';
import { SlaClocksAndIncidents1764000000301 } from './migrations/1764000000301-sla-clocks-and-incidents';
import { Evidence1764000000302 } from './migrations/1764000000302-evidence';
import { LegalHolds1764000000303 } from './migrations/1764000000303-legal-holds';
import { OperationsMetricsIndexes1764000000400 } from './migrations/1764000000400-operations-metrics-indexes';
import { AuditTreeEveryThirdLevel1764000000500 } from './migrations/1764000000500-audit-tree-every-third-level';
import { UserSessionVersion1764000000501 } from './migrations/1764000000501-user-session-version';
import { AuditTree1764000000200 } from './migrations/1764000000200-audit-tree';
import { AuditTreeCheckpoints1764000000201 } from './migrations/1764000000201-audit-tree-checkpoints';
import { ScheduledRuns1764000000100 } from './migrations/1764000000100-scheduled-runs';
import { ApiKeyEntity } from './entities/api-key.entity';
import { Review1764000000002 } from './migrations/1764000000002-review';
import { AppealEntity } from './entities/appeal.entity';
import { ChannelLinkEntity } from './entities/channel-link.entity';
import { DecisionEntity } from './entities/decision.entity';
import { EnforcementEntity } from './entities/enforcement.entity';
import { NotificationEntity } from './entities/notification.entity';

export const ENTITIES = [
  ChannelEntity,
  ReportEntity,
  CaseEntity,
  UserEntity,
  AuditEventEntity,
  AuditCheckpointEntity,
  DecisionEntity,
  AppealEntity,
  EnforcementEntity,
  NotificationEntity,
  ChannelLinkEntity,
  ApiKeyEntity,
];
/** In order of their timestamps. */
export const MIGRATIONS = [
  InitialSchema1764000000000,
  AuditCheckpoints1764000000001,
  Review1764000000002,
  ApiKeys1764000000003,
  ReporterStandings1764000000004,
  CaseLanguages1764000000005,
  DecisionTimes1764000000006,
  DecisionOutcomes1764000000007,
  CaseAggregates1764000000008,
  OpenWorkIndexes1764000000009,
  QueueIndexes1764000000010,
  ReportsHotOutcome1764000000011,
  AuditPartialIndexes1764000000012,
  AuditSealedIndexes1764000000013,
  CaseFirstReports1764000000014,
  ScheduledRuns1764000000100,
  AuditTree1764000000200,
  AuditTreeCheckpoints1764000000201,
  MigrationIntelligence1764000000300,
  SlaClocksAndIncidents1764000000301,
  Evidence1764000000302,
  LegalHolds1764000000303,
  OperationsMetricsIndexes1764000000400,
  AuditTreeEveryThirdLevel1764000000500,
  UserSessionVersion1764000000501,
];

export interface DatabaseSettings {
  databaseUrl: string;
  databasePoolSize: number;
}

export function dataSourceOptions(settings: DatabaseSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.databaseUrl,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: false,
    synchronize: false,
    poolSize: settings.databasePoolSize,
    // idleTimeoutMillis 0: the pool keeps its connections. pg-pool's default closes one idle for 10 s, and its
    // last-in-first-out pool leaves a few idle whenever the load dips, so a surge kept closing and reopening sessions
    // (each new one forks a backend, warms its caches and prepares the intake statement again).
    extra: {
      max: settings.databasePoolSize,
      idleTimeoutMillis: 0,
      connectionTimeoutMillis: 5000,
      application_name: 'vigil',
    },
  };
}

export function createDataSource(settings: DatabaseSettings): DataSource {
  return new DataSource(dataSourceOptions(settings));
}
