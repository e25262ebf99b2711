import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Category, CATEGORIES, INCIDENT_BOOST, Platform, PLATFORMS } from '@vigil/domain';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
} from 'class-validator';
import { PageQueryDto } from './list-query.dto';
import { Trim } from './trim';

export class DeclareIncidentDto {
  @ApiProperty({ example: 'Attack claimed in the city centre', maxLength: 200 })
  @Trim()
  @IsString()
  @Length(1, 200)
  title: string;

  @ApiPropertyOptional({ example: 'ISIS', description: 'a designated organisation; leave out to match every one' })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 200)
  organization?: string;

  @ApiPropertyOptional({ enum: PLATFORMS, isArray: true, description: 'leave out to match every platform' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(PLATFORMS.length)
  @IsIn(PLATFORMS, { each: true })
  platforms?: Platform[];

  @ApiPropertyOptional({ enum: CATEGORIES, isArray: true, description: 'leave out to match every category' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(CATEGORIES.length)
  @IsIn(CATEGORIES, { each: true })
  categories?: Category[];

  @ApiProperty({ minimum: INCIDENT_BOOST.min, maximum: INCIDENT_BOOST.max, description: 'priority points added' })
  @IsInt()
  @Min(INCIDENT_BOOST.min)
  @Max(INCIDENT_BOOST.max)
  boost: number;

  @ApiPropertyOptional({ minimum: 0.25, description: 'an SLA no later than this many hours' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.25)
  slaHours?: number;

  @ApiPropertyOptional({ example: '2026-12-08T00:00:00Z', description: 'in the future, at most 30 days on' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'endsAt must be an ISO 8601 time' })
  endsAt?: string;
}

export class ListIncidentsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['active', 'closed'] })
  @IsOptional()
  @IsIn(['active', 'closed'])
  status?: 'active' | 'closed';
}

export class IncidentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() title: string;
  @ApiProperty({ nullable: true, type: String }) organization: string | null;
  @ApiProperty({ nullable: true, enum: PLATFORMS, isArray: true }) platforms: Platform[] | null;
  @ApiProperty({ nullable: true, enum: CATEGORIES, isArray: true }) categories: Category[] | null;
  @ApiProperty() boost: number;
  @ApiProperty({ nullable: true, type: Number }) slaHours: number | null;
  @ApiProperty({ nullable: true, type: String }) endsAt: string | null;
  @ApiProperty({ enum: ['active', 'closed'] }) status: 'active' | 'closed';
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) declaredBy: string | null;
  @ApiProperty() declaredAt: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'null when it ended by itself' })
  closedBy: string | null;
  @ApiProperty({ nullable: true, type: String }) closedAt: string | null;
}

export class IncidentWithFiguresDto extends IncidentDto {
  @ApiProperty({ description: 'reports of the cases it boosted' }) reports: number;
  @ApiProperty({ description: 'cases it boosted, while active' }) cases: number;
  @ApiProperty({ description: 'of those, the cases decided' }) decided: number;
  @ApiProperty({ nullable: true, type: Number, description: 'opening to decision, median, seconds' })
  medianSecondsToDecision: number | null;
}

export class IncidentsPageDto {
  @ApiProperty({ type: [IncidentWithFiguresDto] }) items: IncidentWithFiguresDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}
