import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActionContext, AuditEventInput, AuditService } from '@vigil/audit';
import { CaseEntity } from '@vigil/database';
import { DecisionAction, decisionEvent, nextCaseStatus } from '@vigil/domain';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { assertLeaseHolder, lockCase } from './case-lock';
import { FollowUps, followUpsOfRow, OutboxDispatcher, OutboxIdsRow } from './outbox-dispatcher';

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

export interface DecisionViewRow {
  id: string;
  case_id: string;
  action: DecisionAction;
  policy: string;
  reason: string;
  legal_ground: string | null;
  decided_by: string;
  created_at: Date;
}

/** The columns a decision is shown with: the INSERT returns them, and a case's detail reads them. */
export const DECISION_VIEW_COLUMNS = 'id, case_id, action, policy, reason, legal_ground, decided_by, created_at';

export function decisionViewOfRow(row: DecisionViewRow): DecisionView {
  return {
    id: row.id,
    caseId: row.case_id,
    action: row.action,
    policy: row.policy,
    reason: row.reason,
    legalGround: row.legal_ground,
    decidedBy: row.decided_by,
    createdAt: row.created_at.toISOString(),
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
    return decision;
  }

  /** The decision itself, for a case the caller may decide (checked by the caller), inside its transaction. */
  async decide(
    manager: EntityManager,
    theCase: CaseEntity,
    input: DecisionInput,
    ctx: ActionContext,
    bulk: boolean,
  ): Promise<{ decision: DecisionView; followUps: FollowUps }> {
    const status = nextCaseStatus(theCase.status, decisionEvent(input.action));
    const escalating = input.action === 'escalate';
    // The id is chosen here so that the events and the outbox rows can name the decision in the same statement.
    const decisionId = randomUUID();
    const events: AuditEventInput[] = [
      {
        action: 'decision.recorded',
        target: { type: 'case', id: theCase.id },
        data: { decisionId, action: input.action, policy: input.policy, from: theCase.status, to: status, bulk },
      },
    ];
    if (escalating) {
      events.push({ action: 'case.escalated', target: { type: 'case', id: theCase.id }, data: { decisionId } });
    }
    const params: unknown[] = [
      decisionId,
      theCase.id,
      input.action,
      input.policy,
      input.reason,
      input.legalGround ?? null,
      ctx.actor.id,
      bulk,
      // An escalation has no outcome to apply; any other decision's reaches the reports and reporters by a job.
      escalating,
      status,
      theCase.channelId,
      input.action === 'takedown',
    ];
    const caseChange = escalating
      ? `escalated = true, assignee_id = NULL, lease_expires_at = NULL`
      : `assignee_id = NULL, lease_expires_at = NULL, decided_at = now()`;
    // A takedown or a restriction writes its enforcement and the owner's notice; no_violation and escalate nothing.
    const enforcement = input.action === 'takedown' || input.action === 'restrict' ? input.action : null;
    const outbox = this.outbox.insertParts(
      {
        decisionId,
        caseId: theCase.id,
        channelId: theCase.channelId,
        enforcement,
        notices: enforcement ? ['owner_notice'] : [],
      },
      params,
    );
    // The decision, the case (and for a takedown its channel), the events and the outbox rows: one round trip.
    const [row]: (DecisionViewRow & OutboxIdsRow)[] = await manager.query(
      `WITH decision AS (
         INSERT INTO decisions (id, case_id, action, policy, reason, legal_ground, decided_by, bulk, applied_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CASE WHEN $9::boolean THEN now() END)
         RETURNING ${DECISION_VIEW_COLUMNS}
       ), decided_case AS (
         UPDATE cases SET status = $10, ${caseChange}, version = version + 1, updated_at = now() WHERE id = $2
       ), actioned_channel AS (
         UPDATE channels SET status = 'actioned', actioned_at = now(), updated_at = now()
         WHERE id = $11 AND $12::boolean
       ), events AS (${this.audit.insertStatement(ctx, events, params)})
       ${outbox.parts.map((part) => `, ${part}`).join('')}
       SELECT decision.*, ${outbox.ids} FROM decision`,
      params,
    );
    const decision = decisionViewOfRow(row);
    const followUps = followUpsOfRow(row);
    return { decision, followUps: escalating ? followUps : { ...followUps, outcomeDecisionIds: [decision.id] } };
  }
}
