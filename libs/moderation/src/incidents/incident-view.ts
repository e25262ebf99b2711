import type { Category, IncidentScope, Platform } from '@vigil/domain';

export type IncidentStatus = 'active' | 'closed';

/** An incident as the API shows it. */
export interface IncidentView {
  id: string;
  title: string;
  organization: string | null;
  platforms: Platform[] | null;
  categories: Category[] | null;
  boost: number;
  slaHours: number | null;
  endsAt: string | null;
  status: IncidentStatus;
  declaredBy: string | null;
  declaredAt: string;
  closedBy: string | null;
  closedAt: string | null;
}

/** An `incidents` row. */
export interface IncidentRow {
  id: string;
  title: string;
  organization: string | null;
  organisation_ids: string[] | null;
  platforms: Platform[] | null;
  categories: Category[] | null;
  boost: number;
  sla_hours: number | null;
  ends_at: Date | null;
  status: IncidentStatus;
  declared_by: string | null;
  declared_at: Date;
  closed_by: string | null;
  closed_at: Date | null;
}

export const INCIDENT_COLUMNS = `id, title, organization, organisation_ids, platforms, categories, boost, sla_hours,
  ends_at, status, declared_by, declared_at, closed_by, closed_at`;

export function incidentView(row: IncidentRow): IncidentView {
  return {
    id: row.id,
    title: row.title,
    organization: row.organization,
    platforms: row.platforms,
    categories: row.categories,
    boost: row.boost,
    slaHours: row.sla_hours,
    endsAt: row.ends_at?.toISOString() ?? null,
    status: row.status,
    declaredBy: row.declared_by,
    declaredAt: row.declared_at.toISOString(),
    closedBy: row.closed_by,
    closedAt: row.closed_at?.toISOString() ?? null,
  };
}

/** What matching reads of an incident row (`declared_at` as JSON gives it too). */
type ScopeColumns = Pick<
  IncidentRow,
  'id' | 'title' | 'boost' | 'sla_hours' | 'platforms' | 'categories' | 'organisation_ids'
> & { declared_at: Date | string };

export function incidentScope(row: ScopeColumns): IncidentScope {
  return {
    id: row.id,
    title: row.title,
    boost: row.boost,
    slaHours: row.sla_hours,
    declaredAt: new Date(row.declared_at),
    platforms: row.platforms,
    categories: row.categories,
    organisationIds: row.organisation_ids,
  };
}
