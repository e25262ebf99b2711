import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { utcMicrosecondsSql } from '@vigil/audit';
import {
  ChannelKind,
  DsaStatementOfReasons,
  dsaStatementOfReasons,
  Platform,
  Source,
  TimeRange,
} from '@vigil/domain';
import { DataSource } from 'typeorm';

/** Decisions read per round trip: a long range streams in batches instead of being held in memory. */
export const STATEMENTS_BATCH = 500;

interface StatementRow {
  id: string;
  action: 'takedown' | 'restrict';
  policy: string;
  reason: string;
  legal_ground: string | null;
  created_at: Date;
  /** created_at with all its microseconds, the keyset position (a Date would cut it to milliseconds). */
  position: string;
  platform: Platform;
  kind: ChannelKind;
  sources: Source[];
  first_notice_at: Date;
  language: string | null;
  reversed_at: Date | null;
}

// Only what the statement needs: no reporter, pseudonym, contact, reviewer or channel name is read at all.
// The notices behind a case are its own reports; a case reopened on appeal has none of its own, and then the
// reports of the case it was reopened from say where the matter came from.
const columns = `
  d.id, d.action, d.policy, d.reason, d.legal_ground, d.created_at,
  ${utcMicrosecondsSql('d.created_at')} AS position,
  ch.platform, ch.kind,
  coalesce(own.sources, previous.sources, '{}') AS sources,
  coalesce(own.first_received_at, c.opened_at) AS first_notice_at,
  own.language,
  (SELECT min(a.resolved_at) FROM appeals a WHERE a.decision_id = d.id AND a.status = 'reversed') AS reversed_at`;
const joins = `
  FROM decisions d
  JOIN cases c ON c.id = d.case_id
  JOIN channels ch ON ch.id = c.channel_id
  CROSS JOIN LATERAL (
    SELECT array_agg(DISTINCT r.source) AS sources, min(r.received_at) AS first_received_at,
           mode() WITHIN GROUP (ORDER BY r.language) AS language
    FROM reports r WHERE r.case_id = c.id) own
  LEFT JOIN LATERAL (
    SELECT array_agg(DISTINCT r.source) AS sources FROM reports r WHERE r.case_id = c.previous_case_id) previous
    ON own.sources IS NULL`;

/**
 * The statements of reasons (DSA Art. 17, Transparency Database format) of every takedown and restriction decided in
 * [from, to), oldest first, read in keyset batches of STATEMENTS_BATCH so that memory stays flat however long the
 * range. A decision committing while the export runs, with a time the export has already passed, is not included:
 * export closed ranges (see docs/transparency.md).
 */
@Injectable()
export class StatementsOfReasonsQuery {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async *stream(range: TimeRange): AsyncGenerator<DsaStatementOfReasons> {
    let after: { position: string; id: string } | null = null;
    for (;;) {
      const params: unknown[] = [range.from, range.to, STATEMENTS_BATCH];
      const keyset = after
        ? `AND (d.created_at, d.id) > ($${params.push(after.position)}::timestamptz, $${params.push(after.id)}::uuid)`
        : '';
      const rows: StatementRow[] = await this.db.query(
        `SELECT ${columns} ${joins}
         WHERE d.action IN ('takedown', 'restrict') AND d.created_at >= $1 AND d.created_at < $2 ${keyset}
         ORDER BY d.created_at, d.id
         LIMIT $3`,
        params,
      );
      for (const row of rows) yield dsaStatementOfReasons(subjectOf(row));
      if (rows.length < STATEMENTS_BATCH) return;
      const last = rows[rows.length - 1];
      after = { position: last.position, id: last.id };
    }
  }
}

function subjectOf(row: StatementRow) {
  return {
    decisionId: row.id,
    action: row.action,
    policy: row.policy,
    reason: row.reason,
    legalGround: row.legal_ground,
    decidedAt: row.created_at,
    platform: row.platform,
    channelKind: row.kind,
    sources: row.sources,
    firstNoticeAt: row.first_notice_at,
    language: row.language,
    reversedAt: row.reversed_at,
  };
}
