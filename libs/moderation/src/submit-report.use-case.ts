import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActionContext, AuditService } from '@vigil/audit';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import {
  canonicaliseChannel,
  CanonicalChannel,
  Category,
  detectLanguage,
  DomainError,
  normaliseText,
  Platform,
  Source,
} from '@vigil/domain';
import type { Principal } from '@vigil/identity';
import { QueueName, QueueProducer, triageJobId } from '@vigil/queues';
import canonicalize from 'canonicalize';
import { createHash, randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { ReporterIdentity } from './reporter-identity';
import { ReporterStandings } from './reporter-standings';

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

/** Intake: channel upsert, report and `report.received` in one transaction; acknowledged means committed. */
@Injectable()
export class SubmitReport {
  private readonly identity: ReporterIdentity;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(VIGIL_CONFIG) config: VigilConfig,
    private readonly audit: AuditService,
    private readonly queues: QueueProducer,
    private readonly standings: ReporterStandings,
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
    const standing = await this.standings.forIntake(reporterRef);
    if (standing.suspendedUntil) {
      // A retry of a report accepted before the suspension still gets its first answer.
      if (scope && (await this.priorReport(scope, command.idempotencyKey!))) {
        return this.replay(scope, command.idempotencyKey!, requestHash!, channel);
      }
      throw new DomainError(
        'REPORTER_SUSPENDED',
        `reporting is suspended until ${standing.suspendedUntil.toISOString()}: most of your earlier reports were ` +
          'found to show no violation',
      );
    }
    const id = randomUUID();
    const language = report.language?.toLowerCase() ?? detectLanguage(report.description);

    const inserted = await this.db.transaction(async (manager) => {
      const channelId = await upsertChannel(manager, channel);
      const rows: { id: string }[] = await manager.query(
        `INSERT INTO reports (id, channel_id, source, api_key_id, reporter_ref, reporter_pseudonym, reporter_contact,
           channel_input, post_id, category, organization, description, evidence_urls, language, language_detected,
           subscribers, removal_order, idempotency_scope, idempotency_key, request_hash, tracking_token_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14, $15, $16, $17, $18, $19, $20, $21)
         ON CONFLICT (idempotency_scope, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
         RETURNING id`,
        [
          id,
          channelId,
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
          report.language === undefined && language !== null,
          report.subscribers ?? null,
          report.removalOrder ?? false,
          scope,
          command.idempotencyKey ?? null,
          requestHash,
          ReporterIdentity.tokenHash(this.identity.trackingToken(id)),
        ],
      );
      if (rows.length === 0) return false;
      await this.audit.record(manager, ctx, {
        action: 'report.received',
        target: { type: 'report', id },
        data: { channelId, channelKey: channel.key, category: report.category, source },
      });
      return true;
    });

    const warning = standing.warned ? { warning: REPORTER_WARNING } : {};
    if (!inserted) return { ...(await this.replay(scope!, command.idempotencyKey!, requestHash!, channel)), ...warning };
    await this.queues.addAfterCommit(QueueName.Triage, [
      { job: { name: 'triage-report', data: { reportId: id } }, opts: { jobId: triageJobId(id) } },
    ]);
    return { ...this.answer(id, channel), ...warning };
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

/**
 * Finds or creates the channel without locking an existing row, so a surge of reports on one channel does not
 * queue up behind a row lock. A concurrent insert committed after this statement's snapshot is found on the retry.
 */
async function upsertChannel(manager: EntityManager, channel: CanonicalChannel): Promise<string> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const rows: { id: string }[] = await manager.query(
      `WITH inserted AS (
         INSERT INTO channels (platform, kind, canonical_key, handle, url, fingerprints)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb)
         ON CONFLICT (canonical_key) DO NOTHING
         RETURNING id)
       SELECT id FROM inserted UNION ALL SELECT id FROM channels WHERE canonical_key = $3 LIMIT 1`,
      [
        channel.platform,
        channel.kind,
        channel.key,
        channel.handle,
        channel.url,
        JSON.stringify(channel.handle ? { handle: normaliseText(channel.handle) } : {}),
      ],
    );
    if (rows.length > 0) return rows[0].id;
  }
  throw new Error(`could not find or create channel ${channel.key}`);
}
