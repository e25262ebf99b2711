import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What Prometheus reads at every scrape stays cheap as the tables grow: the cases not yet closed, by status
 * (`vigil_cases_open`), from a partial index holding only them — closed cases, nearly all of the table in time, are
 * not in it — and decisions by action (`vigil_decisions_total`) as an index-only scan instead of reading every
 * decision's text.
 */
export class OperationsMetricsIndexes1764000000400 implements MigrationInterface {
  name = 'OperationsMetricsIndexes1764000000400';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX cases_not_closed_status ON cases (status) WHERE status <> 'closed'`);
    await db.query(`CREATE INDEX decisions_action ON decisions (action)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX decisions_action`);
    await db.query(`DROP INDEX cases_not_closed_status`);
  }
}
