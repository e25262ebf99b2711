import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { DomainError } from '@vigil/domain';
import { Roles } from '@vigil/identity';
import { ReporterStandings, ReporterStandingView } from '@vigil/moderation';
import { ReporterStandingDto } from '../dto/admin-reporters.dto';

/** `reporter#1a2b3c4d` (with `#` sent as `%23`), or just its 8 hex digits. */
const PSEUDONYM = /^(?:reporter#)?([0-9a-f]{8})$/;

@ApiTags('admin')
@ApiBearerAuth()
@Controller('v1/admin/reporters')
@Roles('admin')
export class AdminReportersController {
  constructor(private readonly standings: ReporterStandings) {}

  @Get(':pseudonym')
  @ApiOperation({ summary: 'A reporter’s record: decided and dismissed cases, warning, suspension (never the contact)' })
  @ApiParam({ name: 'pseudonym', example: 'reporter%231a2b3c4d', description: 'reporter#<8 hex>, or the 8 hex digits' })
  @ApiResponse({ status: 200, type: ReporterStandingDto })
  async show(@Param('pseudonym') pseudonym: string): Promise<ReporterStandingView> {
    const match = PSEUDONYM.exec(pseudonym.toLowerCase());
    const view = match ? await this.standings.view(`reporter#${match[1]}`) : null;
    if (!view) throw new DomainError('NOT_FOUND', 'no reporter with this pseudonym');
    return view;
  }
}
