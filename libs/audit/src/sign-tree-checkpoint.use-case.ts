import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { sign } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AUDIT_LOCK_SPACE, TREE_CHECKPOINT_LOCK } from './audit-locks';
import { AuditSigningKey } from './audit-signing-key';
import { nodeMerkleHasher, storedNodeHashes, storedTreeSize } from './audit-tree-store';
import { completeSubtrees, foldSubtrees } from './merkle-tree';
import { checkpointBody, noteKeyId, signedNote, toHex, verifierKeyText } from './tree-checkpoint';

export interface SignedTreeCheckpoint {
  treeSize: number;
  note: string;
}

/**
 * Signs a C2SP checkpoint of the audit Merkle tree with the audit Ed25519 key (the key of `audit_checkpoints`) and
 * keeps it in `audit_tree_checkpoints`. Run by the audit queue every AUDIT_CHECKPOINT_INTERVAL_SECONDS; signs only
 * when the tree grew since the last checkpoint of this origin and key, so it is not audited (its own event would
 * grow the tree and make every run sign again).
 */
@Injectable()
export class SignTreeCheckpoint {
  private readonly keyId: Uint8Array;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly key: AuditSigningKey,
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
  ) {
    this.keyId = noteKeyId(config.auditLogOrigin, key.rawPublicKey);
  }

  /** The verifier key an outside party needs: `<origin>+<key id hex>+<base64(0x01 ‖ public key)>`. */
  get verifierKey(): string {
    return verifierKeyText(this.config.auditLogOrigin, this.key.rawPublicKey);
  }

  /** The new checkpoint, or null when the tree is empty or has not grown since the last one. */
  async execute(): Promise<SignedTreeCheckpoint | null> {
    const origin = this.config.auditLogOrigin;
    const keyId = toHex(this.keyId);
    return this.db.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock($1, $2)`, [AUDIT_LOCK_SPACE, TREE_CHECKPOINT_LOCK]);
      const treeSize = await storedTreeSize(manager);
      const [last]: { tree_size: string | null }[] = await manager.query(
        `SELECT max(tree_size) AS tree_size FROM audit_tree_checkpoints WHERE origin = $1 AND key_id = $2`,
        [origin, keyId],
      );
      if (treeSize === 0 || (last.tree_size !== null && Number(last.tree_size) >= treeSize)) return null;
      const rootHash = foldSubtrees(
        await storedNodeHashes(manager, completeSubtrees({ start: 0, end: treeSize })),
        nodeMerkleHasher,
      );
      const body = checkpointBody({ origin, treeSize, rootHash });
      // Pure Ed25519 (no pre-hash) over the UTF-8 body, final newline included (c2sp.org/signed-note).
      const signature = sign(null, Buffer.from(body, 'utf8'), this.key.privateKey);
      const note = signedNote(body, origin, this.keyId, signature);
      await manager.query(
        `INSERT INTO audit_tree_checkpoints (origin, tree_size, root_hash, key_id, note) VALUES ($1, $2, $3, $4, $5)`,
        [origin, treeSize, Buffer.from(rootHash), keyId, note],
      );
      return { treeSize, note };
    });
  }
}
