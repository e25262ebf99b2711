import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { TriageReport, WebhookDeliveryError } from '@vigil/moderation';
import { throttledErrorLog } from '@vigil/logging';
import { QueueCounts, QueueCountsReader, withTimeout } from '@vigil/queues';
import type { Job } from 'bullmq';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { processorWorkers, WorkerHealth } from './worker-health';

/** The states a queue's depth is given in (QueueCountsReader's `waiting` includes BullMQ's `prioritized`). */
const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/** Which webhook a delivery job posts, by job name (a label: three values). */
const WEBHOOK_OF_JOB: Record<string, string> = {
  enforce: 'enforcement',
  notify: 'notification',
  'sla-alert': 'sla_alert',
};

/** What a delivery job's use-case returns when its webhook answered 2xx (others: nothing was posted). */
const DELIVERED_RESULTS = new Set(['succeeded', 'sent']);

/**
 * The worker's Prometheus metrics (served by HealthServer on WORKER_METRICS_PORT): Node's defaults; how long since
 * scheduled work last ran; each queue's depth, read from Redis at scrape; the jobs this process ran (duration and
 * failures, from its BullMQ workers' events); triage lag, report received → triaged, per report; and the webhooks
 * it posted, by outcome. What the database holds (cases, decisions, SLA) is the API's `/metrics`
 * (apps/api/src/http/metrics.ts), read once there rather than by every worker (docs/decisions.md).
 */
@Injectable()
export class WorkerMetrics implements OnApplicationBootstrap {
  readonly registry = new Registry();
  private readonly logCountError = throttledErrorLog(new Logger(WorkerMetrics.name), 'Queue depth for /metrics');
  /** The queue-depth read under way, shared by scrapes that arrive while Redis is slow, so none piles up. */
  private countsUnderWay: Promise<QueueCounts[]> | null = null;

  private readonly jobDuration = new Histogram({
    name: 'vigil_job_duration_seconds',
    help: 'Time this worker spent on a job attempt, by queue and outcome (completed or failed)',
    labelNames: ['queue', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  private readonly jobFailures = new Counter({
    name: 'vigil_job_failures_total',
    help: 'Failed job attempts, by queue; final="true" when no attempt is left (the job stays failed)',
    labelNames: ['queue', 'final'] as const,
    registers: [this.registry],
  });
  private readonly triageLag = new Histogram({
    name: 'vigil_triage_lag_seconds',
    help: 'From a report received to its triage committed, per report',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
    registers: [this.registry],
  });
  private readonly deliveries = new Counter({
    name: 'vigil_webhook_deliveries_total',
    help: 'Webhook posts by webhook and outcome: delivered (2xx), retried (refused, tried again), failed (no try left)',
    labelNames: ['webhook', 'outcome'] as const,
    registers: [this.registry],
  });

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly triageReport: TriageReport,
    private readonly queueCountsReader: QueueCountsReader,
    health: WorkerHealth,
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'vigil_worker_' });
    new Gauge({
      name: 'vigil_scheduled_work_seconds_since_last_run',
      help: 'Seconds since scheduled work that must not stop last ran, by any worker (capped at this uptime)',
      labelNames: ['schedule'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const [schedule, seconds] of await health.secondsSinceLastRuns()) this.set({ schedule }, seconds);
      },
    });
    const queueCounts = () => this.queueCounts();
    new Gauge({
      name: 'vigil_queue_jobs',
      help: 'Jobs in each queue by state, as Redis holds them at scrape (absent when Redis does not answer in 2 s)',
      labelNames: ['queue', 'state'] as const,
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const counts of (await queueCounts()) ?? []) {
          for (const state of QUEUE_STATES) this.set({ queue: counts.name, state }, counts[state]);
        }
      },
    });
  }

  onApplicationBootstrap(): void {
    for (const worker of processorWorkers(this.moduleRef)) {
      worker.on('completed', (job, result) => this.completed(worker.name, job, result));
      worker.on('failed', (job, error) => job && this.failed(worker.name, job, error));
    }
    this.triageReport.onTriaged((receivedAt) => {
      const now = Date.now();
      for (const at of receivedAt) this.triageLag.observe(Math.max(0, now - at.getTime()) / 1000);
    });
  }

  private completed(queue: string, job: Job, result: unknown): void {
    this.jobDuration.observe({ queue, outcome: 'completed' }, seconds(job));
    const webhook = WEBHOOK_OF_JOB[job.name];
    if (webhook && DELIVERED_RESULTS.has(result as string)) this.deliveries.inc({ webhook, outcome: 'delivered' });
  }

  private failed(queue: string, job: Job, error: Error): void {
    // BullMQ has counted this attempt by now: no attempt is left when the made ones reach the allowed ones.
    const final = job.attemptsMade >= (job.opts.attempts ?? 1) || error.name === 'UnrecoverableError';
    this.jobDuration.observe({ queue, outcome: 'failed' }, seconds(job));
    this.jobFailures.inc({ queue, final: String(final) });
    const webhook = WEBHOOK_OF_JOB[job.name];
    if (webhook && error instanceof WebhookDeliveryError) {
      this.deliveries.inc({ webhook, outcome: final ? 'failed' : 'retried' });
    }
  }

  /**
   * Each queue's depth, or null when Redis did not answer within 2 s. While it is away the read stays under way and
   * later scrapes wait for that one read rather than queue more commands behind it.
   */
  private async queueCounts(): Promise<QueueCounts[] | null> {
    this.countsUnderWay ??= this.queueCountsReader.read().finally(() => (this.countsUnderWay = null));
    try {
      return await withTimeout(this.countsUnderWay, 2000, 'Redis');
    } catch (error) {
      this.logCountError(error as Error);
      return null;
    }
  }
}

/** The attempt's time in this worker; a failed attempt that will be retried has no finishedOn. */
function seconds(job: Job): number {
  return job.processedOn ? Math.max(0, (job.finishedOn ?? Date.now()) - job.processedOn) / 1000 : 0;
}
