import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** The last finished run of each kind of scheduled work, kept in `scheduled_runs`. */
@Injectable()
export class ScheduledRuns {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Not audited: a run is the system's heartbeat, not a change to a report or a case (each change a run makes is
   * audited by its use-case).
   */
  async record(name: string): Promise<void> {
    await this.db.query(
      `INSERT INTO scheduled_runs (name, last_run_at) VALUES ($1, now())
       ON CONFLICT (name) DO UPDATE SET last_run_at = EXCLUDED.last_run_at`,
      [name],
    );
  }

  /** Seconds since each recorded schedule's last run, measured by PostgreSQL's clock (the one that wrote them). */
  async secondsSinceLastRun(): Promise<Map<string, number>> {
    const rows: { name: string; seconds: number }[] = await this.db.query(
      `SELECT name, extract(epoch FROM now() - last_run_at)::float8 AS seconds FROM scheduled_runs`,
    );
    return new Map(rows.map(({ name, seconds }) => [name, seconds]));
  }
}
