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

export interface OutboxRequest {
  decisionId: string;
  caseId: string;
  channelId: string;
  appealId?: string;
  enforcement: EnforcementType | null;
  /** `reporter_outcome` goes to every reporter of the case who left a contact; the others once. */
  notices: NotificationKind[];
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

  async write(manager: EntityManager, request: OutboxRequest): Promise<FollowUps> {
    const enforcementIds: string[] = [];
    if (request.enforcement) {
      const [row]: { id: string }[] = await manager.query(
        `INSERT INTO enforcements (decision_id, appeal_id, case_id, channel_id, type) VALUES ($1, $2, $3, $4, $5)
         RETURNING id`,
        [request.decisionId, request.appealId ?? null, request.caseId, request.channelId, request.enforcement],
      );
      enforcementIds.push(row.id);
    }
    const notificationIds: string[] = [];
    for (const kind of request.notices) {
      const rows: { id: string }[] =
        kind === 'reporter_outcome'
          ? await manager.query(
              `INSERT INTO notifications (kind, decision_id, case_id, report_id)
               SELECT 'reporter_outcome', $1, $2, id FROM reports
               WHERE case_id = $2 AND reporter_contact IS NOT NULL
               RETURNING id`,
              [request.decisionId, request.caseId],
            )
          : await manager.query(
              `INSERT INTO notifications (kind, decision_id, case_id, appeal_id) VALUES ($1, $2, $3, $4) RETURNING id`,
              [kind, request.decisionId, request.caseId, request.appealId ?? null],
            );
      notificationIds.push(...rows.map((r) => r.id));
    }
    return { enforcementIds, notificationIds };
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
    await this.queues.addAfterCommit(QueueName.Enforcement, followUps.enforcementIds.map((id) => this.enforceJob(id)));
    await this.queues.addAfterCommit(
      QueueName.Outcomes,
      (followUps.outcomeDecisionIds ?? []).map((id) => this.outcomeJob(id)),
    );
    await this.queues.addAfterCommit(QueueName.Notifications, followUps.notificationIds.map((id) => this.notifyJob(id)));
  }

  private delivery() {
    return { attempts: this.config.webhookAttempts, backoff: { type: 'exponential', delay: this.config.webhookBackoffMs } };
  }
}
