import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ChannelLinkEntity } from '@vigil/database';
import type { ChannelStatus, MigrationReason, Platform } from '@vigil/domain';
import { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor, isCursorTime, isCursorUuid, Page } from '../shared';

export const MIGRATION_LINK_KINDS = ['suspected_migration', 'confirmed_migration', 'rejected'] as const;
export type MigrationLinkKind = (typeof MIGRATION_LINK_KINDS)[number];

/**
 * Hours from a channel's takedown to the first report of its successor (a channel's row is created by its first
 * report). Negative when the successor was reported before the takedown: groups open the new channel first.
 */
export const HOURS_TO_REAPPEAR_SQL = (successor: string, predecessor: string) =>
  `round((extract(epoch FROM ${successor}.created_at - ${predecessor}.actioned_at) / 3600)::numeric, 2)`;

interface MigrationChannel {
  id: string;
  platform: Platform;
  key: string;
  url: string;
  status: ChannelStatus;
}

/** One suspected, confirmed or rejected migration: the link, the successor (`fromChannel`) and the channel it follows. */
export interface MigrationView {
  link: {
    id: string;
    kind: MigrationLinkKind;
    score: number | null;
    reasons: MigrationReason[];
    createdAt: string;
    reviewedAt: string | null;
  };
  fromChannel: MigrationChannel;
  toChannel: MigrationChannel;
  takedownAt: string | null;
  firstReportAt: string;
  hoursToReappear: number | null;
}

export interface MigrationsInput {
  since: Date | null;
  /** The successor's platform: where the group reappeared. */
  platform?: Platform;
  kind?: MigrationLinkKind;
  limit: number;
  cursor?: string;
}

interface MigrationRow {
  id: string;
  kind: MigrationLinkKind;
  score: number | null;
  evidence: ChannelLinkEntity['evidence'];
  created_at: Date;
  reviewed_at: Date | null;
  from_id: string;
  from_platform: Platform;
  from_key: string;
  from_url: string;
  from_status: ChannelStatus;
  to_id: string;
  to_platform: Platform;
  to_key: string;
  to_url: string;
  to_status: ChannelStatus;
  takedown_at: Date | null;
  first_report_at: Date;
  hours_to_reappear: string | null;
}

type MigrationCursor = [string, string];
const isMigrationCursor = (k: unknown[]): k is MigrationCursor =>
  k.length === 2 && isCursorTime(k[0]) && isCursorUuid(k[1]);

/** Migrations between channels, newest first, for staff and auditors (`GET /v1/migrations`). */
@Injectable()
export class MigrationsQuery {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async page(input: MigrationsInput): Promise<Page<MigrationView>> {
    const params: unknown[] = [];
    const p = (value: unknown) => `$${params.push(value)}`;
    const where = [`l.kind IN ('suspected_migration', 'confirmed_migration', 'rejected')`];
    if (input.since) where.push(`l.created_at >= ${p(input.since)}`);
    if (input.platform) where.push(`f.platform = ${p(input.platform)}`);
    if (input.kind) where.push(`l.kind = ${p(input.kind)}`);
    if (input.cursor) {
      const [at, id] = decodeCursor<MigrationCursor>(input.cursor, isMigrationCursor);
      // Times cut to milliseconds, as the cursor carries them.
      where.push(`(date_trunc('milliseconds', l.created_at), l.id) < (${p(new Date(at))}::timestamptz, ${p(id)}::uuid)`);
    }
    const rows: MigrationRow[] = await this.db.query(
      `SELECT l.id, l.kind, l.score, l.evidence, l.created_at, l.reviewed_at,
              f.id AS from_id, f.platform AS from_platform, f.canonical_key AS from_key, f.url AS from_url,
              f.status AS from_status,
              t.id AS to_id, t.platform AS to_platform, t.canonical_key AS to_key, t.url AS to_url,
              t.status AS to_status,
              t.actioned_at AS takedown_at, f.created_at AS first_report_at,
              ${HOURS_TO_REAPPEAR_SQL('f', 't')} AS hours_to_reappear
       FROM channel_links l
       JOIN channels f ON f.id = l.from_channel_id
       JOIN channels t ON t.id = l.to_channel_id
       WHERE ${where.join(' AND ')}
       ORDER BY date_trunc('milliseconds', l.created_at) DESC, l.id DESC
       LIMIT ${p(input.limit + 1)}`,
      params,
    );
    const items = rows.slice(0, input.limit).map(migrationView);
    const last = rows.length > input.limit ? items[items.length - 1] : null;
    return { items, nextCursor: last ? encodeCursor([last.link.createdAt, last.link.id]) : null };
  }
}

function migrationView(r: MigrationRow): MigrationView {
  return {
    link: {
      id: r.id,
      kind: r.kind,
      score: r.score,
      reasons: (r.evidence as { reasons?: MigrationReason[] }).reasons ?? [],
      createdAt: r.created_at.toISOString(),
      reviewedAt: r.reviewed_at?.toISOString() ?? null,
    },
    fromChannel: { id: r.from_id, platform: r.from_platform, key: r.from_key, url: r.from_url, status: r.from_status },
    toChannel: { id: r.to_id, platform: r.to_platform, key: r.to_key, url: r.to_url, status: r.to_status },
    takedownAt: r.takedown_at?.toISOString() ?? null,
    firstReportAt: r.first_report_at.toISOString(),
    hoursToReappear: r.hours_to_reappear === null ? null : Number(r.hours_to_reappear),
  };
}
