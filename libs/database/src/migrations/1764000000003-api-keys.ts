import { MigrationInterface, QueryRunner } from 'typeorm';

/** API keys of trusted flaggers and referral units: only a SHA-256 of each key is kept, found by its prefix. */
export class ApiKeys1764000000003 implements MigrationInterface {
  name = 'ApiKeys1764000000003';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('trusted_flagger', 'referral_unit')),
        organization text NOT NULL,
        key_prefix text NOT NULL,
        key_hash text NOT NULL,
        created_by uuid REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        CONSTRAINT api_keys_key_prefix_unique UNIQUE (key_prefix)
      )`);
    // Keys are revoked, never deleted, so every keyed report keeps pointing at the key that filed it.
    await db.query(`
      ALTER TABLE reports ADD CONSTRAINT reports_api_key_fk FOREIGN KEY (api_key_id) REFERENCES api_keys (id)`);
    await db.query(`CREATE INDEX reports_api_key ON reports (api_key_id) WHERE api_key_id IS NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX reports_api_key`);
    await db.query(`ALTER TABLE reports DROP CONSTRAINT reports_api_key_fk`);
    await db.query(`DROP TABLE api_keys`);
  }
}
