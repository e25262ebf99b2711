import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { WALK_INDEX_IN_ORDER } from '@vigil/database';
import { DataSource, EntityManager } from 'typeorm';
import { GENESIS_HASH, hashRecord } from './audit-chain';
import { AUDIT_LOCK_SPACE, SEALER_LOCK } from './audit-locks';
import { AuditEventRow, auditEventColumns, chainEventOf, tupleOfRow } from './audit-rows';

export interface SealOutcome {
  /** False when another sealer held the lock: this run did nothing, by design. */
  ran: boolean;
  sealed: number;
  headSeq: number;
}

/** One run stops after this long even with a backlog, so a job never outlives its lock or starves other jobs. */
const RUN_BUDGET_MS = 5_000;

/**
 * Seals committed, unsealed audit events into the hash chain: numbers them consecutively after the head and sets
 * `hash = sha256(prev_hash ‖ canonical JSON)` (libs/audit/README.md). One sealer at a time across all processes
 * (a transaction-scoped advisory lock; a loser returns at once). Each batch is its own transaction, so a crash
 * loses at most the batch in hand, and the unique `seq` would refuse a double seal even without the lock.
 *
 * Order: `occurred_at, id` among the events committed by now and older than the settle window. An event whose
 * transaction commits later than that is sealed in the next batch, after events that occurred later — it is never
 * skipped, and `seq` (not `occurred_at`) is the chain's order (docs/decisions.md, 2026-11-25).
 */
@Injectable()
export class SealAuditEvents {
  private readonly logger = new Logger(SealAuditEvents.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
  ) {}

  async execute(): Promise<SealOutcome> {
    const started = Date.now();
    let sealed = 0;
    let headSeq = 0;
    for (;;) {
      const batch = await this.db.transaction((manager) => this.sealBatch(manager));
      if (batch === null) return { ran: sealed > 0, sealed, headSeq };
      sealed += batch.sealed;
      headSeq = batch.headSeq;
      if (batch.sealed < this.config.auditSealBatchSize || Date.now() - started > RUN_BUDGET_MS) break;
    }
    if (sealed > 0) this.logger.debug(`Sealed ${sealed} audit event(s); head is now seq ${headSeq}`);
    return { ran: true, sealed, headSeq };
  }

  private async sealBatch(manager: EntityManager): Promise<{ sealed: number; headSeq: number } | null> {
    const [{ locked }]: { locked: boolean }[] = await manager.query(
      `SELECT pg_try_advisory_xact_lock($1, $2) AS locked`,
      [AUDIT_LOCK_SPACE, SEALER_LOCK],
    );
    if (!locked) return null;
    // Walk the unsealed index in order and join the batch back by primary key. Every sealed row leaves a dead entry
    // in `audit_events_unsealed` until vacuum: bitmap scans gathered 40,000 of them to seal 300 rows in the bench.
    await manager.query(WALK_INDEX_IN_ORDER);
    // Read committed: this statement's snapshot already holds whatever the previous lock holder committed.
    const [head]: { seq: string; hash: string }[] = await manager.query(
      `SELECT seq, hash FROM audit_events WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1`,
    );
    const rows: AuditEventRow[] = await manager.query(
      `SELECT ${auditEventColumns('e')} FROM audit_events e
       WHERE e.seq IS NULL AND e.occurred_at < statement_timestamp() - make_interval(secs => $1)
       ORDER BY e.occurred_at, e.id
       LIMIT $2`,
      [this.config.auditSealSettleMs / 1000, this.config.auditSealBatchSize],
    );
    let seq = head ? Number(head.seq) : 0;
    let prevHash = head?.hash ?? GENESIS_HASH;
    if (rows.length === 0) return { sealed: 0, headSeq: seq };

    const ids: string[] = [];
    const seqs: number[] = [];
    const prevHashes: string[] = [];
    const hashes: string[] = [];
    for (const row of rows) {
      seq++;
      const hash = hashRecord(prevHash, chainEventOf(tupleOfRow(row), seq));
      ids.push(row.id);
      seqs.push(seq);
      prevHashes.push(prevHash);
      hashes.push(hash);
      prevHash = hash;
    }
    const [, updated]: [unknown, number] = await manager.query(
      `UPDATE audit_events AS e
       SET seq = v.seq, prev_hash = v.prev_hash, hash = v.hash, sealed_at = clock_timestamp()
       FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::text[]) AS v (id, seq, prev_hash, hash)
       WHERE e.id = v.id`,
      [ids, seqs, prevHashes, hashes],
    );
    if (updated !== rows.length) {
      // Only a sealer ignoring the lock could cause this (a row sealed twice is refused by the append-only trigger
      // before it gets here); rolling back keeps the chain as it was.
      throw new Error(`sealed ${updated} of ${rows.length} audit events; rolled back`);
    }
    return { sealed: rows.length, headSeq: seq };
  }
}
