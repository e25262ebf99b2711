import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActionContext, AuditEventInput, AuditService } from '@vigil/audit';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { CaseEntity, ReportEntity } from '@vigil/database';
import {
  computePriority,
  detectLanguage,
  matchOrganisations,
  mostSevereCategory,
  OrganisationMatch,
  slaDueAt,
  strongestSource,
  UNRESOLVED_CASE_STATUSES,
  withReports,
} from '@vigil/domain';
import { DataSource, EntityManager } from 'typeorm';
import { JoiningColumns, ReporterStandings } from './reporter-standings';
import { inTriageTransaction } from './case-lock';

export type TriageOutcome =
  | { outcome: 'triaged'; caseId: string; caseOpened: boolean; priority: number; reports: number }
  | { outcome: 'already-triaged'; caseId: string | null }
  | { outcome: 'missing' };

/** What one transaction did; `othersWaiting` when its own report was triaged already but others of the channel wait. */
type BatchOutcome =
  | Extract<TriageOutcome, { outcome: 'triaged' }>
  | { outcome: 'already-triaged'; caseId: string | null; othersWaiting: boolean }
  | { outcome: 'missing' };

/** At most this many waiting reports of one channel are attached in one transaction. */
const TRIAGE_BATCH = 500;

/**
 * Makes the transaction's COMMIT return before its WAL is flushed to disk (`SET LOCAL synchronous_commit = off`, as a
 * function so that it rides in a statement already sent). Safe for triage alone: it writes nothing that was
 * acknowledged to anyone; a crash of Postgres can lose at most the last few hundred milliseconds of triage, leaving
 * those reports untriaged (atomically, their audit events with them) for the reconciler to queue again; and any
 * synchronous commit that read them (a claim, a decision, a seal) flushes the WAL past them first.
 */
const TRIAGE_COMMIT = `set_config('synchronous_commit', 'off', true)`;

/** What triage reads of a waiting report. */
type WaitingReport = Pick<
  ReportEntity,
  | 'id'
  | 'channelId'
  | 'reporterRef'
  | 'receivedAt'
  | 'category'
  | 'source'
  | 'subscribers'
  | 'removalOrder'
  | 'language'
  | 'description'
  | 'organization'
>;

/** The same, as `WAITING_JSON` gives it. */
interface WaitingRow {
  id: string;
  channel_id: string;
  reporter_ref: string;
  received_at: string;
  category: WaitingReport['category'];
  source: WaitingReport['source'];
  subscribers: number | null;
  removal_order: boolean;
  language: string | null;
  description: string;
  organization: string | null;
}

/** The channel's waiting reports (`reports_waiting`), `:reportId` first, then the oldest: a `waiting` CTE. */
const WAITING = `SELECT r.id, r.channel_id, r.reporter_ref, r.received_at, r.category, r.source, r.subscribers,
    r.removal_order, r.language, r.description, r.organization
  FROM reports r WHERE r.channel_id = :channelId AND r.triaged_at IS NULL
  ORDER BY CASE WHEN r.id = :reportId THEN 0 ELSE 1 END, r.received_at, r.id LIMIT :waitingLimit`;

/** The `waiting` CTE as one JSON array, in its order. */
const WAITING_JSON = `(SELECT coalesce(json_agg(w ORDER BY CASE WHEN w.id = :reportId THEN 0 ELSE 1 END, w.received_at,
    w.id), '[]'::json) FROM waiting w)`;

function waitingReport(w: WaitingRow): WaitingReport {
  return {
    id: w.id,
    channelId: w.channel_id,
    reporterRef: w.reporter_ref,
    // JSON carries microseconds; Date keeps milliseconds, as the driver's own timestamptz parsing does.
    receivedAt: new Date(w.received_at),
    category: w.category,
    source: w.source,
    subscribers: w.subscribers,
    removalOrder: w.removal_order,
    language: w.language,
    description: w.description,
    organization: w.organization,
  };
}

/**
 * Attaches a report to its channel's unresolved case (opening one when there is none), re-scores the case and
 * moves its SLA deadline, all in one transaction with `report.triaged` (and `case.opened`). Every other report of
 * the same channel still waiting is attached in the same transaction: in a surge the reports on a hot channel queue
 * up behind its lock, and re-scoring the case once for all of them is what lets triage keep up with intake.
 * Their own jobs then find them triaged and change nothing — as does running a job twice.
 */
