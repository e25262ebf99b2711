import { Injectable } from '@nestjs/common';
import { CASE_STATUSES, DECISION_ACTIONS } from '@vigil/domain';
import { IntakeGroupCommit, IntakeGroupCommitTotals, OperationsCounts, SlaStateCounts } from '@vigil/moderation';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The intake group commit's running totals, as counters read when Prometheus scrapes. */
const INTAKE_COUNTERS: [keyof IntakeGroupCommitTotals, string, string][] = [
  ['batches', 'vigil_intake_batches_total', 'Intake batches written (reports arriving together share one statement)'],
  ['rows', 'vigil_intake_batch_rows_total', 'Reports in those batches: divided by the batches, the mean batch size'],
  ['statements', 'vigil_intake_statements_total', 'Intake statements sent, row-by-row rewrites of failed batches included'],
  ['failedBatches', 'vigil_intake_failed_batches_total', 'Batches whose statement failed and were written row by row'],
];

/**
 * Prometheus metrics of this process: Node's defaults, HTTP request durations by route and status, how intake
 * batches its reports, and what the database holds, read at scrape: the unresolved cases whose SLA is at risk or
 * overdue, the cases not yet closed by status, and the decisions by action. The worker's `/metrics` has the queues,
 * the jobs, triage lag and webhook deliveries (apps/worker/src/health/worker-metrics.ts).
 */
@Injectable()
export class MetricsRegistry {
  readonly registry = new Registry();
  private readonly requests = new Histogram({
    name: 'vigil_http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  constructor(intake: IntakeGroupCommit, slaStates: SlaStateCounts, counts: OperationsCounts) {
    collectDefaultMetrics({ register: this.registry, prefix: 'vigil_api_' });
    // A scrape collects every metric at once: the two SLA gauges share one read of the cases.
    let slaRead: ReturnType<SlaStateCounts['read']> | null = null;
    const sla = () => (slaRead ??= slaStates.read().finally(() => (slaRead = null)));
    for (const [name, help, key] of [
      ['vigil_cases_sla_at_risk', 'Unresolved cases with at most a quarter of their SLA window left', 'atRisk'],
      ['vigil_cases_sla_breached', 'Unresolved cases past their SLA deadline', 'breached'],
    ] as const) {
      new Gauge({
        name,
        help,
        registers: [this.registry],
        async collect() {
          this.set((await sla())[key]);
        },
      });
    }
    // Every status and action is exported, 0 when there is none, so that a series does not vanish and reappear.
    new Gauge({
      name: 'vigil_cases_open',
      help: 'Cases not yet closed, by status',
      labelNames: ['status'] as const,
      registers: [this.registry],
      async collect() {
        const open = await counts.openCasesByStatus();
        for (const status of CASE_STATUSES) if (status !== 'closed') this.set({ status }, open.get(status) ?? 0);
      },
    });
    new Counter({
      name: 'vigil_decisions_total',
      help: 'Decisions recorded, by action (counted in the database: the same on every API replica)',
      labelNames: ['action'] as const,
      registers: [this.registry],
      async collect() {
        const decided = await counts.decisionsByAction();
        this.reset();
        for (const action of DECISION_ACTIONS) this.inc({ action }, decided.get(action) ?? 0);
      },
    });
    for (const [total, name, help] of INTAKE_COUNTERS) {
      new Counter({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.reset();
          this.inc(intake.totals[total]);
        },
      });
    }
  }

  instrument(fastify: FastifyInstance): void {
    fastify.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      this.requests.observe(
        { method: request.method, route, status: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
    });
  }
}
