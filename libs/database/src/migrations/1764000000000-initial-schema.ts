import { MigrationInterface, QueryRunner } from 'typeorm';

/** The spine's tables: channels, reports, cases, users and the append-only audit_events. */
export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE channels (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        platform text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('channel', 'group', 'bot', 'account', 'invite')),
        canonical_key text NOT NULL,
        handle text,
        title text,
        url text NOT NULL,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'actioned', 'restored')),
        actioned_at timestamptz,
        fingerprints jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT channels_canonical_key_unique UNIQUE (canonical_key)
      )`);

    await db.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL CHECK (email = lower(email)),
        password_hash text NOT NULL,
        display_name text NOT NULL,
        roles text[] NOT NULL,
        languages text[] NOT NULL DEFAULT '{}',
        disabled boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT users_email_unique UNIQUE (email)
      )`);

    await db.query(`
      CREATE TABLE cases (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        channel_id uuid NOT NULL REFERENCES channels (id),
        status text NOT NULL DEFAULT 'open'
          CHECK (status IN ('open', 'in_review', 'escalated', 'decided', 'closed', 'appealed')),
        priority integer NOT NULL DEFAULT 0,
        priority_breakdown jsonb NOT NULL DEFAULT '[]',
        organisation_matches jsonb NOT NULL DEFAULT '[]',
        top_category text NOT NULL,
        sla_due_at timestamptz NOT NULL,
        report_count integer NOT NULL DEFAULT 0,
        distinct_reporters integer NOT NULL DEFAULT 0,
        assignee_id uuid REFERENCES users (id),
        lease_expires_at timestamptz,
        previous_case_id uuid REFERENCES cases (id),
        version integer NOT NULL DEFAULT 1,
        opened_at timestamptz NOT NULL DEFAULT now(),
        decided_at timestamptz,
        closed_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // At most one case per channel that still waits for a decision: every report on the channel folds into it.
    await db.query(`
      CREATE UNIQUE INDEX cases_one_unresolved_per_channel
        ON cases (channel_id) WHERE status IN ('open', 'in_review', 'escalated')`);
    // The review queue: claimable cases, highest priority first, then the earliest deadline.
    await db.query(`
      CREATE INDEX cases_review_queue
        ON cases (priority DESC, sla_due_at ASC, id) WHERE status IN ('open', 'escalated')`);
    await db.query(`CREATE INDEX cases_list_order ON cases (priority DESC, sla_due_at ASC, id)`);
    await db.query(`CREATE INDEX cases_channel ON cases (channel_id)`);

    await db.query(`
      CREATE TABLE reports (
        id uuid PRIMARY KEY,
        channel_id uuid NOT NULL REFERENCES channels (id),
        case_id uuid REFERENCES cases (id),
        source text NOT NULL CHECK (source IN ('public', 'trusted_flagger', 'referral_unit')),
        api_key_id uuid,
        reporter_ref text NOT NULL,
        reporter_pseudonym text NOT NULL,
        reporter_contact text,
        channel_input text NOT NULL,
        post_id text,
        category text NOT NULL,
        organization text,
        description text NOT NULL,
        evidence_urls jsonb NOT NULL DEFAULT '[]',
        language text,
        language_detected boolean NOT NULL DEFAULT false,
        subscribers integer CHECK (subscribers >= 0),
        removal_order boolean NOT NULL DEFAULT false,
        status text NOT NULL DEFAULT 'received'
          CHECK (status IN ('received', 'triaged', 'action_taken', 'no_action')),
        idempotency_scope text,
        idempotency_key text,
        request_hash text,
        tracking_token_hash text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        triaged_at timestamptz,
        decided_at timestamptz,
        CHECK ((idempotency_key IS NULL) = (idempotency_scope IS NULL))
      )`);
    await db.query(`
      CREATE UNIQUE INDEX reports_idempotency
        ON reports (idempotency_scope, idempotency_key) WHERE idempotency_key IS NOT NULL`);
    await db.query(`CREATE INDEX reports_case ON reports (case_id)`);
    await db.query(`CREATE INDEX reports_channel ON reports (channel_id)`);
    // The reconciler's scan: reports acknowledged but not yet triaged.
    await db.query(`CREATE INDEX reports_untriaged ON reports (received_at) WHERE status = 'received'`);

    await db.query(`
      CREATE TABLE audit_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        actor_id text,
        actor_role text NOT NULL,
        action text NOT NULL CHECK (action ~ '^[a-z_]+\\.[a-z_]+$'),
        target_type text NOT NULL,
        target_id text NOT NULL,
        data jsonb NOT NULL DEFAULT '{}',
        request_id text,
        seq bigint,
        prev_hash text,
        hash text,
        sealed_at timestamptz,
        CONSTRAINT audit_events_seq_unique UNIQUE (seq)
      )`);
    await db.query(`CREATE INDEX audit_events_target ON audit_events (target_type, target_id)`);
    await db.query(`CREATE INDEX audit_events_unsealed ON audit_events (occurred_at, id) WHERE seq IS NULL`);

    // Append-only: no DELETE, no TRUNCATE, and no UPDATE except sealing an unsealed row once (DESIGN §6).
    await db.query(`
      CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' THEN
          IF OLD.seq IS NULL AND NEW.seq IS NOT NULL AND NEW.hash IS NOT NULL AND NEW.sealed_at IS NOT NULL
             AND NEW.id = OLD.id AND NEW.occurred_at = OLD.occurred_at
             AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id AND NEW.actor_role = OLD.actor_role
             AND NEW.action = OLD.action AND NEW.target_type = OLD.target_type AND NEW.target_id = OLD.target_id
             AND NEW.data = OLD.data AND NEW.request_id IS NOT DISTINCT FROM OLD.request_id THEN
            RETURN NEW;
          END IF;
          RAISE EXCEPTION 'audit_events is append-only: only an unsealed row may be sealed, once';
        END IF;
        RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP;
      END $$`);
    await db.query(`
      CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events
        FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`);
    await db.query(`
      CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
        FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE audit_events`);
    await db.query(`DROP FUNCTION audit_events_append_only`);
    await db.query(`DROP TABLE reports`);
    await db.query(`DROP TABLE cases`);
    await db.query(`DROP TABLE users`);
    await db.query(`DROP TABLE channels`);
  }
}
