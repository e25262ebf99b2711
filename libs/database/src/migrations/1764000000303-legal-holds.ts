import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Legal holds (API.md "Evidence and retention"): an admin keeps a case's reports and evidence past their
 * preservation (EU 2021/784 Art. 6: six months after a takedown, longer on request). A hold is lifted, never
 * deleted, so the trail of what was kept and why stays. `evidence_live` serves the retention job's walk over the
 * files not yet erased.
 */
export class LegalHolds1764000000303 implements MigrationInterface {
  name = 'LegalHolds1764000000303';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE TABLE legal_holds (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         case_id uuid NOT NULL REFERENCES cases (id),
         reason text NOT NULL,
         until timestamptz NOT NULL,
         placed_by uuid REFERENCES users (id),
         placed_at timestamptz NOT NULL DEFAULT now(),
         lifted_by uuid REFERENCES users (id),
         lifted_at timestamptz
       )`,
    );
    await db.query(`CREATE INDEX legal_holds_active ON legal_holds (case_id) WHERE lifted_at IS NULL`);
    await db.query(`CREATE INDEX evidence_live ON evidence (added_at) WHERE erased_at IS NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX evidence_live`);
    await db.query(`DROP TABLE legal_holds`);
  }
}
