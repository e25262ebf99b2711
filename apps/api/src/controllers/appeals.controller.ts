import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { ActionContext } from '@vigil/audit';
import { Public, Roles } from '@vigil/identity';
import { AppealQueries, AppealView, FileAppeal, Page, ResolveAppeal } from '@vigil/moderation';
import { AppealDto, AppealPageDto, FiledAppealDto } from '../dto/case-views.dto';
import { FileAppealDto, ListAppealsQueryDto, ResolveAppealDto } from '../dto/review.dto';
import { Ctx } from '../http/action-context.decorator';
import { IdParam } from '../http/id-param';

@ApiTags('appeals')
@Controller('v1/appeals')
export class AppealsController {
  constructor(
    private readonly fileAppeal: FileAppeal,
    private readonly resolveAppeal: ResolveAppeal,
    private readonly appeals: AppealQueries,
  ) {}

  @Post()
  @Public()
  @ApiOperation({ summary: 'Appeal a decision with a tracking token or the owner’s appeal token' })
  @ApiResponse({ status: 201, type: FiledAppealDto })
  @ApiResponse({ status: 404, description: 'unknown decision or wrong token' })
  file(@Body() body: FileAppealDto, @Ctx() ctx: ActionContext): Promise<{ id: string; status: 'open' }> {
    return this.fileAppeal.execute(body, ctx);
  }

  @Get()
  @Roles('senior_moderator', 'admin')
  @ApiOperation({ summary: 'Appeals, by status' })
  @ApiBearerAuth()
  @ApiResponse({ status: 200, type: AppealPageDto })
  list(@Query() query: ListAppealsQueryDto): Promise<Page<AppealView>> {
    return this.appeals.list(query);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @Roles('senior_moderator', 'admin')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Resolve an appeal (not by the person who made the decision)' })
  @ApiResponse({ status: 200, type: AppealDto })
  @ApiResponse({ status: 403, description: 'the caller made the decision under appeal' })
  resolve(
    @IdParam() id: string,
    @Body() body: ResolveAppealDto,
    @Ctx() ctx: ActionContext,
  ): Promise<AppealView> {
    return this.resolveAppeal.execute({ appealId: id, ...body }, ctx);
  }
}
