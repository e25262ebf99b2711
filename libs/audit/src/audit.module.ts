import { Global, Module } from '@nestjs/common';
import { AuditQueries } from './audit-queries';
import { QueryAuditTrail } from './query-audit-trail.use-case';
import { AuditSigningKey } from './audit-signing-key';
import { AuditTreeQueries } from './audit-tree-queries';
import { AuditService } from './audit.service';
import { ExportAuditRange } from './export-audit-range.use-case';
import { ProveAuditEvent } from './prove-audit-event.use-case';
import { SealAuditEvents } from './seal-audit-events.use-case';
import { SignAuditCheckpoint } from './sign-audit-checkpoint.use-case';
import { SignTreeCheckpoint } from './sign-tree-checkpoint.use-case';
import { VerifyAuditChain } from './verify-audit-chain.use-case';

const PROVIDERS = [
  AuditService,
  AuditSigningKey,
  AuditQueries,
  QueryAuditTrail,
  AuditTreeQueries,
  SealAuditEvents,
  SignAuditCheckpoint,
  SignTreeCheckpoint,
  ProveAuditEvent,
  VerifyAuditChain,
  ExportAuditRange,
];

/** The audit trail: recording, sealing, verification, checkpoints, queries. Needs ConfigModule and DatabaseModule. */
@Global()
@Module({ providers: PROVIDERS, exports: PROVIDERS })
export class AuditModule {}
