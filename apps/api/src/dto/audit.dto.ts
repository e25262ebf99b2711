import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, Length, Matches } from 'class-validator';
import { PageQueryDto } from './list-query.dto';
import { Trim } from './trim';

export class AuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'a user id or an API key id' })
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 128)
  actorId?: string;

  @ApiPropertyOptional({ example: 'case.claimed' })
  @IsOptional()
  @Trim()
  @IsString()
  @Matches(/^[a-z_]{1,64}\.[a-z_]{1,64}$/, { message: 'action must look like "case.claimed"' })
  action?: string;

  @ApiPropertyOptional({ example: 'case' })
  @IsOptional()
  @Trim()
  @IsString()
  @Matches(/^[a-z_]{1,64}$/, { message: 'targetType must look like "case" or "report"' })
  targetType?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Trim()
  @IsString()
  @Length(1, 200)
  targetId?: string;

  @ApiPropertyOptional({ description: 'events that occurred at or after this time (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO 8601 time' })
  from?: string;

  @ApiPropertyOptional({ description: 'events that occurred before this time (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO 8601 time' })
  to?: string;
}

export class VerifyAuditQueryDto {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    default: 'false',
    description: 'start from the latest checkpoint signed by the current key instead of genesis',
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  fromCheckpoint?: 'true' | 'false';
}

class AuditActorDto {
  @ApiProperty({ nullable: true, type: String }) id: string | null;
  @ApiProperty({ example: 'moderator' }) role: string;
}

class AuditTargetDto {
  @ApiProperty({ example: 'case' }) type: string;
  @ApiProperty() id: string;
}

export class AuditEventDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ nullable: true, type: Number, description: 'null until sealed' }) seq: number | null;
  @ApiProperty({ example: '2026-11-25T10:00:00.123456Z', description: 'UTC, microseconds (as hashed)' })
  occurredAt: string;
  @ApiProperty({ type: AuditActorDto }) actor: AuditActorDto;
  @ApiProperty({ example: 'case.claimed' }) action: string;
  @ApiProperty({ type: AuditTargetDto }) target: AuditTargetDto;
  @ApiProperty({ type: 'object', additionalProperties: true }) data: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: String }) requestId: string | null;
  @ApiProperty({ nullable: true, type: String }) prevHash: string | null;
  @ApiProperty({ nullable: true, type: String }) hash: string | null;
}

export class AuditEventPageDto {
  @ApiProperty({ type: [AuditEventDto] }) items: AuditEventDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class AuditVerificationDto {
  @ApiProperty() ok: boolean;
  @ApiProperty({ description: 'events whose hash was recomputed' }) checked: number;
  @ApiProperty({ description: '0 for an empty chain' }) headSeq: number;
  @ApiProperty({ description: '64 zeros for an empty chain' }) headHash: string;
  @ApiProperty({ nullable: true, type: Number }) firstInvalidSeq: number | null;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'why verification failed, e.g. hash_mismatch, missing_event, checkpoint_mismatch',
  })
  fault: string | null;
  @ApiPropertyOptional({ description: '0 (genesis) or the checkpoint seq verification started from' })
  startSeq: number;
}

export class CheckpointDto {
  @ApiProperty() seq: number;
  @ApiProperty() hash: string;
  @ApiProperty({ example: '2026-11-25T10:01:00.000Z' }) signedAt: string;
  @ApiProperty() keyId: string;
  @ApiProperty({ enum: ['Ed25519'] }) algorithm: 'Ed25519';
  @ApiProperty({ description: 'base64 Ed25519 over the UTF-8 bytes of `${seq}.${hash}.${signedAt}`' })
  signature: string;
  @ApiProperty({ description: 'SPKI PEM' }) publicKey: string;
}

const POSITIVE_INTEGER = /^[1-9][0-9]{0,15}$/;
const positiveInteger = (name: string) => ({ message: `${name} must be a positive integer` });

export class InclusionQueryDto {
  @ApiProperty({ description: 'the event’s seq (its leaf index is seq − 1)', example: '42' })
  @Matches(POSITIVE_INTEGER, positiveInteger('seq'))
  seq: string;

  @ApiProperty({ description: 'the tree size to prove inclusion in, at most the sealed head', example: '1000' })
  @Matches(POSITIVE_INTEGER, positiveInteger('treeSize'))
  treeSize: string;
}

export class ConsistencyQueryDto {
  @ApiProperty({ description: 'the earlier tree size', example: '1000' })
  @Matches(POSITIVE_INTEGER, positiveInteger('from'))
  from: string;

  @ApiProperty({ description: 'the later tree size, at most the sealed head', example: '2000' })
  @Matches(POSITIVE_INTEGER, positiveInteger('to'))
  to: string;
}

export class InclusionProofDto {
  @ApiProperty({ description: 'seq − 1' }) leafIndex: number;
  @ApiProperty() treeSize: number;
  @ApiProperty({ description: 'base64 RFC 9162 root of the tree of treeSize leaves' }) rootHash: string;
  @ApiProperty({ type: [String], description: 'base64 hashes of the RFC 9162 §2.1.3 inclusion path, leaf up' })
  hashes: string[];
}

export class ConsistencyProofDto {
  @ApiProperty() from: number;
  @ApiProperty() to: number;
  @ApiProperty({ type: [String], description: 'base64 hashes of the RFC 9162 §2.1.4 consistency proof' })
  hashes: string[];
}

export class SealedAuditEventDto extends AuditEventDto {
  @ApiProperty({ description: 'base64 of the canonical bytes; the leaf hash is SHA-256(0x00 ‖ these bytes)' })
  canonical: string;
}
