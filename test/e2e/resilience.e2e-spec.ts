import { ReconcileReports } from '@vigil/moderation';
import { QueueName, triageJobId } from '@vigil/queues';
import { reportBody, TestSystem, waitFor } from '../support/test-system';

describe('no acknowledged report is left untriaged', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.create({ RECONCILE_AFTER_SECONDS: '0.5', MAINTENANCE_INTERVAL_SECONDS: '0.3' });
    await system.startApi();
  });
  afterAll(() => system.stop());

  const statusOf = async (id: string) => (await system.sql(`SELECT status FROM reports WHERE id = $1`, [id]))[0].status;

  it('triages a report acknowledged while the worker was stopped once the worker starts', async () => {
    const created = await system.request('POST', '/v1/reports', { body: reportBody({ channel: 'https://t.me/offline_probe' }) });
    expect(created.status).toBe(202);
    expect(await statusOf(created.body.id)).toBe('received');
    await system.startWorker();
    await waitFor(async () => (await statusOf(created.body.id)) === 'triaged', { what: 'triage after worker start' });
    await system.stopWorker();
  });

  it('re-enqueues a report whose triage job was lost from Redis', async () => {
    const created = await system.request('POST', '/v1/reports', { body: reportBody({ channel: 'https://t.me/lost_job_probe' }) });
    const queue = system.queue(QueueName.Triage);
    try {
      // The job is enqueued just after the answer (IntakeGroupCommit).
      await waitFor(async () => (await queue.getJob(triageJobId(created.body.id))) !== undefined, {
        what: 'triage job enqueued',
      });
      const job = await queue.getJob(triageJobId(created.body.id));
      await job!.remove();
      expect(await queue.getJob(triageJobId(created.body.id))).toBeUndefined();
    } finally {
      await queue.close();
    }
    await system.startWorker();
    await waitFor(async () => (await statusOf(created.body.id)) === 'triaged', { what: 'reconciled triage' });
    const triageEvents = await system.sql(
      `SELECT count(*)::int AS n FROM audit_events WHERE target_id = $1 AND action = 'report.triaged'`,
      [created.body.id],
    );
    expect(triageEvents[0].n).toBe(1);
    await system.stopWorker();
  });

  it("re-enqueues one triage job for a channel's waiting reports that lost theirs, and counts that one", async () => {
    const body = reportBody({ channel: 'https://t.me/lost_channel_job_probe' });
    const submit = async () => (await system.request('POST', '/v1/reports', { body })).body.id as string;
    const first = await submit();
    const queue = system.queue(QueueName.Triage);
    try {
      await waitFor(async () => (await queue.getJob(triageJobId(first))) !== undefined, {
        what: 'triage job enqueued',
      });
      // The second report adds no job: its channel's job is waiting. Then that job is lost.
      const second = await submit();
      expect(await queue.getJob(triageJobId(second))).toBeUndefined();
      await (await queue.getJob(triageJobId(first)))!.remove();
      await new Promise((resolve) => setTimeout(resolve, 600)); // RECONCILE_AFTER_SECONDS
      const reconcile = system.api!.get(ReconcileReports, { strict: false });
      expect((await reconcile.execute()).reports).toBe(1);
      expect(await queue.getJobCounts('waiting')).toEqual({ waiting: 1 });
      await system.startWorker();
      for (const id of [first, second]) {
        await waitFor(async () => (await statusOf(id)) === 'triaged', { what: 'reconciled triage' });
      }
    } finally {
      await queue.close();
    }
    await system.stopWorker();
  });

  it('changes nothing when a triage job is delivered twice', async () => {
    await system.startWorker();
    const created = await system.request('POST', '/v1/reports', { body: reportBody({ channel: 'https://t.me/twice_probe' }) });
    await waitFor(async () => (await statusOf(created.body.id)) === 'triaged', { what: 'first triage' });
    const snapshot = async () =>
      system.sql(
        `SELECT c.report_count, c.priority, c.version, (SELECT count(*)::int FROM audit_events) AS events
         FROM reports r JOIN cases c ON c.id = r.case_id WHERE r.id = $1`,
        [created.body.id],
      );
    const before = await snapshot();
    const queue = system.queue(QueueName.Triage);
    try {
      const again = await queue.add('triage-report', { reportId: created.body.id }, { jobId: `again-${created.body.id}` });
      await waitFor(async () => (await again.isCompleted()) || null, { what: 'second delivery' });
    } finally {
      await queue.close();
    }
    expect(await snapshot()).toEqual(before);
    await system.stopWorker();
  });

  it('re-enqueues the outcome, enforcement and notice jobs lost after a decision was committed', async () => {
    await system.startWorker();
    const moderator = await system.staff(['moderator']);
    const { caseId } = await system.reportAndTriage({ channel: 'https://t.me/lost_outbox_probe', reporterContact: 'a@example.org' });
    await system.stopWorker();
    await system.request('POST', `/v1/cases/${caseId}/claim`, { token: moderator.token });
    const decision = await system.request('POST', `/v1/cases/${caseId}/decisions`, {
      token: moderator.token,
      body: { action: 'takedown', policy: 'TVEC-1', reason: 'Official propaganda outlet of the group.' },
    });
    expect(decision.status).toBe(201);
    for (const name of [QueueName.Outcomes, QueueName.Enforcement, QueueName.Notifications]) {
      const queue = system.queue(name);
      try {
        await queue.obliterate({ force: true });
      } finally {
        await queue.close();
      }
    }
    await system.startWorker();
    await waitFor(
      async () => (await system.sql(`SELECT status FROM cases WHERE id = $1`, [caseId]))[0].status === 'closed',
      { what: 'outbox reconciled and case closed' },
    );
    const [enforcement] = await system.sql(`SELECT status FROM enforcements WHERE case_id = $1`, [caseId]);
    expect(enforcement.status).toBe('manual');
    // The case cannot close before its outcome reached the report and the reporter's notice was sent.
    expect(await system.sql(`SELECT status FROM reports WHERE case_id = $1`, [caseId])).toEqual([{ status: 'action_taken' }]);
    expect(await system.sql(`SELECT kind FROM notifications WHERE case_id = $1 ORDER BY kind`, [caseId])).toEqual([
      { kind: 'owner_notice' },
      { kind: 'reporter_outcome' },
    ]);
    await system.stopWorker();
  });
});
