import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { WALK_INDEX_IN_ORDER } from '@vigil/database';
import { DataSource, EntityManager } from 'typeorm';
import { canonicalEventJson, chainHash, GENESIS_HASH } from './audit-chain';
import { AUDIT_LOCK_SPACE, SEALER_LOCK } from './audit-locks';
import { AuditEventRow, auditEventColumns, chainEventOf, tupleOfRow } from './audit-rows';
import { appendToStoredTree, leafHexOfCanonical, TreeFrontier } from './audit-tree-store';

export interface SealOutcome {
  /** False when another sealer held the lock: this run did nothing, by design. */
  ran: boolean;
  sealed: number;
  headSeq: number;
}

interface BatchOutcome {
  sealed: number;
  headSeq: number;
  /** Events sealed earlier (before the tree existed) added to the Merkle tree by this batch instead of sealing. */
  addedToTree: number;
  /** The tree's frontier after a sealing batch, for the next one. */
  frontier?: TreeFrontier;
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
 *
 * The same transaction appends the sealed events to the RFC 9162 Merkle tree (`audit_tree_nodes`), so the tree's size
 * is always the sealed head. Events sealed before the tree existed are added first, a batch per transaction, before
 * anything new is sealed (docs/decisions.md, 2026-12-07).
 */
@Injectable()
export class SealAuditEvents {
  private readonly logger = new Logger(SealAuditEvents.name);
  /** The tree's frontier after this process's last committed batch: saves reading it again for the next one. */
  private frontier: TreeFrontier | null = null;

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
      // An idle run keeps it: the next batch checks it against the head hash before using it.
      if (batch.frontier) this.frontier = batch.frontier;
      sealed += batch.sealed;
      headSeq = batch.headSeq;
      if (Date.now() - started > RUN_BUDGET_MS) break;
      if (batch.addedToTree === 0 && batch.sealed < this.config.auditSealBatchSize) break;
    }
    if (sealed > 0) this.logger.debug(`Sealed ${sealed} audit event(s); head is now seq ${headSeq}`);
    return { ran: true, sealed, headSeq };
  }

  private async sealBatch(manager: EntityManager): Promise<BatchOutcome | null> {
    const [{ locked }]: { locked: boolean }[] = await manager.query(
      `SELECT pg_try_advisory_xact_lock($1, $2) AS locked`,
      [AUDIT_LOCK_SPACE, SEALER_LOCK],
    );
    if (!locked) return null;
    // Walk the unsealed index in order and join the batch back by primary key. Every sealed row leaves a dead entry
    // in `audit_events_unsealed` until vacuum: bitmap scans gathered 40,000 of them to seal 300 rows in the bench.
    await manager.query(WALK_INDEX_IN_ORDER);
    // Read committed: this statement's snapshot already holds whatever the previous lock holder committed.
    const [head]: { seq: string | null; hash: string | null; tree_size: string | null }[] = await manager.query(
      `SELECT h.seq, h.hash, (SELECT tree_size FROM audit_tree_heads ORDER BY tree_size DESC LIMIT 1) AS tree_size
       FROM (SELECT 1) AS one
       LEFT JOIN LATERAL (SELECT seq, hash FROM audit_events WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1) AS h
         ON true`,
    );
    const headSeq = head.seq === null ? 0 : Number(head.seq);
    const treeSize = head.tree_size === null ? 0 : Number(head.tree_size);
    if (treeSize > headSeq) {
      // Sealed events were removed (the trigger forbids it: someone with superuser rights). Appending would overwrite
      // nothing and prove nothing; `verify` names what is missing.
      throw new Error(`the audit Merkle tree holds ${treeSize} events but the sealed head is seq ${headSeq}`);
    }
    if (treeSize < headSeq) {
      const addedToTree = await this.addSealedToTree(manager, treeSize, headSeq);
      return { sealed: 0, headSeq, addedToTree };
    }
    const rows: AuditEventRow[] = await manager.query(
      `SELECT ${auditEventColumns('e')} FROM audit_events e
       WHERE e.seq IS NULL AND e.occurred_at < statement_timestamp() - make_interval(secs => $1)
       ORDER BY e.occurred_at, e.id
       LIMIT $2`,
      [this.config.auditSealSettleMs / 1000, this.config.auditSealBatchSize],
    );
    let seq = headSeq;
    let prevHash = head.hash ?? GENESIS_HASH;
    if (rows.length === 0) return { sealed: 0, headSeq, addedToTree: 0 };

    const ids: string[] = [];
    const seqs: number[] = [];
    const prevHashes: string[] = [];
    const hashes: string[] = [];
    const leafHexes: string[] = [];
    for (const row of rows) {
      seq++;
      const canonical = canonicalEventJson(chainEventOf(tupleOfRow(row), seq));
      const hash = chainHash(prevHash, canonical);
      leafHexes.push(leafHexOfCanonical(canonical));
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
    const kept = this.frontier?.headHash === head.hash ? this.frontier : null;
    // Kept only once the transaction commits: execute() sets it from the outcome.
    const frontier = await appendToStoredTree(manager, headSeq, leafHexes, prevHash, kept);
    return { sealed: rows.length, headSeq: seq, addedToTree: 0, frontier };
  }

  /** Adds up to a batch of events sealed before the tree existed, from `treeSize + 1` on; returns how many. */
  private async addSealedToTree(manager: EntityManager, treeSize: number, headSeq: number): Promise<number> {
    const last = Math.min(headSeq, treeSize + this.config.auditSealBatchSize);
    const rows: AuditEventRow[] = await manager.query(
      `SELECT ${auditEventColumns('e')} FROM audit_events e WHERE e.seq > $1 AND e.seq <= $2 ORDER BY e.seq`,
      [treeSize, last],
    );
    const leafHexes = rows.map((row, i) => {
      const event = chainEventOf(tupleOfRow(row));
      // The chain has a gap: no tree can be built past it, and `verify` names the missing seq.
      if (event.seq !== treeSize + i + 1) throw new Error(`audit event seq ${treeSize + i + 1} is missing`);
      return leafHexOfCanonical(canonicalEventJson(event));
    });
    if (leafHexes.length !== last - treeSize) {
      throw new Error(`audit event seq ${treeSize + rows.length + 1} is missing`);
    }
    await appendToStoredTree(manager, treeSize, leafHexes, rows[rows.length - 1].hash!);
    this.logger.log(`Added sealed audit events ${treeSize + 1}–${last} to the Merkle tree`);
    return leafHexes.length;
  }
}
