import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  CATEGORIES,
  Category,
  DECISION_ACTIONS,
  DecisionAction,
  Platform,
  PLATFORMS,
  Source,
  SOURCES,
  TimeRange,
} from '@vigil/domain';
import { DataSource } from 'typeorm';
import { HOURS_TO_REAPPEAR_SQL } from '../channels';

/** What "within one hour" means for `timeToDecision.withinOneHourPct`: the removal-order clock of EU 2021/784. */
export const ONE_HOUR_SECONDS = 3600;

/**
 * The transparency figures over [from, to). Every figure counts events by the time they happened, so a range
 * never counts an event twice and a past range gives the same figures tomorrow (an SLA breach is the one event that
 * can still happen inside a range ending in the future). The definitions are in docs/transparency.md.
 */
export interface TransparencyReport {
  from: string;
  to: string;
  generatedAt: string;
  reports: {
    total: number;
    bySource: Record<Source, number>;
    byCategory: Record<Category, number>;
    byPlatform: Record<Platform, number>;
  };
  cases: { opened: number; decided: number };
  decisions: Record<DecisionAction, number>;
  timeToDecision: { medianSeconds: number | null; p90Seconds: number | null; withinOneHourPct: number | null };
  appeals: { filed: number; reversed: number };
  slaBreaches: number;
  /** Migration links triage suggested in the range, by what moderators made of them since. */
  migrations: { suspected: number; confirmed: number; rejected: number; medianHoursToReappear: number | null };
}

interface FiguresRow {
  generated_at: Date;
  reports_total: number;
  reports_by_source: Record<string, number>;
  reports_by_category: Record<string, number>;
  reports_by_platform: Record<string, number>;
  cases_opened: number;
  cases_decided: number;
  decisions: Record<string, number>;
  median_seconds: string | null;
  p90_seconds: string | null;
  deciding_decisions: number;
  within_one_hour: number;
  appeals_filed: number;
  appeals_reversed: number;
  sla_breaches: number;
  migrations: { suspected: number; confirmed: number; rejected: number; median_hours: string | null };
}

// One statement, so every figure comes from one snapshot. `deciding` is the decision that decided each case
// (takedown, restrict or no_violation; escalate only hands a case on), with the time from the case's first report
// (or, for a case reopened on appeal, which has none, from its reopening) to that decision.
const FIGURES_SQL = `
  WITH report_rows AS (
    SELECT r.source, r.category, ch.platform
    FROM reports r JOIN channels ch ON ch.id = r.channel_id
    WHERE r.received_at >= $1 AND r.received_at < $2
  ),
  deciding AS (
    SELECT d.case_id,
           greatest(0, extract(epoch FROM d.created_at - coalesce(
             (SELECT min(r.received_at) FROM reports r WHERE r.case_id = d.case_id), c.opened_at))) AS seconds
    FROM decisions d JOIN cases c ON c.id = d.case_id
    WHERE d.action <> 'escalate' AND d.created_at >= $1 AND d.created_at < $2
  )
  SELECT
    now() AS generated_at,
    (SELECT count(*)::int FROM report_rows) AS reports_total,
    (SELECT coalesce(jsonb_object_agg(source, n), '{}') FROM
       (SELECT source, count(*)::int AS n FROM report_rows GROUP BY source) s) AS reports_by_source,
    (SELECT coalesce(jsonb_object_agg(category, n), '{}') FROM
       (SELECT category, count(*)::int AS n FROM report_rows GROUP BY category) s) AS reports_by_category,
    (SELECT coalesce(jsonb_object_agg(platform, n), '{}') FROM
       (SELECT platform, count(*)::int AS n FROM report_rows GROUP BY platform) s) AS reports_by_platform,
    (SELECT count(*)::int FROM cases WHERE opened_at >= $1 AND opened_at < $2) AS cases_opened,
    (SELECT count(DISTINCT case_id)::int FROM deciding) AS cases_decided,
    (SELECT coalesce(jsonb_object_agg(action, n), '{}') FROM
       (SELECT action, count(*)::int AS n FROM decisions WHERE created_at >= $1 AND created_at < $2 GROUP BY action) s
    ) AS decisions,
    (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY seconds) FROM deciding) AS median_seconds,
    (SELECT percentile_disc(0.9) WITHIN GROUP (ORDER BY seconds) FROM deciding) AS p90_seconds,
    (SELECT count(*)::int FROM deciding) AS deciding_decisions,
    (SELECT count(*)::int FROM deciding WHERE seconds <= ${ONE_HOUR_SECONDS}) AS within_one_hour,
    (SELECT count(*)::int FROM appeals WHERE created_at >= $1 AND created_at < $2) AS appeals_filed,
    (SELECT count(*)::int FROM appeals
       WHERE status = 'reversed' AND resolved_at >= $1 AND resolved_at < $2) AS appeals_reversed,
    (SELECT count(*)::int FROM cases
       WHERE sla_due_at >= $1 AND sla_due_at < $2 AND sla_due_at < now()
         AND (decided_at IS NULL OR decided_at > sla_due_at)) AS sla_breaches,
    (SELECT json_build_object(
       'suspected', count(*) FILTER (WHERE m.kind = 'suspected_migration'),
       'confirmed', count(*) FILTER (WHERE m.kind = 'confirmed_migration'),
       'rejected', count(*) FILTER (WHERE m.kind = 'rejected'),
       'median_hours', percentile_disc(0.5) WITHIN GROUP (ORDER BY m.hours) FILTER (WHERE m.kind = 'confirmed_migration'))
     FROM (SELECT l.kind, ${HOURS_TO_REAPPEAR_SQL('f', 't')} AS hours
           FROM channel_links l JOIN channels f ON f.id = l.from_channel_id JOIN channels t ON t.id = l.to_channel_id
           WHERE l.created_at >= $1 AND l.created_at < $2
             AND l.kind IN ('suspected_migration', 'confirmed_migration', 'rejected')) m) AS migrations`;

