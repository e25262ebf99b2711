import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import {
  ActionContext,
  AuditEventPage,
  AuditQueries,
  AuditVerification,
  QueryAuditTrail,
  CheckpointView,
  SignAuditCheckpoint,
  VerifyAuditChain,
} from '@vigil/audit';
import { DomainError } from '@vigil/domain';
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
    private readonly queryTrail: QueryAuditTrail,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Audit events in seq order (unsealed last, with seq null); the query itself is audited' })
  @ApiResponse({ status: 200, type: AuditEventPageDto })
  list(@Query() query: AuditQueryDto, @Ctx() ctx: ActionContext): Promise<AuditEventPage> {
    const { from, to, ...rest } = query;
    const filter = {
      ...rest,
      from: from === undefined ? undefined : microsecondTime(from, 'from'),
      to: to === undefined ? undefined : microsecondTime(to, 'to'),
    };
    return this.queryTrail.execute(filter, ctx);
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
  @ApiResponse({ status: 404, description: 'no checkpoint has been signed yet' })
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

/**
 * A time bound as UTC text with microseconds: events carry microseconds (`occurredAt`), which a Date would cut to
 * milliseconds, so the fraction is taken from the text. Some ISO 8601 forms pass the DTO (week dates) yet mean
 * nothing to Date: those are the client's mistake, a 400.
 */
function microsecondTime(raw: string, name: string): string {
  const time = new Date(raw);
  if (Number.isNaN(time.getTime())) throw new DomainError('INVALID_INPUT', `${name} must be an ISO 8601 time`);
  const fraction = /T[^.]*\.(\d+)/.exec(raw)?.[1] ?? '';
  return `${time.toISOString().slice(0, 19)}.${fraction.padEnd(6, '0').slice(0, 6)}Z`;
}
