import { dropDatabase } from '@vigil/database';
import { TestSystem } from '../support/test-system';

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
