import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import type { Category, ChannelKind, Platform, Source } from '@vigil/domain';
import { queryPrepared } from '@vigil/database';
import { QueueName, QueueProducer, triageJob } from '@vigil/queues';
import { DataSource } from 'typeorm';

/** Everything the intake statement writes for one report, prepared by SubmitReport. */
export interface IntakeRow {
  id: string;
  source: Source;
  apiKeyId: string | null;
  reporterRef: string;
  reporterPseudonym: string;
  reporterContact: string | null;
  channelInput: string;
  postId: string | null;
  category: Category;
  organization: string | null;
  description: string;
  /** JSON text of the evidence URL array. */
  evidenceUrls: string;
  channelTitle: string | null;
  previousChannelKey: string | null;
  /** JSON text of the report's migration lookup keys (`matchKeys` of libs/domain). */
  matchKeys: string;
  language: string | null;
  subscribers: number | null;
  removalOrder: boolean;
  idempotencyScope: string | null;
  idempotencyKey: string | null;
  requestHash: string | null;
  trackingTokenHash: string;
  channelPlatform: Platform;
  channelKind: ChannelKind;
  channelKey: string;
  channelHandle: string | null;
  channelUrl: string;
  /** JSON text of the channel's fingerprints. */
  channelFingerprints: string;
  actorId: string | null;
  actorRole: string;
  requestId: string | null;
}

export interface IntakeOutcome {
  /** Null when nothing was inserted: an Idempotency-Key seen before, a suspended reporter, or a channel race. */
  reportId: string | null;
  /**
   * Null when the channel was created by a statement that committed after this one's snapshot: this row wrote
   * nothing and should be written again.
   */
  channelId: string | null;
  /** Set when the reporter is suspended (and nothing was written for this row). */
  suspendedUntil: Date | null;
  warned: boolean;
}

/** Running totals since start, for operators and tests: how much group commit saves, and how often it fell back. */
export interface IntakeGroupCommitTotals {
  /** Batches taken off the waiting list. */
  batches: number;
  /** Rows in those batches. */
  rows: number;
  /** Intake statements sent, the row-by-row reruns of failed batches included. */
  statements: number;
  /** Batches whose statement failed, so that their rows were written one by one. */
  failedBatches: number;
}

type ColumnType = 'uuid' | 'text' | 'integer' | 'boolean';

/** The statement's input columns, in parameter order: each is one array parameter, unnested side by side. */
const COLUMNS: [name: string, type: ColumnType, value: (row: IntakeRow) => unknown][] = [
  ['id', 'uuid', (r) => r.id],
  ['source', 'text', (r) => r.source],
  ['api_key_id', 'uuid', (r) => r.apiKeyId],
  ['reporter_ref', 'text', (r) => r.reporterRef],
  ['reporter_pseudonym', 'text', (r) => r.reporterPseudonym],
  ['reporter_contact', 'text', (r) => r.reporterContact],
  ['channel_input', 'text', (r) => r.channelInput],
  ['post_id', 'text', (r) => r.postId],
  ['category', 'text', (r) => r.category],
  ['organization', 'text', (r) => r.organization],
  ['description', 'text', (r) => r.description],
  ['evidence_urls', 'text', (r) => r.evidenceUrls],
  ['channel_title', 'text', (r) => r.channelTitle],
  ['previous_channel_key', 'text', (r) => r.previousChannelKey],
  ['match_keys', 'text', (r) => r.matchKeys],
  ['language', 'text', (r) => r.language],
  ['subscribers', 'integer', (r) => r.subscribers],
  ['removal_order', 'boolean', (r) => r.removalOrder],
  ['idempotency_scope', 'text', (r) => r.idempotencyScope],
  ['idempotency_key', 'text', (r) => r.idempotencyKey],
  ['request_hash', 'text', (r) => r.requestHash],
  ['tracking_token_hash', 'text', (r) => r.trackingTokenHash],
  ['platform', 'text', (r) => r.channelPlatform],
  ['kind', 'text', (r) => r.channelKind],
  ['canonical_key', 'text', (r) => r.channelKey],
  ['handle', 'text', (r) => r.channelHandle],
  ['url', 'text', (r) => r.channelUrl],
  ['fingerprints', 'text', (r) => r.channelFingerprints],
  ['actor_id', 'text', (r) => r.actorId],
  ['actor_role', 'text', (r) => r.actorRole],
  ['request_id', 'text', (r) => r.requestId],
];

/**
 * Intake of a batch of reports in one statement, so one round trip and one commit serve them all (acknowledged
 * means committed: nobody is answered before this statement returns). Per row it does what intake always did: reads
 * the reporter's standing (a suspended reporter's row writes nothing), finds or creates the channel without locking
 * an existing row (a surge on one channel must not queue behind a row lock), inserts the report unless its
 * Idempotency-Key was seen, and writes its `report.received` audit event with the same columns AuditService.record
 * writes.
 *
 * Rows of one batch may share a channel or an Idempotency-Key. A new channel is inserted once (DISTINCT ON). Of the
 * rows sharing a key only the earliest that has a channel is inserted; the others come back without a report and
 * are answered like any repeated key (replay or 409). Channels and keys are inserted in key order, so two batches
 * racing for the same new keys wait on each other rather than deadlock (a deadlock all the same fails the batch, and
 * its rows are written one by one).
 *
 * A channel created by a statement that committed after this one's snapshot is neither inserted (conflict) nor seen
 * (snapshot): that row's `channel_id` comes back null and it wrote nothing, while the other rows are written.
 */
