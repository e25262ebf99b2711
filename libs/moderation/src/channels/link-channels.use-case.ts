import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActionContext, AuditService } from '@vigil/audit';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { DomainError } from '@vigil/domain';
import { DataSource } from 'typeorm';
import { rescoreSuccessorCase } from './successor-case';

/**
 * A moderator confirms that one channel is another's migration or mirror; audited as `channel.linked`. A confirmed
 * migration re-scores the successor's unresolved case and gives it a removal order's SLA, as confirming a suggestion
 * does (ReviewLink).
 */
@Injectable()
export class LinkChannels {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
    private readonly audit: AuditService,
  ) {}

  async execute(
    input: { fromChannelId: string; toChannelId: string; kind: 'confirmed_migration' | 'mirror'; note: string },
    ctx: ActionContext,
  ): Promise<{ id: string; fromChannelId: string; toChannelId: string; kind: string; note: string; createdAt: string }> {
    if (input.fromChannelId === input.toChannelId) {
      throw new DomainError('INVALID_INPUT', 'a channel cannot be linked to itself');
    }
    return this.db.transaction(async (manager) => {
      const found: { id: string }[] = await manager.query(`SELECT id FROM channels WHERE id = ANY($1)`, [
        [input.fromChannelId, input.toChannelId],
      ]);
      if (!found.some((c) => c.id === input.fromChannelId)) throw new DomainError('NOT_FOUND', 'channel not found');
      if (!found.some((c) => c.id === input.toChannelId)) {
        throw new DomainError('INVALID_INPUT', 'toChannelId names no known channel');
      }
      const [row]: { id: string; created_at: Date }[] = await manager.query(
        `INSERT INTO channel_links (from_channel_id, to_channel_id, kind, score, evidence, created_by)
         VALUES ($1, $2, $3, 1, $4::jsonb, $5)
         ON CONFLICT DO NOTHING RETURNING id, created_at`,
        [input.fromChannelId, input.toChannelId, input.kind, JSON.stringify({ note: input.note }), ctx.actor.id],
      );
      // Any conflict: the same link, or a migration link the pair already has (suggested, confirmed or rejected),
      // which is confirmed or rejected instead (ReviewLink).
      if (!row) throw new DomainError('ALREADY_LINKED', 'these channels are already linked this way');
      const rescored =
        input.kind === 'confirmed_migration'
          ? await rescoreSuccessorCase(manager, input.fromChannelId, true, this.config.sla)
          : {};
      await this.audit.record(manager, ctx, {
        action: 'channel.linked',
        target: { type: 'channel', id: input.fromChannelId },
        data: { linkId: row.id, toChannelId: input.toChannelId, kind: input.kind, note: input.note, ...rescored },
      });
      return {
        id: row.id,
        fromChannelId: input.fromChannelId,
        toChannelId: input.toChannelId,
        kind: input.kind,
        note: input.note,
        createdAt: row.created_at.toISOString(),
      };
    });
  }
}
