// Two of everything: two APIs and two workers (built dist/) on one PostgreSQL and one Redis. Intake and review
// through both APIs at once, one worker killed mid-run and not restarted. Checked: every acknowledged report triaged
// exactly once, no case handed to two moderators, the chain sealed by one sealer at a time (consecutive seq, verifies),
// and the scheduled jobs not doubled (one next run per scheduler).
import { Queue } from 'bullmq';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { HttpClient } from '../bench/lib/http.mjs';
import { round, sleep } from '../bench/lib/stats.mjs';
import { BenchSystem, freePort } from '../bench/lib/system.mjs';
import { createModerators, review } from '../bench/scenarios/review.mjs';
import { acknowledgedTriaged, apiReady, integrity, steadyIntake, waitFor } from './lib/checks.mjs';

const DONE_TIMEOUT_MS = 180_000;
const SCHEDULED_QUEUES = ['maintenance', 'audit'];

/** How many job schedulers each queue should hold: libs/queues' one list, from the built apps and their settings. */
function expectedSchedulers(root, env) {
  const require = createRequire(import.meta.url);
  const { loadConfig } = require(path.join(root, 'dist/libs/config/src/index.js'));
  const { jobSchedules } = require(path.join(root, 'dist/libs/queues/src/index.js'));
  const counts = {};
  for (const schedule of jobSchedules(loadConfig(env))) counts[schedule.queue] = (counts[schedule.queue] ?? 0) + 1;
  return counts;
}

/** Scheduled work doubled: a scheduler with more than one next run waiting, or a scheduler missing. */
async function doubledSchedules(system, root) {
  const problems = [];
  const expected = expectedSchedulers(root, system.env);
  for (const name of SCHEDULED_QUEUES) {
    const queue = new Queue(name, { connection: { url: system.redisUrl }, prefix: system.queuePrefix });
    try {
      const schedulers = await queue.getJobSchedulers();
      if (schedulers.length !== expected[name]) {
        problems.push(`queue ${name} has ${schedulers.length} job schedulers, not ${expected[name]}`);
      }
      const next = await queue.getJobs(['waiting', 'delayed', 'prioritized']);
      for (const scheduler of schedulers) {
        const runs = next.filter((job) => job.repeatJobKey === scheduler.key).length;
        if (runs > 1) problems.push(`scheduler ${scheduler.key} has ${runs} next runs`);
      }
    } finally {
      await queue.close();
    }
  }
  return problems;
}

export async function twoOfEverything({ root, args, logDir }) {
  mkdirSync(logDir, { recursive: true });
  const system = new BenchSystem({ root, stamp: 'two-of-everything', log: () => undefined, logDir });
  const problems = [];
  try {
    await system.start();
    const secondPort = await freePort();
    const secondUrl = `http://127.0.0.1:${secondPort}`;
    system.addApp('api2', 'api', { PORT: String(secondPort) });
    const healthPort = await freePort();
    system.addApp('worker2', 'worker', { WORKER_METRICS_PORT: String(healthPort) });
    const secondHttp = new HttpClient(secondUrl);
    const workerHttp = new HttpClient(`http://127.0.0.1:${healthPort}`);
    system.onCleanup(() => secondHttp.close());
    system.onCleanup(() => workerHttp.close());
    await waitFor(() => apiReady(secondHttp), 90_000, 'the second API');
    // The worker's /health/ready answers as the API's does.
    await waitFor(() => apiReady(workerHttp), 90_000, 'the second worker');
    const moderators = await createModerators(system, { count: 4 });

    const intake = steadyIntake(system, args.rate, [system.baseUrl, secondUrl]);
    await sleep(args.lead * 1000);
    // The second API's moderators: the same system, its requests through the other API.
    const throughSecond = Object.assign(Object.create(system), { http: secondHttp });
    const reviews = Promise.all([
      review(system, { moderators: moderators.slice(0, 2), loops: 2, seconds: 10, log: () => undefined }),
      review(throughSecond, { moderators: moderators.slice(2), loops: 2, seconds: 10, log: () => undefined }),
    ]);
    await sleep(3000);
    await system.killApp('worker');
    const killedAt = Date.now();
    const reviewed = await reviews;
    const { acknowledged } = await intake.stop();
    const acknowledgedAt = await acknowledgedTriaged(system, acknowledged, DONE_TIMEOUT_MS);
    const triaged = await system.waitTriaged({ timeoutMs: DONE_TIMEOUT_MS, intervalMs: 100 });
    // The decisions' outcomes, enforcements and notices write audit events of their own after the last decision.
    await waitFor(
      async () =>
        (
          await system.sql(
            `SELECT 1 FROM decisions WHERE applied_at IS NULL
             UNION ALL SELECT 1 FROM enforcements WHERE status = 'pending'
             UNION ALL SELECT 1 FROM notifications WHERE status = 'pending' LIMIT 1`,
          )
        ).length === 0,
      DONE_TIMEOUT_MS,
      "the decisions' outcomes",
    );
    // A delivery the killed worker held comes back only when its lock lapses (OUTBOX_WORKER_OPTIONS): its audit
    // events are written then, so the sealing figure below includes that wait; this one tells the two apart.
    const outcomesAt = Date.now();
    const sealed = await system.waitSealed({ until: new Date(), timeoutMs: DONE_TIMEOUT_MS });
    if (!triaged.done || !sealed.done) problems.push('work not done in time');
    else problems.push(...(await integrity(system, acknowledged)));
    for (const [i, result] of reviewed.entries()) {
      if (result.doubleAssignments > 0) {
        const checks = JSON.stringify(result.doubleAssignmentChecks);
        problems.push(`a case handed to two moderators (through API ${i + 1}: ${checks})`);
      }
    }
    const decisions = reviewed.reduce((sum, result) => sum + result.decisions, 0);
    if (reviewed.some((result) => result.decisions === 0)) problems.push('no decision through one of the APIs');
    const [chain] = await system.sql(
      `SELECT count(*)::int AS n, count(DISTINCT seq)::int AS distinct, coalesce(max(seq), 0)::int AS head
       FROM audit_events WHERE seq IS NOT NULL`,
    );
    if (chain.n !== chain.distinct || chain.n !== chain.head) {
      problems.push(`the chain is not one run of seq: ${JSON.stringify(chain)}`);
    }
    problems.push(...(await doubledSchedules(system, root)));
    system.assertAlive();
    return {
      name: 'two APIs, two workers, one killed',
      acknowledged: acknowledged.length,
      decisions,
      acknowledgedSeconds: round(Math.max(0, acknowledgedAt - killedAt) / 1000),
      triagedSeconds: round(Math.max(0, triaged.at - killedAt) / 1000),
      sealedSeconds: round(Math.max(0, sealed.at - killedAt) / 1000),
      outcomesSeconds: round(Math.max(0, outcomesAt - killedAt) / 1000),
      problems,
    };
  } catch (error) {
    return { name: 'two APIs, two workers, one killed', problems: [...problems, error.message], logs: logDir };
  } finally {
    await system.cleanup();
  }
}
