import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActionContext, AuditService } from '@vigil/audit';
import { DomainError, nextCaseStatus } from '@vigil/domain';
import { DataSource } from 'typeorm';
import { holdsLease, lockCase } from '../shared';
import { OutboxDispatcher } from '../outcomes';
import { DecisionInput, RecordDecision } from './record-decision.use-case';

export const MAX_BULK_CASES = 500;

export type BulkCaseResult =
  | { caseId: string; result: 'decided'; decisionId: string }
  | { caseId: string; result: 'skipped'; reason: string };

/**
 * One decision applied to many cases (a referral unit's action day arrives as one list). Each case gets its own
 * transaction, decision and audit events; a case someone else is reviewing, or one that is already decided, is
 * skipped and reported rather than failing the batch.
 */
@Injectable()
export class BulkDecide {
  private readonly logger = new Logger(BulkDecide.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly recordDecision: RecordDecision,
    private readonly outbox: OutboxDispatcher,
  ) {}

  async execute(input: DecisionInput & { caseIds: string[] }, ctx: ActionContext): Promise<{ results: BulkCaseResult[] }> {
    const results: BulkCaseResult[] = [];
    for (const caseId of [...new Set(input.caseIds)]) {
      try {
        const { decision, followUps } = await this.db.transaction(async (manager) => {
          const theCase = await lockCase(manager, caseId);
          if (theCase.status === 'in_review' && !holdsLease(theCase, ctx.actor.id)) {
            if (theCase.leaseExpiresAt && theCase.leaseExpiresAt > new Date()) {
              throw new DomainError('CASE_LEASED_TO_SOMEONE_ELSE', 'another reviewer holds the lease on this case');
            }
          }
          if (theCase.status === 'open' || theCase.status === 'escalated') {
            // Taking the case for this decision is itself a claim, recorded as one.
            theCase.status = nextCaseStatus(theCase.status, 'claim');
            await this.audit.record(manager, ctx, {
              action: 'case.claimed',
              target: { type: 'case', id: caseId },
              data: { bulk: true },
            });
          }
          return this.recordDecision.decide(manager, theCase, input, ctx, true);
        });
        await this.outbox.dispatch(followUps);
        results.push({ caseId, result: 'decided', decisionId: decision.id });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        results.push({ caseId, result: 'skipped', reason: error.message });
      }
    }
    this.logger.log(`Bulk ${input.action}: ${results.filter((r) => r.result === 'decided').length}/${results.length} cases`);
    return { results };
  }
}
