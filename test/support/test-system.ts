// One isolated Vigil per test file: its own database and BullMQ prefix, real Postgres and Redis, the API listening
// on a free loopback port and the worker in-process. Everything it creates is removed by stop().
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { systemContext } from '@vigil/audit';
import { loadConfig, VigilConfig } from '@vigil/config';
import { dropDatabase, migrate, throwawayDatabaseUrl, throwawayId } from '@vigil/database';
import { TriageOutcome, TriageReport } from '@vigil/moderation';
import { ALL_QUEUES } from '@vigil/queues';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import type { DestinationStream } from 'pino';
import { randomBytes } from 'node:crypto';
import { AddressInfo, createServer } from 'node:net';
import { DataSource } from 'typeorm';
import { createApiApp } from '../../apps/api/src/http/create-api-app';
import { createWorkerApp } from '../../apps/worker/src/create-worker-app';
import { recordAnswers } from './answers';

export const ADMIN_EMAIL = 'admin@vigil.test';
export const ADMIN_PASSWORD = 'correct horse battery staple';

/** A config for a throwaway instance; `overrides` are environment variables as the apps would read them. */
export function testConfig(overrides: Record<string, string> = {}): VigilConfig {
  const id = throwawayId();
  // The servers from the environment as the apps read them; the database and the queue prefix are this run's own.
  const servers = loadConfig();
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'error',
    REDIS_URL: servers.redisUrl,
    DATABASE_URL: throwawayDatabaseUrl(servers.databaseUrl, 'e2e', id),
    QUEUE_PREFIX: `vigil-test-${id}`,
    HOST: '127.0.0.1',
    PORT: '0',
    BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL,
    BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
    DATABASE_POOL_SIZE: '5',
    // Tests file many reports from 127.0.0.1; test/e2e/rate-limits.e2e-spec.ts sets tight limits itself.
    RATE_LIMIT_PUBLIC_PER_MINUTE: '100000',
    RATE_LIMIT_KEY_PER_MINUTE: '100000',
    // Test files run side by side; one that needs the worker's health endpoint picks a free port (freePort).
    WORKER_METRICS_PORT: '0',
    ...overrides,
  });
}

export interface HttpResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  token?: string;
}

export interface TestSystemOptions {
  /** Where both apps write their log lines instead of standard output (test/e2e/structured-logs.e2e-spec.ts). */
  logDestination?: DestinationStream;
}

export class TestSystem {
  api: NestFastifyApplication | null = null;
  worker: INestApplicationContext | null = null;
  baseUrl = '';
  /** Every status the API answered, by the route it matched: `POST /v1/reports/:id/evidence 415` (see answers.ts). */
  readonly answered = new Set<string>();
  private db: DataSource | null = null;
  private redis: IORedis | null = null;

  private constructor(
    readonly config: VigilConfig,
    private readonly options: TestSystemOptions,
  ) {}

  static async create(overrides: Record<string, string> = {}, options: TestSystemOptions = {}): Promise<TestSystem> {
    const system = new TestSystem(testConfig(overrides), options);
    await migrate(system.config);
    return system;
  }

  async startApi(): Promise<void> {
    this.api = await createApiApp(this.config, { logDestination: this.options.logDestination });
    recordAnswers(this.api, this.answered);
    await this.api.listen({ port: 0, host: '127.0.0.1' });
    const address = this.api.getHttpServer().address();
    if (!address || typeof address === 'string') throw new Error('API is not listening on a TCP port');
    this.baseUrl = `http://127.0.0.1:${address.port}`;
  }

  async startWorker(): Promise<void> {
    this.worker = await createWorkerApp(this.config, { logDestination: this.options.logDestination });
  }

  async stopWorker(): Promise<void> {
    await this.worker?.close();
    this.worker = null;
  }

  async stopApi(): Promise<void> {
    await this.api?.close();
    this.api = null;
  }

  /** Stops both apps, drops the database and deletes every Redis key under this run's prefix. */
  async stop(): Promise<void> {
    await this.stopWorker();
    await this.stopApi();
    await this.db?.destroy();
    await dropDatabase(this.config.databaseUrl);
    await this.deleteRedisKeys();
    await this.redis!.quit();
    this.redis = null;
  }

