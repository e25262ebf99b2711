import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActionContext, AuditService } from '@vigil/audit';
import { DomainError } from '@vigil/domain';
import { DataSource } from 'typeorm';
import type { EvidenceRow, EvidenceView } from './evidence.use-case';

/**
 * EU 2021/784 Art. 6: content removed or disabled, and the data related to it, is preserved for six months after
 * the removal (longer when a hold asks for it). SQL over a case `c`: when its latest takedown or restriction was
 * decided, and until when its reports and evidence are kept (null when nothing obliges).
 */
export const PRESERVATION_MONTHS = 6;

export const ACTIONED_AT_SQL = (caseId: string) =>
  `(SELECT max(d.created_at) FROM decisions d WHERE d.case_id = ${caseId} AND d.action IN ('takedown', 'restrict'))`;

export const HELD_UNTIL_SQL = (caseId: string) =>
  `(SELECT max(h.until) FROM legal_holds h WHERE h.case_id = ${caseId} AND h.lifted_at IS NULL)`;

/** The later of the six months after the takedown and the furthest active hold; a hold never shortens it. */
export const PRESERVED_UNTIL_SQL = (caseId: string) =>
  `greatest(${ACTIONED_AT_SQL(caseId)} + interval '${PRESERVATION_MONTHS} months', ${HELD_UNTIL_SQL(caseId)})`;

export interface LegalHoldView {
  id: string;
  caseId: string;
  reason: string;
  until: string;
  placedBy: string | null;
  placedAt: string;
}

interface HoldRow {
  id: string;
  case_id: string;
  reason: string;
  until: Date;
  placed_by: string | null;
  placed_at: Date;
}

const holdView = (row: HoldRow): LegalHoldView => ({
  id: row.id,
  caseId: row.case_id,
  reason: row.reason,
  until: row.until.toISOString(),
  placedBy: row.placed_by,
  placedAt: row.placed_at.toISOString(),
});

/** JSON of a case's files (oldest first) and active holds, with its preservation: one statement for its detail. */
const CASE_RECORDS_SQL = `
  SELECT ${PRESERVED_UNTIL_SQL('$1')} AS preserved_until,
    (SELECT coalesce(json_agg(e ORDER BY e.added_at, e.id), '[]'::json) FROM (
       SELECT e.id, e.report_id, e.sha256, e.content_type, e.size, e.added_at, e.erased_at
       FROM evidence e JOIN reports r ON r.id = e.report_id WHERE r.case_id = $1) e) AS evidence,
    (SELECT coalesce(json_agg(h ORDER BY h.placed_at, h.id), '[]'::json) FROM (
       SELECT id, case_id, reason, until, placed_by, placed_at FROM legal_holds
       WHERE case_id = $1 AND lifted_at IS NULL) h) AS holds`;

type Json<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };
const iso = (time: string) => new Date(time).toISOString();

/** What a case's detail shows of the files held for it and how long they are kept. */
export async function loadCaseRecords(
  db: DataSource,
  caseId: string,
): Promise<{ evidence: EvidenceView[]; preservedUntil: string | null; legalHolds: LegalHoldView[] }> {
  const [row]: { preserved_until: Date | null; evidence: Json<EvidenceRow>[]; holds: Json<HoldRow>[] }[] =
    await db.query(CASE_RECORDS_SQL, [caseId]);
  return {
    evidence: row.evidence.map((e) => ({
      id: e.id,
      reportId: e.report_id,
      sha256: e.sha256,
      contentType: e.content_type,
      size: e.size,
      addedAt: iso(e.added_at),
      erasedAt: e.erased_at === null ? null : iso(e.erased_at),
    })),
    preservedUntil: row.preserved_until?.toISOString() ?? null,
    legalHolds: row.holds.map((h) => holdView({ ...h, until: new Date(h.until), placed_at: new Date(h.placed_at) })),
  };
}

/** An admin keeps a case's reports and evidence until a date (audited `legal_hold.placed`). */
@Injectable()
export class PlaceLegalHold {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  async execute(input: { caseId: string; reason: string; until: Date }, ctx: ActionContext): Promise<LegalHoldView> {
    if (input.until.getTime() <= Date.now()) throw new DomainError('INVALID_INPUT', 'until must be in the future');
    return this.db.transaction(async (manager) => {
      const [found]: unknown[] = await manager.query(`SELECT 1 FROM cases WHERE id = $1`, [input.caseId]);
      if (!found) throw new DomainError('NOT_FOUND', 'case not found');
      const [row]: HoldRow[] = await manager.query(
        `INSERT INTO legal_holds (case_id, reason, until, placed_by) VALUES ($1, $2, $3, $4)
         RETURNING id, case_id, reason, until, placed_by, placed_at`,
        [input.caseId, input.reason, input.until, ctx.actor.id],
      );
      const [{ preserved_until }]: { preserved_until: Date | null }[] = await manager.query(
        `SELECT ${PRESERVED_UNTIL_SQL('$1')} AS preserved_until`,
        [input.caseId],
      );
      await this.audit.record(manager, ctx, {
        action: 'legal_hold.placed',
        target: { type: 'case', id: input.caseId },
        data: {
          holdId: row.id,
          reason: input.reason,
          until: row.until.toISOString(),
          preservedUntil: preserved_until?.toISOString() ?? null,
        },
      });
      return holdView(row);
    });
  }
}

/** An admin lifts a hold (audited `legal_hold.lifted`): the case is kept as long as the six months say, no less. */
@Injectable()
export class LiftLegalHold {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  async execute(input: { caseId: string; holdId: string }, ctx: ActionContext): Promise<void> {
    await this.db.transaction(async (manager) => {
      const [hold]: { lifted_at: Date | null }[] = await manager.query(
        `SELECT lifted_at FROM legal_holds WHERE id = $1 AND case_id = $2 FOR UPDATE`,
        [input.holdId, input.caseId],
      );
      if (!hold) throw new DomainError('NOT_FOUND', 'legal hold not found');
      if (hold.lifted_at) throw new DomainError('ILLEGAL_TRANSITION', 'the legal hold was already lifted');
      await manager.query(`UPDATE legal_holds SET lifted_by = $2, lifted_at = now() WHERE id = $1`, [
        input.holdId,
        ctx.actor.id,
      ]);
      const [{ preserved_until }]: { preserved_until: Date | null }[] = await manager.query(
        `SELECT ${PRESERVED_UNTIL_SQL('$1')} AS preserved_until`,
        [input.caseId],
      );
      await this.audit.record(manager, ctx, {
        action: 'legal_hold.lifted',
        target: { type: 'case', id: input.caseId },
        data: { holdId: input.holdId, preservedUntil: preserved_until?.toISOString() ?? null },
      });
    });
  }
}
