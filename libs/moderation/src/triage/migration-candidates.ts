// Triage's part of "Migration intelligence" (API.md): the actioned channels a reported channel may succeed, looked up
// inside triage's own read (no round trip of its own), and the links it suggests, written inside triage's own write.
import type { ActionContext, AuditService } from '@vigil/audit';
import {
  assessMigration,
  LinkedActionedChannel,
  strongestLinkedChannel,
  MIGRATION_TIMING_DAYS,
  MigrationReason,
  OrganisationMatch,
  similarHandles,
  signalOfKey,
  titleKey,
} from '@vigil/domain';
import { randomUUID } from 'node:crypto';

/** A channel's migration links that count: to an actioned channel, not rejected. */
const LIVE_MIGRATION_KINDS = `('suspected_migration', 'confirmed_migration')`;
/** Every kind of migration link: a pair that has one (a rejected one included) is never suggested again. */
const MIGRATION_KINDS = `('suspected_migration', 'confirmed_migration', 'rejected')`;
/** At most this many candidates per read: a channel rarely succeeds more than one or two. */
const MAX_CANDIDATES = 20;

/** An actioned channel that shares a lookup key with the reported one (or that a report names as its predecessor). */
export interface MigrationCandidate {
  id: string;
  key: string;
  handle: string | null;
  actioned_at: string;
  /** The lookup keys both channels have, and `channel:<key>` when a report names this one as its predecessor. */
  shared: string[];
  /** Designated organisations of its last case. */
  organisation_ids: string[] | null;
}

/** What triage's read gives about migrations: see `MIGRATION_COLUMNS`. */
export interface MigrationColumns {
  migration_candidates: MigrationCandidate[];
  migration_links: { key: string; score: number; confirmed: boolean }[];
  channel_names: string[];
  channel_handle: string | null;
  channel_first_reported_at: string;
}

/**
 * Select-list columns over the `waiting` CTE (the channel's waiting reports, with `match_keys` and
 * `previous_channel_key`) and the `:channelId` and `:migrationWindowDays` parameters. The lookups go through
 * `channel_names`' primary key (key first) and `channels`' canonical key, then keep the actioned channels of the
 * window that have no migration link from this channel yet.
 */
export const MIGRATION_COLUMNS = `
  (SELECT coalesce(json_agg(candidate), '[]'::json) FROM (
     SELECT ch.id, ch.canonical_key AS key, ch.handle, ch.actioned_at, array_agg(DISTINCT hit.key) AS shared,
       (SELECT array(SELECT jsonb_array_elements(last.organisation_matches) ->> 'id')
          FROM cases last WHERE last.channel_id = ch.id ORDER BY last.opened_at DESC LIMIT 1) AS organisation_ids
     FROM (
       SELECT n.channel_id, n.key
       FROM channel_names n
       WHERE n.key IN (SELECT unnest(w.match_keys) FROM waiting w
                       UNION SELECT own.key FROM channel_names own WHERE own.channel_id = :channelId)
       UNION ALL
       SELECT p.id, 'channel:' || p.canonical_key FROM channels p
       WHERE p.canonical_key IN (SELECT w.previous_channel_key FROM waiting w)
     ) hit
     JOIN channels ch ON ch.id = hit.channel_id
     WHERE ch.id <> :channelId AND ch.status = 'actioned'
       AND ch.actioned_at > now() - CAST(:migrationWindowDays AS float8) * interval '1 day'
       AND NOT EXISTS (SELECT 1 FROM channel_links l WHERE l.from_channel_id = :channelId AND l.to_channel_id = ch.id
                       AND l.kind IN ${MIGRATION_KINDS})
     GROUP BY ch.id
     ORDER BY count(*) DESC, ch.actioned_at DESC
     LIMIT ${MAX_CANDIDATES}
   ) candidate) AS migration_candidates,
  (SELECT coalesce(json_agg(json_build_object('key', ch.canonical_key, 'score', l.score,
            'confirmed', l.kind = 'confirmed_migration')), '[]'::json)
     FROM channel_links l JOIN channels ch ON ch.id = l.to_channel_id
     WHERE l.from_channel_id = :channelId AND l.kind IN ${LIVE_MIGRATION_KINDS} AND ch.status = 'actioned')
    AS migration_links,
  array(SELECT own.key FROM channel_names own WHERE own.channel_id = :channelId) AS channel_names,
  (SELECT me.handle FROM channels me WHERE me.id = :channelId) AS channel_handle,
  (SELECT me.created_at FROM channels me WHERE me.id = :channelId) AS channel_first_reported_at`;

/** Of a waiting report, what the migration search needs. */
export interface ReportNames {
  channelTitle: string | null;
  matchKeys: string[];
}

export interface SuggestedLink {
  id: string;
  toChannelId: string;
  toKey: string;
  score: number;
  reasons: MigrationReason[];
}

export interface MigrationFindings {
  /** The channel's lookup keys not stored yet, with the title each title key was seen as. */
  newNames: { key: string; shown: string | null }[];
  suggested: SuggestedLink[];
  /** The strongest link of the channel after this triage, for the `linked_actioned_channel` factor. */
  strongest: LinkedActionedChannel | null;
}

