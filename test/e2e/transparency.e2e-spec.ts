// Transparency figures, the DSA statements-of-reasons export and the signed actioned-channels feed, through HTTP
// against the whole system. A small scenario is played through the real flow (reports, triage, claims, decisions,
// an appeal), then its rows are moved to known times in a past day so that every figure can be asserted exactly.
import { CATEGORIES, PLATFORMS, SOURCES } from '@vigil/domain';
import { createPublicKey, verify } from 'node:crypto';
import { TestSystem, waitFor } from '../support/test-system';

const DAY = '2026-10-01';
const BASE = Date.parse(`${DAY}T00:00:00.000Z`);
const at = (minutes: number) => new Date(BASE + minutes * 60_000).toISOString();
const CONTACT = 'whistle.blower.4711@example.org';
const FLAGGER_ORG = 'Flaggers for Transparency Testing';
const LEGAL_GROUND = 'Regulation (EU) 2021/784';

const takedown = { action: 'takedown', policy: 'TVEC-1', reason: 'Publishes claims of responsibility for attacks.', legalGround: LEGAL_GROUND };
const restrict = { action: 'restrict', policy: 'TVEC-3', reason: 'Glorifies attacks; access restricted in the EU.' };
const noViolation = { action: 'no_violation', policy: 'TVEC-0', reason: 'News reporting about an attack, not propaganda.' };
const escalate = { action: 'escalate', policy: 'TVEC-1', reason: 'Unclear whether the organisation is designated.' };

