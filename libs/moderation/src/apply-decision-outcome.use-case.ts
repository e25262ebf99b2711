import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActionContext, AuditService } from '@vigil/audit';
import { DecisionAction, reportStatusAfter } from '@vigil/domain';
import { DataSource, EntityManager } from 'typeorm';
import { lockCase } from './case-lock';
import { CaseCloser } from './close-case';
import { FollowUps, OutboxDispatcher } from './outbox-dispatcher';
import { ReporterStandings } from './reporter-standings';

interface DecisionRow {
  case_id: string;
  action: DecisionAction;
  created_at: Date;
  applied_at: Date | null;
}

/**
 * Carries a decision to its case's reports and reporters, in one transaction with `decision.applied`: every report
 * still in review takes the outcome (decided at the decision's time), every reporter's record counts the case (and
 * may warn or suspend them: `reporter.warned`, `reporter.suspended`), and a notice is written for each reporter who
 * left a contact. On the Zipf head that is thousands of rows, which is why it is a job after the decision and not
 * part of the moderator's request (docs/decisions.md). Until it has run, the reporter's status view shows the
 * decision from the `decisions` row (ReportStatusQuery) and the case cannot close (CaseCloser). Running it twice
 * changes nothing the second time.
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
  ) {}

  async execute(input: { decisionId: string }, ctx: ActionContext): Promise<{ applied: boolean }> {
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

    const [{ reports }]: { reports: number }[] = await manager.query(
      `WITH decided AS (
         UPDATE reports SET status = $2, decided_at = $3 WHERE case_id = $1 AND status = 'triaged' RETURNING 1
       ) SELECT count(*)::int AS reports FROM decided`,
      [caseId, reportStatusAfter(decision.action), decision.created_at],
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

  private async decisionOf(manager: EntityManager, decisionId: string): Promise<DecisionRow | null> {
    const [row]: DecisionRow[] = await manager.query(
      `SELECT case_id, action, created_at, applied_at FROM decisions WHERE id = $1`,
      [decisionId],
    );
    return row ?? null;
  }
}
