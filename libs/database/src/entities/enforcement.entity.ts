import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type EnforcementType = 'takedown' | 'restrict' | 'restore';
export type EnforcementStatus = 'pending' | 'succeeded' | 'failed' | 'manual';

/** Outbox row for one platform action; its delivery id stays the same across retries. */
@Entity({ name: 'enforcements' })
export class EnforcementEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'decision_id', type: 'uuid' })
  decisionId: string;

  @Column({ name: 'appeal_id', type: 'uuid', nullable: true })
  appealId: string | null;

  @Column({ name: 'case_id', type: 'uuid' })
  caseId: string;

  @Column({ name: 'channel_id', type: 'uuid' })
  channelId: string;

  @Column({ type: 'text' })
  type: EnforcementType;

  @Column({ name: 'delivery_id', type: 'uuid' })
  deliveryId: string;

  @Column({ type: 'text', default: 'pending' })
  status: EnforcementStatus;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;
}