/** The figures behind `GET /v1/transparency` (DSA Art. 15 and 24, EU 2021/784 Art. 7), for admins and auditors. */
@Injectable()
export class TransparencyQuery {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async report(range: TimeRange): Promise<TransparencyReport> {
    const [row]: FiguresRow[] = await this.db.query(FIGURES_SQL, [range.from, range.to]);
    const decided = row.cases_decided;
    // Over deciding decisions, as the median and p90 are: a case decided again after an appeal counts twice.
    const deciding = row.deciding_decisions;
    return {
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      generatedAt: row.generated_at.toISOString(),
      reports: {
        total: row.reports_total,
        bySource: everyKey(SOURCES, row.reports_by_source),
        byCategory: everyKey(CATEGORIES, row.reports_by_category),
        byPlatform: everyKey(PLATFORMS, row.reports_by_platform),
      },
      cases: { opened: row.cases_opened, decided },
      decisions: everyKey(DECISION_ACTIONS, row.decisions),
      timeToDecision: {
        medianSeconds: wholeSeconds(row.median_seconds),
        p90Seconds: wholeSeconds(row.p90_seconds),
        withinOneHourPct: deciding === 0 ? null : Math.round((row.within_one_hour / deciding) * 1000) / 10,
      },
      appeals: { filed: row.appeals_filed, reversed: row.appeals_reversed },
      slaBreaches: row.sla_breaches,
      migrations: {
        suspected: row.migrations.suspected,
        confirmed: row.migrations.confirmed,
        rejected: row.migrations.rejected,
        medianHoursToReappear: row.migrations.median_hours === null ? null : Number(row.migrations.median_hours),
      },
    };
  }
}

/** Every value of the enum as a key, zero when nothing was counted, so the shape never depends on the data. */
function everyKey<K extends string>(keys: readonly K[], counts: Record<string, number>): Record<K, number> {
  return Object.fromEntries(keys.map((key) => [key, counts[key] ?? 0])) as Record<K, number>;
}

function wholeSeconds(value: string | null): number | null {
  return value === null ? null : Math.round(Number(value));
}
