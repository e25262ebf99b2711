import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DomainError } from '@vigil/domain';
import type { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import type { ActionContext } from './action-context';
import { EXPORT_FORMAT, exportEventLine, ExportHeaderLine } from './audit-export';
import { AuditEventTuple, auditEventColumns, chainEventOf, CHECKPOINT_COLUMNS, CheckpointRow, checkpointViewOfRow } from './audit-rows';
import { AuditSigningKey } from './audit-signing-key';
import { checkpointSignatureValid, CheckpointView } from './checkpoint-signature';
import { SignAuditCheckpoint } from './sign-audit-checkpoint.use-case';

const BATCH = 5_000;

/**
 * Exports the sealed events that occurred in [from, to) as NDJSON lines (README "Exports"): a header, the
 * checkpoints of our key inside the exported span, then every event of the span in seq order with its hashes.
 * The span is contiguous in seq (from the first to the last event of the range, whatever an occasional late
 * event's time) and runs on to the first checkpoint at or after the range's last event, so a signature covers
 * every line; when no such checkpoint exists yet, one is signed (audited as `checkpoint.signed`).
 */
@Injectable()
export class ExportAuditRange {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly key: AuditSigningKey,
    private readonly signCheckpoint: SignAuditCheckpoint,
  ) {}

  async *execute(input: { from: Date; to: Date }, ctx: ActionContext): AsyncGenerator<string> {
    if (!(input.from < input.to)) throw new DomainError('INVALID_INPUT', '`from` must be before `to`');
    const [range]: { first: string | null; last: string | null }[] = await this.db.query(
      `SELECT min(seq) AS first, max(seq) AS last FROM audit_events
       WHERE seq IS NOT NULL AND occurred_at >= $1 AND occurred_at < $2`,
      [input.from, input.to],
    );
    const firstSeq = range.first === null ? null : Number(range.first);
    const lastSeq = range.last === null ? null : Number(range.last);
    const anchor = (await this.trustedCheckpointFrom(lastSeq ?? 0)) ?? (await this.signNow(ctx));

    const header: ExportHeaderLine = {
      type: 'header',
      format: EXPORT_FORMAT,
      from: input.from.toISOString(),
      to: input.to.toISOString(),
      firstSeq,
      lastSeq,
      exportedAt: new Date().toISOString(),
    };
    yield JSON.stringify(header);

    if (firstSeq === null) {
      // Nothing occurred in the range: the checkpoint alone says what the chain was when it was asked.
      yield JSON.stringify({ type: 'checkpoint', ...anchor });
      return;
    }

    const pool = (this.db.driver as unknown as { master: Pool }).master;
    const client = await pool.connect();
    let broken: Error | undefined;
    let open = false;
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      open = true;
      for (const checkpoint of await this.checkpointsWithin(client, firstSeq - 1, anchor.seq)) {
        yield JSON.stringify({ type: 'checkpoint', ...checkpoint });
      }
      let after = firstSeq - 1;
      while (after < anchor.seq) {
        const { rows } = await client.query<AuditEventTuple>({
          text: `SELECT ${auditEventColumns('e')} FROM audit_events e
                 WHERE e.seq > $1 AND e.seq <= $2 ORDER BY e.seq LIMIT $3`,
          values: [after, anchor.seq, BATCH],
          rowMode: 'array',
        });
        if (rows.length === 0) break;
        for (const tuple of rows) yield JSON.stringify(exportEventLine(chainEventOf(tuple)));
        after = Number(rows[rows.length - 1][0]);
      }
      await client.query('COMMIT');
      open = false;
    } finally {
      // Also reached when the consumer stops early or fails: the read-only transaction is dropped, and a
      // connection that cannot even roll back is discarded instead of going back to the pool.
      if (open) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          broken = rollbackError;
        });
      }
      client.release(broken);
    }
  }

  private async trustedCheckpointFrom(seq: number): Promise<CheckpointView | null> {
    const rows: CheckpointRow[] = await this.db.query(
      `SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints WHERE key_id = $1 AND seq >= $2
       ORDER BY seq, signed_at LIMIT 20`,
      [this.key.keyId, seq],
    );
    return rows.map(checkpointViewOfRow).find((c) => checkpointSignatureValid(this.key.publicKey, c)) ?? null;
  }

  private async signNow(ctx: ActionContext): Promise<CheckpointView> {
    const checkpoint = await this.signCheckpoint.execute({ trigger: 'request' }, ctx);
    if (!checkpoint) throw new Error('a requested checkpoint was not signed');
    return checkpoint;
  }

  private async checkpointsWithin(client: PoolClient, fromSeq: number, toSeq: number): Promise<CheckpointView[]> {
    const { rows } = await client.query<CheckpointRow>(
      `SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints WHERE key_id = $1 AND seq >= $2 AND seq <= $3
       ORDER BY seq, signed_at`,
      [this.key.keyId, fromSeq, toSeq],
    );
    return rows.map(checkpointViewOfRow).filter((c) => checkpointSignatureValid(this.key.publicKey, c));
  }
}
