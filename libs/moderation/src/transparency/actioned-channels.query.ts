import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Category, ChannelKind, Platform } from '@vigil/domain';
import { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor, isCursorTime, isCursorUuid, Page } from '../shared';

export type ActionedChannelAction = 'takedown' | 'restore';

/**
 * One entry of the partners' feed: a channel taken down, or a takedown reversed on appeal (the channel is back and
 * partners should lift what they did). Nothing about reporters or reviewers.
 */
export interface ActionedChannelItem {
  /** The entry's own id: the decision's for a takedown, the appeal's for a restore. Stable: partners dedupe on it. */
  id: string;
  action: ActionedChannelAction;
  /** When Vigil decided the takedown, or restored the channel (UTC, milliseconds). */
  actionedAt: string;
  channel: { platform: Platform; key: string; url: string; kind: ChannelKind };
  /** The most severe category reported for the case. */
  category: Category;
  /** The policy clause the takedown applied, and its legal ground when one was given. */
  policy: string;
  legalGround: string | null;
  /** The takedown decision (for a restore: the decision reversed). */
  decisionId: string;
  /** The channel taken down before, that a moderator confirmed this one succeeds (a migration); absent otherwise. */
  successorOf?: { platform: Platform; key: string };
}

export interface ActionedChannelsInput {
  since: Date | null;
  limit: number;
  cursor?: string;
  /** Also the takedowns reversed on appeal; off by default: API.md's feed is the channels taken down. */
  includeRestores?: boolean;
}

interface EntryRow {
  id: string;
  action: ActionedChannelAction;
  at: Date;
  decision_id: string;
  policy: string;
  legal_ground: string | null;
  top_category: Category;
  platform: Platform;
  canonical_key: string;
  url: string;
  kind: ChannelKind;
  successor_platform: Platform | null;
  successor_key: string | null;
}

/** The predecessor a moderator confirmed `ch` succeeds, as `successor_platform` and `successor_key`. */
const PREDECESSOR_SQL = `
    LEFT JOIN LATERAL (
      SELECT p.platform AS successor_platform, p.canonical_key AS successor_key
      FROM channel_links l JOIN channels p ON p.id = l.to_channel_id
      WHERE l.from_channel_id = ch.id AND l.kind = 'confirmed_migration'
      ORDER BY l.reviewed_at, l.id LIMIT 1) predecessor ON true`;

type FeedCursor = [string, string];
const isFeedCursor = (k: unknown[]): k is FeedCursor => k.length === 2 && isCursorTime(k[0]) && isCursorUuid(k[1]);

// A takedown restores once: when the owner's and a reporter's appeals are both reversed, the first reversal is the
// restore entry. Entries are ordered by their time cut to milliseconds (the precision the API shows and the cursor carries), then
// id, so a page boundary never falls between two entries a client cannot tell apart. `at >= since` is also asked of
// the raw column, where it means the same (since is whole milliseconds) and can use decisions_created_at.
const TAKEDOWNS_SQL = `
    SELECT d.id, 'takedown' AS action, date_trunc('milliseconds', d.created_at) AS at, d.id AS decision_id,
           d.policy, d.legal_ground, c.top_category, ch.platform, ch.canonical_key, ch.url, ch.kind,
           predecessor.successor_platform, predecessor.successor_key
    FROM decisions d JOIN cases c ON c.id = d.case_id JOIN channels ch ON ch.id = c.channel_id ${PREDECESSOR_SQL}
    WHERE d.action = 'takedown' AND ($1::timestamptz IS NULL OR d.created_at >= $1)`;
const RESTORES_SQL = `
    SELECT a.id, 'restore', date_trunc('milliseconds', a.resolved_at), d.id,
           d.policy, d.legal_ground, c.top_category, ch.platform, ch.canonical_key, ch.url, ch.kind,
           predecessor.successor_platform, predecessor.successor_key
    FROM (SELECT DISTINCT ON (decision_id) id, decision_id, resolved_at FROM appeals
          WHERE status = 'reversed' ORDER BY decision_id, resolved_at, id) a
    JOIN decisions d ON d.id = a.decision_id
    JOIN cases c ON c.id = d.case_id JOIN channels ch ON ch.id = c.channel_id ${PREDECESSOR_SQL}
    WHERE d.action = 'takedown' AND ($1::timestamptz IS NULL OR a.resolved_at >= $1)`;
const ENTRIES_SQL = (includeRestores: boolean, where: string) => `
  SELECT * FROM (${includeRestores ? `${TAKEDOWNS_SQL} UNION ALL ${RESTORES_SQL}` : TAKEDOWNS_SQL}) e
  ${where}
  ORDER BY e.at, e.id
  LIMIT $2`;

/** Channels taken down (and takedowns reversed), oldest first, for trusted flaggers, referral units and admins. */
@Injectable()
export class ActionedChannelsQuery {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async page(input: ActionedChannelsInput): Promise<Page<ActionedChannelItem>> {
    const params: unknown[] = [input.since, input.limit + 1];
    let where = '';
    if (input.cursor) {
      const [at, id] = decodeCursor<FeedCursor>(input.cursor, isFeedCursor);
      where = `WHERE (e.at, e.id) > ($${params.push(new Date(at))}::timestamptz, $${params.push(id)}::uuid)`;
    }
    const rows: EntryRow[] = await this.db.query(ENTRIES_SQL(input.includeRestores ?? false, where), params);
    const items = rows.slice(0, input.limit).map(entryView);
    const last = rows.length > input.limit ? items[items.length - 1] : null;
    return { items, nextCursor: last ? encodeCursor([last.actionedAt, last.id]) : null };
  }
}

function entryView(row: EntryRow): ActionedChannelItem {
  return {
    id: row.id,
    action: row.action,
    actionedAt: row.at.toISOString(),
    channel: { platform: row.platform, key: row.canonical_key, url: row.url, kind: row.kind },
    category: row.top_category,
    policy: row.policy,
    legalGround: row.legal_ground,
    decisionId: row.decision_id,
    ...(row.successor_key && row.successor_platform
      ? { successorOf: { platform: row.successor_platform, key: row.successor_key } }
      : {}),
  };
}
