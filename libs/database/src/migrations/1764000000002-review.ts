import { MigrationInterface, QueryRunner } from 'typeorm';

/** Review and its consequences: decisions, enforcement and notification outboxes, appeals, channel links. */
export class Review1764000000002 implements MigrationInterface {
  name = 'Review1764000000002';

  async up(db: QueryRunner): Promise<void> {
    // Set when a case is escalated: releasing it later returns it to the seniors' queue, not the open one.
    await db.query(`ALTER TABLE cases ADD COLUMN escalated boolean NOT NULL DEFAULT false`);
    await db.query(`CREATE INDEX cases_leases ON cases (lease_expires_at) WHERE status = 'in_review'`);

    await db.query(`
      CREATE TABLE decisions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_id uuid NOT NULL REFERENCES cases (id),
        action text NOT NULL CHECK (action IN ('takedown', 'restrict', 'no_violation', 'escalate')),
        policy text NOT NULL,
        reason text NOT NULL,
        legal_ground text,
        decided_by uuid NOT NULL REFERENCES users (id),
        bulk boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX decisions_case ON decisions (case_id, created_at)`);

    await db.query(`
      CREATE TABLE appeals (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        decision_id uuid NOT NULL REFERENCES decisions (id),
        case_id uuid NOT NULL REFERENCES cases (id),
        appellant text NOT NULL CHECK (appellant IN ('reporter', 'owner')),
        report_id uuid REFERENCES reports (id),
        party text NOT NULL,
        reason text NOT NULL,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'upheld', 'reversed')),
        resolved_by uuid REFERENCES users (id),
        resolution_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        resolved_at timestamptz
      )`);
    // One open appeal per decision and party (the owner, or one reporter's report).
    await db.query(`CREATE UNIQUE INDEX appeals_one_open_per_party ON appeals (decision_id, party) WHERE status = 'open'`);
    await db.query(`CREATE INDEX appeals_status ON appeals (status, created_at)`);

    await db.query(`
      CREATE TABLE enforcements (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        decision_id uuid NOT NULL REFERENCES decisions (id),
        appeal_id uuid REFERENCES appeals (id),
        case_id uuid NOT NULL REFERENCES cases (id),
        channel_id uuid NOT NULL REFERENCES channels (id),
        type text NOT NULL CHECK (type IN ('takedown', 'restrict', 'restore')),
        delivery_id uuid NOT NULL DEFAULT gen_random_uuid(),
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed', 'manual')),
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz
      )`);
    await db.query(`CREATE INDEX enforcements_decision ON enforcements (decision_id)`);
    await db.query(`CREATE INDEX enforcements_status ON enforcements (status, created_at)`);

    await db.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL CHECK (kind IN ('reporter_outcome', 'owner_notice', 'appeal_outcome')),
        decision_id uuid NOT NULL REFERENCES decisions (id),
        case_id uuid NOT NULL REFERENCES cases (id),
        report_id uuid REFERENCES reports (id),
        appeal_id uuid REFERENCES appeals (id),
        delivery_id uuid NOT NULL DEFAULT gen_random_uuid(),
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'undeliverable')),
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz
      )`);
    await db.query(`CREATE INDEX notifications_decision ON notifications (decision_id)`);

    await db.query(`
      CREATE TABLE channel_links (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        from_channel_id uuid NOT NULL REFERENCES channels (id),
        to_channel_id uuid NOT NULL REFERENCES channels (id),
        kind text NOT NULL CHECK (kind IN ('suspected_migration', 'confirmed_migration', 'mirror')),
        score real,
        evidence jsonb NOT NULL DEFAULT '{}',
        created_by uuid REFERENCES users (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (from_channel_id <> to_channel_id),
        CONSTRAINT channel_links_unique UNIQUE (from_channel_id, to_channel_id, kind)
      )`);
    await db.query(`CREATE INDEX channel_links_to ON channel_links (to_channel_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE channel_links`);
    await db.query(`DROP TABLE notifications`);
    await db.query(`DROP TABLE enforcements`);
    await db.query(`DROP TABLE appeals`);
    await db.query(`DROP TABLE decisions`);
    await db.query(`DROP INDEX cases_leases`);
    await db.query(`ALTER TABLE cases DROP COLUMN escalated`);
  }
}
