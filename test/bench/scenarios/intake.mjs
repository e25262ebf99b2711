// Report intake under HTTP load (autocannon as a library on POST /v1/reports), and what follows it in the worker:
//  - peak: as fast as the API takes them, with N connections;
//  - 70 % of peak (open loop at a fixed rate, lib/paced-load.mjs, latencies counted from when each was due): the p99
//    target;
//  - triage lag at 50 % of peak: p50/p99 of triaged_at − received_at from the reports table;
//  - surge: a fixed number of reports as fast as intake takes them, then the seconds from the last 202 until every
//    report is attached to a case.
import autocannon from 'autocannon';
import { firePaced } from '../lib/paced-load.mjs';
import { round, sleep } from '../lib/stats.mjs';

/**
 * Sends reports from `workload`: with autocannon as fast as `connections` take them, for `duration` (s) or an
 * `amount`; with `overallRate`, open loop at that many per second for `duration` (lib/paced-load.mjs).
 */
export async function fireReports(system, workload, { connections, duration, amount, overallRate, title }) {
  if (overallRate !== undefined) {
    return firePaced(system.baseUrl, {
      rate: overallRate,
      duration,
      connections,
      title,
      request: () => {
        const { body, headers } = workload.next();
        return { path: '/v1/reports', headers, body: JSON.stringify(body) };
      },
      onCleanup: (hook) => system.onCleanup(hook),
    });
  }
  const sampleErrors = new Map();
  const options = {
    url: `${system.baseUrl}/v1/reports`,
    method: 'POST',
    connections,
    timeout: 30,
    title,
    requests: [
      {
        method: 'POST',
        path: '/v1/reports',
        setupRequest: (request) => {
          const { body, headers } = workload.next();
          return { ...request, headers: { ...request.headers, ...headers }, body: JSON.stringify(body) };
        },
        onResponse: (status, body) => {
          if (status !== 202 && sampleErrors.size < 5) sampleErrors.set(`${status} ${String(body).slice(0, 200)}`, true);
        },
      },
    ],
  };
  if (amount !== undefined) options.amount = amount;
  else options.duration = duration;

  const startedAt = new Date();
  let lastAcceptedAt = null;
  const instance = autocannon(options);
  const stop = () => instance.stop();
  system.onCleanup(stop);
  instance.on('response', (_client, statusCode) => {
    if (statusCode === 202) lastAcceptedAt = Date.now();
  });
  const result = await new Promise((resolve, reject) => {
    instance.on('done', resolve);
    instance.on('error', reject);
  });
  const finishedAt = new Date();

  const byStatus = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, Number(count)]),
  );
  const accepted = byStatus['202'] ?? 0;
  const responses = Object.values(byStatus).reduce((a, b) => a + b, 0);
  const errors = responses - accepted + result.errors + result.timeouts;
  return {
    title,
    connections,
    requestedRate: null,
    seconds: round(result.duration, 2),
    accepted,
    responses,
    errors,
    byStatus,
    connectionErrors: result.errors,
    timeouts: result.timeouts,
    acceptedPerSecond: round(accepted / result.duration, 1),
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: round(result.latency.average, 2),
    },
    sampleErrors: [...sampleErrors.keys()],
    startedAt,
    finishedAt,
    lastAcceptedAt: lastAcceptedAt ? new Date(lastAcceptedAt) : null,
  };
}

/** Waits for the worker to catch up so the next phase starts from an empty triage queue. */
export async function drain(system, { timeoutMs, log, what }) {
  const started = Date.now();
  const outcome = await system.waitTriaged({ timeoutMs, intervalMs: 100 });
  const seconds = round((Date.now() - started) / 1000, 2);
  if (!outcome.done) log(`${what}: ${outcome.left} report(s) still untriaged after ${seconds} s; going on`);
  return { seconds, done: outcome.done, left: outcome.left };
}

/** p50/p99/max of triaged_at − received_at, in seconds, for the reports received in [from, to]. */
export async function triageLag(system, from, to) {
  const row = await system.one(
    `SELECT count(*)::int AS reports,
            count(triaged_at)::int AS triaged,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM triaged_at - received_at)) AS p50,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM triaged_at - received_at)) AS p99,
            max(extract(epoch FROM triaged_at - received_at)) AS max
     FROM reports WHERE received_at BETWEEN $1 AND $2`,
    [from, to],
  );
  return {
    reports: row.reports,
    triaged: row.triaged,
    p50Seconds: round(Number(row.p50), 3),
    p99Seconds: round(Number(row.p99), 3),
    maxSeconds: round(Number(row.max), 3),
  };
}

/**
 * Triage writes so far: each opens a case (at version 1) or re-scores one (`version + 1`), and nothing else touches
 * cases while only reports arrive (before the review).
 */
export async function triageTransactions(system) {
  return Number((await system.one(`SELECT coalesce(sum(version - 1) + count(*), 0) AS n FROM cases`)).n);
}

export async function surge(system, workload, { reports, connections, drainTimeoutMs, log }) {
  log(`surge: ${reports.toLocaleString('en-US')} reports as fast as intake takes them`);
  const rescoredBefore = await triageTransactions(system);
  const from = await system.dbNow();
  const load = await fireReports(system, workload, { connections, amount: reports, title: 'surge' });
  log(
    `surge: ${load.accepted} accepted in ${load.seconds} s (${load.acceptedPerSecond}/s), ${load.errors} error(s); ` +
      'waiting for triage',
  );
  const outcome = await system.waitTriaged({ timeoutMs: drainTimeoutMs, intervalMs: 50 });
  const to = await system.dbNow();
  const last = await system.one(`SELECT max(triaged_at) AS at FROM reports WHERE received_at >= $1`, [from]);
  const transactions = (await triageTransactions(system)) - rescoredBefore;
  const lastAccepted = load.lastAcceptedAt ?? load.finishedAt;
  // The worker stamps triaged_at with the same machine clock the load generator reads.
  const triagedAfterLast202 = outcome.done ? Math.max(0, (last.at.getTime() - lastAccepted.getTime()) / 1000) : null;
  return {
    load,
    triageDone: outcome.done,
    untriagedAtTimeout: outcome.left,
    triagedAfterLast202Seconds: round(triagedAfterLast202, 2),
    endToEndSeconds: round((outcome.at - load.startedAt.getTime()) / 1000, 2),
    triageTransactions: transactions,
    window: { from, to },
  };
}

export { sleep };
