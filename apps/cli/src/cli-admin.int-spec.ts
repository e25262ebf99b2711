import { DynamicModule, INestApplicationContext, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { VigilConfig } from '@vigil/config';
import { ConfigModule } from '@vigil/config';
import { DatabaseModule, dropDatabase, migrate } from '@vigil/database';
import { IntakeGroupCommit, SubmitReport } from '@vigil/moderation';
import { QueueName, QueuesModule, triageJobId } from '@vigil/queues';
import * as argon2 from 'argon2';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { Readable, Writable } from 'node:stream';
import { DataSource } from 'typeorm';
import { testConfig } from '../../../test/support/test-system';
import { runCli, USAGE } from './cli';
import type { CliIo } from './cli-io';

/** An in-memory stream standing in for process.stdout / stderr. */
class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** Intake as the API wires it, to file reports that wait as `received`. */
@Module({})
class IntakeModule {
  static forRoot(config: VigilConfig): DynamicModule {
    return {
      module: IntakeModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot(), QueuesModule.forRoot('producer')],
      providers: [IntakeGroupCommit, SubmitReport],
    };
  }
}

interface AuditRow {
  actor_id: string | null;
  actor_role: string;
  action: string;
  target_type: string;
  target_id: string;
  data: Record<string, unknown>;
  request_id: string;
}

const ADMIN = 'root@vigil.test';
const ADMIN_PASSWORD = 'a long operator passphrase';

