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

describe('reviewing suggested migrations, and what they show outside the queue', () => {
  let system: TestSystem;
  let moderator: { id: string; token: string };
  let auditor: { token: string };

  beforeAll(async () => {
    system = await TestSystem.create({ SLA_REMOVAL_ORDER_HOURS: '1' });
    await system.startApi();
    await system.startWorker();
    moderator = await system.staff(['moderator']);
    auditor = await system.staff(['auditor']);
  });
  afterAll(() => system.stop());

  async function decide(caseId: string, action: string): Promise<void> {
    expect((await system.request('POST', `/v1/cases/${caseId}/claim`, { token: moderator.token })).status).toBe(200);
    const decision = await system.request('POST', `/v1/cases/${caseId}/decisions`, {
      token: moderator.token,
      body: { action, policy: 'TVEC-1', reason: 'Official propaganda outlet of a designated group.' },
    });
    expect(decision.status).toBe(201);
  }

  /** A takedown of `old`, then a public report of `successor`: the successor's case, with its suggested link. */
  async function suggested(old: string, successor: string) {
    const { caseId: oldCase } = await system.reportAndTriage({ channel: old });
    await decide(oldCase, 'takedown');
    const { caseId } = await system.reportAndTriage({ channel: successor });
    const detail = (await system.request('GET', `/v1/cases/${caseId}`, { token: moderator.token })).body;
    expect(detail.linkedChannels).toHaveLength(1);
    return { detail, link: detail.linkedChannels[0] };
  }

  it('confirms a link: the case gets a removal order’s SLA and the full factor; the feed names the predecessor', async () => {
    const { detail, link } = await suggested('https://t.me/wilayah_feed', 'https://tamtam.chat/wilayahfeed_new');
    // A public report: 72 hours.
    expect(Date.parse(detail.slaDueAt) - Date.parse(detail.reports[0].receivedAt)).toBe(72 * 3_600_000);

    const before = Date.now();
    const confirmed = await system.request('POST', `/v1/channels/${detail.channel.id}/links/${link.id}/confirm`, {
      token: moderator.token,
      body: { note: 'Same logo and the same statements, posted minutes apart.' },
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ id: link.id, kind: 'confirmed_migration', reasons: link.reasons });

    const after = (await system.request('GET', `/v1/cases/${detail.id}`, { token: moderator.token })).body;
    expect(Date.parse(after.slaDueAt)).toBeGreaterThanOrEqual(before + 3_600_000 - 1_000);
    expect(Date.parse(after.slaDueAt)).toBeLessThanOrEqual(Date.now() + 3_600_000);
    // The SLA clocks' next look moved with the deadline: at risk with a quarter of the new hour left, not in ~54 h.
    const [clock] = await system.sql(
      `SELECT sla_started_at, sla_due_at, sla_next_check_at FROM cases WHERE id = $1`,
      [detail.id],
    );
    expect(clock.sla_due_at.getTime() - clock.sla_started_at.getTime()).toBe(3_600_000);
    expect(clock.sla_next_check_at.getTime()).toBe(clock.sla_due_at.getTime() - 15 * 60_000);
    const factor = after.priorityBreakdown.find((f: { factor: string }) => f.factor === 'linked_actioned_channel');
    expect(factor).toMatchObject({ points: 40, detail: expect.stringContaining('Confirmed successor of telegram:wilayah_feed') });
    expect(after.priority).toBe(after.priorityBreakdown.reduce((t: number, f: { points: number }) => t + f.points, 0));
    const [event] = await system.sql(`SELECT data FROM audit_events WHERE action = 'channel.link_confirmed'`);
    expect(event.data).toMatchObject({ linkId: link.id, caseId: detail.id, note: expect.stringContaining('logo') });

    // Reviewing it again, or rejecting it now, is a conflict.
    for (const verdict of ['confirm', 'reject']) {
      const again = await system.request('POST', `/v1/channels/${detail.channel.id}/links/${link.id}/${verdict}`, {
        token: moderator.token,
        body: {},
      });
      expect(again.status).toBe(409);
    }

    await decide(detail.id, 'takedown');
    const partner = await system.request('GET', '/v1/feeds/actioned-channels', { token: await system.login() });
    const entry = partner.body.items.find((i: { channel: { key: string } }) => i.channel.key === 'tamtam:wilayahfeed_new');
    expect(entry.successorOf).toEqual({ platform: 'telegram', key: 'telegram:wilayah_feed' });
    const first = partner.body.items.find((i: { channel: { key: string } }) => i.channel.key === 'telegram:wilayah_feed');
    expect(first.successorOf).toBeUndefined();
  });

  it('rejects a link: the factor leaves the case, and the pair is never suggested again', async () => {
    const { detail, link } = await suggested('https://t.me/raya_outlet', 'https://tamtam.chat/raya_outlet_backup');
    const rejected = await system.request('POST', `/v1/channels/${detail.channel.id}/links/${link.id}/reject`, {
      token: moderator.token,
      body: { note: 'A fan page, not the same group.' },
    });
    expect(rejected.status).toBe(200);
    expect(rejected.body.kind).toBe('rejected');
    const after = (await system.request('GET', `/v1/cases/${detail.id}`, { token: moderator.token })).body;
    expect(after.priorityBreakdown.map((f: { factor: string }) => f.factor)).not.toContain('linked_actioned_channel');
    expect(after.priority).toBe(detail.priority - detail.priorityBreakdown.at(-1).points);
    expect(after.slaDueAt).toBe(detail.slaDueAt);

    await system.reportAndTriage({ channel: 'https://tamtam.chat/raya_outlet_backup', description: 'Posting again.' });
    const later = (await system.request('GET', `/v1/cases/${detail.id}`, { token: moderator.token })).body;
    expect(later.reportCount).toBe(2);
    expect(later.linkedChannels).toEqual([expect.objectContaining({ id: link.id, kind: 'rejected' })]);
    expect(later.priorityBreakdown.map((f: { factor: string }) => f.factor)).not.toContain('linked_actioned_channel');
    const events = await system.sql(`SELECT 1 FROM audit_events WHERE action = 'channel.link_suggested' AND target_id = $1`, [
      detail.channel.id,
    ]);
    expect(events).toHaveLength(1);
  });

  it('answers 404 for a link of another channel or none, and keeps manual links apart', async () => {
    const { detail, link } = await suggested('https://t.me/bayan_relay', 'https://tamtam.chat/bayan_relay2');
    const other = await system.reportAndTriage({ channel: 'https://t.me/unrelated_place' });
    const otherChannel = await system.channelOf(other.reportId);
    for (const path of [
      `/v1/channels/${otherChannel}/links/${link.id}/confirm`,
      `/v1/channels/${detail.channel.id}/links/00000000-0000-4000-8000-000000000000/confirm`,
      `/v1/channels/${detail.channel.id}/links/not-a-uuid/confirm`,
    ]) {
      expect((await system.request('POST', path, { token: moderator.token, body: {} })).status).toBe(404);
    }
    const tooLong = await system.request('POST', `/v1/channels/${detail.channel.id}/links/${link.id}/confirm`, {
      token: moderator.token,
      body: { note: 'x'.repeat(2001) },
    });
    expect(tooLong.status).toBe(400);
    // The pair already has a migration link: a manual one is a conflict, not a second row.
    const manual = await system.request('POST', `/v1/channels/${detail.channel.id}/links`, {
      token: moderator.token,
      body: { toChannelId: link.channel.id, kind: 'confirmed_migration', note: 'by hand' },
    });
    expect(manual.status).toBe(409);
  });

  it('lists migrations with hours to reappear, filtered, paged, and counts them in the transparency figures', async () => {
    const all = await system.request('GET', '/v1/migrations?limit=200', { token: auditor.token });
    expect(all.status).toBe(200);
    expect(all.body.items.length).toBeGreaterThanOrEqual(3);
    for (const item of all.body.items) {
      expect(item).toEqual({
        link: {
          id: expect.any(String),
          kind: expect.stringMatching(/^(suspected_migration|confirmed_migration|rejected)$/),
          score: expect.any(Number),
          reasons: expect.any(Array),
          createdAt: expect.any(String),
          reviewedAt: item.link.kind === 'suspected_migration' ? null : expect.any(String),
        },
        fromChannel: expect.objectContaining({ platform: 'tamtam' }),
        toChannel: expect.objectContaining({ platform: 'telegram', status: 'actioned' }),
        takedownAt: expect.any(String),
        firstReportAt: expect.any(String),
        hoursToReappear: expect.any(Number),
      });
      const hours = (Date.parse(item.firstReportAt) - Date.parse(item.takedownAt)) / 3_600_000;
      expect(item.hoursToReappear).toBeCloseTo(hours, 2);
    }
    const confirmed = await system.request('GET', '/v1/migrations?kind=confirmed_migration', { token: moderator.token });
    expect(confirmed.body.items.map((i: { fromChannel: { key: string } }) => i.fromChannel.key)).toEqual([
      'tamtam:wilayahfeed_new',
    ]);
    const none = await system.request('GET', '/v1/migrations?platform=vk', { token: moderator.token });
    expect(none.body).toEqual({ items: [], nextCursor: null });

    const firstPage = await system.request('GET', '/v1/migrations?limit=1', { token: moderator.token });
    const secondPage = await system.request('GET', `/v1/migrations?limit=1&cursor=${firstPage.body.nextCursor}`, {
      token: moderator.token,
    });
    expect(secondPage.body.items[0].link.id).toBe(all.body.items[1].link.id);

    for (const bad of ['kind=mirror', 'platform=myspace', 'since=yesterday', 'cursor=abc']) {
      expect((await system.request('GET', `/v1/migrations?${bad}`, { token: moderator.token })).status).toBe(400);
    }

    const figures = await system.request('GET', '/v1/transparency', { token: auditor.token });
    expect(figures.body.migrations).toEqual({
      suspected: all.body.items.filter((i: { link: { kind: string } }) => i.link.kind === 'suspected_migration').length,
      confirmed: 1,
      rejected: 1,
      medianHoursToReappear: confirmed.body.items[0].hoursToReappear,
    });
  });

  it('gives a removal order’s SLA to a successor linked by hand, and to the next case triage opens on it', async () => {
    const { caseId: oldCase } = await system.reportAndTriage({ channel: 'https://t.me/harbour_bulletin' });
    await decide(oldCase, 'takedown');
    const oldChannel = (await system.request('GET', `/v1/cases/${oldCase}`, { token: moderator.token })).body.channel;
    // Nothing in common that triage would notice: no suggestion, a public report's 72 hours.
    const { caseId } = await system.reportAndTriage({ channel: 'https://vk.com/quiet_river_notes' });
    const before = (await system.request('GET', `/v1/cases/${caseId}`, { token: moderator.token })).body;
    expect(before.linkedChannels).toEqual([]);
    expect(Date.parse(before.slaDueAt) - Date.parse(before.reports[0].receivedAt)).toBe(72 * 3_600_000);

    const linked = await system.request('POST', `/v1/channels/${before.channel.id}/links`, {
      token: moderator.token,
      body: { toChannelId: oldChannel.id, kind: 'confirmed_migration', note: 'Same admins, announced in the old one.' },
    });
    expect(linked.status).toBe(201);
    const after = (await system.request('GET', `/v1/cases/${caseId}`, { token: moderator.token })).body;
    expect(Date.parse(after.slaDueAt)).toBeLessThanOrEqual(Date.now() + 3_600_000);
    expect(after.priorityBreakdown.map((f: { factor: string }) => f.factor)).toContain('linked_actioned_channel');
    const [event] = await system.sql(`SELECT data FROM audit_events WHERE action = 'channel.linked'`);
    expect(event.data).toMatchObject({ kind: 'confirmed_migration', caseId, slaDueAt: after.slaDueAt });

    // Its case closed, the channel reported again: triage opens a case with a removal order's hour at once.
    await decide(caseId, 'no_violation');
    const again = await system.reportAndTriage({ channel: 'https://vk.com/quiet_river_notes' });
    expect(again.caseId).not.toBe(caseId);
    const next = (await system.request('GET', `/v1/cases/${again.caseId}`, { token: moderator.token })).body;
    expect(Date.parse(next.slaDueAt) - Date.parse(next.reports[0].receivedAt)).toBe(3_600_000);
  });
});
