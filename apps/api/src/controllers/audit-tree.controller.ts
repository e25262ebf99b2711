import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import {
  ActionContext,
  AuditTreeQueries,
  ConsistencyProofView,
  InclusionProofView,
  QueryAuditTrail,
  SealedAuditEventView,
  SignTreeCheckpoint,
} from '@vigil/audit';
import { DomainError } from '@vigil/domain';
import { Roles } from '@vigil/identity';
import type { FastifyReply } from 'fastify';
import { Ctx } from '../http/action-context.decorator';
import {
  ConsistencyProofDto,
  ConsistencyQueryDto,
  InclusionProofDto,
  InclusionQueryDto,
  SealedAuditEventDto,
} from '../dto/audit.dto';

const TEXT = 'text/plain; charset=utf-8';
const BAD_SIZE =
  'a seq or size that is not a positive integer or is beyond the sealed head, or from greater than to (the message ' +
  'says which)';
const PLAIN_TEXT = { 'text/plain': { schema: { type: 'string' as const } } };

/**
 * API.md "Verifiable audit log": the RFC 9162 Merkle tree over sealed audit events, its signed C2SP checkpoints
 * and proofs. Auditors, admins and partners holding an API key may check the log; the events themselves are for
 * auditors and admins, as in `GET /v1/audit`.
 */
@ApiTags('audit')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('v1/audit')
@Roles('admin', 'auditor', 'trusted_flagger', 'referral_unit')
export class AuditTreeController {
  constructor(
    private readonly tree: AuditTreeQueries,
    private readonly signer: SignTreeCheckpoint,
    private readonly trail: QueryAuditTrail,
  ) {}

  @Get('tree/checkpoint')
  @ApiProduces('text/plain')
  @ApiOperation({
    summary: 'The latest signed checkpoint of the audit Merkle tree (C2SP tlog-checkpoint signed note)',
    description:
      '`<origin>\\n<tree size>\\n<base64 root hash>\\n`, a blank line, then `— <origin> <base64(key id ‖ Ed25519 ' +
      'signature)>\\n` (c2sp.org/signed-note). Signed every AUDIT_CHECKPOINT_INTERVAL_SECONDS while the tree grows.',
  })
  @ApiResponse({ status: 200, description: 'the signed note', content: PLAIN_TEXT })
  @ApiResponse({ status: 404, description: 'no checkpoint has been signed yet' })
  async checkpoint(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const note = await this.tree.latestCheckpoint();
    // Set only on success: a 404 is the usual JSON error, which a text/plain type would make unsendable.
    void reply.type(TEXT);
    return note;
  }

  @Get('tree/verifier-key')
  @ApiProduces('text/plain')
  @ApiOperation({
    summary: 'The signed-note verifier key of the checkpoints: `<origin>+<key id hex>+<base64(0x01 ‖ public key)>`',
    description: 'Compare it with the key your Vigil operator gave you out of band before trusting it.',
  })
  @ApiResponse({ status: 200, content: PLAIN_TEXT })
  verifierKey(@Res({ passthrough: true }) reply: FastifyReply): string {
    void reply.type(TEXT);
    return this.signer.verifierKey;
  }

  @Get('tree/inclusion')
  @ApiOperation({ summary: 'RFC 9162 §2.1.3 inclusion proof of the event `seq` in the tree of `treeSize` leaves' })
  @ApiResponse({ status: 200, type: InclusionProofDto })
  @ApiResponse({ status: 400, description: BAD_SIZE })
  inclusion(@Query() query: InclusionQueryDto): Promise<InclusionProofView> {
    return this.tree.inclusion(Number(query.seq), Number(query.treeSize));
  }

  @Get('tree/consistency')
  @ApiOperation({ summary: 'RFC 9162 §2.1.4 consistency proof from tree size `from` to `to`' })
  @ApiResponse({ status: 200, type: ConsistencyProofDto })
  @ApiResponse({ status: 400, description: BAD_SIZE })
  consistency(@Query() query: ConsistencyQueryDto): Promise<ConsistencyProofView> {
    return this.tree.consistency(Number(query.from), Number(query.to));
  }

  @Get('events/:seq')
  @Roles('admin', 'auditor')
  @ApiOperation({ summary: 'A sealed event as in GET /v1/audit, plus its canonical bytes (the Merkle leaf input)' })
  @ApiResponse({ status: 200, type: SealedAuditEventDto })
  @ApiResponse({ status: 400, description: BAD_SIZE })
  event(@Param('seq') seq: string, @Ctx() ctx: ActionContext): Promise<SealedAuditEventView> {
    if (!/^[1-9][0-9]{0,15}$/.test(seq)) throw new DomainError('INVALID_INPUT', 'seq must be a positive integer');
    return this.trail.event(Number(seq), ctx);
  }
}
