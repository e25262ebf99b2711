import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CHANNEL_STATUSES, Platform, PLATFORMS } from '@vigil/domain';
import { MIGRATION_LINK_KINDS, MigrationLinkKind } from '@vigil/moderation';
import { IsIn, IsISO8601, IsOptional } from 'class-validator';
import { PageQueryDto } from './list-query.dto';

export class ListMigrationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: '2026-11-24T00:00:00Z', description: 'links created at or after this time' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'since must be an ISO 8601 time' })
  since?: string;

  @ApiPropertyOptional({ enum: PLATFORMS, description: 'the platform the channel reappeared on (the successor’s)' })
  @IsOptional()
  @IsIn(PLATFORMS)
  platform?: Platform;

  @ApiPropertyOptional({ enum: MIGRATION_LINK_KINDS })
  @IsOptional()
  @IsIn(MIGRATION_LINK_KINDS)
  kind?: MigrationLinkKind;
}

export class MigrationReasonDto {
  @ApiProperty({
    enum: ['reported_successor', 'handle', 'title', 'shared_evidence', 'similar_handle', 'organisation', 'timing'],
  })
  signal: string;
  @ApiProperty({ example: 'Same handle as telegram:nashir_news once normalised: nashirnews' }) detail: string;
}

class MigrationLinkDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: MIGRATION_LINK_KINDS }) kind: string;
  @ApiProperty({ nullable: true, type: Number, minimum: 0, maximum: 1 }) score: number | null;
  @ApiProperty({ type: [MigrationReasonDto] }) reasons: MigrationReasonDto[];
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String, description: 'when a moderator confirmed or rejected it' })
  reviewedAt: string | null;
}

class MigrationChannelDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: PLATFORMS }) platform: string;
  @ApiProperty({ example: 'tamtam:nashirnews2' }) key: string;
  @ApiProperty() url: string;
  @ApiProperty({ enum: CHANNEL_STATUSES }) status: string;
}

export class MigrationDto {
  @ApiProperty({ type: MigrationLinkDto }) link: MigrationLinkDto;
  @ApiProperty({ type: MigrationChannelDto, description: 'the successor: the channel that reappeared' })
  fromChannel: MigrationChannelDto;
  @ApiProperty({ type: MigrationChannelDto, description: 'the channel taken down before' })
  toChannel: MigrationChannelDto;
  @ApiProperty({ nullable: true, type: String }) takedownAt: string | null;
  @ApiProperty({ description: 'when the successor was first reported' }) firstReportAt: string;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'hours from the takedown to the successor’s first report, negative when the successor came first',
  })
  hoursToReappear: number | null;
}

export class MigrationsPageDto {
  @ApiProperty({ type: [MigrationDto] }) items: MigrationDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
