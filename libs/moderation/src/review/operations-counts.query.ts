import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CaseStatus, DecisionAction } from '@vigil/domain';
import { DataSource } from 'typeorm';

/**
 * Counts Prometheus reads from the system of record at each scrape (the API's `/metrics`): the cases not yet closed
 * by status, and every decision ever recorded by action. Read from PostgreSQL rather than counted in a process, they
 * are the same on every API replica and survive restarts (docs/decisions.md); each is one GROUP BY over an index
 * (migration 1764000000400).
 */
@Injectable()
export class OperationsCounts {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Cases not yet closed, by status (a status with none is absent). */
  async openCasesByStatus(): Promise<Map<Exclude<CaseStatus, 'closed'>, number>> {
    const rows: { status: Exclude<CaseStatus, 'closed'>; n: number }[] = await this.db.query(
      `SELECT status, count(*)::int AS n FROM cases WHERE status <> 'closed' GROUP BY status`,
    );
    return new Map(rows.map((row) => [row.status, row.n]));
  }

  /** Decisions recorded, by action, since the start (a decision row is never deleted). */
  async decisionsByAction(): Promise<Map<DecisionAction, number>> {
    const rows: { action: DecisionAction; n: string }[] = await this.db.query(
      `SELECT action, count(*) AS n FROM decisions GROUP BY action`,
    );
    return new Map(rows.map((row) => [row.action, Number(row.n)]));
  }
}
