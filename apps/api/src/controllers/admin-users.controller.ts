import { Body, Controller, Get, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { ActionContext } from '@vigil/audit';
import { CreateUser, Roles, UpdateUser, UserDirectory, UserView } from '@vigil/identity';
import { CreateUserDto, UpdateUserDto, UserDto } from '../dto/auth.dto';
import { Ctx } from '../http/action-context.decorator';
import { IdParam } from '../http/id-param';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('v1/admin/users')
@Roles('admin')
export class AdminUsersController {
  constructor(
    private readonly createUser: CreateUser,
    private readonly updateUser: UpdateUser,
    private readonly users: UserDirectory,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a staff user' })
  @ApiResponse({ status: 201, type: UserDto })
  create(@Body() body: CreateUserDto, @Ctx() ctx: ActionContext): Promise<UserView> {
    return this.createUser.execute(body, ctx);
  }

  @Get()
  @ApiOperation({ summary: 'Every staff user' })
  @ApiResponse({ status: 200, type: [UserDto] })
  list(): Promise<UserView[]> {
    return this.users.list();
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change roles or languages, or disable (a disabled user’s tokens stop working)' })
  @ApiResponse({ status: 200, type: UserDto })
  update(
    @IdParam() id: string,
    @Body() body: UpdateUserDto,
    @Ctx() ctx: ActionContext,
  ): Promise<UserView> {
    return this.updateUser.execute({ userId: id, ...body }, ctx);
  }
}
