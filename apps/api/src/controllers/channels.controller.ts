import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { ActionContext } from '@vigil/audit';
import { Roles } from '@vigil/identity';
import { ChannelLinkView, ChannelQueries, ChannelView, LinkChannels, LinkVerdict, ReviewLink } from '@vigil/moderation';
import { LinkedChannelDto } from '../dto/case-views.dto';
import { LinkChannelDto, ReviewLinkDto } from '../dto/review.dto';
import { Ctx } from '../http/action-context.decorator';
import { IdParam, UuidParam } from '../http/id-param';

@ApiTags('review')
@ApiBearerAuth()
@Controller('v1/channels')
@Roles('moderator', 'senior_moderator', 'admin')
export class ChannelsController {
  constructor(
    private readonly channels: ChannelQueries,
    private readonly linkChannels: LinkChannels,
    private readonly reviewLink: ReviewLink,
  ) {}

  @Get(':id')
  @ApiOperation({ summary: 'A channel with its cases and links' })
  detail(@IdParam() id: string): Promise<ChannelView> {
    return this.channels.detail(id);
  }

  @Post(':id/links')
  @ApiOperation({ summary: 'Link this channel to another: a confirmed migration or a mirror' })
  link(
    @IdParam() id: string,
    @Body() body: LinkChannelDto,
    @Ctx() ctx: ActionContext,
  ) {
    return this.linkChannels.execute({ fromChannelId: id, ...body }, ctx);
  }

  /** A suggested migration confirmed: the successor's case gets a removal order's SLA. */
  @Post(':id/links/:linkId/confirm')
  @ApiOperation({ summary: 'Confirm a suggested migration' })
  @HttpCode(200)
  @ApiResponse({ status: 200, type: LinkedChannelDto, description: 'the link, seen from this channel' })
  @ApiResponse({ status: 409, description: 'the link is not a suspected migration (already reviewed)' })
  confirm(
    @IdParam() id: string,
    @UuidParam('linkId') linkId: string,
    @Body() body: ReviewLinkDto,
    @Ctx() ctx: ActionContext,
  ): Promise<ChannelLinkView> {
    return this.review(id, linkId, 'confirm', body, ctx);
  }

  /** A suggested migration rejected: the pair is never suggested again. */
  @Post(':id/links/:linkId/reject')
  @ApiOperation({ summary: 'Reject a suggested migration (the pair is not suggested again)' })
  @HttpCode(200)
  @ApiResponse({ status: 200, type: LinkedChannelDto, description: 'the link, seen from this channel' })
  @ApiResponse({ status: 409, description: 'the link is not a suspected migration (already reviewed)' })
  reject(
    @IdParam() id: string,
    @UuidParam('linkId') linkId: string,
    @Body() body: ReviewLinkDto,
    @Ctx() ctx: ActionContext,
  ): Promise<ChannelLinkView> {
    return this.review(id, linkId, 'reject', body, ctx);
  }

  private review(id: string, linkId: string, verdict: LinkVerdict, body: ReviewLinkDto, ctx: ActionContext) {
    return this.reviewLink.execute({ channelId: id, linkId, verdict, note: body.note ?? '' }, ctx);
  }
}
