import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { UNRESOLVED_STATUS } from '../shared';

/** Unresolved cases whose SLA is at risk or overdue, now: the gauges `vigil_cases_sla_at_risk` and `…_breached`. */
@Injectable()
export class SlaStateCounts {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async read(): Promise<{ atRisk: number; breached: number }> {
    const [row]: { at_risk: number; breached: number }[] = await this.db.query(
      `SELECT count(*) FILTER (WHERE sla_state = 'at_risk')::int AS at_risk,
              count(*) FILTER (WHERE sla_state = 'breached')::int AS breached
       FROM cases WHERE ${UNRESOLVED_STATUS} AND sla_state <> 'ok'`,
    );
    return { atRisk: row.at_risk, breached: row.breached };
  }
}
