import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { AuditEventInput } from '@vigil/audit';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import {
  caseReputationPoints,
  dismissedShare,
  isSuspended,
  nextStandingStep,
  ReporterStanding,
  reputationPoints,
} from '@vigil/domain';
import { DataSource, EntityManager } from 'typeorm';

interface StandingRow {
  reporter_ref: string;
  pseudonym: string;
  decided_cases: number;
  dismissed_cases: number;
  warned_at: Date | null;
  dismissed_at_last_step: number;
  suspended_until: Date | null;
  suspensions: number;
  updated_at: Date;
}

/** What an admin sees of one reporter (`GET /v1/admin/reporters/:pseudonym`). Never the contact. */
export interface ReporterStandingView {
  pseudonym: string;
  status: 'good_standing' | 'warned' | 'suspended';
  reports: number;
  decidedCases: number;
  dismissedCases: number;
  dismissedShare: number;
  /** What the record is worth in a case's priority now (≤ 0). */
  priorityPoints: number;
  warnedAt: string | null;
  suspendedUntil: string | null;
  suspensions: number;
}

/** The columns `ReporterStandings.joiningColumns` adds to a statement, as the driver reads them. */
export interface JoiningColumns {
  new_reporters: number;
  joining: [number | null, number | null][];
}

const STANDING_COLUMNS = `reporter_ref, pseudonym, decided_cases, dismissed_cases, warned_at, dismissed_at_last_step,
  suspended_until, suspensions, updated_at`;

function standingOf(row: StandingRow): ReporterStanding {
  return {
    decidedCases: row.decided_cases,
    dismissedCases: row.dismissed_cases,
    warnedAt: row.warned_at,
    dismissedAtLastStep: row.dismissed_at_last_step,
    suspendedUntil: row.suspended_until,
  };
}

/**
 * Reporters' records (DSA Art. 23), kept as each decision's outcome is applied: every reporter of a decided case gets
 * one more decided case (and one more dismissed for `no_violation`), then may be warned or suspended
 * (`reporter.warned`, `reporter.suspended`, audited with `decision.applied`). Triage reads the records into the
 * `reporter_reputation` priority factor; intake (IntakeGroupCommit's statement) refuses a suspended reporter.
 */
