import { Inject, Injectable } from '@nestjs/common';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import type { EnforcementType, NotificationKind } from '@vigil/database';
import { enforceJobId, notifyJobId, outcomeJobId, QueueName, QueueProducer, TypedJob } from '@vigil/queues';
import type { EntityManager } from 'typeorm';

export interface FollowUps {
  enforcementIds: string[];
  notificationIds: string[];
  /** Decisions whose outcome for the case's reports and reporters is still to be applied (ApplyDecisionOutcome). */
  outcomeDecisionIds?: string[];
}

/**
 * The case the rows are for: its ids, or a part of the caller's statement (`insertParts`) that selects it as `id` and
 * `channel_id`, when only that statement knows whether there is one (nothing is written when it selected none).
 */
export type OutboxCase = { caseId: string; channelId: string } | { caseSelectedBy: string };

export type OutboxRequest = OutboxCase & {
  decisionId: string;
  appealId?: string;
  enforcement: EnforcementType | null;
  /** `reporter_outcome` goes to every reporter of the case who left a contact; the others once. */
  notices: NotificationKind[];
};

/** The ids `OutboxDispatcher.insertParts` selects. */
export interface OutboxIdsRow {
  enforcement_ids: string[];
  notification_ids: string[];
}

export function followUpsOfRow(row: OutboxIdsRow): FollowUps {
  return { enforcementIds: row.enforcement_ids, notificationIds: row.notification_ids };
}

/**
 * The transactional outbox of decisions and appeals: rows written in the caller's transaction, jobs enqueued after
 * its commit (a failed enqueue is picked up by the maintenance reconciler, since the rows stay `pending`).
 */
@Injectable()
export class OutboxDispatcher {
  constructor(
    private readonly queues: QueueProducer,
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
  ) {}

  /** Writes the outbox rows in one statement of the caller's transaction. */
  async write(manager: EntityManager, request: OutboxRequest): Promise<FollowUps> {
    const params: unknown[] = [];
    const outbox = this.insertParts(request, params);
    if (outbox.parts.length === 0) return { enforcementIds: [], notificationIds: [] };
    const [row]: OutboxIdsRow[] = await manager.query(`WITH ${outbox.parts.join(', ')} SELECT ${outbox.ids}`, params);
    return followUpsOfRow(row);
  }

  /**
   * The outbox rows as parts of a caller's `WITH` (each `name AS (INSERT … RETURNING id)`; none when there is nothing
   * to write), so a decision writes them in the statement that records it; `ids` is the select list returning their
   * ids as `enforcement_ids` and `notification_ids` (read with `followUpsOfRow`). Parameters are appended to
   * `params`. `request.decisionId` may be a decision inserted by another part of the same statement.
   */
  insertParts(request: OutboxRequest, params: unknown[]): { parts: string[]; ids: string } {
    const param = (value: unknown, type: string) => `$${params.push(value)}::${type}`;
    const theCase =
      'caseSelectedBy' in request
        ? request.caseSelectedBy
        : `(SELECT ${param(request.caseId, 'uuid')} AS id, ${param(request.channelId, 'uuid')} AS channel_id)`;
    const parts: string[] = [];
    if (request.enforcement) {
      parts.push(
        `outbox_enforcement AS (
           INSERT INTO enforcements (decision_id, appeal_id, case_id, channel_id, type)
           SELECT ${param(request.decisionId, 'uuid')}, ${param(request.appealId ?? null, 'uuid')}, c.id, c.channel_id,
             ${param(request.enforcement, 'text')}
           FROM ${theCase} c
           RETURNING id)`,
      );
    }
    request.notices.forEach((kind, i) => {
      const decisionId = param(request.decisionId, 'uuid');
      parts.push(
        kind === 'reporter_outcome'
          ? `outbox_notice_${i} AS (
               INSERT INTO notifications (kind, decision_id, case_id, report_id)
               SELECT 'reporter_outcome', ${decisionId}, c.id, r.id
               FROM ${theCase} c JOIN reports r ON r.case_id = c.id WHERE r.reporter_contact IS NOT NULL
               RETURNING id)`
          : `outbox_notice_${i} AS (
               INSERT INTO notifications (kind, decision_id, case_id, appeal_id)
               SELECT ${param(kind, 'text')}, ${decisionId}, c.id, ${param(request.appealId ?? null, 'uuid')}
               FROM ${theCase} c
               RETURNING id)`,
      );
    });
    const enforcementIds = request.enforcement ? `ARRAY(SELECT id FROM outbox_enforcement)` : `'{}'::uuid[]`;
    const notificationIds =
      request.notices.length > 0
        ? `ARRAY(${request.notices.map((_, i) => `SELECT id FROM outbox_notice_${i}`).join(' UNION ALL ')})`
        : `'{}'::uuid[]`;
    return { parts, ids: `${enforcementIds} AS enforcement_ids, ${notificationIds} AS notification_ids` };
  }

  /** A delivery job for one enforcement: retried with exponential backoff, one job id per row. */
  enforceJob(enforcementId: string): TypedJob<QueueName.Enforcement> {
    return { job: { name: 'enforce', data: { enforcementId } }, opts: { jobId: enforceJobId(enforcementId), ...this.delivery() } };
  }

  notifyJob(notificationId: string): TypedJob<QueueName.Notifications> {
    return { job: { name: 'notify', data: { notificationId } }, opts: { jobId: notifyJobId(notificationId), ...this.delivery() } };
  }

  /** Applies a decision's outcome to its case's reports and reporters; one job id per decision. */
  outcomeJob(decisionId: string): TypedJob<QueueName.Outcomes> {
    return { job: { name: 'apply-decision-outcome', data: { decisionId } }, opts: { jobId: outcomeJobId(decisionId) } };
  }

  /** `retry` first removes a finished job of the same id, which would otherwise make the add a no-op. */
  async dispatch(followUps: FollowUps, { retry = false } = {}): Promise<void> {
    if (retry) {
      await this.queues.ensure(QueueName.Enforcement, followUps.enforcementIds.map((id) => this.enforceJob(id)));
      return;
    }
    // Three queues, one round trip's wait: each add is on its own and never throws.
    const outcomes = followUps.outcomeDecisionIds ?? [];
    await Promise.all([
      this.queues.addAfterCommit(QueueName.Enforcement, followUps.enforcementIds.map((id) => this.enforceJob(id))),
      this.queues.addAfterCommit(QueueName.Outcomes, outcomes.map((id) => this.outcomeJob(id))),
      this.queues.addAfterCommit(QueueName.Notifications, followUps.notificationIds.map((id) => this.notifyJob(id))),
    ]);
  }

  private delivery() {
    return { attempts: this.config.webhookAttempts, backoff: { type: 'exponential', delay: this.config.webhookBackoffMs } };
  }
}
