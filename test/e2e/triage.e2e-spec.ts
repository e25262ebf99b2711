import { DataSource } from 'typeorm';
import { reportBody, TestSystem, waitFor } from '../support/test-system';

describe('triage into cases and the review list (worker running)', () => {
  let system: TestSystem;
  let moderator: string;

  beforeAll(async () => {
    system = await TestSystem.create();
    await system.startApi();
    await system.startWorker();
    moderator = (await system.staff(['moderator'])).token;
  });
  afterAll(() => system.stop());

  async function submit(overrides: Record<string, unknown>, headers: Record<string, string> = {}) {
    const response = await system.request('POST', '/v1/reports', { body: reportBody(overrides), headers });
    expect(response.status).toBe(202);
    return response.body as { id: string; channel: { key: string } };
  }

  const triaged = (reportId: string) =>
    waitFor(
      async () => {
        const [row] = await system.sql(`SELECT case_id FROM reports WHERE id = $1 AND status = 'triaged'`, [reportId]);
        return row?.case_id as string | undefined;
      },
      { what: `report ${reportId} to be triaged` },
    );

  it('triages an accepted report into an open case with an explained priority and an SLA deadline', async () => {
    const report = await submit({
      channel: 'https://t.me/triage_probe_one',
      category: 'attack_claim',
      organization: 'Islamic State',
      subscribers: 25_000,
    });
    const caseId = await triaged(report.id);
    const detail = await system.request('GET', `/v1/cases/${caseId}`, { token: moderator });
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      id: caseId,
      status: 'open',
      reportCount: 1,
      distinctReporters: 1,
      topCategory: 'attack_claim',
      assigneeId: null,
      channel: { platform: 'telegram', key: 'telegram:triage_probe_one', status: 'active' },
      linkedChannels: [],
      decisions: [],
    });
    const factors = detail.body.priorityBreakdown.map((f: { factor: string }) => f.factor);
    expect(factors).toEqual(expect.arrayContaining(['category', 'source', 'designated_organisation', 'reach']));
    const sum = detail.body.priorityBreakdown.reduce((total: number, f: { points: number }) => total + f.points, 0);
    expect(sum).toBe(detail.body.priority);
    // A public report: 72 hours from intake.
    const receivedAt = Date.parse(detail.body.reports[0].receivedAt);
    expect(Date.parse(detail.body.slaDueAt) - receivedAt).toBe(72 * 3600 * 1000);
    expect(detail.body.reports[0].reporter).toMatch(/^reporter#[0-9a-f]{8}$/);
    expect(JSON.stringify(detail.body)).not.toContain('reporterContact');
    expect(detail.body.history.map((e: { action: string }) => e.action)).toEqual([
      'report.received',
      'case.opened',
      'report.triaged',
    ]);
  });

  it('folds three link forms of one channel into one case with reportCount 3', async () => {
    const forms = [
      'https://t.me/Fold_Probe',
      'https://telegram.me/s/fold_probe/',
      'tg://resolve?domain=fold_probe&post=17',
    ];
    const reports = [];
    for (const channel of forms) reports.push(await submit({ channel }));
    const caseIds = await Promise.all(reports.map((r) => triaged(r.id)));
    expect(new Set(caseIds).size).toBe(1);
    const list = await system.request('GET', `/v1/cases?channel=${encodeURIComponent('@fold_probe')}`, {
      token: moderator,
    });
    expect(list.status).toBe(400); // a bare handle without a platform cannot name a channel
    const byLink = await system.request('GET', `/v1/cases?channel=${encodeURIComponent('https://t.me/fold_probe/3')}`, {
      token: moderator,
    });
    expect(byLink.body.items).toHaveLength(1);
    expect(byLink.body.items[0]).toMatchObject({ id: caseIds[0], reportCount: 3, distinctReporters: 1 });
    const byKey = await system.request('GET', `/v1/cases?channel=telegram:fold_probe`, { token: moderator });
    expect(byKey.body.items.map((c: { id: string }) => c.id)).toEqual([caseIds[0]]);
  });

  it('counts distinct reporters by contact and raises the priority with them', async () => {
    const first = await submit({ channel: 'https://t.me/crowd_probe', reporterContact: 'one@example.org' });
    const caseId = await triaged(first.id);
    const [before] = await system.sql(`SELECT priority FROM cases WHERE id = $1`, [caseId]);
    const more = [];
    for (const contact of ['two@example.org', 'three@example.org', 'ONE@example.org']) {
      more.push(await submit({ channel: 'https://t.me/crowd_probe', reporterContact: contact }));
    }
    await Promise.all(more.map((r) => triaged(r.id)));
    const [after] = await system.sql(`SELECT priority, report_count, distinct_reporters FROM cases WHERE id = $1`, [caseId]);
    expect(after).toMatchObject({ report_count: 4, distinct_reporters: 3 });
    expect(after.priority).toBeGreaterThan(before.priority);
  });

  it('keeps one case per channel when many reports on it are triaged at once', async () => {
    const reports = await Promise.all(
      Array.from({ length: 20 }, (_, i) => submit({ channel: `https://t.me/surge_probe/${i + 1}`, reporterContact: `r${i}@example.org` })),
    );
    const caseIds = await Promise.all(reports.map((r) => triaged(r.id)));
    expect(new Set(caseIds).size).toBe(1);
    const [row] = await system.sql(`SELECT report_count, distinct_reporters FROM cases WHERE id = $1`, [caseIds[0]]);
    expect(row).toEqual({ report_count: 20, distinct_reporters: 20 });
  });

  it('attaches the reports waiting on one channel in one transaction, each with its own report.triaged event', async () => {
    await system.stopWorker();
    const reports = [];
    for (let i = 0; i < 30; i++) {
      reports.push(await submit({ channel: `https://t.me/backlog_probe/${i + 1}`, reporterContact: `b${i}@example.org` }));
    }
    await system.startWorker();
    const caseIds = await Promise.all(reports.map((r) => triaged(r.id)));
    expect(new Set(caseIds).size).toBe(1);
    const [row] = await system.sql(`SELECT report_count, distinct_reporters, version FROM cases WHERE id = $1`, [caseIds[0]]);
    expect(row).toMatchObject({ report_count: 30, distinct_reporters: 30 });
    // Each triage transaction re-scores the case once (version + 1): far fewer than one per report.
    expect(row.version).toBeLessThanOrEqual(1 + 10);
    const events = await system.sql(
      `SELECT target_id FROM audit_events WHERE action = 'report.triaged' AND target_id = ANY($1)`,
      [reports.map((r) => r.id)],
    );
    expect(events.map((e: { target_id: string }) => e.target_id).sort()).toEqual(reports.map((r) => r.id).sort());
  });

  it('triages a job\'s own report first, then goes on until its channel has nothing waiting', async () => {
    // With more than 500 reports waiting, a job whose report is not among the oldest 500 (a retry, a re-enqueued
    // job) must still triage its own report in the first batch; and since intake gives one job to all the reports of
    // a channel it commits together, the job must not stop after a full batch.
    await system.stopWorker();
    const reports = await Promise.all(
      Array.from({ length: 502 }, (_, i) => submit({ channel: `https://t.me/two_batches_probe/${i + 1}` })),
    );
    const ids = reports.map((r) => r.id);
    const [newest, ...byAge] = await system.sql(
      `SELECT id FROM reports WHERE id = ANY($1) ORDER BY received_at DESC, id DESC`,
      [ids],
    );
    const outcome = await system.triageNow(newest.id);
    expect(outcome).toMatchObject({ outcome: 'triaged', caseOpened: true, reports: 502 });
    // Two transactions: the job's own report and the 499 oldest, then the two newest others.
    const secondBatch = byAge.slice(0, 2).map((r: { id: string }) => r.id);
    const rows = await system.sql(`SELECT id, status, case_id, xmin::text AS tx FROM reports WHERE id = ANY($1)`, [ids]);
    expect(rows.every((r: { status: string }) => r.status === 'triaged')).toBe(true);
    expect(new Set(rows.map((r: { case_id: string }) => r.case_id))).toEqual(new Set([(outcome as { caseId: string }).caseId]));
    const txOf = new Map(rows.map((r: { id: string; tx: string }) => [r.id, r.tx]));
    expect(new Set(rows.map((r: { tx: string }) => r.tx)).size).toBe(2);
    expect(txOf.get(secondBatch[0])).toBe(txOf.get(secondBatch[1]));
    expect(txOf.get(secondBatch[0])).not.toBe(txOf.get(newest.id));
    // Its job, run again, changes nothing.
    expect(await system.triageNow(newest.id)).toEqual({
      outcome: 'already-triaged',
      caseId: (outcome as { caseId: string }).caseId,
    });
    await system.startWorker();
  });

  it("triages what waits on its channel when its own report was triaged already (one waiting job per channel)", async () => {
    // Intake adds no job for a report whose channel already has one waiting: that job must take the report, even
    // when its own report was triaged since (by a batch of another job, or an earlier run of this one).
    await system.stopWorker();
    const first = await submit({ channel: 'https://t.me/one_job_probe' });
    const own = await system.triageNow(first.id);
    expect(own).toMatchObject({ outcome: 'triaged', caseOpened: true, reports: 1 });
    await laterReportsTakenByRerun('https://t.me/one_job_probe', first.id, (own as { caseId: string }).caseId);
    await system.startWorker();
  });

  /** Two more reports on the channel of `firstId`'s (triaged) report, then its job run again: it takes them. */
  async function laterReportsTakenByRerun(channel: string, firstId: string, caseId: string, channelId?: string) {
    const later = [await submit({ channel: `${channel}/2` }), await submit({ channel: `${channel}/3` })];
    expect(await system.triageNow(firstId, channelId)).toEqual({ outcome: 'already-triaged', caseId });
    const rows = await system.sql(`SELECT status, case_id FROM reports WHERE id = ANY($1)`, [later.map((r) => r.id)]);
    expect(rows).toEqual([
      { status: 'triaged', case_id: caseId },
      { status: 'triaged', case_id: caseId },
    ]);
    const [theCase] = await system.sql(`SELECT report_count FROM cases WHERE id = $1`, [caseId]);
    expect(theCase.report_count).toBe(3);
    // One transaction, the oldest first: its events are recorded in the order the reports arrived.
    const events = await system.sql(
      `SELECT target_id FROM audit_events WHERE action = 'report.triaged' AND target_id = ANY($1)
       ORDER BY occurred_at, id`,
      [later.map((r) => r.id)],
    );
    expect(events.map((e: { target_id: string }) => e.target_id)).toEqual(later.map((r) => r.id));
  }

  it('triages a job that carries its channel the same way, without reading the report first', async () => {
    await system.stopWorker();
    const first = await submit({ channel: 'https://t.me/job_with_channel' });
    const channelId = await system.channelOf(first.id);
    const own = await system.triageNow(first.id, channelId);
    expect(own).toMatchObject({ outcome: 'triaged', caseOpened: true, reports: 1 });
    const caseId = (own as { caseId: string }).caseId;
    // Run again: nothing waits, nothing is written.
    const [{ n: eventsBefore }] = await system.sql(`SELECT count(*)::int AS n FROM audit_events`);
    expect(await system.triageNow(first.id, channelId)).toEqual({ outcome: 'already-triaged', caseId });
    // Its own report triaged already, later ones of its channel waiting: the job takes them.
    await laterReportsTakenByRerun('https://t.me/job_with_channel', first.id, caseId, channelId);
    // Two report.received and two report.triaged events since the rerun, which wrote none.
    const [{ n: eventsAfter }] = await system.sql(`SELECT count(*)::int AS n FROM audit_events`);
    expect(eventsAfter - eventsBefore).toBe(4);
    // A job whose report does not exist changes nothing.
    expect(await system.triageNow('00000000-0000-4000-8000-000000000000', channelId)).toEqual({ outcome: 'missing' });
    const [{ n: eventsEnd }] = await system.sql(`SELECT count(*)::int AS n FROM audit_events`);
    expect(eventsEnd).toBe(eventsAfter);
    await system.startWorker();
  });

  it("commits triage without waiting for the WAL flush, and leaves the connection's later commits synchronous", async () => {
    await system.stopWorker();
    // A deferred constraint trigger runs at COMMIT, inside the committing transaction: it records the commit mode
    // of every transaction that wrote a report.
    await system.sql(`CREATE TABLE commit_modes (report_id uuid, op text, mode text)`);
    await system.sql(`CREATE FUNCTION record_commit_mode() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO commit_modes VALUES (NEW.id, TG_OP, current_setting('synchronous_commit'));
        RETURN NULL;
      END $$`);
    await system.sql(`CREATE CONSTRAINT TRIGGER record_commit_mode AFTER INSERT OR UPDATE ON reports
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION record_commit_mode()`);
    try {
      const report = await submit({ channel: 'https://t.me/commit_mode_probe' });
      const outcome = await system.triageNow(report.id, await system.channelOf(report.id));
      expect(outcome).toMatchObject({ outcome: 'triaged', reports: 1 });
      // Intake's commit waits for the flush (a 202 means committed); triage's does not.
      expect(await system.sql(`SELECT op, mode FROM commit_modes WHERE report_id = $1 ORDER BY op`, [report.id])).toEqual([
        { op: 'INSERT', mode: 'on' },
        { op: 'UPDATE', mode: 'off' },
      ]);
      // The setting was the transaction's alone: every connection of the pool triage ran on commits synchronously.
      const db = system.api!.get(DataSource, { strict: false });
      const pool = (db.driver as unknown as { master: { totalCount: number } }).master;
      const runners = await Promise.all(
        Array.from({ length: pool.totalCount }, async () => {
          const runner = db.createQueryRunner();
          await runner.connect();
          return runner;
        }),
      );
      try {
        const modes = await Promise.all(runners.map((r) => r.query(`SHOW synchronous_commit`)));
        expect(modes.map(([row]) => row.synchronous_commit)).toEqual(runners.map(() => 'on'));
      } finally {
        await Promise.all(runners.map((r) => r.release()));
      }
    } finally {
      await system.sql(`DROP TRIGGER record_commit_mode ON reports`);
      await system.sql(`DROP FUNCTION record_commit_mode()`);
      await system.sql(`DROP TABLE commit_modes`);
      await system.startWorker();
    }
  });

  it('gives the worker one database connection per triage job on top of DATABASE_POOL_SIZE', () => {
    // Every triage job may be in a statement at once (a write waits while a decision holds its case): those must not
    // starve the sealer.
    const options = system.worker!.get(DataSource, { strict: false }).options as { poolSize?: number; extra?: { max?: number } };
    const expected = system.config.databasePoolSize + system.config.triageConcurrency;
    expect(options.extra?.max).toBe(expected);
    expect(options.poolSize).toBe(expected);
  });

  it('shows the first 200 reports of a case with more, and counts them all', async () => {
    const reports = await Promise.all(
      Array.from({ length: 205 }, (_, i) => submit({ channel: `https://t.me/brigaded_probe/${i + 1}`, reporterContact: `c${i}@example.org` })),
    );
    const caseId = await triaged(reports[0].id);
    await Promise.all(reports.map((r) => triaged(r.id)));
    const detail = await system.request('GET', `/v1/cases/${caseId}`, { token: moderator });
    expect(detail.status).toBe(200);
    expect(detail.body.reportCount).toBe(205);
    expect(detail.body.reports).toHaveLength(200);
    // The first 200 to arrive, in arrival order.
    const first = await system.sql(`SELECT id FROM reports WHERE case_id = $1 ORDER BY received_at, id LIMIT 200`, [
      caseId,
    ]);
    expect(detail.body.reports.map((r: { id: string }) => r.id)).toEqual(first.map((r) => r.id));
    const shown = new Set(detail.body.reports.map((r: { id: string }) => r.id));
    const reportEvents = detail.body.history.filter((e: { target: { type: string } }) => e.target.type === 'report');
    // The history holds the received and triaged events of exactly the reports shown.
    expect(new Set(reportEvents.map((e: { target: { id: string } }) => e.target.id))).toEqual(shown);
    expect(reportEvents).toHaveLength(400);
  });

  it('detects the language at triage when none is given and keeps the one given', async () => {
    const detected = await system.request('POST', '/v1/reports', {
      body: reportBody({ channel: '@lang_probe_one', platform: 'telegram', description: 'هذه القناة تنشر بيانات تنظيم الدولة وتدعو إلى القتال' }),
    });
    const given = await system.request('POST', '/v1/reports', {
      body: reportBody({ channel: '@lang_probe_two', platform: 'telegram', language: 'fr' }),
    });
    const rows = await waitFor(async () => {
      const found = await system.sql(
        `SELECT id, language, language_detected FROM reports WHERE id IN ($1, $2) AND status = 'triaged'`,
        [detected.body.id, given.body.id],
      );
      return found.length === 2 ? found : null;
    }, { what: 'both reports to be triaged' });
    expect(rows.find((r) => r.id === detected.body.id)).toMatchObject({ language: 'ar', language_detected: true });
    expect(rows.find((r) => r.id === given.body.id)).toMatchObject({ language: 'fr', language_detected: false });
  });

  it('uses the strictest SLA of the reports in a case (threat to life: one hour)', async () => {
    const report = await submit({ channel: 'https://t.me/sla_probe', category: 'threat_to_life' });
    const caseId = await triaged(report.id);
    const detail = await system.request('GET', `/v1/cases/${caseId}`, { token: moderator });
    expect(Date.parse(detail.body.slaDueAt) - Date.parse(detail.body.reports[0].receivedAt)).toBe(3600 * 1000);
  });

  it('lists cases highest priority first, filters them, and pages with a cursor', async () => {
    const all = await system.request('GET', '/v1/cases?limit=200', { token: moderator });
    expect(all.status).toBe(200);
    const priorities = all.body.items.map((c: { priority: number }) => c.priority);
    expect(priorities).toEqual([...priorities].sort((a, b) => b - a));

    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await system.request(
        'GET',
        `/v1/cases?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { token: moderator },
      );
      pages.push(...page.body.items.map((c) => c.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(pages).toEqual(all.body.items.map((c: { id: string }) => c.id));

    const threats = await system.request('GET', '/v1/cases?category=threat_to_life', { token: moderator });
    expect(threats.body.items.length).toBeGreaterThan(0);
    expect(threats.body.items.every((c: { topCategory: string }) => c.topCategory === 'threat_to_life')).toBe(true);
    const high = await system.request('GET', '/v1/cases?minPriority=55', { token: moderator });
    expect(high.body.items.every((c: { priority: number }) => c.priority >= 55)).toBe(true);
    const closed = await system.request('GET', '/v1/cases?status=closed', { token: moderator });
    expect(closed.body.items).toEqual([]);
  });

  it.each([
    ['a bad cursor', '/v1/cases?cursor=not-a-cursor'],
    ['a limit of 0', '/v1/cases?limit=0'],
    ['a limit over 200', '/v1/cases?limit=201'],
    ['an unknown status', '/v1/cases?status=pending'],
    ['a non-numeric minPriority', '/v1/cases?minPriority=high'],
    ['an unknown query parameter', '/v1/cases?sort=asc'],
  ])('rejects %s with 400', async (_, path) => {
    const response = await system.request('GET', path, { token: moderator });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
  });

  it('answers 404 for an unknown or malformed case id', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const response = await system.request('GET', `/v1/cases/${id}`, { token: moderator });
      expect(response.status).toBe(404);
    }
  });

  it('shows the reporter their report as in review once triaged', async () => {
    const response = await system.request('POST', '/v1/reports', { body: reportBody({ channel: 'https://t.me/status_triaged' }) });
    await triaged(response.body.id);
    const status = await system.request('GET', `/v1/reports/${response.body.id}`, {
      headers: { 'x-tracking-token': response.body.trackingToken },
    });
    expect(status.body.status).toBe('in_review');
  });
});
