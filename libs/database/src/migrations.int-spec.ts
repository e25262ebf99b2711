import { loadConfig } from '@vigil/config';
import { Client } from 'pg';
import type { QueryRunner } from 'typeorm';
import { dropDatabase, migrate, throwawayDatabaseUrl } from './migrate';
import { CaseAggregates1764000000008 } from './migrations/1764000000008-case-aggregates';

describe('migrations', () => {
  const databaseUrl = throwawayDatabaseUrl(loadConfig().databaseUrl, 'migrations');
  let client: Client;

  beforeAll(async () => {
    await migrate({ databaseUrl, databasePoolSize: 1 });
    client = new Client({ connectionString: databaseUrl });
    await client.connect();
  });
  afterAll(async () => {
    await client.end();
    await dropDatabase(databaseUrl);
  });

  it('creates the database when absent and is a no-op the second time', async () => {
    expect(await migrate({ databaseUrl, databasePoolSize: 1 })).toEqual([]);
  });

  async function insertEvent(): Promise<string> {
    const { rows } = await client.query(
      `INSERT INTO audit_events (actor_role, action, target_type, target_id) VALUES ('system', 'case.opened', 'case', 'x')
       RETURNING id`,
    );
    return rows[0].id;
  }

  it('refuses to update or delete an audit event, or truncate the table', async () => {
    const id = await insertEvent();
    await expect(client.query(`UPDATE audit_events SET action = 'case.claimed' WHERE id = $1`, [id])).rejects.toThrow(
      /append-only/,
    );
    await expect(client.query(`DELETE FROM audit_events WHERE id = $1`, [id])).rejects.toThrow(/append-only/);
    await expect(client.query(`TRUNCATE audit_events`)).rejects.toThrow(/append-only/);
  });

  it('lets an unsealed event be sealed once, and never again', async () => {
    const id = await insertEvent();
    await client.query(`UPDATE audit_events SET seq = 1, prev_hash = '0', hash = 'h1', sealed_at = now() WHERE id = $1`, [id]);
    await expect(
      client.query(`UPDATE audit_events SET seq = 2, hash = 'h2', sealed_at = now() WHERE id = $1`, [id]),
    ).rejects.toThrow(/append-only/);
  });

  /** A Telegram channel `name` with one open case. */
  async function openCase(name: string): Promise<{ channel: { id: string }; theCase: { id: string } }> {
    const [channel] = (
      await client.query(
        `INSERT INTO channels (platform, kind, canonical_key, url) VALUES ('telegram', 'channel', $1, $2) RETURNING id`,
        [`telegram:${name}`, `https://t.me/${name}`],
      )
    ).rows;
    const [theCase] = (
      await client.query(
        `INSERT INTO cases (channel_id, status, top_category, sla_due_at) VALUES ($1, 'open', 'propaganda', now()) RETURNING id`,
        [channel.id],
      )
    ).rows;
    return { channel, theCase };
  }

  it('gives existing cases the facts of their reports when triage starts keeping them on the case', async () => {
    const { channel, theCase } = await openCase('facts');
    const report = `INSERT INTO reports (id, channel_id, case_id, source, reporter_ref, reporter_pseudonym, channel_input, category,
        description, subscribers, removal_order, status, tracking_token_hash, triaged_at)
      VALUES (gen_random_uuid(), $1, $2, $3, $4, 'reporter#00000000', 'https://t.me/facts', $5, 'A report.', $6, $7, 'triaged', $4, now())`;
    await client.query(report, [channel.id, theCase.id, 'public', 'a', 'recruitment', 1200, false]);
    await client.query(report, [channel.id, theCase.id, 'referral_unit', 'b', 'propaganda', null, true]);
    const migration = new CaseAggregates1764000000008();
    const runner = { query: (sql: string) => client.query(sql) } as unknown as QueryRunner;
    await migration.down(runner);
    await migration.up(runner);
    const { rows } = await client.query(
      `SELECT categories, sources, max_subscribers, removal_order FROM cases WHERE id = $1`,
      [theCase.id],
    );
    expect(rows).toEqual([
      { categories: ['propaganda', 'recruitment'], sources: ['public', 'referral_unit'], max_subscribers: 1200, removal_order: true },
    ]);
  });

  it("reads a brigaded channel's waiting reports and a big case's first reports through their own indexes", async () => {
    const { channel, theCase } = await openCase('brigaded');
    // 5,000 reports already in the case and 20 still waiting: what triage and a moderator meet on a hot channel.
    await client.query(
      `INSERT INTO reports (id, channel_id, case_id, source, reporter_ref, reporter_pseudonym, channel_input, category,
         description, status, tracking_token_hash, received_at, triaged_at)
       SELECT gen_random_uuid(), $1, CASE WHEN g <= 5000 THEN $2::uuid END, 'public', 'r' || g, 'reporter#00000000',
         'https://t.me/brigaded', 'propaganda', 'A report.', CASE WHEN g <= 5000 THEN 'triaged' ELSE 'received' END,
         'h' || g, now() - make_interval(secs => 6000 - g), CASE WHEN g <= 5000 THEN now() END
       FROM generate_series(1, 5020) g`,
      [channel.id, theCase.id],
    );
    await client.query(`ANALYZE reports`);
    const plan = async (sql: string, params: unknown[]) =>
      (await client.query(`EXPLAIN ${sql}`, params)).rows.map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN']).join('\n');

    const waiting = await plan(
      `SELECT * FROM reports WHERE channel_id = $1 AND triaged_at IS NULL ORDER BY received_at, id LIMIT 500`,
      [channel.id],
    );
    expect(waiting).toContain('reports_waiting');
    const firstOfCase = await plan(`SELECT * FROM reports WHERE case_id = $1 ORDER BY received_at, id LIMIT 200`, [
      theCase.id,
    ]);
    expect(firstOfCase).toMatch(/Index Scan using reports_case_received/);
    expect(firstOfCase).not.toMatch(/Sort/);
  });

  it("reads a case's first reports by walking its index whatever the statistics say (case_first_reports)", async () => {
    // 3,000 reports of one case arrived since the last ANALYZE (the test above ran one).
    const { channel, theCase } = await openCase('fresh_brigade');
    await client.query(
      `INSERT INTO reports (id, channel_id, case_id, source, reporter_ref, reporter_pseudonym, channel_input, category,
         description, status, tracking_token_hash, received_at, triaged_at)
       SELECT gen_random_uuid(), $1, $2, 'public', 'f' || g, 'reporter#00000000', 'https://t.me/fresh_brigade',
         'propaganda', 'A report.', 'triaged', 'f' || g, now() - make_interval(secs => (g * 7919) % 3000), now()
       FROM generate_series(1, 3000) g`,
      [channel.id, theCase.id],
    );
    const expected = await client.query(
      `SELECT id FROM reports WHERE case_id = $1 ORDER BY received_at, id LIMIT 200`,
      [theCase.id],
    );
    // The function's own statement's plan, as auto_explain reports nested statements to this session.
    const session = new Client({ connectionString: databaseUrl });
    await session.connect();
    try {
      const plans: string[] = [];
      session.on('notice', (notice) => plans.push(notice.message ?? ''));
      await session.query(`LOAD 'auto_explain'`);
      await session.query(
        `SET auto_explain.log_min_duration = 0; SET auto_explain.log_nested_statements = on;
         SET auto_explain.log_level = notice`,
      );
      const { rows } = await session.query(`SELECT id FROM case_first_reports($1, 200)`, [theCase.id]);
      expect(rows).toEqual(expected.rows);
      // Its statement runs on its own (not inlined into the caller's, where the SET clauses would not hold) and walks
      // the index: nothing collected or sorted.
      const inner = plans.find((plan) => plan.includes('FROM reports WHERE case_id = wanted_case'));
      expect(inner).toMatch(/Index Scan using reports_case_received/);
      expect(inner).not.toMatch(/Sort|Bitmap/);
      const settings = await session.query(`SELECT proconfig FROM pg_proc WHERE proname = 'case_first_reports'`);
      expect(settings.rows).toEqual([{ proconfig: ['enable_sort=off', 'enable_bitmapscan=off'] }]);
    } finally {
      await session.end();
    }
  });

  it("rewrites a report in place when a decision's outcome reaches it, and keeps 'waiting' the same as 'not triaged'", async () => {
    const { channel, theCase } = await openCase('outcome_in_place');
    await client.query('BEGIN');
    try {
      // Filed (waiting, no case), triaged into the case, then decided: as intake, triage and the outcome job do.
      await client.query(
        `INSERT INTO reports (id, channel_id, source, reporter_ref, reporter_pseudonym, channel_input, category,
           description, tracking_token_hash)
         SELECT gen_random_uuid(), $1, 'public', 'r' || g, 'reporter#00000000', 'https://t.me/outcome_in_place',
           'propaganda', 'A report.', 'h' || g
         FROM generate_series(1, 5) g`,
        [channel.id],
      );
      await client.query(`UPDATE reports SET case_id = $2, status = 'triaged', triaged_at = now() WHERE channel_id = $1`, [
        channel.id,
        theCase.id,
      ]);
      const hot = async () =>
        Number((await client.query(`SELECT pg_stat_get_xact_tuples_hot_updated('reports'::regclass) AS n`)).rows[0].n);
      const before = await hot();
      await client.query(`UPDATE reports SET status = 'action_taken', decided_at = now() WHERE case_id = $1`, [theCase.id]);
      expect((await hot()) - before).toBe(5);
    } finally {
      await client.query('ROLLBACK');
    }
    const { rows } = await client.query(`SELECT reloptions FROM pg_class WHERE relname = 'reports'`);
    expect(rows[0].reloptions).toContain('fillfactor=80');
    // Waiting means not triaged yet: a row saying otherwise is refused.
    for (const [status, triagedAt] of [
      ['received', new Date()],
      ['triaged', null],
    ]) {
      await expect(
        client.query(
          `INSERT INTO reports (id, channel_id, case_id, status, triaged_at, source, reporter_ref, reporter_pseudonym,
             channel_input, category, description, tracking_token_hash)
           VALUES (gen_random_uuid(), $1, $2, $3, $4, 'public', 'x', 'reporter#00000000', 'x', 'propaganda', 'A report.', 'x')`,
          [channel.id, theCase.id, status, triagedAt],
        ),
      ).rejects.toThrow(/reports_waiting_untriaged/);
    }
  });

  it("indexes by seq, action, time and actor (actors') sealed events only, and a case's notices all", async () => {
    // What a surge writes: anonymous reports received and triaged by the system, and a few people's actions; the
    // first 15,000 sealed, the last 5,000 not yet.
    await client.query(
      `INSERT INTO audit_events
         (actor_id, actor_role, action, target_type, target_id, data, seq, prev_hash, hash, sealed_at)
       SELECT CASE WHEN g % 1000 = 0 THEN 'moderator-' || (g / 1000) END,
         CASE WHEN g % 1000 = 0 THEN 'moderator' ELSE 'system' END,
         CASE WHEN g % 1000 = 0 THEN 'enforcement.succeeded' ELSE 'report.triaged' END,
         CASE WHEN g % 1000 = 0 THEN 'enforcement' ELSE 'report' END,
         'target-' || g, jsonb_build_object('caseId', 'case-' || (g % 50)),
         sealed.seq, sealed.h, sealed.h, CASE WHEN sealed.seq IS NOT NULL THEN now() END
       FROM generate_series(1, 20000) g
       CROSS JOIN LATERAL (SELECT CASE WHEN g <= 15000 THEN 1000 + g END AS seq,
                                  CASE WHEN g <= 15000 THEN 'h' || g END AS h) sealed`,
    );
    await client.query(`ANALYZE audit_events`);
    const entries = async (index: string) =>
      Number((await client.query(`SELECT reltuples AS n FROM pg_class WHERE relname = $1`, [index])).rows[0].n);
    const count = async (where: string) =>
      Number((await client.query(`SELECT count(*)::int AS n FROM audit_events WHERE ${where}`)).rows[0].n);
    const sealed = await count('seq IS NOT NULL');
    expect(await count('seq IS NULL')).toBeGreaterThanOrEqual(5000);
    for (const index of ['audit_events_seq_unique', 'audit_events_action', 'audit_events_occurred_at']) {
      expect([index, await entries(index)]).toEqual([index, sealed]);
    }
    expect(await entries('audit_events_actor')).toBe(15);
    expect(await entries('audit_events_data_case')).toBe(20);
    await expect(
      client.query(
        `INSERT INTO audit_events (actor_role, action, target_type, target_id, seq)
         VALUES ('system', 'case.opened', 'case', 'x', 1001)`,
      ),
    ).rejects.toThrow(/audit_events_seq_unique/);

    const plan = async (sql: string, params: unknown[]) =>
      (await client.query(`EXPLAIN ${sql}`, params)).rows.map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN']).join('\n');
    // The shapes AuditQueries sends for the sealed part of the audit list, and a case's history; verify's lookup.
    expect(
      await plan(`SELECT id FROM audit_events e WHERE e.seq IS NOT NULL AND e.actor_id = $1 ORDER BY e.seq LIMIT 50`, [
        'moderator-3',
      ]),
    ).toMatch(/audit_events_actor/);
    expect(
      await plan(`SELECT id FROM audit_events e WHERE e.seq IS NOT NULL AND e.action = $1 ORDER BY e.seq LIMIT 50`, [
        'enforcement.succeeded',
      ]),
    ).toMatch(/audit_events_action/);
    expect(
      await plan(
        `SELECT id FROM audit_events e
         WHERE (e.target_type = $1 AND e.target_id = ANY($2::text[]))
            OR (e.target_type IN ('enforcement', 'notification', 'appeal') AND e.data ->> 'caseId' = $3)`,
        ['case', ['case-7'], 'case-7'],
      ),
    ).toMatch(/audit_events_data_case/);
    expect(await plan(`SELECT hash FROM audit_events WHERE seq = ANY($1::bigint[])`, [[1001, 1002]])).toMatch(
      /audit_events_seq_unique/,
    );
  });

  it('allows at most one unresolved case per channel', async () => {
    const { rows } = await client.query(
      `INSERT INTO channels (platform, kind, canonical_key, url) VALUES ('telegram', 'channel', 'telegram:x', 'https://t.me/x')
       RETURNING id`,
    );
    const open = `INSERT INTO cases (channel_id, status, top_category, sla_due_at) VALUES ($1, $2, 'other', now())`;
    await client.query(open, [rows[0].id, 'open']);
    await expect(client.query(open, [rows[0].id, 'escalated'])).rejects.toThrow(/cases_one_unresolved_per_channel/);
    await client.query(open, [rows[0].id, 'closed']);
  });
});
