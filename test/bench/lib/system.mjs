// One throwaway Vigil for the benchmark: a fresh database (vigil_bench_<id>) and a fresh BullMQ prefix
// (vigil-bench-<id>), the BUILT API and worker started as child processes on a free loopback port, and everything
// removed again by cleanup() — the two processes stopped, the database dropped, every Redis key under this run's
// prefixes deleted. Names carry the run id, so nothing of another instance is ever touched.
import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { HttpClient } from './http.mjs';
import { sleep } from './stats.mjs';

/** Vigil's tuning variables, recorded with the results (the apps get them from the environment like the rest). */
const TUNING_VARIABLE = new RegExp(
  `^(${[
    'DATABASE_POOL_SIZE', 'TRIAGE_CONCURRENCY', 'INTAKE_BATCH_', 'OUTCOME_SLICE_', 'AUDIT_SEAL_', 'AUDIT_CHECKPOINT_',
    'RECONCILE_', 'MAINTENANCE_', 'LEASE_', 'WORKER_NICE', 'UV_THREADPOOL_SIZE', 'NODE_OPTIONS', 'MALLOC_ARENA_MAX',
    'MALLOC_MMAP_',
  ].join('|')})`,
);

export const ADMIN_EMAIL = 'bench-admin@example.org';

const APP_MAIN = { api: 'dist/apps/api/src/main.js', worker: 'dist/apps/worker/src/main.js' };

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Peak (VmHWM) and current (VmRSS) resident set of a process, in MB; null when it is gone. */
export function readRss(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

export class BenchSystem {
  constructor({ root, stamp, log, logDir, profile = false }) {
    this.root = root;
    this.profile = profile;
    this.log = log;
    this.id = `${stamp.replace(/[^0-9a-z]/gi, '').toLowerCase()}_${randomBytes(3).toString('hex')}`;
    const base = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/vigil');
    base.pathname = `/vigil_bench_${this.id}`;
    this.databaseUrl = base.toString();
    this.databaseName = `vigil_bench_${this.id}`;
    this.redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    this.queuePrefix = `vigil-bench-${this.id}`;
    /** For the raw BullMQ baseline, so its keys never mix with the app's. */
    this.rawQueuePrefix = `vigil-bench-${this.id}-raw`;
    this.adminPassword = randomBytes(18).toString('base64url');
    this.heartbeatFile = path.join(os.tmpdir(), `vigil-bench-${this.id}.heartbeat`);
    this.logDir = logDir;
    this.children = {};
    this.failure = null;
    this.memory = { phase: 'start-up', byPhase: {}, timer: null };
    this.databaseCreated = false;
    this.cleaned = false;
    this.cleanupHooks = [];
  }

  /** Settings as API.md "Running" names them; Vigil tuning variables already in the environment pass through. */
  buildEnv(port) {
    const { privateKey } = generateKeyPairSync('ed25519');
    this.appEnv = {
      NODE_ENV: 'production',
      // As the Dockerfiles and `npm run start:*` run the apps (docs/decisions.md, "MALLOC_ARENA_MAX",
      // "MALLOC_MMAP_THRESHOLD_").
      MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2',
      MALLOC_MMAP_THRESHOLD_: process.env.MALLOC_MMAP_THRESHOLD_ ?? '4194304',
      NODE_OPTIONS: process.env.NODE_OPTIONS ?? '--max-old-space-size=176',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      DATABASE_URL: this.databaseUrl,
      REDIS_URL: this.redisUrl,
      QUEUE_PREFIX: this.queuePrefix,
      HOST: '127.0.0.1',
      PORT: String(port),
      // Reporter addresses arrive in X-Forwarded-For from the load generator (our "proxy"), so cases gain distinct
      // reporters as they would in production; the limits are set out of the way of the load.
      TRUST_PROXY: 'true',
      RATE_LIMIT_PUBLIC_PER_MINUTE: '1000000',
      RATE_LIMIT_KEY_PER_MINUTE: '1000000',
      BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL,
      BOOTSTRAP_ADMIN_PASSWORD: this.adminPassword,
      JWT_SECRET: randomBytes(32).toString('hex'),
      REPORTER_SECRET: randomBytes(32).toString('hex'),
      AUDIT_SIGNING_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      WORKER_HEARTBEAT_FILE: this.heartbeatFile,
      // Another instance on this machine may hold the default port; the bench watches the heartbeat file.
      WORKER_METRICS_PORT: '0',
    };
    // No webhooks: enforcement is recorded as manual and notices as undeliverable, so nothing leaves the machine.
    const env = { ...process.env };
    for (const name of ['ENFORCEMENT_WEBHOOK_URL', 'NOTIFY_WEBHOOK_URL', 'AUDIT_SIGNING_KEY_FILE', 'CORS_ORIGINS']) {
      delete env[name];
    }
    this.env = { ...env, ...this.appEnv };
    return this.env;
  }

  /** The settings worth recording with the results (no secrets). */
  describeSettings() {
    const tuning = Object.fromEntries(Object.entries(process.env).filter(([name]) => TUNING_VARIABLE.test(name)));
    return {
      databaseName: this.databaseName,
      queuePrefix: this.queuePrefix,
      nodeEnv: this.appEnv.NODE_ENV,
      logLevel: this.appEnv.LOG_LEVEL,
      trustProxy: true,
      rateLimitPublicPerMinute: Number(this.appEnv.RATE_LIMIT_PUBLIC_PER_MINUTE),
      tuningFromEnvironment: tuning,
    };
  }

  async start() {
    const port = await freePort();
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.buildEnv(port);
    this.pool = new pg.Pool({ connectionString: this.databaseUrl, max: 4, application_name: 'vigil-bench' });
    this.pool.on('error', () => undefined);
    this.redis = new Redis(this.redisUrl, { maxRetriesPerRequest: 3, lazyConnect: true });
    // Used for the clean-up only; the fault suite takes Redis away meanwhile.
    this.redis.on('error', () => undefined);
    await this.redis.connect();

    this.log(`database ${this.databaseName}, queue prefix ${this.queuePrefix}, API on ${this.baseUrl}`);
    this.databaseCreated = true; // from here on cleanup() drops it (IF EXISTS)
    await this.runNode('migrate', ['dist/libs/database/src/migrate.main.js']);
    this.children.api = this.spawnApp('api', APP_MAIN.api);
    this.children.worker = this.spawnApp('worker', APP_MAIN.worker);
    this.http = new HttpClient(this.baseUrl);
    await this.waitReady();
    this.startMemorySampler();
  }

  runNode(name, args) {
    return new Promise((resolve, reject) => {
      const logFile = path.join(this.logDir, `${name}.log`);
      const fd = openSync(logFile, 'a');
      const child = spawn(process.execPath, args, { cwd: this.root, env: this.env, stdio: ['ignore', fd, fd] });
      child.on('error', reject);
      child.on('exit', (code) => {
        closeSync(fd);
        if (code === 0) resolve();
        else reject(new Error(`${name} exited with code ${code}; see ${logFile}`));
      });
    });
  }

  spawnApp(name, main, extraEnv = {}) {
    const logFile = path.join(this.logDir, `${name}.log`);
    const fd = openSync(logFile, 'a');
    const args = [main];
    let env = { ...this.env, ...extraEnv };
    if (this.profile) {
      // A CPU profile per app, written when it stops (lib/cpu-profile.cjs); open it in Chrome DevTools.
      args.unshift('--require', fileURLToPath(new URL('./cpu-profile.cjs', import.meta.url)));
      env = { ...env, BENCH_CPU_PROFILE: path.join(this.logDir, `${name}.cpuprofile`) };
    }
    const child = spawn(process.execPath, args, { cwd: this.root, env, stdio: ['ignore', fd, fd] });
    child.logFile = logFile;
    child.relaunch = () => this.spawnApp(name, main, extraEnv);
    child.on('exit', (code, signal) => {
      closeSync(fd);
      if (!this.stopping && !child.exitExpected) {
        this.failure ??= `the ${name} exited unexpectedly (code ${code}, signal ${signal}); see ${logFile}`;
        this.log(this.failure);
      }
    });
    return child;
  }

  /** Sends `signal` to an app (the fault suite's faults) and waits for it to exit: an expected exit, no failure. */
  async killApp(name, signal = 'SIGKILL') {
    const child = this.children[name];
    child.exitExpected = true;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }

  /** Starts an app again after killApp, as an orchestrator would. */
  restartApp(name) {
    this.children[name] = this.children[name].relaunch();
  }

  /** Starts one more API or worker (`kind`) beside the first, as `name`, with settings of its own (a port). */
  addApp(name, kind, extraEnv = {}) {
    this.children[name] = this.spawnApp(name, APP_MAIN[kind], extraEnv);
  }

  async waitReady(timeoutMs = 90_000) {
    const deadline = Date.now() + timeoutMs;
    let apiReady = false;
    while (Date.now() < deadline) {
      this.assertAlive();
      if (!apiReady) {
        apiReady = await this.http.request('GET', '/health/ready', { timeoutMs: 2000 }).then(
          (r) => r.status === 200,
          () => false,
        );
      }
      if (apiReady && existsSync(this.heartbeatFile)) return;
      await sleep(200);
    }
    throw new Error(`the API or the worker did not become ready within ${timeoutMs / 1000} s (logs in ${this.logDir})`);
  }

  assertAlive() {
    if (this.failure) throw new Error(this.failure);
  }

  sql(text, params = []) {
    return this.pool.query(text, params).then((r) => r.rows);
  }

  async one(text, params = []) {
    return (await this.sql(text, params))[0];
  }

  // ---- memory -------------------------------------------------------------------------------------------------

  startMemorySampler() {
    const sample = () => {
      for (const [name, child] of Object.entries(this.children)) {
        const rss = child.exitCode === null ? readRss(child.pid) : null;
        if (!rss) continue;
        const phase = (this.memory.byPhase[this.memory.phase] ??= {});
        phase[name] = Math.max(phase[name] ?? 0, rss.rssMb);
      }
    };
    sample();
    this.memory.timer = setInterval(sample, 250);
    this.memory.timer.unref();
    this.memory.sample = sample;
  }

  /** Labels the RSS samples taken from now on (peak RSS is reported per phase). */
  phase(name) {
    this.memory.sample?.();
    this.memory.phase = name;
  }

  /** Peak RSS over the processes' whole life (VmHWM), read before they stop. */
  peakRss() {
    this.memory.sample?.();
    const out = {};
    for (const [name, child] of Object.entries(this.children)) out[name] = readRss(child.pid)?.hwmMb ?? null;
    return out;
  }

  // ---- waiting for the pipeline -------------------------------------------------------------------------------

  /** Polls until no report is left `received` (every report attached to a case); returns when that was seen. */
  async waitTriaged({ timeoutMs, intervalMs = 50, what = 'triage' } = {}) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      this.assertAlive();
      const { n } = await this.one(`SELECT count(*)::int AS n FROM reports WHERE status = 'received'`);
      if (n === 0) return { done: true, left: 0, at: Date.now() };
      if (Date.now() > deadline) return { done: false, left: n, at: Date.now() };
      await sleep(intervalMs);
    }
  }

  /** Polls until every audit event that occurred up to `until` (a Date) is sealed. */
  async waitSealed({ until, timeoutMs, intervalMs = 100 }) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      this.assertAlive();
      const { n } = await this.one(
        `SELECT count(*)::int AS n FROM audit_events WHERE seq IS NULL AND occurred_at <= $1`,
        [until],
      );
      if (n === 0) return { done: true, left: 0, at: Date.now() };
      if (Date.now() > deadline) return { done: false, left: n, at: Date.now() };
      await sleep(intervalMs);
    }
  }

  async dbNow() {
    return (await this.one(`SELECT clock_timestamp() AS now`)).now;
  }

  // ---- clean-up -----------------------------------------------------------------------------------------------

  onCleanup(hook) {
    this.cleanupHooks.push(hook);
  }

  /** Idempotent; safe to call from a signal handler while the run is still going. */
  async cleanup() {
    if (this.cleaned) return this.cleaning;
    this.cleaned = true;
    this.stopping = true; // the apps exiting from here on is expected
    this.cleaning = (async () => {
      clearInterval(this.memory.timer);
      for (const hook of this.cleanupHooks.splice(0)) await Promise.resolve().then(hook).catch(() => undefined);
      await Promise.all(Object.values(this.children).map((child) => stopChild(child)));
      this.http?.close();
      await this.pool?.end().catch(() => undefined);
      if (this.databaseCreated) {
        const admin = new URL(this.databaseUrl);
        admin.pathname = '/postgres';
        const client = new pg.Client({ connectionString: admin.toString() });
        try {
          await client.connect();
          await client.query(`DROP DATABASE IF EXISTS "${this.databaseName}" WITH (FORCE)`);
        } catch (error) {
          this.log(`could not drop ${this.databaseName}: ${error.message}`);
        } finally {
          await client.end().catch(() => undefined);
        }
      }
      if (this.redis) {
        try {
          let deleted = 0;
          for (const prefix of [this.queuePrefix, this.rawQueuePrefix]) deleted += await deleteKeys(this.redis, `${prefix}:*`);
          this.deletedRedisKeys = deleted;
        } catch (error) {
          this.log(`could not delete the Redis keys under ${this.queuePrefix}: ${error.message}`);
        }
        this.redis.disconnect();
      }
      rmSync(this.heartbeatFile, { force: true });
    })();
    return this.cleaning;
  }
}

async function deleteKeys(redis, pattern) {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

function stopChild(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
