import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActionContext, AuditService } from '@vigil/audit';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { CaseEntity, WALK_INDEX_IN_ORDER } from '@vigil/database';
import { CaseStatus, DomainError, nextCaseStatus, Platform } from '@vigil/domain';
import { DataSource, EntityManager } from 'typeorm';
import { holdsLease, lockCase, SENIOR_ROLES } from './case-lock';
import { CaseDetail, CaseQueries } from './case-queries';

export interface ClaimNextInput {
  /** The caller's own languages: cases with reports in them come first. */
  preferredLanguages: string[];
  /** Narrowing filters from the request body. */
  languages?: string[];
  platforms?: Platform[];
}

interface ClaimableRow {
  id: string;
  channel_id: string;
  status: CaseStatus;
  assignee_id: string | null;
}

const isSenior = (ctx: ActionContext) => (SENIOR_ROLES as readonly string[]).includes(ctx.actor.role);

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
      // review-queue index (priority, deadline) that stops at the first claimable row nobody else holds. Right
      // after a surge opened the cases, statistics still say few overlap the languages, and the planner would sort
      // every open case instead (43 ms in the bench against a walk of a few rows).
      await manager.query(WALK_INDEX_IN_ORDER);
      const row =
        (input.preferredLanguages.length > 0
          ? await this.pickNext(manager, input, ctx, input.preferredLanguages)
          : null) ?? (await this.pickNext(manager, input, ctx, null));
      if (!row) return null;
      await this.lease(manager, row, ctx);
      return row;
    });
    return claimed ? this.cases.detail(claimed.id, claimed.channel_id) : null;
  }

  private async pickNext(
    manager: EntityManager,
    input: ClaimNextInput,
    ctx: ActionContext,
    preferred: string[] | null,
  ): Promise<ClaimableRow | null> {
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    const where = [isSenior(ctx) ? `c.status IN ('open', 'escalated')` : `c.status = 'open'`];
    if (input.platforms?.length) {
      where.push(`c.channel_id IN (SELECT id FROM channels WHERE platform = ANY(${param(input.platforms)}))`);
    }
    if (input.languages?.length) where.push(`c.languages && ${param(input.languages)}::text[]`);
    if (preferred) where.push(`c.languages && ${param(preferred)}::text[]`);
    const [row]: ClaimableRow[] = await manager.query(
      `SELECT c.id, c.channel_id, c.status, c.assignee_id FROM cases c WHERE ${where.join(' AND ')}
       ORDER BY c.priority DESC, c.sla_due_at ASC, c.id ASC
       LIMIT 1 FOR NO KEY UPDATE OF c SKIP LOCKED`,
      params,
    );
    return row ?? null;
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
      await this.lease(manager, theCase, ctx);
      return theCase.channelId;
    });
    return this.cases.detail(input.caseId, channelId);
  }

  private async lease(manager: EntityManager, theCase: CaseEntity | ClaimableRow, ctx: ActionContext): Promise<void> {
    const previousAssigneeId = 'assignee_id' in theCase ? theCase.assignee_id : theCase.assigneeId;
    // An in_review case whose lease lapsed but was not yet expired by maintenance is re-leased as it stands.
    const status = theCase.status === 'in_review' ? 'in_review' : nextCaseStatus(theCase.status, 'claim');
    const [updated]: [{ lease_expires_at: Date }[]] = await manager.query(
      `UPDATE cases SET status = $2, assignee_id = $3, lease_expires_at = now() + make_interval(secs => $4),
         version = version + 1, updated_at = now()
       WHERE id = $1 RETURNING lease_expires_at`,
      [theCase.id, status, ctx.actor.id, this.config.leaseSeconds],
    );
    await this.audit.record(manager, ctx, {
      action: 'case.claimed',
      target: { type: 'case', id: theCase.id },
      data: {
        from: theCase.status,
        previousAssigneeId,
        leaseExpiresAt: updated[0].lease_expires_at.toISOString(),
      },
    });
  }
}
