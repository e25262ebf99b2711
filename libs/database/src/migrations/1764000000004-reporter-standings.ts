import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reporter reputation (DSA Art. 23): one row per reporter (`reports.reporter_ref`: a keyed hash of the contact, the
 * API key or the client address) with its record of decided and dismissed cases, its warning and its suspension.
 */
export class ReporterStandings1764000000004 implements MigrationInterface {
  name = 'ReporterStandings1764000000004';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE reporter_standings (
        reporter_ref text PRIMARY KEY,
        pseudonym text NOT NULL,
        decided_cases integer NOT NULL DEFAULT 0 CHECK (decided_cases >= 0),
        dismissed_cases integer NOT NULL DEFAULT 0 CHECK (dismissed_cases >= 0 AND dismissed_cases <= decided_cases),
        warned_at timestamptz,
        dismissed_at_last_step integer NOT NULL DEFAULT 0,
        suspended_until timestamptz,
        suspensions integer NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX reporter_standings_pseudonym ON reporter_standings (pseudonym)`);
    // Admins look a reporter up by pseudonym, also one with no decided case yet.
    await db.query(`CREATE INDEX reports_reporter_pseudonym ON reports (reporter_pseudonym)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX reports_reporter_pseudonym`);
    await db.query(`DROP TABLE reporter_standings`);
  }
}
