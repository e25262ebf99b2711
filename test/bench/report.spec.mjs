// The table is where a target reads "met" or "NOT MET": its thresholds are the issue's, at their boundaries.
import { buildRows, markdownTable } from './report.mjs';
import { percentile, summarise } from './lib/stats.mjs';

const run = (over = {}) => ({
  errors: 0,
  responses: 1000,
  connectionErrors: 0,
  latencyMs: { p50: 10, p99: 40 },
  ...over,
});

/** A run that meets every target exactly at its threshold. */
function results() {
  const tps = 10_000;
  const peak = 4_000;
  return {
    settings: { connections: 32, channels: 2000, surgeReports: 100_000 },
    baselines: { pgbench: { tps, clients: 32 }, bullmq: { addsPerSecond: 20_000, inFlight: 32 } },
    intake: {
      peak: run({ acceptedPerSecond: peak }),
      at70: run({ requestedRate: peak * 0.7, acceptedPerSecond: peak * 0.7, latencyMs: { p50: 20, p99: 50 } }),
      at50: {
        load: run({ acceptedPerSecond: peak / 2, accepted: 10_000 }),
        lag: { reports: 10_000, p50Seconds: 0.1, p99Seconds: 1 },
        triageTransactions: 8_000,
      },
      peakDrainSeconds: 1.2,
    },
    surge: {
      load: run({ accepted: 100_000, seconds: 120, acceptedPerSecond: 833 }),
      triageDone: true,
      triagedAfterLast202Seconds: 10,
      endToEndSeconds: 121,
    },
    pacedReview: {
      loops: 50,
      moderatorAccounts: 50,
      decisions: 400,
      seconds: 20,
      decisionsPerSecond: 20,
      claimMs: { p50: 10, p99: 50 },
      decisionMs: { p50: 8, p99: 50 },
      doubleAssignments: 0,
    },
    audit: {
      sealingLag: { events: 1000, p99Seconds: 1, maxSeconds: 2, allSealed: true },
      verify: {
        syntheticEvents: 900_000,
        backlogSealed: true,
        backlogSealPerSecond: 20_000,
        verify: { checked: 1_000_000, ok: true, eventsPerSecond: 200_000, seconds: 5 },
      },
    },
    memory: { peakRssMb: { api: 250, worker: 120 }, peakPhase: { api: 'intake-peak', worker: 'surge' } },
  };
}

const statusOf = (rows, figure) => {
  const row = rows.find((r) => r.figure.startsWith(figure));
  if (!row) throw new Error(`no row "${figure}"`);
  return row.status;
};

describe('bench report', () => {
  it('calls every target met at exactly its threshold', () => {
    const rows = buildRows(results());
    const judged = rows.filter((r) => r.target);
    expect(judged.map((r) => [r.figure.split(',')[0], r.status]).filter(([, s]) => s !== 'met')).toEqual([]);
    expect(judged).toHaveLength(12);
  });

  it.each([
    ['accepted reports/s at peak', 'intake.peak.acceptedPerSecond', 3_999],
    ['latency p50 / p99 at 70 % of peak', 'intake.at70.latencyMs.p99', 50.1],
    ['errors (non-202)', 'surge.load.errors', 1],
    ['lag p50 / p99 at 50 % of peak', 'intake.at50.lag.p99Seconds', 1.001],
    ['all triaged, seconds after the last 202', 'surge.triagedAfterLast202Seconds', 10.01],
    ['all triaged, seconds after the last 202', 'surge.triageDone', false],
    ['claim latency p50 / p99, paced', 'pacedReview.claimMs.p99', 50.5],
    ['decision latency p50 / p99, paced', 'pacedReview.decisionMs.p99', 50.5],
    ['cases handed to two people, paced', 'pacedReview.doubleAssignments', 1],
    ['sealing lag p99 / max at peak', 'audit.sealingLag.maxSeconds', 2.01],
    ['sealing lag p99 / max at peak', 'audit.sealingLag.allSealed', false],
    ['verify', 'audit.verify.verify.eventsPerSecond', 199_999],
    ['verify', 'audit.verify.verify.ok', false],
    ['API peak RSS', 'memory.peakRssMb.api', 250.5],
    ['worker peak RSS', 'memory.peakRssMb.worker', null],
  ])('calls "%s" NOT MET with %s = %p', (figure, path, value) => {
    const r = results();
    const keys = path.split('.');
    keys.slice(0, -1).reduce((object, key) => object[key], r)[keys.at(-1)] = value;
    const rows = buildRows(r);
    expect(statusOf(rows, figure)).toBe('NOT MET');
    expect(rows.filter((row) => row.status === 'NOT MET')).toHaveLength(1);
  });

  it('gives the intake ratio no verdict when pgbench was skipped, and says why', () => {
    const r = results();
    r.baselines.pgbench = { skipped: true, note: 'pgbench not found' };
    const rows = buildRows(r);
    expect(statusOf(rows, 'accepted reports/s at peak')).toBe('n/a');
    expect(rows.find((row) => row.scenario === 'baseline').value).toBe('skipped (pgbench not found)');
  });

  it('renders the rows as a Markdown table, one line per row', () => {
    const r = results();
    r.intake.at70.latencyMs.p99 = 80;
    const rows = buildRows(r);
    const lines = markdownTable(rows).trim().split('\n');
    expect(lines).toHaveLength(rows.length + 2);
    expect(lines.find((line) => line.includes('70 % of peak'))).toMatch(/\| p99 ≤ 50 ms \| \*?\*?NOT MET/);
  });
});

describe('bench stats', () => {
  it('takes percentiles by nearest rank', () => {
    const oneToHundred = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect([50, 99, 100].map((p) => percentile(oneToHundred, p))).toEqual([50, 99, 100]);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNull();
    expect(summarise([3, 1, 2])).toEqual({ count: 3, p50: 2, p90: 3, p99: 3, max: 3, mean: 2 });
    expect(summarise([]).p99).toBeNull();
  });
});
