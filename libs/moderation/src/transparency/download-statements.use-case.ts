import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ActionContext, AuditService } from '@vigil/audit';
import type { DsaStatementOfReasons, TimeRange } from '@vigil/domain';
import { DataSource } from 'typeorm';
import { StatementsOfReasonsQuery } from './statements-of-reasons.query';

/**
 * An admin or auditor downloads the statements-of-reasons export: `export.downloaded` with its range is recorded
 * before the first line goes out, then the statements stream.
 */
@Injectable()
export class DownloadStatementsOfReasons {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly statements: StatementsOfReasonsQuery,
    private readonly audit: AuditService,
  ) {}

  async execute(range: TimeRange, ctx: ActionContext): Promise<AsyncGenerator<DsaStatementOfReasons>> {
    await this.audit.recordRead(this.db, ctx, {
      action: 'export.downloaded',
      target: { type: 'export', id: 'statements-of-reasons' },
      data: { from: range.from.toISOString(), to: range.to.toISOString() },
    });
    return this.statements.stream(range);
  }
}
