import { ReconcileReports } from '@vigil/moderation';
import { QueueName, triageJobId } from '@vigil/queues';
import { Worker } from 'bullmq';
import { reportBody, TestSystem, waitFor } from '../support/test-system';

/**
 * A worker killed mid-job: its triage job stays 'active' in Redis and its lock expires. Played here by a BullMQ
 * worker that takes the job and goes away without finishing it.
 */
async function abandonNextTriageJob(system: TestSystem): Promise<string> {
  const dead = new Worker(QueueName.Triage, null, {
    connection: { url: system.config.redisUrl },
    prefix: system.config.queuePrefix,
    lockDuration: 300,
    autorun: false,
  });
  try {
    const job = await dead.getNextJob('a-worker-that-died');
    if (!job?.id) throw new Error('no triage job to abandon');
    return job.id;
  } finally {
    await dead.close(true);
  }
}

async function submit(system: TestSystem, channel: string): Promise<string> {
  const created = await system.request('POST', '/v1/reports', { body: reportBody({ channel }) });
  expect(created.status).toBe(202);
  return created.body.id;
}

async function triagedOnce(system: TestSystem, reportIds: string[]): Promise<void> {
  for (const id of reportIds) {
    await waitFor(
      async () => (await system.sql(`SELECT status FROM reports WHERE id = $1`, [id]))[0].status === 'triaged',
      { what: `report ${id} triaged` },
    );
  }
  const events = await system.sql(
    `SELECT target_id, count(*)::int AS n FROM audit_events WHERE action = 'report.triaged' AND target_id = ANY($1)
     GROUP BY target_id`,
    [reportIds],
  );
  expect(events.map((row) => row.n)).toEqual(reportIds.map(() => 1));
}

async function lockExpired(system: TestSystem, jobId: string): Promise<void> {
  const queue = system.queue(QueueName.Triage);
  try {
    await waitFor(async () => (await system.redisClient().exists(queue.toKey(`${jobId}:lock`))) === 0, {
      what: 'the dead worker to lose its lock',
    });
    expect(await queue.getJobState(jobId)).toBe('active');
  } finally {
    await queue.close();
  }
}

async function jobEnqueued(system: TestSystem, reportId: string): Promise<void> {
  const queue = system.queue(QueueName.Triage);
  try {
    await waitFor(async () => (await queue.getJob(triageJobId(reportId))) !== undefined, { what: 'job enqueued' });
  } finally {
    await queue.close();
  }
}

describe('a worker killed mid-job', () => {
  describe('with the reconciler out of the way', () => {
    let system: TestSystem;

    beforeAll(async () => {
      system = await TestSystem.create({ RECONCILE_AFTER_SECONDS: '3600' });
      await system.startApi();
    });
    afterAll(() => system.stop());

    it("holds its channel only until a live worker's stalled-job check returns the job", async () => {
      const first = await submit(system, 't.me/dead_worker_channel');
      await jobEnqueued(system, first);
      const jobId = await abandonNextTriageJob(system);
      await lockExpired(system, jobId);
      // A later report of the channel adds no job of its own: the dead one stands for it.
      const second = await submit(system, 't.me/dead_worker_channel');
      await system.startWorker();
      await triagedOnce(system, [first, second]);
      await system.stopWorker();
    });
  });

  describe('with no worker left to run a stalled-job check', () => {
    let system: TestSystem;

    beforeAll(async () => {
      system = await TestSystem.create({ RECONCILE_AFTER_SECONDS: '0.5' });
      await system.startApi();
    });
    afterAll(() => system.stop());

    it("lets the reconciler see through the de-duplication key the dead worker's job holds", async () => {
      const first = await submit(system, 't.me/orphaned_dedup_channel');
      await jobEnqueued(system, first);
      const jobId = await abandonNextTriageJob(system);
      await lockExpired(system, jobId);
      const second = await submit(system, 't.me/orphaned_dedup_channel');
      const reconcile = system.api!.get(ReconcileReports, { strict: false });
      // The first report's own job is the dead one (left to the stalled-job check); the second gets one of its own.
      const result = await waitFor(async () => {
        const counts = await reconcile.execute();
        return counts.reports > 0 && counts;
      }, { what: 'the reconciler to re-enqueue the channel' });
      expect(result.reports).toBe(1);
      const queue = system.queue(QueueName.Triage);
      try {
        expect(await queue.getJobState(triageJobId(second))).toBe('waiting');
      } finally {
        await queue.close();
      }
      await system.startWorker();
      await triagedOnce(system, [first, second]);
      await system.stopWorker();
    });
  });
});
