import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes shaped like two hot reads of a surge (found with auto_explain during `npm run bench`):
 *
 * - triage reads a channel's waiting reports in arrival order: `reports_channel` made it visit every report the
 *   channel ever had (thousands on a brigaded channel) to find the few still waiting. `reports_waiting` holds only
 *   waiting reports, by channel and arrival, and also serves the reconciler, so `reports_untriaged` goes; nothing
 *   else looks reports up by channel (channels are never deleted), so `reports_channel` goes too. Triage and a
 *   decision's outcome rewrite every report's row, and each index costs an entry per version: one index fewer.
 * - a case's detail shows its first reports in arrival order: on a case of 4,000 reports that was a bitmap scan of
 *   all of them and a sort, now a walk of 200 entries.
 */
export class QueueIndexes1764000000010 implements MigrationInterface {
  name = 'QueueIndexes1764000000010';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX reports_waiting ON reports (channel_id, received_at, id) WHERE status = 'received'`);
    await db.query(`DROP INDEX reports_untriaged`);
    await db.query(`DROP INDEX reports_channel`);
    await db.query(`CREATE INDEX reports_case_received ON reports (case_id, received_at, id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX reports_case_received`);
    await db.query(`CREATE INDEX reports_channel ON reports (channel_id)`);
    await db.query(`CREATE INDEX reports_untriaged ON reports (received_at) WHERE status = 'received'`);
    await db.query(`DROP INDEX reports_waiting`);
  }
}
