import { ChannelLinkEntity } from '@vigil/database';
import { ChannelStatus, DomainError, MigrationReason, Platform } from '@vigil/domain';
import type { DataSource } from 'typeorm';

export interface ChannelLinkView {
  id: string;
  kind: ChannelLinkEntity['kind'];
  score: number | null;
  /** The channel at the other end of the link. */
  channel: {
    id: string;
    platform: Platform;
    key: string;
    url: string;
    status: ChannelStatus;
    actionedAt: string | null;
  };
  direction: 'from' | 'to';
  /** The moderator's note on a link made or reviewed by hand. */
  reason: string | null;
  /** Why triage suggested it: one entry per signal (empty for a link made by hand). */
  reasons: MigrationReason[];
  createdBy: string | null;
  createdAt: string;
}

/**
 * Links from and to one channel (migrations, mirrors), each with the channel at the other end; strongest first: a
 * confirmed link before any suggestion whatever its score, rejected ones last.
 */
export async function loadChannelLinks(db: DataSource, channelId: string): Promise<ChannelLinkView[]> {
  return readLinks(db, channelId, null);
}

/** One link of the channel, seen from it. */
export async function loadChannelLink(db: DataSource, channelId: string, linkId: string): Promise<ChannelLinkView> {
  const [link] = await readLinks(db, channelId, linkId);
  if (!link) throw new DomainError('NOT_FOUND', 'link not found');
  return link;
}

async function readLinks(db: DataSource, channelId: string, linkId: string | null): Promise<ChannelLinkView[]> {
  const rows: {
    id: string;
    kind: ChannelLinkEntity['kind'];
    score: number | null;
    evidence: { note?: string; reasons?: MigrationReason[] };
    created_by: string | null;
    created_at: Date;
    direction: 'from' | 'to';
    other_id: string;
    platform: Platform;
    canonical_key: string;
    url: string;
    status: ChannelStatus;
    actioned_at: Date | null;
  }[] = await db.query(
    `SELECT l.id, l.kind, l.score, l.evidence, l.created_by, l.created_at, x.direction, ch.id AS other_id,
            ch.platform, ch.canonical_key, ch.url, ch.status, ch.actioned_at
     FROM channel_links l
     CROSS JOIN LATERAL (SELECT CASE WHEN l.from_channel_id = $1 THEN 'to' ELSE 'from' END AS direction) x
     JOIN channels ch ON ch.id = CASE WHEN l.from_channel_id = $1 THEN l.to_channel_id ELSE l.from_channel_id END
     WHERE (l.from_channel_id = $1 OR l.to_channel_id = $1) AND ($2::uuid IS NULL OR l.id = $2)
     ORDER BY CASE l.kind WHEN 'confirmed_migration' THEN 0 WHEN 'suspected_migration' THEN 1 WHEN 'mirror' THEN 2
              ELSE 3 END,
              l.score DESC NULLS LAST, l.created_at, l.id`,
    [channelId, linkId],
  );
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    score: r.score,
    channel: {
      id: r.other_id,
      platform: r.platform,
      key: r.canonical_key,
      url: r.url,
      status: r.status,
      actionedAt: r.actioned_at?.toISOString() ?? null,
    },
    direction: r.direction,
    reason: r.evidence?.note ?? null,
    reasons: r.evidence?.reasons ?? [],
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
  }));
}
