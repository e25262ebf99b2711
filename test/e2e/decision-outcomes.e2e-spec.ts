import { systemContext } from '@vigil/audit';
import { ApplyDecisionOutcome, ReporterIdentity } from '@vigil/moderation';
import { outcomeJobId, QueueName } from '@vigil/queues';
import { TestSystem, waitFor } from '../support/test-system';

const takedown = { action: 'takedown', policy: 'TVEC-1', reason: 'Distributes claims of responsibility for attacks.' };

// A decision answers the moderator at once; its outcome for the case's reports and reporters follows by a job.
describe('a decision’s outcome for reports and reporters', () => {
  let system: TestSystem;
  let moderator: { id: string; token: string };
  let senior: { id: string; token: string };

  beforeAll(async () => {
    system = await TestSystem.create();
    await system.startApi();
    [moderator, senior] = await Promise.all([system.staff(['moderator']), system.staff(['senior_moderator'])]);
  });
  afterAll(() => system.stop());

  /** A case with two reporters (one left a contact), triaged, then claimed by `who` with the worker stopped. */
  async function decidedWhileWorkerStopped(channel: string, body: Record<string, unknown>, who = moderator) {
    await system.startWorker();
    const first = await system.reportAndTriage({ channel, reporterContact: 'first@example.org' });
    const second = await system.reportAndTriage({ channel });
    await system.stopWorker();
    expect((await system.request('POST', `/v1/cases/${first.caseId}/claim`, { token: who.token })).status).toBe(200);
    const decision = await system.request('POST', `/v1/cases/${first.caseId}/decisions`, { token: who.token, body });
    expect(decision.status).toBe(201);
    return { first, second, caseId: first.caseId, decision: decision.body };
  }
  const reportsOf = (caseId: string) =>
    system.sql(`SELECT status, decided_at FROM reports WHERE case_id = $1 ORDER BY received_at`, [caseId]);
  const eventsOf = (caseId: string, action: string) =>
    system.sql(`SELECT actor_id, actor_role, data FROM audit_events WHERE target_id = $1 AND action = $2`, [caseId, action]);
  const standingsOf = (caseId: string) =>
    system.sql(
      `SELECT decided_cases, dismissed_cases FROM reporter_standings
       WHERE reporter_ref IN (SELECT reporter_ref FROM reports WHERE case_id = $1) ORDER BY reporter_ref`,
      [caseId],
    );

  it('shows the reporter the decision at once, and applies it to reports, records and notices by a job', async () => {
    const { first, caseId, decision } = await decidedWhileWorkerStopped('https://t.me/outcome_later', takedown);

    // Committed: the case is decided and its channel actioned; the reports and reporters not yet.
    const [theCase] = await system.sql(`SELECT status FROM cases WHERE id = $1`, [caseId]);
    expect(theCase.status).toBe('decided');
    expect(await reportsOf(caseId)).toEqual([
      { status: 'triaged', decided_at: null },
      { status: 'triaged', decided_at: null },
    ]);
    expect(await standingsOf(caseId)).toEqual([]);
    expect(await system.sql(`SELECT kind FROM notifications WHERE case_id = $1`, [caseId])).toEqual([{ kind: 'owner_notice' }]);
    // The reporter is told the decision all the same.
    const seen = await system.request('GET', `/v1/reports/${first.reportId}`, { headers: { 'x-tracking-token': first.trackingToken } });
    expect(seen.body).toEqual({
      id: first.reportId,
      status: 'action_taken',
      receivedAt: expect.any(String),
      decidedAt: decision.createdAt,
      outcome: { action: 'takedown', statement: takedown.reason },
    });

    await system.startWorker();
    await waitFor(async () => (await system.sql(`SELECT status FROM cases WHERE id = $1`, [caseId]))[0].status === 'closed', {
      what: 'the outcome applied and the case closed',
    });
    const decidedAt = new Date(decision.createdAt);
    expect(await reportsOf(caseId)).toEqual([
      { status: 'action_taken', decided_at: decidedAt },
      { status: 'action_taken', decided_at: decidedAt },
    ]);
    expect(await standingsOf(caseId)).toEqual([
      { decided_cases: 1, dismissed_cases: 0 },
      { decided_cases: 1, dismissed_cases: 0 },
    ]);
    expect(await system.sql(`SELECT kind FROM notifications WHERE case_id = $1 ORDER BY kind`, [caseId])).toEqual([
      { kind: 'owner_notice' },
      { kind: 'reporter_outcome' },
    ]);
    expect(await eventsOf(caseId, 'decision.applied')).toEqual([
      {
        actor_id: null,
        actor_role: 'system',
        data: { decisionId: decision.id, action: 'takedown', reports: 2, reporters: 2, notices: 1 },
      },
    ]);
    const after = await system.request('GET', `/v1/reports/${first.reportId}`, { headers: { 'x-tracking-token': first.trackingToken } });
    expect(after.body).toEqual(seen.body);

    // Delivered again, the job changes nothing.
    const snapshot = () =>
      Promise.all([reportsOf(caseId), standingsOf(caseId), system.sql(`SELECT count(*)::int AS n FROM notifications`), system.sql(`SELECT count(*)::int AS n FROM audit_events`)]);
    const before = await snapshot();
    const again = await system.worker!.get(ApplyDecisionOutcome, { strict: false }).execute({ decisionId: decision.id }, systemContext());
    expect(again).toEqual({ applied: false });
    expect(await snapshot()).toEqual(before);
    await system.stopWorker();
  });

  it('applies a waiting outcome before an appeal reverses it, so the job cannot undo the reversal', async () => {
    const { first, caseId, decision } = await decidedWhileWorkerStopped('https://t.me/outcome_appealed', takedown, senior);
    const ownerToken = new ReporterIdentity(system.config.reporterSecret).ownerAppealToken(decision.id);
    const filed = await system.request('POST', '/v1/appeals', {
      body: { decisionId: decision.id, token: ownerToken, reason: 'This channel is a news outlet.' },
    });
    expect(filed.status).toBe(201);
    const other = await system.staff(['senior_moderator']);
    const resolved = await system.request('POST', `/v1/appeals/${filed.body.id}/resolve`, {
      token: other.token,
      body: { outcome: 'reversed', reason: 'Reporting on attacks is not propaganda.' },
    });
    expect(resolved.status).toBe(200);
    // The resolution applied the decision first (one `decision.applied`, both reporters counted), then reversed it.
    expect((await reportsOf(caseId)).map((r: { status: string }) => r.status)).toEqual(['no_action', 'no_action']);
    expect(await eventsOf(caseId, 'decision.applied')).toHaveLength(1);
    expect(await standingsOf(caseId)).toHaveLength(2);

    // The job enqueued by the decision runs now and must find nothing to do.
    await system.startWorker();
    const queue = system.queue(QueueName.Outcomes);
    try {
      const job = await queue.getJob(outcomeJobId(decision.id));
      await waitFor(async () => (await job!.isCompleted()) || null, { what: 'the outcome job to run' });
    } finally {
      await queue.close();
    }
    expect((await reportsOf(caseId)).map((r: { status: string }) => r.status)).toEqual(['no_action', 'no_action']);
    expect(await eventsOf(caseId, 'decision.applied')).toHaveLength(1);
    const seen = await system.request('GET', `/v1/reports/${first.reportId}`, { headers: { 'x-tracking-token': first.trackingToken } });
    expect(seen.body.status).toBe('no_action');
    await system.stopWorker();
  });
});

