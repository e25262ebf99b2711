import { reportBody, TestSystem, waitFor } from '../support/test-system';

describe('migration intelligence: successors of taken-down channels (API and worker)', () => {
  let system: TestSystem;
  let moderator: { id: string; token: string };

  beforeAll(async () => {
    system = await TestSystem.create();
    await system.startApi();
    await system.startWorker();
    moderator = await system.staff(['moderator']);
  });
  afterAll(() => system.stop());

  /** Reports a channel, then claims and takes it down as a moderator; returns its channel id. */
  async function takeDown(overrides: Record<string, unknown>): Promise<string> {
    const { caseId } = await system.reportAndTriage(overrides);
    const claim = await system.request('POST', `/v1/cases/${caseId}/claim`, { token: moderator.token });
    expect(claim.status).toBe(200);
    const decision = await system.request('POST', `/v1/cases/${caseId}/decisions`, {
      token: moderator.token,
      body: { action: 'takedown', policy: 'TVEC-1', reason: 'Official propaganda outlet of a designated group.' },
    });
    expect(decision.status).toBe(201);
    return claim.body.channel.id;
  }

  async function caseOf(overrides: Record<string, unknown>) {
    const { caseId } = await system.reportAndTriage(overrides);
    const detail = await system.request('GET', `/v1/cases/${caseId}`, { token: moderator.token });
    expect(detail.status).toBe(200);
    return detail.body;
  }

  it('links the same handle reappearing on another platform with an affix, explains why, and raises the priority', async () => {
    const actionedId = await takeDown({ channel: 'https://t.me/nashir_news', organization: 'ISIS' });
    const successor = await caseOf({ channel: 'https://tamtam.chat/nashirnews2', organization: 'ISIS' });

    expect(successor.linkedChannels).toEqual([
      {
        id: expect.any(String),
        channel: expect.objectContaining({ id: actionedId, key: 'telegram:nashir_news', status: 'actioned' }),
        kind: 'suspected_migration',
        score: expect.any(Number),
        reason: null,
        reasons: expect.arrayContaining([
          { signal: 'handle', detail: expect.stringContaining('nashirnews') },
          { signal: 'organisation', detail: expect.stringContaining('isil') },
          { signal: 'timing', detail: expect.stringContaining('after telegram:nashir_news was taken down') },
        ]),
        createdAt: expect.any(String),
      },
    ]);
    const [link] = successor.linkedChannels;
    expect(link.channel.actionedAt).toEqual(expect.any(String));
    expect(link.score).toBeGreaterThan(0.6);
    expect(link.score).toBeLessThanOrEqual(1);
    const factor = successor.priorityBreakdown.find((f: { factor: string }) => f.factor === 'linked_actioned_channel');
    expect(factor).toEqual({
      factor: 'linked_actioned_channel',
      points: Math.round(40 * link.score),
      detail: expect.stringContaining('telegram:nashir_news'),
    });
    const sum = successor.priorityBreakdown.reduce((total: number, f: { points: number }) => total + f.points, 0);
    expect(sum).toBe(successor.priority);

    const events = await system.sql(
      `SELECT target_id, data FROM audit_events WHERE action = 'channel.link_suggested' AND data ->> 'linkId' = $1`,
      [link.id],
    );
    expect(events).toEqual([
      {
        target_id: successor.channel.id,
        data: { linkId: link.id, toChannelId: actionedId, score: expect.any(Number), reasons: link.reasons },
      },
    ]);
  });

  it('keeps the factor when later reports re-score the case, and suggests a pair once', async () => {
    await takeDown({ channel: 'https://t.me/amaq_relay' });
    const first = await caseOf({ channel: 'https://vk.com/amaq_relay_backup' });
    const again = await caseOf({ channel: 'https://vk.com/amaq_relay_backup', description: 'Still posting claims.' });
    expect(again.id).toBe(first.id);
    expect(again.reportCount).toBe(2);
    expect(again.linkedChannels.map((l: { id: string }) => l.id)).toEqual(first.linkedChannels.map((l: { id: string }) => l.id));
    expect(again.priorityBreakdown.map((f: { factor: string }) => f.factor)).toContain('linked_actioned_channel');
    const [{ count }] = await system.sql(
      `SELECT count(*)::int AS count FROM audit_events WHERE action = 'channel.link_suggested' AND target_id = $1`,
      [first.channel.id],
    );
    expect(count).toBe(1);
  });

  it('suggests on a reported previous channel, on the same title in Arabic, and on shared evidence', async () => {
    await takeDown({ channel: 'https://t.me/hq_bulletins' });
    const named = await caseOf({ channel: 'https://t.me/fresh_outlet_91', previousChannel: '@hq_bulletins', platform: 'telegram' });
    expect(named.linkedChannels[0].reasons).toContainEqual({ signal: 'reported_successor', detail: expect.any(String) });

    await takeDown({ channel: 'https://t.me/khilafa_voice', channelTitle: 'صوت الخلافة' });
    const titled = await caseOf({ channel: 'https://tamtam.chat/qwxz_7781', channelTitle: 'صَوْت الخِلافـــة' });
    expect(titled.linkedChannels[0]).toMatchObject({ channel: { key: 'telegram:khilafa_voice' } });
    expect(titled.linkedChannels[0].reasons.map((r: { signal: string }) => r.signal)).toContain('title');

    await takeDown({ channel: 'https://t.me/media_wing_x', evidenceUrls: ['https://archive.example.org/v/8842?s=1'] });
    const sharing = await caseOf({
      channel: 'https://tamtam.chat/pqrs_5521',
      evidenceUrls: ['http://www.archive.example.org/v/8842#t=3'],
    });
    expect(sharing.linkedChannels[0]).toMatchObject({ channel: { key: 'telegram:media_wing_x' } });
    expect(sharing.linkedChannels[0].reasons.map((r: { signal: string }) => r.signal)).toContain('shared_evidence');
  });

  it('never suggests on a generic name, a short handle, or an active channel with the same handle', async () => {
    await takeDown({ channel: 'https://t.me/daily_updates' });
    await takeDown({ channel: 'https://x.com/amaq' });
    await system.reportAndTriage({ channel: 'https://t.me/still_active_outlet' });
    for (const channel of [
      'https://tamtam.chat/daily_updates',
      'https://x.com/amaq2',
      'https://tamtam.chat/still_active_outlet',
    ]) {
      const detail = await caseOf({ channel });
      expect({ channel, links: detail.linkedChannels }).toEqual({ channel, links: [] });
      expect(detail.priorityBreakdown.map((f: { factor: string }) => f.factor)).not.toContain('linked_actioned_channel');
    }
  });

  it('refuses a previous channel it cannot recognise and a title over 200 characters, storing nothing', async () => {
    const [{ count: before }] = await system.sql(`SELECT count(*)::int AS count FROM reports`);
    const unknown = await system.request('POST', '/v1/reports', {
      body: reportBody({ channel: 'https://t.me/some_channel_x', previousChannel: 'https://example.org/nothing' }),
    });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body.message)).toContain('previousChannel');
    const long = await system.request('POST', '/v1/reports', {
      body: reportBody({ channel: 'https://t.me/some_channel_x', channelTitle: 'x'.repeat(201) }),
    });
    expect(long.status).toBe(400);
    expect(JSON.stringify(long.body.message)).toContain('channelTitle');
    const [{ count: after }] = await system.sql(`SELECT count(*)::int AS count FROM reports`);
    expect(after).toBe(before);
  });

  it('keeps every title a channel was reported under', async () => {
    const first = await system.reportAndTriage({ channel: 'https://t.me/many_names_outlet', channelTitle: 'First Banner' });
    await system.reportAndTriage({ channel: 'https://t.me/many_names_outlet', channelTitle: 'Second Banner' });
    const channelId = await system.channelOf(first.reportId);
    await waitFor(async () => {
      const rows = await system.sql(`SELECT shown FROM channel_names WHERE channel_id = $1 AND key LIKE 'title:%'`, [
        channelId,
      ]);
      return rows.length === 2;
    });
    const [channel] = await system.sql(`SELECT title FROM channels WHERE id = $1`, [channelId]);
    expect(channel.title).toBe('First Banner');
  });
});
