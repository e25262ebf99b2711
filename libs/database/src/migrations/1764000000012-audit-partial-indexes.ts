import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two audit indexes keep entries only for the events their queries look for. Every event is written twice (inserted,
 * then sealed by an update that sets `seq`, which no update can do in place), so each index costs two entries per
 * event. Most events are the system's and anonymous reporters' (no `actor_id`), and `data ->> 'caseId'` is looked up
 * only among enforcement, notification and appeal events (a case's history): 15 → 11 index entries for a report's
 * `report.received` and `report.triaged`. A filter `actor_id = $1` implies the predicate, so the audit query still
 * uses the index; the case history names the three target types in its SQL for the same reason (AuditQueries).
 */
export class AuditPartialIndexes1764000000012 implements MigrationInterface {
  name = 'AuditPartialIndexes1764000000012';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX audit_events_actor`);
    await db.query(`CREATE INDEX audit_events_actor ON audit_events (actor_id, seq) WHERE actor_id IS NOT NULL`);
    await db.query(`DROP INDEX audit_events_data_case`);
    await db.query(`
      CREATE INDEX audit_events_data_case ON audit_events ((data ->> 'caseId'))
      WHERE target_type IN ('enforcement', 'notification', 'appeal')`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX audit_events_data_case`);
    await db.query(`CREATE INDEX audit_events_data_case ON audit_events ((data ->> 'caseId'))`);
    await db.query(`DROP INDEX audit_events_actor`);
    await db.query(`CREATE INDEX audit_events_actor ON audit_events (actor_id, seq)`);
  }
}
