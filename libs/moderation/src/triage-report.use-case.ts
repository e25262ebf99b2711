import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActionContext, AuditService } from '@vigil/audit';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { CaseEntity, ReportEntity } from '@vigil/database';
import {
  Category,
  computePriority,
  matchOrganisations,
  mostSevereCategory,
  OrganisationMatch,
  slaDueAt,
  Source,
  strongestSource,
  UNRESOLVED_CASE_STATUSES,
} from '@vigil/domain';
import { DataSource, EntityManager } from 'typeorm';
import { ReporterStandings } from './reporter-standings';

export type TriageOutcome =
  | { outcome: 'triaged'; caseId: string; caseOpened: boolean; priority: number }
  | { outcome: 'already-triaged'; caseId: string | null }
  | { outcome: 'missing' };

interface CaseAggregate {
  report_count: number;
  distinct_reporters: number;
  categories: Category[];
  sources: Source[];
  max_subscribers: number | null;
  removal_order: boolean;
}

/**
 * Attaches one report to its channel's unresolved case (opening one when there is none), re-scores the case and
 * moves its SLA deadline, all in one transaction with `report.triaged` (and `case.opened`). Running it twice for
 * one report changes nothing the second time.
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

  async execute(input: { reportId: string }, ctx: ActionContext): Promise<TriageOutcome> {
    const result = await this.db.transaction(async (manager) => {
      const report = await manager
        .getRepository(ReportEntity)
        .findOne({ where: { id: input.reportId }, lock: { mode: 'pessimistic_write' } });
      if (!report) return { outcome: 'missing' } as const;
      if (report.status !== 'received') return { outcome: 'already-triaged', caseId: report.caseId } as const;

      // Serialise triage per channel: two reports on one channel must not both open a case.
      await manager.query(`SELECT id FROM channels WHERE id = $1 FOR UPDATE`, [report.channelId]);
      const cases = manager.getRepository(CaseEntity);
      let theCase = await cases
        .createQueryBuilder('c')
        .where('c.channel_id = :channelId', { channelId: report.channelId })
        .andWhere('c.status IN (:...statuses)', { statuses: UNRESOLVED_CASE_STATUSES })
        .getOne();
      const caseOpened = theCase === null;
      const reportDue = slaDueAt(report.receivedAt, report, this.config.sla);
      if (!theCase) theCase = await this.openCase(manager, report, reportDue);

      const now = new Date();
      await manager.update(ReportEntity, { id: report.id }, { caseId: theCase.id, status: 'triaged', triagedAt: now });

      const aggregate = await this.aggregate(manager, theCase.id);
      const organisationMatches = mergeMatches(
        theCase.organisationMatches,
        matchOrganisations(`${report.organization ?? ''}\n${report.description}`),
      );
      const topCategory = mostSevereCategory(aggregate.categories);
      const { priority, breakdown } = computePriority({
        topCategory,
        bestSource: strongestSource(aggregate.sources),
        distinctReporters: aggregate.distinct_reporters,
        organisationMatches,
        maxSubscribers: aggregate.max_subscribers,
        removalOrder: aggregate.removal_order,
        reporterReputationPoints: await this.standings.casePoints(manager, theCase.id),
      });
      const due = reportDue < theCase.slaDueAt ? reportDue : theCase.slaDueAt;
      await manager.query(
        `UPDATE cases SET report_count = $2, distinct_reporters = $3, top_category = $4, priority = $5,
           priority_breakdown = $6::jsonb, organisation_matches = $7::jsonb, sla_due_at = $8,
           version = version + 1, updated_at = now()
         WHERE id = $1`,
        [
          theCase.id,
          aggregate.report_count,
          aggregate.distinct_reporters,
          topCategory,
          priority,
          JSON.stringify(breakdown),
          JSON.stringify(organisationMatches),
          due,
        ],
      );

      await this.audit.record(
        manager,
        ctx,
        ...(caseOpened
          ? [
              {
                action: 'case.opened' as const,
                target: { type: 'case', id: theCase.id },
                data: { channelId: report.channelId, reportId: report.id, previousCaseId: theCase.previousCaseId },
              },
            ]
          : []),
        {
          action: 'report.triaged',
          target: { type: 'report', id: report.id },
          data: { caseId: theCase.id, priority, slaDueAt: due.toISOString(), reportCount: aggregate.report_count },
        },
      );
      return { outcome: 'triaged', caseId: theCase.id, caseOpened, priority } as const;
    });
    if (result.outcome === 'missing') this.logger.warn(`Triage skipped: report ${input.reportId} does not exist`);
    return result;
  }

  private async openCase(manager: EntityManager, report: ReportEntity, due: Date): Promise<CaseEntity> {
    const [previous]: { id: string }[] = await manager.query(
      `SELECT id FROM cases WHERE channel_id = $1 ORDER BY opened_at DESC LIMIT 1`,
      [report.channelId],
    );
    const [row]: { id: string }[] = await manager.query(
      `INSERT INTO cases (channel_id, status, top_category, sla_due_at, previous_case_id, opened_at)
       VALUES ($1, 'open', $2, $3, $4, now()) RETURNING id`,
      [report.channelId, report.category, due, previous?.id ?? null],
    );
    return manager.getRepository(CaseEntity).findOneByOrFail({ id: row.id });
  }

  private async aggregate(manager: EntityManager, caseId: string): Promise<CaseAggregate> {
    const [row]: CaseAggregate[] = await manager.query(
      `SELECT count(*)::int AS report_count,
              count(DISTINCT reporter_ref)::int AS distinct_reporters,
              array_agg(DISTINCT category) AS categories,
              array_agg(DISTINCT source) AS sources,
              max(subscribers) AS max_subscribers,
              bool_or(removal_order) AS removal_order
       FROM reports WHERE case_id = $1`,
      [caseId],
    );
    return row;
  }
}

function mergeMatches(known: OrganisationMatch[], found: OrganisationMatch[]): OrganisationMatch[] {
  const byId = new Map(known.map((m) => [m.id, m]));
  for (const match of found) if (!byId.has(match.id)) byId.set(match.id, match);
  return [...byId.values()];
}
