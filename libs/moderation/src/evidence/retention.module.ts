import { Module } from '@nestjs/common';
import { EVIDENCE_STORE, PostgresEvidenceStore } from './evidence-store';
import { RunRetention } from './retention.use-case';

/**
 * Retention alone, for the operator's CLI (`retention:run`), which has no queues. Needs ConfigModule, DatabaseModule
 * and AuditModule.
 */
@Module({
  providers: [RunRetention, PostgresEvidenceStore, { provide: EVIDENCE_STORE, useExisting: PostgresEvidenceStore }],
  exports: [RunRetention],
})
export class RetentionModule {}
