import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AppealEntity } from '@vigil/database';
import { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor, isCursorTime, isCursorUuid, Page } from '../shared';
import { AppealView, appealView } from './resolve-appeal.use-case';

type AppealCursor = [string, string];
const isAppealCursor = (k: unknown[]): k is AppealCursor => k.length === 2 && isCursorTime(k[0]) && isCursorUuid(k[1]);

/** Appeals for senior reviewers, oldest first (they have waited longest). */
@Injectable()
export class AppealQueries {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(filter: { status?: AppealEntity['status']; limit: number; cursor?: string }): Promise<Page<AppealView>> {
    const query = this.db
      .getRepository(AppealEntity)
      .createQueryBuilder('a')
      .orderBy('a.created_at', 'ASC')
      .addOrderBy('a.id', 'ASC')
      .take(filter.limit + 1);
    if (filter.status) query.andWhere('a.status = :status', { status: filter.status });
    if (filter.cursor) {
      const [createdAt, id] = decodeCursor<AppealCursor>(filter.cursor, isAppealCursor);
      query.andWhere('(a.created_at, a.id) > (:createdAt, :id)', { createdAt: new Date(createdAt), id });
    }
    const rows = await query.getMany();
    const items = rows.slice(0, filter.limit).map(appealView);
    const last = rows.length > filter.limit ? items[items.length - 1] : null;
    return { items, nextCursor: last ? encodeCursor([last.createdAt, last.id]) : null };
  }
}
