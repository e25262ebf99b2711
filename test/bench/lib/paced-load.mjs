// Open-loop HTTP load at a fixed rate: request i is due at start + i / rate, sent when due whatever the answers
// before it, and its latency counts from when it was due — so a stall on the server, or a queue in this process,
// shows in the figures instead of silently slowing the sender (coordinated omission).
//
// Why not autocannon's `overallRate`: it gives each connection a budget per second, sent back to back from the start
// of the second, then idles until the next one (lib/httpClient.js, `reqsMadeThisSecond`); at 70 % of peak most
// requests arrived at the peak's pace. Its correction for coordinated omission records each latency with an
// expected interval of `ceil(1 / rate)` ms, which is 1 ms for any rate. docs/decisions.md has the measurements.
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { round, summarise } from './stats.mjs';

/**
 * Sends `rate` requests per second for `duration` seconds over at most `connections` keep-alive connections;
 * `request()` returns `{ path, headers, body }` for each. Resolves with the same figures as fireReports once every
 * request has been answered (or failed), plus the most this process was late sending one (`sendLagMaxMs`) and the
 * latencies second by second (`latencyBySecondMs`, JSON only: is a p99 made by a few stalls, or all along?).
 * `connectionErrors` counts every request that got no answer, `timeouts` those of them that timed out.
 */
export async function firePaced(baseUrl, { rate, duration, connections, title, request, accepted = 202, onCleanup }) {
  const pool = new Pool(baseUrl, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });
  const interval = 1000 / rate;
  const total = Math.max(1, Math.round(rate * duration));
  const latencies = [];
  /** Latencies by the second of the run they were due in. */
  const bySecond = [];
  const byStatus = {};
  const sampleErrors = new Map();
  let failures = 0;
  let timeouts = 0;
  let sent = 0;
  let sendLagMaxMs = 0;
  let stopped = false;
  let lastAcceptedAt = null;
  onCleanup?.(() => {
    stopped = true;
  });
  const answers = [];

  const send = (dueAt) => {
    const { path, headers, body } = request();
    answers.push(
      pool
        .request({ origin: baseUrl, path, method: 'POST', headers, body })
        .then(async (response) => {
          const text = await response.body.text();
          const status = response.statusCode;
          byStatus[status] = (byStatus[status] ?? 0) + 1;
          if (status === accepted) {
            const latency = performance.now() - dueAt;
            latencies.push(latency);
            (bySecond[Math.floor((dueAt - start) / 1000)] ??= []).push(latency);
            lastAcceptedAt = new Date();
          } else if (sampleErrors.size < 5) sampleErrors.set(`${status} ${text.slice(0, 200)}`, true);
        })
        .catch((error) => {
          failures++;
          if (/TIMEOUT/.test(String(error?.code))) timeouts++;
          if (sampleErrors.size < 5) sampleErrors.set(String(error?.code ?? error), true);
        }),
    );
  };

  const startedAt = new Date();
  const start = performance.now();
  await new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (!stopped && sent < total && start + sent * interval <= now) {
        const dueAt = start + sent * interval;
        sendLagMaxMs = Math.max(sendLagMaxMs, now - dueAt);
        send(dueAt);
        sent++;
      }
      if (stopped || sent >= total) resolve();
      else setTimeout(tick, Math.max(0, start + sent * interval - performance.now()));
    };
    tick();
  });
  await Promise.all(answers);
  const finishedAt = new Date();
  await pool.close();

  const seconds = (finishedAt.getTime() - startedAt.getTime()) / 1000;
  const acceptedCount = byStatus[accepted] ?? 0;
  const responses = Object.values(byStatus).reduce((a, b) => a + b, 0);
  const { p50, p90, p99, max, mean } = summarise(latencies);
  return {
    title,
    connections,
    requestedRate: round(rate, 1),
    seconds: round(seconds, 2),
    accepted: acceptedCount,
    responses,
    errors: responses - acceptedCount + failures,
    byStatus,
    connectionErrors: failures,
    timeouts,
    acceptedPerSecond: round(acceptedCount / seconds, 1),
    latencyMs: { p50, p90, p99, max, mean },
    latencyBySecondMs: Array.from(bySecond, (values, second) => {
      const { count, p50: secondP50, p99: secondP99, max: secondMax } = summarise(values ?? []);
      return { second, count, p50: secondP50, p99: secondP99, max: secondMax };
    }),
    sendLagMaxMs: round(sendLagMaxMs, 1),
    sampleErrors: [...sampleErrors.keys()],
    startedAt,
    finishedAt,
    lastAcceptedAt,
  };
}
