import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActionContext, AuditService } from '@vigil/audit';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { nextCaseStatus, unclaimEvent } from '@vigil/domain';
import { DataSource } from 'typeorm';
import { assertLeaseHolder, lockCase } from '../shared';

/** Extends the caller's lease on a case by the configured lease length. */
@Injectable()
export class RenewLease {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
    private readonly audit: AuditService,
  ) {}

  async execute(input: { caseId: string }, ctx: ActionContext): Promise<{ leaseExpiresAt: string }> {
    return this.db.transaction(async (manager) => {
      const theCase = await lockCase(manager, input.caseId);
      assertLeaseHolder(theCase, ctx.actor.id);
      const [rows]: [{ lease_expires_at: Date }[]] = await manager.query(
        `UPDATE cases SET lease_expires_at = now() + make_interval(secs => $2), version = version + 1, updated_at = now()
         WHERE id = $1 RETURNING lease_expires_at`,
        [theCase.id, this.config.leaseSeconds],
      );
      const leaseExpiresAt = rows[0].lease_expires_at.toISOString();
      await this.audit.record(manager, ctx, {
        action: 'case.lease_renewed',
        target: { type: 'case', id: theCase.id },
        data: { leaseExpiresAt },
      });
      return { leaseExpiresAt };
    });
  }
}

/** Gives a case back: to the open queue, or to the seniors' queue when it was escalated. */
@Injectable()
export class ReleaseLease {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  async execute(input: { caseId: string }, ctx: ActionContext): Promise<void> {
    await this.db.transaction(async (manager) => {
      const theCase = await lockCase(manager, input.caseId);
      assertLeaseHolder(theCase, ctx.actor.id);
      const status = nextCaseStatus(theCase.status, unclaimEvent(theCase.escalated, 'release'));
      await manager.query(
        `UPDATE cases SET status = $2, assignee_id = NULL, lease_expires_at = NULL, version = version + 1,
           updated_at = now() WHERE id = $1`,
        [theCase.id, status],
      );
      await this.audit.record(manager, ctx, {
        action: 'case.lease_released',
        target: { type: 'case', id: theCase.id },
        data: { to: status },
      });
    });
  }
}

/** Maintenance: every case whose lease has lapsed goes back to its queue, audited as `case.lease_expired`. */
@Injectable()
export class ExpireLeases {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  async execute(ctx: ActionContext): Promise<{ expired: number }> {
    return this.db.transaction(async (manager) => {
      const lapsed: { id: string; assignee_id: string; escalated: boolean }[] = await manager.query(
        `SELECT id, assignee_id, escalated FROM cases
         WHERE status = 'in_review' AND lease_expires_at <= now()
         ORDER BY lease_expires_at LIMIT 500 FOR NO KEY UPDATE SKIP LOCKED`,
      );
      for (const row of lapsed) {
        const status = nextCaseStatus('in_review', unclaimEvent(row.escalated, 'lease_expired'));
        await manager.query(
          `UPDATE cases SET status = $2, assignee_id = NULL, lease_expires_at = NULL, version = version + 1,
             updated_at = now() WHERE id = $1`,
          [row.id, status],
        );
        await this.audit.record(manager, ctx, {
          action: 'case.lease_expired',
          target: { type: 'case', id: row.id },
          data: { previousAssigneeId: row.assignee_id, to: status },
        });
      }
      return { expired: lapsed.length };
    });
  }
}
