import { HttpResponse, reportBody, RequestOptions, TestSystem, waitFor } from '../support/test-system';
import { WebhookReceiver, webhookEnv } from '../support/webhook-receiver';

const TAKEDOWN = { action: 'takedown', policy: 'TVEC-1', reason: 'Distributes claims of responsibility for attacks.' };

interface AuditEvent {
  id: string;
  seq: number | null;
  actor: { id: string | null; role: string };
  action: string;
  target: { type: string; id: string };
  data: Record<string, any>;
  requestId: string | null;
}

/** Steps in chain order; an array is a set of events that parallel jobs may record in any order. */
type Step = string | string[];

/** The actual labels, with each unordered step's slice sorted, so they compare with `expected(steps)`. */
function alongSteps(labels: string[], steps: Step[]): string[] {
  const out: string[] = [];
  let at = 0;
  for (const step of steps) {
    const size = Array.isArray(step) ? step.length : 1;
    const slice = labels.slice(at, at + size);
    out.push(...(Array.isArray(step) ? slice.sort() : slice));
    at += size;
  }
  return [...out, ...labels.slice(at)];
}
const expected = (steps: Step[]) => steps.flatMap((step) => (Array.isArray(step) ? [...step].sort() : [step]));

describe('the audit trail of one case, from report to reversed appeal', () => {
  let system: TestSystem;
  let receiver: WebhookReceiver;
  let admin: { id: string; token: string };
  let seniorA: { id: string; token: string };
  let seniorB: { id: string; token: string };
  let moderator: { id: string; token: string };
  let auditor: { id: string; token: string };
  /** Every request this file made itself, to check each successful change left an event with its request id. */
  const calls: { method: string; path: string; status: number; requestId: string | null }[] = [];

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    system = await TestSystem.create(webhookEnv(receiver));
    await system.startApi();
    await system.startWorker();
    const token = await system.login();
    admin = { id: (await system.request('GET', '/v1/me', { token })).body.id, token };
    [seniorA, seniorB, moderator, auditor] = await Promise.all([
      system.staff(['senior_moderator']),
      system.staff(['senior_moderator']),
      system.staff(['moderator']),
      system.staff(['auditor']),
    ]);
  });
  afterAll(async () => {
    await system.stop();
    await receiver.stop();
  });

  async function call<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<HttpResponse<T>> {
    const response = await system.request<T>(method, path, options);
    calls.push({ method, path, status: response.status, requestId: response.headers.get('x-request-id') });
    return response;
  }

  async function report(channel: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
    const response = await call('POST', '/v1/reports', { body: reportBody({ channel, ...extra }), headers });
    expect(response.status).toBe(202);
    const caseId = await waitFor(
      async () =>
        (await system.sql(`SELECT case_id FROM reports WHERE id = $1 AND status <> 'received'`, [response.body.id]))[0]
          ?.case_id as string | undefined,
      { what: 'triage' },
    );
    return { reportId: response.body.id as string, trackingToken: response.body.trackingToken as string, caseId };
  }

  const caseStatus = async (caseId: string) =>
    (await system.sql(`SELECT status FROM cases WHERE id = $1`, [caseId]))[0].status as string;

  /** Enforcements and notices of the case have all reached an outcome. */
  const deliveriesDone = (caseId: string) =>
    waitFor(
      async () => {
        const [row] = await system.sql(
          `SELECT (SELECT count(*) FROM enforcements WHERE case_id = $1 AND status = 'pending')
                + (SELECT count(*) FROM notifications WHERE case_id = $1 AND status = 'pending') AS pending`,
          [caseId],
        );
        return Number(row.pending) === 0;
      },
      { what: `deliveries of case ${caseId}` },
    );

  const everythingSealed = () =>
    waitFor(async () => (await system.sql(`SELECT 1 FROM audit_events WHERE seq IS NULL LIMIT 1`)).length === 0, {
      what: 'every event sealed',
    });

  async function auditEvents(query: Record<string, string>): Promise<AuditEvent[]> {
    const response = await system.request('GET', `/v1/audit?${new URLSearchParams({ ...query, limit: '200' })}`, {
      token: auditor.token,
    });
    expect(response.status).toBe(200);
    expect(response.body.nextCursor).toBeNull();
    return response.body.items;
  }

  let story: { reportId: string; caseId: string; decisionId: string; appealId: string; channelId: string };

  it('records every step in chain order, each by its actor and request, and the chain verifies', async () => {
    // Report (public, with a contact) → triage.
    const filed = await report('https://t.me/lifecycle_channel', { reporterContact: 'reporter@example.org' }, {
      'x-request-id': 'lifecycle-report',
    });
    const { caseId } = filed;
    const [{ channel_id: channelId }] = await system.sql(`SELECT channel_id FROM cases WHERE id = $1`, [caseId]);

    // Claim and take down (senior A); enforcement and both notices go out, and the case closes.
    expect((await call('POST', `/v1/cases/${caseId}/claim`, { token: seniorA.token })).status).toBe(200);
    const decision = await call('POST', `/v1/cases/${caseId}/decisions`, { token: seniorA.token, body: TAKEDOWN });
    expect(decision.status).toBe(201);
    await waitFor(async () => (await caseStatus(caseId)) === 'closed', { what: 'case closed after enforcement' });
    const owner = receiver.on('/notify').find((d) => d.body.kind === 'owner_notice' && d.body.decisionId === decision.body.id);
    expect(owner?.body.appealToken).toEqual(expect.any(String));

    // The owner appeals with the token from their notice; senior A may not judge their own decision, senior B reverses it.
    const appeal = await call('POST', '/v1/appeals', {
      body: { decisionId: decision.body.id, token: owner!.body.appealToken, reason: 'This channel reports on the news.' },
      headers: { 'x-request-id': 'lifecycle-appeal' },
    });
    expect(appeal.status).toBe(201);
    const resolve = (token: string, headers: Record<string, string> = {}) =>
      call('POST', `/v1/appeals/${appeal.body.id}/resolve`, {
        token,
        headers,
        body: { outcome: 'reversed', reason: 'Reporting on attacks is not propaganda.' },
      });
    expect((await resolve(seniorA.token)).status).toBe(403);
    expect((await resolve(seniorB.token, { 'x-request-id': 'lifecycle-resolve' })).status).toBe(200);
    await waitFor(async () => receiver.on('/enforce').some((d) => d.body.caseId === caseId && d.body.type === 'restore'), {
      what: 'restore webhook',
    });
    await deliveriesDone(caseId);
    await everythingSealed();
    story = { reportId: filed.reportId, caseId, decisionId: decision.body.id, appealId: appeal.body.id, channelId };

    const detail = await system.request('GET', `/v1/cases/${caseId}`, { token: seniorB.token });
    expect(detail.status).toBe(200);
    const history: AuditEvent[] = detail.body.history;
    const names: Record<string, string> = { [seniorA.id]: 'senior A', [seniorB.id]: 'senior B' };
    const label = (e: AuditEvent) => {
      const detailOf = e.action.startsWith('enforcement.') ? `:${e.data.type}` : e.action.startsWith('notification.') ? `:${e.data.kind}` : '';
      return `${e.action}${detailOf} by ${e.actor.id === null ? e.actor.role : `${e.actor.role} ${names[e.actor.id] ?? e.actor.id}`}`;
    };
    const steps: Step[] = [
      'report.received by public',
      'case.opened by system',
      'report.triaged by system',
      'case.claimed by senior_moderator senior A',
      'decision.recorded by senior_moderator senior A',
      // The outcome job runs beside the takedown and the owner's notice; the reporter's notice is written by it.
      [
        'decision.applied by system',
        'enforcement.succeeded:takedown by system',
        'notification.sent:reporter_outcome by system',
        'notification.sent:owner_notice by system',
      ],
      'case.closed by system',
      'appeal.filed by public',
      'appeal.resolved by senior_moderator senior B',
      ['enforcement.succeeded:restore by system', 'notification.sent:appeal_outcome by system'],
    ];
    expect(alongSteps(history.map(label), steps)).toEqual(expected(steps));
    const seqs = history.map((e) => e.seq);
    expect(seqs.every((seq) => seq !== null)).toBe(true);
    expect(seqs).toEqual([...seqs].sort((a, b) => a! - b!));

    // The events name the request that caused them and the facts that matter.
    const find = (action: string) => history.filter((e) => e.action === action);
    expect(find('report.received')[0]).toMatchObject({ requestId: 'lifecycle-report', target: { type: 'report', id: filed.reportId } });
    expect(find('case.opened')[0].data).toMatchObject({ reportId: filed.reportId, channelId });
    expect(find('decision.applied')[0].data).toEqual({
      decisionId: decision.body.id,
      action: 'takedown',
      reports: 1,
      reporters: 1,
      notices: 1,
    });
    expect(find('decision.recorded')[0]).toMatchObject({
      requestId: decision.headers.get('x-request-id'),
      data: { decisionId: decision.body.id, action: 'takedown', policy: 'TVEC-1', from: 'in_review', to: 'decided' },
    });
    expect(find('appeal.filed')[0]).toMatchObject({
      requestId: 'lifecycle-appeal',
      target: { type: 'appeal', id: appeal.body.id },
      data: { decisionId: decision.body.id, caseId, appellant: 'owner' },
    });
    expect(find('appeal.resolved')[0]).toMatchObject({
      requestId: 'lifecycle-resolve',
      data: { decisionId: decision.body.id, caseId, outcome: 'reversed', action: 'takedown' },
    });
    // The appeal token and the reporter's contact reach the webhooks only, never the trail.
    const trail = JSON.stringify(await system.sql(`SELECT data FROM audit_events`));
    expect(trail).not.toContain(owner!.body.appealToken);
    expect(trail).not.toContain('reporter@example.org');

    // The same story through GET /v1/audit, by target.
    const actions = (events: AuditEvent[]) => events.map((e) => e.action);
    expect(actions(await auditEvents({ targetId: caseId }))).toEqual([
      'case.opened',
      'case.claimed',
      'decision.recorded',
      'decision.applied',
      'case.closed',
      // A moderator opened the case (GET /v1/cases/:id): reads are in the trail too.
      'case.viewed',
    ]);
    expect(actions(await auditEvents({ targetType: 'report', targetId: filed.reportId }))).toEqual([
      'report.received',
      'report.triaged',
    ]);
    expect(actions(await auditEvents({ targetType: 'appeal', targetId: appeal.body.id }))).toEqual([
      'appeal.filed',
      'appeal.resolved',
    ]);
    const restored = await auditEvents({ targetType: 'channel', targetId: channelId });
    expect(restored).toMatchObject([{ action: 'channel.restored', actor: { id: seniorB.id }, data: { appealId: appeal.body.id } }]);
    expect(actions(await auditEvents({ actorId: seniorB.id }))).toEqual([
      'auth.login_succeeded',
      'appeal.resolved',
      'channel.restored',
      'case.viewed',
    ]);
    // Every event of the history is the same event in the audit list (same seq, same fields).
    const listed = new Map((await auditEvents({})).map((e) => [e.id, e]));
    for (const event of history) expect(listed.get(event.id)).toEqual(event);

    const verification = await system.request('GET', '/v1/audit/verify', { token: auditor.token });
    expect(verification.status).toBe(200);
    expect(verification.body).toMatchObject({ ok: true, firstInvalidSeq: null });
    expect(verification.body.checked).toBe(verification.body.headSeq);
    expect(verification.body.headSeq).toBeGreaterThanOrEqual(Math.max(...seqs.map(Number)));
  });

  describe('nothing changes without an audit event', () => {
    // Tables that are not the moderation record itself: the migrations TypeORM applied, the trail, and its
    // checkpoints (scheduled ones are deliberately not audited: their event would move the head for ever), and when
    // scheduled work last ran (the worker's heartbeat: an event per run would also move the head for ever).
    const NOT_AUDITED = [
      'migrations',
      'audit_events',
      'audit_checkpoints',
      'audit_tree_nodes',
      'audit_tree_heads',
      'audit_tree_checkpoints',
      'scheduled_runs',
    ];
    /**
     * Tables whose rows the trail names by something other than their primary key: a condition on the row `t`
     * that finds the audited events explaining it.
     */
    const EXPLAINED_BY: Record<string, string> = {
      // A reporter's record is a counter kept in the transaction of each decision on a case they reported (audited
      // as decision.recorded); warnings and suspensions are audited under the pseudonym, never the reporter_ref.
      reporter_standings: `EXISTS (SELECT 1 FROM reports r JOIN audit_events e
                                     ON e.action = 'decision.recorded' AND e.target_id = r.case_id::text
                                   WHERE r.reporter_ref = t.reporter_ref)
                           OR EXISTS (SELECT 1 FROM audit_events e WHERE e.target_type = 'reporter' AND e.target_id = t.pseudonym)`,
      // A channel's lookup key is stored by the triage that attached a report carrying it (report.triaged).
      channel_names: `EXISTS (SELECT 1 FROM reports r JOIN audit_events e
                                ON e.action = 'report.triaged' AND e.target_id = r.id::text
                              WHERE r.channel_id = t.channel_id AND t.key = ANY(r.match_keys))`,
      // A case an incident boosted: by triage (report.triaged names the incident) or by the incident clocks.
      incident_cases: `EXISTS (SELECT 1 FROM audit_events e
                               WHERE e.action IN ('report.triaged', 'case.incident_changed')
                                 AND (e.target_id = t.case_id::text OR e.data ->> 'caseId' = t.case_id::text)
                                 AND e.data ->> 'incidentId' = t.incident_id::text)`,
    };
    const MUST_HAVE_ROWS = [
      'reports',
      'cases',
      'decisions',
      'appeals',
      'enforcements',
      'notifications',
      'channel_links',
      'users',
      'api_keys',
      'channels',
    ];

    beforeAll(async () => {
      expect(story).toBeDefined();
      // Around the life cycle: an API key and its report, an escalation, a channel link, a user change, a revocation.
      const key = await call('POST', '/v1/admin/api-keys', {
        token: admin.token,
        body: { name: 'Lifecycle flagger', role: 'trusted_flagger', organization: 'Flaggers e.V.' },
      });
      expect(key.status).toBe(201);
      const flagged = await report('https://t.me/lifecycle_mirror', {}, { 'x-api-key': key.body.key });
      expect((await call('POST', `/v1/cases/${flagged.caseId}/claim`, { token: moderator.token })).status).toBe(200);
      const escalated = await call('POST', `/v1/cases/${flagged.caseId}/decisions`, {
        token: moderator.token,
        body: { action: 'escalate', policy: 'TVEC-2', reason: 'Needs a senior look at the logo.' },
      });
      expect(escalated.status).toBe(201);
      const [{ channel_id: mirrorId }] = await system.sql(`SELECT channel_id FROM cases WHERE id = $1`, [flagged.caseId]);
      const link = await call('POST', `/v1/channels/${mirrorId}/links`, {
        token: seniorA.token,
        body: { toChannelId: story.channelId, kind: 'mirror', note: 'Reposts every statement within minutes.' },
      });
      expect(link.status).toBe(201);
      expect((await call('PATCH', `/v1/admin/users/${moderator.id}`, { token: admin.token, body: { languages: ['ar'] } })).status).toBe(200);
      expect((await call('DELETE', `/v1/admin/api-keys/${key.body.id}`, { token: admin.token })).status).toBe(204);
      await deliveriesDone(story.caseId);
      await everythingSealed();
    });

    it('leaves no row of any table without an audit event that targets it or names it in its data', async () => {
      const tables: { table_name: string; pk: string[] | null }[] = await system.sql(
        `SELECT t.table_name,
                (SELECT array_agg(k.column_name::text ORDER BY k.ordinal_position)
                 FROM information_schema.table_constraints c
                 JOIN information_schema.key_column_usage k
                   ON k.constraint_schema = c.constraint_schema AND k.constraint_name = c.constraint_name
                 WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name
                   AND c.constraint_type = 'PRIMARY KEY') AS pk
         FROM information_schema.tables t
         WHERE t.table_schema = 'public' AND t.table_type = 'BASE TABLE'
         ORDER BY t.table_name`,
      );
      const audited = tables.filter((t) => !NOT_AUDITED.includes(t.table_name));
      expect(audited.map((t) => t.table_name)).toEqual(expect.arrayContaining(MUST_HAVE_ROWS));

      const rowCounts: Record<string, number> = {};
      const unaudited: Record<string, string[]> = {};
      for (const { table_name: table, pk } of audited) {
        // A table this check cannot read must be taught to it (EXPLAINED_BY, or NOT_AUDITED with the reason).
        if (!EXPLAINED_BY[table]) expect({ table, primaryKey: pk?.length }).toEqual({ table, primaryKey: 1 });
        const id = `t."${pk![0]}"::text`;
        const [{ n }] = await system.sql(`SELECT count(*)::int AS n FROM "${table}" t`);
        rowCounts[table] = n;
        const named = `EXISTS (
             SELECT 1 FROM audit_events e
             WHERE e.target_id = ${id}
                OR (jsonb_typeof(e.data) = 'object'
                    AND EXISTS (SELECT 1 FROM jsonb_each_text(e.data) d WHERE d.value = ${id})))`;
        const missing: { id: string }[] = await system.sql(
          `SELECT ${id} AS id FROM "${table}" t WHERE NOT (${EXPLAINED_BY[table] ?? named})`,
        );
        if (missing.length > 0) unaudited[table] = missing.map((m) => m.id);
      }
      // Each table the moderation flow writes holds rows by now, so the check below is not vacuous.
      for (const table of MUST_HAVE_ROWS) expect({ table, hasRows: rowCounts[table] > 0 }).toEqual({ table, hasRows: true });
      expect(unaudited).toEqual({});
    });

    it('gave every successful change made through the API an audit event carrying its request id', async () => {
      const changes = calls.filter((c) => c.method !== 'GET' && c.status < 300);
      expect(changes.length).toBeGreaterThanOrEqual(12);
      const ids = changes.map((c) => c.requestId);
      expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
      const rows: { request_id: string }[] = await system.sql(
        `SELECT DISTINCT request_id FROM audit_events WHERE request_id = ANY($1)`,
        [ids],
      );
      const recorded = new Set(rows.map((r) => r.request_id));
      expect(changes.filter((c) => !recorded.has(c.requestId!))).toEqual([]);
      // …and a refused change none: senior A's attempt to judge their own decision left no trace.
      const refused = calls.filter((c) => c.status === 403);
      expect(refused).toHaveLength(1);
      expect(await system.sql(`SELECT id FROM audit_events WHERE request_id = $1`, [refused[0].requestId])).toEqual([]);
    });
  });
});
