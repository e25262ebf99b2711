import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Recognising channels that come back after a takedown (API.md, "Migration intelligence").
 * - `reports.channel_title`, `previous_channel_key`, `match_keys`: what the reporter said of the channel's name and
 *   predecessor, and the lookup keys intake derives from them (`handle:…`, `title:…`, `evidence:…`; libs/domain
 *   migration-signals.ts), so that triage's one read can look candidates up without a round trip of its own.
 * - `channel_names`: every key a channel was ever seen under (all its titles, not only the first), written by
 *   triage; looked up by key (the primary key leads with it) among actioned channels.
 * - `channel_links.kind` gains `rejected`, and a pair of channels has at most one migration link, whatever its kind:
 *   a suggestion a moderator rejected is never suggested again. `reviewed_by`/`reviewed_at` say who confirmed or
 *   rejected it.
 * - `channels_actioned_recent`: the candidates are actioned channels of the last MIGRATION_WINDOW_DAYS.
 */
export class MigrationIntelligence1764000000300 implements MigrationInterface {
  name = 'MigrationIntelligence1764000000300';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE reports
         ADD COLUMN channel_title text,
         ADD COLUMN previous_channel_key text,
         ADD COLUMN match_keys text[] NOT NULL DEFAULT '{}'`,
    );
    await db.query(
      `CREATE TABLE channel_names (
         key text NOT NULL,
         channel_id uuid NOT NULL REFERENCES channels (id),
         shown text,
         first_seen_at timestamptz NOT NULL DEFAULT now(),
         PRIMARY KEY (key, channel_id)
       )`,
    );
    await db.query(`CREATE INDEX channel_names_channel ON channel_names (channel_id)`);
    await db.query(`CREATE INDEX channels_actioned_recent ON channels (actioned_at) WHERE status = 'actioned'`);
    await db.query(
      `ALTER TABLE channel_links
         DROP CONSTRAINT channel_links_kind_check,
         ADD CONSTRAINT channel_links_kind_check
           CHECK (kind IN ('suspected_migration', 'confirmed_migration', 'rejected', 'mirror')),
         ADD COLUMN reviewed_by uuid REFERENCES users (id),
         ADD COLUMN reviewed_at timestamptz`,
    );
    await db.query(
      `CREATE UNIQUE INDEX channel_links_one_migration_per_pair ON channel_links (from_channel_id, to_channel_id)
       WHERE kind IN ('suspected_migration', 'confirmed_migration', 'rejected')`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX channel_links_one_migration_per_pair`);
    await db.query(`DELETE FROM channel_links WHERE kind = 'rejected'`);
    await db.query(
      `ALTER TABLE channel_links
         DROP COLUMN reviewed_at,
         DROP COLUMN reviewed_by,
         DROP CONSTRAINT channel_links_kind_check,
         ADD CONSTRAINT channel_links_kind_check
           CHECK (kind IN ('suspected_migration', 'confirmed_migration', 'mirror'))`,
    );
    await db.query(`DROP INDEX channels_actioned_recent`);
    await db.query(`DROP TABLE channel_names`);
    await db.query(
      `ALTER TABLE reports DROP COLUMN match_keys, DROP COLUMN previous_channel_key, DROP COLUMN channel_title`,
    );
  }
}