@Injectable()
export class TriageReport {
  private readonly logger = new Logger(TriageReport.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
    private readonly audit: AuditService,
    private readonly standings: ReporterStandings,
  ) {}

  async execute(input: { reportId: string; channelId?: string }, ctx: ActionContext): Promise<TriageOutcome> {
    // A job knows its report's channel (`triageJob`), and almost every job finds its report still waiting (since a
    // channel has at most one waiting job, ~98 % in the bench at a steady rate and at peak): straight to the channel's
    // lock. A job from before jobs carried the channel reads it first, and stops there when nothing of it waits.
    let channelId = input.channelId;
    let own: string | null = input.reportId;
    let outcome: TriageOutcome = { outcome: 'already-triaged', caseId: null };
    if (channelId === undefined) {
      const first = await this.reportState(input.reportId);
      if (first.outcome === 'missing') return this.missing(input.reportId);
      outcome = { outcome: 'already-triaged', caseId: first.caseId };
      if (!first.channelWaiting) return outcome;
      channelId = first.channelId;
      own = first.outcome === 'waiting' ? input.reportId : null;
    }
    // A channel has at most one waiting triage job (`triageJob`), so the reports of later intake batches may be
    // waiting for this one, whether or not its own report still is; and a full batch may leave more. The job goes on
    // until its channel is clear, so no report is left for the reconciler.
    let ownBatch: Extract<TriageOutcome, { outcome: 'triaged' }> | null = null;
    let reports = 0;
    for (;;) {
      const batch = await this.triageWaiting(channelId, own, ctx);
      if (batch === null) break;
      if (batch.outcome === 'missing') return this.missing(input.reportId);
      if (batch.outcome === 'already-triaged') {
        // Its own report was triaged by another transaction (or an earlier run of this job); others may wait.
        outcome = { outcome: 'already-triaged', caseId: batch.caseId };
        if (!batch.othersWaiting) break;
      } else {
        if (own !== null) ownBatch = batch;
        reports += batch.reports;
        if (batch.reports < TRIAGE_BATCH) break;
      }
      own = null;
    }
    return ownBatch ? { ...ownBatch, reports } : outcome;
  }

  private missing(reportId: string): TriageOutcome {
    this.logger.warn(`Triage skipped: report ${reportId} does not exist`);
    return { outcome: 'missing' };
  }

