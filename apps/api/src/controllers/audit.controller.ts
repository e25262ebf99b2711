import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  ActionContext,
  AuditEventPage,
  AuditQueries,
  AuditVerification,
  CheckpointView,
  SignAuditCheckpoint,
  VerifyAuditChain,
} from '@vigil/audit';
import { Roles } from '@vigil/identity';
import {
  AuditEventPageDto,
  AuditQueryDto,
  AuditVerificationDto,
  CheckpointDto,
  VerifyAuditQueryDto,
} from '../dto/audit.dto';
import { Ctx } from '../http/action-context.decorator';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit')
@Roles('admin', 'auditor')
export class AuditController {
  constructor(
    private readonly audit: AuditQueries,
    private readonly verifyChain: VerifyAuditChain,
    private readonly signCheckpoint: SignAuditCheckpoint,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Audit events in seq order (unsealed last, with seq null)' })
  @ApiResponse({ status: 200, type: AuditEventPageDto })
  list(@Query() query: AuditQueryDto): Promise<AuditEventPage> {
    const { from, to, ...rest } = query;
    return this.audit.list({
      ...rest,
      from: from === undefined ? undefined : new Date(from),
      to: to === undefined ? undefined : new Date(to),
    });
  }

  @Get('verify')
  @ApiOperation({ summary: 'Recompute the hash chain and name the first invalid seq' })
  @ApiResponse({ status: 200, type: AuditVerificationDto })
  verify(@Query() query: VerifyAuditQueryDto): Promise<AuditVerification> {
    return this.verifyChain.execute({ fromCheckpoint: query.fromCheckpoint === 'true' });
  }

  @Get('checkpoints/latest')
  @ApiOperation({ summary: 'The latest signed checkpoint (404 before the first)' })
  @ApiResponse({ status: 200, type: CheckpointDto })
  latestCheckpoint(): Promise<CheckpointView> {
    return this.audit.latestCheckpoint();
  }

  @Post('checkpoints')
  @Roles('admin')
  @HttpCode(201)
  @ApiOperation({ summary: 'Sign a checkpoint of the sealed head now' })
  @ApiResponse({ status: 201, type: CheckpointDto })
  async sign(@Ctx() ctx: ActionContext): Promise<CheckpointView> {
    const checkpoint = await this.signCheckpoint.execute({ trigger: 'request' }, ctx);
    // A requested checkpoint is always signed; null only comes from a scheduled run with nothing new.
    return checkpoint!;
  }
}
