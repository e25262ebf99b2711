import { DynamicModule, INestApplicationContext, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { ActionContext } from '@vigil/audit';
import { ConfigModule, loadConfig, VigilConfig } from '@vigil/config';
import { DatabaseModule, dropDatabase, migrate, throwawayDatabaseUrl, throwawayId } from '@vigil/database';
import { DomainError } from '@vigil/domain';
import { QueueName, QueueProducer, QueuesModule, triageJobId } from '@vigil/queues';
import { Worker } from 'bullmq';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { IntakeGroupCommit } from './intake-group-commit';
import { ReporterIdentity } from '../reporters';
import { SubmitReport, SubmitReportCommand, SubmitReportInput, SubmittedReport } from './submit-report.use-case';

@Module({})
class IntakeTestModule {
  static forRoot(config: VigilConfig): DynamicModule {
    return {
      module: IntakeTestModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot(), QueuesModule.forRoot('producer')],
      providers: [IntakeGroupCommit, SubmitReport],
    };
  }
}

/** SubmitReport and its group commit as the API wires them, on this run's database and queue prefix. */
interface Intake {
  app: INestApplicationContext;
  submit: SubmitReport;
  group: IntakeGroupCommit;
  queues: QueueProducer;
}

const ctx = (requestId: string): ActionContext => ({ actor: { id: null, role: 'public' }, requestId });

const command = (report: Partial<SubmitReportInput>, extra: Partial<SubmitReportCommand> = {}): SubmitReportCommand => ({
  report: {
    channel: 'https://t.me/group_commit_default',
    category: 'propaganda',
    description: 'Posts official statements of a designated group.',
    ...report,
  },
  principal: null,
  clientAddress: '198.51.100.20',
  ...extra,
});

type Settled = { ok: true; value: SubmittedReport } | { ok: false; error: unknown };
const settle = (promise: Promise<SubmittedReport>): Promise<Settled> =>
  promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
const answered = (settled: Settled): SubmittedReport => {
  if (!settled.ok) throw settled.error;
  return settled.value;
};

