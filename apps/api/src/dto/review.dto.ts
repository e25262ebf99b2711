import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DECISION_ACTIONS, DecisionAction, Platform, PLATFORMS } from '@vigil/domain';
import { MAX_BULK_CASES } from '@vigil/moderation';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
} from 'class-validator';
import { PageQueryDto } from './list-query.dto';
import { LANGUAGE_TAG, Trim } from './trim';

export class ClaimNextDto {
  @ApiPropertyOptional({ type: [String], description: 'only cases with reports in these languages' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Matches(LANGUAGE_TAG, { each: true, message: 'each language must be a BCP 47 tag' })
  languages?: string[];

  @ApiPropertyOptional({ enum: PLATFORMS, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(PLATFORMS.length)
  @IsIn(PLATFORMS, { each: true })
  platforms?: Platform[];
}

export class DecisionDto {
  @ApiProperty({ enum: DECISION_ACTIONS })
  @IsIn(DECISION_ACTIONS)
  action: DecisionAction;

  @ApiProperty({ example: 'TVEC-1', maxLength: 100 })
  @Trim()
  @IsString()
  @Length(1, 100)
  policy: string;

  @ApiProperty({ minLength: 10, maxLength: 5000, description: 'statement of reasons, shown to those affected' })
  @Trim()
  @IsString()
  @Length(10, 5000)
  reason: string;

  @ApiPropertyOptional({ example: 'Regulation (EU) 2021/784', maxLength: 500 })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 500)
  legalGround?: string;
}

export class BulkDecisionDto extends DecisionDto {
  @ApiProperty({ type: [String], maxItems: MAX_BULK_CASES })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BULK_CASES)
  @IsUUID('all', { each: true })
  caseIds: string[];
}

export class LinkChannelDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  toChannelId: string;

  @ApiProperty({ enum: ['confirmed_migration', 'mirror'] })
  @IsIn(['confirmed_migration', 'mirror'])
  kind: 'confirmed_migration' | 'mirror';

  @ApiProperty({ maxLength: 2000 })
  @Trim()
  @IsString()
  @Length(1, 2000)
  note: string;
}

export class ReviewLinkDto {
  @ApiPropertyOptional({ maxLength: 2000, description: 'why the moderator confirms or rejects the suggested link' })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 2000)
  note?: string;
}

export class FileAppealDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  decisionId: string;

  @ApiProperty({ description: 'the reporter’s tracking token, or the token in the channel owner’s notice' })
  @IsString()
  @Length(1, 256)
  token: string;

  @ApiProperty({ minLength: 10, maxLength: 5000 })
  @Trim()
  @IsString()
  @Length(10, 5000)
  reason: string;
}

export class ResolveAppealDto {
  @ApiProperty({ enum: ['upheld', 'reversed'] })
  @IsIn(['upheld', 'reversed'])
  outcome: 'upheld' | 'reversed';

  @ApiProperty({ minLength: 10, maxLength: 5000 })
  @Trim()
  @IsString()
  @Length(10, 5000)
  reason: string;
}

export class ListAppealsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['open', 'upheld', 'reversed'] })
  @IsOptional()
  @IsIn(['open', 'upheld', 'reversed'])
  status?: 'open' | 'upheld' | 'reversed';
}
