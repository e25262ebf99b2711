import { Column, Entity, PrimaryGeneratedColumn, VersionColumn } from 'typeorm';
import type { CaseStatus, Category, SlaState, Source } from '@vigil/domain';

export interface StoredPriorityFactor {
  factor: string;
  points: number;
  detail: string;
}

@Entity({ name: 'cases' })
export class CaseEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'channel_id', type: 'uuid' })
  channelId: string;

  @Column({ type: 'text', default: 'open' })
  status: CaseStatus;

  @Column({ type: 'integer', default: 0 })
  priority: number;

  @Column({ name: 'priority_breakdown', type: 'jsonb', default: [] })
  priorityBreakdown: StoredPriorityFactor[];

  /** Designated organisations matched in any of the case's reports (kept so triage need not re-read them all). */
  @Column({ name: 'organisation_matches', type: 'jsonb', default: [] })
  organisationMatches: { id: string; name: string; matched: string }[];

  @Column({ name: 'top_category', type: 'text' })
  topCategory: Category;

  @Column({ name: 'sla_due_at', type: 'timestamptz' })
  slaDueAt: Date;

  /** Where the SLA window runs from: the receipt of the report that set the deadline, or when a clock was put on. */
  @Column({ name: 'sla_started_at', type: 'timestamptz', nullable: true })
  slaStartedAt: Date | null;

  @Column({ name: 'sla_state', type: 'text', default: 'ok' })
  slaState: SlaState;

  /** When the SLA clock next changes state; null once overdue. The worker's SlaClocks finds cases by it. */
  @Column({ name: 'sla_next_check_at', type: 'timestamptz', nullable: true })
  slaNextCheckAt: Date | null;

  /** The active incident whose boost the case carries. */
  @Column({ name: 'incident_id', type: 'uuid', nullable: true })
  incidentId: string | null;

  @Column({ name: 'report_count', type: 'integer', default: 0 })
  reportCount: number;

  @Column({ name: 'distinct_reporters', type: 'integer', default: 0 })
  distinctReporters: number;

  /** Of the case's reports, kept by triage batch by batch: their categories, sources, largest reach, removal order. */
  @Column({ type: 'text', array: true, default: [] })
  categories: Category[];

  @Column({ type: 'text', array: true, default: [] })
  sources: Source[];

  @Column({ name: 'max_subscribers', type: 'integer', nullable: true })
  maxSubscribers: number | null;

  @Column({ name: 'removal_order', type: 'boolean', default: false })
  removalOrder: boolean;

  /** The languages of its reports: a claim prefers cases in the moderator's languages. */
  @Column({ type: 'text', array: true, default: [] })
  languages: string[];

  @Column({ name: 'assignee_id', type: 'uuid', nullable: true })
  assigneeId: string | null;

  @Column({ name: 'lease_expires_at', type: 'timestamptz', nullable: true })
  leaseExpiresAt: Date | null;

  /** Set when escalated: a release returns the case to the seniors' queue. */
  @Column({ type: 'boolean', default: false })
  escalated: boolean;

  /** The case this channel had before, when a report re-opens a channel whose earlier case was resolved. */
  @Column({ name: 'previous_case_id', type: 'uuid', nullable: true })
  previousCaseId: string | null;

  @VersionColumn({ type: 'integer' })
  version: number;

  @Column({ name: 'opened_at', type: 'timestamptz' })
  openedAt: Date;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt: Date | null;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt: Date | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
