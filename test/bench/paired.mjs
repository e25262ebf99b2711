// Paired comparison of two builds on this machine, for changes smaller than the noise between full runs.
//   node test/bench/paired.mjs <checkout A> <checkout B> [rounds=3] [--rate=N] [--review [--review-intake=SECONDS]]
// Each checkout must be built (`npm run build` there). Rounds alternate A, B, A, B…, each on a fresh system (its own
// database and queue prefix, removed afterwards, as `npm run bench` does), so drift in the VM's speed hits both.
// Per system: warm-up, 8 s on one connection, 12 s at 450 reports/s or --rate=N, open loop (intake latency and the
// triage lag of those reports), 15 s of peak intake on 32 connections, then the seconds until the worker has triaged
// everything. One JSON line per system.
// With --review, instead: 20 s (or SECONDS) of peak intake (the cases, hot ones among them), triaged, then 8
// moderator accounts and the bench's paced review (50 loops reading each case 1–3 s) for 20 s: claim and decision
// latency. --read-case: each loop also opens the case it claimed (GET /v1/cases/:id, audited `case.viewed`), and a
// closed loop (no pause) follows the paced review for 15 s: decisions per second.
// --env-a=NAME=VALUE, --env-b=NAME=VALUE (repeatable): environment of A's or B's apps only, e.g. one checkout twice
// with --env-b=AUDIT_READS=false (what auditing reads costs).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { stealMeter } from './lib/probe.mjs';

const reviewMode = process.argv.includes('--review');
const readCase = process.argv.includes('--read-case');
const envOf = (side) =>
  Object.fromEntries(
    process.argv
      .filter((arg) => arg.startsWith(`--env-${side}=`))
      .map((arg) => arg.slice(`--env-${side}=`.length).split(/=(.*)/s, 2)),
  );
const sideEnv = { A: envOf('a'), B: envOf('b') };
const intakeArg = process.argv.find((arg) => arg.startsWith('--review-intake='));
const reviewIntakeSeconds = intakeArg ? Number(intakeArg.split('=')[1]) : 20;
const rateArg = process.argv.find((arg) => arg.startsWith('--rate='));
const pacedRate = rateArg ? Number(rateArg.split('=')[1]) : 450;
const [rootA, rootB, rounds = '3'] = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
if (!rootA || !rootB || !(pacedRate > 0)) {
  console.error('usage: node test/bench/paired.mjs <checkout A> <checkout B> [rounds] [--rate=N] [--review [--review-intake=S]]');
  process.exit(2);
}
const quiet = () => undefined;

/** Warm-up, one connection, the paced rate (its triage lag), then peak intake and the drain after it. */
async function intakeRound({ system, workload, scenarios: { fireReports, drain, triageLag, triageTransactions } }) {
  await fireReports(system, workload, { connections: 8, duration: 4, title: 'warm-up' });
  await drain(system, { timeoutMs: 60_000, log: quiet, what: 'warm-up' });
  const one = await fireReports(system, workload, { connections: 1, duration: 8, title: 'one connection' });
  await drain(system, { timeoutMs: 60_000, log: quiet, what: 'one connection' });
  const transactionsBefore = await triageTransactions(system);
  const paced = await fireReports(system, workload, {
    connections: 32,
    duration: 12,
    overallRate: pacedRate,
    title: `${pacedRate}/s`,
  });
  await drain(system, { timeoutMs: 60_000, log: quiet, what: `${pacedRate}/s` });
  const lag = await triageLag(system, paced.startedAt, paced.finishedAt);
  const transactions = (await triageTransactions(system)) - transactionsBefore;
  const peak = await fireReports(system, workload, { connections: 32, duration: 15, title: 'peak' });
  const drained = await drain(system, { timeoutMs: 120_000, log: quiet, what: 'peak' });
  return {
    oneConnection: { perSecond: one.acceptedPerSecond, latencyMs: one.latencyMs },
    paced: {
      rate: pacedRate,
      latencyMs: paced.latencyMs,
      triageLagSeconds: lag,
      reportsPerTriageTransaction: Math.round((paced.accepted / transactions) * 100) / 100,
    },
    peak: { perSecond: peak.acceptedPerSecond, latencyMs: peak.latencyMs, drainSeconds: drained.seconds },
    errors: one.errors + paced.errors + peak.errors,
  };
}

/** Peak intake for the cases, triaged, then the bench's paced review with 8 moderator accounts. */
async function reviewRound({ system, workload, root, scenarios: { fireReports, drain } }) {
  const { createModerators, review } = await import(path.join(root, 'test/bench/scenarios/review.mjs'));
  const cases = await fireReports(system, workload, { connections: 32, duration: reviewIntakeSeconds, title: 'cases' });
  await drain(system, { timeoutMs: 120_000, log: quiet, what: 'cases' });
  const moderators = await createModerators(system, { count: 8 });
  const paced = await review(system, { moderators, loops: 50, seconds: 20, thinkMs: [1000, 3000], readCase, log: quiet });
  const closed = readCase ? await review(system, { moderators, loops: 50, seconds: 15, readCase, log: quiet }) : null;
  return {
    reports: cases.accepted,
    decisions: paced.decisions,
    claimMs: paced.claimMs,
    decisionMs: paced.decisionMs,
    ...(readCase ? { viewMs: paced.viewMs } : {}),
    byClaimAnswerKb: paced.byClaimAnswerKb,
    doubleAssignments: paced.doubleAssignments + (closed?.doubleAssignments ?? 0),
    unexpected: { ...paced.unexpectedResponses, ...closed?.unexpectedResponses },
    ...(closed
      ? {
          closedLoop: {
            decisionsPerSecond: closed.decisionsPerSecond,
            decisions: closed.decisions,
            queueEmptied: closed.queueEmptied,
            claimMs: closed.claimMs,
            viewMs: closed.viewMs,
            decisionMs: closed.decisionMs,
          },
        }
      : {}),
  };
}

for (let round = 0; round < Number(rounds); round++) {
  for (const [label, given] of [['A', rootA], ['B', rootB]]) {
    const root = path.resolve(given);
    const { BenchSystem } = await import(path.join(root, 'test/bench/lib/system.mjs'));
    const scenarios = await import(path.join(root, 'test/bench/scenarios/intake.mjs'));
    const { createWorkload } = await import(path.join(root, 'test/bench/lib/workload.mjs'));
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const logDir = path.join(root, 'bench-results', `${stamp}-paired-${label}-logs`);
    mkdirSync(logDir, { recursive: true });
    const system = new BenchSystem({ root, stamp, log: quiet, logDir });
    const buildEnv = system.buildEnv.bind(system);
    system.buildEnv = (port) => Object.assign(buildEnv(port), sideEnv[label]);
    const cwd = process.cwd();
    process.chdir(root);
    try {
      await system.start();
      // The host's share of this VM's CPUs over the system's run: a round where it took much is not a comparison.
      const hostSteal = stealMeter();
      const run = { system, workload: createWorkload({ channelCount: 2000 }), root, scenarios };
      const result = reviewMode ? await reviewRound(run) : await intakeRound(run);
      console.log(JSON.stringify({ label, root, env: sideEnv[label], round, ...result, hostStealPct: hostSteal() }));
    } finally {
      await system.cleanup();
      process.chdir(cwd);
    }
  }
}
