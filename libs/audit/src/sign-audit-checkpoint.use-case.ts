import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ActionContext } from './action-context';
import { GENESIS_HASH } from './audit-chain';
import { AUDIT_LOCK_SPACE, CHECKPOINT_LOCK } from './audit-locks';
import { AuditSigningKey } from './audit-signing-key';
import { AuditService } from './audit.service';
import { CHECKPOINT_ALGORITHM, CheckpointView, signCheckpointMessage } from './checkpoint-signature';

/**
 * `schedule`: the audit queue's periodic run, which signs only when the sealed head moved since the last
 * checkpoint of this key. `request`: someone asked (`POST /v1/audit/checkpoints`, the CLI, an export needing
 * one) — always signs, and is audited as `checkpoint.signed`. Scheduled ones are not: their own event would move
 * the head and make the next run sign again, for ever.
 */
export type CheckpointTrigger = 'schedule' | 'request';

/** Signs `{seq, hash, signedAt}` of the sealed head with the Ed25519 key and stores it in `audit_checkpoints`. */
@Injectable()
export class SignAuditCheckpoint {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly key: AuditSigningKey,
    private readonly audit: AuditService,
  ) {}

  async execute(input: { trigger: CheckpointTrigger }, ctx: ActionContext): Promise<CheckpointView | null> {
    return this.db.transaction(async (manager) => {
      // Serialised, so checkpoints' signedAt order is their seq order.
      await manager.query(`SELECT pg_advisory_xact_lock($1, $2)`, [AUDIT_LOCK_SPACE, CHECKPOINT_LOCK]);
      const [head]: { seq: string; hash: string }[] = await manager.query(
        `SELECT seq, hash FROM audit_events WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1`,
      );
      const seq = head ? Number(head.seq) : 0;
      const hash = head?.hash ?? GENESIS_HASH;
      if (input.trigger === 'schedule') {
        const [last]: { seq: string | null }[] = await manager.query(
          `SELECT max(seq) AS seq FROM audit_checkpoints WHERE key_id = $1`,
          [this.key.keyId],
        );
        if (seq === 0 || (last.seq !== null && Number(last.seq) >= seq)) return null;
      }
      const signedAt = new Date().toISOString();
      const checkpoint: CheckpointView = {
        seq,
        hash,
        signedAt,
        keyId: this.key.keyId,
        algorithm: CHECKPOINT_ALGORITHM,
        signature: signCheckpointMessage(this.key.privateKey, seq, hash, signedAt),
        publicKey: this.key.publicKeyPem,
      };
      const [{ id }]: { id: string }[] = await manager.query(
        `INSERT INTO audit_checkpoints (seq, hash, signed_at, key_id, algorithm, signature, public_key)
         VALUES ($1, $2, $3::timestamptz, $4, $5, $6, $7) RETURNING id`,
        [seq, hash, signedAt, checkpoint.keyId, checkpoint.algorithm, checkpoint.signature, checkpoint.publicKey],
      );
      if (input.trigger === 'request') {
        await this.audit.record(manager, ctx, {
          action: 'checkpoint.signed',
          target: { type: 'audit_checkpoint', id },
          data: { seq, hash, keyId: checkpoint.keyId, signedAt },
        });
      }
      return checkpoint;
    });
  }
}
