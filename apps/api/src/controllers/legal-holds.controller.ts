import { Body, Controller, Delete, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { ActionContext } from '@vigil/audit';
import { parseIsoTime } from '@vigil/domain';
import { Roles } from '@vigil/identity';
import { LegalHoldView, LiftLegalHold, PlaceLegalHold } from '@vigil/moderation';
import { LegalHoldDto, PlaceLegalHoldDto } from '../dto/evidence.dto';
import { Ctx } from '../http/action-context.decorator';
import { IdParam, UuidParam } from '../http/id-param';

@ApiTags('evidence')
@ApiBearerAuth()
@Controller('v1/cases/:id/legal-holds')
@Roles('admin')
export class LegalHoldsController {
  constructor(
    private readonly place: PlaceLegalHold,
    private readonly lift: LiftLegalHold,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Keep a case’s reports and evidence until a date, past their six months of preservation' })
  @ApiResponse({ status: 201, type: LegalHoldDto })
  @ApiResponse({ status: 400, description: 'until is not a time in the future, or the reason is missing' })
  placeHold(@IdParam() id: string, @Body() body: PlaceLegalHoldDto, @Ctx() ctx: ActionContext): Promise<LegalHoldView> {
    return this.place.execute({ caseId: id, reason: body.reason, until: parseIsoTime(body.until, 'until') }, ctx);
  }

  @Delete(':holdId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Lift a legal hold: the case is kept as long as its preservation says, no less' })
  @ApiResponse({ status: 204 })
  @ApiResponse({ status: 409, description: 'already lifted' })
  async liftHold(@IdParam() id: string, @UuidParam('holdId') holdId: string, @Ctx() ctx: ActionContext): Promise<void> {
    await this.lift.execute({ caseId: id, holdId }, ctx);
  }
}
