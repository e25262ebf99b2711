import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { Trim } from './trim';

export class RevealReporterDto {
  @ApiProperty({ minLength: 10, maxLength: 1000, description: 'why the reporter must be identified (audited)' })
  @Trim()
  @IsString()
  @Length(10, 1000)
  reason: string;
}

export class RevealedReporterDto {
  @ApiProperty({ format: 'uuid' }) reportId: string;
  @ApiProperty({ example: 'reporter#1a2b3c4d' }) pseudonym: string;
  @ApiProperty({ nullable: true, type: String, description: 'null when the reporter left no contact' })
  contact: string | null;
}
