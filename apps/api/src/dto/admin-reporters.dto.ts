import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { Trim } from './trim';

export class ReporterStandingDto {
  @ApiProperty({ example: 'reporter#1a2b3c4d' }) pseudonym: string;
  @ApiProperty({ enum: ['good_standing', 'warned', 'suspended'] }) status: 'good_standing' | 'warned' | 'suspended';
  @ApiProperty({ description: 'reports filed under this pseudonym' }) reports: number;
  @ApiProperty({ description: 'cases decided (other than escalated) among those this reporter reported' })
  decidedCases: number;
  @ApiProperty({ description: 'of those, decided no_violation' }) dismissedCases: number;
  @ApiProperty({ example: 0.8 }) dismissedShare: number;
  @ApiProperty({ description: 'the reporter_reputation priority points its record is worth now (≤ 0)' })
  priorityPoints: number;
  @ApiProperty({ nullable: true, type: String }) warnedAt: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'set while suspended' }) suspendedUntil: string | null;
  @ApiProperty() suspensions: number;
}

export class ReinstateReporterDto {
  @ApiProperty({ minLength: 10, maxLength: 1000, example: 'Complaint 12/2026 upheld: the reports were in good faith' })
  @Trim()
  @IsString()
  @Length(10, 1000)
  reason: string;
}
