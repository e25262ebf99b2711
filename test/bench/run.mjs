// The benchmark harness behind `npm run bench` (scripts/bench.mjs builds first, then imports this). It drives the
// BUILT apps as child processes over HTTP, and reads results straight from Postgres. Every scenario runs in one go
// against one fresh instance, so the ratios compare figures measured on the same machine at the same time.
//
//   npm run bench                  the full run (issue 6 sizes: 100,000-report surge, ≥ 1,000,000 audit events)
//   npm run bench -- --quick       every scenario, small (well under a minute after the build)
//   options: --connections=N (intake and pgbench clients, default 32)  --channels=N (2000)  --surge=N
//            --audit-events=N  --moderators=N (concurrent review loops, 50)  --moderator-accounts=N (50; quick 8)
//            --profile (CPU profiles of the API and the worker in bench-results/<time>-logs/*.cpuprofile)
//   environment: DATABASE_URL / REDIS_URL pick the servers (the database name is replaced); Vigil tuning variables
//   (DATABASE_POOL_SIZE, TRIAGE_CONCURRENCY, WORKER_NICE, OUTCOME_SLICE_*, AUDIT_SEAL_*, …) pass through to the
//   apps; BENCH_LOG_LEVEL (warn).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { machineBusy, startProbe } from './lib/probe.mjs';
import { createWorkload } from './lib/workload.mjs';
import { BenchSystem } from './lib/system.mjs';
import { round } from './lib/stats.mjs';
import { buildRows, markdownTable, printTable } from './report.mjs';
import { bullmqBaseline, pgbenchBaseline } from './scenarios/baselines.mjs';
import { drain, fireReports, surge, triageLag, triageTransactions } from './scenarios/intake.mjs';
import { adminToken, createModerators, review } from './scenarios/review.mjs';
import { sealingLag, verifySpeed } from './scenarios/audit.mjs';
import { migrationSearch } from './scenarios/migrations.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const SIZES = {
  full: {
    warmupSeconds: 5,
    baselineSeconds: 15,
    peakSeconds: 30,
    at70Seconds: 20,
    at50Seconds: 20,
    surgeReports: 100_000,
    // When peak intake is so slow that the surge alone would take longer than this, it is scaled down to fit and
    // the table says so (--surge=N sends exactly N whatever it takes).
    surgeMaxSeconds: 240,
    moderatorAccounts: 50,
    reviewSeconds: 60,
    pacedReviewSeconds: 20,
    auditEvents: 1_000_000,
    migrationActioned: 50_000,
    migrationSuccessors: 2_000,
    migrationRate: 150,
    migrationSeconds: 20,
    drainTimeoutMs: 15 * 60_000,
    sealTimeoutMs: 20 * 60_000,
  },
  quick: {
    warmupSeconds: 1,
    baselineSeconds: 2,
    peakSeconds: 3,
    at70Seconds: 2,
    at50Seconds: 3,
    surgeReports: 3_000,
    surgeMaxSeconds: 3,
    surgeMinReports: 200,
    // argon2id (m=64 MiB, t=3) costs ~0.2 s per login or account on this class of machine: the 50 review loops
    // share 8 accounts in the quick run.
    moderatorAccounts: 8,
    reviewSeconds: 4,
    pacedReviewSeconds: 4,
    auditEvents: 30_000,
    migrationActioned: 2_000,
    migrationSuccessors: 200,
    migrationRate: 100,
    migrationSeconds: 3,
    drainTimeoutMs: 60_000,
    sealTimeoutMs: 60_000,
  },
};

