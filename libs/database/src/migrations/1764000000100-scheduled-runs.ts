import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `scheduled_runs`: when each kind of scheduled work (sealing, reconciling, lease expiry, …) last finished a run, by
 * any worker. Its schedule lives in Redis, which may lose it; this row does not, so the worker's readiness can tell
 * that work has stopped (ScheduledRuns, WorkerHealth). One row per schedule, overwritten: no history to grow.
 */
export class ScheduledRuns1764000000100 implements MigrationInterface {
  name = 'ScheduledRuns1764000000100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE TABLE scheduled_runs (
         name text PRIMARY KEY,
         last_run_at timestamptz NOT NULL
       )`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE scheduled_runs`);
  }
}
