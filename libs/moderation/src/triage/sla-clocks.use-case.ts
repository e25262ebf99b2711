import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActionContext, AuditService } from '@vigil/audit';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import {
  Category,
  Platform,
  PriorityFactor,
  slaFactor,
  slaNextCheckAt,
  SlaState,
  slaStateAt,
  Source,
  strongestSource,
  withFactor,
} from '@vigil/domain';
import { QueueName, QueueProducer, slaAlertJob, SlaAlertPayload } from '@vigil/queues';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { UNRESOLVED_STATUS } from '../shared';

/** Cases moved per transaction; the job goes on until none is due. */
const SLICE = 200;

interface DueCase {
  id: string;
  priority_breakdown: PriorityFactor[];
  sla_due_at: Date;
  sla_started_at: Date | null;
  opened_at: Date;
  sla_state: SlaState;
  sources: Source[];
  categories: Category[];
  removal_order: boolean;
  platform: Platform;
  canonical_key: string;
  url: string;
}

/**
 * The SLA clocks, run by the worker every few seconds with no request needed (API.md "SLA clocks"): a case whose
 * clock reached a quarter of its window left carries `sla_at_risk`, an overdue one `sla_breached` (which puts it above
 * every case of its source still in time), each audited once (`case.sla_at_risk`, `case.sla_breached`). The cases due
 * are found through `cases_sla_next_check`, never by a scan. Removal orders and threat-to-life cases also raise an
 * alert to ALERT_WEBHOOK_URL, sent after the commit.
 */
@Injectable()
export class SlaClocks {
  private readonly logger = new Logger(SlaClocks.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
    private readonly audit: AuditService,
    private readonly queues: QueueProducer,
  ) {}

  async execute(ctx: ActionContext): Promise<{ atRisk: number; breached: number }> {
    const moved = { atRisk: 0, breached: 0 };
    for (;;) {
      const { count, alerts } = await this.slice(ctx, moved);
      if (alerts.length > 0) {
        await this.queues.addAfterCommit(QueueName.Notifications, alerts.map(slaAlertJob));
      }
      if (count < SLICE) return moved;
    }
  }

  private slice(
    ctx: ActionContext,
    moved: { atRisk: number; breached: number },
  ): Promise<{ count: number; alerts: SlaAlertPayload[] }> {
    return this.db.transaction(async (manager) => {
      const due: DueCase[] = await manager.query(
        `SELECT c.id, c.priority_breakdown, c.sla_due_at, c.sla_started_at, c.opened_at, c.sla_state, c.sources,
                c.categories, c.removal_order, ch.platform, ch.canonical_key, ch.url
         FROM cases c JOIN channels ch ON ch.id = c.channel_id
         WHERE c.sla_next_check_at IS NOT NULL AND c.sla_next_check_at <= now() AND c.${UNRESOLVED_STATUS}
         ORDER BY c.sla_next_check_at
         LIMIT ${SLICE}
         FOR NO KEY UPDATE OF c SKIP LOCKED`,
      );
      const alerts: SlaAlertPayload[] = [];
      const now = new Date();
      for (const row of due) {
        const startedAt = row.sla_started_at ?? row.opened_at;
        const state = slaStateAt(startedAt, row.sla_due_at, now);
        const next = slaNextCheckAt(state, startedAt, row.sla_due_at);
        if (state === row.sla_state) {
          // The deadline moved since the check was set (a later report, an incident): look again when it says.
          await manager.query(`UPDATE cases SET sla_next_check_at = $2 WHERE id = $1`, [row.id, next]);
          continue;
        }
        const source = strongestSource(row.sources.length > 0 ? row.sources : ['public']);
        const withoutClock = withFactor(row.priority_breakdown, 'sla_at_risk', null).breakdown;
        const { priority, breakdown } = withFactor(
          withoutClock,
          'sla_breached',
          slaFactor(state, source, row.removal_order),
        );
        await manager.query(
          `UPDATE cases SET sla_state = $2, sla_next_check_at = $3, priority = $4, priority_breakdown = $5::jsonb,
             version = version + 1, updated_at = now()
           WHERE id = $1`,
          [row.id, state, next, priority, JSON.stringify(breakdown)],
        );
        const kind = state === 'breached' ? 'sla_breached' : 'sla_at_risk';
        await this.audit.record(manager, ctx, {
          action: state === 'breached' ? 'case.sla_breached' : 'case.sla_at_risk',
          target: { type: 'case', id: row.id },
          data: { slaDueAt: row.sla_due_at.toISOString(), priority, from: row.sla_state },
        });
        if (state === 'breached') moved.breached += 1;
        else moved.atRisk += 1;
        if (this.config.alertWebhookUrl && (row.removal_order || row.categories.includes('threat_to_life'))) {
          alerts.push({
            deliveryId: randomUUID(),
            kind,
            caseId: row.id,
            channel: { platform: row.platform, key: row.canonical_key, url: row.url },
            source,
            slaDueAt: row.sla_due_at.toISOString(),
          });
        }
      }
      if (due.length > 0) this.logger.debug(`SLA clocks: ${due.length} case(s) looked at`);
      return { count: due.length, alerts };
    });
  }
}
