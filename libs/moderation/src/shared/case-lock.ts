import { CaseEntity } from '@vigil/database';
import { DomainError } from '@vigil/domain';
import type { EntityManager } from 'typeorm';

// Row locks here are FOR NO KEY UPDATE, never FOR UPDATE: they exclude each other just the same, but not the
// KEY SHARE lock that a foreign-key check takes on the referenced row. With FOR UPDATE, every report attached to a
// case (reports.case_id) waited for the claim or decision holding the case. No code changes these rows' keys.
// Triage takes no lock here: its write takes the case only as it read it (TriageReport).

/** Loads a case for update inside the caller's transaction; NOT_FOUND when there is none. */
export async function lockCase(manager: EntityManager, caseId: string): Promise<CaseEntity> {
  const found = await manager
    .getRepository(CaseEntity)
    .findOne({ where: { id: caseId }, lock: { mode: 'for_no_key_update' } });
  if (!found) throw new DomainError('NOT_FOUND', 'case not found');
  return found;
}

/** Takes a case's row lock without loading it, for a caller that reads what it needs in later statements. */
export async function lockCaseRow(manager: EntityManager, caseId: string): Promise<void> {
  await manager.query(`SELECT 1 FROM cases WHERE id = $1 FOR NO KEY UPDATE`, [caseId]);
}

export function holdsLease(theCase: CaseEntity, userId: string | null, now = new Date()): boolean {
  return (
    theCase.status === 'in_review' &&
    userId !== null &&
    theCase.assigneeId === userId &&
    theCase.leaseExpiresAt !== null &&
    theCase.leaseExpiresAt > now
  );
}

/** Only the person holding a live lease on the case may act on it. */
export function assertLeaseHolder(theCase: CaseEntity, userId: string | null): void {
  if (!holdsLease(theCase, userId)) {
    throw new DomainError('CASE_NOT_LEASED_TO_YOU', 'you do not hold the lease on this case');
  }
}

export const SENIOR_ROLES = ['senior_moderator', 'admin'] as const;
