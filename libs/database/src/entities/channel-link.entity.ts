import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type ChannelLinkKind = 'suspected_migration' | 'confirmed_migration' | 'rejected' | 'mirror';

@Entity({ name: 'channel_links' })
export class ChannelLinkEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'from_channel_id', type: 'uuid' })
  fromChannelId: string;

  @Column({ name: 'to_channel_id', type: 'uuid' })
  toChannelId: string;

  @Column({ type: 'text' })
  kind: ChannelLinkKind;

  @Column({ type: 'real', nullable: true })
  score: number | null;

  @Column({ type: 'jsonb', default: {} })
  evidence: Record<string, unknown>;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  /** Who confirmed or rejected a suggested migration, and when. */
  @Column({ name: 'reviewed_by', type: 'uuid', nullable: true })
  reviewedBy: string | null;

  @Column({ name: 'reviewed_at', type: 'timestamptz', nullable: true })
  reviewedAt: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
