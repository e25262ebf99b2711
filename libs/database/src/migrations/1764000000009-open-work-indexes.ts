import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A case closes when none of its enforcements and notices is still open (CaseCloser), which it asks after every
 * delivery: without these, each delivery scanned the whole outbox, and a decision on a case with thousands of
 * reporters to notify made that quadratic.
 */
export class OpenWorkIndexes1764000000009 implements MigrationInterface {
  name = 'OpenWorkIndexes1764000000009';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX notifications_pending_case ON notifications (case_id) WHERE status = 'pending'`);
    await db.query(
      `CREATE INDEX enforcements_open_case ON enforcements (case_id) WHERE status IN ('pending', 'failed')`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX enforcements_open_case`);
    await db.query(`DROP INDEX notifications_pending_case`);
  }
}
