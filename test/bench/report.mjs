// Turns the measured results into rows against the targets, prints them as one table, and renders the same
// table as Markdown for docs/performance.md.
import { fmt } from './lib/stats.mjs';

const MET = 'met';
const MISSED = 'NOT MET';
const NA = 'n/a';

const status = (ok) => (ok === null || ok === undefined ? NA : ok ? MET : MISSED);

/** Rows of `{ scenario, figure, value, target, status }`. */
export function buildRows(r) {
  const rows = [];
  const add = (scenario, figure, value, target = '', ok = undefined) =>
    rows.push({ scenario, figure, value, target, status: target ? status(ok) : '' });
  const c = r.settings.connections;

  const pgb = r.baselines?.pgbench;
  if (pgb?.skipped) add('baseline', 'pgbench single-row INSERT', `skipped (${pgb.note})`);
  else if (pgb) add('baseline', `pgbench single-row INSERT commits, ${pgb.clients} clients`, `${fmt(pgb.tps)} tx/s`);
  const bull = r.baselines?.bullmq;
  if (bull) add('baseline', `BullMQ Queue.add, ${bull.inFlight} in flight`, `${fmt(bull.addsPerSecond)} jobs/s`);

  const peak = r.intake?.peak;
  if (peak) {
    const ratio = pgb && !pgb.skipped ? peak.acceptedPerSecond / pgb.tps : null;
    add(
      'intake',
      `accepted reports/s at peak, ${c} connections`,
      `${fmt(peak.acceptedPerSecond)} /s` + (ratio === null ? '' : ` = ${fmt(ratio * 100, 1)} % of pgbench`),
      '≥ 40 % of pgbench',
      ratio === null ? null : ratio >= 0.4,
    );
    add('intake', 'latency p50 / p99 at peak', `${fmt(peak.latencyMs.p50)} / ${fmt(peak.latencyMs.p99)} ms`);
  }
  const at70 = r.intake?.at70;
  if (at70) {
    add(
      'intake',
      `latency p50 / p99 at 70 % of peak (${fmt(at70.requestedRate)} /s asked, ` +
        `${fmt(at70.acceptedPerSecond)} /s done), open loop, from when each was due`,
      `${fmt(at70.latencyMs.p50)} / ${fmt(at70.latencyMs.p99)} ms` +
        (at70.sendLagMaxMs == null ? '' : ` (sent at most ${fmt(at70.sendLagMaxMs)} ms late)`),
      'p99 ≤ 50 ms',
      at70.latencyMs.p99 <= 50,
    );
  }
  if (r.intake) {
    const runs = [r.intake.peak, r.intake.at70, r.intake.at50?.load, r.surge?.load].filter(Boolean);
    const errors = runs.reduce((sum, run) => sum + run.errors, 0);
    const total = runs.reduce((sum, run) => sum + run.responses + run.connectionErrors, 0);
    add('intake', `errors (non-202) over all ${fmt(total, 0)} intake requests`, fmt(errors, 0), '0', errors === 0);
  }

  const lag = r.intake?.at50;
  if (lag) {
    add(
      'triage',
      `lag p50 / p99 at 50 % of peak (${fmt(lag.load.acceptedPerSecond)} /s, ${fmt(lag.lag.reports, 0)} reports)`,
      `${fmt(lag.lag.p50Seconds, 3)} / ${fmt(lag.lag.p99Seconds, 3)} s`,
      'p99 ≤ 1 s',
      lag.lag.p99Seconds <= 1,
    );
    if (lag.triageTransactions) {
      add(
        'triage',
        'triage transactions at 50 % of peak (reports per transaction)',
        `${fmt(lag.triageTransactions, 0)} (${fmt(lag.load.accepted / lag.triageTransactions, 1)})`,
      );
    }
  }
  if (r.intake?.peakDrainSeconds !== undefined) {
    add('triage', 'backlog left by the peak run cleared in', `${fmt(r.intake.peakDrainSeconds, 1)} s`);
  }

  const s = r.surge;
  if (s) {
    add(
      'surge',
      `${fmt(s.load.accepted, 0)} reports on ${fmt(r.settings.channels, 0)} channels: intake` +
        (r.surgeScaledDown ? ` (SCALED DOWN from ${fmt(r.settings.surgeReports, 0)}: peak intake too slow)` : ''),
      `${fmt(s.load.seconds, 1)} s, ${fmt(s.load.acceptedPerSecond)} /s`,
    );
    add(
      'surge',
      'all triaged, seconds after the last 202',
      s.triageDone ? `${fmt(s.triagedAfterLast202Seconds, 2)} s` : `not done: ${s.untriagedAtTimeout} left at timeout`,
      '≤ 10 s',
      s.triageDone ? s.triagedAfterLast202Seconds <= 10 : false,
    );
    add('surge', 'triage throughput (first request → all triaged)', `${fmt(s.load.accepted / s.endToEndSeconds)} reports/s`);
    if (s.triageTransactions) {
      add(
        'surge',
        'triage transactions (reports per transaction)',
        `${fmt(s.triageTransactions, 0)} (${fmt(s.load.accepted / s.triageTransactions, 1)})`,
      );
    }
  }

  const mig = r.migrations;
  if (mig) {
    for (const [run, name] of [
      [mig.before, 'no actioned channel'],
      [mig.after, `${fmt(mig.actioned, 0)} actioned channels`],
    ]) {
      add(
        'migrations',
        `${fmt(run.load.acceptedPerSecond)} /s fresh channels, ${name}: intake p99, triage lag p50 / p99`,
        `${fmt(run.load.latencyMs.p99)} ms, ${fmt(run.lag.p50Seconds, 3)} / ${fmt(run.lag.p99Seconds, 3)} s`,
      );
    }
    add(
      'migrations',
      `the search's own statement per report, p50 / p99 (a bare round trip: ${fmt(mig.roundTripMs.p50, 2)} ms)`,
      `${fmt(mig.searchStatementMs.p50, 2)} / ${fmt(mig.searchStatementMs.p99, 2)} ms`,
    );
    const found = mig.successors;
    add(
      'migrations',
      `${fmt(found.planted, 0)} successors of taken-down channels reported at once: recall, links suggested`,
      `${fmt(found.recall, 3)}, ${fmt(found.links, 0)}` + (found.load.errors ? ` (${fmt(found.load.errors, 0)} refused)` : ''),
    );
    add(
      'migrations',
      'first report of a successor → its suggested link, p50 / p99',
      `${fmt(found.secondsToLink.p50, 3)} / ${fmt(found.secondsToLink.p99, 3)} s`,
      'p99 ≤ 2 s',
      found.secondsToLink.p99 <= 2,
    );
  }

  for (const [rv, label, short] of [
    [r.pacedReview, 'paced (1–3 s reading each case)', 'paced'],
    [r.review, 'closed loop (no pause)', 'closed loop'],
  ]) {
    if (!rv) continue;
    add(
      'review',
      `${label}: ${rv.loops} concurrent moderators (${rv.moderatorAccounts} accounts), ${fmt(rv.decisions, 0)} decisions in ${fmt(rv.seconds, 1)} s` +
        (rv.queueEmptied ? ', queue emptied' : ''),
      `${fmt(rv.decisionsPerSecond)} decisions/s`,
    );
    add('review', `claim latency p50 / p99, ${short}`, `${fmt(rv.claimMs.p50)} / ${fmt(rv.claimMs.p99)} ms`, 'p99 ≤ 50 ms', rv.claimMs.p99 !== null && rv.claimMs.p99 <= 50);
    add(
      'review',
      `decision latency p50 / p99, ${short}`,
      `${fmt(rv.decisionMs.p50)} / ${fmt(rv.decisionMs.p99)} ms`,
      'p99 ≤ 50 ms',
      rv.decisionMs.p99 !== null && rv.decisionMs.p99 <= 50,
    );
    add('review', `cases handed to two people, ${short}`, fmt(rv.doubleAssignments, 0), '0', rv.doubleAssignments === 0);
  }

  const sl = r.audit?.sealingLag;
  if (sl) {
    add(
      'audit',
      `sealing lag p99 / max at peak (${fmt(sl.events, 0)} events)`,
      `${fmt(sl.p99Seconds, 3)} / ${fmt(sl.maxSeconds, 3)} s`,
      'all ≤ 2 s',
      sl.allSealed && sl.maxSeconds <= 2,
    );
  }
  const v = r.audit?.verify;
  if (v) {
    add('audit', `sealer on a backlog of ${fmt(v.syntheticEvents, 0)} events`, v.backlogSealed ? `${fmt(v.backlogSealPerSecond)} events/s` : 'not done in time');
    add(
      'audit',
      `verify, ${fmt(v.verify.checked, 0)} events from genesis (${v.verify.ok ? 'ok' : 'BROKEN'})`,
      `${fmt(v.verify.eventsPerSecond)} events/s (${fmt(v.verify.seconds, 2)} s)`,
      '≥ 200,000 /s',
      v.verify.ok && v.verify.eventsPerSecond >= 200_000,
    );
  }

  const cpuRow = (label, probe) => {
    if (!probe || probe.machineBusyPct === undefined) return;
    const p = probe.cpuPct;
    const others = p.otherNode + p.otherProcesses + p.unattributed;
    add(
      'cpu',
      `${label}: machine busy (${probe.cores} cores); per process 100 % = one core`,
      `${fmt(probe.machineBusyPct, 0)} %: API ${fmt(p.api, 0)}, worker ${fmt(p.worker, 0)}, Postgres ${fmt(p.postgresThisRun, 0)}, ` +
        `Redis ${fmt(p.redisServer, 0)}, load gen. ${fmt(p.loadGenerator, 0)}, Postgres background/other DBs ` +
        `${fmt(p.postgresOther, 0)}, other/unattributed ${fmt(others, 0)}, ` +
        `taken by the host (steal) ${fmt(p.hostSteal ?? 0, 0)}`,
    );
    const ended = Object.entries(probe.postgresSessionsEnded ?? {});
    if (ended.length > 0) {
      add(
        'cpu',
        `${label}: Postgres sessions that ended within the phase (their CPU is in "Postgres" above)`,
        ended.map(([who, e]) => `${who}: ${e.sessions} (${fmt(e.cpuPct, 0)} % of a core)`).join(', '),
      );
    }
    const maintenance = Object.entries(probe.postgresMaintenance ?? {});
    if (maintenance.length > 0) {
      add(
        'cpu',
        `${label}: share of the phase with Postgres maintenance workers running (their CPU is in "Postgres" above)`,
        maintenance.map(([what, share]) => `${what.replace(/^autovacuum: /, '')} ${fmt(100 * share, 0)} %`).join(', '),
      );
    }
  };
  cpuRow('peak intake', r.intake?.peak?.probe);
  cpuRow('surge', r.surge?.probe);
  cpuRow('review, paced', r.pacedReview?.probe);
  cpuRow('review', r.review?.probe);

  const m = r.memory;
  if (m) {
    for (const name of ['api', 'worker']) {
      const peakMb = m.peakRssMb[name];
      const phase = m.peakPhase[name];
      add(
        'memory',
        `${name === 'api' ? 'API' : 'worker'} peak RSS (VmHWM)` + (phase ? `, highest sample in ${phase}` : ''),
        `${fmt(peakMb, 0)} MB`,
        '≤ 250 MB',
        peakMb !== null && peakMb <= 250,
      );
    }
    if (m.peakPhase.api === 'review-setup' || m.peakPhase.worker === 'review-setup') {
      const o = m.sampledPeakOutsideAccountSetupMb;
      add('memory', 'peak RSS sampled outside account creation (argon2id)', `API ${fmt(o.api, 0)} MB, worker ${fmt(o.worker, 0)} MB`);
    }
  }
  return rows;
}

export function printTable(rows, heading) {
  const cols = ['scenario', 'figure', 'value', 'target', 'status'];
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((row) => String(row[c]).length)));
  const line = (cells) => cells.map((cell, i) => String(cell).padEnd(widths[i])).join('  ').trimEnd();
  const out = [heading, '', line(cols), line(widths.map((w) => '-'.repeat(w))), ...rows.map((row) => line(cols.map((c) => row[c])))];
  return out.join('\n');
}

export function markdownTable(rows) {
  const esc = (s) => String(s).replace(/\|/g, '\\|');
  return [
    '| scenario | figure | value | target | status |',
    '|---|---|---|---|---|',
    ...rows.map((r) => `| ${esc(r.scenario)} | ${esc(r.figure)} | ${esc(r.value)} | ${esc(r.target)} | ${r.status === MISSED ? '**NOT MET**' : esc(r.status)} |`),
  ].join('\n');
}
