import { inTriageTransaction, TriageReport } from '@vigil/moderation';
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
    const outcome = await inTriageTransaction(db, channelId, async () => {
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

  const pause = (ms: number) => new Promise<'waiting'>((resolve) => setTimeout(() => resolve('waiting'), ms).unref());
  const channelOf = async (reportId: string): Promise<string> =>
    (await system.sql(`SELECT channel_id FROM reports WHERE id = $1`, [reportId]))[0].channel_id;

  it('lets one triage transaction at a time hold a channel, and others hold other channels meanwhile', async () => {
    const [one, other] = await Promise.all(
      ['https://t.me/serialised_one', 'https://t.me/serialised_other'].map(async (channel) => {
        const response = await system.request('POST', '/v1/reports', { body: reportBody({ channel }) });
        return channelOf(response.body.id);
      }),
    );
    const db = system.api!.get(DataSource, { strict: false });
    const holding: string[] = [];
    const hold = (channelId: string, name: string) =>
      inTriageTransaction(db, channelId, async () => {
        holding.push(name);
      });
    let release!: () => void;
    const first = inTriageTransaction(db, one, async () => {
      holding.push('first');
      await new Promise<void>((resolve) => (release = resolve));
    });
    while (!holding.includes('first')) await pause(10);
    await hold(other, 'other channel');
    const second = hold(one, 'second');
    expect(await Promise.race([second.then(() => 'done'), pause(500)])).toBe('waiting');
    release();
    await Promise.all([first, second]);
    expect(holding).toEqual(['first', 'other channel', 'second']);
  });

  it('rolls a triage transaction back when its work fails: nothing written, the channel free, no connection left in it', async () => {
    const report = await system.request('POST', '/v1/reports', { body: reportBody({ channel: 'https://t.me/failed_triage' }) });
    const channelId = await channelOf(report.body.id);
    const db = system.api!.get(DataSource, { strict: false });
    const failing = inTriageTransaction(db, channelId, async (manager) => {
      await manager.query(`UPDATE channels SET title = 'written by the failed work' WHERE id = $1`, [channelId]);
      throw new Error('the work failed');
    });
    await expect(failing).rejects.toThrow('the work failed');
    const [{ n }] = await system.sql(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`,
    );
    expect(n).toBe(0);
    expect(await Promise.race([inTriageTransaction(db, channelId, async () => 'held'), pause(2000)])).toBe('held');
    // Checked after another transaction has had a connection of the pool (and committed), so the write is gone.
    const [row] = await system.sql(`SELECT title FROM channels WHERE id = $1`, [channelId]);
    expect(row.title).not.toBe('written by the failed work');
  });

  it('lets a takedown through while a triage transaction holds the channel, and that triage then takes the case', async () => {
    const moderator = (await system.staff(['moderator'])).token;
    const report = await system.request('POST', '/v1/reports', { body: reportBody({ channel: 'https://t.me/taken_down_in_triage' }) });
    const channelId = await channelOf(report.body.id);
    const triaged = await system.api!.get(TriageReport, { strict: false }).execute(
      { reportId: report.body.id, channelId },
      { actor: { id: null, role: 'system' }, requestId: 'test' },
    );
    const caseId = (triaged as { caseId: string }).caseId;
    expect((await system.request('POST', `/v1/cases/${caseId}/claim`, { token: moderator })).status).toBe(200);

    const db = system.api!.get(DataSource, { strict: false });
    const answered = await inTriageTransaction(db, channelId, async (manager) => {
      // What a triage transaction does: its channel's lock, then (reading the case) the case's row lock. The takedown
      // locks the case, then updates the channel's row: were triage's lock that row, each would wait for the other.
      const deciding = system.request('POST', `/v1/cases/${caseId}/decisions`, {
        token: moderator,
        body: { action: 'takedown', policy: 'TVEC-1', reason: 'Distributes claims of responsibility for attacks.' },
      });
      const first = await Promise.race([deciding, pause(3000)]);
      await manager.query(`SELECT 1 FROM cases WHERE id = $1 FOR NO KEY UPDATE`, [caseId]);
      return first;
    });
    expect(answered).toMatchObject({ status: 201 });
    const [row] = await system.sql(
      `SELECT c.status AS case_status, ch.status AS channel_status FROM cases c JOIN channels ch ON ch.id = c.channel_id
       WHERE c.id = $1`,
      [caseId],
    );
    expect(row).toEqual({ case_status: 'decided', channel_status: 'actioned' });
  });
});
