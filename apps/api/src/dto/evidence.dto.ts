import { ApiProperty } from '@nestjs/swagger';
import { EVIDENCE_TYPES } from '@vigil/moderation';
import { IsISO8601, IsString, Length } from 'class-validator';
import { Trim } from './trim';

export class AddedEvidenceDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: 'hex SHA-256 of the bytes, also in the evidence.added audit event' }) sha256: string;
  @ApiProperty({ enum: EVIDENCE_TYPES, description: 'recognised from the bytes' }) contentType: string;
  @ApiProperty({ description: 'bytes' }) size: number;
}

export class PlaceLegalHoldDto {
  @ApiProperty({ example: 'Court order 12/2026 of the Vienna regional court', maxLength: 2000 })
  @Trim()
  @IsString()
  @Length(1, 2000)
  reason: string;

  @ApiProperty({ example: '2027-12-31T00:00:00Z', description: 'ISO 8601, in the future' })
  @IsISO8601({ strict: true }, { message: 'until must be an ISO 8601 time' })
  until: string;
}

export class LegalHoldDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) caseId: string;
  @ApiProperty() reason: string;
  @ApiProperty() until: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) placedBy: string | null;
  @ApiProperty() placedAt: string;
}
