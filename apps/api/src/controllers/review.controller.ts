import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { ActionContext } from '@vigil/audit';
import { Principal, Roles } from '@vigil/identity';
import {
  BulkCaseResult,
  BulkDecide,
  CaseDetail,
  ClaimCase,
  DecisionView,
  RecordDecision,
  ReleaseLease,
  RenewLease,
} from '@vigil/moderation';
import type { FastifyReply } from 'fastify';
import { BulkDecisionResultDto, CaseDetailDto, DecisionViewDto, LeaseDto } from '../dto/case-views.dto';
import { BulkDecisionDto, ClaimNextDto, DecisionDto } from '../dto/review.dto';
import { Ctx, CurrentPrincipal } from '../http/action-context.decorator';
import { IdParam } from '../http/id-param';

@ApiTags('review')
@ApiBearerAuth()
@Controller('v1')
@Roles('moderator', 'senior_moderator', 'admin')
export class ReviewController {
  constructor(
    private readonly claimCase: ClaimCase,
    private readonly renewLease: RenewLease,
    private readonly releaseLease: ReleaseLease,
    private readonly recordDecision: RecordDecision,
    private readonly bulkDecide: BulkDecide,
  ) {}

  @Post('review/claim')
  @HttpCode(200)
  @ApiOperation({ summary: 'Lease the next claimable case (204 when there is none)' })
  @ApiResponse({ status: 200, type: CaseDetailDto, description: 'the case, now leased to the caller' })
  @ApiResponse({ status: 204, description: 'nothing is claimable' })
  async claimNext(
    @Body() body: ClaimNextDto,
    @CurrentPrincipal() principal: Principal,
    @Ctx() ctx: ActionContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CaseDetail | undefined> {
    const preferredLanguages = principal.kind === 'staff' ? principal.languages : [];
    const claimed = await this.claimCase.next({ ...body, preferredLanguages }, ctx);
    if (!claimed) {
      reply.status(204);
      return undefined;
    }
    return claimed;
  }

  @Post('cases/:id/claim')
  @HttpCode(200)
  @ApiOperation({ summary: 'Lease a chosen case' })
  @ApiResponse({ status: 200, type: CaseDetailDto })
  @ApiResponse({ status: 409, description: 'another person holds its lease, or its state does not allow a claim' })
  claim(@IdParam() id: string, @Ctx() ctx: ActionContext): Promise<CaseDetail> {
    return this.claimCase.chosen({ caseId: id }, ctx);
  }

  @Post('cases/:id/lease/renew')
  @HttpCode(200)
  @ApiOperation({ summary: 'Extend the lease you hold on a case' })
  @ApiResponse({ status: 200, type: LeaseDto })
  @ApiResponse({ status: 409, description: 'the caller does not hold the lease' })
  renew(@IdParam() id: string, @Ctx() ctx: ActionContext): Promise<{ leaseExpiresAt: string }> {
    return this.renewLease.execute({ caseId: id }, ctx);
  }

  @Post('cases/:id/lease/release')
  @HttpCode(204)
  @ApiOperation({ summary: 'Give back the lease you hold on a case (it returns to open)' })
  @ApiResponse({ status: 204, description: 'released' })
  @ApiResponse({ status: 409, description: 'the caller does not hold the lease' })
  async release(@IdParam() id: string, @Ctx() ctx: ActionContext): Promise<void> {
    await this.releaseLease.execute({ caseId: id }, ctx);
  }

  @Post('cases/:id/decisions')
  @ApiOperation({ summary: 'Decide a case you hold the lease on' })
  @ApiResponse({ status: 201, type: DecisionViewDto })
  @ApiResponse({ status: 409, description: 'the caller does not hold the lease, or the case state does not allow it' })
  decide(@IdParam() id: string, @Body() body: DecisionDto, @Ctx() ctx: ActionContext): Promise<DecisionView> {
    return this.recordDecision.execute({ caseId: id, ...body }, ctx);
  }

  @Post('cases/bulk-decisions')
  @HttpCode(200)
  @Roles('senior_moderator', 'admin')
  @ApiOperation({ summary: 'One decision for up to 500 cases; each gets its own decision and audit events' })
  @ApiResponse({ status: 200, type: BulkDecisionResultDto })
  bulk(@Body() body: BulkDecisionDto, @Ctx() ctx: ActionContext): Promise<{ results: BulkCaseResult[] }> {
    return this.bulkDecide.execute(body, ctx);
  }
}
