import { createHmac } from 'node:crypto';
import { TestSystem, waitFor } from '../support/test-system';
import { WEBHOOK_SECRET, WebhookReceiver, webhookEnv } from '../support/webhook-receiver';

type Factor = { factor: string; points: number; detail: string };
const factors = (detail: { priorityBreakdown: Factor[] }) => detail.priorityBreakdown.map((f) => f.factor);

describe('SLA clocks: overdue cases rise with no request made (API and worker)', () => {
  let system: TestSystem;
  let receiver: WebhookReceiver;
  let moderator: string;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    system = await TestSystem.create({
      ...webhookEnv(receiver),
      ALERT_WEBHOOK_URL: `${receiver.url}/alert`,
      // Threats to life: 4.5 s. Everything else public: the default 72 h.
      SLA_THREAT_TO_LIFE_HOURS: '0.00125',
      MAINTENANCE_INTERVAL_SECONDS: '0.5',
    });
    await system.startApi();
    await system.startWorker();
    moderator = (await system.staff(['moderator'])).token;
  });
  afterAll(async () => {
    await system.stop();
    await receiver.stop();
  });

  it('lifts a threat-to-life case past its deadline above a higher-scored public case still in time', async () => {
    const stillInTime = await system.reportAndTriage({
      channel: 'https://t.me/loud_outlet_one',
      category: 'attack_claim',
      organization: 'ISIS',
      subscribers: 10_000_000,
    });
    const late = await system.reportAndTriage({ channel: 'https://t.me/quiet_outlet_two', category: 'threat_to_life' });
    const list = async () => (await system.request('GET', '/v1/cases?status=open', { token: moderator })).body.items;
    const before = (await list()).map((c: { id: string }) => c.id);
    expect(before.indexOf(stillInTime.caseId)).toBeLessThan(before.indexOf(late.caseId));

    // No request from here on: the worker moves the clock.
    await waitFor(
      async () => (await system.sql(`SELECT 1 FROM cases WHERE id = $1 AND sla_state = 'breached'`, [late.caseId])).length,
      { what: 'the threat-to-life case to be overdue', timeoutMs: 30_000, intervalMs: 200 },
    );
    const after = (await list()).map((c: { id: string }) => c.id);
    expect(after.indexOf(late.caseId)).toBeLessThan(after.indexOf(stillInTime.caseId));
    const detail = (await system.request('GET', `/v1/cases/${late.caseId}`, { token: moderator })).body;
    expect(factors(detail)).toContain('sla_breached');
    expect(factors(detail)).not.toContain('sla_at_risk');
    expect(detail.priority).toBe(detail.priorityBreakdown.reduce((t: number, f: Factor) => t + f.points, 0));
    const inTime = (await system.request('GET', `/v1/cases/${stillInTime.caseId}`, { token: moderator })).body;
    expect(factors(inTime)).not.toContain('sla_breached');

    const events = await system.sql(
      `SELECT action, count(*)::int AS n FROM audit_events WHERE target_id = $1 AND action LIKE 'case.sla_%'
       GROUP BY action ORDER BY action`,
      [late.caseId],
    );
    expect(events.find((e) => e.action === 'case.sla_breached')?.n).toBe(1);
    expect(events.find((e) => e.action === 'case.sla_at_risk')?.n ?? 0).toBeLessThanOrEqual(1);

    const metrics = await system.request('GET', '/metrics');
    expect(metrics.text).toMatch(/^vigil_cases_sla_breached 1$/m);
    expect(metrics.text).toMatch(/^vigil_cases_sla_at_risk 0$/m);

    const alert = await waitFor(
      async () => receiver.on('/alert').find((d) => d.body.kind === 'sla_breached' && d.body.caseId === late.caseId),
      { what: 'the SLA alert' },
    );
    expect(alert.body).toEqual({
      deliveryId: expect.any(String),
      kind: 'sla_breached',
      caseId: late.caseId,
      channel: { platform: 'telegram', key: 'telegram:quiet_outlet_two', url: 'https://t.me/quiet_outlet_two' },
      source: 'public',
      slaDueAt: detail.slaDueAt,
    });
    const [t, v1] = String(alert.headers['x-vigil-signature']).split(',').map((part) => part.split('=')[1]);
    expect(v1).toBe(createHmac('sha256', WEBHOOK_SECRET).update(`${t}.${alert.raw}`).digest('hex'));
    expect(alert.headers['x-vigil-delivery']).toBe(alert.body.deliveryId);
    // The public case in time raised no alert, and neither will it: only removal orders and threats to life do.
    expect(receiver.on('/alert').some((d) => d.body.caseId === stillInTime.caseId)).toBe(false);
  });
});

