import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { STAFF_ROLES } from '@vigil/domain';
import { Login, LoginResult, Principal, Public, Roles, UserDirectory, UserView } from '@vigil/identity';
import { LoginDto, LoginResultDto, UserDto } from '../dto/auth.dto';
import type { ActionContext } from '@vigil/audit';
import { Ctx, CurrentPrincipal } from '../http/action-context.decorator';
import type { VigilRequest } from '../http/vigil-request';

@ApiTags('identity')
@Controller('v1')
export class AuthController {
  constructor(
    private readonly login: Login,
    private readonly users: UserDirectory,
  ) {}

  @Post('auth/login')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Staff login: email and password for a short-lived bearer token' })
  @ApiResponse({ status: 200, type: LoginResultDto })
  @ApiResponse({ status: 429, description: 'too many failed logins for the account or address; see Retry-After' })
  signIn(@Body() body: LoginDto, @Req() request: VigilRequest, @Ctx() ctx: ActionContext): Promise<LoginResult> {
    return this.login.execute({ ...body, clientAddress: request.ip }, ctx);
  }

  @Get('me')
  @ApiOperation({ summary: 'The signed-in staff user' })
  @Roles(...STAFF_ROLES)
  @ApiBearerAuth()
  @ApiResponse({ status: 200, type: UserDto })
  me(@CurrentPrincipal() principal: Principal): Promise<UserView> {
    return this.users.get((principal as Extract<Principal, { kind: 'staff' }>).userId);
  }
}
