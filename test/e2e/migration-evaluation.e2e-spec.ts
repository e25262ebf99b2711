// The migration search against a labelled set (test/fixtures/migrations.json): channels taken down through the API,
// then channels reported afterwards, triaged by the worker. Recall on the true migrations and the share of wrong
// suggestions are what a moderator lives with: a missed successor is a group back at work, a wrong one is noise in
// every case it touches.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { reportBody, TestSystem, waitFor } from '../support/test-system';

interface Pair {
  id: string;
  label: 'migration' | 'unrelated';
  signal: string;
  /** The report that brings in the channel taken down, and the report of the channel that may succeed it. */
  actioned: Record<string, unknown>;
  reported: Record<string, unknown>;
  /** False: the first channel is never taken down. */
  takenDown?: boolean;
  /** Its takedown dated this many days back. */
  takenDownDaysAgo?: number;
}

const { pairs } = JSON.parse(readFileSync(join(__dirname, '../fixtures/migrations.json'), 'utf8')) as { pairs: Pair[] };

describe('migration search on the labelled evaluation set (API and worker)', () => {
  let system: TestSystem;
  let senior: { token: string };

  beforeAll(async () => {
    system = await TestSystem.create({ MIGRATION_WINDOW_DAYS: '90' });
    await system.startApi();
    await system.startWorker();
    senior = await system.staff(['senior_moderator']);
  });
  afterAll(() => system.stop());

  /** Files each report, ten at a time, and waits until all are triaged; the channel id of each. */
  async function fileAll(bodies: Record<string, unknown>[]): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < bodies.length; i += 10) {
      const slice = await Promise.all(
        bodies.slice(i, i + 10).map(async (body) => {
          const response = await system.request('POST', '/v1/reports', { body: reportBody(body) });
          if (response.status !== 202) throw new Error(`${JSON.stringify(body)}: ${response.status} ${response.text}`);
          return response.body.id as string;
        }),
      );
      ids.push(...slice);
    }
    await waitFor(
      async () => (await system.sql(`SELECT 1 FROM reports WHERE id = ANY($1) AND case_id IS NULL`, [ids])).length === 0,
      { what: 'every report to be triaged', timeoutMs: 60_000 },
    );
    const rows: { id: string; channel_id: string }[] = await system.sql(
      `SELECT id, channel_id FROM reports WHERE id = ANY($1)`,
      [ids],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id)!.channel_id);
  }

  it('suggests at least 95 % of the true migrations, and at most 2 % of its suggestions are wrong', async () => {
    expect(pairs.length).toBeGreaterThanOrEqual(150);
    const oldChannels = await fileAll(pairs.map((p) => p.actioned));
    const toTakeDown = pairs.map((p, i) => (p.takenDown === false ? null : oldChannels[i])).filter(Boolean);
    const cases: { id: string }[] = await system.sql(
      `SELECT id FROM cases WHERE channel_id = ANY($1) AND status = 'open'`,
      [toTakeDown],
    );
    const bulk = await system.request('POST', '/v1/cases/bulk-decisions', {
      token: senior.token,
      body: {
        caseIds: cases.map((c) => c.id),
        action: 'takedown',
        policy: 'TVEC-1',
        reason: 'Official propaganda outlet of a designated terrorist organisation.',
      },
    });
    expect(bulk.status).toBe(200);
    expect(bulk.body.results.every((r: { result: string }) => r.result === 'decided')).toBe(true);
    // Takedowns from before the window, as if decided months ago.
    for (const [i, pair] of pairs.entries()) {
      if (!pair.takenDownDaysAgo) continue;
      await system.sql(`UPDATE channels SET actioned_at = now() - $2 * interval '1 day' WHERE id = $1`, [
        oldChannels[i],
        pair.takenDownDaysAgo,
      ]);
    }

    const newChannels = await fileAll(pairs.map((p) => p.reported));
    const links: { from_channel_id: string; to_channel_id: string }[] = await system.sql(
      `SELECT from_channel_id, to_channel_id FROM channel_links WHERE kind = 'suspected_migration'`,
    );
    const suggested = new Set(links.map((l) => `${l.from_channel_id}>${l.to_channel_id}`));
    const linked = pairs.map((_, i) => suggested.has(`${newChannels[i]}>${oldChannels[i]}`));
    const positives = new Set(
      pairs.flatMap((p, i) => (p.label === 'migration' ? [`${newChannels[i]}>${oldChannels[i]}`] : [])),
    );

    // The confusion table, by signal, printed for the record (docs/performance.md keeps the latest).
    const rows = new Map<string, { label: string; pairs: number; suggested: number }>();
    pairs.forEach((p, i) => {
      const row = rows.get(p.signal) ?? { label: p.label, pairs: 0, suggested: 0 };
      row.pairs += 1;
      row.suggested += linked[i] ? 1 : 0;
      rows.set(p.signal, row);
    });
    const truePositives = pairs.filter((p, i) => p.label === 'migration' && linked[i]).length;
    const migrations = pairs.filter((p) => p.label === 'migration').length;
    const wrong = [...suggested].filter((pair) => !positives.has(pair)).length;
    const table = [
      'signal              label      pairs  suggested',
      ...[...rows].map(
        ([signal, r]) =>
          `${signal.padEnd(19)} ${r.label.padEnd(10)} ${String(r.pairs).padStart(5)}  ${String(r.suggested).padStart(9)}`,
      ),
      `true migrations suggested ${truePositives}/${migrations} (recall ${(truePositives / migrations).toFixed(3)}); ` +
        `suggestions ${suggested.size}, wrong ${wrong} (${((wrong / Math.max(1, suggested.size)) * 100).toFixed(1)} %)`,
    ].join('\n');
    console.log(`Migration evaluation set (${pairs.length} pairs)\n${table}`);

    const missed = pairs.filter((p, i) => p.label === 'migration' && !linked[i]).map((p) => p.id);
    expect({ recall: truePositives / migrations >= 0.95, missed }).toEqual({ recall: true, missed: expect.any(Array) });
    expect(wrong / Math.max(1, suggested.size)).toBeLessThanOrEqual(0.02);
  });
});
