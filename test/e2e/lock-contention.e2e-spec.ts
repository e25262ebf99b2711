import { TriageOutcome, TriageReport } from '@vigil/moderation';
import { DataSource, QueryRunner } from 'typeorm';
import { reportBody, TestSystem } from '../support/test-system';

// In a surge the hottest channel is being triaged nearly all the time, and moderators decide its case meanwhile:
// intake on it must not wait for triage, and triage and decisions on it must neither deadlock nor lose a report.
describe('contention between intake, triage and decisions on one channel', () => {
  let system: TestSystem;
  let moderator: string;

  beforeAll(async () => {
    system = await TestSystem.create();
    await system.startApi(); // no worker: triage runs here, when the test says
    moderator = (await system.staff(['moderator'])).token;
  });
  afterAll(() => system.stop());

  const pause = (ms: number) => new Promise<'waiting'>((resolve) => setTimeout(() => resolve('waiting'), ms).unref());
  const submit = async (channel: string) => {
    const response = await system.request('POST', '/v1/reports', { body: reportBody({ channel }) });
    expect(response.status).toBe(202);
    return response.body.id as string;
  };
  const lockWaiters = async () =>
    (
      await system.sql(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      )
    )[0].n as number;

  /** Another session's transaction holding `sql`'s row locks until `release`. */
  async function holding(sql: string, params: unknown[]): Promise<{ release: () => Promise<void> }> {
    const runner: QueryRunner = system.api!.get(DataSource, { strict: false }).createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    await runner.query(sql, params);
    return {
      release: async () => {
        await runner.rollbackTransaction();
        await runner.release();
      },
    };
  }

  /** A channel with a triaged, claimed case and one more report waiting. */
  async function claimedCaseWithWaitingReport(channel: string) {
    const first = await submit(channel);
    const channelId = await system.channelOf(first);
    const { caseId } = (await system.triageNow(first, channelId)) as { caseId: string };
    expect((await system.request('POST', `/v1/cases/${caseId}/claim`, { token: moderator })).status).toBe(200);
    const waiting = await submit(`${channel}/2`);
    return { channelId, caseId, waiting };
  }

  it('accepts a report on a channel while a triage of that channel waits in its write', async () => {
    const { channelId, waiting } = await claimedCaseWithWaitingReport('https://t.me/contended_channel');
    const blocker = await holding(`SELECT 1 FROM reports WHERE id = $1 FOR UPDATE`, [waiting]);
    let triaging: Promise<TriageOutcome> | undefined;
    try {
      triaging = system.triageNow(waiting, channelId);
      await expect(waitForLockWaiters(1)).resolves.toBe(true);
      // The report's foreign key to the channel is checked with a KEY SHARE lock on the channel row, and nothing
      // triage does conflicts with it: this request does not wait for the triage.
      const answered = await Promise.race([
        system.request('POST', '/v1/reports', { body: reportBody({ channel: 'https://t.me/contended_channel/3' }) }),
        pause(3000),
      ]);
      expect(answered).toMatchObject({ status: 202 });
    } finally {
      await blocker.release();
    }
    expect(await triaging).toMatchObject({ outcome: 'triaged', reports: 1 });
  });

  it.each([
    ['takedown', 'actioned'],
    ['no_violation', 'active'],
  ])('lets a %s wait for the triage writing its case, and decide it with the report in it', async (action, channelStatus) => {
    const { channelId, caseId, waiting } = await claimedCaseWithWaitingReport(`https://t.me/${action}_in_triage`);
    // The triage waits in its write, holding the case; the decision takes the case (a takedown, then the channel's
    // row): it must wait for the triage, not go through on the case as it was, nor deadlock with it.
    const blocker = await holding(`SELECT 1 FROM reports WHERE id = $1 FOR UPDATE`, [waiting]);
    let triaging: Promise<TriageOutcome> | undefined;
    let deciding: ReturnType<typeof system.request> | undefined;
    try {
      triaging = system.triageNow(waiting, channelId);
      await expect(waitForLockWaiters(1)).resolves.toBe(true);
      deciding = system.request('POST', `/v1/cases/${caseId}/decisions`, {
        token: moderator,
        body: { action, policy: 'TVEC-1', reason: 'Reviewed against the terrorist content policy.' },
      });
      await expect(waitForLockWaiters(2)).resolves.toBe(true);
    } finally {
      await blocker.release();
    }
    expect(await triaging).toMatchObject({ outcome: 'triaged', caseId, caseOpened: false, reports: 1 });
    expect((await deciding!).status).toBe(201);
    const [row] = await system.sql(
      `SELECT c.status AS case_status, c.report_count, ch.status AS channel_status
       FROM cases c JOIN channels ch ON ch.id = c.channel_id WHERE c.id = $1`,
      [caseId],
    );
    expect(row).toEqual({ case_status: 'decided', report_count: 2, channel_status: channelStatus });
    // The report was in the case before the decision was made, as its history shows.
    const history = await system.sql(
      `SELECT action FROM audit_events
       WHERE (action = 'report.triaged' AND target_id = $1) OR (action = 'decision.recorded' AND target_id = $2)
       ORDER BY occurred_at`,
      [waiting, caseId],
    );
    expect(history.map((e: { action: string }) => e.action)).toEqual(['report.triaged', 'decision.recorded']);
  });

  it('opens a new case for reports whose case was decided between their triage read and write', async () => {
    const { channelId, caseId, waiting } = await claimedCaseWithWaitingReport('https://t.me/decided_before_write');
    const triageReport = system.api!.get(TriageReport, { strict: false });
    // The decision comes right after the triage has read the case as open, before it writes.
    const internals = triageReport as unknown as { waitingWithCase: (...args: unknown[]) => Promise<unknown> };
    const read = internals.waitingWithCase;
    let decided: number | undefined;
    const spy = jest.spyOn(internals, 'waitingWithCase').mockImplementationOnce(async (...args: unknown[]) => {
      const result = await read.apply(triageReport, args);
      const response = await system.request('POST', `/v1/cases/${caseId}/decisions`, {
        token: moderator,
        body: { action: 'no_violation', policy: 'TVEC-1', reason: 'No terrorist content found on review.' },
      });
      decided = response.status;
      return result;
    });
    try {
      const outcome = await system.triageNow(waiting, channelId);
      expect(decided).toBe(201);
      expect(outcome).toMatchObject({ outcome: 'triaged', caseOpened: true, reports: 1 });
      const newCaseId = (outcome as { caseId: string }).caseId;
      expect(newCaseId).not.toBe(caseId);
      const cases = await system.sql(
        `SELECT id, status, report_count, previous_case_id FROM cases WHERE channel_id = $1 ORDER BY opened_at`,
        [channelId],
      );
      expect(cases).toEqual([
        { id: caseId, status: 'decided', report_count: 1, previous_case_id: null },
        { id: newCaseId, status: 'open', report_count: 1, previous_case_id: caseId },
      ]);
      const [report] = await system.sql(`SELECT case_id, status FROM reports WHERE id = $1`, [waiting]);
      expect(report).toEqual({ case_id: newCaseId, status: 'triaged' });
      const events = await system.sql(
        `SELECT action FROM audit_events WHERE (target_type = 'case' AND target_id = $1) OR (target_id = $2)
         ORDER BY occurred_at, id`,
        [newCaseId, waiting],
      );
      expect(events.map((e: { action: string }) => e.action)).toEqual(['report.received', 'case.opened', 'report.triaged']);
    } finally {
      spy.mockRestore();
    }
  });

  it.each([
    ['opening its case', 'https://t.me/raced_new_channel', false],
    ['re-scoring its case', 'https://t.me/raced_known_channel', true],
  ])('attaches every report once when several jobs triage one channel at the same time (%s)', async (_, channel, knownCase) => {
    let known: { caseId: string } | null = null;
    if (knownCase) {
      const first = await submit(`${channel}/0`);
      known = (await system.triageNow(first, await system.channelOf(first))) as { caseId: string };
    }
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push(await submit(`${channel}/${i + 1}`));
    const channelId = await system.channelOf(ids[0]);
    // Four jobs at once (the API's pool in tests is five connections, one for the blocker), each for a different
    // report, all reading the same case (or none): one write takes it, the others find it changed and read again.
    // Another session holds the newest report meanwhile: the first write waits for it with the case taken (updated,
    // or inserted), so that the other writes have all begun, from the same state, before the first commits.
    const blocker = await holding(`SELECT 1 FROM reports WHERE id = $1 FOR UPDATE`, [ids[39]]);
    let jobs: Promise<TriageOutcome[]>;
    try {
      jobs = Promise.all(ids.slice(0, 4).map((id) => system.triageNow(id, channelId)));
      await expect(waitForLockWaiters(4)).resolves.toBe(true);
    } finally {
      await blocker.release();
    }
    const outcomes = await jobs;
    const before = known ? 1 : 0;
    for (const outcome of outcomes) expect(['triaged', 'already-triaged']).toContain(outcome.outcome);
    const cases = await system.sql(`SELECT id, report_count FROM cases WHERE channel_id = $1`, [channelId]);
    expect(cases).toEqual([{ id: expect.any(String), report_count: before + 40 }]);
    const reports = await system.sql(`SELECT DISTINCT case_id, status FROM reports WHERE channel_id = $1`, [channelId]);
    expect(reports).toEqual([{ case_id: cases[0].id, status: 'triaged' }]);
    const events = await system.sql(
      `SELECT target_id, count(*)::int AS n FROM audit_events WHERE action = 'report.triaged' AND target_id = ANY($1)
       GROUP BY target_id`,
      [ids],
    );
    expect(events).toHaveLength(40);
    expect(events.every((e: { n: number }) => e.n === 1)).toBe(true);
    const opened = await system.sql(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'case.opened' AND target_id = $1`,
      [cases[0].id],
    );
    expect(opened).toEqual([{ n: 1 }]);
  });

  /** True once at least `n` sessions of this database wait for a lock (false after 5 s). */
  async function waitForLockWaiters(n: number): Promise<boolean> {
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      if ((await lockWaiters()) >= n) return true;
      await pause(20);
    }
    return false;
  }
});
