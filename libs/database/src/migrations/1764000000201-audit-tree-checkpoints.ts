import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signed checkpoints of the audit Merkle tree: C2SP tlog-checkpoint signed notes, kept as the exact text that was
 * signed and served (API.md "Verifiable audit log"), with the size and root they vouch for. Append-only.
 */
export class AuditTreeCheckpoints1764000000201 implements MigrationInterface {
  name = 'AuditTreeCheckpoints1764000000201';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE audit_tree_checkpoints (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        origin text NOT NULL,
        tree_size bigint NOT NULL CHECK (tree_size >= 1),
        root_hash bytea NOT NULL CHECK (octet_length(root_hash) = 32),
        key_id text NOT NULL CHECK (key_id ~ '^[0-9a-f]{8}$'),
        note text NOT NULL,
        signed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX audit_tree_checkpoints_latest ON audit_tree_checkpoints (origin, key_id, tree_size)`);
    await db.query(`
      CREATE TRIGGER audit_tree_checkpoints_no_update_delete BEFORE UPDATE OR DELETE ON audit_tree_checkpoints
        FOR EACH ROW EXECUTE FUNCTION audit_tree_append_only()`);
    await db.query(`
      CREATE TRIGGER audit_tree_checkpoints_no_truncate BEFORE TRUNCATE ON audit_tree_checkpoints
        FOR EACH STATEMENT EXECUTE FUNCTION audit_tree_append_only()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE audit_tree_checkpoints`);
  }
}
