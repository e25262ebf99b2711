import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActionContext, AuditService } from '@vigil/audit';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import {
  DomainError,
  LinkedActionedChannel,
  strongestLinkedChannel,
  linkedActionedChannelFactor,
  PriorityFactor,
  UNRESOLVED_CASE_STATUSES,
  withFactor,
} from '@vigil/domain';
import { DataSource, EntityManager } from 'typeorm';
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
      const rescored = await this.rescoreSuccessorCase(manager, link.from_channel_id, input.verdict === 'confirm');
      await this.audit.record(manager, ctx, {
        action: input.verdict === 'confirm' ? 'channel.link_confirmed' : 'channel.link_rejected',
        target: { type: 'channel', id: link.from_channel_id },
        data: { linkId: input.linkId, toChannelId: link.to_channel_id, note: input.note, ...rescored },
      });
    });
    return loadChannelLink(this.db, input.channelId, input.linkId);
  }

  /** The successor's unresolved case, if any, with its link factor from the links left and, confirmed, its SLA. */
  private async rescoreSuccessorCase(
    manager: EntityManager,
    channelId: string,
    confirmed: boolean,
  ): Promise<{ caseId?: string; priority?: number; slaDueAt?: string }> {
    const [theCase]: { id: string; priority_breakdown: PriorityFactor[]; sla_due_at: Date }[] = await manager.query(
      `SELECT id, priority_breakdown, sla_due_at FROM cases WHERE channel_id = $1 AND status = ANY($2)
       FOR NO KEY UPDATE`,
      [channelId, UNRESOLVED_CASE_STATUSES],
    );
    if (!theCase) return {};
    const links: LinkedActionedChannel[] = await manager.query(
      `SELECT ch.canonical_key AS key, l.score, l.kind = 'confirmed_migration' AS confirmed
       FROM channel_links l JOIN channels ch ON ch.id = l.to_channel_id
       WHERE l.from_channel_id = $1 AND l.kind IN ('suspected_migration', 'confirmed_migration')
         AND ch.status = 'actioned'`,
      [channelId],
    );
    const strongest = strongestLinkedChannel(links);
    const { priority, breakdown } = withFactor(
      theCase.priority_breakdown,
      'linked_actioned_channel',
      strongest ? linkedActionedChannelFactor(strongest) : null,
    );
    const removalOrderDue = new Date(Date.now() + this.config.sla.removalOrderHours * 3_600_000);
    const due = confirmed && removalOrderDue < theCase.sla_due_at ? removalOrderDue : theCase.sla_due_at;
    // The version moves, so a triage that read the case before this commits writes nothing and reads it again.
    await manager.query(
      `UPDATE cases SET priority = $2, priority_breakdown = $3::jsonb, sla_due_at = $4, version = version + 1,
         updated_at = now()
       WHERE id = $1`,
      [theCase.id, priority, JSON.stringify(breakdown), due],
    );
    return { caseId: theCase.id, priority, slaDueAt: due.toISOString() };
  }
}
