import { CaseEntity } from '@vigil/database';
import { DomainError } from '@vigil/domain';
import type { EntityManager } from 'typeorm';

/** Loads a case for update inside the caller's transaction; NOT_FOUND when there is none. */
export async function lockCase(manager: EntityManager, caseId: string): Promise<CaseEntity> {
  const found = await manager
    .getRepository(CaseEntity)
    .findOne({ where: { id: caseId }, lock: { mode: 'pessimistic_write' } });
  if (!found) throw new DomainError('NOT_FOUND', 'case not found');
  return found;
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
