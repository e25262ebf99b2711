import { ConfigError, DEV_JWT_SECRET, loadConfig } from './config';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      nodeEnv: 'development',
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/vigil',
      redisUrl: 'redis://127.0.0.1:6379',
      queuePrefix: 'vigil',
      port: 3000,
      host: '127.0.0.1',
      trustProxy: false,
      consoleDir: 'dist/console',
      rateLimitPublicPerMinute: 30,
      rateLimitKeyPerMinute: 600,
      jwtTtlSeconds: 900,
      queueBoardSessionSeconds: 600,
      intakeBatchMaxInFlight: 3,
      intakeBatchMaxRows: 64,
      outcomeSliceRows: 200,
      outcomeSlicePauseMs: 50,
      workerNice: 5,
      auditLogOrigin: 'vigil.local/audit',
      workerMetricsPort: 9464,
      scheduledWorkGraceSeconds: 30,
      sla: { threatToLifeHours: 1, trustedFlaggerHours: 24, publicHours: 72, referralUnitHours: 1, removalOrderHours: 1 },
    });
  });

  it('logs JSON lines unless standard output is a terminal, and LOG_FORMAT overrides either way', () => {
    expect(loadConfig({}, false).logFormat).toBe('json');
    expect(loadConfig({}, true).logFormat).toBe('pretty');
    expect(loadConfig({ LOG_FORMAT: 'json' }, true).logFormat).toBe('json');
    expect(loadConfig({ LOG_FORMAT: 'pretty' }, false).logFormat).toBe('pretty');
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://localhost/vigil' }, 'DATABASE_URL'],
    [{ REDIS_URL: 'not a url' }, 'REDIS_URL'],
    [{ TRUST_PROXY: 'maybe' }, 'TRUST_PROXY'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
    [{ QUEUE_PREFIX: 'has:colon' }, 'QUEUE_PREFIX'],
    [{ RATE_LIMIT_PUBLIC_PER_MINUTE: '0' }, 'RATE_LIMIT_PUBLIC_PER_MINUTE'],
    [{ SLA_PUBLIC_HOURS: '-3' }, 'SLA_PUBLIC_HOURS'],
    [{ INTAKE_BATCH_MAX_IN_FLIGHT: '0' }, 'INTAKE_BATCH_MAX_IN_FLIGHT'],
    [{ INTAKE_BATCH_MAX_ROWS: '1001' }, 'INTAKE_BATCH_MAX_ROWS'],
    [{ OUTCOME_SLICE_ROWS: '0' }, 'OUTCOME_SLICE_ROWS'],
    [{ OUTCOME_SLICE_PAUSE_MS: 'soon' }, 'OUTCOME_SLICE_PAUSE_MS'],
    [{ LOG_FORMAT: 'xml' }, 'LOG_FORMAT'],
    [{ WORKER_NICE: '20' }, 'WORKER_NICE'],
    [{ WORKER_NICE: '-5' }, 'WORKER_NICE'],
    [{ AUDIT_LOG_ORIGIN: 'vigil.example.org/audit+1' }, 'AUDIT_LOG_ORIGIN'],
    [{ AUDIT_LOG_ORIGIN: 'vigil example' }, 'AUDIT_LOG_ORIGIN'],
    [{ WORKER_METRICS_PORT: '65536' }, 'WORKER_METRICS_PORT'],
    [{ SCHEDULED_WORK_GRACE_SECONDS: '0' }, 'SCHEDULED_WORK_GRACE_SECONDS'],
    [{ BOOTSTRAP_ADMIN_EMAIL: 'a@b.c' }, 'BOOTSTRAP_ADMIN_PASSWORD'],
    [{ BOOTSTRAP_ADMIN_EMAIL: 'a@b.c', BOOTSTRAP_ADMIN_PASSWORD: 'short' }, 'BOOTSTRAP_ADMIN_PASSWORD'],
    [{ ENFORCEMENT_WEBHOOK_URL: 'https://platform.example/hook' }, 'ENFORCEMENT_WEBHOOK_SECRET'],
    [{ DATA_ENCRYPTION_KEY: 'too-short' }, 'DATA_ENCRYPTION_KEY'],
    [{ DATA_ENCRYPTION_KEY: 'ab'.repeat(31) }, 'DATA_ENCRYPTION_KEY'],
    [{ DATA_ENCRYPTION_KEY: Buffer.alloc(33, 1).toString('base64') }, 'DATA_ENCRYPTION_KEY'],
  ])('names the bad variable in %j', (env, variable) => {
    const problems = problemsOf(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(variable);
  });

  it('refuses to start in production on default secrets and without a signing key', () => {
    const problems = problemsOf({ NODE_ENV: 'production', JWT_SECRET: DEV_JWT_SECRET });
    expect(problems.join('\n')).toMatch(/JWT_SECRET/);
    expect(problems.join('\n')).toMatch(/REPORTER_SECRET/);
    expect(problems.join('\n')).toMatch(/AUDIT_SIGNING_KEY/);
    expect(problems.join('\n')).toMatch(/DATA_ENCRYPTION_KEY/);
  });

  it('reads a data encryption key as 64 hex digits or base64 of 32 bytes', () => {
    const key = Buffer.alloc(32, 7);
    expect(loadConfig({ DATA_ENCRYPTION_KEY: key.toString('hex') }).dataEncryptionKey).toEqual(key);
    expect(loadConfig({ DATA_ENCRYPTION_KEY: key.toString('base64') }).dataEncryptionKey).toEqual(key);
    expect(loadConfig({}).dataEncryptionKey).toBeNull();
  });

  it('accepts production with real secrets', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      JWT_SECRET: 'x'.repeat(40),
      REPORTER_SECRET: 'y'.repeat(40),
      AUDIT_SIGNING_KEY: '-----BEGIN PRIVATE KEY-----\n…\n-----END PRIVATE KEY-----',
      DATA_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
    });
    expect(config.nodeEnv).toBe('production');
    expect(config.auditReads).toBe(true);
  });

  it('leaves reads unaudited only outside production (AUDIT_READS is for the bench)', () => {
    expect(loadConfig({ AUDIT_READS: 'false' }).auditReads).toBe(false);
    expect(problemsOf({ NODE_ENV: 'production', AUDIT_READS: 'false' }).join('\n')).toMatch(/AUDIT_READS=false/);
  });
});
