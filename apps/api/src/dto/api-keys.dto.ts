import { ApiProperty } from '@nestjs/swagger';
import { API_KEY_ROLES, ApiKeyRole } from '@vigil/domain';
import { IsIn, IsString, Length } from 'class-validator';
import { Trim } from './trim';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'Europol IRU — action day feed', maxLength: 200 })
  @Trim()
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ enum: API_KEY_ROLES })
  @IsIn(API_KEY_ROLES)
  role: ApiKeyRole;

  @ApiProperty({ example: 'Europol EU IRU', maxLength: 200 })
  @Trim()
  @IsString()
  @Length(1, 200)
  organization: string;
}

export class CreatedApiKeyDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: API_KEY_ROLES }) role: ApiKeyRole;
  @ApiProperty() organization: string;
  @ApiProperty({ description: 'shown this once; send it as X-Api-Key', example: 'vgl_0123456789abcdef_…' })
  key: string;
  @ApiProperty({ description: 'the key’s public prefix, to recognise it later' }) keyPrefix: string;
  @ApiProperty() createdAt: string;
}

export class ApiKeyDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: API_KEY_ROLES }) role: ApiKeyRole;
  @ApiProperty() organization: string;
  @ApiProperty() keyPrefix: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) createdBy: string | null;
  @ApiProperty() createdAt: string;
  @ApiProperty({ nullable: true, type: String }) revokedAt: string | null;
}
