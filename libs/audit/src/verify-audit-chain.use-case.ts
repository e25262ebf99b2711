import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { ChainFailure, ChainFault, GENESIS_HASH, TrustedAnchor } from './audit-chain';
import { CHECKPOINT_COLUMNS, CheckpointRow, checkpointViewOfRow } from './audit-rows';
import { AuditSigningKey } from './audit-signing-key';
import {
  AnchorCheck,
  AnchorsAtSeq,
  ChainWalk,
  RangeOutcome,
  SealedRange,
  splitRange,
  joinRanges,
  verifySealedRange,
} from './chain-ranges';
import { checkpointSignatureValid } from './checkpoint-signature';
import { inReadOnlySnapshot } from './read-only-snapshot';
import type { RangeJob, RangeReply } from './verify-range.worker';

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

/**
 * Recomputes the hash chain from genesis (or from the latest checkpoint signed by our key) in one snapshot. Reports
 * the first seq that fails: a gap (deleted row), a broken link (swapped rows), a hash that does not match the fields
 * (edited row or forged hash). Checkpoints signed by our key are checked along the way, which catches a chain
 * recomputed after an edit, events removed from the end, and forged checkpoints; checkpoints of other keys are
 * ignored (not trusted).
 *
 * A long chain is cut into consecutive ranges hashed by worker threads at once, each on its own connection in the
 * snapshot this transaction exports (AUDIT_VERIFY_THREADS); the ranges are joined into exactly what one walk from the
 * start would report (chain-ranges.ts).
 */
