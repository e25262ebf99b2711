import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActionContext, AuditService } from '@vigil/audit';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { EnforcementEntity } from '@vigil/database';
import { DomainError } from '@vigil/domain';
import { DataSource } from 'typeorm';
import { CaseCloser } from './close-case';
import { DeliveryAttempt, WebhookDeliveryError, WebhookSender } from './webhook-sender';

export type EnforcementOutcome = 'succeeded' | 'manual' | 'already-done';

interface EnforcementPayloadRow {
  type: 'takedown' | 'restrict' | 'restore';
  delivery_id: string;
  decision_id: string;
  case_id: string;
  platform: string;
  canonical_key: string;
  url: string;
  policy: string;
  reason: string;
  legal_ground: string | null;
  decided_at: Date;
  resolution_reason: string | null;
}

/**
 * Carries out one enforcement through the platform connector (API.md's signed webhook). Without a configured
 * webhook the enforcement is recorded as `manual` — a person must act on the platform — never silently dropped.
 */
@Injectable()
export class EnforceDecision {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
    private readonly audit: AuditService,
    private readonly closer: CaseCloser,
    private readonly sender: WebhookSender,
  ) {}

  async execute(input: { enforcementId: string }, attempt: DeliveryAttempt, ctx: ActionContext): Promise<EnforcementOutcome> {
    const enforcement = await this.db.getRepository(EnforcementEntity).findOneBy({ id: input.enforcementId });
    if (!enforcement) throw new DomainError('NOT_FOUND', `enforcement ${input.enforcementId} not found`);
    if (enforcement.status !== 'pending') return 'already-done';
    const url = this.config.enforcementWebhookUrl;
    if (!url) {
      await this.finish(enforcement, 'manual', ctx, {});
      return 'manual';
    }
    const [row]: EnforcementPayloadRow[] = await this.db.query(
      `SELECT e.type, e.delivery_id, e.decision_id, e.case_id, ch.platform, ch.canonical_key, ch.url,
              d.policy, d.reason, d.legal_ground, d.created_at AS decided_at, a.resolution_reason
       FROM enforcements e
       JOIN decisions d ON d.id = e.decision_id
       JOIN channels ch ON ch.id = e.channel_id
       LEFT JOIN appeals a ON a.id = e.appeal_id
       WHERE e.id = $1`,
      [enforcement.id],
    );
    const payload = {
      deliveryId: row.delivery_id,
      type: row.type,
      decisionId: row.decision_id,
      caseId: row.case_id,
      channel: { platform: row.platform, key: row.canonical_key, url: row.url },
      policy: row.policy,
      // A restore carries the reason the decision was reversed on appeal.
      reason: row.type === 'restore' ? (row.resolution_reason ?? row.reason) : row.reason,
      legalGround: row.legal_ground,
      decidedAt: row.decided_at.toISOString(),
    };
    try {
      const status = await this.sender.post(url, row.delivery_id, payload, this.config.enforcementWebhookSecret);
      await this.finish(enforcement, 'succeeded', ctx, { httpStatus: status });
      return 'succeeded';
    } catch (error) {
      if (!(error instanceof WebhookDeliveryError)) throw error;
      await this.recordFailure(enforcement.id, error, attempt.final, ctx);
      throw error;
    }
  }

  private async finish(
    enforcement: EnforcementEntity,
    status: 'succeeded' | 'manual',
    ctx: ActionContext,
    data: Record<string, unknown>,
  ): Promise<void> {
    await this.db.transaction(async (manager) => {
      const [updated]: [{ id: string }[]] = await manager.query(
        `UPDATE enforcements SET status = $2, attempts = attempts + $3, completed_at = now(), last_error = NULL
         WHERE id = $1 AND status = 'pending' RETURNING id`,
        [enforcement.id, status, status === 'manual' ? 0 : 1],
      );
      if (updated.length === 0) return; // another delivery of this job got there first
      await this.audit.record(manager, ctx, {
        action: status === 'manual' ? 'enforcement.marked_manual' : 'enforcement.succeeded',
        target: { type: 'enforcement', id: enforcement.id },
        data: { type: enforcement.type, decisionId: enforcement.decisionId, caseId: enforcement.caseId, ...data },
      });
      await this.closer.closeIfDone(manager, enforcement.caseId, ctx);
    });
  }

  private async recordFailure(id: string, error: WebhookDeliveryError, final: boolean, ctx: ActionContext) {
    await this.db.transaction(async (manager) => {
      const [rows]: [{ id: string; type: string; decision_id: string; case_id: string; attempts: number }[]] =
        await manager.query(
        `UPDATE enforcements SET attempts = attempts + 1, last_error = $2, status = CASE WHEN $3::boolean THEN 'failed' ELSE status END
         WHERE id = $1 AND status = 'pending' RETURNING id, type, decision_id, case_id, attempts`,
          [id, error.message.slice(0, 1000), final],
        );
      if (final && rows.length) {
        await this.audit.record(manager, ctx, {
          action: 'enforcement.failed',
          target: { type: 'enforcement', id },
          data: {
            type: rows[0].type,
            decisionId: rows[0].decision_id,
            // The case's history finds enforcement events by data.caseId.
            caseId: rows[0].case_id,
            attempts: rows[0].attempts,
            error: error.message,
          },
        });
      }
    });
  }
}
