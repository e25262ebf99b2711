import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The stored Merkle tree keeps every third level from 3 up instead of the even levels from 2 up: the sealer writes
 * a seventh of a row per sealed event instead of a third, which is what brought sealing with the tree within 90 % of
 * sealing without it (docs/decisions.md, "The audit Merkle tree stores every third level"). The tree is the same, so
 * its roots and every signed checkpoint stay valid. The new levels need no event: an odd multiple of 3 (3, 9, 15, …)
 * is hashed from the pairs of the even level below it, which the old layout stored; 6, 12, … were stored already;
 * the other levels are then dropped.
 */
export class AuditTreeEveryThirdLevel1764000000500 implements MigrationInterface {
  name = 'AuditTreeEveryThirdLevel1764000000500';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE audit_tree_nodes DROP CONSTRAINT audit_tree_nodes_level_check`);
    await db.query(`
      INSERT INTO audit_tree_nodes (level, idx, hash)
      SELECT l.level + 1, l.idx / 2, sha256('\\x01'::bytea || l.hash || r.hash)
      FROM audit_tree_nodes l
      JOIN audit_tree_nodes r ON r.level = l.level AND r.idx = l.idx + 1
      WHERE l.idx % 2 = 0 AND (l.level + 1) % 6 = 3`);
    await withoutAppendOnly(db, 'audit_tree_nodes', `DELETE FROM audit_tree_nodes WHERE level % 3 <> 0`);
    await db.query(`
      ALTER TABLE audit_tree_nodes ADD CONSTRAINT audit_tree_nodes_level_check
        CHECK (level BETWEEN 3 AND 63 AND level % 3 = 0)`);
  }

  /** Level 2 cannot be hashed without the events: the tree is emptied, and the old sealer rebuilds it from them. */
  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE audit_tree_nodes DROP CONSTRAINT audit_tree_nodes_level_check`);
    await withoutAppendOnly(db, 'audit_tree_nodes', `DELETE FROM audit_tree_nodes`);
    await withoutAppendOnly(db, 'audit_tree_heads', `DELETE FROM audit_tree_heads`);
    await db.query(`
      ALTER TABLE audit_tree_nodes ADD CONSTRAINT audit_tree_nodes_level_check
        CHECK (level BETWEEN 2 AND 62 AND level % 2 = 0)`);
  }
}

/** Runs `statement` with `table`'s append-only trigger off: only a migration rewrites the tree. */
async function withoutAppendOnly(db: QueryRunner, table: string, statement: string): Promise<void> {
  await db.query(`ALTER TABLE ${table} DISABLE TRIGGER ${table}_no_update_delete`);
  await db.query(statement);
  await db.query(`ALTER TABLE ${table} ENABLE TRIGGER ${table}_no_update_delete`);
}
