import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { parseIsoTime } from '@vigil/domain';
import { Roles } from '@vigil/identity';
import { MigrationsQuery, MigrationView } from '@vigil/moderation';
import type { Page } from '@vigil/moderation';
import { ListMigrationsQueryDto, MigrationsPageDto } from '../dto/migrations.dto';

@ApiTags('review')
@ApiBearerAuth()
@Controller('v1/migrations')
@Roles('moderator', 'senior_moderator', 'admin', 'auditor')
export class MigrationsController {
  constructor(private readonly migrations: MigrationsQuery) {}

  @Get()
  @ApiOperation({
    summary: 'Channels that reappeared after a takedown: suggested, confirmed and rejected migrations, newest first',
  })
  @ApiResponse({ status: 200, type: MigrationsPageDto })
  @ApiResponse({ status: 400, description: 'a filter or the cursor is not valid' })
  list(@Query() query: ListMigrationsQueryDto): Promise<Page<MigrationView>> {
    return this.migrations.page({
      since: query.since === undefined ? null : parseIsoTime(query.since, 'since'),
      platform: query.platform,
      kind: query.kind,
      limit: query.limit,
      cursor: query.cursor,
    });
  }
}
