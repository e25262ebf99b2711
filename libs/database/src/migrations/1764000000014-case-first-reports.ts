import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `case_first_reports(case, n)`: a case's first `n` reports in arrival order, read by walking
 * `reports_case_received` and stopping after `n`. A case's detail shows its first 200 reports and their history; on a
 * channel that drew a brigade within the last minutes, the statistics do not know the case has thousands of reports,
 * and the planner collected them all in a bitmap scan and sorted them, twice per claim (the reports and their
 * events): 4–6 ms each against 0.4 ms for the walk on a case of 2,000 reports (docs/performance.md). A function
 * because its SET clauses hold for its own statement only, and the detail's reads run outside a transaction (SET
 * LOCAL would need one). The walk makes no sort, so the disabled sort never weighs on a plan (JIT).
 */
export class CaseFirstReports1764000000014 implements MigrationInterface {
  name = 'CaseFirstReports1764000000014';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE FUNCTION case_first_reports(wanted_case uuid, max_rows integer) RETURNS SETOF reports
       LANGUAGE sql STABLE
       SET enable_sort = off
       SET enable_bitmapscan = off
       AS $$ SELECT * FROM reports WHERE case_id = wanted_case ORDER BY received_at, id LIMIT max_rows $$`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION case_first_reports(uuid, integer)`);
  }
}
