import { Logger } from '@nestjs/common';
import { jobSchedules, QueueName, triageJobId } from '@vigil/queues';
import { TriageProcessor } from '../../apps/worker/src/processors/triage.processor';
import { RedisEvictionPolicyCheck } from '../../apps/worker/src/redis-eviction-policy';
import { freePort, reportBody, TestSystem, waitFor } from '../support/test-system';

/** The schedulers the worker keeps: every one of libs/queues' list. */
const schedulerNames = (system: TestSystem) => jobSchedules(system.config).map((schedule) => schedule.name).sort();
/** The watched maintenance work on this test's short interval (retention runs hourly, so it stays in time). */
const fastMaintenance = (system: TestSystem) =>
  jobSchedules(system.config)
    .filter((s) => s.watched && s.queue === QueueName.Maintenance && s.everyMs < 1000)
    .map((s) => s.name)
    .sort();

describe('scheduled work heals itself', () => {
  let system: TestSystem;
  let health = '';

  beforeAll(async () => {
    const port = await freePort();
    system = await TestSystem.create({
      // Out of the way: what Redis lost is re-enqueued at once when the loss is seen, not after this.
      RECONCILE_AFTER_SECONDS: '3600',
      MAINTENANCE_INTERVAL_SECONDS: '0.3',
      SCHEDULED_WORK_GRACE_SECONDS: '3',
      WORKER_METRICS_PORT: String(port),
    });
    health = `http://127.0.0.1:${port}`;
    await system.startApi();
    await system.startWorker();
  });
  afterAll(() => system.stop());

  const schedulers = async (): Promise<string[]> => {
    const names: string[] = [];
    for (const name of [QueueName.Maintenance, QueueName.Audit]) {
      const queue = system.queue(name);
      try {
        names.push(...(await queue.getJobSchedulers()).map((scheduler) => scheduler.key));
      } finally {
        await queue.close();
      }
    }
    return names.sort();
  };
  const statusOf = async (id: string) => (await system.sql(`SELECT status FROM reports WHERE id = $1`, [id]))[0].status;
  const ready = async (): Promise<{ status: number; body: any }> => {
    const response = await fetch(`${health}/health/ready`);
    return { status: response.status, body: await response.json() };
  };

  it('re-creates the schedulers after Redis lost its data, and triages a report whose job was lost', async () => {
    const expected = schedulerNames(system);
    expect(expected).toEqual(expect.arrayContaining(['expire-leases', 'reconcile-reports', 'seal-audit-events']));
    await waitFor(async () => (await schedulers()).join() === expected.join(), { what: 'schedulers at start-up' });
    // The report's job waits in a paused queue when Redis loses everything: the report is acknowledged in
    // PostgreSQL, its job and every schedule are gone.
    const triage = system.queue(QueueName.Triage);
    let reportId: string;
    try {
      await triage.pause();
      const created = await system.request('POST', '/v1/reports', { body: reportBody({ channel: 't.me/lost_redis' }) });
      expect(created.status).toBe(202);
      reportId = created.body.id;
      await waitFor(async () => (await triage.getJob(triageJobId(reportId))) !== undefined, { what: 'job enqueued' });
    } finally {
      await triage.close();
    }
    expect(await system.deleteRedisKeys()).toBeGreaterThan(0);
    expect(await statusOf(reportId)).toBe('received');

    await waitFor(async () => (await schedulers()).join() === expected.join(), { what: 'schedulers re-created' });
    await waitFor(async () => (await statusOf(reportId)) === 'triaged', { what: 'the lost job to be re-enqueued' });
    await waitFor(
      async () => (await system.sql(`SELECT 1 FROM audit_events WHERE sealed_at IS NULL LIMIT 1`)).length === 0,
      { what: 'every audit event sealed' },
    );
    const triaged = await system.sql(
      `SELECT count(*)::int AS n FROM audit_events WHERE target_id = $1 AND action = 'report.triaged'`,
      [reportId],
    );
    expect(triaged[0].n).toBe(1);
  });

  it('answers readiness 503 naming the scheduled work that is overdue, and 200 once it runs again', async () => {
    await waitFor(async () => (await ready()).status === 200, { what: 'ready' });
    const maintenance = system.queue(QueueName.Maintenance);
    try {
      await maintenance.pause();
      // The maintenance schedules stop; each becomes overdue a few milliseconds after the other.
      const overdue = fastMaintenance(system);
      expect(overdue).toEqual(expect.arrayContaining(['expire-leases', 'reconcile-reports']));
      const refused = await waitFor(async () => {
        const answer = await ready();
        return answer.status === 503 && answer.body.error.scheduled?.overdue.length === overdue.length && answer;
      }, { what: 'readiness to fail' });
      expect(Object.keys(refused.body.error)).toEqual(['scheduled']);
      expect(refused.body.status).toBe('error');
      expect(refused.body.error.scheduled.overdue.map((run: { name: string }) => run.name).sort()).toEqual(overdue);
      expect(refused.body.error.scheduled.message).toMatch(/^scheduled work overdue: .*reconcile-reports last ran/);
      expect(refused.body.info.postgres).toEqual({ status: 'up' });
      await maintenance.resume();
      await waitFor(async () => (await ready()).status === 200, { what: 'ready again' });
    } finally {
      await maintenance.close();
    }
  });

  it('serves liveness and the seconds since each watched run in Prometheus text', async () => {
    expect(await (await fetch(`${health}/health/live`)).json()).toEqual({ status: 'ok' });
    const metrics = await fetch(`${health}/metrics`);
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toMatch(/^vigil_scheduled_work_seconds_since_last_run\{schedule="seal-audit-events"\} [\d.e-]+$/m);
    expect(text).toContain('vigil_worker_process_cpu_seconds_total');
    const unknown = await fetch(`${health}/v1/reports`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ statusCode: 404, error: 'Not Found', message: 'Not Found' });
  });

  it("logs its BullMQ workers' errors through the app's logger, one line per interval, no stack traces", async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const printed = jest.spyOn(console, 'error');
    try {
      const { worker } = system.worker!.get(TriageProcessor);
      const refused = new Error('connect ECONNREFUSED 127.0.0.1:6379');
      for (let attempt = 0; attempt < 50; attempt++) worker.emit('error', refused);
      // Other parts of the worker may warn meanwhile (the reconciler); these are the worker's lines.
      expect(warn.mock.calls.filter(([line]) => String(line).includes('ECONNREFUSED'))).toEqual([
        ['Worker: connect ECONNREFUSED 127.0.0.1:6379'],
      ]);
      expect(printed).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
      printed.mockRestore();
    }
  });

  it("reads Redis's eviction policy as Redis itself reports it", async () => {
    const [, expected] = (await system.redisClient().config('GET', 'maxmemory-policy')) as string[];
    expect(await system.worker!.get(RedisEvictionPolicyCheck).policy()).toBe(expected);
  });
});