  /**
   * One transaction: up to TRIAGE_BATCH waiting reports of the channel, `ownReportId` first (already triaged by
   * another transaction, or not a report of this channel at all: nothing is done), attached to the channel's
   * unresolved case. Null when, without an own report, nothing was waiting.
   */
  private async triageWaiting(
    channelId: string,
    ownReportId: string | null,
    ctx: ActionContext,
  ): Promise<BatchOutcome | null> {
    return inTriageTransaction(this.db, channelId, async (manager) => {
      // After the lock, in a statement of its own: its snapshot holds what the lock's previous holder committed.
      const read = await this.waitingWithCase(manager, channelId, ownReportId);
      const reports = read.reports;
      if (reports.length === 0 && ownReportId === null) return null;
      // Another transaction triaged this report while we waited for the channel (or before the job started).
      if (ownReportId !== null && !reports.some((r) => r.id === ownReportId)) {
        const [now]: { case_id: string | null }[] = await manager.query(`SELECT case_id FROM reports WHERE id = $1`, [
          ownReportId,
        ]);
        if (!now) return { outcome: 'missing' } as const;
        return { outcome: 'already-triaged', caseId: now.case_id, othersWaiting: reports.length > 0 } as const;
      }

      const reporterRefs = reports.map((r) => r.reporterRef);
      let found = read.found;
      const caseOpened = found === null;
      const reportsDue = reports
        .map((report) => slaDueAt(report.receivedAt, report, this.config.sla))
        .reduce((a, b) => (a < b ? a : b));
      const opener = reports.reduce((a, b) => (a.receivedAt <= b.receivedAt ? a : b));
      if (!found) {
        await this.openCase(manager, opener, reportsDue);
        found = (await this.caseWithStandings(manager, channelId, reporterRefs))!;
      }
      const theCase = found.theCase;

      // Intake leaves the language to triage when the reporter gave none: detection is off the request path.
      const languages = reports.map((r) => r.language ?? detectLanguage(r.description));
      // Its reporters new to the case, and the case's reputation with them.
      const reporters = await this.standings.joiningStanding(manager, theCase.id, reporterRefs, found.standings);
      const facts = withReports(
        theCase,
        reports.map((r, i) => ({
          category: r.category,
          source: r.source,
          subscribers: r.subscribers,
          removalOrder: r.removalOrder,
          language: languages[i],
        })),
        reporters.newReporters,
      );
      let organisationMatches = theCase.organisationMatches;
      for (const report of reports) {
        organisationMatches = mergeMatches(
          organisationMatches,
          matchOrganisations(`${report.organization ?? ''}\n${report.description}`),
        );
      }
      const topCategory = mostSevereCategory(facts.categories);
      const { priority, breakdown } = computePriority({
        topCategory,
        bestSource: strongestSource(facts.sources),
        distinctReporters: facts.distinctReporters,
        organisationMatches,
        maxSubscribers: facts.maxSubscribers,
        removalOrder: facts.removalOrder,
        reporterReputationPoints: reporters.points,
      });
      const due = reportsDue < theCase.slaDueAt ? reportsDue : theCase.slaDueAt;
      const triaged = { caseId: theCase.id, priority, slaDueAt: due.toISOString(), reportCount: facts.reportCount };
      const events: AuditEventInput[] = [
        ...(caseOpened
          ? [
              {
                action: 'case.opened' as const,
                target: { type: 'case', id: theCase.id },
                data: { channelId, reportId: opener.id, previousCaseId: theCase.previousCaseId },
              },
            ]
          : []),
        ...reports.map((report) => ({
          action: 'report.triaged' as const,
          target: { type: 'report', id: report.id },
          data: triaged,
        })),
      ];

      // The reports attached, the case re-scored and every event recorded: one statement, one round trip. Its
      // COMMIT does not wait for the WAL flush (TRIAGE_COMMIT): the reports are safely in already, and a triage that
      // a crash of Postgres loses is redone by the reconciler.
      const params: unknown[] = [];
      const p = (value: unknown) => `$${params.push(value)}`;
      const attach = `UPDATE reports r SET case_id = ${p(theCase.id)}, status = 'triaged', triaged_at = now(),
           language = v.language, language_detected = r.language IS NULL AND v.language IS NOT NULL
         FROM unnest(${p(reports.map((r) => r.id))}::uuid[], ${p(languages)}::text[]) AS v (id, language)
         WHERE r.id = v.id RETURNING 1`;
      const rescore = `UPDATE cases SET report_count = ${p(facts.reportCount)},
           distinct_reporters = ${p(facts.distinctReporters)}, top_category = ${p(topCategory)},
           priority = ${p(priority)}, priority_breakdown = ${p(JSON.stringify(breakdown))}::jsonb,
           organisation_matches = ${p(JSON.stringify(organisationMatches))}::jsonb, sla_due_at = ${p(due)},
           languages = ${p(facts.languages)}::text[], categories = ${p(facts.categories)}::text[],
           sources = ${p(facts.sources)}::text[], max_subscribers = ${p(facts.maxSubscribers)}::integer,
           removal_order = ${p(facts.removalOrder)}, version = version + 1, updated_at = now()
         WHERE id = ${p(theCase.id)} RETURNING 1`;
      const record = this.audit.insertStatement(ctx, events, params);
      const [written]: { attached: number; rescored: number }[] = await manager.query(
        `WITH attached AS (${attach}), rescored AS (${rescore}), recorded AS (${record} RETURNING 1)
         SELECT (SELECT count(*) FROM attached)::int AS attached, (SELECT count(*) FROM rescored)::int AS rescored,
                (SELECT count(*) FROM recorded)::int AS recorded, ${TRIAGE_COMMIT} AS commit_mode`,
        params,
      );
      if (written.attached !== reports.length || written.rescored !== 1) {
        throw new Error(`triage wrote ${written.attached}/${reports.length} reports and ${written.rescored} case rows`);
      }
      return { outcome: 'triaged', caseId: theCase.id, caseOpened, priority, reports: reports.length } as const;
    });
  }

