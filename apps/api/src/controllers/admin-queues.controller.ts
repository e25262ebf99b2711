import { Controller, Get, HttpCode, Inject, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { ActionContext } from '@vigil/audit';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { DomainError } from '@vigil/domain';
import { OpenQueueBoard, Principal, QUEUE_BOARD_PATH, Roles } from '@vigil/identity';
import { QueueCountsReader } from '@vigil/queues';
import type { FastifyReply } from 'fastify';
import { QueueBoardSessionDto, QueuesDto } from '../dto/queues.dto';
import { Ctx, CurrentPrincipal } from '../http/action-context.decorator';
import { queueBoardCookie } from '../http/queue-board';

@ApiTags('admin')
@ApiBearerAuth()
@Controller('v1/admin/queues')
@Roles('admin')
export class AdminQueuesController {
  constructor(
    private readonly counts: QueueCountsReader,
    private readonly openQueueBoard: OpenQueueBoard,
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Job counts of every queue (503 when Redis does not answer)' })
  @ApiResponse({ status: 200, type: QueuesDto })
  @ApiResponse({ status: 503, description: 'Redis is unreachable' })
  async list(): Promise<QueuesDto> {
    return { queues: await this.counts.all() };
  }

  @Post('board-session')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Open Bull Board from the console: sets a short-lived HttpOnly cookie valid only under /admin/queues',
  })
  @ApiResponse({ status: 200, type: QueueBoardSessionDto })
  async openBoard(
    @CurrentPrincipal() principal: Principal | null,
    @Ctx() ctx: ActionContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<QueueBoardSessionDto> {
    // Admins are staff (no API key holds the admin role); the guard has checked the role.
    if (principal?.kind !== 'staff') throw new DomainError('FORBIDDEN', 'only a staff admin may open the board');
    const session = await this.openQueueBoard.execute({ userId: principal.userId }, ctx);
    const secure = this.config.nodeEnv === 'production';
    reply.header('set-cookie', queueBoardCookie(session.token, session.expiresIn, secure));
    reply.header('cache-control', 'no-store');
    return { url: `${QUEUE_BOARD_PATH}/`, expiresIn: session.expiresIn };
  }
}
