import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What triage needs of a case's reports, kept on the case and updated with each batch instead of aggregated over
 * all its reports every time (thousands on a hot channel, at every triage): their categories, sources, largest
 * reach and whether any is a removal order. `reports (case_id, reporter_ref)` answers "has this reporter already
 * reported this case" for the distinct-reporters count, and serves every `case_id` lookup the old index did.
 */
export class CaseAggregates1764000000008 implements MigrationInterface {
  name = 'CaseAggregates1764000000008';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE cases
      ADD COLUMN categories text[] NOT NULL DEFAULT '{}',
      ADD COLUMN sources text[] NOT NULL DEFAULT '{}',
      ADD COLUMN max_subscribers integer,
      ADD COLUMN removal_order boolean NOT NULL DEFAULT false`);
    await db.query(`UPDATE cases c SET categories = a.categories, sources = a.sources,
        max_subscribers = a.max_subscribers, removal_order = a.removal_order
      FROM (SELECT case_id, array_agg(DISTINCT category ORDER BY category) AS categories,
              array_agg(DISTINCT source ORDER BY source) AS sources, max(subscribers) AS max_subscribers,
              bool_or(removal_order) AS removal_order
            FROM reports WHERE case_id IS NOT NULL GROUP BY case_id) a
      WHERE a.case_id = c.id`);
    await db.query(`CREATE INDEX reports_case_reporter ON reports (case_id, reporter_ref)`);
    await db.query(`DROP INDEX reports_case`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX reports_case ON reports (case_id)`);
    await db.query(`DROP INDEX reports_case_reporter`);
    await db.query(`ALTER TABLE cases DROP COLUMN categories, DROP COLUMN sources, DROP COLUMN max_subscribers,
      DROP COLUMN removal_order`);
  }
}
