// Response shapes of review, reports and appeals, for the OpenAPI document only (the console's client is typed from
// it): the controllers return the moderation lib's views, and these classes describe the same fields.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  CASE_STATUSES,
  CATEGORIES,
  CHANNEL_STATUSES,
  DECISION_ACTIONS,
  PLATFORMS,
  REPORT_STATUSES,
  SOURCES,
} from '@vigil/domain';
import type {
  CaseStatus,
  Category,
  ChannelStatus,
  DecisionAction,
  Platform,
  ReportStatus,
  Source,
} from '@vigil/domain';
import type {
  AppealView,
  BulkCaseResult,
  CaseDetail,
  CaseSummary,
  DecisionView,
  Page,
  ReportStatusView,
} from '@vigil/moderation';
import { EVIDENCE_TYPES } from '@vigil/moderation';
import { AuditEventDto } from './audit.dto';
import { LegalHoldDto } from './evidence.dto';
import { MigrationReasonDto } from './migrations.dto';

const APPEAL_STATUSES = ['open', 'upheld', 'reversed'] as const;
const LINK_KINDS = ['suspected_migration', 'confirmed_migration', 'rejected', 'mirror'] as const;

export class CaseChannelDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: PLATFORMS, enumName: 'Platform' }) platform: Platform;
  @ApiProperty({ example: 'telegram:example_channel' }) key: string;
  @ApiProperty() url: string;
  @ApiProperty({ enum: CHANNEL_STATUSES, enumName: 'ChannelStatus' }) status: ChannelStatus;
}

export class CaseSummaryDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: CASE_STATUSES, enumName: 'CaseStatus' }) status: CaseStatus;
  @ApiProperty() priority: number;
  @ApiProperty({ format: 'date-time' }) slaDueAt: string;
  @ApiProperty({ type: CaseChannelDto }) channel: CaseChannelDto;
  @ApiProperty() reportCount: number;
  @ApiProperty() distinctReporters: number;
  @ApiProperty({ enum: CATEGORIES, enumName: 'Category' }) topCategory: Category;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) assigneeId: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) leaseExpiresAt: string | null;
  @ApiProperty({ format: 'date-time' }) openedAt: string;
}

export class CasePageDto {
  @ApiProperty({ type: [CaseSummaryDto] }) items: CaseSummaryDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class PriorityFactorDto {
  @ApiProperty({ example: 'category' }) factor: string;
  @ApiProperty() points: number;
  @ApiProperty() detail: string;
}

export class CaseReportDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: CATEGORIES, enumName: 'Category' }) category: Category;
  @ApiProperty() description: string;
  @ApiProperty({ type: [String] }) evidenceUrls: string[];
  @ApiProperty({ nullable: true, type: String }) language: string | null;
  @ApiProperty({ enum: SOURCES, enumName: 'Source' }) source: Source;
  @ApiProperty({ example: 'reporter#1a2b3c4d' }) reporter: string;
  @ApiProperty({ format: 'date-time' }) receivedAt: string;
}

export class LinkedChannelChannelDto extends CaseChannelDto {
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'when it was taken down' })
  actionedAt: string | null;
}

export class LinkedChannelDto {
  @ApiProperty({ format: 'uuid', description: 'the link: confirm or reject it under /v1/channels/:id/links/:linkId' })
  id: string;
  @ApiProperty({ type: LinkedChannelChannelDto, description: 'the channel at the other end' })
  channel: LinkedChannelChannelDto;
  @ApiProperty({ enum: LINK_KINDS, enumName: 'ChannelLinkKind' }) kind: (typeof LINK_KINDS)[number];
  @ApiProperty({ nullable: true, type: Number, minimum: 0, maximum: 1 }) score: number | null;
  @ApiProperty({ nullable: true, type: String, description: 'the moderator’s note' }) reason: string | null;
  @ApiProperty({ type: [MigrationReasonDto], description: 'why triage suggested it, strongest signal first' })
  reasons: MigrationReasonDto[];
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class EvidenceViewDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) reportId: string;
  @ApiProperty({ description: 'hex SHA-256 of the bytes' }) sha256: string;
  @ApiProperty({ enum: EVIDENCE_TYPES }) contentType: string;
  @ApiProperty() size: number;
  @ApiProperty({ format: 'date-time' }) addedAt: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time', description: 'erased under retention' })
  erasedAt: string | null;
}

