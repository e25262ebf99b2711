import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CATEGORIES, Category, MAX_CHANNEL_INPUT_LENGTH, Platform, PLATFORMS } from '@vigil/domain';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { LANGUAGE_TAG, Trim } from './trim';

export class SubmitReportDto {
  @ApiProperty({ example: 'https://t.me/example_channel', description: 'URL, @handle, tg:// link, invite or post link' })
  @Trim()
  @IsString()
  @Length(1, MAX_CHANNEL_INPUT_LENGTH)
  channel: string;

  @ApiPropertyOptional({ enum: PLATFORMS, description: 'required when `channel` is a bare handle' })
  @IsOptional()
  @IsIn(PLATFORMS)
  platform?: Platform;

  @ApiProperty({ enum: CATEGORIES })
  @IsIn(CATEGORIES)
  category: Category;

  @ApiPropertyOptional({ maxLength: 200, example: 'Nashir News', description: "the channel's display name" })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 200)
  channelTitle?: string;

  @ApiPropertyOptional({
    example: 'https://t.me/nashir_news',
    description: 'the channel this one replaces, when known: any link form, or an @handle (then on `platform`)',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, MAX_CHANNEL_INPUT_LENGTH)
  previousChannel?: string;

  @ApiPropertyOptional({ maxLength: 200, example: 'ISIS' })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 200)
  organization?: string;

  @ApiProperty({ minLength: 1, maxLength: 5000 })
  @Trim()
  @IsString()
  @Length(1, 5000)
  description: string;

  @ApiPropertyOptional({ type: [String], maxItems: 20, description: 'http(s) URLs, each at most 2048 characters' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @Trim()
  @IsString({ each: true })
  @MaxLength(2048, { each: true })
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_valid_protocol: true },
    { each: true, message: 'each of evidenceUrls must be an http(s) URL' },
  )
  evidenceUrls?: string[];

  @ApiPropertyOptional({ example: 'ar', description: 'BCP 47; detected from the description when absent' })
  @IsOptional()
  @Trim()
  @IsString()
  @Matches(LANGUAGE_TAG, { message: 'language must be a BCP 47 tag such as "ar" or "en-GB"' })
  language?: string;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2_147_483_647)
  subscribers?: number;

  @ApiPropertyOptional({ example: 'someone@example.org', description: 'for outcome notices' })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(254)
  @IsEmail()
  reporterContact?: string;

  @ApiPropertyOptional({ description: 'referral units only: a removal order under EU 2021/784' })
  @IsOptional()
  @IsBoolean()
  removalOrder?: boolean;
}

export class ReportedChannelDto {
  @ApiProperty({ enum: PLATFORMS, enumName: 'Platform' }) platform: Platform;
  @ApiProperty({ example: 'telegram:example_channel' }) key: string;
  @ApiProperty({ example: 'https://t.me/example_channel' }) url: string;
}

export class SubmittedReportDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['received'] }) status: 'received';
  @ApiProperty({ description: 'shown once; needed to read the report status and to appeal' }) trackingToken: string;
  @ApiProperty({ type: ReportedChannelDto }) channel: ReportedChannelDto;
  @ApiPropertyOptional({ description: 'present when the reporter was warned about reports found to show no violation' })
  warning?: string;
}
