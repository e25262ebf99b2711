import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor, isCursorTime, isCursorUuid, Page } from '../shared';
import { IncidentRow, IncidentStatus, IncidentView, incidentView } from './incident-view';

/** Live figures of an incident: over every case it boosted, while it lasted or since. */
export interface IncidentFigures {
  /** Reports of those cases. */
  reports: number;
  cases: number;
  /** Those cases decided (takedown, restrict or no violation). */
  decided: number;
  /** From each decided case's opening to its decision, nearest-rank median, whole seconds; null when none. */
  medianSecondsToDecision: number | null;
}

export type IncidentWithFigures = IncidentView & IncidentFigures;

type IncidentCursor = [string, string];
const isIncidentCursor = (k: unknown[]): k is IncidentCursor =>
  k.length === 2 && isCursorTime(k[0]) && isCursorUuid(k[1]);

/** Incidents, newest first, each with its live figures beside its fields (`GET /v1/incidents`). */
@Injectable()
export class IncidentQueries {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async page(input: { status?: IncidentStatus; limit: number; cursor?: string }): Promise<Page<IncidentWithFigures>> {
    const params: unknown[] = [];
    const p = (value: unknown) => `$${params.push(value)}`;
    const where: string[] = [];
    if (input.status) where.push(`i.status = ${p(input.status)}`);
    if (input.cursor) {
      const [at, id] = decodeCursor<IncidentCursor>(input.cursor, isIncidentCursor);
      where.push(`(date_trunc('milliseconds', i.declared_at), i.id) < (${p(new Date(at))}::timestamptz, ${p(id)}::uuid)`);
    }
    const rows: (IncidentRow & { figures: IncidentFigures })[] = await this.db.query(
      `SELECT i.*,
         (SELECT json_build_object(
            'reports', (SELECT count(*)::int FROM reports r WHERE r.case_id IN (SELECT case_id FROM incident_cases x
                         WHERE x.incident_id = i.id)),
            'cases', count(*)::int,
            'decided', count(c.decided_at)::int,
            'medianSecondsToDecision', round(percentile_disc(0.5) WITHIN GROUP (
               ORDER BY extract(epoch FROM c.decided_at - c.opened_at)) FILTER (WHERE c.decided_at IS NOT NULL)))
          FROM incident_cases ic JOIN cases c ON c.id = ic.case_id WHERE ic.incident_id = i.id) AS figures
       FROM incidents i
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY date_trunc('milliseconds', i.declared_at) DESC, i.id DESC
       LIMIT ${p(input.limit + 1)}`,
      params,
    );
    const items = rows.slice(0, input.limit).map((row) => ({ ...incidentView(row), ...row.figures }));
    const last = rows.length > input.limit ? items[items.length - 1] : null;
    return { items, nextCursor: last ? encodeCursor([last.declaredAt, last.id]) : null };
  }
}