const INTAKE_BATCH_STATEMENT = `
  WITH input AS (
    SELECT * FROM unnest(${COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')})
      WITH ORDINALITY AS given (${COLUMNS.map(([name]) => name).join(', ')}, ord)
  ), standing AS (
    SELECT input.ord, s.suspended_until > now() AS suspended, s.suspended_until, s.warned_at IS NOT NULL AS warned
    FROM input JOIN reporter_standings s ON s.reporter_ref = input.reporter_ref
  ), allowed AS (
    SELECT input.* FROM input
    WHERE NOT EXISTS (SELECT 1 FROM standing WHERE standing.ord = input.ord AND standing.suspended)
  ), new_channel AS (
    INSERT INTO channels (platform, kind, canonical_key, handle, title, url, fingerprints)
    SELECT DISTINCT ON (canonical_key) platform, kind, canonical_key, handle, channel_title, url, fingerprints::jsonb
    FROM allowed ORDER BY canonical_key, ord
    ON CONFLICT (canonical_key) DO NOTHING
    RETURNING id, canonical_key
  ), channel AS (
    SELECT DISTINCT ON (canonical_key) id, canonical_key FROM (
      SELECT id, canonical_key FROM new_channel
      UNION ALL
      SELECT id, canonical_key FROM channels WHERE canonical_key IN (SELECT canonical_key FROM allowed)
    ) found
  ), candidate AS (
    SELECT allowed.*, channel.id AS channel_id,
      row_number() OVER (PARTITION BY allowed.idempotency_scope, allowed.idempotency_key ORDER BY allowed.ord) AS nth
    FROM allowed JOIN channel ON channel.canonical_key = allowed.canonical_key
  ), report AS (
    INSERT INTO reports (id, channel_id, source, api_key_id, reporter_ref, reporter_pseudonym, reporter_contact,
      channel_input, post_id, category, organization, description, evidence_urls, channel_title,
      previous_channel_key, match_keys, language, language_detected, subscribers, removal_order, idempotency_scope,
      idempotency_key, request_hash, tracking_token_hash)
    SELECT id, channel_id, source, api_key_id, reporter_ref, reporter_pseudonym, reporter_contact,
      channel_input, post_id, category, organization, description, evidence_urls::jsonb, channel_title,
      previous_channel_key, ARRAY(SELECT jsonb_array_elements_text(match_keys::jsonb)), language, false,
      subscribers, removal_order, idempotency_scope, idempotency_key, request_hash, tracking_token_hash
    FROM candidate WHERE idempotency_key IS NULL OR nth = 1
    ORDER BY idempotency_scope, idempotency_key, ord
    ON CONFLICT (idempotency_scope, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
    RETURNING id, channel_id
  ), event AS (
    INSERT INTO audit_events (occurred_at, actor_id, actor_role, action, target_type, target_id, data, request_id)
    SELECT clock_timestamp(), input.actor_id, input.actor_role, 'report.received', 'report', report.id::text,
      jsonb_build_object('channelId', report.channel_id, 'channelKey', input.canonical_key,
        'category', input.category, 'source', input.source),
      input.request_id
    FROM report JOIN input ON input.id = report.id
    ORDER BY input.ord
    RETURNING target_id
  )
  SELECT report.id AS report_id,
         channel.id AS channel_id,
         CASE WHEN standing.suspended THEN standing.suspended_until END AS suspended_until,
         coalesce(standing.warned, false) AS warned
  FROM input
  LEFT JOIN report ON report.id = input.id
  LEFT JOIN channel ON channel.canonical_key = input.canonical_key
  LEFT JOIN standing ON standing.ord = input.ord
  ORDER BY input.ord`;

interface OutcomeRow {
  report_id: string | null;
  channel_id: string | null;
  suspended_until: Date | null;
  warned: boolean;
}

interface Waiting {
  row: IntakeRow;
  resolve: (outcome: IntakeOutcome) => void;
  reject: (error: unknown) => void;
}

type Written = { ok: true; outcome: IntakeOutcome } | { ok: false; error: unknown };

/**
 * The reports that get a triage job: the first inserted of each channel. A triage job attaches every report of its
 * channel still waiting, and the others of this batch were committed with it, so the one job carries them all
 * (TriageReport goes on past a full batch until the channel is clear; the reconciler re-enqueues anything left).
 * In a surge most reports of a batch are on a few hot channels: this saves their jobs' Redis and database round trips,
 * and `triageJob` adds none for a channel whose job from an earlier batch is still waiting.
 */
