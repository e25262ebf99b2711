import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { DecisionAction } from '@vigil/domain';

@Entity({ name: 'decisions' })
export class DecisionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @Column({ type: 'text' })
  action: DecisionAction;

  @Column({ type: 'text' })
  policy: string;

  /** The statement of reasons, shown to those affected. */
  @Column({ type: 'text' })
  reason: string;

  @Column({ name: 'legal_ground', type: 'text', nullable: true })
  legalGround: string | null;

  @Column({ name: 'decided_by', type: 'uuid' })
  decidedBy: string;

  @Column({ type: 'boolean', default: false })
  bulk: boolean;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** When the outcome reached the case's reports and reporters (ApplyDecisionOutcome); null until then. */
  @Column({ name: 'applied_at', type: 'timestamptz', nullable: true })
  appliedAt: Date | null;
}
