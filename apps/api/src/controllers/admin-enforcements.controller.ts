import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ActionContext } from '@vigil/audit';
import { Roles } from '@vigil/identity';
import { RetryEnforcement } from '@vigil/moderation';
import { Ctx } from '../http/action-context.decorator';
import { IdParam } from '../http/id-param';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('v1/admin/enforcements')
@Roles('admin')
export class AdminEnforcementsController {
  constructor(private readonly retryEnforcement: RetryEnforcement) {}

  @Post(':id/retry')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a failed enforcement again (same delivery id)' })
  retry(@IdParam() id: string, @Ctx() ctx: ActionContext) {
    return this.retryEnforcement.execute({ enforcementId: id }, ctx);
  }
}
