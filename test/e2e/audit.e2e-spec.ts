import { createHash, createPublicKey, verify } from 'node:crypto';
import { AuditEventView, GENESIS_HASH, OCCURRED_AT_FORMAT as OCCURRED_AT } from '@vigil/audit';
import { Client } from 'pg';
import { HttpResponse, reportBody, TestSystem, waitFor } from '../support/test-system';

const HEX_HASH = /^[0-9a-f]{64}$/;

/** As API.md's Audit section shows an event (`data` loosened for the assertions). */
type AuditEvent = Omit<AuditEventView, 'data'> & { data: Record<string, any> };

interface Page {
  items: AuditEvent[];
  nextCursor: string | null;
}

interface Caller {
  id: string;
  token: string;
}

/** `occurredAt` moved by whole microseconds, in the API's own format (a Date cannot hold microseconds). */
function plusMicros(occurredAt: string, micros: number): string {
  const total = Date.parse(`${occurredAt.slice(0, 19)}Z`) * 1000 + Number(occurredAt.slice(20, 26)) + micros;
  const seconds = Math.floor(total / 1_000_000);
  const fraction = total - seconds * 1_000_000;
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}.${String(fraction).padStart(6, '0')}Z`;
}

const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

describe('audit trail over HTTP (API and worker)', () => {
  let system: TestSystem;
  let admin: Caller;
  let moderator: Caller;
  let senior: Caller;
  let auditor: Caller;
  /** A superuser connection of our own, for tampering inside one transaction. */
  let superuser: Client;

  beforeAll(async () => {
    // The worker signs one scheduled checkpoint when it starts (if the head has moved by then) and, with this
    // interval, no other one while the tests run.
    system = await TestSystem.create({ AUDIT_CHECKPOINT_INTERVAL_SECONDS: '86400' });
    await system.startApi();
    const token = await system.login();
    admin = { id: (await system.request('GET', '/v1/me', { token })).body.id, token };
    [moderator, senior, auditor] = await Promise.all([
      system.staff(['moderator']),
      system.staff(['senior_moderator']),
      system.staff(['auditor']),
    ]);
    superuser = new Client({ connectionString: system.config.databaseUrl });
    await superuser.connect();
  });
  afterAll(async () => {
    await superuser?.end();
    await system.stop();
  });

  const get = <T = any>(path: string, token = auditor.token, headers: Record<string, string> = {}) =>
    system.request<T>('GET', path, { token, headers });

  async function list(query: Record<string, string | number> = {}, token = auditor.token): Promise<Page> {
    const search = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]));
    const response = await get<Page>(`/v1/audit?${search}`, token);
    if (response.status !== 200) throw new Error(`GET /v1/audit?${search}: ${response.status} ${response.text}`);
    return response.body;
  }

  /** Every event matching the query, following nextCursor. */
  async function everyEvent(query: Record<string, string | number> = {}, limit = 200): Promise<AuditEvent[]> {
    const events: AuditEvent[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await list({ ...query, limit, ...(cursor ? { cursor } : {}) });
      events.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return events;
  }

  const unsealedCount = async () =>
    (await system.sql(`SELECT count(*)::int AS n FROM audit_events WHERE seq IS NULL`))[0].n as number;

  const everythingSealed = () => waitFor(async () => (await unsealedCount()) === 0, { what: 'every event sealed' });

  async function sealedHead(): Promise<{ seq: number; hash: string }> {
    const [head] = await system.sql(`SELECT seq::int AS seq, hash FROM audit_events WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1`);
    return head;
  }

  /** What an attacker with superuser rights could do: switch the append-only trigger off around one statement. */
  async function tamper(statement: string, params: unknown[] = []): Promise<void> {
    await superuser.query('BEGIN');
    try {
      await superuser.query('ALTER TABLE audit_events DISABLE TRIGGER USER');
      const result = await superuser.query(statement, params);
      if (result.rowCount !== 1) throw new Error(`tampering changed ${result.rowCount} rows, not 1`);
      await superuser.query('ALTER TABLE audit_events ENABLE TRIGGER USER');
      await superuser.query('COMMIT');
    } catch (error) {
      await superuser.query('ROLLBACK');
      throw error;
    }
  }

  const expectError = (response: HttpResponse, statusCode: number, error: string) => {
    expect({ status: response.status, body: response.body }).toEqual({
      status: statusCode,
      body: { statusCode, error, message: expect.anything() },
    });
  };

  describe('before the worker has run', () => {
    it('answers 404 for the latest checkpoint before the first one is signed, and verifies an empty chain', async () => {
      for (const token of [auditor.token, admin.token]) {
        const latest = await get('/v1/audit/checkpoints/latest', token);
        expectError(latest, 404, 'Not Found');
      }
      const events = (await list()).items;
      // Bootstrap admin and three staff users, and their sign-ins; none sealed without the worker.
      expect(events.filter((e) => e.action === 'user.created')).toHaveLength(4);
      expect(new Set(events.map((e) => e.action))).toEqual(new Set(['user.created', 'auth.login_succeeded']));
      expect(events.map((e) => [e.seq, e.prevHash, e.hash])).toEqual(events.map(() => [null, null, null]));
      const verification = await get('/v1/audit/verify');
      expect(verification.status).toBe(200);
      expect(verification.body).toMatchObject({
        ok: true,
        checked: 0,
        headSeq: 0,
        headHash: GENESIS_HASH,
        firstInvalidSeq: null,
      });
    });
  });

  describe('with the worker running', () => {
    beforeAll(() => system.startWorker());

    it('seals every event within 2 s, into one consecutive chain', async () => {
      await everythingSealed();
      const probes = await Promise.all(
        [0, 1, 2, 3, 4].map((i) =>
          system.request('PATCH', `/v1/admin/users/${moderator.id}`, {
            token: admin.token,
            body: { languages: [['en', 'ar', 'ru', 'fa', 'ps'][i]] },
            headers: { 'x-request-id': `seal-probe-${i}` },
          }),
        ),
      );
      expect(probes.map((p) => p.status)).toEqual([200, 200, 200, 200, 200]);
      const committed = Date.now();
      const sealed = await waitFor(
        async () => {
          const rows = await system.sql(`SELECT seq FROM audit_events WHERE request_id LIKE 'seal-probe-%'`);
          return rows.length === 5 && rows.every((r: { seq: string | null }) => r.seq !== null) ? rows : null;
        },
        { timeoutMs: 2000, intervalMs: 20, what: 'the probe events to be sealed' },
      );
      expect(sealed).toHaveLength(5);
      expect(Date.now() - committed).toBeLessThan(2000);

      const events = await everyEvent();
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      events.forEach((event, i) => {
        expect(event.occurredAt).toMatch(OCCURRED_AT);
        expect(event.hash).toMatch(HEX_HASH);
        expect(event.prevHash).toBe(i === 0 ? GENESIS_HASH : events[i - 1].hash);
      });
      const updates = events.filter((e) => e.action === 'user.updated');
      expect(updates.map((e) => e.requestId).sort()).toEqual([0, 1, 2, 3, 4].map((i) => `seal-probe-${i}`));
      expect(updates.map((e) => [e.actor.id, e.target.id])).toEqual(updates.map(() => [admin.id, moderator.id]));
    });

    it('lists sealed events in seq order, then unsealed ones (seq null), and pages through both with a cursor', async () => {
      await everythingSealed();
      await system.stopWorker();
      let restarted = false;
      try {
        const reports: string[] = [];
        for (const name of ['paging_one', 'paging_two', 'paging_three']) {
          const created = await system.request('POST', '/v1/reports', { body: reportBody({ channel: `https://t.me/${name}` }) });
          expect(created.status).toBe(202);
          reports.push(created.body.id);
        }
        const full = await list({ limit: 200 });
        expect(full.nextCursor).toBeNull();
        const firstUnsealed = full.items.findIndex((e) => e.seq === null);
        const sealed = full.items.slice(0, firstUnsealed);
        const unsealed = full.items.slice(firstUnsealed);
        expect(sealed.length).toBeGreaterThanOrEqual(4); // at least the bootstrap admin and the three staff users
        expect(sealed.map((e) => e.seq)).toEqual(sealed.map((_, i) => i + 1));
        expect(unsealed.map((e) => [e.seq, e.prevHash, e.hash])).toEqual(unsealed.map(() => [null, null, null]));
        expect(unsealed.map((e) => e.target.id)).toEqual(expect.arrayContaining(reports));
        // The unsealed tail comes in the order the sealer will take it: occurred_at, then id.
        const tailOrder = [...unsealed].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.id.localeCompare(b.id));
        expect(unsealed.map((e) => e.id)).toEqual(tailOrder.map((e) => e.id));

        // Pages of two cross from the sealed part into the unsealed tail without losing or repeating an event.
        const pages: AuditEvent[][] = [];
        let cursor: string | null = null;
        do {
          const page: Page = await list({ limit: 2, ...(cursor ? { cursor } : {}) });
          pages.push(page.items);
          cursor = page.nextCursor;
        } while (cursor && pages.length < 200);
        const sizes = pages.map((p) => p.length);
        expect(sizes.slice(0, -1).every((size) => size === 2)).toBe(true);
        // Each query's first page is audited (audit.queried, at the unsealed tail): this one's, and the full
        // listing's, follow the events listed before.
        const paged = pages.flat();
        expect(paged.slice(0, full.items.length).map((e) => e.id)).toEqual(full.items.map((e) => e.id));
        expect(paged.slice(full.items.length).map((e) => e.action)).toEqual(['audit.queried', 'audit.queried']);

        // A filter applies on every page, sealed and unsealed alike.
        const received = await everyEvent({ action: 'report.received' }, 1);
        expect(received.map((e) => e.id)).toEqual(full.items.filter((e) => e.action === 'report.received').map((e) => e.id));
        expect(received.slice(-3).map((e) => e.target.id)).toEqual(reports);

        await system.startWorker();
        restarted = true;
        // Triage writes events of its own: the sealer may catch up before those exist.
        await waitFor(
          async () =>
            (await system.sql(`SELECT count(*)::int AS n FROM reports WHERE id = ANY($1) AND triaged_at IS NOT NULL`, [
              reports,
            ]))[0].n === reports.length,
          { what: 'the three reports triaged' },
        );
        await everythingSealed();
        const after = await everyEvent();
        // Sealing kept the listed order: the tail was sealed right after the sealed part, in the order shown.
        expect(after.slice(0, full.items.length).map((e) => e.id)).toEqual(full.items.map((e) => e.id));
        expect(after.map((e) => e.seq)).toEqual(after.map((_, i) => i + 1));
      } finally {
        if (!restarted) await system.startWorker();
      }
    });

    it('filters by actor, action, target type, target id and time', async () => {
      const report = await system.reportAndTriage({ channel: 'https://t.me/audit_filters' });
      expect((await system.request('POST', `/v1/cases/${report.caseId}/claim`, { token: moderator.token })).status).toBe(200);
      expect((await system.request('POST', `/v1/cases/${report.caseId}/lease/release`, { token: moderator.token })).status).toBe(204);
      await everythingSealed();
      const all = await everyEvent();
      const ids = (events: AuditEvent[]) => events.map((e) => e.id);

      const byModerator = await everyEvent({ actorId: moderator.id });
      expect(byModerator.map((e) => [e.action, e.target.id])).toEqual([
        ['auth.login_succeeded', moderator.id],
        ['case.claimed', report.caseId],
        ['case.lease_released', report.caseId],
      ]);
      expect(ids(byModerator)).toEqual(ids(all.filter((e) => e.actor.id === moderator.id)));

      const byAdmin = await everyEvent({ actorId: admin.id, action: 'user.updated' });
      expect(byAdmin).toHaveLength(5);
      expect(ids(byAdmin)).toEqual(ids(all.filter((e) => e.actor.id === admin.id && e.action === 'user.updated')));

      const created = await everyEvent({ action: 'user.created' });
      expect(created.map((e) => e.target.id)).toEqual(expect.arrayContaining([admin.id, moderator.id, senior.id, auditor.id]));
      expect(ids(created)).toEqual(ids(all.filter((e) => e.action === 'user.created')));

      const ofReport = await everyEvent({ targetType: 'report', targetId: report.reportId });
      expect(ofReport.map((e) => e.action)).toEqual(['report.received', 'report.triaged']);
      const ofCase = await everyEvent({ targetId: report.caseId });
      expect(ofCase.map((e) => e.action)).toEqual(['case.opened', 'case.claimed', 'case.lease_released']);
      expect(await everyEvent({ targetType: 'report', targetId: report.caseId })).toEqual([]);
      const cases = await everyEvent({ targetType: 'case' });
      expect(ids(cases)).toEqual(ids(all.filter((e) => e.target.type === 'case')));

      // Time bounds at the microsecond precision the events carry: from is inclusive, to exclusive.
      const opened = ofCase[0];
      const triaged = ofReport[1];
      const inRange = (from: string, to: string) => ids(all.filter((e) => e.occurredAt >= from && e.occurredAt < to));
      const bounds: Array<[string, string]> = [
        [opened.occurredAt, triaged.occurredAt],
        [opened.occurredAt, plusMicros(opened.occurredAt, 1)],
        [plusMicros(opened.occurredAt, 1), plusMicros(triaged.occurredAt, 1)],
        [all[2].occurredAt, all[all.length - 3].occurredAt],
      ];
      for (const [from, to] of bounds) {
        const found = await everyEvent({ from, to });
        expect({ from, to, ids: ids(found) }).toEqual({ from, to, ids: inRange(from, to) });
      }
      expect(ids(await everyEvent({ from: opened.occurredAt, to: plusMicros(opened.occurredAt, 1) }))).toEqual([opened.id]);
      expect(ids(await everyEvent({ from: triaged.occurredAt, to: plusMicros(triaged.occurredAt, 1) }))).toEqual([triaged.id]);
      // A time with an offset means the same instant. (The queries made since `all` was read are in the trail too,
      // as audit.queried: only what `all` could hold is compared.)
      const utc = new Date(Date.parse(all[3].occurredAt));
      const plusTwo = new Date(utc.getTime() + 2 * 3600_000).toISOString().replace('Z', '+02:00');
      const known = new Set(ids(all));
      expect(ids(await everyEvent({ from: plusTwo })).filter((id) => known.has(id))).toEqual(
        ids(all.filter((e) => Date.parse(e.occurredAt) >= utc.getTime())),
      );
    });

    it.each([
      ['a cursor that is not base64 JSON', 'cursor=not-a-cursor'],
      ['a cursor with a negative seq', `cursor=${cursorOf(['s', -1])}`],
      ['a cursor with a bad time', `cursor=${cursorOf(['u', '2026-11-25', '00000000-0000-4000-8000-000000000000'])}`],
      ['an action that is not noun.verb', 'action=CaseClaimed'],
      ['a target type with capitals', 'targetType=Case'],
      ['a from that is not a time', 'from=yesterday'],
      ['a to that is not a time', 'to=2026-13-45T00:00:00Z'],
      ['an ISO 8601 week date, which names no instant', 'from=2026-W48-3'],
      ['a limit of 0', 'limit=0'],
      ['a limit over 200', 'limit=201'],
      ['a limit that is not a number', 'limit=ten'],
      ['an unknown parameter', 'severity=high'],
    ])('refuses %s with 400 in the error shape', async (_, query) => {
      const response = await get(`/v1/audit?${query}`);
      expectError(response, 400, 'Bad Request');
    });

    it('refuses a malformed fromCheckpoint on verify with 400', async () => {
      expectError(await get('/v1/audit/verify?fromCheckpoint=yes'), 400, 'Bad Request');
    });

    it('verifies the chain, names the first edited event after tampering, and verifies again once restored', async () => {
      await everythingSealed();
      const head = await sealedHead();
      const intact = await get('/v1/audit/verify');
      expect(intact.status).toBe(200);
      expect(intact.body).toMatchObject({
        ok: true,
        checked: head.seq,
        headSeq: head.seq,
        headHash: head.hash,
        firstInvalidSeq: null,
      });

      const [victim] = await system.sql(
        `SELECT seq::int AS seq, data FROM audit_events WHERE action = 'report.received' AND seq < $1 ORDER BY seq LIMIT 1`,
        [head.seq],
      );
      expect(victim.seq).toBeGreaterThan(1);
      await tamper(`UPDATE audit_events SET data = data || '{"category": "other"}' WHERE seq = $1`, [victim.seq]);
      const edited = await get('/v1/audit/verify');
      expect(edited.body).toMatchObject({ ok: false, headSeq: head.seq, headHash: head.hash, firstInvalidSeq: victim.seq });
      // The rest of the trail still reads; the edited event shows its edited data.
      const shown = (await everyEvent({ action: 'report.received' })).find((e) => e.seq === victim.seq);
      expect(shown?.data.category).toBe('other');

      await tamper(`UPDATE audit_events SET data = $2::jsonb WHERE seq = $1`, [victim.seq, JSON.stringify(victim.data)]);
      expect((await get('/v1/audit/verify')).body).toMatchObject({ ok: true, firstInvalidSeq: null });

      // A single microsecond of occurred_at is covered by the hash too.
      await tamper(`UPDATE audit_events SET occurred_at = occurred_at + interval '1 microsecond' WHERE seq = $1`, [victim.seq]);
      expect((await get('/v1/audit/verify')).body).toMatchObject({ ok: false, firstInvalidSeq: victim.seq });
      await tamper(`UPDATE audit_events SET occurred_at = occurred_at - interval '1 microsecond' WHERE seq = $1`, [victim.seq]);
      expect((await get('/v1/audit/verify')).body).toMatchObject({ ok: true, firstInvalidSeq: null });
    });

    it('signs a checkpoint on request (201, admin only) that verifies with its public key and is served as the latest', async () => {
      await everythingSealed();
      const head = await sealedHead();
      const countCheckpoints = async () => (await system.sql(`SELECT count(*)::int AS n FROM audit_checkpoints`))[0].n;
      const before = await countCheckpoints();
      expectError(await system.request('POST', '/v1/audit/checkpoints', { token: auditor.token }), 403, 'Forbidden');
      expect(await countCheckpoints()).toBe(before);

      const response = await system.request('POST', '/v1/audit/checkpoints', {
        token: admin.token,
        headers: { 'x-request-id': 'checkpoint-probe-1' },
      });
      expect(response.status).toBe(201);
      const checkpoint = response.body;
      expect(Object.keys(checkpoint).sort()).toEqual(['algorithm', 'hash', 'keyId', 'publicKey', 'seq', 'signature', 'signedAt']);
      expect(checkpoint).toMatchObject({ seq: head.seq, hash: head.hash, algorithm: 'Ed25519' });
      expect(checkpoint.signedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(Math.abs(Date.parse(checkpoint.signedAt) - Date.now())).toBeLessThan(60_000);
      expect(await countCheckpoints()).toBe(before + 1);

      const key = createPublicKey(checkpoint.publicKey);
      expect(key.asymmetricKeyType).toBe('ed25519');
      expect(checkpoint.keyId).toBe(
        createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16),
      );
      const signature = Buffer.from(checkpoint.signature, 'base64');
      const signs = (message: string) => verify(null, Buffer.from(message, 'utf8'), key, signature);
      expect(signs(`${checkpoint.seq}.${checkpoint.hash}.${checkpoint.signedAt}`)).toBe(true);
      expect(signs(`${checkpoint.seq + 1}.${checkpoint.hash}.${checkpoint.signedAt}`)).toBe(false);
      expect(signs(`${checkpoint.seq}.${checkpoint.hash}.${new Date(Date.parse(checkpoint.signedAt) + 1).toISOString()}`)).toBe(false);

      const latest = await get('/v1/audit/checkpoints/latest');
      expect(latest.status).toBe(200);
      expect(latest.body).toEqual(checkpoint);

      const signed = await everyEvent({ action: 'checkpoint.signed' });
      expect(signed).toHaveLength(1);
      expect(signed[0]).toMatchObject({
        actor: { id: admin.id, role: 'admin' },
        target: { type: 'audit_checkpoint' },
        requestId: 'checkpoint-probe-1',
        data: { seq: checkpoint.seq, hash: checkpoint.hash, keyId: checkpoint.keyId, signedAt: checkpoint.signedAt },
      });

      const fromCheckpoint = await get('/v1/audit/verify?fromCheckpoint=true');
      expect(fromCheckpoint.body).toMatchObject({ ok: true, firstInvalidSeq: null, startSeq: checkpoint.seq });
    });

    describe('revealing a reporter', () => {
      const CONTACT = 'whistle@example.org';
      const REASON = 'Court order 12/2026 requires the identity of this reporter.';
      const reveal = (reportId: string, body: unknown, token = admin.token, headers: Record<string, string> = {}) =>
        system.request('POST', `/v1/admin/reports/${reportId}/reveal-reporter`, { token, body, headers });
      const revealEvents = async () =>
        (await system.sql(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'reporter.revealed'`))[0].n;

      it('gives an admin the contact and pseudonym, audited with the admin and the reason but never the contact', async () => {
        const report = await system.reportAndTriage({ channel: 'https://t.me/audit_reveal', reporterContact: CONTACT });
        const detail = await system.request('GET', `/v1/cases/${report.caseId}`, { token: senior.token });
        const pseudonym = detail.body.reports.find((r: { id: string }) => r.id === report.reportId).reporter;
        expect(pseudonym).toMatch(/^reporter#[0-9a-f]{8}$/);
        const before = await revealEvents();

        const revealed = await reveal(report.reportId, { reason: REASON }, admin.token, { 'x-request-id': 'reveal-probe-1' });
        expect(revealed.status).toBe(200);
        expect(revealed.body).toEqual({ reportId: report.reportId, pseudonym, contact: CONTACT });
        expect(await revealEvents()).toBe(before + 1);

        const [event] = await everyEvent({ action: 'reporter.revealed', targetId: report.reportId });
        expect(event).toMatchObject({
          actor: { id: admin.id, role: 'admin' },
          target: { type: 'report', id: report.reportId },
          requestId: 'reveal-probe-1',
          data: { reason: REASON, pseudonym, contactOnFile: true },
        });
        expect(JSON.stringify(event)).not.toContain(CONTACT);
        const copies = await system.sql(`SELECT count(*)::int AS n FROM audit_events WHERE data::text LIKE $1`, [`%${CONTACT}%`]);
        expect(copies[0].n).toBe(0);
      });

      it('answers contact null for a reporter who left none', async () => {
        const report = await system.reportAndTriage({ channel: 'https://t.me/audit_reveal_anonymous' });
        const revealed = await reveal(report.reportId, { reason: REASON });
        expect(revealed.status).toBe(200);
        expect(revealed.body).toMatchObject({ reportId: report.reportId, contact: null });
        const [event] = await everyEvent({ action: 'reporter.revealed', targetId: report.reportId });
        expect(event.data).toMatchObject({ contactOnFile: false });
      });

      it('requires a reason (400) and a known report (404), and records nothing then', async () => {
        const report = await system.reportAndTriage({ channel: 'https://t.me/audit_reveal_refused', reporterContact: CONTACT });
        const before = await revealEvents();
        expectError(await reveal(report.reportId, {}), 400, 'Bad Request');
        expectError(await reveal(report.reportId, undefined), 400, 'Bad Request');
        expectError(await reveal(report.reportId, { reason: 'too short' }), 400, 'Bad Request');
        expectError(await reveal(report.reportId, { reason: '            ' }), 400, 'Bad Request');
        expectError(await reveal(report.reportId, { reason: REASON, contact: true }), 400, 'Bad Request');
        expectError(await reveal('00000000-0000-4000-8000-000000000000', { reason: REASON }), 404, 'Not Found');
        expectError(await reveal('not-a-report-id', { reason: REASON }), 404, 'Not Found');
        expect(await revealEvents()).toBe(before);
      });
    });

    it('allows each audit route to exactly the roles API.md names', async () => {
      const report = await system.reportAndTriage({ channel: 'https://t.me/audit_roles', reporterContact: 'roles@example.org' });
      // A checkpoint exists, so an allowed read of the latest one is a 200.
      expect((await system.request('POST', '/v1/audit/checkpoints', { token: admin.token })).status).toBe(201);
      const routes = [
        { route: 'GET /v1/audit', method: 'GET', path: '/v1/audit', allowed: ['auditor', 'admin'], ok: 200 },
        { route: 'GET /v1/audit/verify', method: 'GET', path: '/v1/audit/verify', allowed: ['auditor', 'admin'], ok: 200 },
        {
          route: 'GET /v1/audit/checkpoints/latest',
          method: 'GET',
          path: '/v1/audit/checkpoints/latest',
          allowed: ['auditor', 'admin'],
          ok: 200,
        },
        { route: 'POST /v1/audit/checkpoints', method: 'POST', path: '/v1/audit/checkpoints', allowed: ['admin'], ok: 201 },
        {
          route: 'POST /v1/admin/reports/:id/reveal-reporter',
          method: 'POST',
          path: `/v1/admin/reports/${report.reportId}/reveal-reporter`,
          body: { reason: 'Checking who may reveal a reporter.' },
          allowed: ['admin'],
          ok: 200,
        },
      ];
      const callers: Record<string, string | undefined> = {
        anonymous: undefined,
        moderator: moderator.token,
        senior_moderator: senior.token,
        auditor: auditor.token,
        admin: admin.token,
      };
      const counts = async () =>
        (
          await system.sql(
            `SELECT (SELECT count(*)::int FROM audit_checkpoints) AS checkpoints,
                    (SELECT count(*)::int FROM audit_events WHERE action = 'reporter.revealed') AS reveals`,
          )
        )[0];
      const before = await counts();

      const expected: Record<string, number> = {};
      const actual: Record<string, number> = {};
      for (const { route, method, path, body, allowed, ok } of routes) {
        for (const [caller, token] of Object.entries(callers)) {
          const response = await system.request(method, path, { token, body });
          actual[`${route} as ${caller}`] = response.status;
          expected[`${route} as ${caller}`] = caller === 'anonymous' ? 401 : allowed.includes(caller) ? ok : 403;
          if (response.status === 401) expect(response.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
          if (response.status === 403) expect(response.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
        }
      }
      expect(actual).toEqual(expected);
      // Refused calls changed nothing: only the admin's signed a checkpoint and revealed the reporter.
      expect(await counts()).toEqual({ checkpoints: before.checkpoints + 1, reveals: before.reveals + 1 });
    });
  });
});
