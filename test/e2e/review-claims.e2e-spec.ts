import { TestSystem, waitFor } from '../support/test-system';

describe('review: claims and leases', () => {
  let system: TestSystem;
  let moderator: { id: string; token: string };
  let other: { id: string; token: string };
  let senior: { id: string; token: string };

  beforeAll(async () => {
    system = await TestSystem.create();
    await system.startApi();
    await system.startWorker();
    [moderator, other, senior] = await Promise.all([
      system.staff(['moderator'], ['ar']),
      system.staff(['moderator']),
      system.staff(['senior_moderator']),
    ]);
  });
  afterAll(() => system.stop());

  const caseRow = async (id: string) =>
    (await system.sql(`SELECT status, assignee_id, lease_expires_at, escalated FROM cases WHERE id = $1`, [id]))[0];
  const rowIn = async (sys: TestSystem, id: string) =>
    (await sys.sql(`SELECT status, assignee_id FROM cases WHERE id = $1`, [id]))[0];
  const actionsOf = async (caseId: string) =>
    (
      await system.sql(`SELECT action FROM audit_events WHERE target_type = 'case' AND target_id = $1 ORDER BY occurred_at`, [
        caseId,
      ])
    ).map((e: { action: string }) => e.action);

  const claimEvents = async (caseId: string) =>
    system.sql(
      `SELECT actor_id, request_id, data FROM audit_events WHERE action = 'case.claimed' AND target_id = $1
       ORDER BY occurred_at`,
      [caseId],
    );

  it('leases the highest-priority case, preferring the reviewer’s languages; 204 when nothing is left', async () => {
    const low = await system.reportAndTriage({ channel: 'https://vk.com/claim_low', platform: 'vk', category: 'glorification' });
    const high = await system.reportAndTriage({ channel: 'https://vk.com/claim_high', category: 'threat_to_life' });
    const arabic = await system.reportAndTriage({
      channel: 'https://vk.com/claim_arabic',
      category: 'other',
      description: 'قناة تنشر بيانات التنظيم وتدعو الى العنف ضد المدنيين',
    });
    // The Arabic-speaking moderator gets the Arabic case first even though it scores lowest.
    const first = await system.request('POST', '/v1/review/claim', { token: moderator.token, body: { platforms: ['vk'] } });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id: arabic.caseId, status: 'in_review', assigneeId: moderator.id });
    expect(Date.parse(first.body.leaseExpiresAt)).toBeGreaterThan(Date.now());
    const second = await system.request('POST', '/v1/review/claim', { token: other.token, body: { platforms: ['vk'] } });
    expect(second.body.id).toBe(high.caseId);
    const third = await system.request('POST', '/v1/review/claim', { token: other.token, body: { platforms: ['vk'] } });
    expect(third.body.id).toBe(low.caseId);
    const none = await system.request('POST', '/v1/review/claim', { token: other.token, body: { platforms: ['vk'] } });
    expect(none.status).toBe(204);
    expect(none.text).toBe('');
    expect(await actionsOf(arabic.caseId)).toEqual(['case.opened', 'case.claimed']);
    expect(await claimEvents(arabic.caseId)).toEqual([
      {
        actor_id: moderator.id,
        request_id: first.headers.get('x-request-id'),
        data: { from: 'open', previousAssigneeId: null, leaseExpiresAt: first.body.leaseExpiresAt },
      },
    ]);
  });

  it('narrows by language when asked', async () => {
    const none = await system.request('POST', '/v1/review/claim', { token: other.token, body: { languages: ['xx'] } });
    expect(none.status).toBe(204);
    const bad = await system.request('POST', '/v1/review/claim', { token: other.token, body: { platforms: ['myspace'] } });
    expect(bad.status).toBe(400);
  });

  it('never hands one case to two people under 50 concurrent claims at 20 cases', async () => {
    const cases = await Promise.all(
      Array.from({ length: 20 }, (_, i) => system.reportAndTriage({ channel: `https://t.me/concurrent_claim_${i}_x` })),
    );
    const ids = new Set(cases.map((c) => c.caseId));
    const reviewers = await Promise.all(Array.from({ length: 10 }, () => system.staff(['moderator'])));
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        system.request('POST', '/v1/review/claim', { token: reviewers[i % 10].token, body: { platforms: ['telegram'] } }),
      ),
    );
    const claimed = answers.filter((a) => a.status === 200).map((a) => a.body.id as string);
    expect(answers.every((a) => a.status === 200 || a.status === 204)).toBe(true);
    expect(new Set(claimed).size).toBe(claimed.length);
    expect(claimed.filter((id) => ids.has(id))).toHaveLength(20);
    const events = await system.sql(
      `SELECT target_id, count(*)::int AS n FROM audit_events WHERE action = 'case.claimed' AND target_id = ANY($1)
       GROUP BY target_id`,
      [[...ids]],
    );
    expect(events.every((e: { n: number }) => e.n === 1)).toBe(true);
  });

  it('lets a moderator pick a case from the list, and refuses it to a second person (409)', async () => {
    const { caseId } = await system.reportAndTriage({ channel: 'https://t.me/pick_me_case' });
    const claimed = await system.request('POST', `/v1/cases/${caseId}/claim`, { token: moderator.token });
    expect(claimed.status).toBe(200);
    expect(claimed.body.assigneeId).toBe(moderator.id);
    const taken = await system.request('POST', `/v1/cases/${caseId}/claim`, { token: other.token });
    expect(taken.status).toBe(409);
    expect((await caseRow(caseId)).assignee_id).toBe(moderator.id);
    expect((await system.request('POST', `/v1/cases/00000000-0000-4000-8000-000000000000/claim`, { token: other.token })).status).toBe(404);
    // A lease that lapsed before maintenance expired it: the case goes to whoever picks it next, as it stands.
    await system.sql(`UPDATE cases SET lease_expires_at = now() - interval '1 second' WHERE id = $1`, [caseId]);
    const retaken = await system.request('POST', `/v1/cases/${caseId}/claim`, { token: other.token });
    expect(retaken.status).toBe(200);
    expect(retaken.body).toMatchObject({ status: 'in_review', assigneeId: other.id });
    const events = await claimEvents(caseId);
    expect(events.map((e) => [e.actor_id, e.data])).toEqual([
      [moderator.id, { from: 'open', previousAssigneeId: null, leaseExpiresAt: claimed.body.leaseExpiresAt }],
      [other.id, { from: 'in_review', previousAssigneeId: moderator.id, leaseExpiresAt: retaken.body.leaseExpiresAt }],
    ]);
  });

  it('renews and releases only for the lease holder, audited', async () => {
    const { caseId } = await system.reportAndTriage({ channel: 'https://t.me/renew_release_case' });
    await system.request('POST', `/v1/cases/${caseId}/claim`, { token: moderator.token });
    expect((await system.request('POST', `/v1/cases/${caseId}/lease/renew`, { token: other.token })).status).toBe(409);
    expect((await system.request('POST', `/v1/cases/${caseId}/lease/release`, { token: other.token })).status).toBe(409);
    const renewed = await system.request('POST', `/v1/cases/${caseId}/lease/renew`, { token: moderator.token });
    expect(renewed.status).toBe(200);
    expect(Date.parse(renewed.body.leaseExpiresAt)).toBeGreaterThan(Date.now());
    const released = await system.request('POST', `/v1/cases/${caseId}/lease/release`, { token: moderator.token });
    expect(released.status).toBe(204);
    expect(await caseRow(caseId)).toMatchObject({ status: 'open', assignee_id: null, lease_expires_at: null });
    expect(await actionsOf(caseId)).toEqual(['case.opened', 'case.claimed', 'case.lease_renewed', 'case.lease_released']);
  });

  it('shows escalated cases only to senior moderators and admins', async () => {
    const { caseId } = await system.reportAndTriage({ channel: 'https://tamtam.chat/escalate_me', category: 'financing' });
    await system.request('POST', `/v1/cases/${caseId}/claim`, { token: moderator.token });
    const escalated = await system.request('POST', `/v1/cases/${caseId}/decisions`, {
      token: moderator.token,
      body: { action: 'escalate', policy: 'TVEC-4', reason: 'Financing appeal needs a senior view.' },
    });
    expect(escalated.status).toBe(201);
    expect(await caseRow(caseId)).toMatchObject({ status: 'escalated', assignee_id: null, escalated: true });
    expect((await system.request('POST', `/v1/cases/${caseId}/claim`, { token: other.token })).status).toBe(403);
    const next = await system.request('POST', '/v1/review/claim', { token: other.token, body: { platforms: ['tamtam'] } });
    expect(next.status).toBe(204);
    const bySenior = await system.request('POST', '/v1/review/claim', { token: senior.token, body: { platforms: ['tamtam'] } });
    expect(bySenior.body).toMatchObject({ id: caseId, status: 'in_review', assigneeId: senior.id });
    // Released by the senior, it goes back to the seniors' queue, not the open one.
    await system.request('POST', `/v1/cases/${caseId}/lease/release`, { token: senior.token });
    expect((await caseRow(caseId)).status).toBe('escalated');
    expect(await actionsOf(caseId)).toEqual([
      'case.opened',
      'case.claimed',
      'decision.recorded',
      'case.escalated',
      'case.claimed',
      'case.lease_released',
    ]);
  });

  it('records a takedown as manual when no enforcement webhook is configured, never dropping it', async () => {
    const { caseId } = await system.reportAndTriage({ channel: 'https://t.me/manual_enforcement', reporterContact: 'r@example.org' });
    await system.request('POST', `/v1/cases/${caseId}/claim`, { token: moderator.token });
    const decision = await system.request('POST', `/v1/cases/${caseId}/decisions`, {
      token: moderator.token,
      body: { action: 'restrict', policy: 'TVEC-2', reason: 'Glorifies an attack; restrict its reach.' },
    });
    expect(decision.status).toBe(201);
    await waitFor(async () => (await caseRow(caseId)).status === 'closed', { what: 'case closed' });
    const [enforcement] = await system.sql(`SELECT id, type, status FROM enforcements WHERE case_id = $1`, [caseId]);
    expect(enforcement).toMatchObject({ type: 'restrict', status: 'manual' });
    const notices = await system.sql(`SELECT kind, status FROM notifications WHERE case_id = $1 ORDER BY kind`, [caseId]);
    expect(notices).toEqual([
      { kind: 'owner_notice', status: 'undeliverable' },
      { kind: 'reporter_outcome', status: 'undeliverable' },
    ]);
    const actions = (
      await system.sql(`SELECT action FROM audit_events WHERE target_id = $1`, [enforcement.id])
    ).map((e: { action: string }) => e.action);
    expect(actions).toEqual(['enforcement.marked_manual']);
    const [channel] = await system.sql(`SELECT status FROM channels WHERE canonical_key = 'telegram:manual_enforcement'`);
    expect(channel.status).toBe('active'); // a restriction limits reach; only a takedown marks the channel actioned
  });

  it('refuses review routes to auditors and anonymous callers', async () => {
    const auditor = await system.staff(['auditor']);
    expect((await system.request('POST', '/v1/review/claim', { token: auditor.token, body: {} })).status).toBe(403);
    expect((await system.request('POST', '/v1/review/claim', { body: {} })).status).toBe(401);
  });

  it('returns a case whose lease expired to the open queue, audited', async () => {
    const short = await TestSystem.create({ LEASE_SECONDS: '1', MAINTENANCE_INTERVAL_SECONDS: '0.3' });
    try {
    await short.startApi();
    await short.startWorker();
    const holder = await short.staff(['moderator']);
    const { caseId } = await short.reportAndTriage({ channel: 'https://t.me/expiring_lease_case' });
    await short.request('POST', `/v1/cases/${caseId}/claim`, { token: holder.token });
    await waitFor(async () => (await rowIn(short, caseId)).status === 'open', { what: 'lease expiry', timeoutMs: 15_000 });
    expect((await rowIn(short, caseId)).assignee_id).toBeNull();
    const [event] = await short.sql(
      `SELECT actor_role, data FROM audit_events WHERE target_id = $1 AND action = 'case.lease_expired'`,
      [caseId],
    );
    expect(event).toMatchObject({ actor_role: 'system', data: { previousAssigneeId: holder.id, to: 'open' } });
    const decision = await short.request('POST', `/v1/cases/${caseId}/decisions`, {
      token: holder.token,
      body: { action: 'takedown', policy: 'TVEC-1', reason: 'Too late: the lease has gone.' },
    });
    expect(decision.status).toBe(409);
      } finally {
      await short.stop();
    }
  });
});
