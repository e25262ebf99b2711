import type { DestinationStream } from 'pino';
import { ADMIN_EMAIL, ADMIN_PASSWORD, HttpResponse, RequestOptions, TestSystem, reportBody, waitFor } from '../support/test-system';
import { WebhookReceiver, webhookEnv } from '../support/webhook-receiver';

/** The log lines both apps write, as written (API.md "Operations": JSON lines with reqId, or jobId and queue). */
class CapturedLogs implements DestinationStream {
  text = '';

  write(chunk: string): void {
    this.text += chunk;
  }

  lines(): string[] {
    return this.text.split('\n').filter((line) => line.length > 0);
  }

  records(): Record<string, any>[] {
    return this.lines().map((line) => JSON.parse(line));
  }
}

interface Sent {
  method: string;
  route: string | null;
  status: number;
  requestId: string;
}

describe('structured logs (API.md "Operations"): JSON lines, an access line per request, job fields, no personal data', () => {
  const logs = new CapturedLogs();
  const sent: Sent[] = [];
  // The client's address as the API sees it (TRUST_PROXY: the proxy's X-Forwarded-For).
  const clientAddress = '203.0.113.77';
  const contacts = ['witness.logprobe.4411@example.org', 'flagger.contact.7723@example.net'];
  const secretInQuery = 'query-secret-5c1e9a77';
  const secrets: string[] = [clientAddress, ...contacts, secretInQuery, ADMIN_EMAIL, ADMIN_PASSWORD];
  let system: TestSystem;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    system = await TestSystem.create(
      { ...webhookEnv(receiver), LOG_LEVEL: 'debug', LOG_FORMAT: 'json', TRUST_PROXY: 'true' },
      { logDestination: logs },
    );
    await system.startApi();
    await system.startWorker();
  });
  afterAll(async () => {
    await system.stop();
    await receiver.stop();
  });

  /** A request from the client's address, remembered with the route pattern its access line must name. */
  async function call(method: string, path: string, route: string | null, options: RequestOptions = {}): Promise<HttpResponse> {
    const response = await system.request(method, path, {
      ...options,
      headers: { 'x-forwarded-for': clientAddress, ...options.headers },
    });
    sent.push({ method, route, status: response.status, requestId: response.headers.get('x-request-id')! });
    return response;
  }

  it('logs the whole flow as JSON lines that carry their request or job, and nothing personal', async () => {
    // Staff: an admin, a moderator (email, password, JWTs), a trusted flagger's API key.
    const adminLogin = await call('POST', '/v1/auth/login', '/v1/auth/login', {
      body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
    });
    expect(adminLogin.status).toBe(200);
    const admin = adminLogin.body.accessToken as string;
    const moderator = await system.staff(['moderator']);
    secrets.push(admin, moderator.token, moderator.email, 'a long enough password');
    const wrongPassword = 'not-the-password-81f3';
    secrets.push(wrongPassword);
    const refused = await call('POST', '/v1/auth/login', '/v1/auth/login', {
      body: { email: moderator.email, password: wrongPassword },
    });
    expect(refused.status).toBe(401);
    const created = await call('POST', '/v1/admin/api-keys', '/v1/admin/api-keys', {
      token: admin,
      body: { name: 'Log probe', role: 'trusted_flagger', organization: 'Log Probe Org' },
    });
    expect(created.status).toBe(201);
    const apiKey = created.body.key as string;
    secrets.push(apiKey);

    // Reports with reporter contacts, one through the API key; the reporter reads one with its tracking token.
    const filed = await call('POST', '/v1/reports', '/v1/reports', {
      body: reportBody({ channel: 'https://t.me/log_probe_channel', reporterContact: contacts[0] }),
    });
    expect(filed.status).toBe(202);
    const trackingToken = filed.body.trackingToken as string;
    secrets.push(trackingToken);
    const flagged = await call('POST', '/v1/reports', '/v1/reports', {
      body: reportBody({ channel: 'https://t.me/log_probe_channel', reporterContact: contacts[1] }),
      headers: { 'x-api-key': apiKey },
    });
    expect(flagged.status).toBe(202);
    secrets.push(flagged.body.trackingToken);
    const tracked = await call('GET', `/v1/reports/${filed.body.id}?token=${secretInQuery}`, '/v1/reports/:id', {
      headers: { 'x-tracking-token': trackingToken },
    });
    expect(tracked.status).toBe(200);
    // A path no route matches is not logged as its URL either.
    expect((await call('GET', `/v1/nowhere/${secretInQuery}`, null)).status).toBe(404);
    const caseId = await waitFor(
      async () =>
        (await system.sql(`SELECT case_id FROM reports WHERE id = $1 AND status <> 'received'`, [filed.body.id]))[0]
          ?.case_id as string | undefined,
      { what: 'the report to be triaged' },
    );

    // A decision whose notices to both reporters go out through the worker; the first delivery fails once.
    receiver.answer('/notify', 500);
    expect((await call('POST', `/v1/cases/${caseId}/claim`, '/v1/cases/:id/claim', { token: moderator.token })).status).toBe(200);
    const decision = await call('POST', `/v1/cases/${caseId}/decisions`, '/v1/cases/:id/decisions', {
      token: moderator.token,
      body: { action: 'takedown', policy: 'TVEC-1', reason: 'Official propaganda outlet of a designated group.' },
    });
    expect(decision.status).toBe(201);
    await waitFor(
      async () => receiver.on('/notify').filter((d) => d.body.kind === 'reporter_outcome').length >= 2 || null,
      { what: 'both reporters’ notices' },
    );
    expect((await call('GET', '/health/live', '/health/live')).status).toBe(200);
    // The access line is written once the response is sent; wait until the last request's line is in.
    const last = sent[sent.length - 1].requestId;
    await waitFor(async () => logs.records().some((r) => r.reqId === last && r.msg === 'request completed'), {
      what: 'the last access line',
    });

    // (a) Every line is one JSON object with a level, a time and a message.
    const records = logs.records();
    for (const record of records) {
      expect(record).toEqual(expect.objectContaining({ level: expect.any(String), time: expect.any(String), msg: expect.any(String) }));
    }

    // (b) Each request: one access line, its route pattern, status, duration and the X-Request-Id the client got.
    for (const request of sent) {
      const access = records.filter((r) => r.msg === 'request completed' && r.reqId === request.requestId);
      expect(access).toEqual([
        expect.objectContaining({
          method: request.method,
          route: request.route,
          status: request.status,
          durationMs: expect.any(Number),
          reqId: request.requestId,
          level: request.route === '/health/live' ? 'debug' : 'info',
        }),
      ]);
      // Those fields and no others: no headers, address, URL or fields of another line.
      expect(Object.keys(access[0]).sort()).toEqual(['durationMs', 'level', 'method', 'msg', 'name', 'reqId', 'route', 'status', 'time']);
    }
    // A line logged while a request with a body is handled carries its request id.
    const failedLogin = records.filter((r) => r.msg.startsWith('Failed login'));
    expect(failedLogin).toEqual([expect.objectContaining({ reqId: refused.headers.get('x-request-id'), level: 'warn' })]);

    // (c) Lines logged inside a job carry its id, queue and name: the processors' own and the use-cases' they call.
    const jobLines = records.filter((r) => r.jobId !== undefined);
    for (const line of jobLines) {
      expect(line).toEqual(expect.objectContaining({ jobId: expect.any(String), queue: expect.any(String), jobName: expect.any(String) }));
      expect(line.reqId).toBeUndefined();
    }
    const doneIn = (queue: string, jobName: string) =>
      jobLines.filter((r) => r.queue === queue && r.jobName === jobName && r.msg.startsWith('Job done'));
    expect(doneIn('triage', 'triage-report').length).toBeGreaterThanOrEqual(2);
    expect(doneIn('notifications', 'notify').length).toBeGreaterThanOrEqual(2);
    expect(jobLines.filter((r) => r.queue === 'notifications' && r.msg.startsWith('Job failed'))).toHaveLength(1);
    expect(jobLines.some((r) => r.queue === 'audit' && /^Sealed \d+ audit event/.test(r.msg))).toBe(true);

    // (d) No line holds an email, a contact, a password, a key, a token or the client's address.
    const raw = logs.text;
    for (const secret of secrets) expect({ secret, found: raw.includes(secret) }).toEqual({ secret, found: false });
    expect(raw).not.toMatch(/bearer|x-api-key|x-tracking-token|x-forwarded-for/i);
    expect(raw).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
  });
});
