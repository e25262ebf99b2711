import { QueueName, triageJobId } from '@vigil/queues';
import IORedis from 'ioredis';
import { ChildProcess, spawn } from 'node:child_process';
import { freePort, reportBody, TestSystem, waitFor } from '../support/test-system';

/** A redis-server of this test's own, so that it can be stopped without touching the shared one. */
class OwnRedis {
  private child: ChildProcess | null = null;

  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    this.child = spawn('redis-server', args, { stdio: 'ignore' });
    const probe = new IORedis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await waitFor(async () => {
        await probe.connect().catch(() => undefined);
        return (await probe.ping()) === 'PONG';
      }, { what: 'redis-server to start' });
    } finally {
      probe.disconnect();
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

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
