import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActionContext, AuditService } from '@vigil/audit';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { WALK_INDEX_IN_ORDER } from '@vigil/database';
import { DecisionAction, reportStatusAfter } from '@vigil/domain';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, EntityManager } from 'typeorm';
import { lockCase, lockCaseRow } from '../shared';
import { CaseCloser } from './close-case';
import { FollowUps, OutboxDispatcher } from './outbox-dispatcher';
import { ReporterStandings } from '../reporters';

interface DecisionRow {
  case_id: string;
  action: DecisionAction;
  created_at: Date;
  applied_at: Date | null;
  /** Its case's reports. */
  report_count: number;
}

/**
 * Carries a decision to its case's reports and reporters, in one transaction with `decision.applied`: every report
 * still in review takes the outcome (decided at the decision's time), every reporter's record counts the case (and
 * may warn or suspend them: `reporter.warned`, `reporter.suspended`), and a notice is written for each reporter who
 * left a contact. On the Zipf head that is thousands of rows, which is why it is a job after the decision and not
 * part of the moderator's request (docs/decisions.md). Until it has run, the reporter's status view shows the
 * decision from the `decisions` row (ReportStatusQuery) and the case cannot close (CaseCloser). Running it twice
 * changes nothing the second time.
 *
 * As a job, the reports take the outcome first in slices of `OUTCOME_SLICE_ROWS`, each its own short transaction
 * under the case's lock, with `OUTCOME_SLICE_PAUSE_MS` between them: one statement rewriting 12,000 reports held a
 * core and the WAL for 0.7 s while moderators went on claiming and deciding (their p99 doubled in the bench), and
 * back-to-back slices still made every commit wait on their WAL during checkpoints. The reporters' records, the
 * notices and `decision.applied` (counting every slice) stay one transaction, which also gives a case no bigger
 * than one slice its outcome (a transaction and its commit less on most decisions).
 */
@Injectable()
export class ApplyDecisionOutcome {
  private readonly logger = new Logger(ApplyDecisionOutcome.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditService,
    private readonly outbox: OutboxDispatcher,
    private readonly standings: ReporterStandings,
    private readonly closer: CaseCloser,
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
  ) {}

  async execute(input: { decisionId: string }, ctx: ActionContext): Promise<{ applied: boolean }> {
    await this.decideReportsInSlices(input.decisionId);
    const followUps = await this.db.transaction((manager) => this.applyWithin(manager, input.decisionId, ctx));
    if (followUps) await this.outbox.dispatch(followUps);
    return { applied: followUps !== null };
  }

  /**
   * The same inside the caller's transaction (an appeal's resolution applies a decision still waiting before it
   * changes what the decision did). Takes the case's lock; returns null when there was nothing left to apply.
   */
  async applyWithin(manager: EntityManager, decisionId: string, ctx: ActionContext): Promise<FollowUps | null> {
    const decision = await this.decisionOf(manager, decisionId);
    if (!decision) {
      this.logger.warn(`No decision ${decisionId} to apply`);
      return null;
    }
    if (decision.action === 'escalate') return null;
    // Under the case's lock, as appeals and the closing of the case are: whoever comes second sees it applied.
    const caseId = decision.case_id;
    const theCase = await lockCase(manager, caseId);
    if ((await this.decisionOf(manager, decisionId))!.applied_at) return null;

    // The reports still waiting (none after the job's slices), then all this decision decided, slices included.
    const status = reportStatusAfter(decision.action);
    await this.decideReports(manager, caseId, status, decision.created_at);
    const [{ reports }]: { reports: number }[] = await manager.query(
      `SELECT count(*)::int AS reports FROM reports WHERE case_id = $1 AND status = $2 AND decided_at = $3`,
      [caseId, status, decision.created_at],
    );
    const standing = await this.standings.recordCaseOutcome(manager, caseId, decision.action === 'no_violation');
    const followUps = await this.outbox.write(manager, {
      decisionId,
      caseId,
      channelId: theCase.channelId,
      enforcement: null,
      notices: ['reporter_outcome'],
    });
    await manager.query(`UPDATE decisions SET applied_at = now() WHERE id = $1`, [decisionId]);
    await this.audit.record(
      manager,
      ctx,
      {
        action: 'decision.applied',
        target: { type: 'case', id: caseId },
        data: {
          decisionId,
          action: decision.action,
          reports,
          reporters: standing.reporters,
          notices: followUps.notificationIds.length,
        },
      },
      ...standing.events,
    );
    // The enforcement and the owner's notice may have finished first; then this was the last open work.
    await this.closer.closeIfDone(manager, caseId, ctx);
    return followUps;
  }

  /**
   * The outcome for the case's reports, one slice per transaction, until a slice comes back short; applyWithin then
   * finds none left (it takes them all itself when an appeal applies the decision first). Each slice takes the
   * case's lock, as applyWithin does, and touches only reports still 'triaged': once the decision is applied there
   * are none, and a decided case takes no new reports.
   */
  private async decideReportsInSlices(decisionId: string): Promise<void> {
    const decision = await this.decisionOf(this.db.manager, decisionId);
    if (!decision || decision.action === 'escalate' || decision.applied_at) return;
    const sliceRows = this.config.outcomeSliceRows;
    // A case no bigger than a slice takes its outcome with the rest, in applyWithin's transaction: one commit less.
    if (decision.report_count <= sliceRows) return;
    const status = reportStatusAfter(decision.action);
    // Each slice starts where the last one stopped.
    let from = '-infinity';
    for (;;) {
      const slice = await this.db.transaction(async (manager) => {
        await lockCaseRow(manager, decision.case_id);
        // A hot case's reports are thousands the statistics may not know of yet: the planner would collect and sort
        // them all for every slice (7.6 ms a slice on 2,000 against 2.1 ms walking them).
        await manager.query(WALK_INDEX_IN_ORDER);
        return this.decideReports(manager, decision.case_id, status, decision.created_at, from, sliceRows);
      });
      if (slice.decided < sliceRows || slice.last === null) return;
      from = slice.last;
      if (this.config.outcomeSlicePauseMs > 0) await sleep(this.config.outcomeSlicePauseMs);
    }
  }

  /**
   * Gives the case's reports still 'triaged' the outcome, in arrival order from `from` (ties at that time are looked
   * at again; those already decided are no longer 'triaged'), at most `limit` of them (all when null). Returns how
   * many, and the arrival time of the last, where the next slice starts.
   */
  private async decideReports(
    manager: EntityManager,
    caseId: string,
    status: ReturnType<typeof reportStatusAfter>,
    decidedAt: Date,
    from = '-infinity',
    limit: number | null = null,
  ): Promise<{ decided: number; last: string | null }> {
    const [row]: { decided: number; last: string | null }[] = await manager.query(
      `WITH decided AS (
         UPDATE reports SET status = $2, decided_at = $3
         WHERE id IN (SELECT id FROM reports WHERE case_id = $1 AND status = 'triaged' AND received_at >= $4
                      ORDER BY received_at, id LIMIT $5)
         RETURNING received_at
       ) SELECT count(*)::int AS decided, max(received_at)::text AS last FROM decided`,
      [caseId, status, decidedAt, from, limit],
    );
    return row;
  }

  private async decisionOf(manager: EntityManager, decisionId: string): Promise<DecisionRow | null> {
    const [row]: DecisionRow[] = await manager.query(
      `SELECT d.case_id, d.action, d.created_at, d.applied_at, c.report_count
       FROM decisions d JOIN cases c ON c.id = d.case_id WHERE d.id = $1`,
      [decisionId],
    );
    return row ?? null;
  }
}