/** The signals each candidate shows, which of them to suggest, and the names to store. */
export function assessCandidates(
  read: MigrationColumns,
  reports: readonly ReportNames[],
  organisationMatches: readonly OrganisationMatch[],
): MigrationFindings {
  const known = new Set(read.channel_names);
  const titles = new Map<string, string>();
  for (const r of reports) {
    const key = r.channelTitle ? titleKey(r.channelTitle) : null;
    if (key && r.channelTitle) titles.set(`title:${key}`, r.channelTitle);
  }
  const newNames = [...new Set(reports.flatMap((r) => r.matchKeys))]
    .filter((key) => !known.has(key))
    .sort()
    .map((key) => ({ key, shown: titles.get(key) ?? null }));

  const organisations = new Set(organisationMatches.map((m) => m.id));
  const firstReported = new Date(read.channel_first_reported_at);
  const suggested: SuggestedLink[] = [];
  for (const candidate of read.migration_candidates) {
    const assessment = assessMigration(reasonsFor(candidate, read.channel_handle, organisations, firstReported));
    if (!assessment.suggest) continue;
    suggested.push({
      id: randomUUID(),
      toChannelId: candidate.id,
      toKey: candidate.key,
      score: assessment.score,
      reasons: assessment.reasons,
    });
  }

  const strongest = strongestLinkedChannel([
    ...read.migration_links,
    ...suggested.map((s) => ({ key: s.toKey, score: s.score, confirmed: false })),
  ]);
  return { newNames, suggested, strongest };
}

function reasonsFor(
  candidate: MigrationCandidate,
  handle: string | null,
  organisations: ReadonlySet<string>,
  firstReported: Date,
): MigrationReason[] {
  const reasons: MigrationReason[] = [];
  for (const shared of candidate.shared) {
    if (shared.startsWith('channel:')) {
      reasons.push({ signal: 'reported_successor', detail: `A report names ${candidate.key} as the channel it replaces` });
      continue;
    }
    const value = shared.slice(shared.indexOf(':') + 1);
    const signal = signalOfKey(shared);
    const detail =
      signal === 'shared_evidence'
        ? `Evidence ${value} was also reported on ${candidate.key}`
        : `Same ${signal} as ${candidate.key} once normalised: ${value}`;
    reasons.push({ signal, detail });
  }
  if (handle && candidate.handle && similarHandles(handle, candidate.handle)) {
    reasons.push({ signal: 'similar_handle', detail: `Handle ${handle} is close to ${candidate.handle}` });
  }
  const common = (candidate.organisation_ids ?? []).filter((id) => organisations.has(id));
  if (common.length > 0) {
    reasons.push({ signal: 'organisation', detail: `Same designated organisation: ${common.join(', ')}` });
  }
  const hours = (firstReported.getTime() - new Date(candidate.actioned_at).getTime()) / 3_600_000;
  if (hours >= 0 && hours <= MIGRATION_TIMING_DAYS * 24) {
    reasons.push({ signal: 'timing', detail: `First reported ${formatHours(hours)} after ${candidate.key} was taken down` });
  }
  return reasons;
}

function formatHours(hours: number): string {
  return hours < 1 ? `${Math.round(hours * 60)} min` : `${Math.round(hours * 10) / 10} h`;
}

/**
 * `WITH` parts for triage's write, after its `taken` part (nothing is written unless the case was taken): the new
 * names, the suggested links and one `channel.link_suggested` event per link inserted. Empty when there is nothing
 * to write. Parameters are appended to `params`.
 */
export function migrationWriteParts(
  channelId: string,
  findings: MigrationFindings,
  audit: AuditService,
  ctx: ActionContext,
  params: unknown[],
): string[] {
  const p = (value: unknown) => `$${params.push(value)}`;
  const parts: string[] = [];
  if (findings.newNames.length > 0) {
    parts.push(`names AS (
      INSERT INTO channel_names (key, channel_id, shown)
      SELECT n.key, ${p(channelId)}::uuid, n.shown
      FROM unnest(${p(findings.newNames.map((n) => n.key))}::text[], ${p(findings.newNames.map((n) => n.shown))}::text[])
        AS n (key, shown)
      WHERE EXISTS (SELECT 1 FROM taken)
      ON CONFLICT DO NOTHING)`);
  }
  if (findings.suggested.length > 0) {
    const s = findings.suggested;
    parts.push(`suggested AS (
      INSERT INTO channel_links (id, from_channel_id, to_channel_id, kind, score, evidence)
      SELECT s.id, ${p(channelId)}::uuid, s.to_id, 'suspected_migration', s.score, jsonb_build_object('reasons', s.reasons::jsonb)
      FROM unnest(${p(s.map((l) => l.id))}::uuid[], ${p(s.map((l) => l.toChannelId))}::uuid[],
                  ${p(s.map((l) => l.score))}::real[], ${p(s.map((l) => JSON.stringify(l.reasons)))}::text[])
        AS s (id, to_id, score, reasons)
      WHERE EXISTS (SELECT 1 FROM taken)
      ON CONFLICT DO NOTHING
      RETURNING id, from_channel_id, to_channel_id, score, evidence)`);
    const event = audit.insertPerRowStatement(
      ctx,
      {
        action: 'channel.link_suggested',
        targetType: 'channel',
        targetId: 'from_channel_id',
        data: `jsonb_build_object('linkId', id, 'toChannelId', to_channel_id, 'score', score, 'reasons', evidence -> 'reasons')`,
        from: 'suggested',
      },
      params,
    );
    parts.push(`suggested_recorded AS (${event} RETURNING 1)`);
  }
  return parts;
}
