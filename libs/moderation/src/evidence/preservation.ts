import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActionContext, AuditService } from '@vigil/audit';
import { DomainError } from '@vigil/domain';
import { DataSource } from 'typeorm';

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

/** A case's preservation as its detail shows it. */
export async function loadPreservation(
  db: DataSource,
  caseId: string,
): Promise<{ preservedUntil: string | null; legalHolds: LegalHoldView[] }> {
  const [[row], holds]: [[{ preserved_until: Date | null }], HoldRow[]] = await Promise.all([
    db.query(`SELECT ${PRESERVED_UNTIL_SQL('$1')} AS preserved_until`, [caseId]),
    db.query(
      `SELECT id, case_id, reason, until, placed_by, placed_at FROM legal_holds
       WHERE case_id = $1 AND lifted_at IS NULL ORDER BY placed_at, id`,
      [caseId],
    ),
  ]);
  return { preservedUntil: row.preserved_until?.toISOString() ?? null, legalHolds: holds.map(holdView) };
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
