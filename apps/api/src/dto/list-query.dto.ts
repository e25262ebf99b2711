import { ApiPropertyOptional } from '@nestjs/swagger';
import { CASE_STATUSES, CaseStatus, CATEGORIES, Category, Platform, PLATFORMS } from '@vigil/domain';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { Trim } from './trim';

export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit: number = 50;

  @ApiPropertyOptional({ description: 'opaque, from nextCursor' })
  @IsOptional()
  @IsString()
  @Length(1, 512)
  cursor?: string;
}

export class ListCasesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: CASE_STATUSES })
  @IsOptional()
  @IsIn(CASE_STATUSES)
  status?: CaseStatus;

  @ApiPropertyOptional({ enum: PLATFORMS })
  @IsOptional()
  @IsIn(PLATFORMS)
  platform?: Platform;

  @ApiPropertyOptional({ enum: CATEGORIES })
  @IsOptional()
  @IsIn(CATEGORIES)
  category?: Category;

  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  minPriority?: number;

  @ApiPropertyOptional({ description: 'any link form or key of the channel' })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 2048)
  channel?: string;
}
