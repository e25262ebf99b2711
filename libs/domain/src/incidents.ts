// Incidents (API.md "Incidents"): an operator declares that a crisis is under way, and every unresolved case it
// concerns rises by the incident's boost, with an SLA no later than the incident's. Which cases an incident concerns,
// and which incident a case carries when several do, is decided here and nowhere else.
import type { IncidentBoost } from './priority';
import type { Category, Platform } from './taxonomy';

/** What an incident concerns; a null list matches everything. */
export interface IncidentScope {
  id: string;
  title: string;
  boost: number;
  /** Hours from the later of the case's first report and the declaration; null: no SLA of its own. */
  slaHours: number | null;
  declaredAt: Date;
  platforms: readonly Platform[] | null;
  categories: readonly Category[] | null;
  /** Designated organisations (libs/domain organisations.ts ids) its `organization` names. */
  organisationIds: readonly string[] | null;
}

/** Of a case, what incident matching reads. */
export interface IncidentSubject {
  platform: Platform;
  categories: readonly Category[];
  organisationIds: readonly string[];
}

export function incidentMatches(incident: IncidentScope, subject: IncidentSubject): boolean {
  const overlaps = <T>(wanted: readonly T[] | null, have: readonly T[]) =>
    wanted === null || wanted.some((value) => have.includes(value));
  return (
    overlaps(incident.platforms, [subject.platform]) &&
    overlaps(incident.categories, subject.categories) &&
    overlaps(incident.organisationIds, subject.organisationIds)
  );
}

/** The incident a case carries: of those that match, the largest boost, then the earliest declared. */
export function strongestIncident<I extends IncidentScope>(
  incidents: readonly I[],
  subject: IncidentSubject,
): I | null {
  let best: I | null = null;
  for (const incident of incidents) {
    if (!incidentMatches(incident, subject)) continue;
    if (
      !best ||
      incident.boost > best.boost ||
      (incident.boost === best.boost && incident.declaredAt.getTime() < best.declaredAt.getTime())
    ) {
      best = incident;
    }
  }
  return best;
}

export function incidentBoostOf(incident: IncidentScope | null): IncidentBoost | null {
  return incident ? { title: incident.title, boost: incident.boost } : null;
}

/** An SLA clock: its window's start and its deadline. */
export interface SlaClock {
  startedAt: Date;
  dueAt: Date;
}

/**
 * The incident's own clock for a case first reported at `caseStartedAt`: from the later of that and the declaration
 * (a case older than the incident is not overdue at once), `slaHours` long. Null when the incident sets no SLA.
 */
export function incidentClock(incident: IncidentScope | null, caseStartedAt: Date): SlaClock | null {
  if (!incident || incident.slaHours === null) return null;
  const startedAt = new Date(Math.max(caseStartedAt.getTime(), incident.declaredAt.getTime()));
  return { startedAt, dueAt: new Date(startedAt.getTime() + incident.slaHours * 3_600_000) };
}

/** Of two clocks, the one due first (the first on a tie): a case's deadline only ever comes forward. */
export function earliestClock(current: SlaClock, other: SlaClock | null): SlaClock {
  return other && other.dueAt.getTime() < current.dueAt.getTime() ? other : current;
}
