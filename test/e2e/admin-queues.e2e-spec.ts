// Queues for operators: GET /v1/admin/queues and Bull Board at /admin/queues (API.md, Operations v1.1) — counts from
// real work, admin only (bearer token or the console's board session cookie), read-only, and a 503 without Redis.
import { JwtService } from '@nestjs/jwt';
import { ALL_QUEUES, QueueName } from '@vigil/queues';
import { OwnRedis } from '../support/own-redis';
import { freePort, HttpResponse, reportBody, TestSystem, waitFor } from '../support/test-system';

const BOARD_COOKIE = 'vigil_queue_board';

/** The board session token a POST /v1/admin/queues/board-session answer sets, and the Set-Cookie itself. */
function boardCookie(response: HttpResponse): { token: string; setCookie: string } {
  const setCookie = response.headers.get('set-cookie') ?? '';
  const token = new RegExp(`^${BOARD_COOKIE}=([^;]+)`).exec(setCookie)?.[1];
  if (!token) throw new Error(`no board cookie in ${JSON.stringify(setCookie)}`);
  return { token, setCookie };
}

const cookie = (token: string) => ({ cookie: `${BOARD_COOKIE}=${token}` });

describe('queues for operators', () => {
  let system: TestSystem;
  let admin: string;
  let moderator: string;

  async function counts(): Promise<Record<string, Record<string, number>>> {
    const response = await system.request('GET', '/v1/admin/queues', { token: admin });
    expect(response.status).toBe(200);
    return Object.fromEntries(response.body.queues.map((q: { name: string }) => [q.name, q]));
  }

  async function openBoard(token: string): Promise<HttpResponse> {
    return system.request('POST', '/v1/admin/queues/board-session', { token });
  }

  beforeAll(async () => {
    system = await TestSystem.create();
    await system.startApi(); // the worker later, so that jobs wait first
    admin = await system.login();
    moderator = (await system.staff(['moderator'])).token;
  });
  afterAll(() => system.stop());

  it('counts every queue’s jobs, and the counts move with real work (waiting, delayed, then completed)', async () => {
    const response = await system.request('GET', '/v1/admin/queues', { token: admin });
    expect(response.status).toBe(200);
    expect(response.body.queues.map((q: { name: string }) => q.name)).toEqual([...ALL_QUEUES]);
    const idle = { waiting: 0, active: 0, delayed: 0, failed: 0, completed: 0 };
    expect(response.body.queues[0]).toEqual({ name: 'triage', ...idle });

    const body = reportBody({ channel: 't.me/counted_channel' });
    const filed = await system.request('POST', '/v1/reports', { body });
    expect(filed.status).toBe(202);
    expect((await counts()).triage).toMatchObject({ waiting: 1, completed: 0 });

    const notifications = system.queue(QueueName.Notifications);
    try {
      await notifications.add('notify', { notificationId: 'none' }, { jobId: 'notify-later', delay: 3_600_000 });
    } finally {
      await notifications.close();
    }
    expect((await counts()).notifications).toMatchObject({ delayed: 1, waiting: 0 });

    await system.startWorker();
    await waitFor(async () => {
      const triage = (await counts()).triage;
      return triage.waiting === 0 && triage.active === 0 && triage.completed === 1;
    }, { what: 'the triage job to show as completed' });
    expect((await counts()).notifications.delayed).toBe(1);
  });

  it('refuses non-admins on /v1/admin/queues and every part of the board: 401 anonymous, 403 other roles', async () => {
    const page = await system.request('GET', '/admin/queues/', { token: admin });
    const asset = /src="(static\/js\/[^"]+\.js)"/.exec(page.text)?.[1];
    expect(asset).toBeDefined();
    const paths = [
      '/v1/admin/queues',
      '/admin/queues',
      '/admin/queues/',
      `/admin/queues/${asset}`,
      '/admin/queues/api/queues',
      '/admin/queues/api/queues/triage/triage-none',
      '/admin/queues/queue/triage',
      '/admin/queues/no-such-page',
    ];
    for (const path of paths) {
      const anonymous = await system.request('GET', path);
      const wrongRole = await system.request('GET', path, { token: moderator });
      const forged = await system.request('GET', path, { headers: cookie('not-a-token') });
      expect({ path, anonymous: anonymous.status, wrongRole: wrongRole.status, forged: forged.status }).toEqual({
        path,
        anonymous: 401,
        wrongRole: 403,
        forged: 401,
      });
      expect(anonymous.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.any(String) });
      expect(wrongRole.body).toEqual({ statusCode: 403, error: 'Forbidden', message: expect.any(String) });
    }
    // The asset is real: an admin gets it.
    expect((await system.request('GET', `/admin/queues/${asset}`, { token: admin })).status).toBe(200);
    expect((await openBoard(moderator)).status).toBe(403);
    expect((await system.request('POST', '/v1/admin/queues/board-session')).status).toBe(401);
  });

  it('serves an admin with a bearer token the board’s page (own CSP, no third party) and its API', async () => {
    const page = await system.request('GET', '/admin/queues', { token: admin });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).toContain('<title>Vigil queues</title>');
    expect(page.text).not.toContain('googleapis');
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);

    const api = await system.request('GET', '/admin/queues/api/queues', { token: admin });
    expect(api.status).toBe(200);
    expect(api.body.queues.map((q: { name: string }) => q.name).sort()).toEqual([...ALL_QUEUES].sort());
    expect(api.body.queues.every((q: { readOnlyMode: boolean }) => q.readOnlyMode)).toBe(true);
    // The console keeps its own pages: the board route did not swallow them, nor they the board.
    for (const path of ['/admin/users', '/admin/api-keys']) {
      const consolePage = await system.request('GET', path);
      expect(consolePage.headers.get('content-security-policy')).toMatch(/^default-src 'self';/);
      expect(consolePage.text).not.toContain('Vigil queues');
    }
  });

  it('opens a board session: an HttpOnly, SameSite=Strict cookie for /admin/queues only, audited', async () => {
    const opened = await openBoard(admin);
    expect(opened.status).toBe(200);
    expect(opened.body).toEqual({ url: '/admin/queues/', expiresIn: 600 });
    const { token, setCookie } = boardCookie(opened);
    expect(setCookie).toContain('Path=/admin/queues');
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).toContain('Max-Age=600');
    expect(setCookie).not.toContain('Secure'); // only with NODE_ENV=production
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    expect(claims.exp - claims.iat).toBe(600);

    const events = await system.sql(
      `SELECT actor_role, target_type, target_id FROM audit_events WHERE action = 'queues.board_opened'`,
    );
    const adminId = (await system.sql(`SELECT id FROM users WHERE email = 'admin@vigil.test'`))[0].id;
    expect(events).toEqual([{ actor_role: 'admin', target_type: 'user', target_id: adminId }]);

    // Works for the board, page and API …
    expect((await system.request('GET', '/admin/queues/', { headers: cookie(token) })).status).toBe(200);
    const api = await system.request('GET', '/admin/queues/api/queues', { headers: cookie(token) });
    expect(api.status).toBe(200);
    // … and nowhere else: not as a cookie on /v1 (the API reads no cookies), not as a bearer token.
    expect((await system.request('GET', '/v1/admin/queues', { headers: cookie(token) })).status).toBe(401);
    expect((await system.request('GET', '/v1/admin/queues', { token })).status).toBe(401);
    expect((await system.request('GET', '/v1/me', { token })).status).toBe(401);
    // Nor does an access token pass for a board session.
    expect((await system.request('GET', '/admin/queues/api/queues', { headers: cookie(admin) })).status).toBe(401);
  });

  it('refuses an expired board session', async () => {
    const jwt = system.api!.get(JwtService, { strict: false });
    const adminId = (await system.sql(`SELECT id FROM users WHERE email = 'admin@vigil.test'`))[0].id;
    const sign = (expiresIn: number) => jwt.sign({ sub: adminId }, { audience: 'vigil:queue-board', expiresIn });
    // Signed by the API's own key: the same token, alive, opens the board, so only its expiry refuses it.
    expect((await system.request('GET', '/admin/queues/api/queues', { headers: cookie(sign(60)) })).status).toBe(200);
    const expired = await system.request('GET', '/admin/queues/api/queues', { headers: cookie(sign(-1)) });
    expect(expired.status).toBe(401);
    expect(expired.body.message).toMatch(/expired/);
  });

  it('re-checks the user on every board request: a lost admin role is a 403, a disabled account a 401', async () => {
    const second = await system.staff(['admin']);
    const { token } = boardCookie(await openBoard(second.token));
    expect((await system.request('GET', '/admin/queues/api/queues', { headers: cookie(token) })).status).toBe(200);

    const demoted = await system.request('PATCH', `/v1/admin/users/${second.id}`, {
      token: admin,
      body: { roles: ['moderator'] },
    });
    expect(demoted.status).toBe(200);
    expect((await system.request('GET', '/admin/queues/api/queues', { headers: cookie(token) })).status).toBe(403);

    const disabled = await system.request('PATCH', `/v1/admin/users/${second.id}`, {
      token: admin,
      body: { roles: ['admin'], disabled: true },
    });
    expect(disabled.status).toBe(200);
    expect((await system.request('GET', '/admin/queues/api/queues', { headers: cookie(token) })).status).toBe(401);
  });

  it('is read-only: the board’s actions are refused (405) for an admin, and nothing changes', async () => {
    const { token } = boardCookie(await openBoard(admin));
    const actions: [string, string][] = [
      ['PUT', '/admin/queues/api/queues/notifications/notify-later/promote'],
      ['PUT', '/admin/queues/api/queues/notifications/promote'],
      ['PUT', '/admin/queues/api/queues/notifications/pause'],
      ['PUT', '/admin/queues/api/queues/pause'],
      ['PUT', '/admin/queues/api/queues/notifications/clean/delayed'],
      ['PUT', '/admin/queues/api/queues/notifications/retry/failed'],
      ['PUT', '/admin/queues/api/queues/notifications/empty'],
      ['PUT', '/admin/queues/api/queues/notifications/obliterate'],
      ['POST', '/admin/queues/api/queues/notifications/add'],
      ['PATCH', '/admin/queues/api/queues/notifications/notify-later/delay'],
    ];
    for (const [method, path] of actions) {
      for (const credentials of [{ authorization: `Bearer ${admin}` }, cookie(token)]) {
        const response = await system.request(method, path, { headers: credentials, body: {} });
        expect({ method, path, status: response.status, body: response.body }).toEqual({
          method,
          path,
          status: 405,
          body: { statusCode: 405, error: 'Method Not Allowed', message: 'the queue board is read-only' },
        });
      }
    }
    const notifications = system.queue(QueueName.Notifications);
    try {
      expect(await notifications.isPaused()).toBe(false);
      expect(await (await notifications.getJob('notify-later'))?.getState()).toBe('delayed');
    } finally {
      await notifications.close();
    }
  });
});

