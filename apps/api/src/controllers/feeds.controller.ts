import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { parseIsoTime } from '@vigil/domain';
import { Roles } from '@vigil/identity';
import { ActionedChannelsFeed, FeedSigner, FeedSigningKeyView } from '@vigil/moderation';
import type { FastifyReply } from 'fastify';
import { ActionedChannelsPageDto, ActionedChannelsQueryDto, FeedSigningKeyDto } from '../dto/transparency.dto';

const HOW_TO_VERIFY =
  '`X-Vigil-Feed-Signature` is the standard base64 (with padding) of a pure Ed25519 (RFC 8032) signature whose ' +
  'message is exactly the bytes of the response body as received (UTF-8 JSON; do not re-serialise it before ' +
  'checking). `X-Vigil-Feed-Key-Id` names the key: the first 16 hex digits of SHA-256 over its SPKI DER; ' +
  '`X-Vigil-Feed-Signature-Algorithm` is `Ed25519`. The public key (SPKI PEM) is the audit signing key, served by ' +
  '`GET /v1/feeds/signing-key` and shown in audit checkpoints; pin it from your Vigil operator out of band and ' +
  'compare key ids. With OpenSSL: save the body as body.json and the base64-decoded header as sig.bin, then ' +
  '`openssl pkeyutl -verify -pubin -inkey vigil.pem -rawin -in body.json -sigfile sig.bin`. ' +
  'Details and a Node example: docs/transparency.md.';

@ApiTags('feeds')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('v1/feeds')
@Roles('trusted_flagger', 'referral_unit', 'admin')
export class FeedsController {
  constructor(
    private readonly feed: ActionedChannelsFeed,
    private readonly signer: FeedSigner,
  ) {}

  @Get('actioned-channels')
  @ApiOperation({
    summary: 'Channels taken down (and takedowns reversed on appeal) since a time, signed, for partners to act on',
    description:
      'Entries oldest first: `takedown` when a channel was taken down; with `includeRestores=true` also `restore` ' +
      'when an appeal reversed a takedown (lift what you did). Paged with `limit` and `cursor`; poll with `since` a little before the last ' +
      '`actionedAt` you processed and skip `id`s you have seen. Without `since`: from the first takedown. ' +
      'No personal data. Every 200 answer is signed: ' +
      HOW_TO_VERIFY,
  })
  @ApiResponse({
    status: 200,
    type: ActionedChannelsPageDto,
    headers: {
      'X-Vigil-Feed-Signature': {
        description: 'base64 Ed25519 signature over the exact response body bytes',
        schema: { type: 'string' },
      },
      'X-Vigil-Feed-Key-Id': { description: 'the signing key’s id (16 hex)', schema: { type: 'string' } },
      'X-Vigil-Feed-Signature-Algorithm': { description: '`Ed25519`', schema: { type: 'string' } },
    },
  })
  @ApiResponse({ status: 400, description: 'since is not an ISO 8601 time with an offset, or limit/cursor is invalid' })
  async actionedChannels(@Query() query: ActionedChannelsQueryDto, @Res() reply: FastifyReply): Promise<void> {
    const since = query.since === undefined ? null : parseIsoTime(query.since, 'since');
    const signed = await this.feed.execute({
      since,
      limit: query.limit,
      cursor: query.cursor,
      includeRestores: query.includeRestores === 'true',
    });
    void reply.headers(signed.headers).header('content-type', 'application/json; charset=utf-8').send(signed.body);
  }

  @Get('signing-key')
  @ApiOperation({
    summary: 'The public key that signs the feed (the audit signing key)',
    description:
      'The key that verifies `GET /v1/feeds/actioned-channels` (this answer itself is not signed: a key cannot vouch ' +
      `for itself). Compare \`keyId\` with the key your Vigil operator gave you before trusting it. ${HOW_TO_VERIFY}`,
  })
  @ApiResponse({ status: 200, type: FeedSigningKeyDto })
  signingKey(): FeedSigningKeyView {
    return this.signer.publicKey();
  }
}
