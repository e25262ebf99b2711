import { QueueName, triageJobId } from '@vigil/queues';
import { OwnRedis } from '../support/own-redis';
import { freePort, reportBody, TestSystem, waitFor } from '../support/test-system';

describe('a report acknowledged while Redis is away', () => {
  let redis: OwnRedis;
  let system: TestSystem;

  beforeAll(async () => {
    redis = new OwnRedis(await freePort());
    await redis.start();
    // The reconciler out of the way: what brings the job back here is the API itself.
    system = await TestSystem.create({ REDIS_URL: redis.url, RECONCILE_AFTER_SECONDS: '3600' });
    await system.startApi();
  });
  afterAll(async () => {
    await system.stop();
    await redis.stop();
  });

  it('gets its triage job as soon as Redis is back, from the API that acknowledged it', async () => {
    await redis.stop();
    const created = await system.request('POST', '/v1/reports', { body: reportBody({ channel: 't.me/redis_away' }) });
    expect(created.status).toBe(202);
    await redis.start(); // empty: nothing of before survived
    const queue = system.queue(QueueName.Triage);
    try {
      await waitFor(async () => (await queue.getJob(triageJobId(created.body.id))) !== undefined, {
        what: 'the held job to be enqueued',
      });
    } finally {
      await queue.close();
    }
  });
});
