import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { ActionContext } from '@vigil/audit';
import { parseIsoTime } from '@vigil/domain';
import { Roles } from '@vigil/identity';
import {
  CloseIncident,
  DeclareIncident,
  IncidentQueries,
  IncidentView,
  IncidentWithFigures,
  Page,
} from '@vigil/moderation';
import { DeclareIncidentDto, IncidentDto, IncidentsPageDto, ListIncidentsQueryDto } from '../dto/incidents.dto';
import { Ctx } from '../http/action-context.decorator';
import { IdParam } from '../http/id-param';

@ApiTags('incidents')
@ApiBearerAuth()
@Controller('v1/incidents')
export class IncidentsController {
  constructor(
    private readonly declare: DeclareIncident,
    private readonly close: CloseIncident,
    private readonly incidents: IncidentQueries,
  ) {}

  @Post()
  @Roles('senior_moderator', 'admin')
  @ApiOperation({ summary: 'Declare an incident: matching unresolved cases carry its boost (and SLA) within seconds' })
  @ApiResponse({ status: 201, type: IncidentDto })
  @ApiResponse({ status: 400, description: 'an unknown platform or category, a boost outside 1–50, endsAt not ahead' })
  create(@Body() body: DeclareIncidentDto, @Ctx() ctx: ActionContext): Promise<IncidentView> {
    const endsAt = body.endsAt === undefined ? undefined : parseIsoTime(body.endsAt, 'endsAt');
    return this.declare.execute({ ...body, endsAt }, ctx);
  }

  @Post(':id/close')
  @HttpCode(200)
  @Roles('senior_moderator', 'admin')
  @ApiOperation({ summary: 'Close an incident: its boost leaves the cases within seconds' })
  @ApiResponse({ status: 200, type: IncidentDto })
  @ApiResponse({ status: 409, description: 'the incident is already closed' })
  closeOne(@IdParam() id: string, @Ctx() ctx: ActionContext): Promise<IncidentView> {
    return this.close.execute({ incidentId: id }, ctx);
  }

  @Get()
  @Roles('moderator', 'senior_moderator', 'admin', 'auditor')
  @ApiOperation({ summary: 'Incidents, newest first, each with its live figures' })
  @ApiResponse({ status: 200, type: IncidentsPageDto })
  list(@Query() query: ListIncidentsQueryDto): Promise<Page<IncidentWithFigures>> {
    return this.incidents.page({ status: query.status, limit: query.limit, cursor: query.cursor });
  }
}
