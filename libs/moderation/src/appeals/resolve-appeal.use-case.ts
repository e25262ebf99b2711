import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActionContext, AuditEventInput, AuditService } from '@vigil/audit';
import { AppealEntity, DecisionEntity } from '@vigil/database';
import { DomainError, nextCaseStatus } from '@vigil/domain';
import { DataSource } from 'typeorm';
import { ApplyDecisionOutcome, FollowUps, OutboxDispatcher } from '../outcomes';
import { lockCase, UNLESS_CHANNEL_HAS_UNRESOLVED_CASE } from '../shared';

export type AppealOutcome = 'upheld' | 'reversed';

export interface AppealView {
  id: string;
  decisionId: string;
  caseId: string;
  appellant: 'reporter' | 'owner';
  reason: string;
  status: AppealEntity['status'];
  resolvedBy: string | null;
  resolutionReason: string | null;
  createdAt: string;
  resolvedAt: string | null;
}

export function appealView(a: AppealEntity): AppealView {
  return {
    id: a.id,
    decisionId: a.decisionId,
    caseId: a.caseId,
    appellant: a.appellant,
    reason: a.reason,
    status: a.status,
    resolvedBy: a.resolvedBy,
    resolutionReason: a.resolutionReason,
    createdAt: a.createdAt.toISOString(),
    resolvedAt: a.resolvedAt?.toISOString() ?? null,
  };
}

/**
 * Four eyes: an appeal is resolved by a senior moderator or admin who did not make the decision. Reversing a
 * takedown or restriction restores the channel (a `restore` enforcement); reversing a `no_violation` puts the channel
 * back before a reviewer as a new case. The appellant is told the outcome either way.
 */
@Injectable()
export class ResolveAppeal {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly outbox: OutboxDispatcher,
    private readonly outcomes: ApplyDecisionOutcome,
  ) {}

  async execute(
    input: { appealId: string; outcome: AppealOutcome; reason: string },
    ctx: ActionContext,
  ): Promise<AppealView> {
    const { appeal, followUps } = await this.db.transaction(async (manager) => {
      const appeal = await manager
        .getRepository(AppealEntity)
        .findOne({ where: { id: input.appealId }, lock: { mode: 'pessimistic_write' } });
      if (!appeal) throw new DomainError('NOT_FOUND', 'appeal not found');
      const decision = await manager.getRepository(DecisionEntity).findOneByOrFail({ id: appeal.decisionId });
      if (decision.decidedBy === ctx.actor.id) {
        throw new DomainError('FORBIDDEN', 'an appeal must be resolved by someone other than the person who decided');
      }
      if (appeal.status !== 'open') throw new DomainError('APPEAL_NOT_OPEN', 'this appeal is already resolved');
      const theCase = await lockCase(manager, appeal.caseId);
      // What the decision did must be in place before the appeal undoes it (its job may not have run yet).
      const applied = await this.outcomes.applyWithin(manager, decision.id, ctx);

      await manager.query(
        `UPDATE appeals SET status = $2, resolved_by = $3, resolution_reason = $4, resolved_at = now() WHERE id = $1`,
        [appeal.id, input.outcome, ctx.actor.id, input.reason],
      );
      const events: AuditEventInput[] = [
        {
          action: 'appeal.resolved',
          target: { type: 'appeal', id: appeal.id },
          data: { decisionId: decision.id, caseId: theCase.id, outcome: input.outcome, action: decision.action },
        },
      ];
      // With the other party's appeal still open the case stays `appealed` until that one is resolved too.
      const [{ open }]: { open: number }[] = await manager.query(
        `SELECT count(*)::int AS open FROM appeals WHERE case_id = $1 AND status = 'open'`,
        [theCase.id],
      );
      if (open === 0) {
        const status = nextCaseStatus(theCase.status, input.outcome === 'upheld' ? 'resolve_upheld' : 'resolve_reversed');
        await manager.query(
          `UPDATE cases SET status = $2, closed_at = now(), version = version + 1, updated_at = now() WHERE id = $1`,
          [theCase.id, status],
        );
      }

      let enforcement: 'restore' | null = null;
      if (input.outcome === 'reversed' && decision.action !== 'no_violation') {
        enforcement = 'restore';
        await manager.query(
          `UPDATE channels SET status = 'restored', updated_at = now() WHERE id = $1 AND status <> 'restored'`,
          [theCase.channelId],
        );
        await manager.query(`UPDATE reports SET status = 'no_action' WHERE case_id = $1 AND status = 'action_taken'`, [
          theCase.id,
        ]);
        events.push({ action: 'channel.restored', target: { type: 'channel', id: theCase.channelId }, data: { appealId: appeal.id } });
      }
      if (input.outcome === 'reversed' && decision.action === 'no_violation') {
        // The new case carries its predecessor's figures (the reports stay with the old one); triage adds to them.
        const [reopened]: { id: string }[] = await manager.query(
          `INSERT INTO cases (channel_id, status, priority, priority_breakdown, organisation_matches, top_category,
             sla_due_at, report_count, distinct_reporters, categories, sources, max_subscribers, removal_order,
             languages, previous_case_id, opened_at)
           SELECT channel_id, 'open', priority, priority_breakdown, organisation_matches, top_category,
             now() + (sla_due_at - opened_at), report_count, distinct_reporters, categories, sources, max_subscribers,
             removal_order, languages, id, now()
           FROM cases WHERE id = $1
           ${UNLESS_CHANNEL_HAS_UNRESOLVED_CASE}
           RETURNING id`,
          [theCase.id],
        );
        if (reopened) {
          events.push({
            action: 'case.reopened',
            target: { type: 'case', id: reopened.id },
            data: { previousCaseId: theCase.id, appealId: appeal.id },
          });
        }
      }
      const written: FollowUps = await this.outbox.write(manager, {
        decisionId: decision.id,
        caseId: theCase.id,
        channelId: theCase.channelId,
        appealId: appeal.id,
        enforcement,
        notices: ['appeal_outcome'],
      });
      await this.audit.record(manager, ctx, ...events);
      const followUps: FollowUps = {
        enforcementIds: written.enforcementIds,
        notificationIds: [...(applied?.notificationIds ?? []), ...written.notificationIds],
      };
      const resolved = await manager.getRepository(AppealEntity).findOneByOrFail({ id: appeal.id });
      return { appeal: resolved, followUps };
    });
    await this.outbox.dispatch(followUps);
    return appealView(appeal);
  }
}
