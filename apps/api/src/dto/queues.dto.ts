import { ApiProperty } from '@nestjs/swagger';
import { ALL_QUEUES, QueueName } from '@vigil/queues';

export class QueueCountsDto {
  @ApiProperty({ enum: ALL_QUEUES, enumName: 'QueueName' }) name: QueueName;
  @ApiProperty({ minimum: 0 }) waiting: number;
  @ApiProperty({ minimum: 0 }) active: number;
  @ApiProperty({ minimum: 0, description: 'waiting for their time (backoff, schedules)' }) delayed: number;
  @ApiProperty({ minimum: 0 }) failed: number;
  @ApiProperty({ minimum: 0, description: 'kept for a bounded time, so not a total' }) completed: number;
}

export class QueuesDto {
  @ApiProperty({ type: [QueueCountsDto] }) queues: QueueCountsDto[];
}

export class QueueBoardSessionDto {
  @ApiProperty({ example: '/admin/queues/', description: 'where the board is; the session cookie is sent there only' })
  url: string;
  @ApiProperty({ description: 'seconds the board session lasts', example: 600 }) expiresIn: number;
}
