import { TestSystem } from '../support/test-system';

describe('reads in the audit trail: who signed in, looked at a case, queried the trail or downloaded an export', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.create();
    await system.startApi();
  });
  afterAll(() => system.stop());

  const events = (action: string) =>
    system.sql(
      `SELECT actor_id, actor_role, target_type, target_id, data, request_id FROM audit_events WHERE action = $1
       ORDER BY occurred_at, id`,
      [action],
    );

  it('records sign-ins, failed ones without the password or an unknown address in clear', async () => {
    const staff = await system.staff(['moderator']);
    const before = (await events('auth.login_succeeded')).length;
    const ok = await system.request('POST', '/v1/auth/login', {
      body: { email: staff.email, password: 'a long enough password' },
      headers: { 'x-request-id': 'login-ok-1' },
    });
    expect(ok.status).toBe(200);
    const succeeded = await events('auth.login_succeeded');
    expect(succeeded).toHaveLength(before + 1);
    expect(succeeded.at(-1)).toMatchObject({
      actor_id: staff.id,
      actor_role: 'moderator',
      target_type: 'user',
      target_id: staff.id,
      request_id: 'login-ok-1',
    });

    const wrong = await system.request('POST', '/v1/auth/login', {
      body: { email: staff.email, password: 'not the password at all' },
    });
    expect(wrong.status).toBe(401);
    const unknownEmail = 'nobody.here.4242@example.org';
    const unknown = await system.request('POST', '/v1/auth/login', {
      body: { email: unknownEmail, password: 'whatever it is, 12+' },
    });
    expect(unknown.status).toBe(401);
    const failed = await events('auth.login_failed');
    expect(failed.map((e) => [e.target_type, e.data.reason])).toEqual([
      ['user', 'wrong_password'],
      ['login', 'unknown_email'],
    ]);
    expect(failed[0]).toMatchObject({ target_id: staff.id, actor_id: null });
    expect(failed[1].target_id).toMatch(/^email-hmac:[0-9a-f]{32}$/);
    const trail = JSON.stringify(await system.sql(`SELECT * FROM audit_events`));
    expect(trail).not.toContain(unknownEmail);
    expect(trail).not.toContain('not the password at all');
    expect(trail).not.toContain('whatever it is, 12+');
  });

  it('records who opened a case, queried the trail and downloaded the statements of reasons', async () => {
    const { token, id } = await system.staff(['moderator']);
    const report = await system.request('POST', '/v1/reports', {
      body: { channel: 'https://t.me/read_audit_probe', category: 'propaganda', description: 'Statements.' },
    });
    const caseId = await system.triageNow(report.body.id).then((outcome) => (outcome as { caseId: string }).caseId);
    const detail = await system.request('GET', `/v1/cases/${caseId}`, { token, headers: { 'x-request-id': 'view-1' } });
    expect(detail.status).toBe(200);
    expect(await events('case.viewed')).toEqual([
      { actor_id: id, actor_role: 'moderator', target_type: 'case', target_id: caseId, data: {}, request_id: 'view-1' },
    ]);
    // An unknown case is a 404 and no record.
    expect((await system.request('GET', `/v1/cases/00000000-0000-4000-8000-000000000000`, { token })).status).toBe(404);
    expect(await events('case.viewed')).toHaveLength(1);

    const auditor = await system.staff(['auditor']);
    const queried = await system.request('GET', '/v1/audit?action=case.viewed&limit=5', { token: auditor.token });
    expect(queried.status).toBe(200);
    expect(await events('audit.queried')).toEqual([
      expect.objectContaining({
        actor_id: auditor.id,
        actor_role: 'auditor',
        data: { action: 'case.viewed', limit: 5 },
      }),
    ]);

    const exported = await system.request('GET', '/v1/exports/statements-of-reasons?from=2026-01-01&to=2026-02-01', {
      token: auditor.token,
    });
    expect(exported.status).toBe(200);
    expect(await events('export.downloaded')).toEqual([
      expect.objectContaining({
        actor_id: auditor.id,
        target_type: 'export',
        target_id: 'statements-of-reasons',
        data: { from: '2026-01-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' },
      }),
    ]);
  });
});

describe('AUDIT_READS=false (the bench measuring what auditing reads costs)', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.create({ AUDIT_READS: 'false' });
    await system.startApi();
  });
  afterAll(() => system.stop());

  it('leaves case views and trail queries out of the trail, but never sign-ins', async () => {
    const { token, id } = await system.staff(['moderator']);
    const report = await system.request('POST', '/v1/reports', {
      body: { channel: 'https://t.me/unaudited_read_probe', category: 'propaganda', description: 'Statements.' },
    });
    const caseId = await system.triageNow(report.body.id).then((outcome) => (outcome as { caseId: string }).caseId);
    expect((await system.request('GET', `/v1/cases/${caseId}`, { token })).status).toBe(200);
    const auditor = await system.staff(['auditor']);
    expect((await system.request('GET', '/v1/audit?limit=5', { token: auditor.token })).status).toBe(200);

    const counts = await system.sql(
      `SELECT action, count(*)::int AS n FROM audit_events
       WHERE action IN ('case.viewed', 'audit.queried', 'auth.login_succeeded') AND actor_id IN ($1, $2)
       GROUP BY action ORDER BY action`,
      [id, auditor.id],
    );
    expect(counts).toEqual([{ action: 'auth.login_succeeded', n: 2 }]);
  });
});
