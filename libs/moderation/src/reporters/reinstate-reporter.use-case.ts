import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActionContext, AuditService } from '@vigil/audit';
import { DomainError } from '@vigil/domain';
import { DataSource } from 'typeorm';

/**
 * An admin lifts a reporter's suspension before it ends (DSA Art. 23(3): a suspension is reviewable), with a reason;
 * audited `reporter.reinstated` under the pseudonym. The reporter starts again with the grace dismissals a first
 * warning gives, not straight back into a suspension on their next dismissed report.
 */
@Injectable()
export class ReinstateReporter {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  async execute(input: { pseudonym: string; reason: string }, ctx: ActionContext): Promise<void> {
    await this.db.transaction(async (manager) => {
      const rows: { reporter_ref: string; suspended_until: Date | null }[] = await manager.query(
        `SELECT reporter_ref, suspended_until FROM reporter_standings WHERE pseudonym = $1 FOR UPDATE`,
        [input.pseudonym],
      );
      if (rows.length === 0) throw new DomainError('NOT_FOUND', 'no reporter with this pseudonym');
      const suspended = rows.filter((r) => r.suspended_until && r.suspended_until > new Date());
      if (suspended.length === 0) throw new DomainError('ILLEGAL_TRANSITION', 'this reporter is not suspended');
      await manager.query(
        `UPDATE reporter_standings SET suspended_until = NULL, dismissed_at_last_step = dismissed_cases,
           updated_at = now()
         WHERE reporter_ref = ANY($1)`,
        [suspended.map((r) => r.reporter_ref)],
      );
      await this.audit.record(manager, ctx, {
        action: 'reporter.reinstated',
        target: { type: 'reporter', id: input.pseudonym },
        data: { reason: input.reason, suspendedUntil: suspended[0].suspended_until!.toISOString() },
      });
    });
  }
}
