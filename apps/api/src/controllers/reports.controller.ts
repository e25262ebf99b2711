import { Body, Controller, Get, Headers, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { ActionContext } from '@vigil/audit';
import { DomainError } from '@vigil/domain';
import { Principal, Public } from '@vigil/identity';
import { ReportStatusQuery, ReportStatusView, SubmitReport, SubmittedReport } from '@vigil/moderation';
import { Ctx, CurrentPrincipal } from '../http/action-context.decorator';
import { IntakeRateLimitGuard } from '../http/rate-limit.guard';
import type { VigilRequest } from '../http/vigil-request';
import { ReportStatusDto } from '../dto/case-views.dto';
import { SubmitReportDto, SubmittedReportDto } from '../dto/submit-report.dto';
import { IdParam } from '../http/id-param';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

@ApiTags('reports')
@Controller('v1/reports')
export class ReportsController {
  constructor(
    private readonly submitReport: SubmitReport,
    private readonly reportStatus: ReportStatusQuery,
  ) {}

  @Post()
  @Public()
  @UseGuards(IntakeRateLimitGuard)
  @HttpCode(202)
  @ApiOperation({ summary: 'Report a channel (public; with X-Api-Key the source is the key’s role)' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: '1–128 printable characters' })
  @ApiHeader({ name: 'X-Api-Key', required: false })
  @ApiResponse({ status: 202, type: SubmittedReportDto })
  @ApiResponse({ status: 403, description: 'a removal order without a referral-unit key, or a suspended reporter' })
  @ApiResponse({ status: 429, description: 'rate-limited per client address or per API key; see Retry-After' })
  submit(
    @Body() body: SubmitReportDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentPrincipal() principal: Principal | null,
    @Ctx() ctx: ActionContext,
    @Req() request: VigilRequest,
  ): Promise<SubmittedReport> {
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new DomainError('INVALID_INPUT', 'Idempotency-Key must be 1–128 printable ASCII characters');
    }
    if (principal?.kind === 'staff') {
      throw new DomainError('FORBIDDEN', 'staff accounts do not file reports; use the public form or an API key');
    }
    return this.submitReport.execute({ report: body, idempotencyKey, principal, clientAddress: request.ip }, ctx);
  }

  @Get(':id')
  @Public()
  @ApiOperation({ summary: 'A report’s status, for the reporter holding its tracking token' })
  @ApiHeader({ name: 'X-Tracking-Token', required: true })
  @ApiResponse({ status: 200, type: ReportStatusDto })
  @ApiResponse({ status: 404, description: 'unknown id or wrong token (alike)' })
  get(
    @IdParam() id: string,
    @Headers('x-tracking-token') token: string | undefined,
  ): Promise<ReportStatusView> {
    if (!token || token.length > 256) throw new DomainError('NOT_FOUND', 'report not found');
    return this.reportStatus.execute({ reportId: id, trackingToken: token });
  }
}
