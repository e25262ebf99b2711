import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActionContext, AuditService } from '@vigil/audit';
import {
  Category,
  earliestClock,
  incidentClock,
  incidentFactor,
  IncidentScope,
  Platform,
  PriorityFactor,
  slaNextCheckAt,
  SlaState,
  strongestIncident,
  withFactor,
} from '@vigil/domain';
import { DataSource, EntityManager } from 'typeorm';
import { UNRESOLVED_STATUS } from '../shared';
import { INCIDENT_COLUMNS, IncidentRow, incidentScope } from './incident-view';

/** Cases re-scored per transaction: a big incident's thousands of cases never sit in one long transaction. */
const SLICE = 200;

interface CaseMatchRow {
  id: string;
  incident_id: string | null;
  platform: Platform;
  categories: Category[];
  organisation_ids: string[];
}

interface CaseClockRow {
  id: string;
  incident_id: string | null;
  priority_breakdown: PriorityFactor[];
  sla_due_at: Date;
  sla_started_at: Date | null;
  sla_state: SlaState;
  opened_at: Date;
  platform: Platform;
  categories: Category[];
  organisation_ids: string[];
}

const MATCH_COLUMNS = `c.id, c.incident_id, ch.platform, c.categories,
  array(SELECT m ->> 'id' FROM jsonb_array_elements(c.organisation_matches) m) AS organisation_ids`;

/**
 * Keeps every unresolved case's incident in line with the active incidents (API.md "Incidents"): closes incidents
 * past their `endsAt` (audited `incident.closed`), gives each case the `incident` factor of the strongest incident it
 * matches (or takes it away) with the incident's SLA when that is sooner, in slices of SLICE cases per transaction,
 * each case audited `case.incident_changed`. Run right after a declaration or a closing, and on a schedule.
 * Triage applies the same rule to the cases it opens or updates.
 */
@Injectable()
export class IncidentClocks {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
  ) {}

  async execute(ctx: ActionContext): Promise<{ closed: number; changed: number }> {
    const closed = await this.closeLapsed(ctx);
    const incidents = (
      (await this.db.query(`SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE status = 'active'`)) as IncidentRow[]
    ).map(incidentScope);
    // Without an active incident, only the cases still carrying one need looking at (an index, not a scan).
    const cases: CaseMatchRow[] = await this.db.query(
      `SELECT ${MATCH_COLUMNS} FROM cases c JOIN channels ch ON ch.id = c.channel_id
       WHERE c.${UNRESOLVED_STATUS} ${incidents.length === 0 ? 'AND c.incident_id IS NOT NULL' : ''}`,
    );
    const stale = cases.filter((c) => (strongestIncident(incidents, subjectOf(c))?.id ?? null) !== c.incident_id);
    let changed = 0;
    for (let i = 0; i < stale.length; i += SLICE) {
      const ids = stale.slice(i, i + SLICE).map((c) => c.id);
      changed += await this.db.transaction((manager) => this.rescore(manager, ids, incidents, ctx));
    }
    return { closed, changed };
  }

  private async closeLapsed(ctx: ActionContext): Promise<number> {
    return this.db.transaction(async (manager) => {
      // An UPDATE's answer through TypeORM is [rows, count].
      const [lapsed]: [{ id: string; ends_at: Date }[], number] = await manager.query(
        `UPDATE incidents SET status = 'closed', closed_at = now()
         WHERE status = 'active' AND ends_at <= now() RETURNING id, ends_at`,
      );
      for (const incident of lapsed) {
        await this.audit.record(manager, ctx, {
          action: 'incident.closed',
          target: { type: 'incident', id: incident.id },
          data: { reason: 'ended', endsAt: incident.ends_at.toISOString() },
        });
      }
      return lapsed.length;
    });
  }

  /** Re-reads the cases under lock (one a claim or a decision holds is left for the next run) and re-scores them. */
  private async rescore(
    manager: EntityManager,
    ids: string[],
    incidents: IncidentScope[],
    ctx: ActionContext,
  ): Promise<number> {
    const rows: CaseClockRow[] = await manager.query(
      `SELECT ${MATCH_COLUMNS}, c.priority_breakdown, c.sla_due_at, c.sla_started_at, c.sla_state, c.opened_at
       FROM cases c JOIN channels ch ON ch.id = c.channel_id
       WHERE c.id = ANY($1) AND c.${UNRESOLVED_STATUS}
       FOR NO KEY UPDATE OF c SKIP LOCKED`,
      [ids],
    );
    let changed = 0;
    for (const row of rows) {
      const incident = strongestIncident(incidents, subjectOf(row));
      if ((incident?.id ?? null) === row.incident_id) continue;
      const { priority, breakdown } = withFactor(
        row.priority_breakdown,
        'incident',
        incident ? incidentFactor(incident) : null,
      );
      const current = { startedAt: row.sla_started_at ?? row.opened_at, dueAt: row.sla_due_at };
      const clock = earliestClock(current, incidentClock(incident, row.opened_at));
      const next = slaNextCheckAt(row.sla_state, clock.startedAt, clock.dueAt);
      await manager.query(
        `UPDATE cases SET incident_id = $2, priority = $3, priority_breakdown = $4::jsonb, sla_due_at = $5,
           sla_started_at = $6, sla_next_check_at = $7, version = version + 1, updated_at = now()
         WHERE id = $1`,
        [row.id, incident?.id ?? null, priority, JSON.stringify(breakdown), clock.dueAt, clock.startedAt, next],
      );
      if (incident) {
        await manager.query(`INSERT INTO incident_cases (incident_id, case_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
          incident.id,
          row.id,
        ]);
      }
      await this.audit.record(manager, ctx, {
        action: 'case.incident_changed',
        target: { type: 'case', id: row.id },
        data: {
          incidentId: incident?.id ?? null,
          previousIncidentId: row.incident_id,
          priority,
          slaDueAt: clock.dueAt.toISOString(),
        },
      });
      changed += 1;
    }
    return changed;
  }
}

function subjectOf(row: CaseMatchRow) {
  return { platform: row.platform, categories: row.categories, organisationIds: row.organisation_ids };
}
