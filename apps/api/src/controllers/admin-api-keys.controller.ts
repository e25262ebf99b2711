import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { ActionContext } from '@vigil/audit';
import { ApiKeyDirectory, ApiKeyView, CreateApiKey, CreatedApiKey, RevokeApiKey, Roles } from '@vigil/identity';
import { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto } from '../dto/api-keys.dto';
import { Ctx } from '../http/action-context.decorator';
import { IdParam } from '../http/id-param';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('v1/admin/api-keys')
@Roles('admin')
export class AdminApiKeysController {
  constructor(
    private readonly createApiKey: CreateApiKey,
    private readonly revokeApiKey: RevokeApiKey,
    private readonly apiKeys: ApiKeyDirectory,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Issue an API key to a trusted flagger or referral unit (the key is shown this once)' })
  @ApiResponse({ status: 201, type: CreatedApiKeyDto })
  create(@Body() body: CreateApiKeyDto, @Ctx() ctx: ActionContext): Promise<CreatedApiKey> {
    return this.createApiKey.execute(body, ctx);
  }

  @Get()
  @ApiOperation({ summary: 'Every API key, revoked ones included (never the keys themselves)' })
  @ApiResponse({ status: 200, type: [ApiKeyDto] })
  list(): Promise<ApiKeyView[]> {
    return this.apiKeys.list();
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key; it stops working at once' })
  @ApiResponse({ status: 204 })
  revoke(
    @IdParam() id: string,
    @Ctx() ctx: ActionContext,
  ): Promise<void> {
    return this.revokeApiKey.execute({ apiKeyId: id }, ctx);
  }
}
