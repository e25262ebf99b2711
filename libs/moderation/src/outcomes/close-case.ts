import { Injectable } from '@nestjs/common';
import { ActionContext, AuditService } from '@vigil/audit';
import { nextCaseStatus } from '@vigil/domain';
import type { EntityManager } from 'typeorm';
import { lockCaseRow } from '../shared';

/**
 * A decided case closes once its decision's outcome is applied (ApplyDecisionOutcome writes the reporters'
 * notices) and every enforcement and notice of it has reached an outcome (DESIGN §4: "decided — enforced + notified
 * → closed"). A failed enforcement keeps it `decided`, visible, until an admin retries it.
 */
@Injectable()
export class CaseCloser {
  constructor(private readonly audit: AuditService) {}

  async closeIfDone(manager: EntityManager, caseId: string, ctx: ActionContext): Promise<boolean> {
    // Lock first, count in a later statement: under READ COMMITTED that statement's snapshot includes whatever a
    // concurrent delivery committed while we waited for the lock, so the last of two finishing deliveries closes.
    await lockCaseRow(manager, caseId);
    const [row]: { status: string; open_work: number }[] = await manager.query(
      `SELECT c.status,
              (SELECT count(*) FROM enforcements e WHERE e.case_id = c.id AND e.status IN ('pending', 'failed'))
            + (SELECT count(*) FROM notifications n WHERE n.case_id = c.id AND n.status = 'pending')
            + (SELECT count(*) FROM decisions d WHERE d.case_id = c.id AND d.applied_at IS NULL) AS open_work
       FROM cases c WHERE c.id = $1`,
      [caseId],
    );
    if (!row || row.status !== 'decided' || Number(row.open_work) > 0) return false;
    await manager.query(
      `UPDATE cases SET status = $2, closed_at = now(), version = version + 1, updated_at = now() WHERE id = $1`,
      [caseId, nextCaseStatus('decided', 'close')],
    );
    await this.audit.record(manager, ctx, { action: 'case.closed', target: { type: 'case', id: caseId } });
    return true;
  }
}
