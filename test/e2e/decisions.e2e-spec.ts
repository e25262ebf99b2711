import { createHmac } from 'node:crypto';
import { TestSystem, waitFor } from '../support/test-system';
import { WEBHOOK_SECRET, WebhookReceiver, webhookEnv } from '../support/webhook-receiver';

const takedown = { action: 'takedown', policy: 'TVEC-1', reason: 'Distributes claims of responsibility for attacks.' };

describe('decisions, enforcement, notices and appeals', () => {
  let system: TestSystem;
  let receiver: WebhookReceiver;
  let moderator: { id: string; token: string };
  let other: { id: string; token: string };
  let senior: { id: string; token: string };
  let seniorTwo: { id: string; token: string };
  let admin: string;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    system = await TestSystem.create(webhookEnv(receiver));
    await system.startApi();
    await system.startWorker();
    [moderator, other, senior, seniorTwo] = await Promise.all([
      system.staff(['moderator']),
      system.staff(['moderator']),
      system.staff(['senior_moderator']),
      system.staff(['senior_moderator']),
    ]);
    admin = await system.login();
  });
  afterAll(async () => {
    await system.stop();
    await receiver.stop();
  });

  /** A triaged case claimed by `who`. */
  async function claimedCase(channel: string, who = moderator, extra: Record<string, unknown> = {}) {
    const report = await system.reportAndTriage({ channel, ...extra });
    const claim = await system.request('POST', `/v1/cases/${report.caseId}/claim`, { token: who.token });
    expect(claim.status).toBe(200);
    return report;
  }
  const decide = (caseId: string, token: string, body: Record<string, unknown> = takedown) =>
    system.request('POST', `/v1/cases/${caseId}/decisions`, { token, body });
  const enforcementOf = async (caseId: string) =>
    (await system.sql(`SELECT * FROM enforcements WHERE case_id = $1 ORDER BY created_at`, [caseId]));
  const caseStatus = async (caseId: string) => (await system.sql(`SELECT status FROM cases WHERE id = $1`, [caseId]))[0].status;
  const deliveriesFor = (caseId: string) => receiver.on('/enforce').filter((d) => d.body.caseId === caseId);

  it('takes a channel down: signed webhook, channel actioned, reporter told, owner noticed, case closed', async () => {
    const report = await claimedCase('https://t.me/takedown_flow', moderator, { reporterContact: 'reporter@example.org' });
    const response = await decide(report.caseId, moderator.token, { ...takedown, legalGround: 'Regulation (EU) 2021/784' });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: expect.any(String),
      caseId: report.caseId,
      action: 'takedown',
      policy: 'TVEC-1',
      reason: takedown.reason,
      legalGround: 'Regulation (EU) 2021/784',
      decidedBy: moderator.id,
      createdAt: expect.any(String),
    });
    const decisionId = response.body.id;

    await waitFor(async () => (await caseStatus(report.caseId)) === 'closed', { what: 'case closed' });
    const [delivery] = deliveriesFor(report.caseId);
    expect(delivery.headers['content-type']).toBe('application/json');
    expect(delivery.body).toMatchObject({
      deliveryId: delivery.headers['x-vigil-delivery'],
      type: 'takedown',
      decisionId,
      caseId: report.caseId,
      channel: { platform: 'telegram', key: 'telegram:takedown_flow', url: 'https://t.me/takedown_flow' },
      policy: 'TVEC-1',
      reason: takedown.reason,
      legalGround: 'Regulation (EU) 2021/784',
      decidedAt: response.body.createdAt,
    });
    const [, t, mac] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(delivery.headers['x-vigil-signature']))!;
    expect(mac).toBe(createHmac('sha256', WEBHOOK_SECRET).update(`${t}.${delivery.raw}`).digest('hex'));
    expect(Math.abs(Number(t) - Date.now() / 1000)).toBeLessThan(60);

    const [channel] = await system.sql(`SELECT status, actioned_at FROM channels WHERE canonical_key = 'telegram:takedown_flow'`);
    expect(channel.status).toBe('actioned');
    expect(channel.actioned_at).not.toBeNull();

    const status = await system.request('GET', `/v1/reports/${report.reportId}`, {
      headers: { 'x-tracking-token': report.trackingToken },
    });
    expect(status.body).toMatchObject({ status: 'action_taken', decidedAt: expect.any(String), outcome: { action: 'takedown', statement: takedown.reason } });

    const notices = receiver.on('/notify').filter((d) => d.body.decisionId === decisionId);
    const outcome = notices.find((d) => d.body.kind === 'reporter_outcome')!;
    expect(outcome.body).toMatchObject({ reportId: report.reportId, contact: 'reporter@example.org', action: 'takedown', statement: takedown.reason });
    const owner = notices.find((d) => d.body.kind === 'owner_notice')!;
    expect(owner.body).toMatchObject({ action: 'takedown', statement: takedown.reason, appealToken: expect.any(String) });
    const sixMonths = Date.parse(owner.body.appealUntil) - Date.parse(response.body.createdAt);
    expect(sixMonths / 86_400_000).toBeGreaterThan(180);
    expect(sixMonths / 86_400_000).toBeLessThan(185);
    expect(owner.headers['x-vigil-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(JSON.stringify(await system.sql(`SELECT * FROM notifications`))).not.toContain(owner.body.appealToken);

    const history = await system.request('GET', `/v1/cases/${report.caseId}`, { token: moderator.token });
    expect(history.body.decisions).toEqual([response.body]);
    const actions = history.body.history.map((e: { action: string }) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['decision.recorded', 'decision.applied', 'enforcement.succeeded', 'notification.sent', 'case.closed']),
    );
  });

  it.each([
    ['takedown', ['takedown'], ['owner_notice'], 'actioned', 'decided'],
    ['restrict', ['restrict'], ['owner_notice'], 'active', 'decided'],
    ['no_violation', [], [], 'active', 'decided'],
    ['escalate', [], [], 'active', 'escalated'],
  ])(
    'commits a %s decision with its outbox rows, case and channel before answering',
    async (action, types, kinds, channel, to) => {
      const report = await claimedCase(`https://t.me/outbox_of_${action}`);
      const response = await decide(report.caseId, moderator.token, { ...takedown, action });
      expect(response.status).toBe(201);
      const id = response.body.id;
      // Read at once: what the 201 promises is committed by then, not left to the jobs it starts.
      const enforcements = await system.sql(`SELECT type, case_id FROM enforcements WHERE decision_id = $1`, [id]);
      expect(enforcements).toEqual(types.map((type) => ({ type, case_id: report.caseId })));
      const notices = await system.sql(
        `SELECT kind FROM notifications WHERE decision_id = $1 AND kind <> 'reporter_outcome'`,
        [id],
      );
      expect(notices.map((n) => n.kind)).toEqual(kinds);
      const [state] = await system.sql(
        `SELECT c.status, ch.status AS channel_status, d.applied_at IS NOT NULL AS applied
         FROM decisions d JOIN cases c ON c.id = d.case_id JOIN channels ch ON ch.id = c.channel_id WHERE d.id = $1`,
        [id],
      );
      expect(state.channel_status).toBe(channel);
      // An escalation has no outcome to apply; the others' jobs may have moved the case on (closed) already.
      if (action === 'escalate') expect(state).toMatchObject({ status: to, applied: true });
      else expect(['decided', 'closed']).toContain(state.status);
      const [event] = await system.sql(
        `SELECT data FROM audit_events WHERE action = 'decision.recorded' AND target_id = $1`,
        [report.caseId],
      );
      expect(event.data).toMatchObject({ decisionId: id, action, from: 'in_review', to });
    },
  );

  it('refuses a decision from anyone but the lease holder (409), and on an unclaimed case', async () => {
    const report = await claimedCase('https://t.me/not_your_lease');
    expect((await decide(report.caseId, other.token)).status).toBe(409);
    const unclaimed = await system.reportAndTriage({ channel: 'https://t.me/unclaimed_case' });
    expect((await decide(unclaimed.caseId, moderator.token)).status).toBe(409);
    expect(await system.sql(`SELECT id FROM decisions WHERE case_id = ANY($1)`, [[report.caseId, unclaimed.caseId]])).toEqual([]);
  });

  it('refuses a decision on a lapsed lease (409) and on an unknown case (404), and a refusal writes nothing', async () => {
    const report = await claimedCase('https://t.me/lapsed_lease');
    await system.sql(`UPDATE cases SET lease_expires_at = now() - interval '1 second' WHERE id = $1`, [report.caseId]);
    const lapsed = await decide(report.caseId, moderator.token);
    expect(lapsed.status).toBe(409);
    expect(lapsed.body.message).toBe('you do not hold the lease on this case');
    const unknown = await decide('00000000-0000-4000-8000-000000000000', moderator.token);
    expect(unknown.status).toBe(404);
    expect(await caseStatus(report.caseId)).toBe('in_review');
    const [written] = await system.sql(
      `SELECT (SELECT count(*) FROM decisions WHERE case_id = $1::uuid)::int AS decisions,
              (SELECT count(*) FROM enforcements WHERE case_id = $1::uuid)::int AS enforcements,
              (SELECT count(*) FROM notifications WHERE case_id = $1::uuid)::int AS notices,
              (SELECT count(*) FROM audit_events WHERE target_id = $1::text AND action LIKE 'decision.%')::int AS events,
              (SELECT status FROM channels WHERE id = (SELECT channel_id FROM cases WHERE id = $1::uuid)) AS channel`,
      [report.caseId],
    );
    expect(written).toEqual({ decisions: 0, enforcements: 0, notices: 0, events: 0, channel: 'active' });
  });

  it('takes one of two decisions sent at once by the lease holder, and refuses the other (409)', async () => {
    const report = await claimedCase('https://t.me/decided_at_once');
    const answers = await Promise.all([
      decide(report.caseId, moderator.token),
      decide(report.caseId, moderator.token, { ...takedown, action: 'restrict' }),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    const decisions = await system.sql(`SELECT id FROM decisions WHERE case_id = $1`, [report.caseId]);
    expect(decisions).toEqual([{ id: answers.find((a) => a.status === 201)!.body.id }]);
    const events = await system.sql(`SELECT 1 FROM audit_events WHERE target_id = $1 AND action = 'decision.recorded'`, [
      report.caseId,
    ]);
    expect(events).toHaveLength(1);
    expect(await enforcementOf(report.caseId)).toHaveLength(1);
  });

  it('refuses moves the life cycle does not allow (409): deciding or claiming a decided case', async () => {
    const report = await claimedCase('https://t.me/decided_twice', moderator);
    expect((await decide(report.caseId, moderator.token, { ...takedown, action: 'no_violation' })).status).toBe(201);
    expect((await decide(report.caseId, moderator.token)).status).toBe(409);
    expect((await system.request('POST', `/v1/cases/${report.caseId}/claim`, { token: other.token })).status).toBe(409);
  });

  it.each([
    ['an unknown action', { action: 'ban' }],
    ['a reason under 10 characters', { reason: 'too short' }],
    ['a policy over 100 characters', { policy: 'P'.repeat(101) }],
    ['an unknown field', { severity: 'high' }],
  ])('rejects a decision with %s (400)', async (_, overrides) => {
    const report = await claimedCase(`https://t.me/bad_decision_${Math.random().toString(36).slice(2, 10)}`);
    expect((await decide(report.caseId, moderator.token, { ...takedown, ...overrides })).status).toBe(400);
    expect(await caseStatus(report.caseId)).toBe('in_review');
  });

  it('retries a failing receiver with one delivery id: two failures then success is three deliveries', async () => {
    const report = await claimedCase('https://t.me/flaky_receiver');
    receiver.answer('/enforce', 500, 502);
    await decide(report.caseId, moderator.token);
    await waitFor(async () => (await enforcementOf(report.caseId))[0]?.status === 'succeeded', { what: 'enforcement' });
    const deliveries = deliveriesFor(report.caseId);
    expect(deliveries).toHaveLength(3);
    expect(new Set(deliveries.map((d) => d.headers['x-vigil-delivery'])).size).toBe(1);
    expect((await enforcementOf(report.caseId))[0]).toMatchObject({ attempts: 3, status: 'succeeded' });
  });

  it('records a receiver that never accepts as enforcement.failed, keeps the case decided, and lets an admin retry', async () => {
    const report = await claimedCase('https://t.me/dead_receiver');
    receiver.failAlways('/enforce');
    await decide(report.caseId, moderator.token);
    const failed = await waitFor(
      async () => {
        const [row] = await enforcementOf(report.caseId);
        return row?.status === 'failed' ? row : null;
      },
      { what: 'final failure' },
    );
    receiver.answer('/enforce');
    expect(failed.attempts).toBe(5);
    expect(deliveriesFor(report.caseId)).toHaveLength(5);
    const [event] = await system.sql(`SELECT data FROM audit_events WHERE action = 'enforcement.failed' AND target_id = $1`, [failed.id]);
    expect(event.data).toMatchObject({ type: 'takedown', attempts: 5 });
    expect(await caseStatus(report.caseId)).toBe('decided');

    expect((await system.request('POST', `/v1/admin/enforcements/${failed.id}/retry`, { token: moderator.token })).status).toBe(403);
    const retry = await system.request('POST', `/v1/admin/enforcements/${failed.id}/retry`, { token: admin });
    expect(retry.status).toBe(202);
    await waitFor(async () => (await caseStatus(report.caseId)) === 'closed', { what: 'closed after retry' });
    const deliveries = deliveriesFor(report.caseId);
    expect(deliveries).toHaveLength(6);
    expect(new Set(deliveries.map((d) => d.headers['x-vigil-delivery'])).size).toBe(1);
    expect((await system.request('POST', `/v1/admin/enforcements/${failed.id}/retry`, { token: admin })).status).toBe(409);
    // The moderator reading the case sees the failure, the retry and the success in its history.
    const detail = await system.request('GET', `/v1/cases/${report.caseId}`, { token: moderator.token });
    const enforcementEvents = detail.body.history
      .filter((e: { target: { type: string } }) => e.target.type === 'enforcement')
      .map((e: { action: string }) => e.action);
    expect(enforcementEvents).toEqual(['enforcement.failed', 'enforcement.retried', 'enforcement.succeeded']);
  });

  it('decides up to 500 cases at once, skipping cases someone else is reviewing', async () => {
    const free = await Promise.all([0, 1, 2].map((i) => system.reportAndTriage({ channel: `https://t.me/bulk_free_${i}x` })));
    const busy = await claimedCase('https://t.me/bulk_busy', other);
    const caseIds = [...free.map((c) => c.caseId), busy.caseId];
    expect((await system.request('POST', '/v1/cases/bulk-decisions', { token: moderator.token, body: { ...takedown, caseIds } })).status).toBe(403);
    const response = await system.request('POST', '/v1/cases/bulk-decisions', { token: senior.token, body: { ...takedown, caseIds } });
    expect(response.status).toBe(200);
    expect(response.body.results).toEqual([
      ...free.map((c) => ({ caseId: c.caseId, result: 'decided', decisionId: expect.any(String) })),
      { caseId: busy.caseId, result: 'skipped', reason: expect.stringContaining('another reviewer') },
    ]);
    const decisions = await system.sql(`SELECT case_id, bulk FROM decisions WHERE case_id = ANY($1)`, [caseIds]);
    expect(decisions).toHaveLength(3);
    expect(decisions.every((d: { bulk: boolean }) => d.bulk)).toBe(true);
    const events = await system.sql(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'decision.recorded' AND target_id = ANY($1)`,
      [caseIds],
    );
    expect(events[0].n).toBe(3);
    const tooMany = Array.from({ length: 501 }, () => '00000000-0000-4000-8000-000000000000');
    expect((await system.request('POST', '/v1/cases/bulk-decisions', { token: senior.token, body: { ...takedown, caseIds: tooMany } })).status).toBe(400);
  });

  describe('appeals', () => {
    it('takes an owner’s appeal, enforces four eyes, and restores the channel on reversal', async () => {
      const report = await claimedCase('https://t.me/appealed_channel', senior);
      const decision = await decide(report.caseId, senior.token);
      await waitFor(async () => (await caseStatus(report.caseId)) === 'closed', { what: 'closed' });
      const owner = receiver.on('/notify').find((d) => d.body.kind === 'owner_notice' && d.body.decisionId === decision.body.id)!;

      expect((await system.request('POST', '/v1/appeals', { body: { decisionId: decision.body.id, token: 'wrong-token', reason: 'This channel is a news outlet.' } })).status).toBe(404);
      const filed = await system.request('POST', '/v1/appeals', {
        body: { decisionId: decision.body.id, token: owner.body.appealToken, reason: 'This channel is a news outlet.' },
      });
      expect(filed.status).toBe(201);
      expect(filed.body).toEqual({ id: expect.any(String), status: 'open' });
      expect(await caseStatus(report.caseId)).toBe('appealed');
      const again = await system.request('POST', '/v1/appeals', {
        body: { decisionId: decision.body.id, token: owner.body.appealToken, reason: 'Filing the same appeal twice.' },
      });
      expect(again.status).toBe(409);

      const listed = await system.request('GET', '/v1/appeals?status=open', { token: seniorTwo.token });
      expect(listed.body.items.map((a: { id: string }) => a.id)).toContain(filed.body.id);
      expect((await system.request('GET', '/v1/appeals', { token: moderator.token })).status).toBe(403);

      const bySelf = await system.request('POST', `/v1/appeals/${filed.body.id}/resolve`, {
        token: senior.token,
        body: { outcome: 'reversed', reason: 'I made this decision myself.' },
      });
      expect(bySelf.status).toBe(403);
      const resolved = await system.request('POST', `/v1/appeals/${filed.body.id}/resolve`, {
        token: seniorTwo.token,
        body: { outcome: 'reversed', reason: 'Reporting on attacks is not propaganda.' },
      });
      expect(resolved.status).toBe(200);
      expect(resolved.body).toMatchObject({ id: filed.body.id, status: 'reversed', resolvedBy: seniorTwo.id });
      expect(await caseStatus(report.caseId)).toBe('closed');

      await waitFor(async () => deliveriesFor(report.caseId).some((d) => d.body.type === 'restore'), { what: 'restore webhook' });
      const restore = deliveriesFor(report.caseId).find((d) => d.body.type === 'restore')!;
      expect(restore.body).toMatchObject({ decisionId: decision.body.id, reason: 'Reporting on attacks is not propaganda.' });
      const [channel] = await system.sql(`SELECT status FROM channels WHERE canonical_key = 'telegram:appealed_channel'`);
      expect(channel.status).toBe('restored');
      await waitFor(async () => receiver.on('/notify').some((d) => d.body.kind === 'appeal_outcome' && d.body.decisionId === decision.body.id), {
        what: 'appeal outcome notice',
      });
      const again2 = await system.request('POST', `/v1/appeals/${filed.body.id}/resolve`, {
        token: seniorTwo.token,
        body: { outcome: 'upheld', reason: 'Trying to resolve it twice.' },
      });
      expect(again2.status).toBe(409);
      const actions = (await system.sql(`SELECT action FROM audit_events WHERE target_id = $1 ORDER BY occurred_at`, [filed.body.id])).map(
        (e: { action: string }) => e.action,
      );
      expect(actions).toEqual(['appeal.filed', 'appeal.resolved']);
    });

    it('takes a reporter’s appeal against no_violation with their tracking token', async () => {
      const report = await claimedCase('https://t.me/dismissed_report', moderator, { reporterContact: 'appellant@example.org' });
      const decision = await decide(report.caseId, moderator.token, { ...takedown, action: 'no_violation', reason: 'Not terrorist content.' });
      await waitFor(async () => (await caseStatus(report.caseId)) === 'closed', { what: 'closed' });
      const filed = await system.request('POST', '/v1/appeals', {
        body: { decisionId: decision.body.id, token: report.trackingToken, reason: 'The channel posts beheading videos.' },
      });
      expect(filed.status).toBe(201);
      const resolved = await system.request('POST', `/v1/appeals/${filed.body.id}/resolve`, {
        token: senior.token,
        body: { outcome: 'reversed', reason: 'Needs a fresh review.' },
      });
      expect(resolved.status).toBe(200);
      const cases = await system.sql(
        `SELECT id, status, previous_case_id FROM cases WHERE channel_id = (SELECT channel_id FROM cases WHERE id = $1) ORDER BY opened_at`,
        [report.caseId],
      );
      expect(cases).toEqual([
        { id: report.caseId, status: 'closed', previous_case_id: null },
        { id: expect.any(String), status: 'open', previous_case_id: report.caseId },
      ]);
      // A new report on the channel joins the reopened case, which carries the first case's report.
      const again = await system.reportAndTriage({ channel: 'https://t.me/dismissed_report', category: 'recruitment' });
      expect(again.caseId).toBe(cases[1].id);
      const [reopened] = await system.sql(
        `SELECT report_count, distinct_reporters, categories, top_category FROM cases WHERE id = $1`,
        [cases[1].id],
      );
      expect(reopened).toEqual({
        report_count: 2,
        distinct_reporters: 2,
        categories: ['propaganda', 'recruitment'],
        top_category: expect.any(String),
      });
      await waitFor(
        async () => receiver.on('/notify').find((d) => d.body.kind === 'appeal_outcome' && d.body.decisionId === decision.body.id),
        { what: 'appeal outcome to the reporter' },
      );
      const notice = receiver.on('/notify').find((d) => d.body.kind === 'appeal_outcome' && d.body.decisionId === decision.body.id)!;
      expect(notice.body).toMatchObject({ reportId: report.reportId, contact: 'appellant@example.org', appealOutcome: 'reversed' });
    });

    it.each([
      ['a reason under 10 characters', { reason: 'short' }],
      ['a malformed decision id', { decisionId: 'nope' }],
      ['an unknown field', { extra: 1 }],
    ])('rejects an appeal with %s (400)', async (_, overrides) => {
      const response = await system.request('POST', '/v1/appeals', {
        body: { decisionId: '00000000-0000-4000-8000-000000000000', token: 'x', reason: 'A long enough reason.', ...overrides },
      });
      expect(response.status).toBe(400);
    });
  });

  describe('channels', () => {
    it('shows a channel with its cases, and links a confirmed migration (audited)', async () => {
      const oldOne = await system.reportAndTriage({ channel: 'https://t.me/old_home_channel' });
      const newOne = await system.reportAndTriage({ channel: 'https://tamtam.chat/new_home_channel' });
      const [from] = await system.sql(`SELECT id FROM channels WHERE canonical_key = $1`, [newOne.channelKey]);
      const [to] = await system.sql(`SELECT id FROM channels WHERE canonical_key = $1`, [oldOne.channelKey]);
      const link = await system.request('POST', `/v1/channels/${from.id}/links`, {
        token: moderator.token,
        body: { toChannelId: to.id, kind: 'confirmed_migration', note: 'Same logo and statements, moved after the ban.' },
      });
      expect(link.status).toBe(201);
      const duplicate = await system.request('POST', `/v1/channels/${from.id}/links`, {
        token: moderator.token,
        body: { toChannelId: to.id, kind: 'confirmed_migration', note: 'again' },
      });
      expect(duplicate.status).toBe(409);
      const self = await system.request('POST', `/v1/channels/${from.id}/links`, {
        token: moderator.token,
        body: { toChannelId: from.id, kind: 'mirror', note: 'self' },
      });
      expect(self.status).toBe(400);
      const detail = await system.request('GET', `/v1/channels/${from.id}`, { token: moderator.token });
      expect(detail.body).toMatchObject({
        id: from.id,
        platform: 'tamtam',
        key: 'tamtam:new_home_channel',
        status: 'active',
        actionedAt: null,
        cases: [{ id: newOne.caseId }],
        links: [{ kind: 'confirmed_migration', channel: { id: to.id, key: 'telegram:old_home_channel' } }],
      });
      const caseDetail = await system.request('GET', `/v1/cases/${oldOne.caseId}`, { token: moderator.token });
      expect(caseDetail.body.linkedChannels).toEqual([
        {
          id: expect.any(String),
          channel: expect.objectContaining({ id: from.id }),
          kind: 'confirmed_migration',
          score: 1,
          reason: expect.any(String),
          reasons: [],
          createdAt: expect.any(String),
        },
      ]);
      // A claim's answer reads the links beside everything else (it knows the channel): the same links.
      const claimed = await system.request('POST', `/v1/cases/${oldOne.caseId}/claim`, { token: moderator.token });
      expect(claimed.status).toBe(200);
      expect(claimed.body.linkedChannels).toEqual(caseDetail.body.linkedChannels);
      const [event] = await system.sql(`SELECT data FROM audit_events WHERE action = 'channel.linked' AND target_id = $1`, [from.id]);
      expect(event.data).toMatchObject({ toChannelId: to.id, kind: 'confirmed_migration' });
      expect((await system.request('GET', `/v1/channels/00000000-0000-4000-8000-000000000000`, { token: moderator.token })).status).toBe(404);
    });
  });
});
