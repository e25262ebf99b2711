import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { ActionContext } from '@vigil/audit';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import {
  canonicaliseChannel,
  CanonicalChannel,
  Category,
  DomainError,
  matchKeys,
  normaliseText,
  Platform,
  Source,
} from '@vigil/domain';
import type { Principal } from '@vigil/identity';
import canonicalize from 'canonicalize';
import { createHash, randomUUID } from 'node:crypto';
import { ContactCipher } from '@vigil/database';
import { DataSource } from 'typeorm';
import { IntakeGroupCommit, IntakeRow } from './intake-group-commit';
import { ReporterIdentity } from '../reporters';

export interface SubmitReportInput {
  channel: string;
  platform?: Platform;
  category: Category;
  channelTitle?: string;
  previousChannel?: string;
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

/**
 * Intake: the report, its channel (found or created) and its `report.received` event are written by
 * IntakeGroupCommit, in one statement shared with the reports arriving at the same time; acknowledged means committed.
 */
@Injectable()
export class SubmitReport {
  private readonly identity: ReporterIdentity;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(VIGIL_CONFIG) config: VigilConfig,
    private readonly intake: IntakeGroupCommit,
    private readonly contacts: ContactCipher,
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
    const previousChannelKey = report.previousChannel
      ? previousChannelOf(report.previousChannel, report.platform)
      : null;
    const source: Source = apiKey ? apiKey.role : 'public';
    const scope = command.idempotencyKey ? (apiKey ? `apikey:${apiKey.apiKeyId}` : ANONYMOUS_SCOPE) : null;
    const requestHash = command.idempotencyKey ? sha256(canonicalize(report) ?? '') : null;
    const reporterRef = this.identity.reporterRef({
      contact: report.reporterContact,
      apiKeyId: apiKey?.apiKeyId,
      clientAddress: command.clientAddress,
    });
    const id = randomUUID();
    const row: IntakeRow = {
      id,
      source,
      apiKeyId: apiKey?.apiKeyId ?? null,
      reporterRef,
      reporterPseudonym: ReporterIdentity.pseudonymOf(reporterRef),
      // Encrypted before it leaves this function: the clear address is never written anywhere.
      reporterContact: report.reporterContact ? this.contacts.encrypt(report.reporterContact, id) : null,
      channelInput: report.channel,
      postId: channel.postId,
      category: report.category,
      organization: report.organization ?? null,
      description: report.description,
      evidenceUrls: JSON.stringify(report.evidenceUrls ?? []),
      channelTitle: report.channelTitle ?? null,
      previousChannelKey,
      matchKeys: JSON.stringify(
        matchKeys({ handle: channel.handle, title: report.channelTitle, evidenceUrls: report.evidenceUrls }),
      ),
      // Detected at triage when not given (TriageReport): language detection is the costliest step of a report.
      language: report.language?.toLowerCase() ?? null,
      subscribers: report.subscribers ?? null,
      removalOrder: report.removalOrder ?? false,
      idempotencyScope: scope,
      idempotencyKey: command.idempotencyKey ?? null,
      requestHash,
      trackingTokenHash: ReporterIdentity.tokenHash(this.identity.trackingToken(id)),
      channelPlatform: channel.platform,
      channelKind: channel.kind,
      channelKey: channel.key,
      channelHandle: channel.handle,
      channelUrl: channel.url,
      channelFingerprints: JSON.stringify(channel.handle ? { handle: normaliseText(channel.handle) } : {}),
      actorId: ctx.actor.id,
      actorRole: ctx.actor.role,
      requestId: ctx.requestId,
    };

    for (let attempt = 0; attempt < 3; attempt++) {
      const outcome = await this.intake.write(row);
      if (outcome.suspendedUntil) {
        // A retry of a report accepted before the suspension still gets its first answer.
        if (scope && (await this.priorReport(scope, command.idempotencyKey!))) {
          return this.replay(scope, command.idempotencyKey!, requestHash!, channel);
        }
        throw new DomainError(
          'REPORTER_SUSPENDED',
          `reporting is suspended until ${outcome.suspendedUntil.toISOString()}: most of your earlier reports ` +
            'were found to show no violation',
        );
      }
      // The channel was created by a statement that committed after this one's snapshot: look again.
      if (outcome.channelId === null) continue;
      const warning = outcome.warned ? { warning: REPORTER_WARNING } : {};
      if (outcome.reportId === null) {
        return { ...(await this.replay(scope!, command.idempotencyKey!, requestHash!, channel)), ...warning };
      }
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

/** The key of the channel a report says this one replaces; a 400 naming the field when it is not recognised. */
function previousChannelOf(input: string, platform: Platform | undefined): string {
  try {
    return canonicaliseChannel(input, platform).key;
  } catch (error) {
    if (error instanceof DomainError) throw new DomainError(error.code, `previousChannel: ${error.message}`);
    throw error;
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
