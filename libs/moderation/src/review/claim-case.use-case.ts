import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActionContext, AuditService, utcMillisecondsSql } from '@vigil/audit';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { inLiterals, WALK_INDEX_IN_ORDER } from '@vigil/database';
import { CaseStatus, DomainError, nextCaseStatus, Platform } from '@vigil/domain';
import { DataSource, EntityManager } from 'typeorm';
import { holdsLease, lockCase, SENIOR_ROLES } from '../shared';
import { CaseDetail, CaseQueries } from './case-queries';

export interface ClaimNextInput {
  /** The caller's own languages: cases with reports in them come first. */
  preferredLanguages: string[];
  /** Narrowing filters from the request body. */
  languages?: string[];
  platforms?: Platform[];
}

/** The case a claim leased: its detail is read next. */
interface LeasedCase {
  id: string;
  channel_id: string;
}

const isSenior = (ctx: ActionContext) => (SENIOR_ROLES as readonly string[]).includes(ctx.actor.role);

/** What the caller may take from the queue: escalated cases are for seniors. */
const claimableStatuses = (ctx: ActionContext): CaseStatus[] => (isSenior(ctx) ? ['open', 'escalated'] : ['open']);

/**
 * Leases a case to a reviewer. `next` takes the best claimable case with FOR NO KEY UPDATE SKIP LOCKED, so concurrent
 * claims never hand one case to two people and never wait on each other; `chosen` takes the one a moderator picked.
 */
@Injectable()
export class ClaimCase {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
    private readonly audit: AuditService,
    private readonly cases: CaseQueries,
  ) {}

  async next(input: ClaimNextInput, ctx: ActionContext): Promise<CaseDetail | null> {
    const claimed = await this.db.transaction(async (manager) => {
      // First the best case in the caller's own languages, then the best of all: each is a walk down the
      // review-queue index (priority, deadline) that stops at the first claimable row nobody else holds; the second
      // runs only when the first found none. Right after a surge opened the cases, statistics still say few overlap
      // the languages, and the planner would sort every open case instead (43 ms in the bench against a walk of a
      // few rows).
      await manager.query(WALK_INDEX_IN_ORDER);
      const params: unknown[] = [];
      const picks = [
        ...(input.preferredLanguages.length > 0 ? [this.pickNext(input, ctx, input.preferredLanguages, params)] : []),
        this.pickNext(input, ctx, null, params),
      ];
      return this.lease(
        manager,
        `${picks.map((pick) => `SELECT * FROM (${pick}) pick`).join(' UNION ALL ')} LIMIT 1`,
        claimableStatuses(ctx),
        params,
        ctx,
      );
    });
    return claimed ? this.cases.detail(claimed.id, claimed.channel_id) : null;
  }

  /** The best claimable case (its row locked), or none, as a query: parameters are appended to `params`. */
  private pickNext(input: ClaimNextInput, ctx: ActionContext, preferred: string[] | null, params: unknown[]): string {
    const param = (value: unknown) => `$${params.push(value)}`;
    // Written out, not bound, so the planner can prove the review-queue index's predicate (status open or escalated).
    const where = [inLiterals('c.status', claimableStatuses(ctx))];
    if (input.platforms?.length) {
      where.push(`c.channel_id IN (SELECT id FROM channels WHERE platform = ANY(${param(input.platforms)}::text[]))`);
    }
    if (input.languages?.length) where.push(`c.languages && ${param(input.languages)}::text[]`);
    if (preferred) where.push(`c.languages && ${param(preferred)}::text[]`);
    return `SELECT c.id, c.channel_id, c.status, c.assignee_id FROM cases c WHERE ${where.join(' AND ')}
      ORDER BY c.priority DESC, c.sla_due_at ASC, c.id ASC
      LIMIT 1 FOR NO KEY UPDATE OF c SKIP LOCKED`;
  }

  async chosen(input: { caseId: string }, ctx: ActionContext): Promise<CaseDetail> {
    const channelId = await this.db.transaction(async (manager) => {
      const theCase = await lockCase(manager, input.caseId);
      // claiming one's own case again keeps the lease as it is
      if (holdsLease(theCase, ctx.actor.id)) return theCase.channelId;
      if (theCase.status === 'in_review' && theCase.leaseExpiresAt && theCase.leaseExpiresAt > new Date()) {
        throw new DomainError('CASE_LEASED_TO_SOMEONE_ELSE', 'another reviewer holds the lease on this case');
      }
      if (theCase.status === 'escalated' && !isSenior(ctx)) {
        throw new DomainError('FORBIDDEN', 'escalated cases are for senior moderators and admins');
      }
      const params: unknown[] = [theCase.id];
      const pick = `SELECT id, channel_id, status, assignee_id FROM cases WHERE id = $1`;
      await this.lease(manager, pick, [theCase.status], params, ctx);
      return theCase.channelId;
    });
    return this.cases.detail(input.caseId, channelId);
  }

  /**
   * Leases the case `pick` selects (a query of this transaction returning `id, channel_id, status, assignee_id`, the
   * row already locked; none is fine) to the caller, with its `case.claimed` event, in one statement. `statuses` are
   * those the picked case may be in.
   */
  private async lease(
    manager: EntityManager,
    pick: string,
    statuses: CaseStatus[],
    params: unknown[],
    ctx: ActionContext,
  ): Promise<LeasedCase | null> {
    const param = (value: unknown) => `$${params.push(value)}`;
    // An in_review case whose lease lapsed but was not yet expired by maintenance is re-leased as it stands.
    const leasedStatus = (status: CaseStatus) => (status === 'in_review' ? status : nextCaseStatus(status, 'claim'));
    const newStatus = `CASE picked.status ${statuses
      .map((status) => `WHEN ${param(status)} THEN ${param(leasedStatus(status))}`)
      .join(' ')} END`;
    const leaseSeconds = param(this.config.leaseSeconds);
    const actorId = param(ctx.actor.id);
    // `leaseExpiresAt` as the case shows it.
    const event = this.audit.insertPerRowStatement(
      ctx,
      {
        action: 'case.claimed',
        targetType: 'case',
        targetId: 'claimed.id',
        data: `jsonb_build_object('from', claimed.status, 'previousAssigneeId', claimed.assignee_id,
          'leaseExpiresAt', ${utcMillisecondsSql('claimed.lease_expires_at')})`,
        from: 'claimed',
      },
      params,
    );
    const [claimed]: LeasedCase[] = await manager.query(
      `WITH picked AS (${pick}),
       leased AS (
         UPDATE cases c SET status = ${newStatus}, assignee_id = ${actorId}::uuid,
           lease_expires_at = now() + make_interval(secs => ${leaseSeconds}::int), version = c.version + 1,
           updated_at = now()
         FROM picked WHERE c.id = picked.id
         RETURNING c.id, c.lease_expires_at
       ),
       claimed AS (SELECT picked.*, leased.lease_expires_at FROM picked JOIN leased USING (id)),
       event AS (${event})
       SELECT id, channel_id FROM claimed`,
      params,
    );
    return claimed ?? null;
  }
}
