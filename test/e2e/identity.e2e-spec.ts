import { systemContext } from '@vigil/audit';
import { ResetPassword } from '@vigil/identity';
import { ADMIN_EMAIL, ADMIN_PASSWORD, TestSystem } from '../support/test-system';

describe('staff identity: login, /v1/me, admin users, roles', () => {
  let system: TestSystem;
  let admin: string;

  beforeAll(async () => {
    system = await TestSystem.create();
    await system.startApi();
    admin = await system.login();
  });
  afterAll(() => system.stop());

  it('bootstraps the first admin from the environment, audited, with an argon2id hash', async () => {
    const [user] = await system.sql(`SELECT id, roles, password_hash FROM users WHERE email = $1`, [ADMIN_EMAIL]);
    expect(user.roles).toEqual(['admin']);
    expect(user.password_hash).toMatch(/^\$argon2id\$/);
    const events = await system.sql(
      `SELECT action, actor_role FROM audit_events WHERE target_id = $1 AND action <> 'auth.login_succeeded'`,
      [user.id],
    );
    expect(events).toEqual([{ action: 'user.created', actor_role: 'system' }]);
  });

  it('logs in with email and password and returns a bearer token and the user', async () => {
    const response = await system.request('POST', '/v1/auth/login', {
      body: { email: ADMIN_EMAIL.toUpperCase(), password: ADMIN_PASSWORD },
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      accessToken: expect.any(String),
      tokenType: 'Bearer',
      expiresIn: 900,
      user: { email: ADMIN_EMAIL, roles: ['admin'], displayName: expect.any(String), languages: [] },
    });
    expect(JSON.stringify(response.body)).not.toMatch(/password/i);
  });

  it('gives one 401 message for an unknown email and a wrong password alike', async () => {
    const unknown = await system.request('POST', '/v1/auth/login', {
      body: { email: 'nobody@vigil.test', password: ADMIN_PASSWORD },
    });
    const wrong = await system.request('POST', '/v1/auth/login', {
      body: { email: ADMIN_EMAIL, password: 'wrong password here' },
    });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    expect(unknown.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
  });

  it('answers GET /v1/me with the caller', async () => {
    const me = await system.request('GET', '/v1/me', { token: admin });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: ADMIN_EMAIL, roles: ['admin'] });
  });

  it('creates a staff user (201, audited) and refuses the same email again (409)', async () => {
    const body = {
      email: 'Moderator.One@vigil.test',
      password: 'twelve chars ok',
      displayName: 'Moderator One',
      roles: ['moderator'],
      languages: ['ar', 'en'],
    };
    const created = await system.request('POST', '/v1/admin/users', { token: admin, body });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ email: 'moderator.one@vigil.test', roles: ['moderator'], languages: ['ar', 'en'] });
    const again = await system.request('POST', '/v1/admin/users', { token: admin, body });
    expect(again.status).toBe(409);
    const events = await system.sql(`SELECT action, actor_id FROM audit_events WHERE target_id = $1`, [created.body.id]);
    expect(events).toHaveLength(1);
    expect(events[0].action).toBe('user.created');
    const list = await system.request('GET', '/v1/admin/users', { token: admin });
    expect(list.body.map((u: { email: string }) => u.email)).toContain('moderator.one@vigil.test');
  });

  it.each([
    ['a short password', { password: 'short' }],
    ['an invalid email', { email: 'not-an-email' }],
    ['an unknown role', { roles: ['superuser'] }],
    ['an API-key role', { roles: ['trusted_flagger'] }],
    ['no roles', { roles: [] }],
    ['an unknown field', { isAdmin: true }],
  ])('refuses to create a user with %s (400) and stores nothing', async (_, overrides) => {
    const before = (await system.sql(`SELECT count(*)::int AS n FROM users`))[0].n;
    const response = await system.request('POST', '/v1/admin/users', {
      token: admin,
      body: { email: 'valid@vigil.test', password: 'a long enough password', displayName: 'X', roles: ['moderator'], ...overrides },
    });
    expect(response.status).toBe(400);
    expect((await system.sql(`SELECT count(*)::int AS n FROM users`))[0].n).toBe(before);
  });

  it('stops a disabled user’s tokens at once, and audits the change', async () => {
    const staff = await system.staff(['moderator']);
    expect((await system.request('GET', '/v1/cases', { token: staff.token })).status).toBe(200);
    const patched = await system.request('PATCH', `/v1/admin/users/${staff.id}`, { token: admin, body: { disabled: true } });
    expect(patched.status).toBe(200);
    expect(patched.body.disabled).toBe(true);
    expect((await system.request('GET', '/v1/cases', { token: staff.token })).status).toBe(401);
    const relogin = await system.request('POST', '/v1/auth/login', { body: { email: staff.email, password: 'a long enough password' } });
    expect(relogin.status).toBe(401);
    const [event] = await system.sql(`SELECT data FROM audit_events WHERE target_id = $1 AND action = 'user.updated'`, [staff.id]);
    expect(event.data).toMatchObject({ before: { disabled: false }, after: { disabled: true } });
  });

  it('does not bring a disabled user’s old tokens back when the user is enabled again', async () => {
    const staff = await system.staff(['moderator']);
    const patch = (disabled: boolean) =>
      system.request('PATCH', `/v1/admin/users/${staff.id}`, { token: admin, body: { disabled } });
    expect((await patch(true)).status).toBe(200);
    expect((await patch(false)).status).toBe(200);
    expect((await system.request('GET', '/v1/cases', { token: staff.token })).status).toBe(401);
    const fresh = await system.login(staff.email, 'a long enough password');
    expect((await system.request('GET', '/v1/cases', { token: fresh })).status).toBe(200);
  });

  it('ends every session of a user whose password an operator resets: access tokens and the board session', async () => {
    const staff = await system.staff(['admin']);
    const second = await system.login(staff.email, 'a long enough password');
    const board = await system.request('POST', '/v1/admin/queues/board-session', { token: staff.token });
    const boardToken = /vigil_queue_board=([^;]+)/.exec(board.headers.get('set-cookie') ?? '')?.[1];
    const boardPage = () =>
      system.request('GET', '/admin/queues/api/queues', { headers: { cookie: `vigil_queue_board=${boardToken}` } });
    expect((await boardPage()).status).toBe(200);

    await system.api!.get(ResetPassword).execute({ userId: staff.id, password: 'a brand new long password' }, systemContext());

    for (const token of [staff.token, second]) {
      expect((await system.request('GET', '/v1/me', { token })).status).toBe(401);
    }
    expect((await boardPage()).status).toBe(401);
    const fresh = await system.login(staff.email, 'a brand new long password');
    expect((await system.request('GET', '/v1/me', { token: fresh })).status).toBe(200);
    const [event] = await system.sql(
      `SELECT data FROM audit_events WHERE target_id = $1 AND action = 'user.password_reset'`,
      [staff.id],
    );
    expect(event.data).toEqual({ email: staff.email, sessionsEnded: true });
  });

  it('applies role changes to existing tokens', async () => {
    const staff = await system.staff(['auditor']);
    expect((await system.request('GET', '/v1/cases', { token: staff.token })).status).toBe(403);
    await system.request('PATCH', `/v1/admin/users/${staff.id}`, { token: admin, body: { roles: ['moderator'] } });
    expect((await system.request('GET', '/v1/cases', { token: staff.token })).status).toBe(200);
  });

  it('answers 404 when patching an unknown user', async () => {
    const response = await system.request('PATCH', '/v1/admin/users/00000000-0000-4000-8000-000000000000', {
      token: admin,
      body: { disabled: true },
    });
    expect(response.status).toBe(404);
  });

  describe('authorisation', () => {
    it('answers 401 without a token, with a malformed header and with a forged token', async () => {
      expect((await system.request('GET', '/v1/cases')).status).toBe(401);
      expect((await system.request('GET', '/v1/cases', { headers: { authorization: 'Basic abc' } })).status).toBe(401);
      const forged = `${admin.split('.').slice(0, 2).join('.')}.${'A'.repeat(43)}`;
      expect((await system.request('GET', '/v1/cases', { token: forged })).status).toBe(401);
    });

    it.each([
      ['moderator', 200, 403],
      ['senior_moderator', 200, 403],
      ['auditor', 403, 403],
      ['admin', 200, 200],
    ])('lets a %s list cases (%i) and manage users (%i)', async (role, cases, users) => {
      const token = role === 'admin' ? admin : (await system.staff([role])).token;
      expect((await system.request('GET', '/v1/cases', { token })).status).toBe(cases);
      expect((await system.request('GET', '/v1/admin/users', { token })).status).toBe(users);
    });
  });
});
