import type { Category, Platform } from '@vigil/domain/taxonomy';
import type { Schemas } from '../../api/queries';

/** The declaration form as typed: numbers and the end time are the inputs' own strings until sent. */
export interface IncidentDraft {
  title: string;
  organization: string;
  platforms: Platform[];
  categories: Category[];
  boost: string;
  slaHours: string;
  /** A `datetime-local` value: the person's own clock, no offset. */
  endsAt: string;
}

export const EMPTY_INCIDENT: IncidentDraft = {
  title: '',
  organization: '',
  platforms: [],
  categories: [],
  boost: '10',
  slaHours: '',
  endsAt: '',
};

export const INCIDENT_FIELDS = [
  'title',
  'organization',
  'platforms',
  'categories',
  'boost',
  'slaHours',
  'endsAt',
] as const;

/**
 * The body to send. What was left empty is left out (no organisation, platform or category: the incident matches
 * every one), and the end time becomes an instant. Nothing is checked here: the server's messages go next to the
 * fields, so a boost out of range or an end in the past is sent as typed.
 */
export function incidentBody(draft: IncidentDraft): Schemas['DeclareIncidentDto'] {
  const organization = draft.organization.trim();
  const endsAt = draft.endsAt ? new Date(draft.endsAt) : null;
  return {
    title: draft.title,
    boost: Number(draft.boost),
    ...(organization ? { organization } : {}),
    ...(draft.platforms.length ? { platforms: draft.platforms } : {}),
    ...(draft.categories.length ? { categories: draft.categories } : {}),
    ...(draft.slaHours.trim() ? { slaHours: Number(draft.slaHours) } : {}),
    // An unreadable time goes as typed, for the server to name.
    ...(endsAt ? { endsAt: Number.isNaN(endsAt.getTime()) ? draft.endsAt : endsAt.toISOString() } : {}),
  };
}
