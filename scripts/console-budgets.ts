// `npm run console:budgets`: the console's budgets from issue 23, measured (not asserted in tests):
// - the initial JavaScript and CSS the console's page loads, gzipped;
// - the queue with 5,000 open cases: time from navigation to the first rows shown and Claim next case enabled;
// - claim → decision in the browser: the time each step takes on the page minus the API calls it made (what the
//   console itself adds).
// It builds the console, starts a throwaway system (API, worker, Postgres database, BullMQ prefix) like the tests, and
// removes it. Needs Chromium at /usr/bin/chromium. Results go to standard output (docs/performance.md quotes them).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { ConsoleBrowser } from '../test/support/console-browser';
import { ADMIN_EMAIL, ADMIN_PASSWORD, reportBody, TestSystem, waitFor } from '../test/support/test-system';

const CASES = Number(process.argv[2] ?? 5000);
const DECISIONS = 10;
const root = path.resolve(__dirname, '..');
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
const round = (value: number) => Math.round(value * 10) / 10;

function initialAssetsGzipped(): { file: string; gzipBytes: number }[] {
  const dist = path.join(root, 'dist/console');
  const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
  return [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map(([, file]) => ({
    file,
    gzipBytes: gzipSync(readFileSync(path.join(dist, file)), { level: 9 }).length,
  }));
}

/** Sum of the durations of the page's API calls matching `pattern` since `since` (performance.now() of the page). */
async function apiTime(page: Page, pattern: RegExp, since: number): Promise<number> {
  const entries = (await page.evaluate(
    `performance.getEntriesByType('resource').filter((e) => e.startTime >= ${since}).map((e) => [e.name, e.duration])`,
  )) as [string, number][];
  return entries.filter(([name]) => pattern.test(new URL(name).pathname)).reduce((sum, [, d]) => sum + d, 0);
}

/**
 * Runs `act` (a click) and returns the page's own clock at that click and at the DOM mutation that shows `selector`
 * (containing `text`): measured inside the page, so the test driver's round trips are not counted.
 */
async function timedInPage(
  page: Page,
  selector: string,
  text: string,
  act: () => Promise<void>,
): Promise<[number, number]> {
  await page.evaluate(`window.__budget = new Promise((resolve) => {
    let start = null;
    document.addEventListener('click', () => { start ??= performance.now(); }, { capture: true, once: true });
    const observer = new MutationObserver(() => {
      const element = document.querySelector(${JSON.stringify(selector)});
      if (start !== null && element && element.textContent.includes(${JSON.stringify(text)})) {
        observer.disconnect();
        resolve([start, performance.now()]);
      }
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
  }); true`); // not the promise itself, which evaluate would wait for
  await act();
  return (await page.evaluate('window.__budget')) as [number, number];
}

async function seed(system: TestSystem): Promise<string[]> {
  let next = 0;
  const file = async () => {
    while (next < CASES) {
      const i = next++;
      const answer = await system.request('POST', '/v1/reports', {
        body: reportBody({ channel: `https://t.me/budget_${i}` }),
      });
      if (answer.status !== 202) throw new Error(`report refused: ${answer.status} ${answer.text}`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, file));
  await waitFor(
    async () => Number((await system.sql(`SELECT count(*) AS n FROM cases WHERE status = 'open'`))[0].n) >= CASES,
    { timeoutMs: 600_000, intervalMs: 500, what: `${CASES} open cases` },
  );
  return (await system.sql(`SELECT id FROM cases ORDER BY priority DESC LIMIT ${DECISIONS}`)).map((row) => row.id);
}

let stopping: (() => Promise<void>) | null = null;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void (stopping ?? (async () => undefined))().finally(() => process.exit(130)));
}

void (async () => {
  if (spawnSync('npm', ['run', '-s', 'build:console'], { cwd: root, stdio: 'inherit' }).status !== 0) process.exit(1);
  const assets = initialAssetsGzipped();
  const system = await TestSystem.create();
  const browser = await ConsoleBrowser.launch();
  // Ctrl-C leaves no database, queue keys or browser behind.
  stopping = async () => {
    await browser.close();
    await system.stop();
  };
  try {
    await system.startApi();
    await system.startWorker();
    const seeded = Date.now();
    const caseIds = await seed(system);
    console.log(`seeded ${CASES} open cases in ${round((Date.now() - seeded) / 1000)} s`);

    const context = await browser.context(system.baseUrl);
    const page = await context.newPage();
    await page.goto('/login');
    await page.getByLabel('Email').fill(ADMIN_EMAIL);
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Queue' }).waitFor();

    const queueLoads: number[] = [];
    const queueApi: number[] = [];
    for (let i = 0; i < 5; i++) {
      await page.goto('/');
      await page.getByRole('row').nth(100).waitFor();
      await page.getByRole('button', { name: 'Claim next case' }).isEnabled();
      queueLoads.push((await page.evaluate('performance.now()')) as number);
      queueApi.push(await apiTime(page, /^\/v1\/cases$/, 0));
    }

    const claimOverhead: number[] = [];
    const decisionOverhead: number[] = [];
    for (const id of caseIds) {
      await page.goto(`/cases/${id}`);
      await page.getByRole('button', { name: 'Claim', exact: true }).waitFor();
      const claim = page.getByRole('button', { name: 'Claim', exact: true });
      const [claimStart, claimEnd] = await timedInPage(page, 'form.decision', '', () => claim.click());
      claimOverhead.push(claimEnd - claimStart - (await apiTime(page, /\/claim$/, claimStart)));

      await page.getByLabel('Policy').fill('TVEC-1');
      await page
        .getByLabel('Statement of reasons')
        .fill('The channel republishes official statements of a designated group.');
      const record = page.getByRole('button', { name: 'Record decision' });
      const [start, end] = await timedInPage(page, 'dd.status', 'decided', () => record.click());
      // The decision, then the case read again to show it decided: the two calls run one after the other.
      decisionOverhead.push(end - start - (await apiTime(page, /\/v1\/cases\/[^/]+(\/decisions)?$/, start)));
    }
    await context.close();

    console.log('\nconsole budgets');
    for (const asset of assets) console.log(`  initial ${asset.file}: ${round(asset.gzipBytes / 1024)} KB gzipped`);
    console.log(
      `  initial total: ${round(assets.reduce((s, a) => s + a.gzipBytes, 0) / 1024)} KB gzipped (budget 200)`,
    );
    console.log(
      `  queue with ${CASES} open cases, navigation → 100 rows shown: ${queueLoads.map(Math.round).join(', ')} ms` +
        ` (median ${Math.round(median(queueLoads))}; budget 1000), of which GET /v1/cases` +
        ` ${queueApi.map(Math.round).join(', ')} ms`,
    );
    console.log(
      `  claim: page time minus API time, median ${round(median(claimOverhead))} ms` +
        ` (max ${round(Math.max(...claimOverhead))}; n=${claimOverhead.length})`,
    );
    console.log(
      `  decision: page time minus API time, median ${round(median(decisionOverhead))} ms` +
        ` (max ${round(Math.max(...decisionOverhead))}; budget for both steps together 100)`,
    );
  } finally {
    await browser.close();
    await system.stop();
  }
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