describe('transparency figures, statements-of-reasons export and actioned-channels feed', () => {
  let system: TestSystem;
  let admin: string;
  let auditor: { id: string; token: string };
  let moderator: { id: string; token: string; email: string };
  let senior: { id: string; token: string; email: string };
  let flaggerKey: string;
  let referralKey: string;
  const scenario = {} as Record<'a1' | 'a2' | 'b1' | 'c1' | 'd1' | 'f1', { reportId: string; trackingToken: string; caseId: string }> & {
    decisions: Record<'a' | 'b' | 'c' | 'd', string>;
    appealId: string;
  };

  async function apiKey(role: 'trusted_flagger' | 'referral_unit', organization: string): Promise<string> {
    const created = await system.request('POST', '/v1/admin/api-keys', {
      token: admin,
      body: { name: `${role} for transparency`, role, organization },
    });
    expect(created.status).toBe(201);
    return created.body.key;
  }

  async function decide(caseId: string, body: Record<string, unknown>): Promise<string> {
    expect((await system.request('POST', `/v1/cases/${caseId}/claim`, { token: moderator.token })).status).toBe(200);
    const decided = await system.request('POST', `/v1/cases/${caseId}/decisions`, { token: moderator.token, body });
    expect(decided.status).toBe(201);
    return decided.body.id;
  }

  /** The raw answer: its status, headers and the exact bytes of its body. */
  async function raw(path: string, headers: Record<string, string>) {
    const response = await fetch(`${system.baseUrl}${path}`, { headers });
    return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
  }

  beforeAll(async () => {
    system = await TestSystem.create();
    await system.startApi();
    await system.startWorker();
    admin = await system.login();
    [auditor, moderator, senior] = await Promise.all([
      system.staff(['auditor']),
      system.staff(['moderator']),
      system.staff(['senior_moderator']),
    ]);
    flaggerKey = await apiKey('trusted_flagger', FLAGGER_ORG);
    referralKey = await apiKey('referral_unit', 'Referral Unit for Transparency Testing');

    // Six reports on five channels: A (a public report with a contact, then a trusted flagger's), B on VK, C from a
    // referral unit, D, and F, which will lie before the day.
    scenario.a1 = await system.reportAndTriage({
      channel: 'https://t.me/tr_alpha',
      category: 'propaganda',
      language: 'ar',
      reporterContact: CONTACT,
    });
    scenario.a2 = await system.reportAndTriage(
      { channel: 'https://t.me/s/tr_alpha/12', category: 'recruitment', language: 'ar' },
      { 'x-api-key': flaggerKey },
    );
    expect(scenario.a2.caseId).toBe(scenario.a1.caseId);
    scenario.b1 = await system.reportAndTriage({ channel: 'https://vk.com/tr_beta', category: 'financing' });
    scenario.c1 = await system.reportAndTriage(
      { channel: 'https://t.me/tr_gamma', category: 'attack_claim' },
      { 'x-api-key': referralKey },
    );
    scenario.d1 = await system.reportAndTriage({ channel: 'https://t.me/tr_delta', category: 'glorification' });
    scenario.f1 = await system.reportAndTriage({ channel: 'https://t.me/tr_foxtrot', category: 'other' });

    scenario.decisions = {
      a: await decide(scenario.a1.caseId, takedown),
      b: await decide(scenario.b1.caseId, restrict),
      c: await decide(scenario.c1.caseId, noViolation),
      d: await decide(scenario.d1.caseId, escalate),
    };
    const caseStatus = async (id: string) => (await system.sql(`SELECT status FROM cases WHERE id = $1`, [id]))[0].status;
    await waitFor(async () => (await caseStatus(scenario.a1.caseId)) === 'closed', { what: 'case A closed' });
    const appeal = await system.request('POST', '/v1/appeals', {
      body: { decisionId: scenario.decisions.a, token: scenario.a1.trackingToken, reason: 'This is a news channel, not propaganda.' },
    });
    expect(appeal.status).toBe(201);
    scenario.appealId = appeal.body.id;
    const resolved = await system.request('POST', `/v1/appeals/${scenario.appealId}/resolve`, {
      token: senior.token,
      body: { outcome: 'reversed', reason: 'The channel reports on attacks; it does not claim them.' },
    });
    expect(resolved.status).toBe(200);
    await waitFor(
      async () => {
        const [{ pending }] = await system.sql(
          `SELECT (SELECT count(*) FROM enforcements WHERE status = 'pending')
                + (SELECT count(*) FROM notifications WHERE status = 'pending') AS pending`,
        );
        return Number(pending) === 0;
      },
      { what: 'enforcements and notices to settle' },
    );

    // Move everything to known times on DAY (F the day before): minutes after midnight UTC.
    const moveReport = (id: string, minutes: number) =>
      system.sql(`UPDATE reports SET received_at = $2, triaged_at = $2 WHERE id = $1`, [id, at(minutes)]);
    const moveCase = (id: string, opened: number, due: number, decided: number | null) =>
      system.sql(`UPDATE cases SET opened_at = $2, sla_due_at = $3, decided_at = $4 WHERE id = $1`, [
        id,
        at(opened),
        at(due),
        decided === null ? null : at(decided),
      ]);
    const moveDecision = (id: string, minutes: number) =>
      system.sql(`UPDATE decisions SET created_at = $2 WHERE id = $1`, [id, at(minutes)]);
    await moveReport(scenario.a1.reportId, 0);
    await moveReport(scenario.a2.reportId, 10);
    await moveReport(scenario.b1.reportId, 60);
    await moveReport(scenario.c1.reportId, 120);
    await moveReport(scenario.d1.reportId, 240);
    await moveReport(scenario.f1.reportId, -24 * 60);
    await moveCase(scenario.a1.caseId, 0, 72 * 60, 30); // decided in 30 min, deadline far away
    await moveCase(scenario.b1.caseId, 60, 120, 180); // deadline at 02:00, decided at 03:00: a breach
    await moveCase(scenario.c1.caseId, 120, 180, 130); // decided in 10 min, before its deadline
    await moveCase(scenario.d1.caseId, 240, 360, null); // escalated, still undecided at its deadline: a breach
    await moveCase(scenario.f1.caseId, -24 * 60, 48 * 60, null); // deadline the day after: not in the day
    await moveDecision(scenario.decisions.a, 30);
    await moveDecision(scenario.decisions.b, 180);
    await moveDecision(scenario.decisions.c, 130);
    await moveDecision(scenario.decisions.d, 300);
    await system.sql(`UPDATE appeals SET created_at = $2, resolved_at = $3 WHERE id = $1`, [
      scenario.appealId,
      at(50),
      at(300),
    ]);
  }, 120_000);
  afterAll(() => system.stop());

  const zero = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

  describe('GET /v1/transparency', () => {
    it('counts the day exactly: reports, cases, decisions, time to decision, appeals and SLA breaches', async () => {
      const response = await system.request('GET', `/v1/transparency?from=${DAY}T00:00:00Z&to=2026-10-02T00:00:00Z`, {
        token: auditor.token,
      });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        from: '2026-10-01T00:00:00.000Z',
        to: '2026-10-02T00:00:00.000Z',
        generatedAt: expect.any(String),
        reports: {
          total: 5,
          bySource: { public: 3, trusted_flagger: 1, referral_unit: 1 },
          byCategory: { ...zero(CATEGORIES), propaganda: 1, recruitment: 1, financing: 1, attack_claim: 1, glorification: 1 },
          byPlatform: { ...zero(PLATFORMS), telegram: 4, vk: 1 },
        },
        cases: { opened: 4, decided: 3 },
        decisions: { takedown: 1, restrict: 1, no_violation: 1, escalate: 1 },
        // 600, 1,800 and 7,200 seconds from each case's first report to its decision.
        timeToDecision: { medianSeconds: 1800, p90Seconds: 7200, withinOneHourPct: 66.7 },
        appeals: { filed: 1, reversed: 1 },
        slaBreaches: 2,
        migrations: { suspected: 0, confirmed: 0, rejected: 0, medianHoursToReappear: null },
      });
    });

    it('leaves out what happened before a later from: only the events from 01:00 on count', async () => {
      const response = await system.request('GET', `/v1/transparency?from=${at(60)}&to=${at(24 * 60)}`, { token: admin });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        reports: {
          total: 3,
          bySource: { ...zero(SOURCES), public: 2, referral_unit: 1 },
          byCategory: { ...zero(CATEGORIES), financing: 1, attack_claim: 1, glorification: 1 },
          byPlatform: { ...zero(PLATFORMS), telegram: 2, vk: 1 },
        },
        cases: { opened: 3, decided: 2 },
        decisions: { takedown: 0, restrict: 1, no_violation: 1, escalate: 1 },
        timeToDecision: { medianSeconds: 600, p90Seconds: 7200, withinOneHourPct: 50 },
        // Filed at 00:50, before the range; reversed at 05:00, inside it.
        appeals: { filed: 0, reversed: 1 },
        slaBreaches: 2,
      });
    });

    it('answers a range with nothing in it with zeros and nulls, and cuts ranges at to (excluded)', async () => {
      const empty = await system.request('GET', `/v1/transparency?from=2026-09-01&to=2026-09-02`, { token: admin });
      expect(empty.body).toMatchObject({
        reports: { total: 0, bySource: zero(SOURCES), byCategory: zero(CATEGORIES), byPlatform: zero(PLATFORMS) },
        cases: { opened: 0, decided: 0 },
        decisions: { takedown: 0, restrict: 0, no_violation: 0, escalate: 0 },
        timeToDecision: { medianSeconds: null, p90Seconds: null, withinOneHourPct: null },
        appeals: { filed: 0, reversed: 0 },
        slaBreaches: 0,
      });
      // To exactly at the takedown (00:30): the takedown belongs to the next range.
      const cut = await system.request('GET', `/v1/transparency?from=${DAY}&to=${at(30)}`, { token: admin });
      expect(cut.body.decisions.takedown).toBe(0);
      const next = await system.request('GET', `/v1/transparency?from=${at(30)}&to=${at(31)}`, { token: admin });
      expect(next.body.decisions.takedown).toBe(1);
    });

    it('covers the last 30 days up to now by default, and up to now when only from is given', async () => {
      const before = Date.now();
      const response = await system.request('GET', '/v1/transparency', { token: admin });
      expect(response.status).toBe(200);
      const from = Date.parse(response.body.from);
      const to = Date.parse(response.body.to);
      expect(to - from).toBe(30 * 86_400_000);
      expect(to).toBeGreaterThanOrEqual(before - 1000);
      expect(to).toBeLessThanOrEqual(Date.now() + 1000);
      const onlyFrom = await system.request('GET', '/v1/transparency?from=2026-11-01T00:00:00Z', { token: admin });
      expect(onlyFrom.body.from).toBe('2026-11-01T00:00:00.000Z');
      expect(Date.parse(onlyFrom.body.to)).toBeGreaterThanOrEqual(before - 1000);
    });

    it('shows no personal data', async () => {
      const response = await system.request('GET', `/v1/transparency?from=${DAY}&to=2026-10-02`, { token: admin });
      expect(response.text).not.toContain(CONTACT);
      expect(response.text).not.toContain('reporter#');
    });
  });

  describe('GET /v1/exports/statements-of-reasons', () => {
    const path = (from: string, to: string) =>
      `/v1/exports/statements-of-reasons?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;

    it('streams one DSA statement of reasons per takedown and restriction of the range, as NDJSON', async () => {
      const response = await raw(path(`${DAY}T00:00:00Z`, '2026-10-02T00:00:00Z'), { authorization: `Bearer ${auditor.token}` });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
      expect(response.headers.get('content-disposition')).toBe(
        'attachment; filename="statements-of-reasons_20261001T000000Z_20261002T000000Z.ndjson"',
      );
      const text = response.body.toString('utf8');
      expect(text.endsWith('\n')).toBe(true);
      const lines = text.split('\n').filter(Boolean).map((line) => JSON.parse(line));
      const [{ kind: vkKind }] = await system.sql(`SELECT kind FROM channels WHERE canonical_key = 'vk:tr_beta'`);
      const eea = ['AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FR', 'GR', 'HR', 'HU', 'IE'];
      eea.push('IS', 'IT', 'LI', 'LT', 'LU', 'LV', 'MT', 'NL', 'NO', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK');
      expect(lines).toEqual([
        {
          decision_visibility: ['DECISION_VISIBILITY_CONTENT_REMOVED'],
          end_date_visibility_restriction: DAY, // reversed on appeal that day
          decision_ground: 'DECISION_GROUND_ILLEGAL_CONTENT',
          illegal_content_legal_ground: LEGAL_GROUND,
          illegal_content_explanation: takedown.reason,
          content_type: ['CONTENT_TYPE_OTHER'],
          content_type_other: 'telegram channel',
          category: 'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY',
          category_specification: ['KEYWORD_TERRORIST_CONTENT'],
          territorial_scope: eea,
          content_language: 'AR',
          content_date: DAY,
          application_date: DAY,
          decision_facts: takedown.reason,
          source_type: 'SOURCE_TRUSTED_FLAGGER',
          automated_detection: 'No',
          automated_decision: 'AUTOMATED_DECISION_NOT_AUTOMATED',
          puid: scenario.decisions.a,
        },
        {
          decision_visibility: ['DECISION_VISIBILITY_CONTENT_DISABLED'],
          end_date_visibility_restriction: null,
          decision_ground: 'DECISION_GROUND_INCOMPATIBLE_CONTENT',
          incompatible_content_ground: 'TVEC-3',
          incompatible_content_explanation: restrict.reason,
          content_type: ['CONTENT_TYPE_OTHER'],
          content_type_other: `vk ${vkKind}`,
          category: 'STATEMENT_CATEGORY_RISK_FOR_PUBLIC_SECURITY',
          category_specification: ['KEYWORD_TERRORIST_CONTENT'],
          territorial_scope: eea,
          content_language: expect.stringMatching(/^[A-Z]{2}$/),
          content_date: DAY,
          application_date: DAY,
          decision_facts: restrict.reason,
          source_type: 'SOURCE_ARTICLE_16',
          automated_detection: 'No',
          automated_decision: 'AUTOMATED_DECISION_NOT_AUTOMATED',
          puid: scenario.decisions.b,
        },
      ]);
    });

    it('carries no personal data: no reporter contact, pseudonym, token, reviewer or channel name', async () => {
      const response = await raw(path('2020-01-01', '2030-01-01'), { authorization: `Bearer ${admin}` });
      expect(response.status).toBe(200);
      const text = response.body.toString('utf8');
      expect(text.split('\n').filter(Boolean).length).toBeGreaterThanOrEqual(2);
      for (const secret of [
        CONTACT,
        'reporter#',
        scenario.a1.trackingToken,
        moderator.id,
        moderator.email,
        senior.id,
        FLAGGER_ORG,
        'tr_alpha',
        'tr_beta',
      ]) {
        expect({ secret, found: text.includes(secret) }).toEqual({ secret, found: false });
      }
    });

    it('leaves out decisions outside the range, and answers an empty range with an empty body', async () => {
      const later = await raw(path(at(60), at(24 * 60)), { authorization: `Bearer ${admin}` });
      const lines = later.body.toString('utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
      expect(lines.map((l) => l.puid)).toEqual([scenario.decisions.b]);
      const empty = await raw(path('2026-09-01', '2026-09-02'), { authorization: `Bearer ${admin}` });
      expect(empty.status).toBe(200);
      expect(empty.body.length).toBe(0);
    });

    it('streams a range longer than one batch without losing or repeating a decision', async () => {
      // Inserted straight into the table (the API would take minutes for this many): 1,234 restrictions on case F,
      // many sharing one microsecond, on a day of their own.
      const [{ n }] = await system.sql(
        `WITH inserted AS (
           INSERT INTO decisions (case_id, action, policy, reason, decided_by, created_at)
           SELECT $1, 'restrict', 'TVEC-3', 'Bulk restriction for the batching test.', $2,
                  '2025-06-01T00:00:00Z'::timestamptz + (i / 7) * interval '1 microsecond'
           FROM generate_series(1, 1234) AS i
           RETURNING 1)
         SELECT count(*)::int AS n FROM inserted`,
        [scenario.f1.caseId, moderator.id],
      );
      expect(n).toBe(1234);
      const response = await raw(path('2025-06-01', '2025-06-02'), { authorization: `Bearer ${admin}` });
      const puids = response.body.toString('utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line).puid);
      expect(puids).toHaveLength(1234);
      expect(new Set(puids).size).toBe(1234);
      const expected = await system.sql(
        `SELECT id FROM decisions WHERE created_at >= '2025-06-01' AND created_at < '2025-06-02' ORDER BY created_at, id`,
      );
      expect(puids).toEqual(expected.map((row: { id: string }) => row.id));
    });
  });

  describe('GET /v1/feeds/actioned-channels', () => {
    const keyHeaders = () => ({ 'x-api-key': flaggerKey });

    it('lists the channels taken down, and with includeRestores their reversals, signed over the exact body bytes', async () => {
      // By default only takedowns, as API.md describes the feed: a client that ignores `action` acts rightly.
      const takedowns = await raw('/v1/feeds/actioned-channels', keyHeaders());
      expect(JSON.parse(takedowns.body.toString('utf8')).items.map((i: { id: string; action: string }) => [i.id, i.action])).toEqual([
        [scenario.decisions.a, 'takedown'],
      ]);
      const response = await raw('/v1/feeds/actioned-channels?includeRestores=true', keyHeaders());
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      const body = JSON.parse(response.body.toString('utf8'));
      const channel = { platform: 'telegram', key: 'telegram:tr_alpha', url: 'https://t.me/tr_alpha', kind: 'channel' };
      const common = { channel, category: 'recruitment', policy: 'TVEC-1', legalGround: LEGAL_GROUND, decisionId: scenario.decisions.a };
      expect(body).toEqual({
        since: null,
        generatedAt: expect.any(String),
        items: [
          { id: scenario.decisions.a, action: 'takedown', actionedAt: at(30), ...common },
          { id: scenario.appealId, action: 'restore', actionedAt: at(300), ...common },
        ],
        nextCursor: null,
      });

      const key = await system.request('GET', '/v1/feeds/signing-key', { headers: keyHeaders() });
      expect(key.status).toBe(200);
      expect(key.body).toEqual({ keyId: expect.stringMatching(/^[0-9a-f]{16}$/), algorithm: 'Ed25519', publicKey: expect.stringContaining('BEGIN PUBLIC KEY') });
      expect(response.headers.get('x-vigil-feed-key-id')).toBe(key.body.keyId);
      expect(response.headers.get('x-vigil-feed-signature-algorithm')).toBe('Ed25519');
      // The same key as the audit checkpoints.
      const checkpoint = await system.request('POST', '/v1/audit/checkpoints', { token: admin });
      expect(checkpoint.status).toBe(201);
      expect(checkpoint.body).toMatchObject({ keyId: key.body.keyId, publicKey: key.body.publicKey });

      const signature = Buffer.from(response.headers.get('x-vigil-feed-signature')!, 'base64');
      expect(signature).toHaveLength(64);
      const publicKey = createPublicKey(key.body.publicKey);
      expect(verify(null, response.body, publicKey, signature)).toBe(true);
      for (const index of [0, Math.floor(response.body.length / 2), response.body.length - 1]) {
        const tampered = Buffer.from(response.body);
        tampered[index] ^= 0x01;
        expect(verify(null, tampered, publicKey, signature)).toBe(false);
      }
    });

    it('starts at since, pages with limit and cursor, and signs every page', async () => {
      const since = await raw(`/v1/feeds/actioned-channels?includeRestores=true&since=${encodeURIComponent(at(60))}`, keyHeaders());
      const sinceBody = JSON.parse(since.body.toString('utf8'));
      expect(sinceBody.since).toBe(at(60));
      expect(sinceBody.items.map((i: { action: string }) => i.action)).toEqual(['restore']);

      const publicKey = createPublicKey((await system.request('GET', '/v1/feeds/signing-key', { token: admin })).body.publicKey);
      const first = await raw('/v1/feeds/actioned-channels?includeRestores=true&limit=1', { 'x-api-key': referralKey });
      const firstBody = JSON.parse(first.body.toString('utf8'));
      expect(firstBody.items.map((i: { id: string }) => i.id)).toEqual([scenario.decisions.a]);
      expect(firstBody.nextCursor).toEqual(expect.any(String));
      const second = await raw(`/v1/feeds/actioned-channels?includeRestores=true&limit=1&cursor=${firstBody.nextCursor}`, {
        authorization: `Bearer ${admin}`,
      });
      const secondBody = JSON.parse(second.body.toString('utf8'));
      expect(secondBody.items.map((i: { id: string }) => i.id)).toEqual([scenario.appealId]);
      expect(secondBody.nextCursor).toBeNull();
      for (const page of [since, first, second]) {
        const signature = Buffer.from(page.headers.get('x-vigil-feed-signature')!, 'base64');
        expect(verify(null, page.body, publicKey, signature)).toBe(true);
      }
    });

    it('carries no personal data', async () => {
      const response = await raw('/v1/feeds/actioned-channels?includeRestores=true', keyHeaders());
      const text = response.body.toString('utf8');
      for (const secret of [CONTACT, 'reporter#', scenario.a1.trackingToken, moderator.id, moderator.email, senior.id, FLAGGER_ORG]) {
        expect({ secret, found: text.includes(secret) }).toEqual({ secret, found: false });
      }
    });
  });

  describe('who may call them', () => {
    const callers = () => ({
      anonymous: {},
      moderator: { authorization: `Bearer ${moderator.token}` },
      senior_moderator: { authorization: `Bearer ${senior.token}` },
      auditor: { authorization: `Bearer ${auditor.token}` },
      admin: { authorization: `Bearer ${admin}` },
      trusted_flagger: { 'x-api-key': flaggerKey },
      referral_unit: { 'x-api-key': referralKey },
    });
    const ALLOWED: Record<string, string[]> = {
      '/v1/transparency': ['auditor', 'admin'],
      '/v1/exports/statements-of-reasons': ['auditor', 'admin'],
      '/v1/feeds/actioned-channels': ['trusted_flagger', 'referral_unit', 'admin'],
      '/v1/feeds/signing-key': ['trusted_flagger', 'referral_unit', 'admin'],
    };

    it.each(Object.keys(ALLOWED))('answers %s with 401 anonymous, 403 for a wrong role, 200 for the right ones', async (path) => {
      const expected: Record<string, number> = {};
      const actual: Record<string, number> = {};
      for (const [caller, headers] of Object.entries(callers())) {
        expected[caller] = caller === 'anonymous' ? 401 : ALLOWED[path].includes(caller) ? 200 : 403;
        actual[caller] = (await system.request('GET', path, { headers })).status;
      }
      expect(actual).toEqual(expected);
    });

    it('refuses a revoked key at once (401)', async () => {
      const created = await system.request('POST', '/v1/admin/api-keys', {
        token: admin,
        body: { name: 'short-lived', role: 'trusted_flagger', organization: 'Revoked' },
      });
      expect((await system.request('GET', '/v1/feeds/actioned-channels', { headers: { 'x-api-key': created.body.key } })).status).toBe(200);
      expect((await system.request('DELETE', `/v1/admin/api-keys/${created.body.id}`, { token: admin })).status).toBe(204);
      expect((await system.request('GET', '/v1/feeds/actioned-channels', { headers: { 'x-api-key': created.body.key } })).status).toBe(401);
    });
  });

  it('is described in the OpenAPI document: NDJSON export, signature headers and how to verify them', async () => {
    const doc = await system.request('GET', '/docs-json');
    const paths = doc.body.paths;
    expect(paths['/v1/transparency'].get.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/TransparencyReportDto',
    });
    expect(Object.keys(paths['/v1/exports/statements-of-reasons'].get.responses['200'].content)).toEqual([
      'application/x-ndjson',
    ]);
    const feed = paths['/v1/feeds/actioned-channels'].get;
    expect(Object.keys(feed.responses['200'].headers)).toEqual([
      'X-Vigil-Feed-Signature',
      'X-Vigil-Feed-Key-Id',
      'X-Vigil-Feed-Signature-Algorithm',
    ]);
    expect(feed.description).toContain('exactly the bytes of the response body');
    expect(feed.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['cursor', 'includeRestores', 'limit', 'since']);
    expect(paths['/v1/feeds/signing-key'].get.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/FeedSigningKeyDto',
    });
  });

  describe('bad input is a 400 in the error shape', () => {
    const forged = Buffer.from(JSON.stringify(['2026-13-45T00:00:00.000Z', '00000000-0000-0000-0000-000000000000'])).toString('base64url');
    it.each([
      ['/v1/transparency?from=yesterday'],
      ['/v1/transparency?from=2026-02-30T00:00:00Z'],
      ['/v1/transparency?to=2026-10-01T00:00:00'], // no offset
      ['/v1/transparency?from=2026-W40'],
      ['/v1/transparency?from=2026-10-02T00:00:00Z&to=2026-10-01T00:00:00Z'], // from after to
      ['/v1/transparency?from=2026-10-01T00:00:00Z&to=2026-10-01T00:00:00Z'], // empty range
      ['/v1/transparency?from=2999-01-01T00:00:00Z'], // from in the future, to defaults to now
      ['/v1/transparency?since=2026-10-01'], // unknown parameter
      ['/v1/transparency?from=0000-01-01'],
      ['/v1/exports/statements-of-reasons?from=not-a-time'],
      ['/v1/exports/statements-of-reasons?from=2026-10-02&to=2026-10-01'],
      ['/v1/exports/statements-of-reasons?format=csv'],
      ['/v1/feeds/actioned-channels?since=last-tuesday'],
      ['/v1/feeds/actioned-channels?since=2026-10-01T00:00:00'], // no offset
      ['/v1/feeds/actioned-channels?since=%2B275760-09-13T00:00:00Z'],
      ['/v1/feeds/actioned-channels?limit=0'],
      ['/v1/feeds/actioned-channels?limit=201'],
      [`/v1/feeds/actioned-channels?cursor=${forged}`],
      ['/v1/feeds/actioned-channels?cursor=not-base64!'],
      ['/v1/feeds/actioned-channels?from=2026-10-01'], // unknown parameter
      ['/v1/feeds/actioned-channels?includeRestores=yes'],
    ])('refuses %s', async (path) => {
      const response = await system.request('GET', path, { token: admin });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/json');
      expect(response.body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.anything() });
    });
  });
});
