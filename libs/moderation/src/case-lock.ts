import { CaseEntity } from '@vigil/database';
import { DomainError } from '@vigil/domain';
import type { DataSource, EntityManager } from 'typeorm';

// Row locks here are FOR NO KEY UPDATE, never FOR UPDATE: they exclude each other just the same, but not the
// KEY SHARE lock that a foreign-key check takes on the referenced row. With FOR UPDATE, every report attached to a
// case (reports.case_id) waited for the claim or decision holding the case (and, while triage locked the channel's
// row, every report inserted for a channel for the triage holding it). No code changes these rows' keys.

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

/** The space of triage's advisory locks (two-int form; the audit's is AUDIT_LOCK_SPACE). */
export const TRIAGE_LOCK_SPACE = 0x56475443; // "VGTC"

/**
 * Runs `work` in a transaction that holds the channel for triage. Serialises triage per channel (two transactions on
 * one channel must not both open a case) with an advisory lock held to the end of the transaction, keyed by the
 * channel id's first 32 bits (random in a v4 uuid; two channels that share them only take turns). Not the channel's
 * row: a takedown locks its case, then updates the channel row, while triage holds the channel, then locks its case;
 * with the row as triage's lock the two could deadlock, and Postgres broke the tie after `deadlock_timeout` by failing
 * one of them, the moderator's decision or the triage. Intake goes on either way.
 *
 * BEGIN and the lock go to Postgres as one message (the simple query protocol takes several statements; the text
 * holds two integers and nothing else): a round trip less on every triage transaction than BEGIN, then the lock.
 */
export async function inTriageTransaction<T>(
  db: DataSource,
  channelId: string,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  const begin = `BEGIN; SELECT pg_advisory_xact_lock(${TRIAGE_LOCK_SPACE}, ${triageLockKey(channelId)})`;
  const runner = db.createQueryRunner();
  // Said to TypeORM too, so that nothing run through the runner's manager opens (and commits) a transaction of its own.
  const state = runner as { isTransactionActive: boolean };
  try {
    const client = (await runner.connect()) as { query(text: string): Promise<unknown> };
    try {
      await client.query(begin);
      state.isTransactionActive = true;
      const result = await work(runner.manager);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      // Also after a failed COMMIT (Postgres has ended the transaction then; this only warns).
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  } finally {
    state.isTransactionActive = false;
    await runner.release();
  }
}

function triageLockKey(channelId: string): number {
  const key = Number.parseInt(channelId.slice(0, 8), 16);
  if (!/^[0-9a-f]{8}-/i.test(channelId) || !Number.isFinite(key)) throw new Error(`not a channel id: ${channelId}`);
  return key | 0;
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
