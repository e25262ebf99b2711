import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The RFC 9162 Merkle tree over sealed audit events (libs/audit/README.md "Merkle tree"), written by the sealer in
 * the transaction that seals the events. The leaves are the events themselves; `audit_tree_nodes` keeps the hash of
 * every complete subtree of the even levels from 2 up, keyed by level and index on that level (a node of another
 * level is hashed from its two children when read), so any root or proof is O(log n) reads. `audit_tree_heads`
 * records each size the tree grew to: its largest is the tree's size. Both append-only, like the events.
 * Events sealed before this migration are added by the sealer (it catches the tree up before sealing more), not here.
 */
export class AuditTree1764000000200 implements MigrationInterface {
  name = 'AuditTree1764000000200';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE audit_tree_nodes (
        level smallint NOT NULL CHECK (level BETWEEN 2 AND 62 AND level % 2 = 0),
        idx bigint NOT NULL CHECK (idx >= 0),
        hash bytea NOT NULL CHECK (octet_length(hash) = 32),
        PRIMARY KEY (level, idx)
      )`);
    await db.query(`
      CREATE TABLE audit_tree_heads (
        tree_size bigint PRIMARY KEY CHECK (tree_size >= 1),
        appended_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE FUNCTION audit_tree_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP;
      END $$`);
    for (const table of ['audit_tree_nodes', 'audit_tree_heads']) {
      await db.query(`
        CREATE TRIGGER ${table}_no_update_delete BEFORE UPDATE OR DELETE ON ${table}
          FOR EACH ROW EXECUTE FUNCTION audit_tree_append_only()`);
      await db.query(`
        CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
          FOR EACH STATEMENT EXECUTE FUNCTION audit_tree_append_only()`);
    }
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE audit_tree_heads`);
    await db.query(`DROP TABLE audit_tree_nodes`);
    await db.query(`DROP FUNCTION audit_tree_append_only`);
  }
}
