import { ApiProperty, ApiPropertyOptional, ApiPropertyOptions } from '@nestjs/swagger';
import {
  CATEGORIES,
  CHANNEL_KINDS,
  DECISION_ACTIONS,
  DEFAULT_REPORTING_DAYS,
  DSA_EEA_TERRITORIAL_SCOPE,
  PLATFORMS,
  SOURCES,
} from '@vigil/domain';
import { IsIn, IsISO8601, IsOptional } from 'class-validator';
import { PageQueryDto } from './list-query.dto';

const TIME_FORMAT =
  'ISO 8601 with an offset (`2026-11-25T10:00:00Z`, `2026-11-25T11:00:00+01:00`) or a date (`2026-11-25`, ' +
  'UTC midnight); milliseconds are kept';

export class ReportingRangeQueryDto {
  @ApiPropertyOptional({
    example: '2026-10-01T00:00:00Z',
    description: `start of the range, included. ${TIME_FORMAT}. Default: ${DEFAULT_REPORTING_DAYS} days before \`to\``,
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 time' })
  from?: string;

  @ApiPropertyOptional({
    example: '2026-11-01T00:00:00Z',
    description: `end of the range, excluded. ${TIME_FORMAT}. Default: now. \`from\` must be before \`to\``,
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 time' })
  to?: string;
}

const counts = (keys: readonly string[], what: string): ApiPropertyOptions => ({
  type: 'object',
  description: `${what}; every key present, 0 when none`,
  properties: Object.fromEntries(keys.map((key) => [key, { type: 'integer' as const }])),
  required: [...keys],
  // `required` above lists the object's keys; this marks the property itself required in its parent.
  selfRequired: true,
});

class ReportFiguresDto {
  @ApiProperty({ description: 'reports received (received_at) in the range, duplicates of a channel included' })
  total: number;
  @ApiProperty(counts(SOURCES, 'reports by source')) bySource: Record<string, number>;
  @ApiProperty(counts(CATEGORIES, 'reports by the category the reporter chose')) byCategory: Record<string, number>;
  @ApiProperty(counts(PLATFORMS, 'reports by the platform of the reported channel')) byPlatform: Record<string, number>;
}

class CaseFiguresDto {
  @ApiProperty({ description: 'cases opened (opened_at) in the range, cases reopened on appeal included' })
  opened: number;
  @ApiProperty({ description: 'cases that received their deciding decision (takedown, restrict, no_violation) in the range' })
  decided: number;
}

class TimeToDecisionDto {
  @ApiProperty({
    nullable: true,
    type: Number,
    description:
      'over the cases decided in the range: time from the first report of the case (for a case reopened on appeal, ' +
      'from its reopening) to its deciding decision, nearest-rank median, whole seconds; null when none was decided',
  })
  medianSeconds: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'the same durations, nearest-rank 90th percentile' })
  p90Seconds: number | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    example: 66.7,
    description: 'percentage of those cases decided within 3,600 seconds, one decimal; null when none was decided',
  })
  withinOneHourPct: number | null;
}

class AppealFiguresDto {
  @ApiProperty({ description: 'appeals filed (created_at) in the range, whatever the date of the decision' })
  filed: number;
  @ApiProperty({ description: 'appeals resolved as reversed, dated by their resolution, in the range' })
  reversed: number;
}

class MigrationFiguresDto {
  @ApiProperty({ description: 'links triage suggested in the range (created_at) that still await a moderator' })
  suspected: number;
  @ApiProperty({ description: 'links created in the range that a moderator confirmed' }) confirmed: number;
  @ApiProperty({ description: 'links created in the range that a moderator rejected' }) rejected: number;
  @ApiProperty({
    nullable: true,
    type: Number,
    description:
      'over the confirmed ones: hours from the takedown of the old channel to the first report of its successor ' +
      '(negative when the successor was reported first), nearest-rank median; null when none was confirmed',
  })
  medianHoursToReappear: number | null;
}

export class TransparencyReportDto {
  @ApiProperty({ example: '2026-10-01T00:00:00.000Z', description: 'the range [from, to) the figures cover' })
  from: string;
  @ApiProperty({ example: '2026-11-01T00:00:00.000Z' }) to: string;
  @ApiProperty({ description: 'database time the figures were read' }) generatedAt: string;
  @ApiProperty({ type: ReportFiguresDto }) reports: ReportFiguresDto;
  @ApiProperty({ type: CaseFiguresDto }) cases: CaseFiguresDto;
  @ApiProperty(counts(DECISION_ACTIONS, 'decisions recorded (created_at) in the range by action, bulk ones included'))
  decisions: Record<string, number>;
  @ApiProperty({ type: TimeToDecisionDto }) timeToDecision: TimeToDecisionDto;
  @ApiProperty({ type: AppealFiguresDto }) appeals: AppealFiguresDto;
  @ApiProperty({
    description:
      'cases whose SLA deadline (sla_due_at) fell in the range and has passed, and which had no deciding decision ' +
      'by then (decided later, or not yet)',
  })
  slaBreaches: number;
  @ApiProperty({ type: MigrationFiguresDto }) migrations: MigrationFiguresDto;
}

