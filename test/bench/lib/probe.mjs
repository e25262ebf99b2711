// Where the time goes during a phase, without a profiler: how busy the machine's CPUs were and who used them (the
// API, the worker, the Postgres sessions of this run's database, the Postgres and Redis servers' other work, the
// load generator, everything else on the machine — other people's tests skew every figure — and the time the host
// ran something else while this VM's CPUs were ready: steal, this VM's "slow moods"), and what the app's Postgres
// sessions were waiting on (sampled from pg_stat_activity: "idle in transaction / ClientRead" is a session holding a
// transaction open while it waits for the app's next statement).
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { round } from './stats.mjs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function machineTicks() {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = cpu[3] + (cpu[4] ?? 0);
    // steal: time this VM's CPUs were ready to run while the host ran something else. It counts as busy (not idle),
    // and no process of the VM used it.
    return { total: cpu.reduce((a, b) => a + b, 0), idle, steal: cpu[7] ?? 0 };
  } catch {
    return null;
  }
}

/** Percent of a core the host took from this VM (steal) from `from` (machineTicks) until now; null off Linux. */
function stealPctSince(from, seconds) {
  const now = machineTicks();
  return from && now ? round((100 * (now.steal - from.steal)) / TICKS_PER_SECOND / seconds, 1) : null;
}

/** A meter of the host's steal from now on: call it for the percent of a core taken so far (paired runs use it). */
export function stealMeter() {
  const from = machineTicks();
  const started = Date.now();
  return () => stealPctSince(from, (Date.now() - started) / 1000);
}

/** utime + stime and the command name of one process, or null when it is gone. */
function processStat(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { comm, ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null;
  }
}

/** CPU seconds (utime + stime) one process has used so far; 0 when it is gone. */
export const processCpuSeconds = (pid) => (processStat(pid)?.ticks ?? 0) / TICKS_PER_SECOND;

/** utime + stime and the command name of every process on the machine. */
function processSnapshot() {
  const snapshot = new Map();
  let entries = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return snapshot;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = processStat(entry);
    if (stat) snapshot.set(Number(entry), stat);
  }
  return snapshot;
}

export function startProbe(system, { sampleMs = 200 } = {}) {
  const started = Date.now();
  const machine = machineTicks();
  const before = processSnapshot();
  const ours = new Map(Object.entries(system.children).map(([name, child]) => [child.pid, name]));
  ours.set(process.pid, 'loadGenerator');
  const waits = new Map();
  const maintenance = new Map();
  // This run's Postgres sessions (pid → CPU as of the last sample that saw it, and whose it is): one that ends within
  // the phase (a pool closing an idle connection, an autovacuum or parallel worker) is gone from /proc by the end,
  // and would otherwise land in "unattributed".
  const sessions = new Map();
  let samples = 0;
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      const rows = await system.sql(
        `SELECT pid, state, coalesce(wait_event_type || ':' || wait_event, 'CPU') AS wait, application_name AS app,
                backend_type, left(query, 80) AS query
         FROM pg_stat_activity WHERE datname = $1`,
        [system.databaseName],
      );
      samples++;
      for (const { pid, state, wait, app, backend_type: type, query } of rows) {
        const stat = processStat(pid);
        if (stat) sessions.set(pid, { ticks: stat.ticks, who: app || type });
        // Autovacuum and parallel-query workers come and go within a phase; their CPU is in this run's Postgres
        // figure, and here is how much of the phase they ran (and, for autovacuum, on which table).
        if (type === 'autovacuum worker' || type === 'parallel worker') {
          const key = type === 'autovacuum worker' ? query : type;
          maintenance.set(key, (maintenance.get(key) ?? 0) + 1);
          continue;
        }
        if (app !== 'vigil' || state === 'idle') continue;
        const key = `${state} / ${wait}`;
        waits.set(key, (waits.get(key) ?? 0) + 1);
      }
    } catch {
      // the probe must never fail the run
    } finally {
      busy = false;
    }
  }, sampleMs);
  timer.unref();

  return () => {
    clearInterval(timer);
    const seconds = (Date.now() - started) / 1000;
    const machineNow = machineTicks();
    const after = processSnapshot();
    const result = { seconds: round(seconds, 1), cores: os.cpus().length };
    if (machine && machineNow) {
      const total = machineNow.total - machine.total;
      result.machineBusyPct = round((100 * (total - (machineNow.idle - machine.idle))) / total, 1);
    }
    // Per-process CPU, 100 % = one core. A process that started during the phase counts from zero; one that
    // ended during it is missed (it lands in "unattributed"), except this run's Postgres sessions, counted up to the
    // last sample that saw them.
    const buckets = {
      api: 0,
      worker: 0,
      postgresThisRun: 0,
      loadGenerator: 0,
      postgresOther: 0,
      redisServer: 0,
      otherNode: 0,
      otherProcesses: 0,
    };
    for (const [pid, { comm, ticks }] of after) {
      const delta = ticks - (before.get(pid)?.ticks ?? 0);
      if (delta <= 0) continue;
      let bucket = ours.get(pid);
      if (!bucket) {
        if (sessions.has(pid)) bucket = 'postgresThisRun';
        else if (comm === 'postgres') bucket = 'postgresOther';
        else if (comm.startsWith('redis-server')) bucket = 'redisServer';
        else if (comm === 'node' || comm.startsWith('jest') || comm === 'npm') bucket = 'otherNode';
        else bucket = 'otherProcesses';
      }
      buckets[bucket] += delta;
    }
    // Sessions that ended within the phase, by application name (or backend type), with the CPU they used in it.
    const ended = {};
    for (const [pid, { ticks, who }] of sessions) {
      if (after.has(pid)) continue;
      const used = Math.max(0, ticks - (before.get(pid)?.ticks ?? 0));
      buckets.postgresThisRun += used;
      ended[who] ??= { sessions: 0, cpuPct: 0 };
      ended[who].sessions++;
      ended[who].cpuPct = round(ended[who].cpuPct + (100 * used) / TICKS_PER_SECOND / seconds, 1);
    }
    result.postgresSessionsEnded = ended;
    result.cpuPct = Object.fromEntries(
      Object.entries(buckets).map(([name, ticks]) => [name, round((100 * ticks) / TICKS_PER_SECOND / seconds, 1)]),
    );
    const steal = stealPctSince(machine, seconds);
    if (steal !== null) result.cpuPct.hostSteal = steal;
    if (result.machineBusyPct !== undefined) {
      const attributed = Object.values(result.cpuPct).reduce((a, b) => a + b, 0);
      result.cpuPct.unattributed = round(Math.max(0, result.machineBusyPct * result.cores - attributed), 1);
    }
    // Average number of the app's Postgres sessions in each state per sample.
    result.postgresSessions = Object.fromEntries(
      [...waits]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8)
        .map(([key, n]) => [key, round(n / Math.max(1, samples), 2)]),
    );
    // Share of samples in which each autovacuum (by its table) or any parallel worker was running.
    result.postgresMaintenance = Object.fromEntries(
      [...maintenance]
        .sort((a, b) => b[1] - a[1])
        .map(([key, n]) => [key, round(n / Math.max(1, samples), 2)]),
    );
    return result;
  };
}

/** How busy the machine's CPUs are over `ms` (0–100 % of all cores): others' work skews every figure. */
export async function machineBusy(ms = 1000) {
  const before = machineTicks();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = machineTicks();
  if (!before || !after) return null;
  const total = after.total - before.total;
  return round((100 * (total - (after.idle - before.idle))) / total, 1);
}
