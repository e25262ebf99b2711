import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ActionContext } from '@vigil/audit';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import {
  canonicaliseChannel,
  CanonicalChannel,
  Category,
  DomainError,
  normaliseText,
  Platform,
  Source,
} from '@vigil/domain';
import type { Principal } from '@vigil/identity';
import { QueueName, QueueProducer, triageJobId } from '@vigil/queues';
import canonicalize from 'canonicalize';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ReporterIdentity } from './reporter-identity';

export interface SubmitReportInput {
  channel: string;
  platform?: Platform;
  category: Category;
  organization?: string;
  description: string;
  evidenceUrls?: string[];
  language?: string;
  subscribers?: number;
  reporterContact?: string;
  removalOrder?: boolean;
}

export interface SubmitReportCommand {
  report: SubmitReportInput;
  idempotencyKey?: string;
  principal: Principal | null;
  clientAddress: string;
}

export interface SubmittedReport {
  id: string;
  status: 'received';
  trackingToken: string;
  channel: { platform: Platform; key: string; url: string };
  /** Present when this reporter was warned that most of its reports were found to show no violation. */
  warning?: string;
}

export const REPORTER_WARNING =
  'Most of your earlier reports were found to show no violation. Reporters who go on filing unfounded reports ' +
  'are suspended from reporting for a period.';

const ANONYMOUS_SCOPE = 'public';

interface IntakeOutcome {
  /** Null when nothing was inserted: an Idempotency-Key seen before, a suspended reporter, or a channel race. */
  report_id: string | null;
  channel_id: string | null;
  /** Set when the reporter is suspended (and nothing was written). */
  suspended_until: Date | null;
  warned: boolean;
}

/**
 * Intake in one statement, so one round trip commits it (acknowledged means committed): the reporter's standing
 * is read, the channel found or created without locking an existing row (a surge on one channel must not queue
 * behind a row lock), the report inserted unless its Idempotency-Key was seen, and its `report.received` audit
 * event written with the same columns AuditService.record writes. A suspended reporter writes nothing. A channel
 * created by a statement that committed after this one's snapshot is neither inserted nor seen: `channel_id` comes
 * back null and the caller runs the statement again.
 */
const INTAKE_STATEMENT = `
  WITH standing AS (
    SELECT suspended_until > now() AS suspended, suspended_until, warned_at IS NOT NULL AS warned
    FROM reporter_standings WHERE reporter_ref = $4
  ), allowed AS (
    SELECT NOT EXISTS (SELECT 1 FROM standing WHERE suspended) AS ok
  ), new_channel AS (
    INSERT INTO channels (platform, kind, canonical_key, handle, url, fingerprints)
    SELECT $21, $22, $23, $24, $25, $26::jsonb FROM allowed WHERE ok
    ON CONFLICT (canonical_key) DO NOTHING
    RETURNING id
  ), channel AS (
    SELECT id FROM new_channel UNION ALL SELECT id FROM channels WHERE canonical_key = $23 LIMIT 1
  ), report AS (
    INSERT INTO reports (id, channel_id, source, api_key_id, reporter_ref, reporter_pseudonym, reporter_contact,
      channel_input, post_id, category, organization, description, evidence_urls, language, language_detected,
      subscribers, removal_order, idempotency_scope, idempotency_key, request_hash, tracking_token_hash)
    SELECT $1::uuid, channel.id, $2::text, $3::uuid, $4::text, $5::text, $6::text, $7::text, $8::text, $9::text,
      $10::text, $11::text, $12::jsonb, $13::text, $14::boolean, $15::integer, $16::boolean, $17::text, $18::text,
      $19::text, $20::text
    FROM channel, allowed WHERE allowed.ok
    ON CONFLICT (idempotency_scope, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
    RETURNING id, channel_id
  ), event AS (
    INSERT INTO audit_events (occurred_at, actor_id, actor_role, action, target_type, target_id, data, request_id)
    SELECT clock_timestamp(), $27::text, $28::text, 'report.received', 'report', report.id::text,
      jsonb_build_object('channelId', report.channel_id, 'channelKey', $23::text, 'category', $9::text,
        'source', $2::text),
      $29::text
    FROM report
    RETURNING 1
  )
  SELECT (SELECT id FROM report) AS report_id,
         (SELECT id FROM channel) AS channel_id,
         (SELECT suspended_until FROM standing WHERE suspended) AS suspended_until,
         coalesce((SELECT warned FROM standing), false) AS warned,
         (SELECT count(*) FROM event)::int AS events`;