// On a hot case the reports take the outcome a slice at a time, each slice its own transaction.
describe('a decision’s outcome on a case with many reports', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.create({ OUTCOME_SLICE_ROWS: '2', OUTCOME_SLICE_PAUSE_MS: '0' });
    await system.startApi();
    await system.startWorker();
  });
  afterAll(() => system.stop());

  it('decides the reports in slices of their own transactions and counts every one once', async () => {
    const moderator = await system.staff(['moderator']);
    const channel = 'https://t.me/outcome_in_slices';
    const filed = [];
    for (let i = 0; i < 5; i++) filed.push(await system.reportAndTriage({ channel }));
    const caseId = filed[0].caseId;
    expect(new Set(filed.map((f) => f.caseId))).toEqual(new Set([caseId]));
    // Reports written by one intake statement share their arrival time: slices must not stop at such a tie.
    await system.sql(`UPDATE reports SET received_at = (SELECT min(received_at) FROM reports WHERE case_id = $1) WHERE case_id = $1`, [
      caseId,
    ]);

    expect((await system.request('POST', `/v1/cases/${caseId}/claim`, { token: moderator.token })).status).toBe(200);
    const decision = await system.request('POST', `/v1/cases/${caseId}/decisions`, { token: moderator.token, body: takedown });
    expect(decision.status).toBe(201);
    await system.decisionsApplied();

    const reports = await system.sql(`SELECT status, decided_at, xmin::text AS tx FROM reports WHERE case_id = $1`, [caseId]);
    expect(reports.map(({ status, decided_at }) => ({ status, decided_at }))).toEqual(
      Array(5).fill({ status: 'action_taken', decided_at: new Date(decision.body.createdAt) }),
    );
    // Slices of two, two and one, each its own transaction.
    const perTransaction = new Map<string, number>();
    for (const { tx } of reports) perTransaction.set(tx, (perTransaction.get(tx) ?? 0) + 1);
    expect([...perTransaction.values()].sort()).toEqual([1, 2, 2]);
    const [applied] = await system.sql(`SELECT data FROM audit_events WHERE target_id = $1 AND action = 'decision.applied'`, [caseId]);
    expect(applied.data).toMatchObject({ decisionId: decision.body.id, reports: 5, reporters: 1 });
  });

  it('gives a case no bigger than a slice its outcome in the one transaction that applies the decision', async () => {
    const moderator = await system.staff(['moderator']);
    const channel = 'https://t.me/outcome_in_one';
    const filed = [await system.reportAndTriage({ channel }), await system.reportAndTriage({ channel })];
    const caseId = filed[0].caseId;
    expect(filed[1].caseId).toBe(caseId);
    expect((await system.request('POST', `/v1/cases/${caseId}/claim`, { token: moderator.token })).status).toBe(200);
    const decision = await system.request('POST', `/v1/cases/${caseId}/decisions`, { token: moderator.token, body: takedown });
    expect(decision.status).toBe(201);
    await system.decisionsApplied();

    const reports = await system.sql(`SELECT status, xmin::text AS tx FROM reports WHERE case_id = $1`, [caseId]);
    expect(reports.map((r) => r.status)).toEqual(['action_taken', 'action_taken']);
    // The transaction that marked the decision applied wrote both reports.
    const [applied] = await system.sql(`SELECT xmin::text AS tx FROM decisions WHERE id = $1 AND applied_at IS NOT NULL`, [
      decision.body.id,
    ]);
    expect(new Set(reports.map((r) => r.tx))).toEqual(new Set([applied.tx]));
  });
});