@Injectable()
export class ReporterStandings {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
  ) {}

  /**
   * Inside the transaction applying a decision (ApplyDecisionOutcome); returns how many reporters' records counted
   * the case and the audit events of any warning or suspension, for the caller to record.
   */
  async recordCaseOutcome(
    manager: EntityManager,
    caseId: string,
    dismissed: boolean,
  ): Promise<{ reporters: number; events: AuditEventInput[] }> {
    // One row per reporter of the case, in key order so that concurrent decisions lock rows in the same order.
    const rows: StandingRow[] = await manager.query(
      `INSERT INTO reporter_standings AS s (reporter_ref, pseudonym, decided_cases, dismissed_cases)
       SELECT reporter_ref, min(reporter_pseudonym), 1, $2::int FROM reports WHERE case_id = $1
       GROUP BY reporter_ref ORDER BY reporter_ref
       ON CONFLICT (reporter_ref) DO UPDATE SET decided_cases = s.decided_cases + 1,
         dismissed_cases = s.dismissed_cases + $2::int, updated_at = now()
       RETURNING ${STANDING_COLUMNS}`,
      [caseId, dismissed ? 1 : 0],
    );
    const events: AuditEventInput[] = [];
    const now = new Date();
    for (const row of rows) {
      const step = nextStandingStep(standingOf(row), this.config.reputation, now);
      if (!step) continue;
      // `decidedCaseId`, not `caseId`: the case's history (shown to its moderators) is not the place for this.
      const record = { decidedCases: row.decided_cases, dismissedCases: row.dismissed_cases, decidedCaseId: caseId };
      if (step.step === 'warn') {
        await manager.query(
          `UPDATE reporter_standings SET warned_at = now(), dismissed_at_last_step = dismissed_cases
           WHERE reporter_ref = $1`,
          [row.reporter_ref],
        );
        events.push({ action: 'reporter.warned', target: { type: 'reporter', id: row.pseudonym }, data: record });
      } else {
        await manager.query(
          `UPDATE reporter_standings SET suspended_until = $2, suspensions = suspensions + 1,
             dismissed_at_last_step = dismissed_cases
           WHERE reporter_ref = $1`,
          [row.reporter_ref, step.until],
        );
        events.push({
          action: 'reporter.suspended',
          target: { type: 'reporter', id: row.pseudonym },
          data: { ...record, suspendedUntil: step.until.toISOString() },
        });
      }
    }
    return { reporters: rows.length, events };
  }

  /**
   * Of the reporters of reports joining a case (before they are attached): how many have not reported it yet, and the
   * case's `reporter_reputation` points with them — its most credible reporter's record (newcomers count as clean).
   * Two columns of a statement the caller sends (triage reads them with the case, in one round trip):
   * `new_reporters`, and `joining`, the joining reporters' records. `caseId` and `refs` are SQL expressions: the
   * case's id and a text[] of the joining reports' `reporter_ref`. `joiningStanding` makes the answer of them.
   */
  joiningColumns(caseId: string, refs: string): string {
    return `(SELECT count(DISTINCT b.reporter_ref)::int FROM unnest(CAST(${refs} AS text[])) AS b (reporter_ref)
             WHERE NOT EXISTS (SELECT 1 FROM reports r WHERE r.case_id = ${caseId} AND r.reporter_ref = b.reporter_ref))
              AS new_reporters,
            (SELECT coalesce(json_agg(json_build_array(s.decided_cases, s.dismissed_cases)), '[]'::json)
             FROM (SELECT DISTINCT unnest(CAST(${refs} AS text[])) AS reporter_ref) j
             LEFT JOIN reporter_standings s USING (reporter_ref))
              AS joining`;
  }

  /**
   * The answer from `joiningColumns`. When one joining reporter is clean the case loses nothing, whatever the others'
   * records, so the case's every reporter (thousands on a hot channel, at every triage) is read only when all the
   * joining ones are discredited.
   */
  async joiningStanding(
    manager: EntityManager,
    caseId: string,
    reporterRefs: readonly string[],
    row: JoiningColumns,
  ): Promise<{ newReporters: number; points: number }> {
    const joiningPoints = this.pointsOfTracks(row.joining.map(([decided, dismissed]) => ({ decided, dismissed })));
    if (joiningPoints === 0) return { newReporters: row.new_reporters, points: 0 };
    const all: { decided_cases: number | null; dismissed_cases: number | null }[] = await manager.query(
      `SELECT s.decided_cases, s.dismissed_cases
       FROM (SELECT reporter_ref FROM reports WHERE case_id = $1 UNION SELECT unnest($2::text[])) r
       LEFT JOIN reporter_standings s USING (reporter_ref)`,
      [caseId, reporterRefs],
    );
    const points = this.pointsOfTracks(all.map((t) => ({ decided: t.decided_cases, dismissed: t.dismissed_cases })));
    return { newReporters: row.new_reporters, points };
  }

  private pointsOfTracks(tracks: { decided: number | null; dismissed: number | null }[]): number {
    return caseReputationPoints(
      tracks.map((t) => ({ decidedCases: t.decided ?? 0, dismissedCases: t.dismissed ?? 0 })),
      this.config.reputation,
    );
  }

  /**
   * An admin's view of a reporter by pseudonym (`reporter#` and 8 hex digits of a keyed hash). Two reporters could
   * share a pseudonym (one in four billion); the one with the longest record is shown.
   */
  async view(pseudonym: string): Promise<ReporterStandingView | null> {
    const [counts]: { reports: number }[] = await this.db.query(
      `SELECT count(*)::int AS reports FROM reports WHERE reporter_pseudonym = $1`,
      [pseudonym],
    );
    const [row]: StandingRow[] = await this.db.query(
      `SELECT ${STANDING_COLUMNS} FROM reporter_standings WHERE pseudonym = $1
       ORDER BY decided_cases DESC, reporter_ref LIMIT 1`,
      [pseudonym],
    );
    if (!row && counts.reports === 0) return null;
    const standing = row ? standingOf(row) : null;
    const track = { decidedCases: standing?.decidedCases ?? 0, dismissedCases: standing?.dismissedCases ?? 0 };
    const suspended = standing !== null && isSuspended(standing, new Date());
    return {
      pseudonym,
      status: suspended ? 'suspended' : standing?.warnedAt ? 'warned' : 'good_standing',
      reports: counts.reports,
      ...track,
      dismissedShare: Math.round(dismissedShare(track) * 1000) / 1000,
      priorityPoints: reputationPoints(track, this.config.reputation),
      warnedAt: standing?.warnedAt?.toISOString() ?? null,
      suspendedUntil: standing?.suspendedUntil?.toISOString() ?? null,
      suspensions: row?.suspensions ?? 0,
    };
  }
}
