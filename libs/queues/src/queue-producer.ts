import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';
import { JobOf } from './jobs';
import { ALL_QUEUES, QueueName } from './queue-names';
import { throttledErrorLog } from '@vigil/logging';
import { withTimeout } from './with-timeout';

export interface TypedJob<Q extends QueueName> {
  job: JobOf<Q>;
  opts?: JobsOptions & { jobId: string };
}

/** Jobs held in memory for Redis's return at most (each a few hundred bytes); the reconciler covers the rest. */
const HELD_JOBS_MAX = 50_000;
/** How often held jobs are tried again when no reconnect was seen (a Redis that froze rather than dropped us). */
const HELD_RETRY_MS = 2_000;

/** Typed enqueueing: the job's name and payload must match what the queue's processor handles. */
@Injectable()
export class QueueProducer implements OnModuleDestroy {
  private readonly logger = new Logger(QueueProducer.name);
  private readonly queues: Record<QueueName, Queue>;
  /** Jobs whose enqueue after a commit failed, by job id, per queue (addAfterCommit). */
  private readonly held: Record<QueueName, Map<string, TypedJob<QueueName>>>;
  private readonly logEnqueueFailure: Record<QueueName, (error: Error) => void>;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(
    @InjectQueue(QueueName.Triage) triage: Queue,
    @InjectQueue(QueueName.Maintenance) maintenance: Queue,
    @InjectQueue(QueueName.Enforcement) enforcement: Queue,
    @InjectQueue(QueueName.Notifications) notifications: Queue,
    @InjectQueue(QueueName.Outcomes) outcomes: Queue,
    @InjectQueue(QueueName.Audit) audit: Queue,
  ) {
    this.queues = {
      [QueueName.Triage]: triage,
      [QueueName.Maintenance]: maintenance,
      [QueueName.Enforcement]: enforcement,
      [QueueName.Notifications]: notifications,
      [QueueName.Outcomes]: outcomes,
      [QueueName.Audit]: audit,
    };
    for (const queue of Object.values(this.queues)) {
      queue.on('error', throttledErrorLog(this.logger, `Queue ${queue.name}`));
      // Emitted again after every reconnect.
      queue.getBackend().on('ready', () => void this.retryHeld(queue.name as QueueName));
    }
    this.held = Object.fromEntries(ALL_QUEUES.map((name) => [name, new Map()])) as typeof this.held;
    this.logEnqueueFailure = Object.fromEntries(
      ALL_QUEUES.map((name) => [
        name,
        throttledErrorLog(this.logger, `Could not enqueue ${name} job(s), held until Redis is back`),
      ]),
    ) as typeof this.logEnqueueFailure;
  }

  queue(name: QueueName): Queue {
    return this.queues[name];
  }

  /** Adds the jobs in one call; returns how many were added (not deduplicated into a job already there). */
  async add<Q extends QueueName>(queue: Q, jobs: TypedJob<Q>[]): Promise<number> {
    const standIns = await this.addBulk(queue, jobs);
    return jobs.filter((job, i) => !standIns[i]).length;
  }

  /** Adds the jobs in one call; per job, the id of the job it was deduplicated into, or null when it was added. */
  private async addBulk<Q extends QueueName>(queue: Q, jobs: TypedJob<Q>[]): Promise<(string | null)[]> {
    if (jobs.length === 0) return [];
    const added = await this.queues[queue].addBulk(
      jobs.map(({ job, opts }) => ({ name: job.name, data: job.data, opts })),
    );
    // A deduplicated add answers with the job that stands for it (`triageJob`: its channel's).
    return added.map((job, i) => {
      const wanted = jobs[i].opts?.jobId;
      return wanted === undefined || job.id === wanted ? null : job.id!;
    });
  }

  /**
   * True when the job is 'active' but holds no lock: the worker running it died (or froze) and its lock expired.
   * Such a job runs nowhere until a stalled-job check returns it to the queue; the check runs in live workers only.
   */
  private async runsNowhere(queue: QueueName, jobId: string): Promise<boolean> {
    const handle = this.queues[queue];
    const client = await handle.getBackend().client;
    const [state, lock] = await Promise.all([handle.getJobState(jobId), client.get(handle.toKey(`${jobId}:lock`))]);
    return state === 'active' && lock === null;
  }

