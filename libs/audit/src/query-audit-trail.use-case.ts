import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ActionContext } from './action-context';
import { AuditEventPage, AuditFilter, AuditQueries } from './audit-queries';
import { AuditService } from './audit.service';
import { AuditTreeQueries, SealedAuditEventView } from './audit-tree-queries';

/**
 * An admin or auditor reads the trail (`GET /v1/audit`): the page, and `audit.queried` with the filters asked —
 * once per query, on its first page: following the cursor through the rest is the same query. One sealed event by
 * its seq (`GET /v1/audit/events/:seq`) is a query of the trail too.
 */
@Injectable()
export class QueryAuditTrail {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly queries: AuditQueries,
    private readonly tree: AuditTreeQueries,
    private readonly audit: AuditService,
  ) {}

  async execute(filter: AuditFilter, ctx: ActionContext): Promise<AuditEventPage> {
    const page = await this.queries.list(filter);
    const { cursor, ...asked } = filter;
    if (cursor !== undefined) return page;
    const time = (t: Date | string | undefined) => (t instanceof Date ? t.toISOString() : t);
    await this.audit.recordRead(this.db, ctx, {
      action: 'audit.queried',
      target: { type: 'audit', id: 'events' },
      data: { ...asked, from: time(asked.from), to: time(asked.to) },
    });
    return page;
  }

  async event(seq: number, ctx: ActionContext): Promise<SealedAuditEventView> {
    const event = await this.tree.event(seq);
    await this.audit.recordRead(this.db, ctx, {
      action: 'audit.queried',
      target: { type: 'audit', id: 'events' },
      data: { seq },
    });
    return event;
  }
}
