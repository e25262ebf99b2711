import { Controller, Get, Headers, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { ActionContext } from '@vigil/audit';
import { DomainError } from '@vigil/domain';
import { Principal, Public, Roles } from '@vigil/identity';
import { AddEvidence, EVIDENCE_MAX_BYTES, EvidenceSubmitter, ViewEvidence } from '@vigil/moderation';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AddedEvidenceDto } from '../dto/evidence.dto';
import { Ctx, CurrentPrincipal } from '../http/action-context.decorator';
import { IdParam } from '../http/id-param';

@ApiTags('evidence')
@Controller('v1')
export class EvidenceController {
  constructor(
    private readonly addEvidence: AddEvidence,
    private readonly viewEvidence: ViewEvidence,
  ) {}

  @Post('reports/:id/evidence')
  @Public()
  @HttpCode(201)
  @ApiConsumes('multipart/form-data')
  @ApiOperation({
    summary: 'Attach a file to a report: the reporter (X-Tracking-Token) or the API key that submitted it',
    description: 'One part named `file`: PNG, JPEG, WebP, GIF, PDF or MP4, at most 10 MiB, recognised from its bytes.',
  })
  @ApiHeader({ name: 'X-Tracking-Token', required: false })
  @ApiHeader({ name: 'X-Api-Key', required: false })
  @ApiResponse({ status: 201, type: AddedEvidenceDto })
  @ApiResponse({ status: 404, description: 'no such report, or a wrong token or key' })
  @ApiResponse({ status: 409, description: 'the report already holds 10 files' })
  @ApiResponse({ status: 413, description: 'over 10 MiB' })
  @ApiResponse({ status: 415, description: 'not a whole file of an accepted type, or not multipart/form-data' })
  async add(
    @IdParam() id: string,
    @Headers('x-tracking-token') token: string | undefined,
    @CurrentPrincipal() principal: Principal | null,
    @Req() request: FastifyRequest,
    @Ctx() ctx: ActionContext,
  ) {
    const submitter: EvidenceSubmitter | null =
      principal?.kind === 'api_key'
        ? { apiKeyId: principal.apiKeyId }
        : token && token.length <= 256
          ? { trackingToken: token }
          : null;
    if (!submitter) throw new DomainError('NOT_FOUND', 'report not found');
    if (!request.isMultipart()) {
      throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'send multipart/form-data with one part named "file"');
    }
    // One byte over the limit is enough to know the file is too large (the use case says 413).
    const part = await request.file({ limits: { fileSize: EVIDENCE_MAX_BYTES + 1, files: 1, fields: 0, parts: 1 } });
    if (!part || part.fieldname !== 'file') throw new DomainError('INVALID_INPUT', 'send one part named "file"');
    return this.addEvidence.execute({ reportId: id, submitter, file: whileUploading(part.file) }, ctx);
  }

  @Get('evidence/:id')
  @ApiBearerAuth()
  @Roles('moderator', 'senior_moderator', 'admin', 'auditor')
  @ApiOperation({ summary: 'Download an evidence file (audited); never rendered by the browser' })
  @ApiResponse({ status: 200, description: 'the bytes, as an attachment', content: { 'application/octet-stream': {} } })
  @ApiResponse({ status: 410, description: 'erased under the retention policy' })
  async download(@IdParam() id: string, @Ctx() ctx: ActionContext, @Res() reply: FastifyReply): Promise<void> {
    const file = await this.viewEvidence.execute({ evidenceId: id }, ctx);
    await reply
      .header('content-type', file.contentType)
      .header('content-disposition', `attachment; filename="evidence-${id}"`)
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', 'sandbox')
      .header('cache-control', 'no-store')
      .header('x-evidence-sha256', file.sha256)
      .send(file.bytes);
  }
}

/** The upload's bytes; an upload that breaks off (a client cut off mid-way, a malformed body) is the client's 400. */
async function* whileUploading(stream: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  try {
    yield* stream;
  } catch (error) {
    const status = (error as { statusCode?: unknown }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) throw error;
    throw new DomainError('INVALID_INPUT', `the upload broke off before the file ended (${(error as Error).message})`);
  }
}
