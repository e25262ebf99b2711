import { ApiProperty } from '@nestjs/swagger';
import { EVIDENCE_TYPES } from '@vigil/moderation';

export class AddedEvidenceDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: 'hex SHA-256 of the bytes, also in the evidence.added audit event' }) sha256: string;
  @ApiProperty({ enum: EVIDENCE_TYPES, description: 'recognised from the bytes' }) contentType: string;
  @ApiProperty({ description: 'bytes' }) size: number;
}
