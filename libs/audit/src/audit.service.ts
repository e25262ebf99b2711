import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { AuditEventEntity } from '@vigil/database';
import type { DataSource, EntityManager } from 'typeorm';
import type { ActionContext } from './action-context';

/** `noun.verb_past`, e.g. `case.claimed`. */
export type AuditAction =
  | 'report.received'
  | 'report.triaged'
  | 'report.requeued'
  | 'case.opened'
  | 'case.claimed'
  | 'case.lease_renewed'
  | 'case.lease_released'
  | 'case.lease_expired'
  | 'case.escalated'
  | 'case.closed'
  | 'case.reopened'
  | 'case.sla_at_risk'
  | 'case.sla_breached'
  | 'case.incident_changed'
  | 'evidence.added'
  | 'evidence.viewed'
  | 'evidence.erased'
  | 'legal_hold.placed'
  | 'legal_hold.lifted'
  | 'report.contact_erased'
  | 'incident.declared'
  | 'incident.closed'
  | 'decision.recorded'
  | 'decision.applied'
  | 'enforcement.succeeded'
  | 'enforcement.failed'
  | 'enforcement.marked_manual'
  | 'enforcement.retried'
  | 'notification.sent'
  | 'notification.failed'
  | 'notification.undeliverable'
  | 'appeal.filed'
  | 'appeal.resolved'
  | 'channel.linked'
  | 'channel.link_suggested'
  | 'channel.link_confirmed'
  | 'channel.link_rejected'
  | 'channel.restored'
  | 'user.created'
  | 'user.updated'
  | 'user.password_reset'
  | 'user.logged_in'
  | 'auth.login_succeeded'
  | 'auth.login_failed'
  | 'case.viewed'
  | 'audit.queried'
  | 'export.downloaded'
  | 'apikey.created'
  | 'apikey.revoked'
  | 'checkpoint.signed'
  | 'reporter.revealed'
  | 'reporter.warned'
  | 'reporter.suspended'
  | 'reporter.reinstated'
  | 'queues.board_opened';

/** The columns every event is written with (the sealer hashes them); seq and hash come at sealing. */
const INSERT_EVENTS =
  'INSERT INTO audit_events (occurred_at, actor_id, actor_role, action, target_type, target_id, data, request_id)';

export interface AuditEventInput {
  action: AuditAction;
  target: { type: string; id: string };
  /** Key fields and before/after; never passwords, tokens or reporter contacts. */
  data?: Record<string, unknown>;
}

/**
 * Records audit events through the caller's EntityManager, so the event commits or rolls back with the change it
 * describes. Sealing into the hash chain happens later, off the request path.
 */
@Injectable()
export class AuditService {
  /** False only where AUDIT_READS=false: the bench's comparison of what auditing reads costs. */
  readonly auditsReads: boolean;

  constructor(@Optional() @Inject(VIGIL_CONFIG) config?: VigilConfig) {
    this.auditsReads = config?.auditReads ?? true;
    if (!this.auditsReads) {
      new Logger(AuditService.name).warn('AUDIT_READS=false: case, trail, export and evidence reads are NOT audited');
    }
  }

  /**
   * A read recorded on its own (API.md: who looked at a case, queried the trail, downloaded an export). One INSERT in
   * its own transaction, before the answer goes out: a read whose record fails is not answered. Logins are not reads:
   * they go through `record` whatever AUDIT_READS says.
   */
  async recordRead(db: DataSource, ctx: ActionContext, event: AuditEventInput): Promise<void> {
    if (this.auditsReads) await this.record(db.manager, ctx, event);
  }

  async record(manager: EntityManager, ctx: ActionContext, ...events: AuditEventInput[]): Promise<void> {
    if (events.length === 0) return;
    const params: unknown[] = [];
    await manager.query(this.insertStatement(ctx, events, params), params);
  }

  /**
   * The INSERT that `record` runs, for a caller that writes its change and the events describing it in one statement
   * (as a `WITH … AS (INSERT …)` part): its parameters are appended to `params` and numbered after those already
   * there. `events` must not be empty. With `onlyIf` (a part of the caller's statement), the events are written only
   * when that part selected a row.
   */
  insertStatement(ctx: ActionContext, events: readonly AuditEventInput[], params: unknown[], onlyIf?: string): string {
    const rows = events.map((event, index) => {
      const base = params.length;
      params.push(
        ctx.actor.id,
        ctx.actor.role,
        event.action,
        event.target.type,
        event.target.id,
        JSON.stringify(event.data ?? {}),
        ctx.requestId,
      );
      // The sealer chains by (occurred_at, id), and clock_timestamp() often gives the rows of one INSERT the same
      // microsecond: a microsecond per position keeps events recorded together in the order they were given.
      const occurredAt = `clock_timestamp() + interval '1 microsecond' * ${index}`;
      return `(${occurredAt}, $${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}, $${base + 6}::jsonb, $${base + 7})`;
    });
    const values = `VALUES ${rows.join(', ')}`;
    return onlyIf === undefined
      ? `${INSERT_EVENTS} ${values}`
      : `${INSERT_EVENTS} SELECT * FROM (${values}) AS event WHERE EXISTS (SELECT 1 FROM ${onlyIf})`;
  }

  /**
   * The INSERT of one event per row of `from` (a `WITH` part of the caller's statement), for a change whose target and
   * data only that statement knows (the case a claim picked): `targetId` is a SQL expression over `from`'s columns,
   * `data` a `jsonb` one. Its parameters are appended to `params`.
   */
  insertPerRowStatement(
    ctx: ActionContext,
    event: { action: AuditAction; targetType: string; targetId: string; data: string; from: string },
    params: unknown[],
  ): string {
    const param = (value: unknown) => `$${params.push(value)}::text`;
    return `${INSERT_EVENTS}
       SELECT clock_timestamp(), ${param(ctx.actor.id)}, ${param(ctx.actor.role)}, ${param(event.action)},
         ${param(event.targetType)}, (${event.targetId})::text, ${event.data}, ${param(ctx.requestId)}
       FROM ${event.from}`;
  }

  /** Events about one target, oldest first (a case's history). */
  async forTarget(manager: EntityManager, type: string, id: string): Promise<AuditEventEntity[]> {
    return manager.getRepository(AuditEventEntity).find({
      where: { targetType: type, targetId: id },
      order: { occurredAt: 'ASC', id: 'ASC' },
    });
  }
}