describe('incidents: a declared crisis lifts the cases it concerns (API and worker)', () => {
  let system: TestSystem;
  let senior: { id: string; token: string };
  let moderator: string;

  beforeAll(async () => {
    system = await TestSystem.create({ MAINTENANCE_INTERVAL_SECONDS: '1' });
    await system.startApi();
    await system.startWorker();
    senior = await system.staff(['senior_moderator']);
    moderator = (await system.staff(['moderator'])).token;
  });
  afterAll(() => system.stop());

  const detailOf = async (caseId: string) =>
    (await system.request('GET', `/v1/cases/${caseId}`, { token: moderator })).body;

  it('boosts matching open cases within seconds, new ones at triage, with its SLA; closing takes it away', async () => {
    const tamtam = await system.reportAndTriage({ channel: 'https://tamtam.chat/crisis_outlet_a', category: 'attack_claim' });
    const telegram = await system.reportAndTriage({ channel: 'https://t.me/crisis_outlet_b', category: 'attack_claim' });
    const before = await detailOf(tamtam.caseId);

    const declared = await system.request('POST', '/v1/incidents', {
      token: senior.token,
      body: { title: 'Attack claimed tonight', platforms: ['tamtam'], categories: ['attack_claim'], boost: 30, slaHours: 2 },
    });
    expect(declared.status).toBe(201);
    expect(declared.body).toMatchObject({
      id: expect.any(String),
      title: 'Attack claimed tonight',
      platforms: ['tamtam'],
      categories: ['attack_claim'],
      boost: 30,
      slaHours: 2,
      status: 'active',
      declaredBy: senior.id,
      declaredAt: expect.any(String),
    });
    const incidentId = declared.body.id;

    const boosted = await waitFor(
      async () => {
        const d = await detailOf(tamtam.caseId);
        return factors(d).includes('incident') ? d : null;
      },
      { what: 'the open case to carry the incident', timeoutMs: 10_000 },
    );
    expect(boosted.priorityBreakdown).toContainEqual({ factor: 'incident', points: 30, detail: 'Attack claimed tonight' });
    expect(boosted.priority).toBe(before.priority + 30);
    expect(Date.parse(boosted.slaDueAt)).toBeLessThanOrEqual(Date.parse(declared.body.declaredAt) + 2 * 3_600_000);
    expect(factors(await detailOf(telegram.caseId))).not.toContain('incident');

    const fresh = await system.reportAndTriage({ channel: 'https://tamtam.chat/crisis_outlet_c', category: 'attack_claim' });
    const freshDetail = await detailOf(fresh.caseId);
    expect(factors(freshDetail)).toContain('incident');
    expect(Date.parse(freshDetail.slaDueAt) - Date.parse(freshDetail.reports[0].receivedAt)).toBe(2 * 3_600_000);

    const listed = await system.request('GET', '/v1/incidents?status=active', { token: moderator });
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([
      expect.objectContaining({ id: incidentId, reports: 2, cases: 2, decided: 0, medianSecondsToDecision: null }),
    ]);

    const closed = await system.request('POST', `/v1/incidents/${incidentId}/close`, { token: senior.token });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', closedBy: senior.id, closedAt: expect.any(String) });
    expect((await system.request('POST', `/v1/incidents/${incidentId}/close`, { token: senior.token })).status).toBe(409);
    await waitFor(async () => !factors(await detailOf(tamtam.caseId)).includes('incident'), {
      what: 'the boost to leave the case',
      timeoutMs: 10_000,
    });
    const after = await detailOf(tamtam.caseId);
    expect(after.priority).toBe(before.priority);
    // The deadline it brought forward stays: a deadline never moves back.
    expect(after.slaDueAt).toBe(boosted.slaDueAt);

    const actions = await system.sql(
      `SELECT action, count(*)::int AS n FROM audit_events
       WHERE action IN ('incident.declared', 'incident.closed') OR (action = 'case.incident_changed' AND target_id = $1)
       GROUP BY action ORDER BY action`,
      [tamtam.caseId],
    );
    expect(actions).toEqual([
      { action: 'case.incident_changed', n: 2 },
      { action: 'incident.closed', n: 1 },
      { action: 'incident.declared', n: 1 },
    ]);
    const closedList = await system.request('GET', '/v1/incidents?status=closed', { token: moderator });
    expect(closedList.body.items.map((i: { id: string }) => i.id)).toEqual([incidentId]);
  });

  it('matches by designated organisation, and closes itself at endsAt', async () => {
    const isis = await system.reportAndTriage({ channel: 'https://t.me/org_outlet_one', organization: 'Islamic State' });
    const other = await system.reportAndTriage({ channel: 'https://t.me/org_outlet_two' });
    const endsAt = new Date(Date.now() + 3_000).toISOString();
    const declared = await system.request('POST', '/v1/incidents', {
      token: senior.token,
      body: { title: 'Daesh campaign', organization: 'داعش', boost: 12, endsAt },
    });
    expect(declared.status).toBe(201);
    await waitFor(async () => factors(await detailOf(isis.caseId)).includes('incident'), { timeoutMs: 10_000 });
    expect(factors(await detailOf(other.caseId))).not.toContain('incident');
    await waitFor(async () => !factors(await detailOf(isis.caseId)).includes('incident'), {
      what: 'the incident to end by itself',
      timeoutMs: 15_000,
    });
    const [row] = await system.sql(`SELECT status, closed_by FROM incidents WHERE id = $1`, [declared.body.id]);
    expect(row).toEqual({ status: 'closed', closed_by: null });
  });

  it.each([
    ['an unknown platform', { platforms: ['myspace'] }],
    ['an unknown category', { categories: ['spam'] }],
    ['a boost of 0', { boost: 0 }],
    ['a boost of 51', { boost: 51 }],
    ['a fractional boost', { boost: 2.5 }],
    ['an SLA under a quarter hour', { slaHours: 0.1 }],
    ['an endsAt in the past', { endsAt: '2020-01-01T00:00:00Z' }],
    ['an endsAt over 30 days on', { endsAt: new Date(Date.now() + 31 * 86_400_000).toISOString() }],
    ['an organisation Vigil does not know', { organization: 'The Model Railway Club' }],
    ['no title', { title: '' }],
    ['an unknown field', { severity: 'high' }],
  ])('refuses %s with a 400 and declares nothing', async (_, change) => {
    const [{ n: before }] = await system.sql(`SELECT count(*)::int AS n FROM incidents`);
    const response = await system.request('POST', '/v1/incidents', {
      token: senior.token,
      body: { title: 'Test', boost: 10, ...change },
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.anything() });
    const [{ n: after }] = await system.sql(`SELECT count(*)::int AS n FROM incidents`);
    expect(after).toBe(before);
  });

  it('lets only senior moderators and admins declare and close', async () => {
    const refused = await system.request('POST', '/v1/incidents', { token: moderator, body: { title: 'x', boost: 5 } });
    expect(refused.status).toBe(403);
    expect((await system.request('POST', `/v1/incidents/00000000-0000-4000-8000-000000000000/close`, { token: senior.token })).status).toBe(404);
  });
});
