import { lockChannelForTriage, TriageReport } from '@vigil/moderation';
import { QueueName, triageJobId } from '@vigil/queues';
import { DataSource } from 'typeorm';
import { reportBody, TestSystem, waitFor } from '../support/test-system';

// In a surge the hottest channel is being triaged nearly all the time; intake on it must not wait for that.
describe('lock contention between intake and triage', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.create();
    await system.startApi(); // no worker: nothing but this test holds a lock
  });
  afterAll(() => system.stop());

  it('accepts a report on a channel while a triage transaction holds that channel', async () => {
    const channel = 'https://t.me/contended_channel';
    const first = await system.request('POST', '/v1/reports', { body: reportBody({ channel }) });
    expect(first.status).toBe(202);
    const [{ channel_id: channelId }] = await system.sql(`SELECT channel_id FROM reports WHERE id = $1`, [first.body.id]);

    const db = system.api!.get(DataSource, { strict: false });
    const outcome = await db.transaction(async (manager) => {
      await lockChannelForTriage(manager, channelId);
      // The report's foreign key to the channel is checked with a KEY SHARE lock on the channel row: a triage lock
      // that conflicts with it makes this request wait until the transaction ends, i.e. past the 3 s below.
      const blocked = new Promise<'blocked'>((resolve) => setTimeout(() => resolve('blocked'), 3000).unref());
      return Promise.race([system.request('POST', '/v1/reports', { body: reportBody({ channel }) }), blocked]);
    });

    expect(outcome).not.toBe('blocked');
    expect(outcome).toMatchObject({ status: 202 });
    const [{ count }] = await system.sql(`SELECT count(*)::int AS count FROM reports WHERE channel_id = $1`, [channelId]);
    expect(count).toBe(2);
  });

  /** Runs `body` while a transaction holds the channel of `reportId` as triage does. */
  async function whileChannelHeld<T>(reportId: string, body: () => Promise<T>): Promise<T> {
    const [{ channel_id: channelId }] = await system.sql(`SELECT channel_id FROM reports WHERE id = $1`, [reportId]);
    return system.api!.get(DataSource, { strict: false }).transaction(async (manager) => {
      await lockChannelForTriage(manager, channelId);
      return body();
    });
  }
  const statusOf = async (id: string) => (await system.sql(`SELECT status FROM reports WHERE id = $1`, [id]))[0].status;

  it('does not keep a triage job waiting for a channel another transaction holds', async () => {
    const filed = await system.request('POST', '/v1/reports', { body: reportBody({ channel: 'https://t.me/busy_channel' }) });
    const triage = system.api!.get(TriageReport, { strict: false });
    const ctx = { actor: { id: null, role: 'system' as const }, requestId: 'test' };
    const outcome = await whileChannelHeld(filed.body.id, () => {
      const blocked = new Promise<'blocked'>((resolve) => setTimeout(() => resolve('blocked'), 3000).unref());
      return Promise.race([triage.execute({ reportId: filed.body.id }, ctx), blocked]);
    });
    expect(outcome).toEqual({ outcome: 'channel-busy' });
    expect(await statusOf(filed.body.id)).toBe('received');
    expect(await triage.execute({ reportId: filed.body.id }, ctx)).toMatchObject({ outcome: 'triaged', reports: 1 });
  });

  it('brings a job back after a busy channel, without using up an attempt, and triages its report', async () => {
    await system.startWorker();
    try {
      const filed = await whileChannelHeld(
        (await system.request('POST', '/v1/reports', { body: reportBody({ channel: 'https://t.me/busy_then_free' }) })).body.id,
        async () => {
          const held = await system.request('POST', '/v1/reports', { body: reportBody({ channel: 'https://t.me/busy_then_free' }) });
          // The worker tries while the channel is held, and tries again later.
          await new Promise((resolve) => setTimeout(resolve, 1500));
          expect(await statusOf(held.body.id)).toBe('received');
          return held.body;
        },
      );
      await waitFor(async () => (await statusOf(filed.id)) === 'triaged', { what: 'the report triaged once the channel is free' });
      const queue = system.queue(QueueName.Triage);
      try {
        const job = await queue.getJob(triageJobId(filed.id));
        await waitFor(async () => (await job!.isCompleted()) || null, { what: 'its job to complete' });
        // Started at least twice (busy, then done), and completed on its first counted attempt: no failure on record.
        const done = (await queue.getJob(triageJobId(filed.id)))!;
        expect(done.attemptsStarted).toBeGreaterThanOrEqual(2);
        expect(done.attemptsMade).toBe(1);
        expect(done.failedReason).toBeUndefined();
      } finally {
        await queue.close();
      }
    } finally {
      await system.stopWorker();
    }
  });
});
