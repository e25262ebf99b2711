import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AuditEventView, AuditQueries } from '@vigil/audit';
import { StoredPriorityFactor } from '@vigil/database';
import {
  canonicaliseChannel,
  CaseStatus,
  Category,
  ChannelStatus,
  DomainError,
  isOneOf,
  Platform,
  PLATFORMS,
  Source,
} from '@vigil/domain';
import { DataSource } from 'typeorm';
import { ChannelLinkView, loadChannelLinks } from '../channels';
import { EvidenceView, LegalHoldView, loadCaseRecords } from '../evidence';
import { decodeCursor, encodeCursor, isCursorInt, isCursorTime, isCursorUuid, Page } from '../shared';
import { DECISION_VIEW_COLUMNS, DecisionView, DecisionViewRow, decisionViewOfRow } from './record-decision.use-case';

export interface CaseFilter {
  status?: CaseStatus;
  platform?: Platform;
  category?: Category;
  minPriority?: number;
  channel?: string;
  limit: number;
  cursor?: string;
}

export interface CaseSummary {
  id: string;
  status: CaseStatus;
  priority: number;
  slaDueAt: string;
  channel: { id: string; platform: Platform; key: string; url: string; status: ChannelStatus };
  reportCount: number;
  distinctReporters: number;
  topCategory: Category;
  assigneeId: string | null;
  leaseExpiresAt: string | null;
  openedAt: string;
}

export interface CaseReportView {
  id: string;
  category: Category;
  description: string;
  evidenceUrls: string[];
  language: string | null;
  source: Source;
  reporter: string;
  receivedAt: string;
}

/**
 * A case on a channel that drew a brigade can hold tens of thousands of reports: the detail shows the first ones
 * (and their history); `reportCount` says how many there are.
 */
export const CASE_DETAIL_MAX_REPORTS = 200;

export interface CaseDetail extends CaseSummary {
  priorityBreakdown: StoredPriorityFactor[];
  reports: CaseReportView[];
  linkedChannels: Pick<ChannelLinkView, 'id' | 'channel' | 'kind' | 'score' | 'reason' | 'reasons' | 'createdAt'>[];
  decisions: DecisionView[];
  history: AuditEventView[];
  /** Files attached to the case's reports, oldest first. */
  evidence: EvidenceView[];
  /** Until when its reports and evidence are kept (EU 2021/784 Art. 6 and legal holds); null when nothing obliges. */
  preservedUntil: string | null;
  legalHolds: LegalHoldView[];
}

interface CaseReportRow {
  id: string;
  category: Category;
  description: string;
  evidence_urls: string[];
  language: string | null;
  source: Source;
  reporter_pseudonym: string;
  received_at: Date;
}

interface CaseRow {
  id: string;
  status: CaseStatus;
  priority: number;
  sla_due_at: Date;
  report_count: number;
  distinct_reporters: number;
  top_category: Category;
  assignee_id: string | null;
  lease_expires_at: Date | null;
  opened_at: Date;
  priority_breakdown: StoredPriorityFactor[];
  channel_id: string;
  channel_platform: Platform;
  channel_key: string;
  channel_url: string;
  channel_status: ChannelStatus;
}

const CASE_COLUMNS = `
  c.id, c.status, c.priority, c.sla_due_at, c.report_count, c.distinct_reporters, c.top_category, c.assignee_id,
  c.lease_expires_at, c.opened_at, c.priority_breakdown, ch.id AS channel_id, ch.platform AS channel_platform,
  ch.canonical_key AS channel_key, ch.url AS channel_url, ch.status AS channel_status`;

type CaseCursor = [number, string, string];
const isCaseCursor = (k: unknown[]): k is CaseCursor =>
  k.length === 3 && isCursorInt(k[0]) && isCursorTime(k[1]) && isCursorUuid(k[2]);