/** Intake: channel upsert, report and `report.received` in one statement (INTAKE_STATEMENT); acknowledged means committed. */
@Injectable()
export class SubmitReport {
  private readonly identity: ReporterIdentity;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(VIGIL_CONFIG) config: VigilConfig,
    private readonly queues: QueueProducer,
  ) {
    this.identity = new ReporterIdentity(config.reporterSecret);
  }

  async execute(command: SubmitReportCommand, ctx: ActionContext): Promise<SubmittedReport> {
    const { report, principal } = command;
    const apiKey = principal?.kind === 'api_key' ? principal : null;
    if (report.removalOrder && apiKey?.role !== 'referral_unit') {
      throw new DomainError('FORBIDDEN', 'only referral units may submit removal orders');
    }
    const channel = canonicaliseChannel(report.channel, report.platform);
    const source: Source = apiKey ? apiKey.role : 'public';
    const scope = command.idempotencyKey ? (apiKey ? `apikey:${apiKey.apiKeyId}` : ANONYMOUS_SCOPE) : null;
    const requestHash = command.idempotencyKey ? sha256(canonicalize(report) ?? '') : null;
    const reporterRef = this.identity.reporterRef({
      contact: report.reporterContact,
      apiKeyId: apiKey?.apiKeyId,
      clientAddress: command.clientAddress,
    });
    const id = randomUUID();
    // Detected at triage when not given (TriageReport): language detection is the costliest step of a report.
    const language = report.language?.toLowerCase() ?? null;
    const params = [
      id,
      source,
      apiKey?.apiKeyId ?? null,
      reporterRef,
      ReporterIdentity.pseudonymOf(reporterRef),
      report.reporterContact ?? null,
      report.channel,
      channel.postId,
      report.category,
      report.organization ?? null,
      report.description,
      JSON.stringify(report.evidenceUrls ?? []),
      language,
      false,
      report.subscribers ?? null,
      report.removalOrder ?? false,
      scope,
      command.idempotencyKey ?? null,
      requestHash,
      ReporterIdentity.tokenHash(this.identity.trackingToken(id)),
      channel.platform,
      channel.kind,
      channel.key,
      channel.handle,
      channel.url,
      JSON.stringify(channel.handle ? { handle: normaliseText(channel.handle) } : {}),
      ctx.actor.id,
      ctx.actor.role,
      ctx.requestId,
    ];

    for (let attempt = 0; attempt < 3; attempt++) {
      const [outcome]: IntakeOutcome[] = await this.db.query(INTAKE_STATEMENT, params);
      if (outcome.suspended_until) {
        // A retry of a report accepted before the suspension still gets its first answer.
        if (scope && (await this.priorReport(scope, command.idempotencyKey!))) {
          return this.replay(scope, command.idempotencyKey!, requestHash!, channel);
        }
        throw new DomainError(
          'REPORTER_SUSPENDED',
          `reporting is suspended until ${outcome.suspended_until.toISOString()}: most of your earlier reports ` +
            'were found to show no violation',
        );
      }
      // The channel was created by a statement that committed after this one's snapshot: look again.
      if (outcome.channel_id === null) continue;
      const warning = outcome.warned ? { warning: REPORTER_WARNING } : {};
      if (outcome.report_id === null) {
        return { ...(await this.replay(scope!, command.idempotencyKey!, requestHash!, channel)), ...warning };
      }
      await this.queues.addAfterCommit(QueueName.Triage, [
        { job: { name: 'triage-report', data: { reportId: id } }, opts: { jobId: triageJobId(id) } },
      ]);
      return { ...this.answer(id, channel), ...warning };
    }
    throw new Error(`could not find or create channel ${channel.key}`);
  }

  private async priorReport(scope: string, key: string): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `SELECT 1 FROM reports WHERE idempotency_scope = $1 AND idempotency_key = $2`,
      [scope, key],
    );
    return rows.length > 0;
  }

  /** The same Idempotency-Key again: the first answer for the same body, 409 for another. */
  private async replay(
    scope: string,
    key: string,
    requestHash: string,
    channel: CanonicalChannel,
  ): Promise<SubmittedReport> {
    const [existing]: { id: string; request_hash: string }[] = await this.db.query(
      `SELECT id, request_hash FROM reports WHERE idempotency_scope = $1 AND idempotency_key = $2`,
      [scope, key],
    );
    if (!existing || existing.request_hash !== requestHash) {
      throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was already used with a different body');
    }
    return this.answer(existing.id, channel);
  }

  private answer(id: string, channel: CanonicalChannel): SubmittedReport {
    return {
      id,
      status: 'received',
      trackingToken: this.identity.trackingToken(id),
      channel: { platform: channel.platform, key: channel.key, url: channel.url },
    };
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
