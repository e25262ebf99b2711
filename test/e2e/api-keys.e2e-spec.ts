import { createHash } from 'node:crypto';
import { ADMIN_EMAIL, reportBody, TestSystem, waitFor } from '../support/test-system';

interface CreatedKey {
  id: string;
  name: string;
  role: string;
  organization: string;
  key: string;
  keyPrefix: string;
  createdAt: string;
}

describe('API keys: trusted flaggers and referral units (POST/GET/DELETE /v1/admin/api-keys, X-Api-Key)', () => {
  let system: TestSystem;
  let admin: string;
  let adminId: string;

  beforeAll(async () => {
    // Referral units' ordinary reports get 12 hours here, so the one-hour clock of a removal order stands out.
    system = await TestSystem.create({ SLA_REFERRAL_UNIT_HOURS: '12' });
    await system.startApi();
    await system.startWorker();
    admin = await system.login();
    [{ id: adminId }] = await system.sql(`SELECT id FROM users WHERE email = $1`, [ADMIN_EMAIL]);
  });
  afterAll(() => system.stop());

  const countReports = async () => Number((await system.sql(`SELECT count(*) AS n FROM reports`))[0].n);
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

  async function createKey(role: string, organization = 'Europol EU IRU', name = `${role} key`): Promise<CreatedKey> {
    const response = await system.request('POST', '/v1/admin/api-keys', { token: admin, body: { name, role, organization } });
    expect(response.status).toBe(201);
    return response.body;
  }

  const report = (key: string, overrides: Record<string, unknown> = {}) =>
    system.request('POST', '/v1/reports', { body: reportBody(overrides), headers: { 'x-api-key': key } });

  const triaged = (reportId: string) =>
    waitFor(
      async () => {
        const [row] = await system.sql(`SELECT case_id FROM reports WHERE id = $1 AND status = 'triaged'`, [reportId]);
        return row?.case_id as string | undefined;
      },
      { what: `report ${reportId} to be triaged` },
    );

  it('issues a key once (201), stores only its prefix and SHA-256, and audits the creation without the key', async () => {
    const response = await system.request('POST', '/v1/admin/api-keys', {
      token: admin,
      body: { name: '  Flagger One  ', role: 'trusted_flagger', organization: 'Tech Against Terrorism' },
    });
    expect(response.status).toBe(201);
    const created: CreatedKey = response.body;
    expect(created).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'Flagger One',
      role: 'trusted_flagger',
      organization: 'Tech Against Terrorism',
      key: expect.stringMatching(/^vgl_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/),
      keyPrefix: created.key.slice(4, 20),
      createdAt: expect.any(String),
    });
    const secret = created.key.slice(21);

    const [row] = await system.sql(`SELECT * FROM api_keys WHERE id = $1`, [created.id]);
    expect(row).toMatchObject({
      name: 'Flagger One',
      role: 'trusted_flagger',
      key_prefix: created.keyPrefix,
      key_hash: sha256(created.key),
      created_by: adminId,
      revoked_at: null,
    });
    expect(JSON.stringify(row)).not.toContain(secret);

    const list = await system.request('GET', '/v1/admin/api-keys', { token: admin });
    expect(list.status).toBe(200);
    const listed = list.body.find((k: { id: string }) => k.id === created.id);
    expect(listed).toEqual({
      id: created.id,
      name: 'Flagger One',
      role: 'trusted_flagger',
      organization: 'Tech Against Terrorism',
      keyPrefix: created.keyPrefix,
      createdBy: adminId,
      createdAt: created.createdAt,
      revokedAt: null,
    });
    expect(list.text).not.toContain(secret);
    expect(list.text).not.toContain(row.key_hash);

    const events = await system.sql(`SELECT * FROM audit_events WHERE target_id = $1`, [created.id]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'apikey.created',
      actor_id: adminId,
      actor_role: 'admin',
      target_type: 'api_key',
      data: { name: 'Flagger One', role: 'trusted_flagger', organization: 'Tech Against Terrorism', keyPrefix: created.keyPrefix },
    });
    expect(JSON.stringify(events)).not.toContain(secret);
    expect(JSON.stringify(events)).not.toContain(row.key_hash);
  });

  it('files a keyed report with the key’s role as source, the key id, and the organisation as the reporter gave it', async () => {
    const key = await createKey('trusted_flagger', 'Tech Against Terrorism');
    const response = await report(key.key, { channel: 'https://t.me/keyed_probe', organization: 'Hurras al-Din' });
    expect(response.status).toBe(202);
    const [row] = await system.sql(`SELECT source, api_key_id, organization, removal_order FROM reports WHERE id = $1`, [
      response.body.id,
    ]);
    expect(row).toEqual({ source: 'trusted_flagger', api_key_id: key.id, organization: 'Hurras al-Din', removal_order: false });
    const [event] = await system.sql(`SELECT actor_id, actor_role FROM audit_events WHERE target_id = $1`, [response.body.id]);
    expect(event).toEqual({ actor_id: key.id, actor_role: 'trusted_flagger' });
  });

  it('accepts a referral unit’s removal order (202): top priority with the removal_order factor once, one-hour SLA', async () => {
    const key = await createKey('referral_unit');
    const first = await report(key.key, { channel: 'https://t.me/removal_probe', removalOrder: true });
    expect(first.status).toBe(202);
    const [row] = await system.sql(`SELECT source, api_key_id, removal_order FROM reports WHERE id = $1`, [first.body.id]);
    expect(row).toEqual({ source: 'referral_unit', api_key_id: key.id, removal_order: true });
    const caseId = await triaged(first.body.id);
    // A second removal order on the same channel folds into the case; the factor still counts once.
    const second = await report(key.key, { channel: 'https://t.me/s/removal_probe/7', removalOrder: true });
    expect(second.status).toBe(202);
    expect(await triaged(second.body.id)).toBe(caseId);

    const detail = await system.request('GET', `/v1/cases/${caseId}`, { token: admin });
    expect(detail.status).toBe(200);
    const factors = detail.body.priorityBreakdown.filter((f: { factor: string }) => f.factor === 'removal_order');
    expect(factors).toHaveLength(1);
    expect(detail.body.priority).toBeGreaterThanOrEqual(166);
    const receivedAt = Math.min(...detail.body.reports.map((r: { receivedAt: string }) => Date.parse(r.receivedAt)));
    expect(Date.parse(detail.body.slaDueAt) - receivedAt).toBe(3600 * 1000);

    // The same unit without a removal order: its ordinary clock, no removal_order factor.
    const ordinary = await report(key.key, { channel: 'https://t.me/ordinary_unit_probe' });
    const ordinaryCase = await system.request('GET', `/v1/cases/${await triaged(ordinary.body.id)}`, { token: admin });
    expect(ordinaryCase.body.priorityBreakdown.map((f: { factor: string }) => f.factor)).not.toContain('removal_order');
    expect(Date.parse(ordinaryCase.body.slaDueAt) - Date.parse(ordinaryCase.body.reports[0].receivedAt)).toBe(12 * 3600 * 1000);
  });

  it('refuses a removal order from a trusted flagger (403) and stores nothing', async () => {
    const key = await createKey('trusted_flagger');
    const before = await countReports();
    const response = await report(key.key, { channel: 'https://t.me/not_an_order', removalOrder: true });
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
    expect(await countReports()).toBe(before);
  });

  it('stops a revoked key at once (401, nothing stored) and audits the revocation once', async () => {
    const key = await createKey('referral_unit');
    expect((await report(key.key, { channel: 'https://t.me/before_revoke' })).status).toBe(202);

    const revoked = await system.request('DELETE', `/v1/admin/api-keys/${key.id}`, { token: admin });
    expect(revoked.status).toBe(204);
    expect(revoked.text).toBe('');
    const before = await countReports();
    const refused = await report(key.key, { channel: 'https://t.me/after_revoke' });
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    expect(await countReports()).toBe(before);

    const [row] = await system.sql(`SELECT revoked_at FROM api_keys WHERE id = $1`, [key.id]);
    expect(row.revoked_at).toBeInstanceOf(Date);
    const listed = (await system.request('GET', '/v1/admin/api-keys', { token: admin })).body.find(
      (k: { id: string }) => k.id === key.id,
    );
    expect(listed.revokedAt).toBe(row.revoked_at.toISOString());

    // Revoking again changes nothing.
    expect((await system.request('DELETE', `/v1/admin/api-keys/${key.id}`, { token: admin })).status).toBe(204);
    const events = await system.sql(
      `SELECT actor_id, data FROM audit_events WHERE target_id = $1 AND action = 'apikey.revoked'`,
      [key.id],
    );
    expect(events).toEqual([{ actor_id: adminId, data: expect.objectContaining({ keyPrefix: key.keyPrefix }) }]);
    expect(JSON.stringify(events)).not.toContain(key.key.slice(21));
  });

  it.each([
    ['an unknown key of the right shape', () => `vgl_0123456789abcdef_${'A'.repeat(43)}`],
    ['a known prefix with a wrong secret', (known: CreatedKey) => `vgl_${known.keyPrefix}_${'A'.repeat(43)}`],
    ['a known key with a character added', (known: CreatedKey) => `${known.key}x`],
    ['a key of another shape', () => 'not-a-key'],
    ['a key over 256 characters', () => 'k'.repeat(300)],
  ])('answers %s with 401 and stores nothing', async (_, keyOf) => {
    const known = await createKey('trusted_flagger');
    const before = await countReports();
    const response = await report(keyOf(known), { channel: 'https://t.me/wrong_key_probe' });
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', message: 'unknown or revoked API key' });
    expect(await countReports()).toBe(before);
  });

  it('answers 404 when revoking an unknown or malformed id', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid', '..%2F..%2Fusers']) {
      const response = await system.request('DELETE', `/v1/admin/api-keys/${id}`, { token: admin });
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    }
  });

  describe('only admins manage keys', () => {
    const routes: [string, string, unknown?][] = [
      ['POST', '/v1/admin/api-keys', { name: 'x', role: 'trusted_flagger', organization: 'x' }],
      ['GET', '/v1/admin/api-keys'],
      ['DELETE', '/v1/admin/api-keys/00000000-0000-4000-8000-000000000000'],
    ];

    it('answers 401 without credentials', async () => {
      for (const [method, path, body] of routes) {
        expect((await system.request(method, path, { body })).status).toBe(401);
      }
    });

    it.each(['moderator', 'senior_moderator', 'auditor'])('answers 403 to a %s and creates nothing', async (role) => {
      const { token } = await system.staff([role]);
      const before = (await system.sql(`SELECT count(*)::int AS n FROM api_keys`))[0].n;
      for (const [method, path, body] of routes) {
        expect((await system.request(method, path, { token, body })).status).toBe(403);
      }
      expect((await system.sql(`SELECT count(*)::int AS n FROM api_keys`))[0].n).toBe(before);
    });

    it.each(['trusted_flagger', 'referral_unit'])('answers 403 to a %s API key', async (role) => {
      const key = await createKey(role);
      for (const [method, path, body] of routes) {
        expect((await system.request(method, path, { body, headers: { 'x-api-key': key.key } })).status).toBe(403);
      }
    });
  });

  describe('validation: 400 in the error shape, nothing stored', () => {
    const valid = { name: 'Partner feed', role: 'trusted_flagger', organization: 'Partner NGO' };
    it.each([
      ['a missing name', { name: undefined }],
      ['a blank name', { name: '   ' }],
      ['a name over 200 characters', { name: 'n'.repeat(201) }],
      ['a name that is not a string', { name: 42 }],
      ['a staff role', { role: 'admin' }],
      ['a moderator role', { role: 'moderator' }],
      ['an unknown role', { role: 'superuser' }],
      ['a missing role', { role: undefined }],
      ['a missing organization', { organization: undefined }],
      ['a blank organization', { organization: '' }],
      ['an organization over 200 characters', { organization: 'o'.repeat(201) }],
      ['an unknown field', { key: 'vgl_chosen_by_me' }],
      ['a client-chosen hash', { keyHash: 'abc' }],
    ])('refuses %s', async (_, overrides) => {
      const before = (await system.sql(`SELECT count(*)::int AS n FROM api_keys`))[0].n;
      const response = await system.request('POST', '/v1/admin/api-keys', { token: admin, body: { ...valid, ...overrides } });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.anything() });
      expect((await system.sql(`SELECT count(*)::int AS n FROM api_keys`))[0].n).toBe(before);
    });

    it('refuses a body that is not an object', async () => {
      const response = await system.request('POST', '/v1/admin/api-keys', { token: admin, body: ['trusted_flagger'] });
      expect(response.status).toBe(400);
    });
  });

  it('describes the key routes in the OpenAPI document', async () => {
    const doc = await system.request('GET', '/docs-json');
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/v1/admin/api-keys', '/v1/admin/api-keys/{id}']));
    expect(doc.body.components.schemas.CreateApiKeyDto.properties.role.enum).toEqual(['trusted_flagger', 'referral_unit']);
  });
});
