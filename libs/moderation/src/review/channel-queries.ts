import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ChannelEntity } from '@vigil/database';
import { ChannelStatus, DomainError, Platform } from '@vigil/domain';
import { DataSource } from 'typeorm';
import { ChannelLinkView, loadChannelLinks } from '../channels';
import { CaseQueries, CaseSummary } from './case-queries';

export interface ChannelView {
  id: string;
  platform: Platform;
  key: string;
  url: string;
  status: ChannelStatus;
  actionedAt: string | null;
  cases: CaseSummary[];
  links: ChannelLinkView[];
}

/** Channels as moderators see them: status, every case, and links to channels it migrated from or mirrors. */
@Injectable()
export class ChannelQueries {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly cases: CaseQueries,
  ) {}

  async detail(channelId: string): Promise<ChannelView> {
    const channel = await this.db.getRepository(ChannelEntity).findOneBy({ id: channelId });
    if (!channel) throw new DomainError('NOT_FOUND', 'channel not found');
    return {
      id: channel.id,
      platform: channel.platform,
      key: channel.canonicalKey,
      url: channel.url,
      status: channel.status,
      actionedAt: channel.actionedAt?.toISOString() ?? null,
      cases: await this.cases.forChannel(channel.id),
      links: await loadChannelLinks(this.db, channel.id),
    };
  }
}
