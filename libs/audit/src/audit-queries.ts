import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DomainError } from '@vigil/domain';
import { DataSource } from 'typeorm';
import { AuditCursor, decodeAuditCursor, encodeAuditCursor } from './audit-cursor';
import type { AuditEventView } from './audit-event-view';
import { AuditEventRow, auditEventColumns, auditEventViewOfRow, CHECKPOINT_COLUMNS, CheckpointRow, checkpointViewOfRow } from './audit-rows';
import type { CheckpointView } from './checkpoint-signature';

export interface AuditFilter {
  actorId?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  /** occurred_at ≥ from; as ISO 8601 text it keeps microseconds, which a Date cannot */
  from?: Date | string;
  /** occurred_at < to */
  to?: Date | string;
  limit: number;
  cursor?: string;
}

export interface AuditEventPage {
  items: AuditEventView[];
  nextCursor: string | null;
}

/**
 * Which events a history wants: those about given targets, named or selected by a subquery the caller writes
 * (`param` binds a value and returns its placeholder), or those about targets of some types whose `data` names a
 * related object (e.g. an enforcement's events carry `data.caseId`).
 */
export type AuditTargets =
  | { type: string; ids: readonly string[] }
  | { type: string; idsSelectedBy: (param: (value: unknown) => string) => string }
  | { types: readonly string[]; dataField: string; equals: string };

/** Reads of the audit trail: the filtered list in seq order, a case's history, the latest checkpoint. */
@Injectable()
export class AuditQueries {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Sealed events in seq order, then the unsealed ones (seq null) in the order they will probably be sealed.
   * Two index-friendly queries instead of one `ORDER BY seq NULLS LAST, …`, which no index serves.
   */
  async list(filter: AuditFilter): Promise<AuditEventPage> {
    const cursor = filter.cursor ? decodeAuditCursor(filter.cursor) : null;
    const rows: AuditEventRow[] = [];
    if (cursor?.kind !== 'unsealed') {
      rows.push(...(await this.page(filter, cursor, 'sealed', filter.limit + 1)));
    }
    if (rows.length <= filter.limit) {
      const after = cursor?.kind === 'unsealed' ? cursor : null;
      rows.push(...(await this.page(filter, after, 'unsealed', filter.limit + 1 - rows.length)));
    }
    const items = rows.slice(0, filter.limit).map(auditEventViewOfRow);
    const last = rows.length > filter.limit ? items[items.length - 1] : null;
    return { items, nextCursor: last ? encodeAuditCursor(cursorAfter(last)) : null };
  }

  /** Every event about the given targets, in chain order (unsealed last): a case's `history`. */
  async forTargets(targets: readonly AuditTargets[]): Promise<AuditEventView[]> {
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    const wanted = targets.flatMap((t) => {
      if ('ids' in t) {
        return t.ids.length === 0
          ? []
          : [`(e.target_type = ${param(t.type)} AND e.target_id = ANY(${param(t.ids)}::text[]))`];
      }
      if ('idsSelectedBy' in t) {
        return [`(e.target_type = ${param(t.type)} AND e.target_id = ANY(ARRAY(${t.idsSelectedBy(param)})))`];
      }
      // The field and the types are written into the SQL (not bound) so `data ->> 'caseId'` can use its expression
      // index, which holds only enforcement, notification and appeal events (migration 0012).
      if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(t.dataField)) throw new Error(`bad data field "${t.dataField}"`);
      const bad = t.types.find((type) => !/^[a-z_]{1,63}$/.test(type));
      if (bad !== undefined) throw new Error(`bad target type "${bad}"`);
      return t.types.length === 0
        ? []
        : [
            `(e.target_type IN (${t.types.map((type) => `'${type}'`).join(', ')}) ` +
              `AND e.data ->> '${t.dataField}' = ${param(t.equals)})`,
          ];
    });
    if (wanted.length === 0) return [];
    const rows: AuditEventRow[] = await this.db.query(
      `SELECT ${auditEventColumns('e')} FROM audit_events e WHERE ${wanted.join(' OR ')}
       ORDER BY e.seq ASC NULLS LAST, e.occurred_at ASC, e.id ASC`,
      params,
    );
    return rows.map(auditEventViewOfRow);
  }

  /** The most recently signed checkpoint; 404 before the first. */
  async latestCheckpoint(): Promise<CheckpointView> {
    const [row]: CheckpointRow[] = await this.db.query(
      `SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints ORDER BY signed_at DESC, seq DESC LIMIT 1`,
    );
    if (!row) throw new DomainError('NOT_FOUND', 'no audit checkpoint has been signed yet');
    return checkpointViewOfRow(row);
  }

  private async page(
    filter: AuditFilter,
    after: AuditCursor | null,
    part: 'sealed' | 'unsealed',
    limit: number,
  ): Promise<AuditEventRow[]> {
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    const where = [part === 'sealed' ? 'e.seq IS NOT NULL' : 'e.seq IS NULL'];
    if (filter.actorId !== undefined) where.push(`e.actor_id = ${param(filter.actorId)}`);
    if (filter.action !== undefined) where.push(`e.action = ${param(filter.action)}`);
    if (filter.targetType !== undefined) where.push(`e.target_type = ${param(filter.targetType)}`);
    if (filter.targetId !== undefined) where.push(`e.target_id = ${param(filter.targetId)}`);
    if (filter.from !== undefined) where.push(`e.occurred_at >= ${param(filter.from)}`);
    if (filter.to !== undefined) where.push(`e.occurred_at < ${param(filter.to)}`);
    if (after?.kind === 'sealed') where.push(`e.seq > ${param(after.seq)}`);
    if (after?.kind === 'unsealed') {
      where.push(`(e.occurred_at, e.id) > (${param(after.occurredAt)}::timestamptz, ${param(after.id)}::uuid)`);
    }
    const order = part === 'sealed' ? 'e.seq' : 'e.occurred_at, e.id';
    return this.db.query(
      `SELECT ${auditEventColumns('e')} FROM audit_events e WHERE ${where.join(' AND ')}
       ORDER BY ${order} LIMIT ${param(limit)}`,
      params,
    );
  }
}

function cursorAfter(event: AuditEventView): AuditCursor {
  return event.seq !== null
    ? { kind: 'sealed', seq: event.seq }
    : { kind: 'unsealed', occurredAt: event.occurredAt, id: event.id };
}
