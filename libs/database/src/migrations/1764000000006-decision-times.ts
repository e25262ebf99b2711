import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Decisions in time order: the statements-of-reasons export and the actioned-channels feed page through decisions
 * by `(created_at, id)`, and the transparency figures count them by `created_at` (docs/transparency.md).
 */
export class DecisionTimes1764000000006 implements MigrationInterface {
  name = 'DecisionTimes1764000000006';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX decisions_created_at ON decisions (created_at, id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX decisions_created_at`);
  }
}
