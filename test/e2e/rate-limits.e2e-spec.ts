import { dropDatabase } from '@vigil/database';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { ADMIN_EMAIL, ADMIN_PASSWORD, HttpResponse, reportBody, TestSystem } from '../support/test-system';

const countReports = async (system: TestSystem) => Number((await system.sql(`SELECT count(*) AS n FROM reports`))[0].n);

function expectRateLimited(response: HttpResponse, maxSeconds: number): void {
  expect(response.status).toBe(429);
  expect(response.body).toEqual({ statusCode: 429, error: 'Too Many Requests', message: expect.any(String) });
  expect(response.headers.get('retry-after')).toMatch(/^[1-9][0-9]*$/);
  expect(Number(response.headers.get('retry-after'))).toBeLessThanOrEqual(maxSeconds);
}

async function createKey(system: TestSystem, admin: string, role = 'trusted_flagger'): Promise<string> {
  const response = await system.request('POST', '/v1/admin/api-keys', {
    token: admin,
    body: { name: `${role} ${randomBytes(3).toString('hex')}`, role, organization: 'Partner' },
  });
  expect(response.status).toBe(201);
  return response.body.key;
}

describe('rate limits, login throttling and response hardening', () => {
  // Behind no proxy: X-Forwarded-For is ignored, every request here comes from 127.0.0.1.
  let direct: TestSystem;
  // Behind a trusted proxy: the client address is taken from X-Forwarded-For; CORS allowed for one origin.
  let proxied: TestSystem;

  beforeAll(async () => {
    [direct, proxied] = await Promise.all([
      TestSystem.create({ RATE_LIMIT_PUBLIC_PER_MINUTE: '3', RATE_LIMIT_KEY_PER_MINUTE: '5' }),
      TestSystem.create({
        RATE_LIMIT_PUBLIC_PER_MINUTE: '3',
        TRUST_PROXY: 'true',
        CORS_ORIGINS: 'https://console.example.org',
      }),
    ]);
    await Promise.all([direct.startApi(), proxied.startApi()]);
  });
  afterAll(() => Promise.all([direct.stop(), proxied.stop()]));

  describe('report intake limits', () => {
    it('refuses the 4th public report from one address within a minute (429, Retry-After) and stores nothing', async () => {
      for (let i = 0; i < 3; i++) {
        const accepted = await direct.request('POST', '/v1/reports', { body: reportBody({ channel: `https://t.me/rl_probe_${i}` }) });
        expect(accepted.status).toBe(202);
      }
      const before = await countReports(direct);
      const refused = await direct.request('POST', '/v1/reports', { body: reportBody({ channel: 'https://t.me/rl_probe_4' }) });
      expectRateLimited(refused, 60);
      // Invalid bodies count too, and are refused before validation.
      expectRateLimited(await direct.request('POST', '/v1/reports', { body: { nonsense: true } }), 60);
      expect(await countReports(direct)).toBe(before);
    });

    it('does not limit reading a report’s status or other routes', async () => {
      expect((await direct.request('GET', '/health/live')).status).toBe(200);
      const status = await direct.request('GET', '/v1/reports/00000000-0000-4000-8000-000000000000', {
        headers: { 'x-tracking-token': 'x' },
      });
      expect(status.status).toBe(404);
    });

    it('ignores X-Forwarded-For without TRUST_PROXY: a forged address shares the spent budget', async () => {
      const response = await direct.request('POST', '/v1/reports', {
        body: reportBody({ channel: 'https://t.me/rl_forged' }),
        headers: { 'x-forwarded-for': '203.0.113.77' },
      });
      expectRateLimited(response, 60);
    });

    it('gives each API key its own budget (RATE_LIMIT_KEY_PER_MINUTE)', async () => {
      const admin = await direct.login();
      const [first, second] = [await createKey(direct, admin), await createKey(direct, admin, 'referral_unit')];
      // The address's public budget is spent, yet the key files its five.
      for (let i = 0; i < 5; i++) {
        const accepted = await direct.request('POST', '/v1/reports', {
          body: reportBody({ channel: `https://t.me/rl_key_${i}` }),
          headers: { 'x-api-key': first },
        });
        expect(accepted.status).toBe(202);
      }
      const before = await countReports(direct);
      const refused = await direct.request('POST', '/v1/reports', {
        body: reportBody({ channel: 'https://t.me/rl_key_6' }),
        headers: { 'x-api-key': first },
      });
      expectRateLimited(refused, 60);
      expect(await countReports(direct)).toBe(before);
      const other = await direct.request('POST', '/v1/reports', {
        body: reportBody({ channel: 'https://t.me/rl_key_other' }),
        headers: { 'x-api-key': second },
      });
      expect(other.status).toBe(202);
    });

    it('with TRUST_PROXY, gives each X-Forwarded-For client address its own budget', async () => {
      const from = (address: string, i: number) =>
        proxied.request('POST', '/v1/reports', {
          body: reportBody({ channel: `https://t.me/rl_proxied_${address.replace(/\./g, '_')}_${i}` }),
          headers: { 'x-forwarded-for': address },
        });
      for (let i = 0; i < 3; i++) expect((await from('203.0.113.1', i)).status).toBe(202);
      expectRateLimited(await from('203.0.113.1', 4), 60);
      expect((await from('203.0.113.2', 1)).status).toBe(202);
      // The address the proxy appended is the one that counts, whatever the client put before it.
      const spoofed = await proxied.request('POST', '/v1/reports', {
        body: reportBody({ channel: 'https://t.me/rl_proxied_spoof' }),
        headers: { 'x-forwarded-for': '10.9.9.9, 203.0.113.1' },
      });
      expect(spoofed.status).toBe(429);
    });
  });

  describe('login throttling', () => {
    const login = (email: string, password: string, address: string) =>
      proxied.request('POST', '/v1/auth/login', { body: { email, password }, headers: { 'x-forwarded-for': address } });

    it('after 5 failures for an account, answers 429 with Retry-After even for the right password, from any address', async () => {
      const staff = await proxied.staff(['moderator']);
      for (let i = 0; i < 5; i++) expect((await login(staff.email, 'wrong password!', '198.51.100.10')).status).toBe(401);
      const right = await login(staff.email, 'a long enough password', '198.51.100.10');
      expectRateLimited(right, 15 * 60);
      expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
      expect(right.text).not.toContain('accessToken');
      expectRateLimited(await login(staff.email.toUpperCase(), 'a long enough password', '198.51.100.11'), 15 * 60);
      // Another account from the same address is not affected.
      expect((await login(ADMIN_EMAIL, ADMIN_PASSWORD, '198.51.100.10')).status).toBe(200);
    });

    it('throttles an unknown email exactly like a known one, so throttling reveals no accounts', async () => {
      const unknown = `nobody-${randomBytes(3).toString('hex')}@vigil.test`;
      const answers = [];
      for (let i = 0; i < 6; i++) answers.push(await login(unknown, 'wrong password!', '198.51.100.12'));
      expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401, 401, 429]);
    });

    it('clears an account’s failures on a successful login', async () => {
      const staff = await proxied.staff(['auditor']);
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < 4; i++) expect((await login(staff.email, 'wrong password!', '198.51.100.13')).status).toBe(401);
        expect((await login(staff.email, 'a long enough password', '198.51.100.13')).status).toBe(200);
      }
    });

    it('after 20 failures from one address, whatever the accounts, refuses that address only', async () => {
      for (let i = 0; i < 20; i++) {
        const response = await login(`spray-${i}@vigil.test`, 'Winter2026!', '198.51.100.20');
        expect(response.status).toBe(401);
      }
      expectRateLimited(await login(ADMIN_EMAIL, ADMIN_PASSWORD, '198.51.100.20'), 15 * 60);
      expect((await login(ADMIN_EMAIL, ADMIN_PASSWORD, '198.51.100.21')).status).toBe(200);
    });
  });

  describe('responses', () => {
    it('carry security headers on success, client errors and 404s alike', async () => {
      const responses = [
        await direct.request('GET', '/health/live'),
        await direct.request('GET', '/v1/cases'),
        await direct.request('GET', '/v1/nothing-here'),
      ];
      expect(responses.map((r) => r.status)).toEqual([200, 401, 404]);
      for (const response of responses) {
        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
        expect(response.headers.get('x-frame-options')).toBe('DENY');
        expect(response.headers.get('referrer-policy')).toBe('no-referrer');
        expect(response.headers.get('content-security-policy')).toMatch(/^default-src 'none'/);
        expect(response.headers.get('strict-transport-security')).toBeNull(); // production only
      }
    });

    it('keep the OpenAPI UI working under its own content security policy', async () => {
      const page = await direct.request('GET', '/docs');
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(page.text).not.toMatch(/<script>(?!\s*<\/script>)/); // no inline script the policy would block
      const bundle = await direct.request('GET', '/docs/swagger-ui-init.js');
      expect(bundle.status).toBe(200);
    });

    it('have CORS off by default: no Access-Control-Allow-Origin for any origin', async () => {
      const preflight = await direct.request('OPTIONS', '/v1/reports', {
        headers: { origin: 'https://console.example.org', 'access-control-request-method': 'POST' },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
      const simple = await direct.request('GET', '/health/live', { headers: { origin: 'https://console.example.org' } });
      expect(simple.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('allow cross-origin calls only from the CORS_ORIGINS listed', async () => {
      const allowed = await proxied.request('OPTIONS', '/v1/reports', {
        headers: { origin: 'https://console.example.org', 'access-control-request-method': 'POST' },
      });
      expect(allowed.status).toBe(204);
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://console.example.org');
      expect(allowed.headers.get('access-control-allow-headers')).toMatch(/x-api-key/i);
      const other = await proxied.request('OPTIONS', '/v1/reports', {
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    });

    it('never carry a stack trace or internal detail in a 500', async () => {
      // Break the schema under the running API so that authenticating an API key fails unexpectedly.
      await direct.sql(`ALTER TABLE api_keys RENAME TO api_keys_hidden`);
      try {
        const response = await direct.request('POST', '/v1/reports', {
          body: reportBody(),
          headers: { 'x-api-key': `vgl_0123456789abcdef_${'A'.repeat(43)}` },
        });
        expect(response.status).toBe(500);
        expect(response.body).toEqual({
          statusCode: 500,
          error: 'Internal Server Error',
          message: 'Internal server error',
          errorId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        });
        expect(response.text).not.toMatch(/api_keys|relation|stack|\bat \S+:\d+|\.ts\b|node_modules/);
        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      } finally {
        await direct.sql(`ALTER TABLE api_keys_hidden RENAME TO api_keys`);
      }
    });
  });

  it('fails open when Redis is down: public intake and login keep working (Postgres is the system of record)', async () => {
    const broken = await TestSystem.create({ REDIS_URL: 'redis://127.0.0.1:1', RATE_LIMIT_PUBLIC_PER_MINUTE: '1' });
    try {
      await broken.startApi();
      for (let i = 0; i < 3; i++) {
        const response = await broken.request('POST', '/v1/reports', { body: reportBody({ channel: `https://t.me/redis_down_${i}` }) });
        expect(response.status).toBe(202);
      }
      const db = new Client({ connectionString: broken.config.databaseUrl });
      await db.connect();
      expect((await db.query(`SELECT count(*)::int AS n FROM reports`)).rows[0].n).toBe(3);
      await db.end();
      const login = await broken.request('POST', '/v1/auth/login', { body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } });
      expect(login.status).toBe(200);
    } finally {
      // Not broken.stop(): it would clean up keys in the Redis that is not there.
      await broken.stopApi();
      await dropDatabase(broken.config.databaseUrl);
    }
  });
});
