import { OnWorkerEvent, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnModuleInit } from '@nestjs/common';
import { ScheduledRuns } from '@vigil/database';
import { throttledErrorLog, withLogFields } from '@vigil/logging';
import { JOB_NAMES, JobOf, QueueName } from '@vigil/queues';
import type { Job } from 'bullmq';

export type JobHandlers<Q extends QueueName> = {
  [N in JobOf<Q>['name']]: (data: Extract<JobOf<Q>, { name: N }>['data'], job: Job) => Promise<unknown>;
};

/**
 * For the outbox queues (outcomes, enforcement, notifications): a dead worker's job goes back to the queue within
 * about 20 s instead of BullMQ's 30 s lock plus up to two 30 s checks. Their jobs may run for seconds (an outcome in
 * slices, a webhook with a 10 s timeout), but the lock is renewed every 5 s while one runs, so only a stalled or dead
 * process loses it (docs/decisions.md).
 */
export const OUTBOX_WORKER_OPTIONS = { lockDuration: 10_000, stalledInterval: 5_000 } as const;

/** True when this run is the job's last attempt, so a failure now is final. */
export const isFinalAttempt = (job: Job): boolean => job.attemptsMade + 1 >= (job.opts.attempts ?? 1);

/**
 * A WorkerHost that dispatches on the typed job name. The handler table must cover every job name of its queue
 * (checked by the compiler, and again at start-up against JOB_NAMES), and an unknown name fails the job loudly.
 * A run of a job scheduler's job is recorded (ScheduledRuns) once its handler succeeds, so readiness sees scheduled
 * work that stopped; the worker's errors (Redis away) go to the log, throttled.
 */
export abstract class TypedProcessor<Q extends QueueName> extends WorkerHost implements OnModuleInit {
  protected readonly logger = new Logger(this.constructor.name);
  protected abstract readonly queueName: Q;
  protected abstract readonly handlers: JobHandlers<Q>;
  // A property, so that the processors' constructors need not pass it on.
  @Inject(ScheduledRuns) private readonly scheduledRuns!: ScheduledRuns;
  private readonly logError = throttledErrorLog(this.logger, 'Worker');

  onModuleInit(): void {
    const expected = [...JOB_NAMES[this.queueName]].sort();
    const handled = Object.keys(this.handlers).sort();
    if (expected.join() !== handled.join()) {
      throw new Error(
        `Queue ${this.queueName}: job names [${expected.join(', ')}] but handlers for [${handled.join(', ')}]`,
      );
    }
  }

  /** Every line logged while the job runs carries its `jobId`, `queue` and `jobName` (the one place that sets them). */
  process(job: Job): Promise<unknown> {
    return withLogFields({ jobId: job.id, queue: this.queueName, jobName: job.name }, () => this.run(job));
  }

  private async run(job: Job): Promise<unknown> {
    const handler = (this.handlers as Record<string, (data: unknown, job: Job) => Promise<unknown>>)[job.name];
    if (!handler) throw new Error(`Queue ${this.queueName} has no handler for job "${job.name}"`);
    const started = performance.now();
    const attempt = `attempt ${job.attemptsMade + 1} of ${job.opts.attempts ?? 1}`;
    try {
      const result = await handler(job.data, job);
      if (job.repeatJobKey) await this.scheduledRuns.record(job.repeatJobKey);
      this.logger.debug({ msg: `Job done (${attempt})`, durationMs: elapsed(started) });
      return result;
    } catch (error) {
      // The message only: a job's error is ours (a webhook's status, a missing row), its data is not logged.
      this.logger.warn({ msg: `Job failed (${attempt}): ${(error as Error)?.message}`, durationMs: elapsed(started) });
      throw error;
    }
  }

  @OnWorkerEvent('error')
  onWorkerError(error: Error): void {
    this.logError(error);
  }
}

const elapsed = (started: number): number => Math.round((performance.now() - started) * 10) / 10;
