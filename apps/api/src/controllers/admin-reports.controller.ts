import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { ActionContext } from '@vigil/audit';
import { Roles } from '@vigil/identity';
import { RevealedReporter, RevealReporter } from '@vigil/moderation';
import { RevealedReporterDto, RevealReporterDto } from '../dto/admin-reports.dto';
import { Ctx } from '../http/action-context.decorator';
import { IdParam } from '../http/id-param';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('v1/admin/reports')
@Roles('admin')
export class AdminReportsController {
  constructor(private readonly revealReporter: RevealReporter) {}

  @Post(':id/reveal-reporter')
  @HttpCode(200)
  @ApiOperation({ summary: 'Reveal who filed a report (admin only; audited with the reason)' })
  @ApiResponse({ status: 200, type: RevealedReporterDto })
  reveal(
    @IdParam() id: string,
    @Body() body: RevealReporterDto,
    @Ctx() ctx: ActionContext,
  ): Promise<RevealedReporter> {
    return this.revealReporter.execute({ reportId: id, reason: body.reason }, ctx);
  }
}
