import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActionContext, AuditService } from '@vigil/audit';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { ContactCipher, NotificationEntity } from '@vigil/database';
import { appealDeadline, DomainError } from '@vigil/domain';
import { DataSource } from 'typeorm';
import { CaseCloser } from './close-case';
import { ReporterIdentity } from '../reporters';
import { DeliveryAttempt, WebhookDeliveryError, WebhookSender } from './webhook-sender';

interface NoticeRow {
  status: NotificationEntity['status'];
  kind: NotificationEntity['kind'];
  delivery_id: string;
  decision_id: string;
  case_id: string;
  report_id: string | null;
  action: string;
  reason: string;
  decided_at: Date;
  platform: string;
  canonical_key: string;
  url: string;
  contact: string | null;
  appeal_status: string | null;
  resolution_reason: string | null;
  appeal_report_contact: string | null;
  appeal_report_id: string | null;
}

export type NotificationOutcome = 'sent' | 'undeliverable' | 'already-done';

/**
 * Sends one notice. Personal data is read at send time and goes only into the notice: the reporter's contact, and
 * the channel owner's appeal token (derived, never stored).
 */
@Injectable()
export class SendNotification {
  private readonly identity: ReporterIdentity;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
    private readonly audit: AuditService,
    private readonly closer: CaseCloser,
    private readonly sender: WebhookSender,
    private readonly contacts: ContactCipher,
  ) {
    this.identity = new ReporterIdentity(config.reporterSecret);
  }

  async execute(input: { notificationId: string }, attempt: DeliveryAttempt, ctx: ActionContext): Promise<NotificationOutcome> {
    const [row]: NoticeRow[] = await this.db.query(
      `SELECT n.kind, n.delivery_id, n.decision_id, n.case_id, n.report_id, n.status,
              d.action, d.reason, d.created_at AS decided_at, ch.platform, ch.canonical_key, ch.url,
              r.reporter_contact AS contact, a.status AS appeal_status, a.resolution_reason,
              ar.reporter_contact AS appeal_report_contact, ar.id AS appeal_report_id
       FROM notifications n
       JOIN decisions d ON d.id = n.decision_id
       JOIN cases c ON c.id = n.case_id
       JOIN channels ch ON ch.id = c.channel_id
       LEFT JOIN reports r ON r.id = n.report_id
       LEFT JOIN appeals a ON a.id = n.appeal_id
       LEFT JOIN reports ar ON ar.id = a.report_id
       WHERE n.id = $1`,
      [input.notificationId],
    );
    if (!row) throw new DomainError('NOT_FOUND', `notification ${input.notificationId} not found`);
    if (row.status !== 'pending') return 'already-done';
    const url = this.config.notifyWebhookUrl;
    if (!url) {
      await this.finish(input.notificationId, row, 'undeliverable', ctx);
      return 'undeliverable';
    }
    try {
      await this.sender.post(url, row.delivery_id, this.payload(row), this.config.enforcementWebhookSecret);
    } catch (error) {
      if (!(error instanceof WebhookDeliveryError)) throw error;
      await this.db.query(
        `UPDATE notifications SET attempts = attempts + 1, last_error = $2 WHERE id = $1 AND status = 'pending'`,
        [input.notificationId, error.message.slice(0, 1000)],
      );
      if (attempt.final) await this.finish(input.notificationId, row, 'failed', ctx);
      throw error;
    }
    await this.finish(input.notificationId, row, 'sent', ctx);
    return 'sent';
  }

  private payload(row: NoticeRow): Record<string, unknown> {
    const common = {
      deliveryId: row.delivery_id,
      kind: row.kind,
      decisionId: row.decision_id,
      channel: { platform: row.platform, key: row.canonical_key, url: row.url },
      action: row.action,
    };
    switch (row.kind) {
      case 'reporter_outcome':
        return { ...common, reportId: row.report_id, statement: row.reason, contact: this.clear(row.contact, row.report_id) };
      case 'owner_notice':
        return {
          ...common,
          statement: row.reason,
          appealToken: this.identity.ownerAppealToken(row.decision_id),
          appealUntil: appealDeadline(row.decided_at).toISOString(),
        };
      case 'appeal_outcome':
        return {
          ...common,
          statement: row.resolution_reason,
          appealOutcome: row.appeal_status,
          ...(row.appeal_report_id
            ? { reportId: row.appeal_report_id, contact: this.clear(row.appeal_report_contact, row.appeal_report_id) }
            : {}),
        };
    }
  }

  /** The reporter's address, decrypted for this one notice and held nowhere else; absent once erased. */
  private clear(stored: string | null, reportId: string | null): string | undefined {
    return stored && reportId ? this.contacts.decrypt(stored, reportId) : undefined;
  }

  private async finish(
    id: string,
    row: NoticeRow,
    status: 'sent' | 'failed' | 'undeliverable',
    ctx: ActionContext,
  ): Promise<void> {
    await this.db.transaction(async (manager) => {
      const [updated]: [{ id: string }[]] = await manager.query(
        `UPDATE notifications SET status = $2, attempts = attempts + $3, sent_at = CASE WHEN $2 = 'sent' THEN now() END
         WHERE id = $1 AND status = 'pending' RETURNING id`,
        [id, status, status === 'sent' ? 1 : 0],
      );
      if (updated.length === 0) return;
      await this.audit.record(manager, ctx, {
        action: `notification.${status}`,
        target: { type: 'notification', id },
        data: { kind: row.kind, decisionId: row.decision_id, caseId: row.case_id, reportId: row.report_id },
      });
      await this.closer.closeIfDone(manager, row.case_id, ctx);
    });
  }
}