export class DecisionViewDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ enum: DECISION_ACTIONS, enumName: 'DecisionAction' }) action: DecisionAction;
  @ApiProperty() policy: string;
  @ApiProperty({ description: 'statement of reasons' }) reason: string;
  @ApiProperty({ nullable: true, type: String }) legalGround: string | null;
  @ApiProperty({ format: 'uuid' }) decidedBy: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class CaseDetailDto extends CaseSummaryDto {
  @ApiProperty({ type: [PriorityFactorDto], description: 'the points add up to priority' })
  priorityBreakdown: PriorityFactorDto[];
  @ApiProperty({ type: [CaseReportDto] }) reports: CaseReportDto[];
  @ApiProperty({ type: [LinkedChannelDto] }) linkedChannels: LinkedChannelDto[];
  @ApiProperty({ type: [DecisionViewDto] }) decisions: DecisionViewDto[];
  @ApiProperty({ type: [AuditEventDto], description: 'audit events of this case' }) history: AuditEventDto[];
  @ApiProperty({ type: [EvidenceViewDto], description: 'files attached to its reports, oldest first' })
  evidence: EvidenceViewDto[];
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'until when its reports and evidence are preserved (EU 2021/784 Art. 6, legal holds)',
  })
  preservedUntil: string | null;
  @ApiProperty({ type: [LegalHoldDto] }) legalHolds: LegalHoldDto[];
}

export class BulkCaseResultDto {
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ enum: ['decided', 'skipped'] }) result: 'decided' | 'skipped';
  @ApiPropertyOptional({ format: 'uuid', description: 'when decided' }) decisionId?: string;
  @ApiPropertyOptional({ description: 'when skipped: why (held by someone else, already decided, …)' }) reason?: string;
}

export class BulkDecisionResultDto {
  @ApiProperty({ type: [BulkCaseResultDto] }) results: BulkCaseResultDto[];
}

export class LeaseDto {
  @ApiProperty({ format: 'date-time' }) leaseExpiresAt: string;
}

export class ReportOutcomeDto {
  @ApiProperty({ enum: DECISION_ACTIONS, enumName: 'DecisionAction' }) action: DecisionAction;
  @ApiProperty({ description: 'statement of reasons' }) statement: string;
}

export class ReportStatusDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: REPORT_STATUSES, enumName: 'ReportStatus' }) status: ReportStatus;
  @ApiProperty({ format: 'date-time' }) receivedAt: string;
  @ApiPropertyOptional({ format: 'date-time' }) decidedAt?: string;
  @ApiPropertyOptional({ type: ReportOutcomeDto }) outcome?: ReportOutcomeDto;
}

export class FiledAppealDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['open'] }) status: 'open';
}

export class AppealDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) decisionId: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty({ enum: ['reporter', 'owner'] }) appellant: 'reporter' | 'owner';
  @ApiProperty() reason: string;
  @ApiProperty({ enum: APPEAL_STATUSES }) status: (typeof APPEAL_STATUSES)[number];
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) resolvedBy: string | null;
  @ApiProperty({ nullable: true, type: String }) resolutionReason: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) resolvedAt: string | null;
}

export class AppealPageDto {
  @ApiProperty({ type: [AppealDto] }) items: AppealDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

// The views the controllers return must fit these descriptions: a view's field renamed, retyped or removed without
// its description here stops the type-check.
type Describes<View, Dto> = (view: View) => Dto;
export const describedViews: [
  Describes<CaseDetail, CaseDetailDto>,
  Describes<Page<CaseSummary>, CasePageDto>,
  Describes<DecisionView, DecisionViewDto>,
  Describes<ReportStatusView, ReportStatusDto>,
  Describes<Page<AppealView>, AppealPageDto>,
  Describes<{ results: BulkCaseResult[] }, BulkDecisionResultDto>,
] = [(v) => v, (v) => v, (v) => v, (v) => v, (v) => v, (v) => v];
