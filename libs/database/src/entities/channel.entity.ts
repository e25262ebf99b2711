import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { ChannelKind, ChannelStatus, Platform } from '@vigil/domain';

@Entity({ name: 'channels' })
export class ChannelEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  platform: Platform;

  @Column({ type: 'text' })
  kind: ChannelKind;

  @Column({ name: 'canonical_key', type: 'text', unique: true })
  canonicalKey: string;

  @Column({ type: 'text', nullable: true })
  handle: string | null;

  @Column({ type: 'text', nullable: true })
  title: string | null;

  @Column({ type: 'text' })
  url: string;

  @Column({ type: 'text', default: 'active' })
  status: ChannelStatus;

  @Column({ name: 'actioned_at', type: 'timestamptz', nullable: true })
  actionedAt: Date | null;

  /** Normalised forms used to match migrated channels (normalised handle, title). */
  @Column({ type: 'jsonb', default: {} })
  fingerprints: Record<string, string>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
