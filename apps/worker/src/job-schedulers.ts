import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { ReconcileReports } from '@vigil/moderation';
import { JobSchedule, jobSchedules, QueueProducer, SCHEDULED_JOB_OPTIONS } from '@vigil/queues';

/** The backstop: how often the schedulers are upserted even when no reconnect was seen. */
export const SCHEDULERS_BACKSTOP_MS = 5_000;

/**
 * Keeps every job scheduler of `jobSchedules` in Redis. A Redis that restarts empty (no persistence, a failover to a
 * fresh replica, a flush) loses them, and with them all scheduled work; so they are upserted at start-up, after each
 * reconnect of a scheduled queue's connection, and every SCHEDULERS_BACKSTOP_MS (a loss without a reconnect).
 * Upserting an unchanged scheduler keeps its next run where it was, so replicas doing this at once change nothing.
 *
 * After a reconnect, or when a scheduler was missing, Redis may also have lost jobs (all of them, or the last second
 * of an append-only file): the reconciler runs at once for all waiting work, whatever its age, instead of leaving
 * it for RECONCILE_AFTER_SECONDS.
 */
@Injectable()
export class JobSchedulers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(JobSchedulers.name);
  private readonly schedules: JobSchedule[];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private reconnected = false;

  constructor(
    @Inject(VIGIL_CONFIG) config: VigilConfig,
    private readonly queues: QueueProducer,
    private readonly reconcile: ReconcileReports,
  ) {
    this.schedules = jobSchedules(config);
  }

  async onApplicationBootstrap(): Promise<void> {
    if ((await this.upsertAll()).length > 0) void this.recoverLostWork('schedulers were missing');
    for (const name of new Set(this.schedules.map((schedule) => schedule.queue))) {
      // 'ready' comes again after every reconnect; the first one has passed by now.
      (await this.queues.queue(name).getBackend().client).on('ready', () => void this.ensure('reconnect'));
    }
    this.timer = setInterval(() => void this.ensure('timer'), SCHEDULERS_BACKSTOP_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /**
   * Upserts every scheduler, and after a reconnect or a loss re-enqueues lost work (one pass at a time); failures
   * are logged, the next reconnect or tick tries again.
   */
  ensure(why: 'reconnect' | 'timer'): Promise<void> {
    // Kept until a pass handles it: a reconnect seen while a pass waits on Redis must not be lost with its call.
    if (why === 'reconnect') this.reconnected = true;
    this.running ??= (async () => {
      const missing = await this.upsertAll();
      if (this.reconnected || missing.length > 0) {
        const reason = this.reconnected ? 'Redis reconnected' : 'schedulers were missing';
        this.reconnected = false;
        await this.recoverLostWork(reason);
      }
    })()
      .catch((error: Error) => this.logger.warn(`Could not restore the scheduled work: ${error.message}`))
      .finally(() => (this.running = null));
    return this.running;
  }

  private async recoverLostWork(why: string): Promise<void> {
    try {
      const counts = await this.reconcile.execute({ afterSeconds: 0 });
      this.logger.log(`${why}: reconciled at once ${JSON.stringify(counts)}`);
    } catch (error) {
      this.logger.warn(`${why}, and reconciling failed (its schedule retries): ${(error as Error).message}`);
    }
  }

  /** Upserts every scheduler; returns the names of those that were missing. */
  private async upsertAll(): Promise<string[]> {
    const present = new Set<string>();
    for (const name of new Set(this.schedules.map((schedule) => schedule.queue))) {
      for (const scheduler of await this.queues.queue(name).getJobSchedulers()) present.add(`${name}/${scheduler.key}`);
    }
    const missing: string[] = [];
    for (const { queue, name, everyMs } of this.schedules) {
      if (!present.has(`${queue}/${name}`)) missing.push(name);
      await this.queues
        .queue(queue)
        .upsertJobScheduler(name, { every: everyMs }, { name, data: {}, opts: SCHEDULED_JOB_OPTIONS });
    }
    // At start-up on a new Redis that is every one; later, a sign that Redis lost its data.
    if (missing.length > 0) this.logger.log(`Created missing job scheduler(s): ${missing.join(', ')}`);
    return missing;
  }
}
