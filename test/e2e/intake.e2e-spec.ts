import { reportBody, TestSystem, waitFor } from '../support/test-system';

describe('report intake (POST /v1/reports, GET /v1/reports/:id)', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.create();
    await system.startApi();
  });
  afterAll(() => system.stop());

  const countReports = async () => Number((await system.sql(`SELECT count(*) AS n FROM reports`))[0].n);

  it('acknowledges a report with 202 only once it is committed, with its audit event and request id', async () => {
    const response = await system.request('POST', '/v1/reports', {
      body: reportBody({ channel: 'https://t.me/s/Amaq_Agency_News?before=12', subscribers: 5400 }),
      headers: { 'x-request-id': 'req-intake-1' },
    });
    expect(response.status).toBe(202);
    expect(response.headers.get('x-request-id')).toBe('req-intake-1');
    expect(response.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'received',
      trackingToken: expect.any(String),
      channel: { platform: 'telegram', key: 'telegram:amaq_agency_news', url: 'https://t.me/amaq_agency_news' },
    });
    const [row] = await system.sql(`SELECT * FROM reports WHERE id = $1`, [response.body.id]);
    expect(row).toMatchObject({ source: 'public', category: 'propaganda', subscribers: 5400 });
    expect(row.tracking_token_hash).not.toContain(response.body.trackingToken);
    expect(row.reporter_pseudonym).toMatch(/^reporter#[0-9a-f]{8}$/);
    const events = await system.sql(`SELECT * FROM audit_events WHERE target_id = $1`, [response.body.id]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: 'report.received', actor_role: 'public', request_id: 'req-intake-1' });
  });

  it('never reflects a malformed X-Request-Id', async () => {
    const response = await system.request('GET', '/health/live', { headers: { 'x-request-id': 'bad id <script>' } });
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  describe('idempotency', () => {
    it('answers the same Idempotency-Key and body with the same report, stored once', async () => {
      const body = reportBody({ channel: 'https://t.me/idem_channel_a' });
      const headers = { 'idempotency-key': 'idem-a-1' };
      const first = await system.request('POST', '/v1/reports', { body, headers });
      const second = await system.request('POST', '/v1/reports', { body, headers });
      expect(first.status).toBe(202);
      expect(second.status).toBe(202);
      expect(second.body).toEqual(first.body);
      const rows = await system.sql(`SELECT id FROM reports WHERE idempotency_key = 'idem-a-1'`);
      expect(rows).toEqual([{ id: first.body.id }]);
    });

    it('refuses the same Idempotency-Key with another body (409) and stores nothing', async () => {
      const headers = { 'idempotency-key': 'idem-b-1' };
      await system.request('POST', '/v1/reports', { body: reportBody({ channel: 'https://t.me/idem_channel_b' }), headers });
      const before = await countReports();
      const other = await system.request('POST', '/v1/reports', {
        body: reportBody({ channel: 'https://t.me/idem_channel_b', category: 'recruitment' }),
        headers,
      });
      expect(other.status).toBe(409);
      expect(other.body).toMatchObject({ statusCode: 409, error: 'Conflict' });
      expect(await countReports()).toBe(before);
    });

    it('stores one report for 10 concurrent retries with one key', async () => {
      const body = reportBody({ channel: 'https://t.me/idem_channel_c' });
      const headers = { 'idempotency-key': 'idem-c-concurrent' };
      const responses = await Promise.all(
        Array.from({ length: 10 }, () => system.request('POST', '/v1/reports', { body, headers })),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(10).fill(202));
      expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
      const rows = await system.sql(`SELECT id FROM reports WHERE idempotency_key = 'idem-c-concurrent'`);
      expect(rows).toHaveLength(1);
      const events = await system.sql(`SELECT id FROM audit_events WHERE target_id = $1`, [rows[0].id]);
      expect(events).toHaveLength(1);
    });

    it('treats the same key without a body change from another scope as a new report', async () => {
      // The key is scoped to the anonymous intake here; an unrelated key is a separate report.
      const body = reportBody({ channel: 'https://t.me/idem_channel_d' });
      const a = await system.request('POST', '/v1/reports', { body, headers: { 'idempotency-key': 'idem-d-1' } });
      const b = await system.request('POST', '/v1/reports', { body, headers: { 'idempotency-key': 'idem-d-2' } });
      expect(a.body.id).not.toBe(b.body.id);
    });

    it('rejects a malformed Idempotency-Key', async () => {
      const response = await system.request('POST', '/v1/reports', {
        body: reportBody(),
        headers: { 'idempotency-key': 'x'.repeat(129) },
      });
      expect(response.status).toBe(400);
    });
  });

  describe('validation: every bad input is a 400 in the error shape and stores nothing', () => {
    const long = (n: number) => 'a'.repeat(n);
    const cases: [string, Record<string, unknown>][] = [
      ['a missing channel', { channel: undefined }],
      ['an empty channel', { channel: '   ' }],
      ['a channel that is not a string', { channel: 42 }],
      ['a javascript: channel', { channel: 'javascript:alert(1)' }],
      ['an unrecognised host without platform', { channel: 'https://example.org/some_channel' }],
      ['a bare handle without platform', { channel: '@some_channel' }],
      ['a link with no channel name', { channel: 'https://t.me/' }],
      ['an over-long channel', { channel: `https://t.me/${long(3000)}` }],
      ['an unknown platform', { platform: 'myspace' }],
      ['a platform that contradicts the link', { channel: 'https://t.me/example_channel', platform: 'vk' }],
      ['a missing category', { category: undefined }],
      ['an unknown category', { category: 'spam' }],
      ['a missing description', { description: undefined }],
      ['a blank description', { description: '   ' }],
      ['a description over 5000 characters', { description: long(5001) }],
      ['an organization over 200 characters', { organization: long(201) }],
      ['evidence that is not an array', { evidenceUrls: 'https://t.me/x/1' }],
      ['a javascript: evidence URL', { evidenceUrls: ['javascript:alert(1)'] }],
      ['an ftp evidence URL', { evidenceUrls: ['ftp://example.org/file'] }],
      ['more than 20 evidence URLs', { evidenceUrls: Array.from({ length: 21 }, (_, i) => `https://t.me/x/${i}`) }],
      ['an evidence URL over 2048 characters', { evidenceUrls: [`https://example.org/${long(2048)}`] }],
      ['a language that is not BCP 47', { language: 'arabic language' }],
      ['negative subscribers', { subscribers: -1 }],
      ['fractional subscribers', { subscribers: 1.5 }],
      ['subscribers as a string', { subscribers: '1200' }],
      ['a reporter contact that is not an email', { reporterContact: 'not-an-email' }],
      ['an unknown field', { priority: 100 }],
      ['a removal order that is not a boolean', { removalOrder: 'yes' }],
    ];

    it.each(cases)('rejects %s', async (_, overrides) => {
      const before = await countReports();
      const response = await system.request('POST', '/v1/reports', { body: reportBody(overrides) });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.anything() });
      expect(await countReports()).toBe(before);
    });

    it('says why a channel is not recognised', async () => {
      const response = await system.request('POST', '/v1/reports', { body: reportBody({ channel: '@some_channel' }) });
      expect(String(response.body.message)).toMatch(/platform/);
    });

    it('rejects malformed JSON with 400', async () => {
      const response = await system.request('POST', '/v1/reports', {
        rawBody: '{"channel": ',
        headers: { 'content-type': 'application/json' },
      });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    });

    it('rejects a body that is not a JSON object', async () => {
      const response = await system.request('POST', '/v1/reports', { body: ['not', 'an', 'object'] });
      expect(response.status).toBe(400);
    });

    it('refuses a removal order from anyone but a referral unit (403)', async () => {
      const before = await countReports();
      const response = await system.request('POST', '/v1/reports', { body: reportBody({ removalOrder: true }) });
      expect(response.status).toBe(403);
      expect(await countReports()).toBe(before);
    });

    it('answers a wrong X-Api-Key with 401, never a silent public report', async () => {
      const before = await countReports();
      const response = await system.request('POST', '/v1/reports', {
        body: reportBody(),
        headers: { 'x-api-key': 'vgl_not_a_real_key' },
      });
      expect(response.status).toBe(401);
      expect(await countReports()).toBe(before);
    });

    it('answers a body over 64 KiB with 413 and stores nothing', async () => {
      const before = await countReports();
      const response = await system.request('POST', '/v1/reports', {
        body: reportBody({ description: 'x'.repeat(70 * 1024) }),
      });
      expect(response.status).toBe(413);
      expect(response.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
      expect(await countReports()).toBe(before);
    });
  });

  describe('status for the reporter', () => {
    it('shows the report to the holder of its tracking token', async () => {
      const created = await system.request('POST', '/v1/reports', { body: reportBody({ channel: 'https://t.me/status_probe' }) });
      const response = await system.request('GET', `/v1/reports/${created.body.id}`, {
        headers: { 'x-tracking-token': created.body.trackingToken },
      });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ id: created.body.id, status: 'received', receivedAt: expect.any(String) });
    });

    it('gives the same 404 for a wrong token, a missing token, an unknown id and a malformed id', async () => {
      const created = await system.request('POST', '/v1/reports', { body: reportBody({ channel: 'https://t.me/status_probe_2' }) });
      const wrong = await system.request('GET', `/v1/reports/${created.body.id}`, {
        headers: { 'x-tracking-token': 'not-the-token' },
      });
      const missing = await system.request('GET', `/v1/reports/${created.body.id}`);
      const unknown = await system.request('GET', `/v1/reports/00000000-0000-4000-8000-000000000000`, {
        headers: { 'x-tracking-token': created.body.trackingToken },
      });
      const malformed = await system.request('GET', `/v1/reports/..%2F..%2Fetc`, {
        headers: { 'x-tracking-token': created.body.trackingToken },
      });
      for (const response of [wrong, missing, unknown, malformed]) {
        expect(response.status).toBe(404);
        expect(response.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
      }
      expect(wrong.body.message).toBe(unknown.body.message);
    });
  });

  describe('group commit (one intake statement in flight, so concurrent reports share the next)', () => {
    let grouped: TestSystem;

    beforeAll(async () => {
      grouped = await TestSystem.create({ INTAKE_BATCH_MAX_IN_FLIGHT: '1' });
      await grouped.startApi();
    });
    afterAll(() => grouped.stop());

    it('answers concurrent reports as if sent one by one, in fewer transactions, each with one audit event', async () => {
      const retried = reportBody({ channel: 'https://t.me/grouped_retried' });
      const responses = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          grouped.request('POST', '/v1/reports', {
            body: i < 6 ? retried : reportBody({ channel: `https://t.me/grouped_${i % 4}` }),
            headers: { 'x-request-id': `req-grouped-${i}`, ...(i < 6 ? { 'idempotency-key': 'grouped-retry' } : {}) },
          }),
        ),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(40).fill(202));
      expect(new Set(responses.slice(0, 6).map((r) => r.body.id)).size).toBe(1);
      const ids = [...new Set(responses.map((r) => r.body.id))];
      expect(ids).toHaveLength(35);

      const rows = await grouped.sql(
        `SELECT r.id, r.xmin::text AS tx, count(e.id)::int AS events, min(e.request_id) AS request_id
         FROM reports r LEFT JOIN audit_events e ON e.target_id = r.id::text AND e.action = 'report.received'
         GROUP BY r.id, r.xmin`,
      );
      expect(rows.map((r) => r.id).sort()).toEqual([...ids].sort());
      expect(rows.every((r) => r.events === 1)).toBe(true);
      for (const [i, response] of responses.entries()) {
        if (i >= 6) expect(rows.find((r) => r.id === response.body.id)?.request_id).toBe(`req-grouped-${i}`);
      }
      expect(new Set(rows.map((r) => r.tx)).size).toBeLessThan(35);
      const channels = await grouped.sql(`SELECT canonical_key FROM channels ORDER BY canonical_key`);
      expect(channels.map((c) => c.canonical_key)).toEqual([
        'telegram:grouped_0',
        'telegram:grouped_1',
        'telegram:grouped_2',
        'telegram:grouped_3',
        'telegram:grouped_retried',
      ]);
    });
  });

  it('keeps acknowledged reports when the worker is not running (they wait as received)', async () => {
    const created = await system.request('POST', '/v1/reports', { body: reportBody({ channel: 'https://t.me/waiting_probe' }) });
    const row = await waitFor(async () => (await system.sql(`SELECT status FROM reports WHERE id = $1`, [created.body.id]))[0]);
    expect(row.status).toBe('received');
  });
});