/** The review queue as a query over `cases`: filtered, highest priority first, then the earliest SLA deadline. */
@Injectable()
export class CaseQueries {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly audit: AuditQueries,
  ) {}

  async list(filter: CaseFilter): Promise<Page<CaseSummary>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    if (filter.status) where.push(`c.status = ${param(filter.status)}`);
    if (filter.platform) where.push(`ch.platform = ${param(filter.platform)}`);
    if (filter.category) where.push(`c.top_category = ${param(filter.category)}`);
    if (filter.minPriority !== undefined) where.push(`c.priority >= ${param(filter.minPriority)}`);
    if (filter.channel) {
      const key = channelKeyOf(filter.channel);
      where.push(`ch.canonical_key = ${param(key)}`);
    }
    if (filter.cursor) {
      const [priority, slaDueAt, id] = decodeCursor<CaseCursor>(filter.cursor, isCaseCursor);
      const p = param(priority);
      const s = param(new Date(slaDueAt));
      const i = param(id);
      where.push(`(c.priority < ${p} OR (c.priority = ${p} AND (c.sla_due_at, c.id) > (${s}, ${i}::uuid)))`);
    }
    const rows: CaseRow[] = await this.db.query(
      `SELECT ${CASE_COLUMNS} FROM cases c JOIN channels ch ON ch.id = c.channel_id
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY c.priority DESC, c.sla_due_at ASC, c.id ASC
       LIMIT ${param(filter.limit + 1)}`,
      params,
    );
    const items = rows.slice(0, filter.limit).map(caseSummary);
    const last = rows.length > filter.limit ? items[items.length - 1] : null;
    return { items, nextCursor: last ? encodeCursor([last.priority, last.slaDueAt, last.id]) : null };
  }

  /** Every case of one channel, newest first. */
  async forChannel(channelId: string): Promise<CaseSummary[]> {
    const rows: CaseRow[] = await this.db.query(
      `SELECT ${CASE_COLUMNS} FROM cases c JOIN channels ch ON ch.id = c.channel_id
       WHERE c.channel_id = $1 ORDER BY c.opened_at DESC, c.id`,
      [channelId],
    );
    return rows.map(caseSummary);
  }

  /** `channelId`, when the caller knows it (a case's channel never changes), lets the links be read at once too. */
  async detail(caseId: string, channelId?: string): Promise<CaseDetail> {
    // Independent reads, asked for at once: the history selects the events of the reports shown by itself.
    const [[row], reports, decisions, history, linksOfKnownChannel, records]: [
      CaseRow[],
      CaseReportRow[],
      DecisionViewRow[],
      AuditEventView[],
      ChannelLinkView[] | null,
      { evidence: EvidenceView[]; preservedUntil: string | null; legalHolds: LegalHoldView[] },
    ] = await Promise.all([
      this.db.query(`SELECT ${CASE_COLUMNS} FROM cases c JOIN channels ch ON ch.id = c.channel_id WHERE c.id = $1`, [caseId]),
      // Only the columns shown: on a hot case that is 200 rows, on every claim of it. case_first_reports walks the
      // case's reports in order (migration 0014), where the planner would sort thousands of a fresh hot case.
      this.db.query(
        `SELECT id, category, description, evidence_urls, language, source, reporter_pseudonym, received_at
         FROM case_first_reports($1, $2) ORDER BY received_at, id`,
        [caseId, CASE_DETAIL_MAX_REPORTS],
      ),
      this.db.query(`SELECT ${DECISION_VIEW_COLUMNS} FROM decisions WHERE case_id = $1 ORDER BY created_at, id`, [caseId]),
      this.audit.forTargets([
        { type: 'case', ids: [caseId] },
        {
          type: 'report',
          idsSelectedBy: (param) =>
            `SELECT r.id::text FROM case_first_reports(${param(caseId)}, ${param(CASE_DETAIL_MAX_REPORTS)}) r`,
        },
        // The index on data ->> 'caseId' holds exactly these three types (migration 0012): name a new one there too.
        { types: ['enforcement', 'notification', 'appeal'], dataField: 'caseId', equals: caseId },
      ]),
      channelId ? loadChannelLinks(this.db, channelId) : null,
      loadCaseRecords(this.db, caseId),
    ]);
    if (!row) throw new DomainError('NOT_FOUND', 'case not found');
    const links = linksOfKnownChannel ?? (await loadChannelLinks(this.db, row.channel_id));
    return {
      ...caseSummary(row),
      priorityBreakdown: row.priority_breakdown,
      reports: reports.map((r) => ({
        id: r.id,
        category: r.category,
        description: r.description,
        evidenceUrls: r.evidence_urls,
        language: r.language,
        source: r.source,
        reporter: r.reporter_pseudonym,
        receivedAt: r.received_at.toISOString(),
      })),
      linkedChannels: links.map((l) => ({
        id: l.id,
        channel: l.channel,
        kind: l.kind,
        score: l.score,
        reason: l.reason,
        reasons: l.reasons,
        createdAt: l.createdAt,
      })),
      decisions: decisions.map(decisionViewOfRow),
      history,
      ...records,
    };
  }
}

function channelKeyOf(channel: string): string {
  // A key as the API shows it (`telegram:name`) or any link form of the channel.
  const asKey = /^([a-z]+):([^/].*)$/.exec(channel);
  if (asKey && isOneOf(PLATFORMS, asKey[1])) return channel;
  return canonicaliseChannel(channel).key;
}

function caseSummary(row: CaseRow): CaseSummary {
  return {
    id: row.id,
    status: row.status,
    priority: row.priority,
    slaDueAt: row.sla_due_at.toISOString(),
    channel: {
      id: row.channel_id,
      platform: row.channel_platform,
      key: row.channel_key,
      url: row.channel_url,
      status: row.channel_status,
    },
    reportCount: row.report_count,
    distinctReporters: row.distinct_reporters,
    topCategory: row.top_category,
    assigneeId: row.assignee_id,
    leaseExpiresAt: row.lease_expires_at?.toISOString() ?? null,
    openedAt: row.opened_at.toISOString(),
  };
}
