import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SLA clocks and incidents (API.md, "SLA clocks", "Incidents").
 * - `cases.sla_started_at`: where the case's SLA window starts (the receipt of the report that set its deadline, or
 *   the moment a removal order's or an incident's clock was put on it); `sla_state` (`ok`, `at_risk`, `breached`); and
 *   `sla_next_check_at`, when the clock next changes state, indexed among unresolved cases so that the worker finds
 *   the cases due without a scan. Existing cases start their window at their opening.
 * - `incidents`, `cases.incident_id` (the active incident whose boost the case carries) and `incident_cases` (every
 *   case an incident boosted, for its figures).
 */
export class SlaClocksAndIncidents1764000000301 implements MigrationInterface {
  name = 'SlaClocksAndIncidents1764000000301';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE cases
         ADD COLUMN sla_started_at timestamptz,
         ADD COLUMN sla_state text NOT NULL DEFAULT 'ok' CHECK (sla_state IN ('ok', 'at_risk', 'breached')),
         ADD COLUMN sla_next_check_at timestamptz`,
    );
    await db.query(
      `UPDATE cases SET sla_started_at = opened_at,
         sla_next_check_at = CASE WHEN status IN ('open', 'in_review', 'escalated')
           THEN sla_due_at - greatest(interval '0', sla_due_at - opened_at) * 0.25 END`,
    );
    await db.query(
      `CREATE INDEX cases_sla_next_check ON cases (sla_next_check_at)
       WHERE sla_next_check_at IS NOT NULL AND status IN ('open', 'in_review', 'escalated')`,
    );
    await db.query(
      `CREATE TABLE incidents (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         title text NOT NULL,
         organization text,
         organisation_ids text[],
         platforms text[],
         categories text[],
         boost integer NOT NULL CHECK (boost BETWEEN 1 AND 50),
         sla_hours real CHECK (sla_hours >= 0.25),
         ends_at timestamptz,
         status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
         declared_by uuid REFERENCES users (id),
         declared_at timestamptz NOT NULL DEFAULT now(),
         closed_by uuid REFERENCES users (id),
         closed_at timestamptz
       )`,
    );
    await db.query(`CREATE INDEX incidents_active ON incidents (declared_at) WHERE status = 'active'`);
    await db.query(`ALTER TABLE cases ADD COLUMN incident_id uuid REFERENCES incidents (id)`);
    await db.query(`CREATE INDEX cases_incident ON cases (incident_id) WHERE incident_id IS NOT NULL`);
    // Every case an incident ever boosted, for its figures after the boost has left the case.
    await db.query(
      `CREATE TABLE incident_cases (
         incident_id uuid NOT NULL REFERENCES incidents (id),
         case_id uuid NOT NULL REFERENCES cases (id),
         PRIMARY KEY (incident_id, case_id)
       )`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE incident_cases`);
    await db.query(`DROP INDEX cases_incident`);
    await db.query(`ALTER TABLE cases DROP COLUMN incident_id`);
    await db.query(`DROP TABLE incidents`);
    await db.query(`DROP INDEX cases_sla_next_check`);
    await db.query(
      `ALTER TABLE cases DROP COLUMN sla_next_check_at, DROP COLUMN sla_state, DROP COLUMN sla_started_at`,
    );
  }
}