function parseArgs(argv) {
  const args = { quick: false, profile: false, connections: 32, channels: 2000, moderators: 50 };
  for (const arg of argv) {
    const [flag, value] = arg.split('=');
    const int = () => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive integer (got "${value}")`);
      return n;
    };
    switch (flag) {
      case '--quick':
        args.quick = true;
        break;
      case '--profile':
        args.profile = true;
        break;
      case '--connections':
        args.connections = int();
        break;
      case '--channels':
        args.channels = int();
        break;
      case '--surge':
        args.surgeReports = int();
        break;
      case '--audit-events':
        args.auditEvents = int();
        break;
      case '--moderators':
        args.moderators = int();
        break;
      case '--moderator-accounts':
        args.moderatorAccounts = int();
        break;
      case '--migration-actioned':
        args.migrationActioned = int();
        break;
      case '--no-build':
        break; // the launcher's
      default:
        throw new Error(`unknown option ${arg} (see test/bench/run.mjs)`);
    }
  }
  return args;
}

async function machine(system) {
  const cpus = os.cpus();
  const { version } = await system.one(`SELECT version()`);
  const redis = new Redis(system.redisUrl, { lazyConnect: true });
  await redis.connect();
  const info = await redis.info('server');
  redis.disconnect();
  let commit = null;
  let dirty = null;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    dirty = execFileSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8' }).trim().length > 0;
  } catch {
    // not a git checkout
  }
  return {
    hostname: os.hostname(),
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? null,
    memoryGb: round(os.totalmem() / 2 ** 30, 1),
    loadAverageAtStart: os.loadavg().map((x) => round(x, 2)),
    platform: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres: version.split(' on ')[0],
    redis: /redis_version:(\S+)/.exec(info)?.[1] ?? null,
    commit,
    uncommittedChanges: dirty,
  };
}

export async function main(argv = process.argv.slice(2)) {
  const args = parseArgs(argv);
  const mode = args.quick ? 'quick' : 'full';
  const size = { ...SIZES[mode] };
  if (args.surgeReports) size.surgeReports = args.surgeReports;
  if (args.moderatorAccounts) size.moderatorAccounts = args.moderatorAccounts;
  if (args.auditEvents) size.auditEvents = args.auditEvents;
  if (args.migrationActioned) size.migrationActioned = args.migrationActioned;
  const c = args.connections;

  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const resultsDir = path.join(root, 'bench-results');
  const logDir = path.join(resultsDir, `${stamp}-logs`);
  mkdirSync(logDir, { recursive: true });
  const t0 = Date.now();
  const log = (message) => process.stderr.write(`[bench +${((Date.now() - t0) / 1000).toFixed(1)}s] ${message}\n`);

  const system = new BenchSystem({ root, stamp, log, logDir, profile: args.profile });
  let interrupted = false;
  const onSignal = (signal) => {
    const code = signal === 'crash' ? 1 : 130;
    if (interrupted) process.exit(code); // a second Ctrl-C: leave at once
    interrupted = true;
    log(`${signal}: stopping the apps, dropping ${system.databaseName}, deleting Redis keys ${system.queuePrefix}:*`);
    system.cleanup().finally(() => {
      log(`cleaned up after ${signal}: dropped ${system.databaseName}, deleted ${system.deletedRedisKeys ?? 0} Redis key(s)`);
      process.exit(code);
    });
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const onCrash = (error) => {
    log(`crashed: ${error?.stack ?? error}`);
    onSignal('crash');
  };
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);

  const results = {
    mode,
    startedAt: startedAt.toISOString(),
    command: `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`,
    settings: { connections: c, channels: args.channels, moderators: args.moderators, ...size },
  };
  let failed = null;
  try {
    log(`mode ${mode}; logs in ${path.relative(root, logDir)}`);
    const busyBefore = await machineBusy(1000);
    if (busyBefore > 20) log(`the machine is already ${busyBefore} % busy before the benchmark starts: figures will be low`);
    await system.start();
    results.machine = { ...(await machine(system)), busyBeforeStartPct: busyBefore };
    Object.assign(results.settings, system.describeSettings());

    // Two partners with API keys, so some reports come in as trusted flaggers and referral units.
    const admin = await adminToken(system);
    const apiKeys = {};
    for (const role of ['trusted_flagger', 'referral_unit']) {
      const { body } = await system.http.expect(201, 'POST', '/v1/admin/api-keys', {
        token: admin,
        body: { name: `bench ${role}`, role, organization: `Bench ${role.replace('_', ' ')}` },
      });
      apiKeys[role] = body.key;
    }
    const workload = createWorkload({ channelCount: args.channels, apiKeys });

    // 1. Baselines
    system.phase('baselines');
    results.baselines = {
      pgbench: await pgbenchBaseline(system, { clients: c, seconds: size.baselineSeconds, log }),
      bullmq: await bullmqBaseline(system, { inFlight: c, seconds: Math.max(2, Math.round(size.baselineSeconds / 2)), log }),
    };
    system.assertAlive();

    // 2. Intake: warm-up (not counted), peak, 70 % of peak
    system.phase('intake-warmup');
    log(`intake: warm-up ${size.warmupSeconds} s`);
    await fireReports(system, workload, { connections: c, duration: size.warmupSeconds, title: 'warm-up' });
    await drain(system, { timeoutMs: size.drainTimeoutMs, log, what: 'warm-up' });

    system.phase('intake-peak');
    log(`intake: peak, ${size.peakSeconds} s with ${c} connections`);
    const peakFrom = await system.dbNow();
    const peakProbe = startProbe(system);
    const peak = await fireReports(system, workload, { connections: c, duration: size.peakSeconds, title: 'peak' });
    peak.probe = peakProbe();
    const peakTo = await system.dbNow();
    log(`intake: ${peak.acceptedPerSecond}/s accepted, p99 ${peak.latencyMs.p99} ms, ${peak.errors} error(s)`);
    const peakDrain = await drain(system, { timeoutMs: size.drainTimeoutMs, log, what: 'peak' });
    results.intake = { peak, peakDrainSeconds: peakDrain.seconds, peakWindow: { from: peakFrom, to: peakTo } };

    system.phase('intake-70');
    const rate70 = peak.acceptedPerSecond * 0.7;
    log(`intake: ${Math.round(rate70)}/s (70 % of peak) for ${size.at70Seconds} s`);
    results.intake.at70 = await fireReports(system, workload, {
      connections: c,
      duration: size.at70Seconds,
      overallRate: rate70,
      title: '70% of peak',
    });
    await drain(system, { timeoutMs: size.drainTimeoutMs, log, what: '70 % run' });

    // 3. Triage lag at 50 % of peak
    system.phase('triage-50');
    const rate50 = peak.acceptedPerSecond * 0.5;
    log(`triage lag: ${Math.round(rate50)}/s (50 % of peak) for ${size.at50Seconds} s`);
    const lagFrom = await system.dbNow();
    const transactionsBefore = await triageTransactions(system);
    const load50 = await fireReports(system, workload, {
      connections: c,
      duration: size.at50Seconds,
      overallRate: rate50,
      title: '50% of peak',
    });
    const lagTo = await system.dbNow();
    await drain(system, { timeoutMs: size.drainTimeoutMs, log, what: '50 % run' });
    results.intake.at50 = {
      load: load50,
      lag: await triageLag(system, lagFrom, lagTo),
      // How much triage batched at a steady rate (the surge's row says the same for a flood).
      triageTransactions: (await triageTransactions(system)) - transactionsBefore,
    };
    log(`triage lag: p99 ${results.intake.at50.lag.p99Seconds} s`);

    // 4. Surge
    system.phase('surge');
    let surgeReports = size.surgeReports;
    if (!args.surgeReports && surgeReports / peak.acceptedPerSecond > size.surgeMaxSeconds) {
      surgeReports = Math.max(size.surgeMinReports ?? 1000, Math.round(peak.acceptedPerSecond * size.surgeMaxSeconds));
      surgeReports = Math.min(surgeReports, size.surgeReports);
      if (mode === 'full') {
        log(`surge: scaled down to ${surgeReports} reports (${size.surgeReports} would take ${Math.round(size.surgeReports / peak.acceptedPerSecond)} s at the peak rate); --surge=N forces a size`);
      }
    }
    results.settings.surgeReportsSent = surgeReports;
    results.surgeScaledDown = mode === 'full' && surgeReports < size.surgeReports;
    const surgeProbe = startProbe(system);
    results.surge = await surge(system, workload, {
      reports: surgeReports,
      connections: c,
      drainTimeoutMs: size.drainTimeoutMs,
      log,
    });
    results.surge.probe = surgeProbe();
    log(`surge: triaged ${results.surge.triagedAfterLast202Seconds} s after the last 202`);

    // 4b. The migration search: its cost per report, and the seed's successors found
    system.phase('migrations');
    results.migrations = await migrationSearch(system, {
      root,
      actioned: size.migrationActioned,
      successors: size.migrationSuccessors,
      rate: size.migrationRate,
      seconds: size.migrationSeconds,
      connections: c,
      log,
    });
    log(
      `migrations: recall ${results.migrations.successors.recall}, link p99 ` +
        `${results.migrations.successors.secondsToLink.p99} s after the first report`,
    );

    // 6a. Sealing lag over the peak-load windows (the sealer runs in the worker as configured)
    system.phase('audit-sealing');
    results.audit = {
      sealingLag: await sealingLag(system, [{ from: peakFrom, to: peakTo }, results.surge.window], {
        timeoutMs: size.sealTimeoutMs,
      }),
    };
    log(`audit: sealing lag p99 ${results.audit.sealingLag.p99Seconds} s, max ${results.audit.sealingLag.maxSeconds} s`);

    // 5. Review over the cases the runs above opened
    system.phase('review-setup');
    log(`review: creating ${size.moderatorAccounts} moderator accounts through the admin API`);
    const setupStarted = Date.now();
    const moderators = await createModerators(system, { count: size.moderatorAccounts });
    const accountSetupSeconds = round((Date.now() - setupStarted) / 1000, 1);
    // First at a person's pace (1–3 s reading each case: still several times busier than real moderators), for the
    // latency a moderator feels; then as fast as the API answers, for throughput.
    system.phase('review-paced');
    const pacedProbe = startProbe(system);
    results.pacedReview = await review(system, {
      moderators,
      loops: args.moderators,
      seconds: size.pacedReviewSeconds,
      thinkMs: [1000, 3000],
      log,
    });
    results.pacedReview.probe = pacedProbe();
    log(`review (paced): ${results.pacedReview.decisionsPerSecond} decisions/s, claim p99 ${results.pacedReview.claimMs.p99} ms, decision p99 ${results.pacedReview.decisionMs.p99} ms`);
    system.phase('review');
    const reviewProbe = startProbe(system);
    results.review = await review(system, { moderators, loops: args.moderators, seconds: size.reviewSeconds, log });
    results.review.probe = reviewProbe();
    results.review.accountSetupSeconds = accountSetupSeconds;
    log(`review: ${results.review.decisionsPerSecond} decisions/s, claim p99 ${results.review.claimMs.p99} ms`);

    // 6b. Verify speed over ≥ N events
    system.phase('audit-verify');
    const auditProbe = startProbe(system);
    results.audit.verify = await verifySpeed(system, {
      minEvents: size.auditEvents,
      sealTimeoutMs: size.sealTimeoutMs,
      log,
    });
    results.audit.verify.probe = auditProbe();
    log(`audit: verify ${results.audit.verify.verify.eventsPerSecond} events/s over ${results.audit.verify.verify.checked}`);

    // 7. Memory
    const peakRssMb = system.peakRss();
    const peakPhase = {};
    const peakOutsideAccountSetup = {};
    for (const name of ['api', 'worker']) {
      let best = null;
      for (const [phase, byApp] of Object.entries(system.memory.byPhase)) {
        if (byApp[name] !== undefined && (best === null || byApp[name] > system.memory.byPhase[best][name])) best = phase;
        if (phase !== 'review-setup' && byApp[name] !== undefined) {
          peakOutsideAccountSetup[name] = round(Math.max(peakOutsideAccountSetup[name] ?? 0, byApp[name]), 1);
        }
      }
      peakPhase[name] = best;
    }
    results.memory = {
      peakRssMb: Object.fromEntries(Object.entries(peakRssMb).map(([k, v]) => [k, round(v, 1)])),
      peakPhase,
      sampledPeakOutsideAccountSetupMb: peakOutsideAccountSetup,
      sampledRssMbByPhase: Object.fromEntries(
        Object.entries(system.memory.byPhase).map(([phase, byApp]) => [
          phase,
          Object.fromEntries(Object.entries(byApp).map(([k, v]) => [k, round(v, 1)])),
        ]),
      ),
    };
  } catch (error) {
    failed = error;
    if (!interrupted) log(`FAILED: ${error?.stack ?? error}`);
  } finally {
    if (!interrupted) {
      system.phase('clean-up');
      await system.cleanup();
      log(`cleaned up: dropped ${system.databaseName}, deleted ${system.deletedRedisKeys ?? 0} Redis key(s)`);
    }
  }
  if (interrupted) return new Promise(() => undefined); // the signal handler exits once clean-up is done

  results.finishedAt = new Date().toISOString();
  results.totalSeconds = round((Date.now() - t0) / 1000, 1);
  if (failed) results.error = String(failed?.stack ?? failed);
  const rows = buildRows(results);
  results.table = rows;
  const heading =
    `Vigil benchmark (${mode}) — ${results.startedAt.slice(0, 19).replace('T', ' ')} UTC — ` +
    `${results.machine?.cpus ?? '?'} cores, ${results.machine?.memoryGb ?? '?'} GB, node ${process.version}, ` +
    `${results.totalSeconds} s; CPUs ${results.machine?.busyBeforeStartPct ?? '?'} % busy before the start`;
  const file = path.join(resultsDir, `${stamp}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(path.join(resultsDir, `${stamp}.md`), `${heading}\n\n${markdownTable(rows)}\n`);
  process.stdout.write(`\n${printTable(rows, heading)}\n\nResults: ${path.relative(root, file)}\n`);
  if (failed) {
    process.stderr.write(`\nThe benchmark did not finish: ${failed.message ?? failed}\n`);
    return 1;
  }
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then((code) => process.exit(code));
}