  /**
   * Makes sure each job has a live copy in its queue: one that is waiting, delayed or running is left alone, a
   * finished one (which would make a plain add a no-op) is removed and added again, a missing one is added unless
   * a job already there stands for it (deduplication) — and that job is alive: one whose worker died mid-job
   * (`runsNowhere`) would hold its de-duplication key, and so its channel's reports, until a stalled-job check, so
   * the key is released and the job added. Returns how many were (re-)added.
   */
  async ensure<Q extends QueueName>(queue: Q, jobs: TypedJob<Q>[]): Promise<number> {
    // Asked all at once, so a run over a thousand waiting rows is a few round trips to Redis, not two thousand.
    const missing = await Promise.all(
      jobs.map(async (job) => {
        const existing = await this.queues[queue].getJob(job.opts!.jobId);
        if (existing) {
          const state = await existing.getState();
          if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return false;
          await existing.remove();
        }
        return true;
      }),
    );
    const wanted = jobs.filter((_, i) => missing[i]);
    const standIns = await this.addBulk(queue, wanted);
    const orphaned = await Promise.all(
      standIns.map((standIn, i) =>
        standIn !== null && wanted[i].opts?.deduplication ? this.runsNowhere(queue, standIn) : false,
      ),
    );
    const again = wanted.filter((_, i) => orphaned[i]);
    for (const job of again) await this.queues[queue].removeDeduplicationKey(job.opts!.deduplication!.id);
    return standIns.filter((standIn) => standIn === null).length + (await this.add(queue, again));
  }

  /**
   * Enqueues after a commit. A failure (Redis away) is logged, not thrown: the rows are committed. The jobs are held
   * here (up to HELD_JOBS_MAX) and added as soon as the queue's connection is ready again, or at the next
   * HELD_RETRY_MS tick; beyond that, or if this process dies, the reconciler re-enqueues what was left behind.
   */
  async addAfterCommit<Q extends QueueName>(queue: Q, jobs: TypedJob<Q>[], timeoutMs = 2000): Promise<boolean> {
    try {
      await withTimeout(this.add(queue, jobs), timeoutMs, 'Redis');
      return true;
    } catch (error) {
      this.hold(queue, jobs);
      this.logEnqueueFailure[queue](error as Error);
      return false;
    }
  }

  /** How many jobs wait here for Redis to come back. */
  get heldJobs(): number {
    return Object.values(this.held).reduce((sum, jobs) => sum + jobs.size, 0);
  }

  onModuleDestroy(): void {
    if (this.retryTimer) clearInterval(this.retryTimer);
    this.retryTimer = null;
  }

  private hold(queue: QueueName, jobs: TypedJob<QueueName>[]): void {
    for (const job of jobs) {
      if (this.heldJobs >= HELD_JOBS_MAX) break;
      if (job.opts?.jobId) this.held[queue].set(job.opts.jobId, job);
    }
    this.retryTimer ??= setInterval(() => void this.retryHeld(), HELD_RETRY_MS);
    this.retryTimer.unref();
  }

  private async retryHeld(only?: QueueName): Promise<void> {
    for (const queue of only ? [only] : ALL_QUEUES) {
      const jobs = [...this.held[queue].values()];
      if (jobs.length === 0) continue;
      this.held[queue].clear();
      try {
        // Bounded like addAfterCommit's: a frozen Redis must not keep the jobs out of `held` for good.
        await withTimeout(this.add(queue, jobs), HELD_RETRY_MS, 'Redis');
        this.logger.log(`Enqueued ${jobs.length} held ${queue} job(s): Redis is back`);
      } catch {
        this.hold(queue, jobs);
      }
    }
    if (this.heldJobs === 0 && this.retryTimer) {
      clearInterval(this.retryTimer);
      this.retryTimer = null;
    }
  }
}
