import { lockChannelForTriage } from '@vigil/moderation';
import { DataSource } from 'typeorm';
import { reportBody, TestSystem } from '../support/test-system';

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
});
