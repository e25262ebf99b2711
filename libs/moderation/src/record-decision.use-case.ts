import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActionContext, AuditEventInput, AuditService } from '@vigil/audit';
import { CaseEntity, DecisionEntity } from '@vigil/database';
import { DecisionAction, decisionEvent, nextCaseStatus } from '@vigil/domain';
import { DataSource, EntityManager } from 'typeorm';
import { assertLeaseHolder, lockCase } from './case-lock';
import { FollowUps, OutboxDispatcher } from './outbox-dispatcher';

export interface DecisionInput {
  action: DecisionAction;
  policy: string;
  reason: string;
  legalGround?: string;
}

export interface DecisionView {
  id: string;
  caseId: string;
  action: DecisionAction;
  policy: string;
  reason: string;
  legalGround: string | null;
  decidedBy: string;
  createdAt: string;
}

export function decisionView(d: DecisionEntity): DecisionView {
  return {
    id: d.id,
    caseId: d.caseId,
    action: d.action,
    policy: d.policy,
    reason: d.reason,
    legalGround: d.legalGround,
    decidedBy: d.decidedBy,
    createdAt: d.createdAt.toISOString(),
  };
}

/**
 * A lease holder's decision on a case. `escalate` hands the case to the seniors' queue; the others decide it: in the
 * same transaction the case and the channel change status and the enforcement and owner-notice outbox rows are
 * written, then their jobs are enqueued after commit, with the job that carries the outcome to the case's reports
 * and reporters (ApplyDecisionOutcome: thousands of rows on a hot case, kept out of the moderator's request).
 */
@Injectable()
export class RecordDecision {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly outbox: OutboxDispatcher,
  ) {}

  async execute(input: DecisionInput & { caseId: string }, ctx: ActionContext): Promise<DecisionView> {
    const { decision, followUps } = await this.db.transaction(async (manager) => {
      const theCase = await lockCase(manager, input.caseId);
      assertLeaseHolder(theCase, ctx.actor.id);
      return this.decide(manager, theCase, input, ctx, false);
    });
    await this.outbox.dispatch(followUps);
    return decisionView(decision);
  }

  /** The decision itself, for a case the caller may decide (checked by the caller), inside its transaction. */
  async decide(
    manager: EntityManager,
    theCase: CaseEntity,
    input: DecisionInput,
    ctx: ActionContext,
    bulk: boolean,
  ): Promise<{ decision: DecisionEntity; followUps: FollowUps }> {
    const status = nextCaseStatus(theCase.status, decisionEvent(input.action));
    const escalating = input.action === 'escalate';
    // An escalation has no outcome to apply; any other decision's reaches the reports and reporters by a job.
    const [{ id }]: { id: string }[] = await manager.query(
      `INSERT INTO decisions (case_id, action, policy, reason, legal_ground, decided_by, bulk, applied_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, CASE WHEN $8::boolean THEN now() END) RETURNING id`,
      [theCase.id, input.action, input.policy, input.reason, input.legalGround ?? null, ctx.actor.id, bulk, escalating],
    );
    const decision = await manager.getRepository(DecisionEntity).findOneByOrFail({ id });
    const events: AuditEventInput[] = [
      {
        action: 'decision.recorded',
        target: { type: 'case', id: theCase.id },
        data: { decisionId: id, action: input.action, policy: input.policy, from: theCase.status, to: status, bulk },
      },
    ];
    if (escalating) {
      await manager.query(
        `UPDATE cases SET status = $2, escalated = true, assignee_id = NULL, lease_expires_at = NULL,
           version = version + 1, updated_at = now() WHERE id = $1`,
        [theCase.id, status],
      );
      events.push({ action: 'case.escalated', target: { type: 'case', id: theCase.id }, data: { decisionId: id } });
      await this.audit.record(manager, ctx, ...events);
      return { decision, followUps: { enforcementIds: [], notificationIds: [] } };
    }

    await manager.query(
      `UPDATE cases SET status = $2, assignee_id = NULL, lease_expires_at = NULL, decided_at = now(),
         version = version + 1, updated_at = now() WHERE id = $1`,
      [theCase.id, status],
    );
    const actioned = input.action !== 'no_violation';
    if (input.action === 'takedown') {
      await manager.query(
        `UPDATE channels SET status = 'actioned', actioned_at = now(), updated_at = now() WHERE id = $1`,
        [theCase.channelId],
      );
    }
    const followUps = await this.outbox.write(manager, {
      decisionId: id,
      caseId: theCase.id,
      channelId: theCase.channelId,
      enforcement: actioned ? (input.action as 'takedown' | 'restrict') : null,
      notices: actioned ? ['owner_notice'] : [],
    });
    await this.audit.record(manager, ctx, ...events);
    return { decision, followUps: { ...followUps, outcomeDecisionIds: [id] } };
  }
}
