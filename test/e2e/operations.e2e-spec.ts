import { dropDatabase } from '@vigil/database';
import { reportBody, TestSystem } from '../support/test-system';

describe('operations endpoints', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.create();
    await system.startApi();
  });
  afterAll(() => system.stop());

  it('reports liveness and readiness of Postgres and Redis', async () => {
    expect((await system.request('GET', '/health/live')).body).toEqual({ status: 'ok' });
    const ready = await system.request('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ok', info: { postgres: { status: 'up' }, redis: { status: 'up' } } });
  });

  it('serves Prometheus metrics', async () => {
    await system.request('GET', '/health/live');
    const metrics = await system.request('GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(metrics.text).toContain('vigil_http_request_duration_seconds_count{method="GET",route="/health/live",status="200"}');
  });

  it('counts intake batches and the reports in them', async () => {
    const count = (text: string, name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1]);
    const before = (await system.request('GET', '/metrics')).text;
    const filed = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        system.request('POST', '/v1/reports', { body: reportBody({ channel: `https://t.me/metrics_probe_${i}` }) }),
      ),
    );
    expect(filed.map((r) => r.status)).toEqual(Array(5).fill(202));
    const after = (await system.request('GET', '/metrics')).text;
    expect(count(after, 'vigil_intake_batch_rows_total') - count(before, 'vigil_intake_batch_rows_total')).toBe(5);
    const batches = count(after, 'vigil_intake_batches_total') - count(before, 'vigil_intake_batches_total');
    expect(batches).toBeGreaterThanOrEqual(1);
    expect(batches).toBeLessThanOrEqual(5);
    expect(count(after, 'vigil_intake_statements_total') - count(before, 'vigil_intake_statements_total')).toBe(batches);
    expect(count(after, 'vigil_intake_failed_batches_total')).toBe(0);
  });

  it('serves an OpenAPI document describing the contract’s paths and enums', async () => {
    const doc = await system.request('GET', '/docs-json');
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/reports',
        '/v1/reports/{id}',
        '/v1/cases',
        '/v1/cases/{id}',
        '/v1/auth/login',
        '/v1/me',
        '/v1/admin/users',
        '/v1/admin/users/{id}',
      ]),
    );
    const schema = doc.body.components.schemas.SubmitReportDto;
    expect(schema.required).toEqual(expect.arrayContaining(['channel', 'category', 'description']));
    expect(schema.properties.category.enum).toEqual([
      'threat_to_life', 'attack_claim', 'recruitment', 'financing', 'instructional', 'propaganda', 'glorification', 'other',
    ]);
    expect((await system.request('GET', '/docs')).status).toBe(200);
  });

  it('answers an unknown route with 404 in the error shape', async () => {
    const response = await system.request('GET', '/v1/nothing-here');
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });

  it('reports Redis as down (503) when it cannot be reached', async () => {
    const broken = await TestSystem.create({ REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      await broken.startApi();
      const ready = await broken.request('GET', '/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ statusCode: 503, error: { redis: { status: 'down' } } });
      expect(ready.body.info.postgres.status).toBe('up');
    } finally {
      await broken.stopApi();
      await dropDatabase(broken.config.databaseUrl);
    }
  });
});