  /**
   * Deletes every Redis key under this run's prefix — what a Redis that restarts empty looks like to this instance,
   * without touching anyone else's keys on the shared Redis (never FLUSHDB).
   */
  async deleteRedisKeys(): Promise<number> {
    const redis = this.redisClient();
    let cursor = '0';
    let deleted = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${this.config.queuePrefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) deleted += await redis.del(...keys);
    } while (cursor !== '0');
    return deleted;
  }

  /** A direct database connection, for assertions on rows. */
  async sql<T = any>(query: string, params: unknown[] = []): Promise<T[]> {
    if (!this.db) {
      this.db = new DataSource({ type: 'postgres', url: this.config.databaseUrl, poolSize: 2 });
      await this.db.initialize();
    }
    return this.db.query(query, params);
  }

  redisClient(): IORedis {
    this.redis ??= new IORedis(this.config.redisUrl, { maxRetriesPerRequest: null });
    return this.redis;
  }

  /** A queue handle on this run's prefix (close it after use). */
  queue(name: (typeof ALL_QUEUES)[number]): Queue {
    return new Queue(name, { connection: { url: this.config.redisUrl }, prefix: this.config.queuePrefix });
  }

  async request<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<HttpResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }

  /** Files a report and waits for the worker to triage it; returns the report (with its token) and its case id. */
  async reportAndTriage(
    overrides: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ): Promise<{ reportId: string; trackingToken: string; caseId: string; channelKey: string }> {
    const response = await this.request('POST', '/v1/reports', { body: reportBody(overrides), headers });
    if (response.status !== 202) throw new Error(`report refused: ${response.status} ${response.text}`);
    const caseId = await waitFor(
      async () =>
        (await this.sql(`SELECT case_id FROM reports WHERE id = $1 AND status <> 'received'`, [response.body.id]))[0]
          ?.case_id as string | undefined,
      { what: `report ${response.body.id} to be triaged` },
    );
    return {
      reportId: response.body.id,
      trackingToken: response.body.trackingToken,
      caseId,
      channelKey: response.body.channel.key,
    };
  }

  /**
   * Runs a report's triage job in this process (through the API's module), as the worker would: with the report
   * alone, as jobs enqueued before they carried their channel, or with its channel too, as intake and the reconciler
   * enqueue them now.
   */
  triageNow(reportId: string, channelId?: string): Promise<TriageOutcome> {
    return this.api!.get(TriageReport, { strict: false }).execute(
      channelId === undefined ? { reportId } : { reportId, channelId },
      systemContext('test'),
    );
  }

  /** The channel a report was filed against. */
  async channelOf(reportId: string): Promise<string> {
    return (await this.sql(`SELECT channel_id FROM reports WHERE id = $1`, [reportId]))[0].channel_id;
  }

  /** Waits for the worker to apply every decision's outcome to its reports and reporters (ApplyDecisionOutcome). */
  async decisionsApplied(): Promise<void> {
    await waitFor(
      async () => (await this.sql(`SELECT 1 FROM decisions WHERE applied_at IS NULL LIMIT 1`)).length === 0,
      { what: 'every decision to be applied' },
    );
  }

  async login(email = ADMIN_EMAIL, password = ADMIN_PASSWORD): Promise<string> {
    const response = await this.request('POST', '/v1/auth/login', { body: { email, password } });
    if (response.status !== 200) throw new Error(`login failed: ${response.status} ${response.text}`);
    return response.body.accessToken;
  }

  /** Creates a staff user through the admin API and returns a token for them. */
  async staff(roles: string[], languages: string[] = []): Promise<{ id: string; token: string; email: string }> {
    const admin = await this.login();
    const email = `${roles.join('-')}-${randomBytes(4).toString('hex')}@vigil.test`;
    const password = 'a long enough password';
    const created = await this.request('POST', '/v1/admin/users', {
      token: admin,
      body: { email, password, displayName: email, roles, languages },
    });
    if (created.status !== 201) throw new Error(`creating staff failed: ${created.status} ${created.text}`);
    return { id: created.body.id, email, token: await this.login(email, password) };
  }
}

/** A TCP port free on the loopback interface right now (for a server a test starts with a configured port). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `probe` until it returns a truthy value (or throws after `timeoutMs`). */
export async function waitFor<T>(
  probe: () => Promise<T | null | undefined | false>,
  { timeoutMs = 20_000, intervalMs = 50, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** A valid report body, with overrides. */
export function reportBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    channel: 'https://t.me/example_channel',
    category: 'propaganda',
    description: 'Posts official statements of a designated group and calls for attacks.',
    ...overrides,
  };
}