  private async reportState(reportId: string): Promise<
    | { outcome: 'missing' }
    | { outcome: 'waiting' | 'already-triaged'; channelId: string; caseId: string | null; channelWaiting: boolean }
  > {
    // A report's channel never changes, so the one read here is the one to lock.
    const [row]: { channel_id: string; status: string; case_id: string | null; channel_waiting: boolean }[] =
      await this.db.query(
        `SELECT r.channel_id, r.status, r.case_id,
           EXISTS (SELECT 1 FROM reports w WHERE w.channel_id = r.channel_id AND w.triaged_at IS NULL)
             AS channel_waiting
         FROM reports r WHERE r.id = $1`,
        [reportId],
      );
    if (!row) return { outcome: 'missing' };
    return {
      outcome: row.status === 'received' ? 'waiting' : 'already-triaged',
      channelId: row.channel_id,
      caseId: row.case_id,
      channelWaiting: row.channel_waiting,
    };
  }

  /**
   * The channel's waiting reports and its unresolved case, if any, with the columns of
   * ReporterStandings.joiningColumns for those reports (their standings read before they are attached): one statement.
   * The case stays locked until the transaction ends: a decision on it waits for the reports to be attached (they are
   * then part of what it decides), and one that committed first leaves the case resolved, so that this read finds no
   * case and a new one is opened. Without the lock a decision could commit between this read and the write, and the
   * reports were attached to a case already decided, even after its outcome had been applied.
   */
  private async waitingWithCase(
    manager: EntityManager,
    channelId: string,
    ownReportId: string | null,
  ): Promise<{ reports: WaitingReport[]; found: { theCase: CaseEntity; standings: JoiningColumns } | null }> {
    const params = { channelId, reportId: ownReportId, waitingLimit: TRIAGE_BATCH };
    const { entities, raw } = await manager
      .getRepository(CaseEntity)
      .createQueryBuilder('c')
      .addCommonTableExpression(WAITING, 'waiting')
      .addSelect(WAITING_JSON, 'waiting')
      .addSelect(this.standings.joiningColumns('c.id', '(SELECT array_agg(w.reporter_ref) FROM waiting w)'))
      .where('c.channel_id = :channelId')
      .andWhere('c.status IN (:...statuses)', { statuses: UNRESOLVED_CASE_STATUSES })
      .setParameters(params)
      .setLock('for_no_key_update', undefined, ['c'])
      .getRawAndEntities<JoiningColumns & { waiting: WaitingRow[] }>();
    if (entities.length > 0) {
      return { reports: raw[0].waiting.map(waitingReport), found: { theCase: entities[0], standings: raw[0] } };
    }
    // No unresolved case (a new channel, or its last case decided): the reports alone.
    const [query, values] = manager.connection.driver.escapeQueryWithParameters(
      `WITH waiting AS (${WAITING}) SELECT ${WAITING_JSON} AS waiting`,
      params,
    );
    const [row]: { waiting: WaitingRow[] }[] = await manager.query(query, values);
    return { reports: row.waiting.map(waitingReport), found: null };
  }

  /** The channel's unresolved case, if any, and the columns of ReporterStandings.joiningColumns for it. */
  private async caseWithStandings(
    manager: EntityManager,
    channelId: string,
    reporterRefs: readonly string[],
  ): Promise<{ theCase: CaseEntity; standings: JoiningColumns } | null> {
    const { entities, raw } = await manager
      .getRepository(CaseEntity)
      .createQueryBuilder('c')
      .addSelect(this.standings.joiningColumns('c.id', ':reporterRefs'))
      .where('c.channel_id = :channelId', { channelId })
      .andWhere('c.status IN (:...statuses)', { statuses: UNRESOLVED_CASE_STATUSES })
      .setParameter('reporterRefs', reporterRefs)
      .getRawAndEntities<JoiningColumns>();
    return entities.length === 0 ? null : { theCase: entities[0], standings: raw[0] };
  }

  private async openCase(manager: EntityManager, report: WaitingReport, due: Date): Promise<void> {
    await manager.query(
      `INSERT INTO cases (channel_id, status, top_category, sla_due_at, previous_case_id, opened_at)
       VALUES ($1, 'open', $2, $3,
               (SELECT id FROM cases WHERE channel_id = $1 ORDER BY opened_at DESC LIMIT 1), now())`,
      [report.channelId, report.category, due],
    );
  }
}

function mergeMatches(known: OrganisationMatch[], found: OrganisationMatch[]): OrganisationMatch[] {
  const byId = new Map(known.map((m) => [m.id, m]));
  for (const match of found) if (!byId.has(match.id)) byId.set(match.id, match);
  return [...byId.values()];
}
