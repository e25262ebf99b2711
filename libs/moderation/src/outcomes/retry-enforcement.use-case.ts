import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActionContext, AuditService } from '@vigil/audit';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { DomainError } from '@vigil/domain';
import { DataSource } from 'typeorm';
import { OutboxDispatcher } from './outbox-dispatcher';

/** An admin sends a failed (or manual) enforcement again, with the same delivery id. */
@Injectable()
export class RetryEnforcement {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
    private readonly audit: AuditService,
    private readonly outbox: OutboxDispatcher,
  ) {}

  async execute(input: { enforcementId: string }, ctx: ActionContext): Promise<{ id: string; status: 'pending' }> {
    await this.db.transaction(async (manager) => {
      const [row]: { status: string; case_id: string }[] = await manager.query(
        `SELECT status, case_id FROM enforcements WHERE id = $1 FOR UPDATE`,
        [input.enforcementId],
      );
      if (!row) throw new DomainError('NOT_FOUND', 'enforcement not found');
      const retryable = row.status === 'failed' || (row.status === 'manual' && this.config.enforcementWebhookUrl);
      if (!retryable) {
        throw new DomainError('ENFORCEMENT_NOT_RETRYABLE', `an enforcement that is ${row.status} cannot be retried`);
      }
      await manager.query(
        `UPDATE enforcements SET status = 'pending', completed_at = NULL WHERE id = $1`,
        [input.enforcementId],
      );
      await this.audit.record(manager, ctx, {
        action: 'enforcement.retried',
        target: { type: 'enforcement', id: input.enforcementId },
        data: { from: row.status, caseId: row.case_id },
      });
    });
    await this.outbox.dispatch({ enforcementIds: [input.enforcementId], notificationIds: [] }, { retry: true });
    return { id: input.enforcementId, status: 'pending' };
  }
}