describe('queues for operators while Redis is away', () => {
  let redis: OwnRedis;
  let system: TestSystem;

  beforeAll(async () => {
    redis = new OwnRedis(await freePort());
    await redis.start();
    system = await TestSystem.create({ REDIS_URL: redis.url });
    await system.startApi();
  });
  afterAll(async () => {
    await system.stop();
    await redis.stop();
  });

  it('answers 503 in the error shape, promptly, on /v1/admin/queues and the board’s API', async () => {
    const admin = await system.login(); // the login throttle needs Redis
    expect((await system.request('GET', '/v1/admin/queues', { token: admin })).status).toBe(200);
    await redis.stop();
    for (const path of ['/v1/admin/queues', '/admin/queues/api/queues']) {
      const started = Date.now();
      const response = await system.request('GET', path, { token: admin });
      expect({ path, status: response.status }).toEqual({ path, status: 503 });
      expect(response.body).toEqual({ statusCode: 503, error: 'Service Unavailable', message: expect.any(String) });
      expect(Date.now() - started).toBeLessThan(5_000);
    }
    // And back once Redis is (the API's connections reconnect by themselves).
    await redis.start();
    await waitFor(async () => (await system.request('GET', '/v1/admin/queues', { token: admin })).status === 200, {
      what: 'the counts to answer again',
    });
  });
});
