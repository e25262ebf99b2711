import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { DomainError } from '@vigil/domain';
import { Roles } from '@vigil/identity';
import type { ActionContext } from '@vigil/audit';
import { ReinstateReporter, ReporterIdentity, ReporterStandings, ReporterStandingView } from '@vigil/moderation';
import { ReinstateReporterDto, ReporterStandingDto } from '../dto/admin-reporters.dto';
import { Ctx } from '../http/action-context.decorator';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('v1/admin/reporters')
@Roles('admin')
export class AdminReportersController {
  constructor(
    private readonly standings: ReporterStandings,
    private readonly reinstateReporter: ReinstateReporter,
  ) {}

  @Get(':pseudonym')
  @ApiOperation({ summary: 'A reporter’s record: decided and dismissed cases, warning, suspension (never the contact)' })
  @ApiParam({ name: 'pseudonym', example: 'reporter%231a2b3c4d', description: 'reporter#<8 hex>, or the 8 hex digits' })
  @ApiResponse({ status: 200, type: ReporterStandingDto })
  async show(@Param('pseudonym') pseudonym: string): Promise<ReporterStandingView> {
    const view = await this.standings.view(pseudonymOf(pseudonym));
    if (!view) throw new DomainError('NOT_FOUND', 'no reporter with this pseudonym');
    return view;
  }

  @Post(':pseudonym/reinstate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Lift a reporter’s suspension now, with a reason (audited reporter.reinstated)' })
  @ApiParam({ name: 'pseudonym', example: 'reporter%231a2b3c4d' })
  @ApiResponse({ status: 200, type: ReporterStandingDto, description: 'the record after the suspension was lifted' })
  @ApiResponse({ status: 409, description: 'the reporter is not suspended' })
  async reinstate(
    @Param('pseudonym') pseudonym: string,
    @Body() body: ReinstateReporterDto,
    @Ctx() ctx: ActionContext,
  ): Promise<ReporterStandingView> {
    const name = pseudonymOf(pseudonym);
    await this.reinstateReporter.execute({ pseudonym: name, reason: body.reason }, ctx);
    return (await this.standings.view(name))!;
  }
}

/** The canonical pseudonym; anything else names no reporter (404). */
/** `reporter#1a2b3c4d` (with `#` sent as `%23`), or just its 8 hex digits; anything else names no reporter. */
function pseudonymOf(raw: string): string {
  const pseudonym = ReporterIdentity.canonicalPseudonym(raw);
  if (!pseudonym) throw new DomainError('NOT_FOUND', 'no reporter with this pseudonym');
  return pseudonym;
}
