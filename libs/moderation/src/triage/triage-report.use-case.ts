import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActionContext, AuditEventInput, AuditService } from '@vigil/audit';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { CaseEntity, ReportEntity } from '@vigil/database';
import {
  CaseFacts,
  computePriority,
  confirmedSuccessorClock,
  earliestClock,
  incidentBoostOf,
  incidentClock,
  IncidentScope,
  Platform,
  slaNextCheckAt,
  strongestIncident,
  detectLanguage,
  matchOrganisations,
  mostSevereCategory,
  NO_CASE_FACTS,
  OrganisationMatch,
  slaDueAt,
  strongestSource,
  UNRESOLVED_CASE_STATUSES,
  withReports,
} from '@vigil/domain';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { JoiningColumns, ReporterStandings } from '../reporters';
import { incidentScope } from '../incidents';
import { UNLESS_CHANNEL_HAS_UNRESOLVED_CASE, UNRESOLVED_STATUS } from '../shared';
import { assessCandidates, MIGRATION_COLUMNS, MigrationColumns, MigrationFindings, migrationWriteParts } from './migration-candidates';

export type TriageOutcome =
  | { outcome: 'triaged'; caseId: string; caseOpened: boolean; priority: number; reports: number }
  | { outcome: 'already-triaged'; caseId: string | null }
  | { outcome: 'missing' };

/**
 * Told after each committed batch when each report it attached was received: the worker's triage-lag histogram
 * listens (a job may attach a channel's many waiting reports, not only its own).
 */
export type TriagedListener = (receivedAt: readonly Date[]) => void;

/** What one batch did; `othersWaiting` when its own report was triaged already but others of the channel wait. */
type BatchOutcome =
  | Extract<TriageOutcome, { outcome: 'triaged' }>
  | { outcome: 'already-triaged'; caseId: string | null; othersWaiting: boolean }
  | { outcome: 'missing' };

/** At most this many waiting reports of one channel are attached in one statement. */
const TRIAGE_BATCH = 500;

/** A batch's write found its case changed since the read (nothing written): the batch is read again. */
const LOST_RACE = Symbol('lost race');
/** So many races lost in a row fail the job (BullMQ retries it later): a channel changing faster than that is a bug. */
const MAX_ATTEMPTS = 20;

/** What triage needs of the case it attaches reports to. */
type CaseBase = CaseFacts &
  Pick<CaseEntity, 'id' | 'slaDueAt' | 'slaStartedAt' | 'slaState' | 'organisationMatches' | 'openedAt'>;

/** A case about to be opened, before its first reports. */
const EMPTY_CASE: Omit<CaseBase, 'id' | 'slaDueAt' | 'slaStartedAt' | 'openedAt'> = {
  ...NO_CASE_FACTS,
  slaState: 'ok',
  organisationMatches: [],
};