@Injectable()
export class VerifyAuditChain {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly key: AuditSigningKey,
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
  ) {}

  async execute(input: { fromCheckpoint?: boolean } = {}): Promise<AuditVerification> {
    return inReadOnlySnapshot(this.db, async (client) => {
      const { rows: heads } = await client.query<{ seq: string; hash: string }>(
        `SELECT seq, hash FROM audit_events WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1`,
      );
      const head = heads[0] ? { seq: Number(heads[0].seq), hash: heads[0].hash } : { seq: 0, hash: GENESIS_HASH };
      const checkpoint = input.fromCheckpoint ? await this.latestTrustedCheckpoint(client) : null;
      const start = checkpoint ?? { seq: 0, hash: GENESIS_HASH };
      const walk = (await this.startRowFailure(client, checkpoint)) ?? (await this.walk(client, start, head.seq));
      const failure = walk.failure ?? (await this.checkpointBeyond(client, walk.head.seq));
      return {
        ok: failure === null,
        checked: walk.checked,
        headSeq: head.seq,
        headHash: head.hash,
        firstInvalidSeq: failure?.seq ?? null,
        fault: failure?.fault ?? null,
        startSeq: start.seq,
      };
    });
  }

  private async walk(client: PoolClient, start: TrustedAnchor, headSeq: number): Promise<ChainWalk> {
    const whole = { afterSeq: start.seq, untilSeq: Math.max(start.seq, headSeq) };
    const threads = Math.min(
      this.config.auditVerifyThreads,
      Math.floor((whole.untilSeq - whole.afterSeq) / this.config.auditVerifyThreadMinEvents),
    );
    const outcomes =
      threads > 1 ? await this.inWorkerThreads(client, whole, threads) : [await verifySealedRange(client, whole)];
    return this.checkAnchors(client, start, joinRanges(start, outcomes));
  }

  /**
   * The checkpoints of our key along the verified walk, a page of seqs at a time: signed every minute, they add up
   * to half a million a year, more than one read should hold.
   */
  private async checkAnchors(client: PoolClient, start: TrustedAnchor, walk: ChainWalk): Promise<ChainWalk> {
    const check = new AnchorCheck(start, walk);
    for (let after = start.seq; !check.done; ) {
      const { rows } = await client.query<CheckpointRow>(
        `SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints
         WHERE key_id = $1 AND seq IN (
           SELECT DISTINCT seq FROM audit_checkpoints WHERE key_id = $1 AND seq > $2 AND seq < $3 ORDER BY seq LIMIT $4)`,
        [this.key.keyId, after, check.before, ANCHOR_SEQS_PER_PAGE],
      );
      if (rows.length === 0) break;
      const anchors = this.anchorsBySeq(rows);
      const seqs = [...anchors.keys()];
      const { rows: hashes } = await client.query<{ seq: string; hash: string }>(
        `SELECT seq, hash FROM audit_events WHERE seq = ANY($1::bigint[])`,
        [seqs],
      );
      const hashAt = new Map(hashes.map((row) => [Number(row.seq), row.hash]));
      check.apply(anchors, (seq) => hashAt.get(seq) ?? '');
      after = Math.max(...seqs);
    }
    return check.result();
  }

  /**
   * The chain cut into many more ranges than threads, dealt out in turn: a thread whose part of the chain holds
   * heavier events (real ones, with more data) does not finish long after the others.
   */
  private async inWorkerThreads(client: PoolClient, whole: SealedRange, threads: number): Promise<RangeOutcome[]> {
    const { rows } = await client.query<{ snapshot: string }>(`SELECT pg_export_snapshot() AS snapshot`);
    const snapshot = rows[0].snapshot;
    const ranges = splitRange(whole, threads * RANGES_PER_THREAD);
    const settled = await Promise.allSettled(
      Array.from({ length: threads }, (_, thread) =>
        runRangeWorker({
          databaseUrl: this.config.databaseUrl,
          snapshot,
          ranges: ranges.filter((_, i) => i % threads === thread),
        }),
      ),
    );
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    return settled
      .flatMap((s) => (s as PromiseFulfilledResult<RangeOutcome[]>).value)
      .sort((a, b) => a.afterSeq - b.afterSeq);
  }

  /** Checkpoints per seq: the hashes of those whose signature holds with our key, and whether one is forged. */
  private anchorsBySeq(rows: CheckpointRow[]): Map<number, AnchorsAtSeq> {
    const bySeq = new Map<number, { trusted: TrustedAnchor[]; forged: boolean }>();
    for (const checkpoint of rows.map(checkpointViewOfRow)) {
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
  private async startRowFailure(client: PoolClient, start: TrustedAnchor | null): Promise<ChainWalk | null> {
    if (!start) return null;
    const { rows } = await client.query<{ hash: string | null }>(`SELECT hash FROM audit_events WHERE seq = $1`, [
      start.seq,
    ]);
    if (rows.length > 0 && rows[0].hash === start.hash) return null;
    const fault: ChainFault = rows.length === 0 ? 'missing_checkpointed_events' : 'checkpoint_mismatch';
    return { checked: 0, head: start, failure: { seq: start.seq, fault } };
  }

  /** A checkpoint past the verified head vouches for events that are gone (or is forged). */
  private async checkpointBeyond(client: PoolClient, headSeq: number): Promise<ChainFailure | null> {
    const { rows } = await client.query<CheckpointRow>(
      `SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints WHERE seq > $1 AND key_id = $2 ORDER BY seq LIMIT 1`,
      [headSeq, this.key.keyId],
    );
    if (rows.length === 0) return null;
    const checkpoint = checkpointViewOfRow(rows[0]);
    return checkpointSignatureValid(this.key.publicKey, checkpoint)
      ? { seq: headSeq + 1, fault: 'missing_checkpointed_events' }
      : { seq: checkpoint.seq, fault: 'checkpoint_signature_invalid' };
  }
}

/** Checkpoint seqs read at once while checking them along the walk. */
const ANCHOR_SEQS_PER_PAGE = 2_000;

/** Ranges per thread: enough to even out heavy and light stretches, few enough that each COPY is large. */
const RANGES_PER_THREAD = 8;

/**
 * Runs verify-range.worker on its ranges. From the compiled build the worker is plain JavaScript; run from the
 * TypeScript sources (the tests), the thread loads it through @swc-node/register, a development dependency.
 */
function runRangeWorker(job: RangeJob): Promise<RangeOutcome[]> {
  const fromSources = extname(__filename) === '.ts';
  const file = join(__dirname, `verify-range.worker${extname(__filename)}`);
  const worker = new Worker(file, {
    workerData: job,
    // Every object a thread makes dies within a row or two: a small young generation keeps the process ~80 MB
    // lighter with two threads, at no measurable cost in speed.
    resourceLimits: { maxYoungGenerationSizeMb: 4 },
    execArgv: fromSources ? [...process.execArgv, '--require', '@swc-node/register'] : undefined,
  });
  return new Promise<RangeOutcome[]>((resolve, reject) => {
    worker.once('message', (reply: RangeReply) =>
      'outcomes' in reply ? resolve(reply.outcomes) : reject(new Error(`audit verify thread: ${reply.error}`)),
    );
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`audit verify thread exited with code ${code}`)));
  });
}