/** One NDJSON line of the export: the Transparency Database's own field names and values. */
export class StatementOfReasonsDto {
  @ApiProperty({ enum: ['DECISION_VISIBILITY_CONTENT_REMOVED', 'DECISION_VISIBILITY_CONTENT_DISABLED'], isArray: true })
  decision_visibility: string[];
  @ApiProperty({ nullable: true, type: String, example: null, description: 'YYYY-MM-DD of a reversal on appeal' })
  end_date_visibility_restriction: string | null;
  @ApiProperty({ enum: ['DECISION_GROUND_ILLEGAL_CONTENT', 'DECISION_GROUND_INCOMPATIBLE_CONTENT'] })
  decision_ground: string;
  @ApiPropertyOptional({ description: 'the decision’s legalGround (with DECISION_GROUND_ILLEGAL_CONTENT)' })
  illegal_content_legal_ground?: string;
  @ApiPropertyOptional({ description: 'the statement of reasons, at most 2,000 characters' })
  illegal_content_explanation?: string;
  @ApiPropertyOptional({ description: 'the decision’s policy (with DECISION_GROUND_INCOMPATIBLE_CONTENT)' })
  incompatible_content_ground?: string;
  @ApiPropertyOptional({ description: 'the statement of reasons, at most 2,000 characters' })
  incompatible_content_explanation?: string;
  @ApiProperty({ enum: ['CONTENT_TYPE_OTHER'], isArray: true }) content_type: string[];
  @ApiProperty({ example: 'telegram channel', description: `platform and kind (${CHANNEL_KINDS.join(', ')})` })
  content_type_other: string;
  @ApiProperty({ enum: ['STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY'] }) category: string;
  @ApiProperty({ enum: ['KEYWORD_TERRORIST_CONTENT'], isArray: true }) category_specification: string[];
  @ApiProperty({ example: [...DSA_EEA_TERRITORIAL_SCOPE], description: 'the EEA', type: [String] })
  territorial_scope: string[];
  @ApiPropertyOptional({ example: 'AR', description: 'upper-case ISO 639-1 of the reports’ most common language' })
  content_language?: string;
  @ApiProperty({ example: '2026-11-24', description: 'YYYY-MM-DD of the first report (posting dates are unknown)' })
  content_date: string;
  @ApiProperty({ example: '2026-11-25', description: 'YYYY-MM-DD of the decision' }) application_date: string;
  @ApiProperty({ description: 'the statement of reasons as written for those affected (≤ 5,000 characters)' })
  decision_facts: string;
  @ApiProperty({
    enum: ['SOURCE_ARTICLE_16', 'SOURCE_TRUSTED_FLAGGER', 'SOURCE_TYPE_OTHER_NOTIFICATION', 'SOURCE_VOLUNTARY'],
  })
  source_type: string;
  @ApiProperty({ enum: ['No'] }) automated_detection: string;
  @ApiProperty({ enum: ['AUTOMATED_DECISION_NOT_AUTOMATED'] }) automated_decision: string;
  @ApiProperty({ format: 'uuid', description: 'the decision id: stable, so a resubmission is refused as a duplicate' })
  puid: string;
}

export class ActionedChannelsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    example: '2026-11-24T00:00:00Z',
    description: `entries at or after this time. ${TIME_FORMAT}. Default: from the first takedown`,
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'since must be an ISO 8601 time' })
  since?: string;

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    default: 'false',
    description:
      'also list `restore` entries (a takedown reversed on appeal: lift what you did). Off by default, so the feed ' +
      'is only channels taken down, as API.md describes it',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  includeRestores?: 'true' | 'false';
}

class ActionedChannelDto {
  @ApiProperty({ enum: PLATFORMS }) platform: string;
  @ApiProperty({ example: 'telegram:example_channel', description: 'canonical channel key' }) key: string;
  @ApiProperty({ example: 'https://t.me/example_channel' }) url: string;
  @ApiProperty({ enum: CHANNEL_KINDS }) kind: string;
}

class PredecessorDto {
  @ApiProperty({ enum: PLATFORMS }) platform: string;
  @ApiProperty({ example: 'telegram:example_channel' }) key: string;
}

export class ActionedChannelItemDto {
  @ApiProperty({ format: 'uuid', description: 'the entry’s id (a takedown: the decision; a restore: the appeal)' })
  id: string;
  @ApiProperty({ enum: ['takedown', 'restore'], description: '`restore`: a takedown reversed on appeal' })
  action: 'takedown' | 'restore';
  @ApiProperty({ example: '2026-11-25T10:30:00.000Z' }) actionedAt: string;
  @ApiProperty({ type: ActionedChannelDto }) channel: ActionedChannelDto;
  @ApiProperty({ enum: CATEGORIES, description: 'the most severe category reported for the case' }) category: string;
  @ApiProperty({ example: 'TVEC-1' }) policy: string;
  @ApiProperty({ nullable: true, type: String, example: 'Regulation (EU) 2021/784' }) legalGround: string | null;
  @ApiProperty({ format: 'uuid', description: 'the takedown decision' }) decisionId: string;
  @ApiPropertyOptional({
    type: PredecessorDto,
    description: 'on a takedown of a channel a moderator confirmed as the successor of one taken down before: that one',
  })
  successorOf?: PredecessorDto;
}

export class ActionedChannelsPageDto {
  @ApiProperty({ nullable: true, type: String }) since: string | null;
  @ApiProperty() generatedAt: string;
  @ApiProperty({ type: [ActionedChannelItemDto] }) items: ActionedChannelItemDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class FeedSigningKeyDto {
  @ApiProperty({ example: 'e8187e9107452f9a', description: 'as in X-Vigil-Feed-Key-Id' }) keyId: string;
  @ApiProperty({ enum: ['Ed25519'] }) algorithm: 'Ed25519';
  @ApiProperty({ description: 'SPKI PEM' }) publicKey: string;
}