function triageLeaders(written: Written[]): [channelId: string, reportId: string][] {
  const leaders = new Map<string, string>();
  for (const w of written) {
    if (w.ok && w.outcome.reportId && w.outcome.channelId && !leaders.has(w.outcome.channelId)) {
      leaders.set(w.outcome.channelId, w.outcome.reportId);
    }
  }
  return [...leaders];
}

/**
 * Group commit for intake. A report goes out at once when fewer than `intakeBatchMaxInFlight` intake statements
 * are running; otherwise it waits, and everything that waited goes out together (up to `intakeBatchMaxRows`) as
 * soon as one of them returns. No timer: under light load nothing waits, and under load the batches grow by
 * themselves, so Postgres parses, plans and commits once for many reports. Each caller is answered as soon as its
 * batch committed; the triage jobs of a batch (one per channel) are then enqueued with one call, without holding the
 * answers back: a Redis round trip is not part of what a 202 promises, and a job that never reaches Redis (Redis
 * away, the process killed in between) is re-enqueued by the reconciler, which finds every report still waiting.
 */
@Injectable()
export class IntakeGroupCommit implements BeforeApplicationShutdown {
  private readonly logger = new Logger(IntakeGroupCommit.name);
  private readonly waiting: Waiting[] = [];
  private inFlight = 0;
  private readonly maxInFlight: number;
  private readonly maxRows: number;
  private readonly counts: IntakeGroupCommitTotals = { batches: 0, rows: 0, statements: 0, failedBatches: 0 };
  /** Enqueue calls still on their way to Redis. */
  private readonly enqueueing = new Set<Promise<boolean>>();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(VIGIL_CONFIG) config: VigilConfig,
    private readonly queues: QueueProducer,
  ) {
    this.maxInFlight = config.intakeBatchMaxInFlight;
    this.maxRows = config.intakeBatchMaxRows;
  }

  /** Writes the row with whatever else is waiting; resolves once committed (its triage job is offered after). */
  write(row: IntakeRow): Promise<IntakeOutcome> {
    return new Promise<IntakeOutcome>((resolve, reject) => {
      this.waiting.push({ row, resolve, reject });
      this.dispatch();
    });
  }

  get totals(): IntakeGroupCommitTotals {
    return { ...this.counts };
  }

  /** Resolves once every triage job offered so far reached Redis or was left to the reconciler. */
  async enqueued(): Promise<void> {
    await Promise.all([...this.enqueueing]);
  }

  /** A graceful stop hands the last batches' jobs to Redis before the queues close (onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.enqueued();
  }

  private dispatch(): void {
    while (this.inFlight < this.maxInFlight && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.maxRows);
      this.inFlight++;
      this.counts.batches++;
      this.counts.rows += batch.length;
      void this.commit(batch).catch((error: Error) => this.logger.error(`Intake batch: ${error.stack ?? error}`));
    }
  }

  private async commit(batch: Waiting[]): Promise<void> {
    let written: Written[];
    try {
      // Never throws: a failure is in the answer of the row it belongs to.
      written = await this.writeRows(batch.map((waiting) => waiting.row));
    } finally {
      // The slot bounds work in Postgres; enqueueing is Redis's and must not hold the next batch back.
      this.inFlight--;
      this.dispatch();
    }
    batch.forEach((waiting, i) => {
      const result = written[i];
      if (result.ok) waiting.resolve(result.outcome);
      else waiting.reject(result.error);
    });
    // Never throws: jobs it could not enqueue are left to the reconciler, the rows being committed.
    const enqueue = this.queues.addAfterCommit(
      QueueName.Triage,
      triageLeaders(written).map(([channelId, reportId]) => triageJob(reportId, channelId)),
    );
    this.enqueueing.add(enqueue);
    await enqueue.finally(() => this.enqueueing.delete(enqueue));
  }

  /** The batch in one statement; if that fails, each row on its own, so one bad row cannot fail the others. */
  private async writeRows(rows: IntakeRow[]): Promise<Written[]> {
    try {
      return (await this.run(rows)).map((outcome) => ({ ok: true, outcome }));
    } catch (error) {
      if (rows.length === 1) return [{ ok: false, error }];
      this.counts.failedBatches++;
      this.logger.warn(
        `An intake batch of ${rows.length} reports failed (${(error as Error).message}); writing them one by one`,
      );
    }
    const written: Written[] = [];
    for (const row of rows) {
      try {
        const [outcome] = await this.run([row]);
        written.push({ ok: true, outcome });
      } catch (error) {
        written.push({ ok: false, error });
      }
    }
    return written;
  }

  private async run(rows: IntakeRow[]): Promise<IntakeOutcome[]> {
    this.counts.statements++;
    const params = COLUMNS.map(([, , value]) => rows.map(value));
    const result = await queryPrepared<OutcomeRow>(this.db, INTAKE_BATCH_STATEMENT, params);
    if (result.length !== rows.length) {
      throw new Error(`the intake statement answered ${result.length} rows for ${rows.length}`);
    }
    return result.map((r) => ({
      reportId: r.report_id,
      channelId: r.channel_id,
      suspendedUntil: r.suspended_until,
      warned: r.warned,
    }));
  }
}
