// The machine's own limits, measured on the same Postgres and Redis the apps use:
//  - pgbench: single-row INSERT commits into a scratch table (in the bench database, dropped with it), at the same
//    client count as the intake run;
//  - BullMQ: raw Queue.add throughput with the same number of adds in flight, under a prefix of its own.
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Queue } from 'bullmq';
import { round } from '../lib/stats.mjs';

function findPgbench() {
  const found = spawnSync('sh', ['-c', 'command -v pgbench'], { encoding: 'utf8' }).stdout.trim();
  if (found) return found;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  for (const version of readdirSync(root).sort().reverse()) {
    const candidate = path.join(root, version, 'bin', 'pgbench');
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

export async function pgbenchBaseline(system, { clients, seconds, log }) {
  const pgbench = findPgbench();
  if (!pgbench) {
    log('pgbench not found (PATH, /usr/lib/postgresql/*/bin): skipping the Postgres baseline');
    return { skipped: true, note: 'pgbench not found' };
  }
  await system.sql(`
    CREATE TABLE bench_pgbench_scratch (
      id bigserial PRIMARY KEY,
      n integer NOT NULL,
      payload text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
  const script = path.join(os.tmpdir(), `vigil-bench-${system.id}-insert.sql`);
  writeFileSync(
    script,
    `\\set n random(1, 1000000000)\nINSERT INTO bench_pgbench_scratch (n, payload) VALUES (:n, 'one report-sized row of text');\n`,
  );
  const url = new URL(system.databaseUrl);
  const threads = Math.max(1, Math.min(clients, os.availableParallelism?.() ?? os.cpus().length));
  const args = ['-n', '-f', script, '-c', String(clients), '-j', String(threads), '-T', String(seconds)];
  args.push('-h', url.hostname, '-p', url.port || '5432', '-U', decodeURIComponent(url.username || 'postgres'));
  args.push(system.databaseName);
  log(`pgbench ${args.join(' ')}`);
  const env = { ...process.env };
  if (url.password) env.PGPASSWORD = decodeURIComponent(url.password);
  try {
    const output = await new Promise((resolve, reject) => {
      const child = spawn(pgbench, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
      system.onCleanup(() => child.exitCode === null && child.kill('SIGINT'));
      let text = '';
      child.stdout.on('data', (d) => (text += d));
      child.stderr.on('data', (d) => (text += d));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`pgbench exited ${code}:\n${text}`))));
    });
    const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(output)?.[1] ?? /tps = ([\d.]+)/.exec(output)?.[1]);
    const latency = Number(/latency average = ([\d.]+) ms/.exec(output)?.[1]);
    const transactions = Number(/number of transactions actually processed: (\d+)/.exec(output)?.[1]);
    return {
      skipped: false,
      command: `pgbench ${args.join(' ')}`,
      clients,
      threads,
      seconds,
      transactions,
      tps: round(tps, 1),
      latencyAvgMs: round(latency, 2),
    };
  } finally {
    rmSync(script, { force: true });
    await system.sql(`DROP TABLE IF EXISTS bench_pgbench_scratch`);
  }
}

export async function bullmqBaseline(system, { inFlight, seconds, log }) {
  const queue = new Queue('bench-raw', { connection: { url: system.redisUrl }, prefix: system.rawQueuePrefix });
  system.onCleanup(() => queue.close());
  await queue.waitUntilReady();
  log(`BullMQ Queue.add for ${seconds} s with ${inFlight} in flight (prefix ${system.rawQueuePrefix})`);
  let added = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  // The job the API enqueues for triage: a small payload, an idempotent jobId, libs/queues' default job options, and
  // the channel's deduplication key (`triageJob`), each add on a channel of its own so that every one is written.
  const opts = {
    attempts: 8,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: { count: 10_000, age: 24 * 3600 },
    removeOnFail: { count: 50_000 },
  };
  const loop = async () => {
    while (performance.now() < until) {
      const reportId = randomUUID();
      const deduplication = { id: `channel-${randomUUID()}`, keepLastIfActive: true };
      await queue.add('triage-report', { reportId }, { ...opts, jobId: `triage-${reportId}`, deduplication });
      added++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, loop));
  const elapsed = (performance.now() - started) / 1000;
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  return { inFlight, seconds: round(elapsed, 2), added, addsPerSecond: round(added / elapsed, 0) };
}
