import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActionContext, AuditService } from '@vigil/audit';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { DomainError } from '@vigil/domain';
import { DataSource } from 'typeorm';
import { rescoreSuccessorCase } from './successor-case';
import { ChannelLinkView, loadChannelLink } from './channel-links.query';

export type LinkVerdict = 'confirm' | 'reject';

const KIND_OF: Readonly<Record<LinkVerdict, 'confirmed_migration' | 'rejected'>> = {
  confirm: 'confirmed_migration',
  reject: 'rejected',
};

/**
 * A moderator confirms or rejects a migration link that triage suggested (audited `channel.link_confirmed` /
 * `channel.link_rejected`). Either way the successor's unresolved case is re-scored for its strongest remaining link;
 * a confirmed successor of a taken-down channel gets a removal order's SLA from now, never a later one than it had.
 * A rejected pair keeps its row, so triage never suggests it again (`channel_links_one_migration_per_pair`).
 */
@Injectable()
export class ReviewLink {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
    private readonly audit: AuditService,
  ) {}

  async execute(
    input: { channelId: string; linkId: string; verdict: LinkVerdict; note: string },
    ctx: ActionContext,
  ): Promise<ChannelLinkView> {
    await this.db.transaction(async (manager) => {
      const [link]: { from_channel_id: string; to_channel_id: string; kind: string }[] = await manager.query(
        `SELECT from_channel_id, to_channel_id, kind FROM channel_links
         WHERE id = $1 AND (from_channel_id = $2 OR to_channel_id = $2) FOR UPDATE`,
        [input.linkId, input.channelId],
      );
      if (!link) throw new DomainError('NOT_FOUND', 'link not found');
      if (link.kind !== 'suspected_migration') {
        throw new DomainError('ILLEGAL_TRANSITION', `only a suspected migration can be reviewed; this link is ${link.kind}`);
      }
      const kind = KIND_OF[input.verdict];
      await manager.query(
        `UPDATE channel_links SET kind = $2, reviewed_by = $3, reviewed_at = now(),
           evidence = evidence || jsonb_build_object('note', $4::text)
         WHERE id = $1`,
        [input.linkId, kind, ctx.actor.id, input.note],
      );
      const rescored = await rescoreSuccessorCase(
        manager,
        link.from_channel_id,
        input.verdict === 'confirm',
        this.config.sla,
      );
      await this.audit.record(manager, ctx, {
        action: input.verdict === 'confirm' ? 'channel.link_confirmed' : 'channel.link_rejected',
        target: { type: 'channel', id: link.from_channel_id },
        data: { linkId: input.linkId, toChannelId: link.to_channel_id, note: input.note, ...rescored },
      });
    });
    return loadChannelLink(this.db, input.channelId, input.linkId);
  }
}
