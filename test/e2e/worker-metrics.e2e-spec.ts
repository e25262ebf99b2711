import { QueueName } from '@vigil/queues';
import { OwnRedis } from '../support/own-redis';
import { parseSamples, Sample, sampleValue } from '../support/prometheus-text';
import { freePort, reportBody, TestSystem, waitFor } from '../support/test-system';
import { WebhookReceiver, webhookEnv } from '../support/webhook-receiver';

const takedown = { action: 'takedown', policy: 'TVEC-1', reason: 'Distributes claims of responsibility for attacks.' };

async function scrape(url: string): Promise<Sample[]> {
  const response = await fetch(`${url}/metrics`);
  expect(response.status).toBe(200);
  return parseSamples(await response.text());
}

// What the worker's /metrics (and the API's, for what the database holds) show after real work: a report waiting in
// its queue then triaged, a decision, an enforcement webhook answered 500 then 200, notices that keep failing.
describe('operations metrics after real work', () => {
  let system: TestSystem;
  let receiver: WebhookReceiver;
  let worker = '';
  let moderator: { token: string };
  const api = () => system.baseUrl;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    const port = await freePort();
    system = await TestSystem.create({ ...webhookEnv(receiver), WORKER_METRICS_PORT: String(port) });
    worker = `http://127.0.0.1:${port}`;
    await system.startApi();
    await system.startWorker();
    moderator = await system.staff(['moderator']);
  });
  afterAll(async () => {
    await system.stop();
    await receiver.stop();
  });

  it('counts every queue by state, and the report that waited in triage', async () => {
    const initial = await scrape(worker);
    for (const queue of Object.values(QueueName)) {
      for (const state of ['waiting', 'active', 'delayed', 'failed']) {
        expect({ queue, state, value: sampleValue(initial, 'vigil_queue_jobs', { queue, state }) }).toEqual({
          queue,
          state,
          value: expect.any(Number),
        });
      }
    }
    const triage = system.queue(QueueName.Triage);
    try {
      await triage.pause();
      const body = reportBody({ channel: 'https://t.me/metrics_lag' });
      const filed = await system.request('POST', '/v1/reports', { body });
      expect(filed.status).toBe(202);
      const waiting = async () =>
        sampleValue(await scrape(worker), 'vigil_queue_jobs', { queue: 'triage', state: 'waiting' });
      await waitFor(async () => (await waiting()) === 1, { what: 'the triage job counted as waiting' });
      // The report waits at least this long: triage lag runs from its receipt, not from its job's start.
      await new Promise((resolve) => setTimeout(resolve, 1200));
      await triage.resume();
      const triaged = `SELECT 1 FROM reports WHERE id = $1 AND case_id IS NOT NULL`;
      await waitFor(async () => (await system.sql(triaged, [filed.body.id])).length, { what: 'the report triaged' });
    } finally {
      await triage.close();
    }
    const after = await scrape(worker);
    expect(sampleValue(after, 'vigil_queue_jobs', { queue: 'triage', state: 'waiting' })).toBe(0);
    expect(sampleValue(after, 'vigil_triage_lag_seconds_count')).toBe(1);
    expect(sampleValue(after, 'vigil_triage_lag_seconds_sum')).toBeGreaterThanOrEqual(1.2);
    expect(sampleValue(after, 'vigil_triage_lag_seconds_bucket', { le: '1' })).toBe(0);
    expect(sampleValue(after, 'vigil_triage_lag_seconds_bucket', { le: '+Inf' })).toBe(1);
    expect(
      sampleValue(after, 'vigil_job_duration_seconds_count', { queue: 'triage', outcome: 'completed' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('counts open cases by status and decisions by action from the database, and webhook deliveries by outcome', async () => {
    receiver.answer('/enforce', 500);
    receiver.failAlways('/notify');
    const before = await scrape(api());
    expect(sampleValue(before, 'vigil_decisions_total', { action: 'takedown' })).toBe(0);
    const { caseId } = await system.reportAndTriage({
      channel: 'https://t.me/metrics_decided',
      reporterContact: 'r@example.org',
    });
    const triaged = await scrape(api());
    // The first test's case and this one wait for a moderator.
    expect(sampleValue(triaged, 'vigil_cases_open', { status: 'open' })).toBe(2);
    expect(sampleValue(triaged, 'vigil_cases_open', { status: 'in_review' })).toBe(0);

    expect((await system.request('POST', `/v1/cases/${caseId}/claim`, { token: moderator.token })).status).toBe(200);
    const claimed = await scrape(api());
    expect(sampleValue(claimed, 'vigil_cases_open', { status: 'open' })).toBe(1);
    expect(sampleValue(claimed, 'vigil_cases_open', { status: 'in_review' })).toBe(1);

    const decided = await system.request('POST', `/v1/cases/${caseId}/decisions`, {
      token: moderator.token,
      body: takedown,
    });
    expect(decided.status).toBe(201);
    const afterDecision = await scrape(api());
    expect(sampleValue(afterDecision, 'vigil_decisions_total', { action: 'takedown' })).toBe(1);
    expect(sampleValue(afterDecision, 'vigil_decisions_total', { action: 'no_violation' })).toBe(0);
    expect(sampleValue(afterDecision, 'vigil_cases_open', { status: 'in_review' })).toBe(0);

    // The enforcement webhook: refused once, then delivered; each notice (to the reporter, to the channel's owner):
    // refused until its last attempt.
    await system.decisionsApplied();
    const [{ n: notices }] = await system.sql(`SELECT count(*)::int AS n FROM notifications WHERE case_id = $1`, [
      caseId,
    ]);
    expect(notices).toBe(2);
    const metrics = await waitFor(
      async () => {
        const samples = await scrape(worker);
        const failed = sampleValue(samples, 'vigil_webhook_deliveries_total', {
          webhook: 'notification',
          outcome: 'failed',
        });
        const delivered = sampleValue(samples, 'vigil_webhook_deliveries_total', {
          webhook: 'enforcement',
          outcome: 'delivered',
        });
        return failed === notices && delivered === 1 ? samples : null;
      },
      { what: 'the enforcement delivered and every notice failed for good' },
    );
    const deliveries = (labels: Record<string, string>) =>
      sampleValue(metrics, 'vigil_webhook_deliveries_total', labels);
    expect(deliveries({ webhook: 'enforcement', outcome: 'retried' })).toBe(1);
    expect(deliveries({ webhook: 'enforcement', outcome: 'delivered' })).toBe(1);
    expect(deliveries({ webhook: 'enforcement', outcome: 'failed' })).toBeUndefined();
    expect(deliveries({ webhook: 'notification', outcome: 'delivered' })).toBeUndefined();
    // WEBHOOK_ATTEMPTS is 5: four attempts retried, the fifth failed for good.
    expect(receiver.on('/notify')).toHaveLength(5 * notices);
    expect(deliveries({ webhook: 'notification', outcome: 'retried' })).toBe(4 * notices);
    expect(sampleValue(metrics, 'vigil_job_failures_total', { queue: 'enforcement', final: 'false' })).toBe(1);
    expect(sampleValue(metrics, 'vigil_job_failures_total', { queue: 'notifications', final: 'true' })).toBe(notices);
    expect(
      sampleValue(metrics, 'vigil_job_duration_seconds_count', { queue: 'enforcement', outcome: 'completed' }),
    ).toBe(1);
    expect(sampleValue(metrics, 'vigil_job_duration_seconds_count', { queue: 'enforcement', outcome: 'failed' })).toBe(
      1,
    );
    expect(sampleValue(metrics, 'vigil_queue_jobs', { queue: 'notifications', state: 'failed' })).toBe(notices);
  });
});

describe('worker metrics while Redis is away', () => {
  let redis: OwnRedis;
  let system: TestSystem;
  let worker = '';

  beforeAll(async () => {
    redis = new OwnRedis(await freePort());
    await redis.start();
    const port = await freePort();
    system = await TestSystem.create({ REDIS_URL: redis.url, WORKER_METRICS_PORT: String(port) });
    worker = `http://127.0.0.1:${port}`;
    await system.startWorker();
  });
  afterAll(async () => {
    try {
      await redis.start();
      // Stop the worker only once its connections are back (it reads the queues again): closing BullMQ's workers
      // while they reconnect to a restarted Redis sometimes never returned (1 run in 4 hung this hook).
      await waitFor(async () => sampleValue(await scrape(worker), 'vigil_queue_jobs') !== undefined, {
        what: 'the worker to read the queues again',
      });
      await system.stop();
    } finally {
      await redis.stop();
    }
  });

  it('answers a scrape within seconds, without the queue depths it cannot read', async () => {
    expect(sampleValue(await scrape(worker), 'vigil_queue_jobs', { queue: 'triage', state: 'waiting' })).toBe(0);
    await redis.stop();
    for (let scrapeNo = 0; scrapeNo < 2; scrapeNo++) {
      const started = Date.now();
      const samples = await scrape(worker);
      expect(Date.now() - started).toBeLessThan(4000);
      expect(sampleValue(samples, 'vigil_queue_jobs')).toBeUndefined();
      expect(sampleValue(samples, 'vigil_worker_process_resident_memory_bytes')).toBeGreaterThan(0);
    }
  });
});
