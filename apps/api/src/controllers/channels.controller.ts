import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { ActionContext } from '@vigil/audit';
import { Roles } from '@vigil/identity';
import { ChannelQueries, ChannelView, LinkChannels } from '@vigil/moderation';
import { LinkChannelDto } from '../dto/review.dto';
import { Ctx } from '../http/action-context.decorator';
import { IdParam } from '../http/id-param';

@ApiTags('review')
@ApiBearerAuth()
@Controller('v1/channels')
@Roles('moderator', 'senior_moderator', 'admin')
export class ChannelsController {
  constructor(
    private readonly channels: ChannelQueries,
    private readonly linkChannels: LinkChannels,
  ) {}

  @Get(':id')
  detail(@IdParam() id: string): Promise<ChannelView> {
    return this.channels.detail(id);
  }

  @Post(':id/links')
  link(
    @IdParam() id: string,
    @Body() body: LinkChannelDto,
    @Ctx() ctx: ActionContext,
  ) {
    return this.linkChannels.execute({ fromChannelId: id, ...body }, ctx);
  }
}
