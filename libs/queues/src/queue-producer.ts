import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';
import { JobOf } from './jobs';
import { QueueName } from './queue-names';
import { throttledErrorLog } from './throttled-errors';

export interface TypedJob<Q extends QueueName> {
  job: JobOf<Q>;
  opts?: JobsOptions & { jobId: string };
}

/** Typed enqueueing: the job's name and payload must match what the queue's processor handles. */
@Injectable()
export class QueueProducer {
  private readonly logger = new Logger(QueueProducer.name);
  private readonly queues: Record<QueueName, Queue>;

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
    }
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
   * Enqueues after a commit. A failure (Redis away) is logged, not thrown: the rows are committed, and the
   * reconciler in the maintenance queue re-enqueues whatever was left behind.
   */
  async addAfterCommit<Q extends QueueName>(queue: Q, jobs: TypedJob<Q>[], timeoutMs = 2000): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.add(queue, jobs),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      return true;
    } catch (error) {
      this.logger.warn(
        `Could not enqueue ${jobs.length} ${queue} job(s); the reconciler will retry: ${(error as Error).message}`,
      );
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
}
