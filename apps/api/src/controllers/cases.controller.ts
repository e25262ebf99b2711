import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Roles } from '@vigil/identity';
import type { ActionContext } from '@vigil/audit';
import { CaseDetail, CaseQueries, CaseSummary, Page, ViewCase } from '@vigil/moderation';
import { CaseDetailDto, CasePageDto } from '../dto/case-views.dto';
import { ListCasesQueryDto } from '../dto/list-query.dto';
import { Ctx } from '../http/action-context.decorator';
import { IdParam } from '../http/id-param';

@ApiTags('review')
@ApiBearerAuth()
@Controller('v1/cases')
@Roles('moderator', 'senior_moderator', 'admin')
export class CasesController {
  constructor(
    private readonly cases: CaseQueries,
    private readonly viewCase: ViewCase,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Cases, highest priority first, then earliest SLA deadline' })
  @ApiResponse({ status: 200, type: CasePageDto })
  list(@Query() query: ListCasesQueryDto): Promise<Page<CaseSummary>> {
    return this.cases.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A case with its priority breakdown, reports (pseudonymised) and history (audited)' })
  @ApiResponse({ status: 200, type: CaseDetailDto })
  detail(@IdParam() id: string, @Ctx() ctx: ActionContext): Promise<CaseDetail> {
    return this.viewCase.execute({ caseId: id }, ctx);
  }
}
