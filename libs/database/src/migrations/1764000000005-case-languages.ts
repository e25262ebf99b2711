import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The languages of a case's reports, kept on the case by triage, so that "next case in my languages" walks the
 * review-queue index in priority order and filters rows, instead of probing every open case's reports.
 */
export class CaseLanguages1764000000005 implements MigrationInterface {
  name = 'CaseLanguages1764000000005';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE cases ADD COLUMN languages text[] NOT NULL DEFAULT '{}'`);
    await db.query(`
      UPDATE cases c SET languages = coalesce(
        (SELECT array_agg(DISTINCT r.language ORDER BY r.language) FROM reports r
         WHERE r.case_id = c.id AND r.language IS NOT NULL), '{}')`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE cases DROP COLUMN languages`);
  }
}
