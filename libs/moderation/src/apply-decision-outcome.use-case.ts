import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActionContext, AuditService } from '@vigil/audit';
import type { DecisionAction } from '@vigil/domain';
import { DataSource, EntityManager } from 'typeorm';
import { lockCase } from './case-lock';
import { CaseCloser } from './close-case';
import { FollowUps, OutboxDispatcher } from './outbox-dispatcher';
import { ReporterStandings } from './reporter-standings';

interface DecisionRow {
  case_id: string;
  channel_id: string;
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
    const caseId = await this.caseOf(manager, decisionId);
    if (!caseId) {
      this.logger.warn(`No decision ${decisionId} to apply`);
      return null;
    }
    // Under the case's lock, as appeals and the closing of the case are: whoever comes second sees it applied.
    await lockCase(manager, caseId);
    const [decision]: DecisionRow[] = await manager.query(
      `SELECT d.case_id, c.channel_id, d.action, d.created_at, d.applied_at
       FROM decisions d JOIN cases c ON c.id = d.case_id WHERE d.id = $1`,
      [decisionId],
    );
    if (decision.applied_at || decision.action === 'escalate') return null;

    const actioned = decision.action !== 'no_violation';
    const [{ reports }]: { reports: number }[] = await manager.query(
      `WITH decided AS (
         UPDATE reports SET status = $2, decided_at = $3 WHERE case_id = $1 AND status = 'triaged' RETURNING 1
       ) SELECT count(*)::int AS reports FROM decided`,
      [caseId, actioned ? 'action_taken' : 'no_action', decision.created_at],
    );
    const standing = await this.standings.recordCaseOutcome(manager, caseId, !actioned);
    const followUps = await this.outbox.write(manager, {
      decisionId,
      caseId,
      channelId: decision.channel_id,
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

  private async caseOf(manager: EntityManager, decisionId: string): Promise<string | null> {
    const [row]: { case_id: string }[] = await manager.query(`SELECT case_id FROM decisions WHERE id = $1`, [
      decisionId,
    ]);
    return row?.case_id ?? null;
  }
}
