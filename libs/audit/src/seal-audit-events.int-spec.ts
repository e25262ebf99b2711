import { randomUUID } from 'node:crypto';
import type { ActionContext } from './action-context';
import { AuditTestDatabase, AuditUseCases } from './testing/audit-test-database';

const ctx = (i: number): ActionContext => ({ actor: { id: `writer-${i}`, role: 'moderator' }, requestId: randomUUID() });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes `count` events in `transactions` transactions, each held open a random while (so commits interleave). */
async function writer(u: AuditUseCases, i: number, transactions: number, holdMs = 15): Promise<number> {
  let written = 0;
  for (let t = 0; t < transactions; t++) {
    const events = 1 + ((i + t) % 3);
    await u.db.transaction(async (manager) => {
      for (let e = 0; e < events; e++) {
        await u.audit.record(manager, ctx(i), {
          action: 'case.claimed',
          target: { type: 'case', id: `case-${i}-${t}` },
          data: { writer: i, transaction: t, event: e, note: 'ﺗﺠﺮﺑﺔ «quoted» \u2028' },
        });
        await sleep(Math.random() * holdMs);
      }
    });
    written += events;
  }
  return written;
}

async function sealedSeqs(database: AuditTestDatabase): Promise<number[]> {
  const rows = await database.sql<{ seq: string }>(`SELECT seq FROM audit_events WHERE seq IS NOT NULL ORDER BY seq`);
  return rows.map((r) => Number(r.seq));
}

const consecutive = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('SealAuditEvents (real PostgreSQL)', () => {
  let database: AuditTestDatabase;

  afterEach(() => database.drop());

  it('seals events from 20 concurrent writers into one consecutive chain that verifies', async () => {
    database = await AuditTestDatabase.create({ AUDIT_SEAL_BATCH_SIZE: '40', AUDIT_SEAL_SETTLE_MS: '5' });
    const u = await database.useCases(25);
    let writing = true;
    const sealing = (async () => {
      while (writing) {
        await u.seal.execute();
        await sleep(10);
      }
    })();
    const written = await Promise.all(Array.from({ length: 20 }, (_, i) => writer(u, i, 12)));
    writing = false;
    await sealing;
    await sleep(10);
    await u.seal.execute();

    const total = written.reduce((a, b) => a + b, 0);
    expect(await sealedSeqs(database)).toEqual(consecutive(total));
    const [{ unsealed }] = await database.sql(`SELECT count(*)::int AS unsealed FROM audit_events WHERE seq IS NULL`);
    expect(unsealed).toBe(0);
    const verification = await u.verify.execute();
    expect(verification).toMatchObject({ ok: true, checked: total, headSeq: total, firstInvalidSeq: null });
  });

  it('lets two sealers race without gaps or double sealing', async () => {
    database = await AuditTestDatabase.create({ AUDIT_SEAL_BATCH_SIZE: '25' });
    const [a, b] = [await database.useCases(10), await database.useCases(10)];
    let writing = true;
    const runs = { a: 0, b: 0, skipped: 0 };
    const race = (u: AuditUseCases, name: 'a' | 'b') =>
      (async () => {
        while (writing) {
          const outcome = await u.seal.execute();
          if (outcome.ran) runs[name]++;
          else runs.skipped++;
        }
      })();
    const sealers = [race(a, 'a'), race(b, 'b')];
    const written = await Promise.all(Array.from({ length: 10 }, (_, i) => writer(i % 2 ? a : b, i, 15, 3)));
    writing = false;
    await Promise.all(sealers);
    // Both finish the tail at once as well.
    await Promise.all([a.seal.execute(), b.seal.execute()]);

    const total = written.reduce((x, y) => x + y, 0);
    expect(await sealedSeqs(database)).toEqual(consecutive(total));
    const [{ distinct }] = await database.sql(`SELECT count(DISTINCT hash)::int AS distinct FROM audit_events`);
    expect(distinct).toBe(total);
    expect(runs.a + runs.b).toBeGreaterThan(0);
    expect(await a.verify.execute()).toMatchObject({ ok: true, checked: total, firstInvalidSeq: null });
  });

  it('seals an event committed late, with an earlier occurred_at, after the head instead of skipping it', async () => {
    database = await AuditTestDatabase.create({ AUDIT_SEAL_SETTLE_MS: '0' });
    const u = await database.useCases(5);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const late = u.db.transaction(async (manager) => {
      await u.audit.record(manager, ctx(1), { action: 'case.opened', target: { type: 'case', id: 'late' } });
      await held;
    });
    await sleep(20);
    await u.db.transaction((manager) =>
      u.audit.record(manager, ctx(2), { action: 'case.opened', target: { type: 'case', id: 'early' } }),
    );
    await sleep(5);
    expect(await u.seal.execute()).toMatchObject({ sealed: 1, headSeq: 1 });
    release();
    await late;
    expect(await u.seal.execute()).toMatchObject({ sealed: 1, headSeq: 2 });

    const rows = await database.sql(`SELECT seq::int, target_id, occurred_at FROM audit_events ORDER BY seq`);
    expect(rows.map((r) => [r.seq, r.target_id])).toEqual([
      [1, 'early'],
      [2, 'late'],
    ]);
    expect(rows[1].occurred_at.getTime()).toBeLessThan(rows[0].occurred_at.getTime());
    expect(await u.verify.execute()).toMatchObject({ ok: true, checked: 2 });
  });

  it('leaves events younger than the settle window for the next run', async () => {
    database = await AuditTestDatabase.create({ AUDIT_SEAL_SETTLE_MS: '400' });
    const u = await database.useCases(2);
    await u.db.transaction((manager) =>
      u.audit.record(manager, ctx(1), { action: 'case.opened', target: { type: 'case', id: 'young' } }),
    );
    expect(await u.seal.execute()).toMatchObject({ sealed: 0, headSeq: 0 });
    await sleep(450);
    expect(await u.seal.execute()).toMatchObject({ sealed: 1, headSeq: 1 });
  });
});
