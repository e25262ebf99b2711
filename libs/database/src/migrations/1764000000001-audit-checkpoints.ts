import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signed audit checkpoints (DESIGN §6), append-only like the events they vouch for, and the indexes the audit
 * query's filters need (`GET /v1/audit` pages in seq order within an actor, an action or a time range).
 */
export class AuditCheckpoints1764000000001 implements MigrationInterface {
  name = 'AuditCheckpoints1764000000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE audit_checkpoints (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigint NOT NULL CHECK (seq >= 0),
        hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
        signed_at timestamptz NOT NULL,
        key_id text NOT NULL,
        algorithm text NOT NULL CHECK (algorithm = 'Ed25519'),
        signature text NOT NULL,
        public_key text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX audit_checkpoints_seq ON audit_checkpoints (seq, signed_at)`);
    await db.query(`CREATE INDEX audit_checkpoints_signed_at ON audit_checkpoints (signed_at)`);

    // A checkpoint is evidence: rewriting or removing one must take a superuser, and then verify still uses only
    // checkpoints whose signature checks out.
    await db.query(`
      CREATE FUNCTION audit_checkpoints_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_checkpoints is append-only: % is not allowed', TG_OP;
      END $$`);
    await db.query(`
      CREATE TRIGGER audit_checkpoints_no_update_delete BEFORE UPDATE OR DELETE ON audit_checkpoints
        FOR EACH ROW EXECUTE FUNCTION audit_checkpoints_append_only()`);
    await db.query(`
      CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
        FOR EACH STATEMENT EXECUTE FUNCTION audit_checkpoints_append_only()`);

    await db.query(`CREATE INDEX audit_events_actor ON audit_events (actor_id, seq)`);
    await db.query(`CREATE INDEX audit_events_action ON audit_events (action, seq)`);
    await db.query(`CREATE INDEX audit_events_occurred_at ON audit_events (occurred_at)`);
    // A case's history includes events about its enforcements, notices and appeals, which name it in data.caseId.
    await db.query(`CREATE INDEX audit_events_data_case ON audit_events ((data ->> 'caseId'))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX audit_events_data_case`);
    await db.query(`DROP INDEX audit_events_occurred_at`);
    await db.query(`DROP INDEX audit_events_action`);
    await db.query(`DROP INDEX audit_events_actor`);
    await db.query(`DROP TABLE audit_checkpoints`);
    await db.query(`DROP FUNCTION audit_checkpoints_append_only`);
  }
}
