import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { ChainFault, ChainVerifier, GENESIS_HASH, TrustedAnchor } from './audit-chain';
import { AuditEventTuple, auditEventColumns, chainEventOf, CHECKPOINT_COLUMNS, CheckpointRow, checkpointViewOfRow } from './audit-rows';
import { AuditSigningKey } from './audit-signing-key';
import { checkpointSignatureValid } from './checkpoint-signature';
import { inReadOnlySnapshot } from './read-only-snapshot';

/** API.md `GET /v1/audit/verify`, plus `fault` (why it failed) and `startSeq` (0, or the checkpoint it started from). */
export interface AuditVerification {
  ok: boolean;
  checked: number;
  headSeq: number;
  headHash: string;
  firstInvalidSeq: number | null;
  fault: ChainFault | null;
  startSeq: number;
}

/** Large enough that round trips vanish next to hashing; small enough to keep memory flat. */
const BATCH = 10_000;

interface Batch {
  events: AuditEventTuple[];
  checkpoints: CheckpointRow[];
}

/**
 * Recomputes the hash chain from genesis (or from the latest checkpoint signed by our key) in one snapshot, in
 * seq-ordered batches with the next batch already on its way while this one is hashed. Reports the first seq that
 * fails: a gap (deleted row), a broken link (swapped rows), a hash that does not match the fields (edited row or
 * forged hash). Checkpoints signed by our key are checked along the way, which catches a chain recomputed after an
 * edit, events removed from the end, and forged checkpoints; checkpoints of other keys are ignored (not trusted).
 */
@Injectable()
export class VerifyAuditChain {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly key: AuditSigningKey,
  ) {}

  async execute(input: { fromCheckpoint?: boolean } = {}): Promise<AuditVerification> {
    return inReadOnlySnapshot(this.db, async (client) => {
      const { rows: heads } = await client.query<{ seq: string; hash: string }>(
        `SELECT seq, hash FROM audit_events WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1`,
      );
      const head = heads[0] ? { seq: Number(heads[0].seq), hash: heads[0].hash } : { seq: 0, hash: GENESIS_HASH };
      const start = input.fromCheckpoint ? await this.latestTrustedCheckpoint(client) : null;
      const verifier = new ChainVerifier(start ?? undefined);
      if (start) await this.checkStartRow(client, start, verifier);
      if (verifier.ok) await this.walk(client, verifier);
      if (verifier.ok) await this.checkCheckpointsBeyond(client, verifier);
      const failure = verifier.firstFailure;
      return {
        ok: failure === null,
        checked: verifier.checked,
        headSeq: head.seq,
        headHash: head.hash,
        firstInvalidSeq: failure?.seq ?? null,
        fault: failure?.fault ?? null,
        startSeq: start?.seq ?? 0,
      };
    });
  }

  private async walk(client: PoolClient, verifier: ChainVerifier): Promise<void> {
    let next: Promise<Batch> | null = this.fetch(client, verifier.head.seq);
    while (next) {
      const { events, checkpoints }: Batch = await next;
      if (events.length === 0) return;
      // Ask for the next batch before hashing this one: PostgreSQL reads while we hash.
      next = events.length === BATCH ? this.fetch(client, Number(events[events.length - 1][0])) : null;
      const anchors = this.anchorsBySeq(checkpoints);
      for (const tuple of events) {
        const seq = Number(tuple[0]);
        const at = anchors.get(seq);
        if (!verifier.push(chainEventOf(tuple), at?.trusted)) break;
        if (at?.forged) verifier.fail(seq, 'checkpoint_signature_invalid');
        if (!verifier.ok) break;
      }
      if (!verifier.ok) {
        // The pipelined query still completes on this connection; nothing else waits for it.
        next?.catch(() => undefined);
        return;
      }
    }
  }

  private async fetch(client: PoolClient, afterSeq: number): Promise<Batch> {
    const events = await client.query<AuditEventTuple>({
      text: `SELECT ${auditEventColumns('e')} FROM audit_events e WHERE e.seq > $1 ORDER BY e.seq LIMIT $2`,
      values: [afterSeq, BATCH],
      rowMode: 'array',
    });
    if (events.rows.length === 0) return { events: [], checkpoints: [] };
    const lastSeq = events.rows[events.rows.length - 1][0];
    const checkpoints = await client.query<CheckpointRow>(
      `SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints WHERE seq > $1 AND seq <= $2 AND key_id = $3`,
      [afterSeq, lastSeq, this.key.keyId],
    );
    return { events: events.rows, checkpoints: checkpoints.rows };
  }

  /** Checkpoints of our key per seq: the ones whose signature holds, and whether any claims our key falsely. */
  private anchorsBySeq(rows: CheckpointRow[]): Map<number, { trusted: TrustedAnchor[]; forged: boolean }> {
    const bySeq = new Map<number, { trusted: TrustedAnchor[]; forged: boolean }>();
    for (const row of rows) {
      const checkpoint = checkpointViewOfRow(row);
      const entry = bySeq.get(checkpoint.seq) ?? { trusted: [], forged: false };
      if (checkpointSignatureValid(this.key.publicKey, checkpoint)) {
        entry.trusted.push({ seq: checkpoint.seq, hash: checkpoint.hash });
      } else {
        entry.forged = true;
      }
      bySeq.set(checkpoint.seq, entry);
    }
    return bySeq;
  }

  private async latestTrustedCheckpoint(client: PoolClient): Promise<TrustedAnchor | null> {
    const { rows } = await client.query<CheckpointRow>(
      `SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints WHERE key_id = $1 AND seq > 0
       ORDER BY seq DESC, signed_at DESC LIMIT 20`,
      [this.key.keyId],
    );
    const trusted = rows.map(checkpointViewOfRow).find((c) => checkpointSignatureValid(this.key.publicKey, c));
    return trusted ? { seq: trusted.seq, hash: trusted.hash } : null;
  }

  /** Starting from a checkpoint: the row it vouches for must still carry its hash. */
  private async checkStartRow(client: PoolClient, start: TrustedAnchor, verifier: ChainVerifier): Promise<void> {
    const { rows } = await client.query<{ hash: string | null }>(`SELECT hash FROM audit_events WHERE seq = $1`, [
      start.seq,
    ]);
    if (rows.length === 0) verifier.fail(start.seq, 'missing_checkpointed_events');
    else if (rows[0].hash !== start.hash) verifier.fail(start.seq, 'checkpoint_mismatch');
  }

  /** A checkpoint past the verified head vouches for events that are gone (or is forged). */
  private async checkCheckpointsBeyond(client: PoolClient, verifier: ChainVerifier): Promise<void> {
    const headSeq = verifier.head.seq;
    const { rows } = await client.query<CheckpointRow>(
      `SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints WHERE seq > $1 AND key_id = $2 ORDER BY seq`,
      [headSeq, this.key.keyId],
    );
    for (const checkpoint of rows.map(checkpointViewOfRow)) {
      if (checkpointSignatureValid(this.key.publicKey, checkpoint)) {
        verifier.fail(headSeq + 1, 'missing_checkpointed_events');
      } else {
        verifier.fail(checkpoint.seq, 'checkpoint_signature_invalid');
      }
      return;
    }
  }
}
