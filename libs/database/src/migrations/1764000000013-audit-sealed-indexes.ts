import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The indexes on `seq` and the audit list's filters keep entries for sealed events only. An event is inserted with
 * `seq` null and sealed about a second later by an update that writes every index entry again, so each of these
 * indexes took one entry at insert that no query reads: the audit list asks for the sealed part with
 * `seq IS NOT NULL`, and for the short unsealed tail through `audit_events_unsealed`; every other reader asks for a
 * seq. 11 → 8 index entries per `report.triaged`; on a scratch database, 100,000 of them inserted in transactions
 * of ten wrote 62–75 MB of WAL instead of 82–84 MB (docs/performance.md). Uniqueness of `seq` is unchanged (nulls
 * never collided); the constraint becomes a unique index of the same name.
 */
export class AuditSealedIndexes1764000000013 implements MigrationInterface {
  name = 'AuditSealedIndexes1764000000013';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE audit_events DROP CONSTRAINT audit_events_seq_unique`);
    await db.query(`CREATE UNIQUE INDEX audit_events_seq_unique ON audit_events (seq) WHERE seq IS NOT NULL`);
    await db.query(`DROP INDEX audit_events_action`);
    await db.query(`CREATE INDEX audit_events_action ON audit_events (action, seq) WHERE seq IS NOT NULL`);
    await db.query(`DROP INDEX audit_events_occurred_at`);
    await db.query(`CREATE INDEX audit_events_occurred_at ON audit_events (occurred_at) WHERE seq IS NOT NULL`);
    await db.query(`DROP INDEX audit_events_actor`);
    await db.query(
      `CREATE INDEX audit_events_actor ON audit_events (actor_id, seq) WHERE actor_id IS NOT NULL AND seq IS NOT NULL`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX audit_events_actor`);
    await db.query(`CREATE INDEX audit_events_actor ON audit_events (actor_id, seq) WHERE actor_id IS NOT NULL`);
    await db.query(`DROP INDEX audit_events_occurred_at`);
    await db.query(`CREATE INDEX audit_events_occurred_at ON audit_events (occurred_at)`);
    await db.query(`DROP INDEX audit_events_action`);
    await db.query(`CREATE INDEX audit_events_action ON audit_events (action, seq)`);
    await db.query(`DROP INDEX audit_events_seq_unique`);
    await db.query(`ALTER TABLE audit_events ADD CONSTRAINT audit_events_seq_unique UNIQUE (seq)`);
  }
}
