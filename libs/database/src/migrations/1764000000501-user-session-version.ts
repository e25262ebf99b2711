import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A staff user's session version: every access token and board session carries the version it was issued at, and
 * the Authenticator refuses one whose version is no longer the user's. A password reset or a disable moves it on, so
 * the tokens already issued stop working at once instead of at their expiry (JWT_TTL_SECONDS). Tokens issued before
 * this migration carry none, which counts as 0.
 */
export class UserSessionVersion1764000000501 implements MigrationInterface {
  name = 'UserSessionVersion1764000000501';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE users ADD COLUMN session_version integer NOT NULL DEFAULT 0`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE users DROP COLUMN session_version`);
  }
}
