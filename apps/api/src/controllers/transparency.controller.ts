import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOperation, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { reportingRange } from '@vigil/domain';
import { Roles } from '@vigil/identity';
import { DownloadStatementsOfReasons, TransparencyQuery, TransparencyReport } from '@vigil/moderation';
import type { ActionContext } from '@vigil/audit';
import type { FastifyReply } from 'fastify';
import { ReportingRangeQueryDto, StatementOfReasonsDto, TransparencyReportDto } from '../dto/transparency.dto';
import { Ctx } from '../http/action-context.decorator';
import { ndjsonStream } from '../http/ndjson-stream';

@ApiTags('transparency')
@ApiBearerAuth()
@Controller('v1')
@Roles('admin', 'auditor')
@ApiExtraModels(StatementOfReasonsDto)
export class TransparencyController {
  constructor(
    private readonly figures: TransparencyQuery,
    private readonly statements: DownloadStatementsOfReasons,
  ) {}

  @Get('transparency')
  @ApiOperation({
    summary: 'Transparency figures over [from, to)',
    description:
      'Each figure counts events by the time they happened inside the half-open range [from, to); the exact ' +
      'definition of each is in docs/transparency.md and on each field below. Without from and to: the last 30 days.',
  })
  @ApiResponse({ status: 200, type: TransparencyReportDto })
  @ApiResponse({ status: 400, description: 'from or to is not an ISO 8601 time with an offset, or from is not before to' })
  report(@Query() query: ReportingRangeQueryDto): Promise<TransparencyReport> {
    return this.figures.report(reportingRange(query, new Date()));
  }

  @Get('exports/statements-of-reasons')
  @ApiOperation({
    summary: 'DSA statements of reasons of the takedowns and restrictions decided in [from, to), as NDJSON',
    description:
      'One JSON object per line (`\\n`-terminated), oldest decision first, streamed. Each line is a statement in ' +
      'the EU DSA Transparency Database API format (field names and enum values as its `POST /api/v1/statement` ' +
      'takes them), with `puid` the decision id. No personal data: no reporter, pseudonym, contact, reviewer or ' +
      'channel name or link. An empty range is an empty body. Without from and to: the last 30 days. The mapping ' +
      'of each field is in docs/transparency.md.',
  })
  @ApiResponse({
    status: 200,
    description: 'NDJSON, one statement of reasons per line',
    content: { 'application/x-ndjson': { schema: { $ref: getSchemaPath(StatementOfReasonsDto) } } },
  })
  @ApiResponse({ status: 400, description: 'from or to is not an ISO 8601 time with an offset, or from is not before to' })
  async exportStatements(
    @Query() query: ReportingRangeQueryDto,
    @Res() reply: FastifyReply,
    @Ctx() ctx: ActionContext,
  ): Promise<void> {
    const range = reportingRange(query, new Date());
    const body = await ndjsonStream(await this.statements.execute(range, ctx));
    const name = `statements-of-reasons_${fileTime(range.from)}_${fileTime(range.to)}.ndjson`;
    // Not awaited: the reply settles when the stream ends, and a failure then cannot become an error response.
    void reply
      .header('content-type', 'application/x-ndjson; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}"`)
      .send(body);
  }
}

/** `2026-11-25T10:00:00.000Z` → `20261125T100000Z`: no characters a file system or a shell minds. */
function fileTime(time: Date): string {
  return time.toISOString().replace(/[-:]|\.\d{3}/g, '');
}
