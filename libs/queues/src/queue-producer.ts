import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';
import { JobOf } from './jobs';
import { QueueName } from './queue-names';

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
  ) {
    this.queues = { [QueueName.Triage]: triage, [QueueName.Maintenance]: maintenance };
  }

  queue(name: QueueName): Queue {
    return this.queues[name];
  }

  async add<Q extends QueueName>(queue: Q, jobs: TypedJob<Q>[]): Promise<void> {
    if (jobs.length === 0) return;
    await this.queues[queue].addBulk(jobs.map(({ job, opts }) => ({ name: job.name, data: job.data, opts })));
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
