import { Injectable } from '@nestjs/common';
import { ActionedChannelItem, ActionedChannelsInput, ActionedChannelsQuery } from './actioned-channels.query';
import { FeedSigner, SignedBody } from './feed-signature';

/** The body partners receive; the signature headers cover its exact bytes. */
export interface ActionedChannelsFeedBody {
  /** The `since` asked for (null: from the first takedown). */
  since: string | null;
  generatedAt: string;
  items: ActionedChannelItem[];
  nextCursor: string | null;
}

/** `GET /v1/feeds/actioned-channels`: one page of the feed, serialised once and signed over those bytes. */
@Injectable()
export class ActionedChannelsFeed {
  constructor(
    private readonly entries: ActionedChannelsQuery,
    private readonly signer: FeedSigner,
  ) {}

  async execute(input: ActionedChannelsInput): Promise<SignedBody> {
    const page = await this.entries.page(input);
    const body: ActionedChannelsFeedBody = {
      since: input.since?.toISOString() ?? null,
      generatedAt: new Date().toISOString(),
      items: page.items,
      nextCursor: page.nextCursor,
    };
    return this.signer.signJson(body);
  }
}