describe('IntakeGroupCommit (real PostgreSQL and BullMQ)', () => {
  const base = loadConfig();
  const runId = throwawayId();
  const databaseUrl = throwawayDatabaseUrl(base.databaseUrl, 'intake', runId);
  const queuePrefix = `vigil-test-intake-${runId}`;
  const configWith = (env: Record<string, string>): VigilConfig =>
    loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      REDIS_URL: base.redisUrl,
      QUEUE_PREFIX: queuePrefix,
      DATABASE_POOL_SIZE: '4',
      ...env,
    });

  const apps: INestApplicationContext[] = [];
  let sql: Client;
  /** What a report's triage job carries: the report and its channel. */
  const jobDataOf = async (reportId: string) => {
    const { rows } = await sql.query(`SELECT channel_id FROM reports WHERE id = $1`, [reportId]);
    return { reportId, channelId: rows[0].channel_id as string };
  };
  /** One statement in flight, so that everything submitted while it runs goes out together in the next one. */
  let serial: Intake;

  async function intake(env: Record<string, string>): Promise<Intake> {
    const app = await NestFactory.createApplicationContext(IntakeTestModule.forRoot(configWith(env)), {
      logger: ['error', 'fatal'],
    });
    apps.push(app);
    return { app, submit: app.get(SubmitReport), group: app.get(IntakeGroupCommit), queues: app.get(QueueProducer) };
  }

  beforeAll(async () => {
    Logger.overrideLogger(['error', 'fatal']);
    await migrate(configWith({}));
    sql = new Client({ connectionString: databaseUrl });
    await sql.connect();
    serial = await intake({ INTAKE_BATCH_MAX_IN_FLIGHT: '1', INTAKE_BATCH_MAX_ROWS: '64' });
  });

  afterAll(async () => {
    await sql?.end();
    for (const app of apps) await app.close();
    await dropDatabase(databaseUrl);
    const redis = new IORedis(base.redisUrl);
    const keys = await redis.keys(`${queuePrefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  /** The transaction that wrote each report (rows written by one statement share its xmin). */
  async function transactionsOf(ids: string[]): Promise<Map<string, string>> {
    const rows = await sql.query<{ id: string; tx: string }>(`SELECT id, xmin::text AS tx FROM reports WHERE id = ANY($1)`, [ids]);
    return new Map(rows.rows.map((r) => [r.id, r.tx]));
  }

  /**
   * Submits `first` alone, then `batch` while it is in flight: with one statement in flight, `batch` waits and goes
   * out as one statement. Returns the settled answers of `batch`, in order.
   */
  async function behindOne(first: SubmitReportCommand, batch: SubmitReportCommand[]): Promise<Settled[]> {
    const lead = settle(serial.submit.execute(first, ctx('req-lead')));
    const rest = batch.map((c, i) => settle(serial.submit.execute(c, ctx(`req-batch-${i}`))));
    answered(await lead);
    return Promise.all(rest);
  }

  it('writes reports that arrive while a statement is in flight in one statement, with their events and one triage job per channel', async () => {
    const before = serial.group.totals;
    const channels = ['gc_alpha', 'gc_beta', 'gc_gamma', 'gc_delta', 'gc_epsilon'];
    const commands = Array.from({ length: 60 }, (_, i) =>
      command(
        { channel: `https://t.me/${channels[i % channels.length]}`, category: i % 2 ? 'recruitment' : 'propaganda' },
        { clientAddress: `198.51.100.${i}` },
      ),
    );
    const answers = (
      await Promise.all(commands.map((c, i) => settle(serial.submit.execute(c, ctx(`req-many-${i}`)))))
    ).map(answered);

    const ids = answers.map((a) => a.id);
    expect(new Set(ids).size).toBe(60);
    const transactions = await transactionsOf(ids);
    expect(transactions.size).toBe(60);
    const distinct = new Set(transactions.values()).size;
    const after = serial.group.totals;
    expect(after.statements - before.statements).toBe(distinct);
    expect(after.rows - before.rows).toBe(60);
    expect(distinct).toBeLessThanOrEqual(3);

    const channelRows = await sql.query(`SELECT canonical_key FROM channels WHERE canonical_key = ANY($1)`, [
      channels.map((c) => `telegram:${c}`),
    ]);
    expect(channelRows.rowCount).toBe(channels.length);

    // Exactly one report.received per report, written in the report's own transaction, as AuditService writes it.
    const events = await sql.query(
      `SELECT e.target_id, e.actor_id, e.actor_role, e.request_id, e.data, e.xmin::text AS tx, r.xmin::text AS report_tx,
              r.channel_id, r.category
       FROM audit_events e JOIN reports r ON r.id::text = e.target_id
       WHERE e.action = 'report.received' AND e.target_id = ANY($1)`,
      [ids],
    );
    expect(events.rowCount).toBe(60);
    for (const [i, answer] of answers.entries()) {
      const event = events.rows.find((e) => e.target_id === answer.id);
      expect(event).toMatchObject({ actor_id: null, actor_role: 'public', request_id: `req-many-${i}` });
      expect(event.tx).toBe(event.report_tx);
      expect(event.data).toEqual({
        channelId: event.channel_id,
        channelKey: answer.channel.key,
        category: commands[i].report.category,
        source: 'public',
      });
    }

    // One triage job per channel and statement at most, for the first of its reports there: that job attaches the
    // others. No worker runs here, so each channel's first job is still waiting when the next statement's would be
    // enqueued, and only one is: one job per channel, for a statement's first report of that channel.
    const triage = serial.queues.queue(QueueName.Triage);
    await serial.group.enqueued();
    const jobs = await Promise.all(ids.map((id) => triage.getJob(triageJobId(id))));
    const leaders = new Set<string>();
    const leading = answers.map((answer) => {
      const group = `${transactions.get(answer.id)} ${answer.channel.key}`;
      if (leaders.has(group)) return false;
      leaders.add(group);
      return true;
    });
    expect(leaders.size).toBeGreaterThan(channels.length);
    const withJob = answers.filter((_, i) => jobs[i] !== undefined);
    expect(withJob.map((answer) => answer.channel.key).sort()).toEqual(channels.map((c) => `telegram:${c}`).sort());
    for (const [i, job] of jobs.entries()) {
      if (job) expect([job.data, leading[i]]).toEqual([await jobDataOf(ids[i]), true]);
    }
  });

  it("keeps one job to run after its channel's running triage job, and none beside a waiting one", async () => {
    const triage = serial.queues.queue(QueueName.Triage);
    await serial.group.enqueued();
    await triage.drain();
    const submitted = async (requestId: string) => {
      const answer = answered(
        await settle(serial.submit.execute(command({ channel: 'https://t.me/gc_keep_last' }), ctx(requestId))),
      );
      await serial.group.enqueued();
      return answer.id;
    };
    const worker = new Worker(QueueName.Triage, null, {
      connection: new IORedis(base.redisUrl, { maxRetriesPerRequest: null }),
      prefix: queuePrefix,
      autorun: false,
    });
    try {
      const first = await submitted('req-keep-first');
      const running = await worker.getNextJob('test-token');
      expect(running?.data).toEqual(await jobDataOf(first));

      const during = [await submitted('req-keep-during-1'), await submitted('req-keep-during-2')];
      expect(await triage.getWaitingCount()).toBe(0);
      await running!.moveToCompleted({ outcome: 'triaged' }, 'test-token', false);
      // The latest report that arrived while the job ran has the job that runs next.
      expect((await triage.getJob(triageJobId(during[1])))?.data).toEqual(await jobDataOf(during[1]));
      expect(await triage.getJob(triageJobId(during[0]))).toBeUndefined();

      const beside = await submitted('req-keep-beside');
      expect(await triage.getJob(triageJobId(beside))).toBeUndefined();
      expect(await triage.getWaitingCount()).toBe(1);
    } finally {
      await worker.close();
      await worker.disconnect();
    }
  });

  it('sends at most INTAKE_BATCH_MAX_ROWS reports in one statement', async () => {
    const small = await intake({ INTAKE_BATCH_MAX_IN_FLIGHT: '1', INTAKE_BATCH_MAX_ROWS: '5' });
    const answers = (
      await Promise.all(
        Array.from({ length: 21 }, (_, i) =>
          settle(small.submit.execute(command({ channel: `https://t.me/gc_small_${i % 3}` }), ctx(`req-small-${i}`))),
        ),
      )
    ).map(answered);
    const perTransaction = new Map<string, number>();
    for (const tx of (await transactionsOf(answers.map((a) => a.id))).values()) {
      perTransaction.set(tx, (perTransaction.get(tx) ?? 0) + 1);
    }
    expect(Math.max(...perTransaction.values())).toBe(5);
    expect([...perTransaction.values()].reduce((a, b) => a + b, 0)).toBe(21);
    expect(small.group.totals).toMatchObject({ batches: 5, rows: 21, statements: 5, failedBatches: 0 });
  });

  it('inserts one report for an Idempotency-Key used twice in one statement: the same body replays, another is a 409', async () => {
    const key = { idempotencyKey: 'gc-key-1' };
    const body = { channel: 'https://t.me/gc_idem', description: 'The same report, sent twice at once.' };
    const [first, again, changed, unrelated] = await behindOne(command({ channel: 'https://t.me/gc_lead_1' }), [
      command(body, key),
      command(body, key),
      command({ ...body, category: 'financing' }, key),
      command({ channel: 'https://t.me/gc_idem' }),
    ]);

    expect(answered(again)).toEqual(answered(first));
    expect(changed.ok).toBe(false);
    expect(!changed.ok && changed.error).toBeInstanceOf(DomainError);
    expect(!changed.ok && (changed.error as DomainError).code).toBe('IDEMPOTENCY_KEY_REUSED');
    const stored = await sql.query(`SELECT id FROM reports WHERE idempotency_key = 'gc-key-1'`);
    expect(stored.rows).toEqual([{ id: answered(first).id }]);
    const events = await sql.query(`SELECT 1 FROM audit_events WHERE target_id = $1`, [answered(first).id]);
    expect(events.rowCount).toBe(1);
    const transactions = await transactionsOf([answered(first).id, answered(unrelated).id]);
    expect(new Set(transactions.values()).size).toBe(1);
  });

  it('creates a new channel once when several reports in one statement name it', async () => {
    const forms = [
      'https://t.me/gc_fresh_channel',
      'https://t.me/s/gc_fresh_channel/12',
      '@GC_Fresh_Channel',
      'tg://resolve?domain=gc_fresh_channel',
      'https://telegram.me/gc_fresh_channel',
    ];
    const settled = await behindOne(
      command({ channel: 'https://t.me/gc_lead_2' }),
      forms.map((channel) => command({ channel, platform: 'telegram' })),
    );
    const ids = settled.map((s) => answered(s).id);
    const channels = await sql.query(`SELECT id FROM channels WHERE canonical_key = 'telegram:gc_fresh_channel'`);
    expect(channels.rowCount).toBe(1);
    const reports = await sql.query(`SELECT DISTINCT channel_id FROM reports WHERE id = ANY($1)`, [ids]);
    expect(reports.rows).toEqual([{ channel_id: channels.rows[0].id }]);
    expect(new Set((await transactionsOf(ids)).values()).size).toBe(1);
  });

  it('refuses only the suspended reporter of a statement, writes nothing for it, and warns the warned one', async () => {
    const identity = new ReporterIdentity(configWith({}).reporterSecret);
    const standing = async (contact: string, columns: string) => {
      const ref = identity.reporterRef({ contact, clientAddress: 'unused' });
      await sql.query(
        `INSERT INTO reporter_standings (reporter_ref, pseudonym, decided_cases, dismissed_cases, warned_at, suspended_until)
         VALUES ($1, $2, 8, 8, now(), ${columns})`,
        [ref, ReporterIdentity.pseudonymOf(ref)],
      );
      return ref;
    };
    const suspendedRef = await standing('suspended@example.org', `now() + interval '1 day'`);
    await standing('warned@example.org', 'NULL');

    const [good, suspended, warned, other] = await behindOne(command({ channel: 'https://t.me/gc_lead_3' }), [
      command({ channel: 'https://t.me/gc_standing' }),
      command({ channel: 'https://t.me/gc_only_the_suspended_one', reporterContact: 'suspended@example.org' }),
      command({ channel: 'https://t.me/gc_standing', reporterContact: 'warned@example.org' }),
      command({ channel: 'https://t.me/gc_standing_2' }),
    ]);

    expect(suspended.ok).toBe(false);
    expect(!suspended.ok && (suspended.error as DomainError).code).toBe('REPORTER_SUSPENDED');
    expect(answered(good).warning).toBeUndefined();
    expect(answered(warned).warning).toEqual(expect.stringMatching(/no violation/));
    expect(answered(other).warning).toBeUndefined();
    expect((await sql.query(`SELECT 1 FROM reports WHERE reporter_ref = $1`, [suspendedRef])).rowCount).toBe(0);
    expect(
      (await sql.query(`SELECT 1 FROM channels WHERE canonical_key = 'telegram:gc_only_the_suspended_one'`)).rowCount,
    ).toBe(0);
    const ids = [good, warned, other].map((s) => answered(s).id);
    expect(new Set((await transactionsOf(ids)).values()).size).toBe(1);
    const events = await sql.query(`SELECT target_id FROM audit_events WHERE target_id = ANY($1)`, [ids]);
    expect(events.rows.map((e) => e.target_id).sort()).toEqual([...ids].sort());
  });

  it('commits the other reports of a statement the database refuses, and fails only the row it refused', async () => {
    const before = serial.group.totals;
    const [good, bad, alsoGood] = await behindOne(command({ channel: 'https://t.me/gc_lead_4' }), [
      command({ channel: 'https://t.me/gc_fallback' }),
      // The DTO refuses this; the table's CHECK is what refuses it here.
      command({ channel: 'https://t.me/gc_refused_by_postgres', subscribers: -1 }),
      command({ channel: 'https://t.me/gc_fallback_2', reporterContact: 'someone@example.org' }),
    ]);

    expect(bad.ok).toBe(false);
    expect(!bad.ok && (bad.error as { code?: string }).code).toBe('23514');
    const ids = [answered(good).id, answered(alsoGood).id];
    expect((await sql.query(`SELECT 1 FROM reports WHERE id = ANY($1)`, [ids])).rowCount).toBe(2);
    expect((await sql.query(`SELECT 1 FROM audit_events WHERE target_id = ANY($1)`, [ids])).rowCount).toBe(2);
    expect(
      (await sql.query(`SELECT 1 FROM channels WHERE canonical_key = 'telegram:gc_refused_by_postgres'`)).rowCount,
    ).toBe(0);
    const triage = serial.queues.queue(QueueName.Triage);
    await serial.group.enqueued();
    for (const id of ids) expect(await triage.getJob(triageJobId(id))).toBeDefined();
    const after = serial.group.totals;
    // The lead, the batch, then its three rows one by one.
    expect(after.failedBatches - before.failedBatches).toBe(1);
    expect(after.statements - before.statements).toBe(5);
  });

  it('answers nobody before commit, and rewrites only the row whose channel a later-committed transaction created', async () => {
    // Another API process is creating the channel: its transaction holds the key until it commits.
    const racer = new Client({ connectionString: databaseUrl });
    await racer.connect();
    try {
      await racer.query('BEGIN');
      const {
        rows: [raced],
      } = await racer.query(
        `INSERT INTO channels (platform, kind, canonical_key, handle, url)
         VALUES ('telegram', 'channel', 'telegram:gc_raced', 'gc_raced', 'https://t.me/gc_raced') RETURNING id`,
      );
      const before = serial.group.totals;
      let answers = 0;
      const lead = settle(serial.submit.execute(command({ channel: 'https://t.me/gc_lead_5' }), ctx('req-lead')));
      const pending = [
        command({ channel: 'https://t.me/gc_not_raced' }),
        command({ channel: 'https://t.me/gc_raced' }),
      ].map((c, i) =>
        settle(serial.submit.execute(c, ctx(`req-race-${i}`))).then((s) => {
          answers++;
          return s;
        }),
      );
      answered(await lead);
      // The statement takes its snapshot, then waits for the racer's key.
      const waiting = async (): Promise<boolean> => {
        const { rows } = await sql.query(
          `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        return rows.length > 0;
      };
      const deadline = Date.now() + 10_000;
      while (!(await waiting())) {
        if (Date.now() > deadline) throw new Error('the intake statement never waited for the racing channel');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(answers).toBe(0);
      expect((await sql.query(`SELECT 1 FROM channels WHERE canonical_key = 'telegram:gc_not_raced'`)).rowCount).toBe(0);
      await racer.query('COMMIT');

      const [notRaced, racedReport] = (await Promise.all(pending)).map(answered);
      const reports = await sql.query(`SELECT id, channel_id, xmin::text AS tx FROM reports WHERE id = ANY($1)`, [
        [notRaced.id, racedReport.id],
      ]);
      const byId = new Map(reports.rows.map((r) => [r.id, r]));
      expect(byId.get(racedReport.id)?.channel_id).toBe(raced.id);
      expect(byId.get(notRaced.id)?.tx).not.toBe(byId.get(racedReport.id)?.tx);
      const after = serial.group.totals;
      // The lead, one statement for both, then the raced row again, alone.
      expect(after.statements - before.statements).toBe(3);
      expect(after.rows - before.rows).toBe(4);
      expect(
        (await sql.query(`SELECT count(*)::int AS n FROM channels WHERE canonical_key = 'telegram:gc_raced'`)).rows,
      ).toEqual([{ n: 1 }]);
    } finally {
      await racer.end();
    }
  });

  it('answers without waiting for Redis, and a graceful stop waits until the triage job is enqueued', async () => {
    const held = await intake({});
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const enqueue = held.queues.addAfterCommit.bind(held.queues);
    // Redis stays real: the spy only holds the call back, as a slow or unreachable Redis would.
    const spy = jest.spyOn(held.queues, 'addAfterCommit').mockImplementation(async (queue, jobs, timeoutMs) => {
      await gate;
      return enqueue(queue, jobs, timeoutMs);
    });
    let timer: NodeJS.Timeout | undefined;
    const answer = await Promise.race([
      held.submit.execute(command({ channel: 'https://t.me/gc_answer_first' }), ctx('req-answer-first')),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('the answer waited for Redis')), 5000);
      }),
    ]).finally(() => clearTimeout(timer));
    expect(spy).toHaveBeenCalledTimes(1);
    const triage = serial.queues.queue(QueueName.Triage);
    expect(await triage.getJob(triageJobId(answer.id))).toBeUndefined();

    let closed = false;
    const closing = held.app.close().then(() => (closed = true));
    apps.splice(apps.indexOf(held.app), 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(closed).toBe(false);
    release();
    await closing;
    expect((await triage.getJob(triageJobId(answer.id)))?.data).toEqual(await jobDataOf(answer.id));
  });
});
