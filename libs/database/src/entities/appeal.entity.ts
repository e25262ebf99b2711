import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type AppealStatus = 'open' | 'upheld' | 'reversed';

@Entity({ name: 'appeals' })
export class AppealEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'decision_id', type: 'uuid' })
  decisionId: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @Column({ type: 'text' })
  appellant: 'reporter' | 'owner';

  @Column({ name: 'report_id', type: 'uuid', nullable: true })
  reportId: string | null;

  /** `owner`, or `report:<id>`: one open appeal per decision and party. */
  @Column({ type: 'text' })
  party: string;

  @Column({ type: 'text' })
  reason: string;

  @Column({ type: 'text', default: 'open' })
  status: AppealStatus;

  @Column({ name: 'resolved_by', type: 'uuid', nullable: true })
  resolvedBy: string | null;

  @Column({ name: 'resolution_reason', type: 'text', nullable: true })
  resolutionReason: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;
}
