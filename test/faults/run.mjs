// The fault suite behind `npm run test:faults` (scripts/test-faults.mjs builds first, then imports this). It starts
// its own PostgreSQL cluster and redis-server (lib/servers.mjs), and for each scenario a fresh database and queue
// prefix with the BUILT API and worker (test/bench/lib/system.mjs); it sends reports at a steady rate, injects one
// fault, and once the faulted component is back stops the intake and checks, for every acknowledged report: stored,
// triaged exactly once, in one case; every audit event sealed; the chain verifies. It prints, per scenario, the
// seconds from the component's return until every report was triaged and every event sealed (targets ≤ 10 s and
// ≤ 5 s for the sealer: reported, not asserted — the machine may be shared).
//
//   npm run test:faults                     every scenario
//   npm run test:faults -- --only=redis     the scenarios whose name contains "redis"
//   options: --rate=N (reports per second, default 50)  --lead=S (seconds of intake before the fault, 4)
//            --keep-logs (the apps' logs stay in the temporary directory, whose name is printed)
//   environment: Vigil's tuning variables pass through to the apps (RECONCILE_AFTER_SECONDS, …)
import { chmodSync, mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { round, sleep } from '../bench/lib/stats.mjs';
import { BenchSystem, freePort } from '../bench/lib/system.mjs';
import { acknowledgedTriaged, apiReady, integrity, steadyIntake, waitFor } from './lib/checks.mjs';
import { PrivatePostgres, PrivateRedis, removeDir } from './lib/servers.mjs';
import { twoOfEverything } from './two-of-everything.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DONE_TIMEOUT_MS = 180_000;

/** Each scenario injects its fault and resolves when the faulted component is back (Date.now()). */
const SCENARIOS = [
  {
    name: 'worker SIGKILL mid-job',
    async fault({ system }) {
      await system.killApp('worker');
      system.restartApp('worker');
      return Date.now();
    },
  },
  {
    name: 'API SIGKILL',
    async fault({ system }) {
      await system.killApp('api');
      system.restartApp('api');
      await waitFor(() => apiReady(system.http), 60_000, 'the API to answer again');
      return Date.now();
    },
  },
  {
    name: 'Redis SIGKILL without AOF (restarts empty)',
    redis: { appendonly: false },
    async fault({ redis }) {
      await redis.kill('SIGKILL');
      await redis.start({ appendonly: false });
      return Date.now();
    },
  },
  {
    name: 'Redis SIGKILL with AOF (everysec)',
    redis: { appendonly: true },
    async fault({ redis }) {
      await redis.kill('SIGKILL');
      await redis.start({ appendonly: true });
      return Date.now();
    },
  },
  {
    name: 'PostgreSQL crash (immediate stop)',
    // While it is down, intake answers 503 with Retry-After (nothing stored; the client retries), never a 500.
    noServerErrors: true,
    async fault({ postgres }) {
      postgres.crash();
      await sleep(2000);
      postgres.start();
      return Date.now();
    },
  },
  {
    name: 'worker SIGSTOP 20 s',
    async fault({ system }) {
      system.children.worker.kill('SIGSTOP');
      await sleep(20_000);
      system.children.worker.kill('SIGCONT');
      return Date.now();
    },
  },
  {
    name: 'Redis unreachable 30 s (SIGSTOP)',
    redis: { appendonly: true },
    async fault({ redis }) {
      redis.signal('SIGSTOP');
      await sleep(30_000);
      redis.signal('SIGCONT');
      return Date.now();
    },
  },
];

function parseArgs(argv) {
  const args = { rate: 50, lead: 4, only: null, keep: false };
  for (const arg of argv) {
    const [key, value] = arg.replace(/^--/, '').split('=');
    if (key === 'rate' || key === 'lead') args[key] = Number(value);
    else if (key === 'keep-logs') args.keep = true;
    else if (key === 'only') args.only = value.toLowerCase();
    else throw new Error(`unknown option ${arg}`);
  }
  return args;
}

async function runScenario(scenario, { postgres, redis, args, logDir, log }) {
  // Each scenario on an empty Redis: a paused or half-restarted one from the last must not count against this one.
  await redis.kill('SIGKILL');
  redis.wipe();
  await redis.start(scenario.redis ?? { appendonly: true });
  const stamp = scenario.name.replace(/[^a-z0-9]+/gi, '-').toLowerCase().slice(0, 24);
  const system = new BenchSystem({ root, stamp, log: () => undefined, logDir: path.join(logDir, stamp) });
  mkdirSync(system.logDir, { recursive: true });
  try {
    await system.start();
    const intake = steadyIntake(system, args.rate);
    await sleep(args.lead * 1000);
    const faultAt = Date.now();
    const returnedAt = await scenario.fault({ system, postgres, redis });
    const { acknowledged, refused, refusedByStatus, sent } = await intake.stop();
    // The suite's own connections may have died with the fault too.
    await waitFor(() => system.sql('SELECT 1').then(() => true), 30_000, 'PostgreSQL to answer the suite');
    const acknowledgedAt = await acknowledgedTriaged(system, acknowledged, DONE_TIMEOUT_MS);
    // Also the reports stored whose answer was lost (a crash at commit): their client saw an error, not a 202.
    const triaged = await system.waitTriaged({ timeoutMs: DONE_TIMEOUT_MS, intervalMs: 100 });
    const sealed = await system.waitSealed({ until: new Date(), timeoutMs: DONE_TIMEOUT_MS });
    const problems = triaged.done && sealed.done ? await integrity(system, acknowledged) : ['work not done in time'];
    if (scenario.noServerErrors && refusedByStatus[500]) {
      problems.push(`${refusedByStatus[500]} report(s) answered 500 during the outage (503 expected)`);
    }
    system.assertAlive();
    return {
      name: scenario.name,
      sent,
      acknowledged: acknowledged.length,
      refused,
      refusedByStatus,
      faultSeconds: round((returnedAt - faultAt) / 1000),
      acknowledgedSeconds: round(Math.max(0, acknowledgedAt - returnedAt) / 1000),
      triagedSeconds: round(Math.max(0, triaged.at - returnedAt) / 1000),
      sealedSeconds: round(Math.max(0, sealed.at - returnedAt) / 1000),
      problems,
    };
  } catch (error) {
    return { name: scenario.name, problems: [error.message], logs: system.logDir };
  } finally {
    await system.cleanup();
  }
}

export async function main(argv) {
  const args = parseArgs(argv);
  const log = (line) => console.log(`[faults] ${line}`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-faults-'));
  chmodSync(dir, 0o755); // the postgres user must reach its cluster's directory
  const ports = [await freePort(), await freePort()];
  const postgres = new PrivatePostgres({ dir, port: ports[0] });
  const redis = new PrivateRedis({ dir, port: ports[1] });
  const logDir = path.join(dir, 'logs');
  let interrupted = false;
  const stopServers = async () => {
    await redis.kill('SIGKILL');
    postgres.stop();
  };
  const onSignal = async () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    log('interrupted: stopping the servers and removing their directory');
    await stopServers();
    removeDir(dir);
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const results = [];
  try {
    log(`PostgreSQL on ${ports[0]}, Redis on ${ports[1]}, in ${dir}`);
    postgres.init();
    postgres.start();
    process.env.DATABASE_URL = postgres.url;
    process.env.REDIS_URL = redis.url;
    const report = (result) => {
      results.push(result);
      log(
        result.problems.length === 0
          ? `  ok: ${result.acknowledged} acknowledged (refused by status: ${JSON.stringify(result.refusedByStatus ?? {})}), triaged ${result.acknowledgedSeconds} s, all work ` +
              `${result.triagedSeconds} s and sealed ` +
              `${result.sealedSeconds} s after the return` +
              (result.faultSeconds ? ` (the fault lasted ${result.faultSeconds} s)` : '') +
              (result.outcomesSeconds !== undefined
                ? ` (the decisions' outcomes all done ${result.outcomesSeconds} s after the kill)`
                : '')
          : `  FAILED: ${result.problems.join('; ')}`,
      );
    };
    for (const scenario of SCENARIOS) {
      if (args.only && !scenario.name.toLowerCase().includes(args.only)) continue;
      log(`${scenario.name}…`);
      report(await runScenario(scenario, { postgres, redis, args, logDir, log }));
    }
    if (!args.only || 'two of everything'.includes(args.only)) {
      log('two of everything: two APIs and two workers, one worker killed mid-run…');
      await redis.kill('SIGKILL');
      redis.wipe();
      await redis.start({ appendonly: true });
      report(await twoOfEverything({ root, args, logDir: path.join(logDir, 'two-of-everything') }));
    }
  } finally {
    await stopServers();
  }
  printResults(results);
  const failed = results.filter((result) => result.problems.length > 0);
  if (failed.length === 0 && !args.keep) removeDir(dir);
  else log(`logs kept in ${logDir}`);
  return failed.length === 0 && results.length > 0 ? 0 : 1;
}

function printResults(results) {
  const seconds = (value, target) =>
    value === undefined ? '–' : `${value}${value <= target ? '' : ` (> ${target})`}`;
  const rows = results.map((r) => [
    r.name,
    String(r.acknowledged ?? '–'),
    seconds(r.acknowledgedSeconds, 10),
    seconds(r.triagedSeconds, 10),
    seconds(r.sealedSeconds, 5),
    r.problems.length === 0 ? 'passed' : 'FAILED',
  ]);
  const header = ['scenario', 'acknowledged', 'acknowledged triaged (s)', 'all triaged (s)', 'all sealed (s)', 'integrity'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells) => cells.map((cell, i) => cell.padEnd(widths[i])).join('  ');
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const row of rows) console.log(line(row));
  console.log(
    "\nSeconds from the faulted component's return (two of everything: from the kill); targets ≤ 10 s (triage) and " +
      '≤ 5 s (sealing).',
  );
}
