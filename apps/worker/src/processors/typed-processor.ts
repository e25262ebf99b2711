import { WorkerHost } from '@nestjs/bullmq';
import { Logger, OnModuleInit } from '@nestjs/common';
import { JOB_NAMES, JobOf, QueueName } from '@vigil/queues';
import type { Job } from 'bullmq';

export type JobHandlers<Q extends QueueName> = {
  [N in JobOf<Q>['name']]: (data: Extract<JobOf<Q>, { name: N }>['data'], job: Job) => Promise<unknown>;
};

/** True when this run is the job's last attempt, so a failure now is final. */
export const isFinalAttempt = (job: Job): boolean => job.attemptsMade + 1 >= (job.opts.attempts ?? 1);

/**
 * A WorkerHost that dispatches on the typed job name. The handler table must cover every job name of its queue
 * (checked by the compiler, and again at start-up against JOB_NAMES), and an unknown name fails the job loudly.
 */
export abstract class TypedProcessor<Q extends QueueName> extends WorkerHost implements OnModuleInit {
  protected readonly logger = new Logger(this.constructor.name);
  protected abstract readonly queueName: Q;
  protected abstract readonly handlers: JobHandlers<Q>;

  onModuleInit(): void {
    const expected = [...JOB_NAMES[this.queueName]].sort();
    const handled = Object.keys(this.handlers).sort();
    if (expected.join() !== handled.join()) {
      throw new Error(
        `Queue ${this.queueName}: job names [${expected.join(', ')}] but handlers for [${handled.join(', ')}]`,
      );
    }
  }

  async process(job: Job): Promise<unknown> {
    const handler = (this.handlers as Record<string, (data: unknown, job: Job) => Promise<unknown>>)[job.name];
    if (!handler) throw new Error(`Queue ${this.queueName} has no handler for job "${job.name}"`);
    return handler(job.data, job);
  }
}
