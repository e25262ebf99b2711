import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A decision's outcome for the case's reports and reporters (report statuses, reporters' records, their notices) is
 * applied by a job after the decision commits (docs/decisions.md, "A decision's fan-out is a job"); `applied_at`
 * says it was, and the partial index lets the reconciler find the few that are not. Decisions taken before this
 * migration applied their outcome in their own transaction.
 */
export class DecisionOutcomes1764000000007 implements MigrationInterface {
  name = 'DecisionOutcomes1764000000007';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE decisions ADD COLUMN applied_at timestamptz`);
    await db.query(`UPDATE decisions SET applied_at = created_at`);
    await db.query(`CREATE INDEX decisions_unapplied ON decisions (created_at) WHERE applied_at IS NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX decisions_unapplied`);
    await db.query(`ALTER TABLE decisions DROP COLUMN applied_at`);
  }
}