describe('operator CLI: admin commands, the HTTP twins’ use-cases (real PostgreSQL and Redis)', () => {
  let config: VigilConfig;
  let db: DataSource;
  let intake: INestApplicationContext;
  let triage: Queue;
  let redis: IORedis;

  beforeAll(async () => {
    config = testConfig();
    await migrate(config);
    db = new DataSource({ type: 'postgres', url: config.databaseUrl, poolSize: 2 });
    await db.initialize();
    intake = await NestFactory.createApplicationContext(IntakeModule.forRoot(config), { logger: ['error', 'fatal'] });
    redis = new IORedis(config.redisUrl, { maxRetriesPerRequest: null });
    triage = new Queue(QueueName.Triage, { connection: redis, prefix: config.queuePrefix });
  });
  afterAll(async () => {
    await triage?.close();
    await intake?.close();
    await db?.destroy();
    if (config) await dropDatabase(config.databaseUrl);
    if (redis) {
      const keys = await redis.keys(`${config.queuePrefix}:*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    }
  });

  async function cli(argv: string[], extra: Partial<CliIo> = {}) {
    const stdout = new Capture();
    const stderr = new Capture();
    const code = await runCli(argv, { stdout, stderr, config: () => config, ...extra });
    return { code, stdout: stdout.text, stderr: stderr.text };
  }

  const piped = (text: string): Readable => Readable.from([Buffer.from(text, 'utf8')]);

  async function events(action: string, targetId?: string): Promise<AuditRow[]> {
    return db.query(
      `SELECT actor_id, actor_role, action, target_type, target_id, data, request_id FROM audit_events
       WHERE action = $1 AND ($2::text IS NULL OR target_id = $2) ORDER BY occurred_at, id`,
      [action, targetId ?? null],
    );
  }

  const eventCount = async (): Promise<number> =>
    (await db.query(`SELECT count(*)::int AS n FROM audit_events`))[0].n;

  async function userRow(email: string) {
    const [row] = await db.query(`SELECT id, password_hash, roles, disabled FROM users WHERE email = $1`, [email]);
    return row as { id: string; password_hash: string; roles: string[]; disabled: boolean } | undefined;
  }

  const systemActor = { actor_id: null, actor_role: 'system', request_id: expect.stringMatching(/^cli-[0-9a-f-]{36}$/) };

  describe('users', () => {
    it('users:create reads the password from stdin and records user.created by the system actor, as POST /v1/admin/users does', async () => {
      const result = await cli(['users:create', '--email', ` ${ADMIN.toUpperCase()} `, '--role', 'admin', '--password-stdin'], {
        stdin: piped(`${ADMIN_PASSWORD}\n`),
      });
      expect(result).toMatchObject({ code: 0, stderr: '' });
      const out = JSON.parse(result.stdout);
      expect(out).toEqual({
        user: expect.objectContaining({ email: ADMIN, displayName: ADMIN.toUpperCase(), roles: ['admin'], disabled: false }),
      });
      const row = (await userRow(ADMIN))!;
      expect(row.id).toBe(out.user.id);
      // The trailing newline of the pipe is not part of the password.
      expect(await argon2.verify(row.password_hash, ADMIN_PASSWORD)).toBe(true);
      expect(await events('user.created', row.id)).toEqual([
        {
          ...systemActor,
          action: 'user.created',
          target_type: 'user',
          target_id: row.id,
          data: { email: ADMIN, roles: ['admin'], languages: [] },
        },
      ]);
    });

    it('users:create generates a password when none is piped, prints it once and never audits it', async () => {
      const result = await cli([
        'users:create',
        '--email=mod@vigil.test',
        '--role',
        'moderator',
        '--role',
        'senior_moderator',
        '--display-name',
        'Night shift',
      ]);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      const { user, generatedPassword } = JSON.parse(result.stdout);
      expect(user).toMatchObject({ email: 'mod@vigil.test', displayName: 'Night shift', roles: ['moderator', 'senior_moderator'] });
      expect(generatedPassword).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(await argon2.verify((await userRow('mod@vigil.test'))!.password_hash, generatedPassword)).toBe(true);
      const [event] = await events('user.created', user.id);
      expect(JSON.stringify(event)).not.toContain(generatedPassword);
    });

    it('users:create --as records the operator’s admin account as the actor', async () => {
      const admin = (await userRow(ADMIN))!;
      const result = await cli(['users:create', '--email', 'auditor@vigil.test', '--role', 'auditor', '--as', ADMIN]);
      expect(result.code).toBe(0);
      const { user } = JSON.parse(result.stdout);
      expect(await events('user.created', user.id)).toEqual([
        expect.objectContaining({ actor_id: admin.id, actor_role: 'admin', request_id: expect.stringMatching(/^cli-/) }),
      ]);
    });

    it('refuses --as naming no admin, a disabled admin or a non-admin, changing nothing (exit 1)', async () => {
      await cli(['users:create', '--email', 'former@vigil.test', '--role', 'admin']);
      await cli(['users:disable', '--email', 'former@vigil.test']);
      expect((await userRow('former@vigil.test'))?.disabled).toBe(true);
      const before = await eventCount();
      for (const as of ['nobody@vigil.test', 'former@vigil.test', 'mod@vigil.test']) {
        const result = await cli(['users:create', '--email', 'x@vigil.test', '--role', 'auditor', '--as', as]);
        expect(result).toEqual({ code: 1, stdout: '', stderr: `users:create failed: no active admin has the email ${as}\n` });
      }
      expect(await userRow('x@vigil.test')).toBeUndefined();
      expect(await eventCount()).toBe(before);
    });

    it('users:create answers a taken email with the API’s message (exit 1), recording nothing', async () => {
      const before = await eventCount();
      const result = await cli(['users:create', '--email', ADMIN, '--role', 'moderator']);
      expect(result).toEqual({ code: 1, stdout: '', stderr: 'users:create failed: a user with this email already exists\n' });
      expect(await eventCount()).toBe(before);
    });

    it('users:reset-password sets a piped password, audited user.password_reset without it', async () => {
      const user = (await userRow('mod@vigil.test'))!;
      const newPassword = 'ﻛﻠﻤﺔ سر طويلة جداً 2026';
      const result = await cli(['users:reset-password', '--email', 'MOD@vigil.test', '--password-stdin'], {
        stdin: piped(`${newPassword}\r\n`),
      });
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(JSON.parse(result.stdout)).toEqual({ user: expect.objectContaining({ id: user.id }) });
      const after = (await userRow('mod@vigil.test'))!;
      expect(await argon2.verify(after.password_hash, newPassword)).toBe(true);
      expect(await argon2.verify(after.password_hash, 'anything else')).toBe(false);
      const resets = await events('user.password_reset', user.id);
      expect(resets).toEqual([
        { ...systemActor, action: 'user.password_reset', target_type: 'user', target_id: user.id, data: { email: 'mod@vigil.test', sessionsEnded: true } },
      ]);
      expect(JSON.stringify(resets)).not.toContain(after.password_hash);

      const generated = await cli(['users:reset-password', '--id', user.id]);
      expect(generated.code).toBe(0);
      const { generatedPassword } = JSON.parse(generated.stdout);
      expect(await argon2.verify((await userRow('mod@vigil.test'))!.password_hash, generatedPassword)).toBe(true);
      expect(await events('user.password_reset', user.id)).toHaveLength(2);
    });

    it('users:disable disables by email or id, audited user.updated with before and after as PATCH does', async () => {
      const user = (await userRow('mod@vigil.test'))!;
      const result = await cli(['users:disable', '--email', 'mod@vigil.test']);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(JSON.parse(result.stdout).user).toMatchObject({ id: user.id, disabled: true });
      expect((await userRow('mod@vigil.test'))!.disabled).toBe(true);
      expect(await events('user.updated', user.id)).toEqual([
        {
          ...systemActor,
          action: 'user.updated',
          target_type: 'user',
          target_id: user.id,
          data: {
            before: { roles: ['moderator', 'senior_moderator'], languages: [], disabled: false },
            after: { roles: ['moderator', 'senior_moderator'], languages: [], disabled: true },
          },
        },
      ]);
    });

    it('answers an unknown user with the API’s message (exit 1), and an admin cannot disable themselves', async () => {
      const before = await eventCount();
      expect(await cli(['users:disable', '--id', '00000000-0000-4000-8000-000000000000'])).toEqual({
        code: 1,
        stdout: '',
        stderr: 'users:disable failed: user not found\n',
      });
      expect(await cli(['users:reset-password', '--email', 'ghost@vigil.test'])).toMatchObject({
        code: 1,
        stdout: '',
        stderr: 'users:reset-password failed: user not found\n',
      });
      const self = await cli(['users:disable', '--email', ADMIN, '--as', ADMIN]);
      expect(self).toMatchObject({ code: 1, stderr: expect.stringContaining('an admin cannot disable themselves') });
      expect((await userRow(ADMIN))!.disabled).toBe(false);
      expect(await eventCount()).toBe(before);
    });
  });

  describe('API keys', () => {
    it('apikeys:create prints the key once and records apikey.created without it; apikeys:revoke stops it', async () => {
      const admin = (await userRow(ADMIN))!;
      const result = await cli([
        'apikeys:create',
        '--name',
        ' Action day feed ',
        '--role',
        'referral_unit',
        '--organization',
        'EU IRU',
        '--as',
        ADMIN,
      ]);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      const created = JSON.parse(result.stdout);
      expect(created).toMatchObject({ name: 'Action day feed', role: 'referral_unit', organization: 'EU IRU' });
      expect(created.key).toMatch(/^vgl_/);
      const [row] = await db.query(`SELECT created_by, revoked_at FROM api_keys WHERE id = $1`, [created.id]);
      expect(row).toEqual({ created_by: admin.id, revoked_at: null });
      const made = await events('apikey.created', created.id);
      expect(made).toEqual([
        {
          actor_id: admin.id,
          actor_role: 'admin',
          request_id: expect.stringMatching(/^cli-/),
          action: 'apikey.created',
          target_type: 'api_key',
          target_id: created.id,
          data: { name: 'Action day feed', role: 'referral_unit', organization: 'EU IRU', keyPrefix: created.keyPrefix },
        },
      ]);
      expect(JSON.stringify(made)).not.toContain(created.key);

      const revoked = await cli(['apikeys:revoke', '--id', created.id]);
      expect(revoked).toMatchObject({ code: 0, stderr: '' });
      expect(JSON.parse(revoked.stdout)).toEqual({ id: created.id, revoked: true });
      const [after] = await db.query(`SELECT revoked_at FROM api_keys WHERE id = $1`, [created.id]);
      expect(after.revoked_at).toBeInstanceOf(Date);
      expect(await events('apikey.revoked', created.id)).toEqual([
        expect.objectContaining({ ...systemActor, target_type: 'api_key', data: expect.objectContaining({ keyPrefix: created.keyPrefix }) }),
      ]);
      // Revoking again changes and records nothing, as DELETE does.
      expect((await cli(['apikeys:revoke', '--id', created.id])).code).toBe(0);
      expect(await events('apikey.revoked', created.id)).toHaveLength(1);
    });

    it('apikeys:revoke answers an unknown key with the API’s message (exit 1)', async () => {
      expect(await cli(['apikeys:revoke', '--id', '00000000-0000-4000-8000-000000000000'])).toEqual({
        code: 1,
        stdout: '',
        stderr: 'apikeys:revoke failed: API key not found\n',
      });
    });
  });

  describe('reporters', () => {
    const pseudonym = 'reporter#0badc0de';

    it('reporters:reinstate lifts a suspension, audited reporter.reinstated with the reason, and prints the record', async () => {
      await db.query(
        `INSERT INTO reporter_standings (reporter_ref, pseudonym, decided_cases, dismissed_cases, suspended_until, suspensions)
         VALUES ('0badc0de' || repeat('0', 56), $1, 10, 9, now() + interval '30 days', 1)`,
        [pseudonym],
      );
      const reason = 'Complaint 12/2026 upheld: the reports were in good faith';
      const result = await cli(['reporters:reinstate', '--pseudonym', '0BADC0DE', '--reason', ` ${reason} `]);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      expect(JSON.parse(result.stdout)).toMatchObject({ pseudonym, suspendedUntil: null, suspensions: 1 });
      const [row] = await db.query(`SELECT suspended_until FROM reporter_standings WHERE pseudonym = $1`, [pseudonym]);
      expect(row.suspended_until).toBeNull();
      expect(await events('reporter.reinstated', pseudonym)).toEqual([
        {
          ...systemActor,
          action: 'reporter.reinstated',
          target_type: 'reporter',
          target_id: pseudonym,
          data: { reason, suspendedUntil: expect.any(String) },
        },
      ]);
    });

    it('answers a reporter not suspended, or unknown, with the API’s message (exit 1)', async () => {
      const reason = 'A second look at the same record';
      expect(await cli(['reporters:reinstate', '--pseudonym', pseudonym, '--reason', reason])).toEqual({
        code: 1,
        stdout: '',
        stderr: 'reporters:reinstate failed: this reporter is not suspended\n',
      });
      expect(await cli(['reporters:reinstate', '--pseudonym', 'reporter#12345678', '--reason', reason])).toEqual({
        code: 1,
        stdout: '',
        stderr: 'reporters:reinstate failed: no reporter with this pseudonym\n',
      });
      expect(await events('reporter.reinstated', pseudonym)).toHaveLength(1);
    });
  });

  describe('reports:requeue', () => {
    async function fileReport(channel: string): Promise<{ id: string; channelId: string }> {
      const { id } = await intake.get(SubmitReport).execute(
        {
          report: { channel: `https://t.me/${channel}`, category: 'propaganda', description: 'Posts official statements.' },
          principal: null,
          clientAddress: '198.51.100.7',
        },
        { actor: { id: null, role: 'public' }, requestId: 'spec-intake' },
      );
      await intake.get(IntakeGroupCommit).enqueued();
      const [{ channel_id }] = await db.query(`SELECT channel_id FROM reports WHERE id = $1`, [id]);
      return { id, channelId: channel_id };
    }

    /** Redis lost the jobs: the reports wait as `received` with no job (the reconciler's case). */
    const loseJobs = () => triage.obliterate({ force: true });

    it('re-enqueues a report left received under its own job id, once however often it is asked', async () => {
      const report = await fileReport('requeue_one');
      await loseJobs();
      expect(await triage.getJob(triageJobId(report.id))).toBeUndefined();

      const first = await cli(['reports:requeue', '--id', report.id]);
      expect(first).toMatchObject({ code: 0, stderr: '' });
      expect(JSON.parse(first.stdout)).toEqual({
        requeued: 1,
        alreadyQueued: 0,
        reports: [{ reportId: report.id, jobId: triageJobId(report.id), alreadyQueued: false }],
      });
      const job = await triage.getJob(triageJobId(report.id));
      expect(job).toMatchObject({ name: 'triage-report', data: { reportId: report.id, channelId: report.channelId } });
      expect(await job!.getState()).toBe('waiting');

      const second = await cli(['reports:requeue', '--id', report.id]);
      expect(JSON.parse(second.stdout)).toMatchObject({ requeued: 0, alreadyQueued: 1 });
      expect(await triage.getJobCounts('waiting', 'active', 'delayed', 'prioritized')).toEqual({
        waiting: 1,
        active: 0,
        delayed: 0,
        prioritized: 0,
      });
      expect(await events('report.requeued', report.id)).toEqual([
        { ...systemActor, action: 'report.requeued', target_type: 'report', target_id: report.id, data: { jobId: triageJobId(report.id), alreadyQueued: false } },
        { ...systemActor, action: 'report.requeued', target_type: 'report', target_id: report.id, data: { jobId: triageJobId(report.id), alreadyQueued: true } },
      ]);
      expect((await db.query(`SELECT status FROM reports WHERE id = $1`, [report.id]))[0].status).toBe('received');
    });

    it('--all-received re-enqueues every waiting report and skips triaged ones', async () => {
      await loseJobs();
      const waiting = [await fileReport('requeue_all_a'), await fileReport('requeue_all_b')];
      const triaged = await fileReport('requeue_all_c');
      await db.query(`UPDATE reports SET status = 'triaged', triaged_at = now() WHERE id = $1`, [triaged.id]);
      await loseJobs();

      const result = await cli(['reports:requeue', '--all-received', '--as', ADMIN]);
      expect(result).toMatchObject({ code: 0, stderr: '' });
      const out = JSON.parse(result.stdout);
      const ids = out.reports.map((r: { reportId: string }) => r.reportId);
      // The report of the previous test still waits too.
      expect(ids).toEqual(expect.arrayContaining(waiting.map((r) => r.id)));
      expect(ids).not.toContain(triaged.id);
      expect(out.requeued).toBe(ids.length);
      for (const report of waiting) expect(await triage.getJob(triageJobId(report.id))).toBeDefined();
      expect(await triage.getJob(triageJobId(triaged.id))).toBeUndefined();
      const admin = (await userRow(ADMIN))!;
      expect(await events('report.requeued', waiting[0].id)).toEqual([
        expect.objectContaining({ actor_id: admin.id, actor_role: 'admin', data: { jobId: triageJobId(waiting[0].id), alreadyQueued: false } }),
      ]);

      const again = await cli(['reports:requeue', '--all-received']);
      expect(JSON.parse(again.stdout)).toMatchObject({ requeued: 0, alreadyQueued: ids.length });
      expect((await triage.getJobCounts('waiting')).waiting).toBe(ids.length);
    });

    it('answers a triaged or unknown report with a message (exit 1), enqueueing and recording nothing', async () => {
      const report = await fileReport('requeue_done');
      await db.query(`UPDATE reports SET status = 'triaged', triaged_at = now() WHERE id = $1`, [report.id]);
      await loseJobs();
      const before = await eventCount();
      expect(await cli(['reports:requeue', '--id', report.id])).toEqual({
        code: 1,
        stdout: '',
        stderr: 'reports:requeue failed: the report is already triaged (status triaged)\n',
      });
      expect(await cli(['reports:requeue', '--id', '00000000-0000-4000-8000-000000000000'])).toEqual({
        code: 1,
        stdout: '',
        stderr: 'reports:requeue failed: report not found\n',
      });
      expect(await triage.getJob(triageJobId(report.id))).toBeUndefined();
      expect(await eventCount()).toBe(before);
    });
  });

  describe('bad command lines (exit 2, nothing read or changed)', () => {
    const noConfig = () => {
      throw new Error('a usage error must not read the configuration');
    };

    it.each([
      [['users:create', '--role', 'admin'], '--email <email> is required'],
      [['users:create', '--email', 'not-an-email', '--role', 'admin'], '--email must be an email address (got "not-an-email")'],
      [['users:create', '--email', 'a@vigil.test'], '--role <moderator|senior_moderator|admin|auditor> is required (repeat it for more)'],
      [['users:create', '--email', 'a@vigil.test', '--role', 'root'], '--role must be one of moderator, senior_moderator, admin, auditor (got "root")'],
      [['users:create', '--email', 'a@vigil.test', '--email', 'b@vigil.test', '--role', 'admin'], '--email is given twice'],
      [['users:create', '--email', 'a@vigil.test', '--role', 'admin', '--display-name', '  '], '--display-name must be 1 to 200 characters long'],
      [['users:create', '--email', 'a@vigil.test', '--role', 'admin', '--as', 'root'], '--as must be an email address (got "root")'],
      [['users:disable'], 'name the user by --email or by --id'],
      [['users:disable', '--email', 'a@vigil.test', '--id', '00000000-0000-4000-8000-000000000000'], 'name the user by --email or by --id'],
      [['users:disable', '--id', '42'], '--id must be a UUID (got "42")'],
      [['users:reset-password', '--email', 'a@vigil.test', 'extra'], 'unexpected argument "extra"'],
      [['apikeys:create', '--name', 'n', '--organization', 'o'], '--role <trusted_flagger|referral_unit> is required'],
      [['apikeys:create', '--name', 'n', '--role', 'admin', '--organization', 'o'], '--role must be one of trusted_flagger, referral_unit (got "admin")'],
      [['apikeys:create', '--name', 'n', '--role', 'referral_unit'], '--organization is required'],
      [['apikeys:create', '--name', 'n'.repeat(201), '--role', 'referral_unit', '--organization', 'o'], '--name must be 1 to 200 characters long'],
      [['apikeys:revoke'], '--id <uuid> is required'],
      [['apikeys:revoke', '--id', 'vgl_key'], '--id must be a UUID (got "vgl_key")'],
      [['reporters:reinstate', '--reason', 'long enough reason'], '--pseudonym <reporter#1a2b3c4d> is required'],
      [['reporters:reinstate', '--pseudonym', 'reporter#xyz', '--reason', 'long enough reason'], '--pseudonym must be reporter#<8 hex digits> (got "reporter#xyz")'],
      [['reporters:reinstate', '--pseudonym', '0badc0de', '--reason', 'too short'], '--reason must be 10 to 1000 characters long'],
      [['reports:requeue'], 'reports:requeue needs either --id <uuid> or --all-received'],
      [['reports:requeue', '--id', '00000000-0000-4000-8000-000000000000', '--all-received'], 'reports:requeue needs either --id <uuid> or --all-received'],
      [['reports:requeue', '--id', 'abc'], '--id must be a UUID (got "abc")'],
      [['audit:checkpoint', '--as', 'nobody'], '--as must be an email address (got "nobody")'],
    ])('%j exits 2 with the reason and the usage', async (argv, reason) => {
      const result = await runWithoutConfig(argv);
      expect(result).toEqual({ code: 2, stdout: '', stderr: `${reason}\n\n${USAGE}` });
    });

    const passwordRefusal =
      'a password is never taken from the command line (ps and shell history show it): use --password-stdin, ' +
      'or leave it out to have one generated';

    it.each([
      [['users:create', '--email', 'a@vigil.test', '--role', 'admin', '--password', 'hunter2hunter2hunter2']],
      [['users:create', '--email', 'a@vigil.test', '--role', 'admin', '--password=hunter2hunter2hunter2']],
      [['users:reset-password', '--email', 'a@vigil.test', '--password=hunter2hunter2hunter2']],
    ])('refuses a password on argv, %j, without echoing it', async (argv) => {
      const result = await runWithoutConfig(argv);
      expect(result).toEqual({ code: 2, stdout: '', stderr: `${passwordRefusal}\n\n${USAGE}` });
      expect(result.stderr).not.toContain('hunter2');
    });

    it('holds a piped password to the API’s rule of 12 to 1024 characters, and refuses a terminal', async () => {
      const tooShort = await runWithoutConfig(['users:create', '--email', 'a@vigil.test', '--role', 'admin', '--password-stdin'], {
        stdin: piped('short pw\n'),
      });
      expect(tooShort).toEqual({
        code: 2,
        stdout: '',
        stderr: `the password on standard input must be 12 to 1024 characters long\n\n${USAGE}`,
      });
      const tooLong = await runWithoutConfig(['users:reset-password', '--id', '00000000-0000-4000-8000-000000000000', '--password-stdin'], {
        stdin: piped('p'.repeat(1025)),
      });
      expect(tooLong.code).toBe(2);
      const terminal = Object.assign(piped('a long enough password'), { isTTY: true });
      const fromTerminal = await runWithoutConfig(['users:create', '--email', 'a@vigil.test', '--role', 'admin', '--password-stdin'], {
        stdin: terminal,
      });
      expect(fromTerminal.code).toBe(2);
      expect(fromTerminal.stderr).toMatch(/^--password-stdin reads a pipe or a file, not a terminal/);
      expect(await userRow('a@vigil.test')).toBeUndefined();
    });

    async function runWithoutConfig(argv: string[], extra: Partial<CliIo> = {}) {
      return cli(argv, { config: noConfig, ...extra });
    }
  });
});
