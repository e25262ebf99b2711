import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Category, Source } from '@vigil/domain';

/** Internal report status; the reporter sees `triaged` as `in_review` (see reportStatusForReporter). */
export type StoredReportStatus = 'received' | 'triaged' | 'action_taken' | 'no_action';

@Entity({ name: 'reports' })
export class ReportEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column({ name: 'channel_id', type: 'uuid' })
  channelId: string;

  @Column({ name: 'case_id', type: 'uuid', nullable: true })
  caseId: string | null;

  @Column({ type: 'text' })
  source: Source;

  @Column({ name: 'api_key_id', type: 'uuid', nullable: true })
  apiKeyId: string | null;

  /** Keyed hash of who reported (contact, API key or client address): counts distinct reporters, never reversible. */
  @Column({ name: 'reporter_ref', type: 'text' })
  reporterRef: string;

  @Column({ name: 'reporter_pseudonym', type: 'text' })
  reporterPseudonym: string;

  /** Personal data: leaves this table only in notices to the reporter and an audited admin reveal. */
  @Column({ name: 'reporter_contact', type: 'text', nullable: true })
  reporterContact: string | null;

  @Column({ name: 'channel_input', type: 'text' })
  channelInput: string;

  @Column({ name: 'post_id', type: 'text', nullable: true })
  postId: string | null;

  @Column({ type: 'text' })
  category: Category;

  @Column({ type: 'text', nullable: true })
  organization: string | null;

  @Column({ type: 'text' })
  description: string;

  /** The channel's display name as the reporter saw it. */
  @Column({ name: 'channel_title', type: 'text', nullable: true })
  channelTitle: string | null;

  /** The canonical key of the channel this one replaces, as the reporter said (`previousChannel`). */
  @Column({ name: 'previous_channel_key', type: 'text', nullable: true })
  previousChannelKey: string | null;

  /** Lookup keys of the channel's names and evidence (`handle:…`, `title:…`, `evidence:…`), for migration matching. */
  @Column({ name: 'match_keys', type: 'text', array: true, default: [] })
  matchKeys: string[];

  @Column({ name: 'evidence_urls', type: 'jsonb', default: [] })
  evidenceUrls: string[];

  @Column({ type: 'text', nullable: true })
  language: string | null;

  @Column({ name: 'language_detected', type: 'boolean', default: false })
  languageDetected: boolean;

  @Column({ type: 'integer', nullable: true })
  subscribers: number | null;

  @Column({ name: 'removal_order', type: 'boolean', default: false })
  removalOrder: boolean;

  @Column({ type: 'text', default: 'received' })
  status: StoredReportStatus;

  @Column({ name: 'idempotency_scope', type: 'text', nullable: true })
  idempotencyScope: string | null;

  @Column({ name: 'idempotency_key', type: 'text', nullable: true })
  idempotencyKey: string | null;

  @Column({ name: 'request_hash', type: 'text', nullable: true })
  requestHash: string | null;

  @Column({ name: 'tracking_token_hash', type: 'text' })
  trackingTokenHash: string;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt: Date;

  @Column({ name: 'triaged_at', type: 'timestamptz', nullable: true })
  triagedAt: Date | null;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt: Date | null;
}
