import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { ScheduledRuns } from '@vigil/database';
import { JobSchedule, jobSchedules, RedisClient, withTimeout } from '@vigil/queues';
import type { Worker } from 'bullmq';
import { DataSource } from 'typeorm';
import { PROCESSORS } from '../processors/processors';

const CHECK_TIMEOUT_MS = 2000;

export interface CheckResult {
  status: 'up' | 'down';
  message?: string;
  [detail: string]: unknown;
}

/** As the API's `/health/ready` answers (Terminus): every check by name, the failing ones also under `error`. */
export interface Readiness {
  status: 'ok' | 'error';
  info: Record<string, CheckResult>;
  error: Record<string, CheckResult>;
  details: Record<string, CheckResult>;
}

export interface OverdueRun {
  name: string;
  secondsSinceLastRun: number;
  everySeconds: number;
}

/** The BullMQ worker of every processor (PROCESSORS) in this app. */
export function processorWorkers(moduleRef: ModuleRef): Worker[] {
  return PROCESSORS.map((processor) => moduleRef.get(processor, { strict: false }).worker);
}

async function check(what: string, probe: () => Promise<CheckResult>): Promise<CheckResult> {
  try {
    return await withTimeout(probe(), CHECK_TIMEOUT_MS, what);
  } catch (error) {
    return { status: 'down', message: (error as Error).message };
  }
}

/**
 * Is this worker doing its work? PostgreSQL and Redis answer, its BullMQ workers run, and no scheduled work that must
 * not stop is overdue — its last run, by any worker, older than its interval plus SCHEDULED_WORK_GRACE_SECONDS (never
 * counted from before this process started, so a worker starting after a stop is not refused at once).
 */
@Injectable()
export class WorkerHealth {
  private readonly startedAt = Date.now();
  private readonly watched: JobSchedule[];

  constructor(
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
    @InjectDataSource() private readonly db: DataSource,
    private readonly redis: RedisClient,
    private readonly runs: ScheduledRuns,
    private readonly moduleRef: ModuleRef,
  ) {
    this.watched = jobSchedules(config).filter((schedule) => schedule.watched);
  }

  /** Seconds since each watched schedule last ran (capped at this process's uptime). */
  async secondsSinceLastRuns(): Promise<Map<string, number>> {
    const recorded = await this.runs.secondsSinceLastRun();
    const uptime = (Date.now() - this.startedAt) / 1000;
    return new Map(this.watched.map(({ name }) => [name, Math.min(recorded.get(name) ?? Infinity, uptime)]));
  }

  async overdueRuns(): Promise<OverdueRun[]> {
    const since = await this.secondsSinceLastRuns();
    return this.watched
      .map(({ name, everyMs }) => ({
        name,
        secondsSinceLastRun: Math.round(since.get(name)! * 10) / 10,
        everySeconds: everyMs / 1000,
      }))
      .filter((run) => run.secondsSinceLastRun > run.everySeconds + this.config.scheduledWorkGraceSeconds);
  }

  async readiness(): Promise<Readiness> {
    const [postgres, redis, scheduled] = await Promise.all([
      check('PostgreSQL', async () => (await this.db.query('SELECT 1'), { status: 'up' })),
      check('Redis', async () => (await this.redis.ping(), { status: 'up' })),
      check('The last runs of scheduled work', async () => {
        const overdue = await this.overdueRuns();
        if (overdue.length === 0) return { status: 'up' };
        const message = overdue
          .map((run) => `${run.name} last ran ${run.secondsSinceLastRun} s ago (every ${run.everySeconds} s)`)
          .join('; ');
        return { status: 'down', message: `scheduled work overdue: ${message}`, overdue };
      }),
    ]);
    const stopped = processorWorkers(this.moduleRef)
      .filter((worker) => !worker.isRunning())
      .map((worker) => worker.name);
    const workers: CheckResult =
      stopped.length === 0 ? { status: 'up' } : { status: 'down', message: `not running: ${stopped.join(', ')}` };
    const details = { postgres, redis, workers, scheduled };
    const entries = Object.entries(details);
    const down = entries.filter(([, result]) => result.status === 'down');
    return {
      status: down.length === 0 ? 'ok' : 'error',
      info: Object.fromEntries(entries.filter(([, result]) => result.status === 'up')),
      error: Object.fromEntries(down),
      details,
    };
  }
}