/**
 * Makes the write's COMMIT (its statement's own transaction) return before its WAL is flushed to disk (`SET LOCAL
 * synchronous_commit = off`, as a function so that it rides in the statement). Safe for triage alone: it writes
 * nothing that was acknowledged to anyone; a crash of Postgres can lose at most the last few hundred milliseconds of
 * triage, leaving those reports untriaged (atomically, their audit events with them) for the reconciler to queue
 * again; and any synchronous commit that read them (a claim, a decision, a seal) flushes the WAL past them first.
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
  | 'channelTitle'
  | 'matchKeys'
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
  channel_title: string | null;
  match_keys: string[];
}

/** The channel's waiting reports (`reports_waiting`), `:reportId` first, then the oldest: a `waiting` CTE. */
const WAITING = `SELECT r.id, r.channel_id, r.reporter_ref, r.received_at, r.category, r.source, r.subscribers,
    r.removal_order, r.language, r.description, r.organization, r.channel_title, r.previous_channel_key, r.match_keys
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
    channelTitle: w.channel_title,
    matchKeys: w.match_keys,
  };
}

/**
 * Attaches a report to its channel's unresolved case (opening one when there is none), re-scores the case and
 * moves its SLA deadline, all in one statement with `report.triaged` (and `case.opened`). Every other report of
 * the same channel still waiting is attached in the same statement: in a surge the reports on a hot channel pile up
 * while its job runs, and re-scoring the case once for all of them is what lets triage keep up with intake.
 * Their own jobs then find them triaged and change nothing — as does running a job twice. Nothing is locked between
 * the read and the write: the write takes the case only as it was read (`writeBatch`), so a decision, a claim or
 * another job's triage in between costs a second read, never a report attached to a case decided without it.
 */
@Injectable()
export class TriageReport {
  private readonly logger = new Logger(TriageReport.name);
  private readonly triagedListeners: TriagedListener[] = [];

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
    private readonly audit: AuditService,
    private readonly standings: ReporterStandings,
  ) {}

  async execute(input: { reportId: string; channelId?: string }, ctx: ActionContext): Promise<TriageOutcome> {
    // A job knows its report's channel (`triageJob`), and almost every job finds its report still waiting (since a
    // channel has at most one waiting job, ~98 % in the bench at a steady rate and at peak): straight to the channel's
    // waiting reports. A job from before jobs carried the channel reads it first, and stops there when nothing waits.
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
        // Its own report was triaged by another job (or an earlier run of this job); others may wait.
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

  /** Calls `listener` after each batch this process commits, with its reports' receipt times. */
  onTriaged(listener: TriagedListener): void {
    this.triagedListeners.push(listener);
  }

  private missing(reportId: string): TriageOutcome {
    this.logger.warn(`Triage skipped: report ${reportId} does not exist`);
    return { outcome: 'missing' };
  }

  /**
   * Up to TRIAGE_BATCH waiting reports of the channel, `ownReportId` first (already triaged by another job, or not a
   * report of this channel at all: nothing is done), attached to the channel's unresolved case. Null when, without
   * an own report, nothing was waiting. Two statements, no transaction held between them: a read, then a write that
   * takes the case only as read (`writeBatch`); when the case changed in between, the batch is read again.
   */
  private async triageWaiting(
    channelId: string,
    ownReportId: string | null,
    ctx: ActionContext,
  ): Promise<BatchOutcome | null> {
    for (let attempt = 1; ; attempt++) {
      const batch = await this.tryBatch(channelId, ownReportId, ctx);
      if (batch !== LOST_RACE) return batch;
      if (attempt === MAX_ATTEMPTS) {
        throw new Error(`triage of channel ${channelId}: its case changed under ${attempt} writes in a row`);
      }
    }
  }

  private async tryBatch(
    channelId: string,
    ownReportId: string | null,
    ctx: ActionContext,
  ): Promise<BatchOutcome | null | typeof LOST_RACE> {
    const read = await this.waitingWithCase(channelId, ownReportId);
    const reports = read.reports;
    if (reports.length === 0 && ownReportId === null) return null;
    // Another job triaged this report (or an earlier run of this one did).
    if (ownReportId !== null && !reports.some((r) => r.id === ownReportId)) {
      const [now]: { case_id: string | null }[] = await this.db.query(`SELECT case_id FROM reports WHERE id = $1`, [
        ownReportId,
      ]);
      if (!now) return { outcome: 'missing' } as const;
      return { outcome: 'already-triaged', caseId: now.case_id, othersWaiting: reports.length > 0 } as const;
    }

    const reporterRefs = reports.map((r) => r.reporterRef);
    // The reports' clock: the one due first, running from that report's receipt.
    const reportsClock = reports
      .map((report) => ({ startedAt: report.receivedAt, dueAt: slaDueAt(report.receivedAt, report, this.config.sla) }))
      .reduce((a, b) => earliestClock(a, b));
    const opener = reports.reduce((a, b) => (a.receivedAt <= b.receivedAt ? a : b));
    const caseOpened = read.theCase === null;
    // A channel without an unresolved case gets one, with the id chosen here so that its events can name it.
    const theCase: CaseBase = read.theCase ?? {
      ...EMPTY_CASE,
      id: randomUUID(),
      slaDueAt: reportsClock.dueAt,
      slaStartedAt: reportsClock.startedAt,
      openedAt: opener.receivedAt,
    };

    // Intake leaves the language to triage when the reporter gave none: detection is off the request path.
    const languages = reports.map((r) => r.language ?? detectLanguage(r.description));
    // Its reporters new to the case, and the case's reputation with them.
    const reporters = await this.standings.joiningStanding(this.db.manager, theCase.id, reporterRefs, read.standings);
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
    // Actioned channels this one may succeed: suggested links, and the strongest link's factor.
    const migration = assessCandidates(read.migration, reports, organisationMatches);
    // The active incident it falls under, and the clock: a deadline only ever comes forward.
    const incident = strongestIncident(read.incidents, {
      platform: read.platform,
      categories: facts.categories,
      organisationIds: organisationMatches.map((m) => m.id),
    });
    const caseClock = { startedAt: theCase.slaStartedAt ?? theCase.openedAt, dueAt: theCase.slaDueAt };
    const successorClock = migration.strongest?.confirmed
      ? confirmedSuccessorClock(reportsClock.startedAt, this.config.sla)
      : null;
    const clock = [reportsClock, incidentClock(incident, theCase.openedAt), successorClock].reduce(earliestClock, caseClock);
    const topCategory = mostSevereCategory(facts.categories);
    const { priority, breakdown } = computePriority({
      topCategory,
      bestSource: strongestSource(facts.sources),
      distinctReporters: facts.distinctReporters,
      organisationMatches,
      maxSubscribers: facts.maxSubscribers,
      removalOrder: facts.removalOrder,
      reporterReputationPoints: reporters.points,
      linkedActionedChannel: migration.strongest,
      incident: incidentBoostOf(incident),
      slaState: theCase.slaState,
    });
    const due = clock.dueAt;
    const triaged = {
      caseId: theCase.id,
      priority,
      slaDueAt: due.toISOString(),
      reportCount: facts.reportCount,
      ...(incident ? { incidentId: incident.id } : {}),
    };
    const events: AuditEventInput[] = [
      ...(caseOpened
        ? [
            {
              action: 'case.opened' as const,
              target: { type: 'case', id: theCase.id },
              data: { channelId, reportId: opener.id, previousCaseId: read.previousCaseId },
            },
          ]
        : []),
      ...reports.map((report) => ({
        action: 'report.triaged' as const,
        target: { type: 'report', id: report.id },
        data: triaged,
      })),
    ];
    const written = await this.writeBatch({
      caseId: theCase.id,
      version: read.theCase?.version ?? null,
      channelId,
      previousCaseId: read.previousCaseId,
      reports,
      languages,
      scored: {
        ...facts,
        topCategory,
        priority,
        breakdown,
        organisationMatches,
        due,
        slaStartedAt: clock.startedAt,
        slaNextCheckAt: slaNextCheckAt(theCase.slaState, clock.startedAt, clock.dueAt),
        incidentId: incident?.id ?? null,
      },
      events,
      migration,
      ctx,
    });
    if (!written) return LOST_RACE;
    const receivedAt = reports.map((report) => report.receivedAt);
    for (const listener of this.triagedListeners) listener(receivedAt);
    return { outcome: 'triaged', caseId: theCase.id, caseOpened, priority, reports: reports.length } as const;
  }

  /**
   * The reports attached, the case re-scored (or opened) and every event recorded: one statement, so one commit and
   * no transaction held across round trips. The case is taken only as it was read — an UPDATE guarded by its version
   * and an unresolved status, or for a new case an INSERT that yields to another unresolved case of the channel (the
   * unique index `cases_one_unresolved_per_channel`) — and only while none of the reports has been triaged since;
   * everything else writes for the case so taken. False when it was not taken (a claim, a decision, another job's
   * triage or a case opened meanwhile): nothing was written, and the caller reads again. Its COMMIT does not wait for
   * the WAL flush (TRIAGE_COMMIT).
   */
  private async writeBatch(batch: {
    caseId: string;
    /** The case's version as read; null to open it. */
    version: number | null;
    channelId: string;
    previousCaseId: string | null;
    reports: WaitingReport[];
    languages: (string | null)[];
    scored: CaseFacts & {
      topCategory: string;
      priority: number;
      breakdown: unknown;
      organisationMatches: OrganisationMatch[];
      due: Date;
      slaStartedAt: Date;
      slaNextCheckAt: Date | null;
      incidentId: string | null;
    };
    events: AuditEventInput[];
    migration: MigrationFindings;
    ctx: ActionContext;
  }): Promise<boolean> {
    const params: unknown[] = [];
    const p = (value: unknown) => `$${params.push(value)}`;
    const c = batch.scored;
    const ids = p(batch.reports.map((r) => r.id));
    const noneTriaged = `NOT EXISTS (SELECT 1 FROM reports t
      WHERE t.id = ANY(${ids}::uuid[]) AND t.triaged_at IS NOT NULL)`;
    const columns = {
      report_count: `${p(c.reportCount)}::integer`,
      distinct_reporters: `${p(c.distinctReporters)}::integer`,
      top_category: `${p(c.topCategory)}::text`,
      priority: `${p(c.priority)}::integer`,
      priority_breakdown: `${p(JSON.stringify(c.breakdown))}::jsonb`,
      organisation_matches: `${p(JSON.stringify(c.organisationMatches))}::jsonb`,
      sla_due_at: `${p(c.due)}::timestamptz`,
      sla_started_at: `${p(c.slaStartedAt)}::timestamptz`,
      sla_next_check_at: `${p(c.slaNextCheckAt)}::timestamptz`,
      incident_id: `${p(c.incidentId)}::uuid`,
      languages: `${p(c.languages)}::text[]`,
      categories: `${p(c.categories)}::text[]`,
      sources: `${p(c.sources)}::text[]`,
      max_subscribers: `${p(c.maxSubscribers)}::integer`,
      removal_order: `${p(c.removalOrder)}::boolean`,
    };
    const take =
      batch.version === null
        ? `INSERT INTO cases (id, channel_id, status, previous_case_id, opened_at, ${Object.keys(columns).join(', ')})
           SELECT ${p(batch.caseId)}::uuid, ${p(batch.channelId)}::uuid, 'open', ${p(batch.previousCaseId)}::uuid,
                  now(), ${Object.values(columns).join(', ')}
           WHERE ${noneTriaged}
           ${UNLESS_CHANNEL_HAS_UNRESOLVED_CASE} RETURNING id`
        : `UPDATE cases SET ${Object.entries(columns)
            .map(([column, value]) => `${column} = ${value}`)
            .join(', ')}, version = version + 1, updated_at = now()
           WHERE id = ${p(batch.caseId)} AND version = ${p(batch.version)} AND ${UNRESOLVED_STATUS} AND ${noneTriaged}
           RETURNING id`;
    const attach = `UPDATE reports r SET case_id = taken.id, status = 'triaged', triaged_at = now(),
         language = v.language, language_detected = r.language IS NULL AND v.language IS NOT NULL
       FROM unnest(${ids}::uuid[], ${p(batch.languages)}::text[]) AS v (id, language), taken
       WHERE r.id = v.id RETURNING 1`;
    const record = this.audit.insertStatement(batch.ctx, batch.events, params, 'taken');
    const parts = migrationWriteParts(batch.channelId, batch.migration, this.audit, batch.ctx, params);
    if (c.incidentId) {
      parts.push(`incident_case AS (INSERT INTO incident_cases (incident_id, case_id)
        SELECT ${p(c.incidentId)}::uuid, taken.id FROM taken ON CONFLICT DO NOTHING)`);
    }
    const more = parts.map((part) => `, ${part}`).join('');
    const [written]: { taken: number; attached: number }[] = await this.db.query(
      `WITH taken AS (${take}), attached AS (${attach}), recorded AS (${record} RETURNING 1)${more}
       SELECT (SELECT count(*) FROM taken)::int AS taken, (SELECT count(*) FROM attached)::int AS attached,
              ${TRIAGE_COMMIT} AS commit_mode`,
      params,
    );
    if (written.taken === 0) return false;
    // Cannot happen while the guards hold (whoever attaches one of these reports writes for the same case first);
    // committed by now, so said loudly rather than retried.
    if (written.attached !== batch.reports.length) {
      throw new Error(`triage wrote ${written.attached} of ${batch.reports.length} reports`);
    }
    return true;
  }

  private async reportState(reportId: string): Promise<
    | { outcome: 'missing' }
    | { outcome: 'waiting' | 'already-triaged'; channelId: string; caseId: string | null; channelWaiting: boolean }
  > {
    // A report's channel never changes, so the one read here is the one to triage.
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
   * ReporterStandings.joiningColumns for those reports (their standings read before they are attached): one statement
   * (two when the channel has no unresolved case: then its last case, for the new one's `previousCaseId`).
   */
  private async waitingWithCase(
    channelId: string,
    ownReportId: string | null,
  ): Promise<{
    reports: WaitingReport[];
    theCase: CaseEntity | null;
    standings: JoiningColumns;
    previousCaseId: string | null;
    migration: MigrationColumns;
    incidents: IncidentScope[];
    platform: Platform;
  }> {
    const params = {
      channelId,
      reportId: ownReportId,
      waitingLimit: TRIAGE_BATCH,
      migrationWindowDays: this.config.migrationWindowDays,
    };
    const refs = '(SELECT array_agg(w.reporter_ref) FROM waiting w)';
    const { entities, raw } = await this.db
      .getRepository(CaseEntity)
      .createQueryBuilder('c')
      .addCommonTableExpression(WAITING, 'waiting')
      .addSelect(WAITING_JSON, 'waiting')
      .addSelect(this.standings.joiningColumns('c.id', refs))
      .addSelect(MIGRATION_COLUMNS)
      .addSelect(CASE_CONTEXT_COLUMNS)
      .where('c.channel_id = :channelId')
      .andWhere('c.status IN (:...statuses)', { statuses: UNRESOLVED_CASE_STATUSES })
      .setParameters(params)
      .getRawAndEntities<JoiningColumns & MigrationColumns & CaseContextColumns & { waiting: WaitingRow[] }>();
    if (entities.length > 0) {
      const reports = raw[0].waiting.map(waitingReport);
      return {
        reports,
        theCase: entities[0],
        standings: raw[0],
        previousCaseId: null,
        migration: raw[0],
        ...caseContext(raw[0]),
      };
    }
    // No unresolved case (a new channel, or its last case decided): the reports alone, and the channel's last case.
    const [query, values] = this.db.driver.escapeQueryWithParameters(
      `WITH waiting AS (${WAITING})
       SELECT ${WAITING_JSON} AS waiting, ${this.standings.joiningColumns('NULL::uuid', refs)}, ${MIGRATION_COLUMNS},
              ${CASE_CONTEXT_COLUMNS},
              (SELECT id FROM cases WHERE channel_id = :channelId ORDER BY opened_at DESC LIMIT 1) AS previous_case_id`,
      params,
    );
    const [row]: (JoiningColumns &
      MigrationColumns &
      CaseContextColumns & { waiting: WaitingRow[]; previous_case_id: string | null })[] = await this.db.query(
      query,
      values,
    );
    const reports = row.waiting.map(waitingReport);
    return {
      reports,
      theCase: null,
      standings: row,
      previousCaseId: row.previous_case_id,
      migration: row,
      ...caseContext(row),
    };
  }
}

interface CaseContextColumns {
  channel_platform: Platform;
  active_incidents: Parameters<typeof incidentScope>[0][];
}

/** The channel's platform and the active incidents (a handful at most), for the read's select list. */
const CASE_CONTEXT_COLUMNS = `
  (SELECT me.platform FROM channels me WHERE me.id = :channelId) AS channel_platform,
  (SELECT coalesce(json_agg(i), '[]'::json) FROM (
     SELECT id, title, boost, sla_hours, declared_at, platforms, categories, organisation_ids FROM incidents
     WHERE status = 'active' AND (ends_at IS NULL OR ends_at > now())) i) AS active_incidents`;

function caseContext(row: CaseContextColumns): { platform: Platform; incidents: IncidentScope[] } {
  return { platform: row.channel_platform, incidents: row.active_incidents.map(incidentScope) };
}

function mergeMatches(known: OrganisationMatch[], found: OrganisationMatch[]): OrganisationMatch[] {
  const byId = new Map(known.map((m) => [m.id, m]));
  for (const match of found) if (!byId.has(match.id)) byId.set(match.id, match);
  return [...byId.values()];
}
