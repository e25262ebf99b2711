import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Evidence files (API.md "Evidence and retention"): `evidence` describes each file (its report, SHA-256, type, size,
 * where its bytes are, when it was erased), `evidence_blobs` holds the bytes when they are kept in PostgreSQL (the
 * default store), apart from the rows that lists and audits read. Erasure deletes the blob and keeps the description,
 * hash included, so the audit trail still says what was held.
 */
export class Evidence1764000000302 implements MigrationInterface {
  name = 'Evidence1764000000302';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE TABLE evidence (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         report_id uuid NOT NULL REFERENCES reports (id),
         sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
         content_type text NOT NULL,
         size integer NOT NULL CHECK (size > 0),
         store text NOT NULL DEFAULT 'postgres',
         added_at timestamptz NOT NULL DEFAULT now(),
         erased_at timestamptz
       )`,
    );
    await db.query(`CREATE INDEX evidence_report ON evidence (report_id)`);
    await db.query(
      `CREATE TABLE evidence_blobs (
         evidence_id uuid PRIMARY KEY REFERENCES evidence (id),
         data bytea NOT NULL
       )`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE evidence_blobs`);
    await db.query(`DROP TABLE evidence`);
  }
}
