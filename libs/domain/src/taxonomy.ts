// The closed vocabularies of API.md's "Enums". Every other lib imports them from here, so a value is spelt once.

export const PLATFORMS = [
  'telegram',
  'tamtam',
  'vk',
  'whatsapp',
  'x',
  'facebook',
  'instagram',
  'youtube',
  'tiktok',
  'discord',
  'matrix',
  'other',
] as const;
export type Platform = (typeof PLATFORMS)[number];

/** Most to least severe: the order is used by scoring and by `topCategory`. */
export const CATEGORIES = [
  'threat_to_life',
  'attack_claim',
  'recruitment',
  'financing',
  'instructional',
  'propaganda',
  'glorification',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const SOURCES = ['public', 'trusted_flagger', 'referral_unit'] as const;
export type Source = (typeof SOURCES)[number];

export const STAFF_ROLES = ['moderator', 'senior_moderator', 'admin', 'auditor'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export const API_KEY_ROLES = ['trusted_flagger', 'referral_unit'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

export const ROLES = [...STAFF_ROLES, ...API_KEY_ROLES] as const;
export type Role = (typeof ROLES)[number];

/** Who an audit event names as its actor: a role, or `system` for jobs and `public` for anonymous reporters. */
export type ActorRole = Role | 'system' | 'public';

export const CASE_STATUSES = ['open', 'in_review', 'escalated', 'decided', 'closed', 'appealed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** Cases still waiting for a decision. At most one per channel (a partial unique index enforces it). */
export const UNRESOLVED_CASE_STATUSES = ['open', 'in_review', 'escalated'] as const satisfies readonly CaseStatus[];

export const DECISION_ACTIONS = ['takedown', 'restrict', 'no_violation', 'escalate'] as const;
export type DecisionAction = (typeof DECISION_ACTIONS)[number];

/** What a reporter sees of their report. */
export const REPORT_STATUSES = ['received', 'in_review', 'action_taken', 'no_action'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

export const CHANNEL_KINDS = ['channel', 'group', 'bot', 'account', 'invite'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export const CHANNEL_STATUSES = ['active', 'actioned', 'restored'] as const;
export type ChannelStatus = (typeof CHANNEL_STATUSES)[number];

export function isOneOf<T extends string>(values: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (values as readonly string[]).includes(value);
}
