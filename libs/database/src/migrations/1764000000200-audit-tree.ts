import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The RFC 9162 Merkle tree over sealed audit events (libs/audit/README.md "Merkle tree"): the hash of every complete
 * subtree, keyed by its level (0: a leaf) and its index on that level, written by the sealer in the transaction that
 * seals the events. Any root or proof is O(log n) of these rows. Append-only, like the events: a node never changes
 * once its subtree is complete. Events sealed before this migration are added by the sealer (it catches the tree up
 * before sealing more), not here: their leaf hashes need the canonical JSON, which is written in TypeScript.
 */
export class AuditTree1764000000200 implements MigrationInterface {
  name = 'AuditTree1764000000200';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE audit_tree_nodes (
        level smallint NOT NULL CHECK (level BETWEEN 0 AND 62),
        idx bigint NOT NULL CHECK (idx >= 0),
        hash bytea NOT NULL CHECK (octet_length(hash) = 32),
        PRIMARY KEY (level, idx)
      )`);
    await db.query(`
      CREATE FUNCTION audit_tree_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP;
      END $$`);
    await db.query(`
      CREATE TRIGGER audit_tree_nodes_no_update_delete BEFORE UPDATE OR DELETE ON audit_tree_nodes
        FOR EACH ROW EXECUTE FUNCTION audit_tree_append_only()`);
    await db.query(`
      CREATE TRIGGER audit_tree_nodes_no_truncate BEFORE TRUNCATE ON audit_tree_nodes
        FOR EACH STATEMENT EXECUTE FUNCTION audit_tree_append_only()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE audit_tree_nodes`);
    await db.query(`DROP FUNCTION audit_tree_append_only`);
  }
}
