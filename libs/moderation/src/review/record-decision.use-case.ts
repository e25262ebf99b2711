import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActionContext, AuditEventInput, AuditService } from '@vigil/audit';
import { CaseEntity } from '@vigil/database';
import { DecisionAction, decisionEvent, DomainError, nextCaseStatus } from '@vigil/domain';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { FollowUps, followUpsOfRow, OutboxDispatcher, OutboxIdsRow } from '../outcomes';

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

  /**
   * One statement, its own transaction: it locks the case only if the caller holds a live lease on it, and writes
   * nothing otherwise (then a read says why). Four round trips (BEGIN, the lock, the write, COMMIT) were one.
   */
  async execute(input: DecisionInput & { caseId: string }, ctx: ActionContext): Promise<DecisionView> {
    const leased = { id: input.caseId, status: 'in_review' as const };
    const written = await this.write(this.db.manager, leased, 'lease', input, ctx, false);
    if (!written) {
      const [found]: unknown[] = await this.db.query(`SELECT 1 FROM cases WHERE id = $1`, [input.caseId]);
      if (!found) throw new DomainError('NOT_FOUND', 'case not found');
      throw new DomainError('CASE_NOT_LEASED_TO_YOU', 'you do not hold the lease on this case');
    }
    await this.outbox.dispatch(written.followUps);
    return written.decision;
  }

  /** The decision on a case the caller has locked in its transaction and may decide (checked by the caller). */
  async decide(
    manager: EntityManager,
    theCase: CaseEntity,
    input: DecisionInput,
    ctx: ActionContext,
    bulk: boolean,
  ): Promise<{ decision: DecisionView; followUps: FollowUps }> {
    const written = await this.write(manager, theCase, 'locked', input, ctx, bulk);
    if (!written) throw new Error(`case ${theCase.id} vanished under its lock`);
    return written;
  }

  /**
   * The decision, the case (and for a takedown its channel), the events and the outbox rows: one statement. `guard`
   * says how the case is taken: `lease` locks it only while the caller holds a live lease (nothing is written, and
   * null returned, otherwise); `locked` takes the case the caller's transaction already holds. `theCase.status` is
   * the status the decision moves it from.
   */
  private async write(
    manager: EntityManager,
    theCase: Pick<CaseEntity, 'id' | 'status'>,
    guard: 'lease' | 'locked',
    input: DecisionInput,
    ctx: ActionContext,
    bulk: boolean,
  ): Promise<{ decision: DecisionView; followUps: FollowUps } | null> {
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
      input.action === 'takedown',
    ];
    const target =
      guard === 'lease'
        ? `SELECT id, channel_id FROM cases
           WHERE id = $2 AND status = 'in_review' AND assignee_id = $7::uuid AND lease_expires_at > now()
           FOR NO KEY UPDATE`
        : `SELECT id, channel_id FROM cases WHERE id = $2`;
    const caseChange = escalating
      ? `escalated = true, assignee_id = NULL, lease_expires_at = NULL`
      : `assignee_id = NULL, lease_expires_at = NULL, decided_at = now()`;
    // A takedown or a restriction writes its enforcement and the owner's notice; no_violation and escalate nothing.
    const enforcement = input.action === 'takedown' || input.action === 'restrict' ? input.action : null;
    const outbox = this.outbox.insertParts(
      { decisionId, caseSelectedBy: 'target', enforcement, notices: enforcement ? ['owner_notice'] : [] },
      params,
    );
    // Every part writes for the case `target` took, so none writes when it took none.
    const [row]: (DecisionViewRow & OutboxIdsRow)[] = await manager.query(
      `WITH target AS (${target}),
       decision AS (
         INSERT INTO decisions (id, case_id, action, policy, reason, legal_ground, decided_by, bulk, applied_at)
         SELECT $1, target.id, $3, $4, $5, $6, $7::uuid, $8, CASE WHEN $9::boolean THEN now() END FROM target
         RETURNING ${DECISION_VIEW_COLUMNS}
       ), decided_case AS (
         UPDATE cases SET status = $10, ${caseChange}, version = version + 1, updated_at = now()
         FROM target WHERE cases.id = target.id
       ), actioned_channel AS (
         UPDATE channels SET status = 'actioned', actioned_at = now(), updated_at = now()
         FROM target WHERE channels.id = target.channel_id AND $11::boolean
       ), events AS (${this.audit.insertStatement(ctx, events, params, 'target')})
       ${outbox.parts.map((part) => `, ${part}`).join('')}
       SELECT decision.*, ${outbox.ids} FROM decision`,
      params,
    );
    if (!row) return null;
    const decision = decisionViewOfRow(row);
    const followUps = followUpsOfRow(row);
    return { decision, followUps: escalating ? followUps : { ...followUps, outcomeDecisionIds: [decision.id] } };
  }
}
