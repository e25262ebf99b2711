import { reportBody, TestSystem, waitFor } from '../support/test-system';

const dismiss = { action: 'no_violation', policy: 'TVEC-1', reason: 'News reporting on an attack, not propaganda.' };

describe('reporter reputation and brigades (DSA Art. 23)', () => {
  let system: TestSystem;
  let admin: string;
  let senior: { id: string; token: string };

  beforeAll(async () => {
    system = await TestSystem.create({
      // Each test client sets its own address in X-Forwarded-For, as a proxy in front would.
      TRUST_PROXY: 'true',
      REPUTATION_MIN_DECIDED_CASES: '3',
      REPUTATION_GRACE_DISMISSALS: '2',
      REPUTATION_SUSPENSION_HOURS: '1',
    });
    await system.startApi();
    await system.startWorker();
    admin = await system.login();
    senior = await system.staff(['senior_moderator']);
  });
  afterAll(() => system.stop());

  const from = (address: string) => ({ 'x-forwarded-for': address });

  async function caseOf(reportId: string): Promise<{ id: string; priority: number; breakdown: { factor: string; points: number }[] }> {
    const caseId = await waitFor(
      async () => (await system.sql(`SELECT case_id FROM reports WHERE id = $1 AND status <> 'received'`, [reportId]))[0]?.case_id,
      { what: `report ${reportId} to be triaged` },
    );
    const [row] = await system.sql(`SELECT id, priority, priority_breakdown FROM cases WHERE id = $1`, [caseId]);
    return { id: row.id, priority: row.priority, breakdown: row.priority_breakdown };
  }

  /** Files one report per channel from `address` and dismisses each case; returns the reporter's pseudonym. */
  async function fileAndDismiss(address: string, channels: string[]): Promise<string> {
    const caseIds: string[] = [];
    for (const channel of channels) {
      const filed = await system.request('POST', '/v1/reports', { body: reportBody({ channel }), headers: from(address) });
      expect(filed.status).toBe(202);
      caseIds.push((await caseOf(filed.body.id)).id);
    }
    const decided = await system.request('POST', '/v1/cases/bulk-decisions', { token: senior.token, body: { ...dismiss, caseIds } });
    expect(decided.status).toBe(200);
    expect(decided.body.results.every((r: { result: string }) => r.result === 'decided')).toBe(true);
    await system.decisionsApplied();
    const [row] = await system.sql(`SELECT reporter_pseudonym FROM reports WHERE case_id = $1`, [caseIds[0]]);
    return row.reporter_pseudonym;
  }

  const standing = (pseudonym: string, token = admin) =>
    system.request('GET', `/v1/admin/reporters/${encodeURIComponent(pseudonym)}`, { token });

  it('does not let a brigade of identical public reports from 40 fresh clients outrank one trusted flagger', async () => {
    const body = reportBody({ channel: 'https://t.me/independent_news_desk', category: 'propaganda' });
    const brigade = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        system.request('POST', '/v1/reports', { body, headers: from(`198.51.100.${i + 1}`) }),
      ),
    );
    expect(brigade.map((r) => r.status)).toEqual(Array(40).fill(202));

    const key = await system.request('POST', '/v1/admin/api-keys', {
      token: admin,
      body: { name: 'Flagger', role: 'trusted_flagger', organization: 'Counter-extremism NGO' },
    });
    const flagged = await system.request('POST', '/v1/reports', {
      body: reportBody({ channel: 'https://t.me/actual_propaganda_outlet', category: 'propaganda' }),
      headers: { 'x-api-key': key.body.key },
    });
    expect(flagged.status).toBe(202);

    const flaggedCase = await caseOf(flagged.body.id);
    await waitFor(async () => (await system.sql(`SELECT 1 FROM reports WHERE status = 'received'`)).length === 0, {
      what: 'the brigade to be triaged',
    });
    const brigadeCase = await caseOf(brigade[0].body.id);
    const [counts] = await system.sql(`SELECT report_count, distinct_reporters FROM cases WHERE id = $1`, [brigadeCase.id]);
    expect(counts).toEqual({ report_count: 40, distinct_reporters: 40 });
    expect(brigadeCase.breakdown).toContainEqual(expect.objectContaining({ factor: 'distinct_reporters', points: 15 }));
    expect(brigadeCase.priority).toBeLessThan(flaggedCase.priority);
  });

  it('marks down, warns, then suspends a reporter whose reports keep being dismissed, and audits both', async () => {
    const serial = '192.0.2.10';
    const pseudonym = await fileAndDismiss(serial, ['https://t.me/rep_a', 'https://t.me/rep_b', 'https://t.me/rep_c']);

    const warned = await standing(pseudonym);
    expect(warned.status).toBe(200);
    expect(warned.body).toEqual({
      pseudonym,
      status: 'warned',
      reports: 3,
      decidedCases: 3,
      dismissedCases: 3,
      dismissedShare: 1,
      priorityPoints: -20,
      warnedAt: expect.any(String),
      suspendedUntil: null,
      suspensions: 0,
    });
    expect(JSON.stringify(warned.body)).not.toContain(serial);
    const warnings = await system.sql(`SELECT actor_id, data FROM audit_events WHERE action = 'reporter.warned' AND target_id = $1`, [pseudonym]);
    // Recorded by the worker as it applied the third decision, which the event names.
    expect(warnings).toEqual([
      { actor_id: null, data: expect.objectContaining({ decidedCases: 3, dismissedCases: 3, decidedCaseId: expect.any(String) }) },
    ]);

    // The warned reporter is told so, and its next report is marked down against the same report from a newcomer.
    const next = await system.request('POST', '/v1/reports', { body: reportBody({ channel: 'https://t.me/rep_d' }), headers: from(serial) });
    expect(next.status).toBe(202);
    expect(next.body.warning).toMatch(/no violation/);
    const fresh = await system.request('POST', '/v1/reports', { body: reportBody({ channel: 'https://t.me/rep_e' }), headers: from('192.0.2.99') });
    expect(fresh.body.warning).toBeUndefined();
    const [markedDown, neutral] = [await caseOf(next.body.id), await caseOf(fresh.body.id)];
    expect(markedDown.breakdown).toContainEqual(expect.objectContaining({ factor: 'reporter_reputation', points: -20 }));
    expect(markedDown.priority).toBe(neutral.priority - 20);

    // Two more dismissals after the warning: suspended.
    await system.request('POST', '/v1/cases/bulk-decisions', { token: senior.token, body: { ...dismiss, caseIds: [markedDown.id] } });
    await system.decisionsApplied();
    await fileAndDismiss(serial, ['https://t.me/rep_f']);
    const suspended = await standing(pseudonym);
    expect(suspended.body).toMatchObject({ status: 'suspended', decidedCases: 5, dismissedCases: 5, suspensions: 1 });
    const until = Date.parse(suspended.body.suspendedUntil);
    expect(until).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(until).toBeLessThanOrEqual(Date.now() + 60 * 60_000);
    expect(await system.sql(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'reporter.suspended' AND target_id = $1`, [pseudonym])).toEqual([{ n: 1 }]);

    const before = await system.sql(`SELECT count(*)::int AS n FROM reports`);
    const refused = await system.request('POST', '/v1/reports', { body: reportBody({ channel: 'https://t.me/rep_g' }), headers: from(serial) });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ statusCode: 403, error: 'Forbidden', message: expect.stringMatching(/suspended until/) });
    expect(await system.sql(`SELECT count(*)::int AS n FROM reports`)).toEqual(before);
    // Someone else is not affected.
    const other = await system.request('POST', '/v1/reports', { body: reportBody({ channel: 'https://t.me/rep_g' }), headers: from('192.0.2.11') });
    expect(other.status).toBe(202);

    // An admin lifts the suspension, with a reason; the reporter files again, and a second lift is a conflict.
    const admin = await system.login();
    const path = `/v1/admin/reporters/${encodeURIComponent(pseudonym)}/reinstate`;
    expect((await system.request('POST', path, { token: admin, body: { reason: 'short' } })).status).toBe(400);
    expect((await system.request('POST', path, { token: senior.token, body: { reason: 'Complaint 9/2026 upheld.' } })).status).toBe(403);
    const lifted = await system.request('POST', path, { token: admin, body: { reason: 'Complaint 9/2026 upheld on review.' } });
    expect(lifted.status).toBe(200);
    expect(lifted.body).toMatchObject({ pseudonym, status: 'warned', suspendedUntil: null, suspensions: 1 });
    const [event] = await system.sql(`SELECT data FROM audit_events WHERE action = 'reporter.reinstated' AND target_id = $1`, [pseudonym]);
    expect(event.data).toMatchObject({ reason: 'Complaint 9/2026 upheld on review.', suspendedUntil: expect.any(String) });
    const again = await system.request('POST', '/v1/reports', { body: reportBody({ channel: 'https://t.me/rep_g2' }), headers: from(serial) });
    expect(again.status).toBe(202);
    expect((await system.request('POST', path, { token: admin, body: { reason: 'Complaint 9/2026 upheld on review.' } })).status).toBe(409);
    const nobody = '/v1/admin/reporters/reporter%2300000000/reinstate';
    expect((await system.request('POST', nobody, { token: admin, body: { reason: 'Complaint 9/2026 upheld on review.' } })).status).toBe(404);
  });

  it('does not count actioned cases against a reporter', async () => {
    const address = '192.0.2.20';
    const caseIds: string[] = [];
    for (const channel of ['https://t.me/good_a', 'https://t.me/good_b', 'https://t.me/good_c']) {
      const filed = await system.request('POST', '/v1/reports', { body: reportBody({ channel }), headers: from(address) });
      caseIds.push((await caseOf(filed.body.id)).id);
    }
    const takedown = { ...dismiss, action: 'takedown', reason: 'Distributes claims of responsibility for attacks.' };
    await system.request('POST', '/v1/cases/bulk-decisions', { token: senior.token, body: { ...takedown, caseIds } });
    await system.decisionsApplied();
    const [row] = await system.sql(`SELECT reporter_pseudonym FROM reports WHERE case_id = $1`, [caseIds[0]]);
    const view = await standing(row.reporter_pseudonym);
    expect(view.body).toMatchObject({ status: 'good_standing', decidedCases: 3, dismissedCases: 0, priorityPoints: 0 });
  });

  it('marks a case down only while every one of its reporters is discredited, whoever joined it first', async () => {
    const discredited = '192.0.2.30';
    await fileAndDismiss(discredited, ['https://t.me/rep_h', 'https://t.me/rep_i', 'https://t.me/rep_j']);
    const points = (c: { breakdown: { factor: string; points: number }[] }) =>
      c.breakdown.find((f) => f.factor === 'reporter_reputation')?.points ?? 0;
    const file = async (channel: string, address: string) => {
      const filed = await system.request('POST', '/v1/reports', { body: reportBody({ channel }), headers: from(address) });
      expect(filed.status).toBe(202);
      return caseOf(filed.body.id);
    };

    // The discredited reporter first: marked down; a reporter in good standing joins: no longer.
    expect(points(await file('https://t.me/rep_k', discredited))).toBe(-20);
    expect(points(await file('https://t.me/rep_k', '192.0.2.31'))).toBe(0);
    // A reporter in good standing first: the discredited one joining changes nothing.
    expect(points(await file('https://t.me/rep_l', '192.0.2.32'))).toBe(0);
    expect(points(await file('https://t.me/rep_l', discredited))).toBe(0);
  });

  it('shows standings to admins only, and answers 404 for unknown or malformed pseudonyms', async () => {
    const [row] = await system.sql(`SELECT reporter_pseudonym FROM reports LIMIT 1`);
    const moderator = await system.staff(['moderator']);
    const auditor = await system.staff(['auditor']);
    expect((await standing(row.reporter_pseudonym, moderator.token)).status).toBe(403);
    expect((await standing(row.reporter_pseudonym, auditor.token)).status).toBe(403);
    expect((await system.request('GET', `/v1/admin/reporters/${encodeURIComponent(row.reporter_pseudonym)}`)).status).toBe(401);
    // The bare hex digits work as well.
    expect((await standing(row.reporter_pseudonym.slice('reporter#'.length))).status).toBe(200);
    for (const unknown of ['reporter#00000000', 'nobody', '../users', "reporter#1' OR '1'='1"]) {
      const response = await standing(unknown);
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    }
  });
});
