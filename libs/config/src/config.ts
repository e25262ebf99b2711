// Every setting Vigil reads, parsed and validated once. Nothing else in the code base reads process.env.
import type { ReputationPolicy, SlaPolicy } from '@vigil/domain';
import { availableParallelism } from 'node:os';

export type NodeEnv = 'development' | 'production' | 'test';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose';
/** JSON lines (one object per line) for collectors, or pino-pretty's coloured lines for a person at a terminal. */
export type LogFormat = 'json' | 'pretty';

export interface VigilConfig {
  nodeEnv: NodeEnv;
  logLevel: LogLevel;
  /** LOG_FORMAT; when unset, `pretty` if standard output is a terminal, else `json`. */
  logFormat: LogFormat;
  databaseUrl: string;
  databasePoolSize: number;
  redisUrl: string;
  queuePrefix: string;
  host: string;
  port: number;
  trustProxy: boolean;
  jwtSecret: string;
  jwtTtlSeconds: number;
  /** Lifetime of the cookie that opens Bull Board at /admin/queues from the console (an admin's board session). */
  queueBoardSessionSeconds: number;
  /** Keys the reporter pseudonyms and tracking tokens (HMAC); not reversible without it. */
  reporterSecret: string;
  auditSigningKey: string | null;
  /** Where development keeps the Ed25519 key it generates when AUDIT_SIGNING_KEY is unset (git-ignored `.vigil/`). */
  auditSigningKeyFile: string;
  /**
   * 32 bytes (base64 or hex) that encrypt reporter contacts at rest (AES-256-GCM); null in development, which keeps a
   * generated key in `dataEncryptionKeyFile`. Production refuses to start without it.
   */
  dataEncryptionKey: Buffer | null;
  dataEncryptionKeyFile: string;
  /** How often the audit sealer runs; events are sealed within about interval + settle. */
  auditSealIntervalMs: number;
  /** Events younger than this are left for the next run, so short transactions commit in occurred_at order. */
  auditSealSettleMs: number;
  auditSealBatchSize: number;
  /**
   * Whether reads (`case.viewed`, `audit.queried`, `export.downloaded`, `evidence.viewed`) are audited: true but for
   * the bench's measurement of what that costs (docs/performance.md); logins are audited either way.
   */
  auditReads: boolean;
  /** How often a checkpoint is signed while the sealed head moves. */
  auditCheckpointIntervalSeconds: number;
  /**
   * The audit Merkle tree's origin: the first line of its C2SP checkpoints and the key name of their signatures,
   * e.g. `vigil.example.org/audit`. Two deployments must not share one.
   */
  auditLogOrigin: string;
  /** Worker threads that verify the chain side by side (0: in the calling thread). Default: the machine's cores. */
  auditVerifyThreads: number;
  /** A thread is started only for at least this many events (below it the start-up costs more than it saves). */
  auditVerifyThreadMinEvents: number;
  bootstrapAdminEmail: string | null;
  bootstrapAdminPassword: string | null;
  enforcementWebhookUrl: string | null;
  enforcementWebhookSecret: string | null;
  notifyWebhookUrl: string | null;
  /** Where SLA alerts for removal orders and threat-to-life cases go (signed like every webhook); null: none. */
  alertWebhookUrl: string | null;
  rateLimitPublicPerMinute: number;
  rateLimitKeyPerMinute: number;
  /** Browser origins allowed to call the API cross-origin (CORS); empty means CORS stays off. */
  corsOrigins: string[];
  /** The built console (Vite output) the API serves at `/`; relative paths are from the working directory. */
  consoleDir: string;
  sla: SlaPolicy;
  /** When a reporter whose reports are mostly dismissed is warned, marked down and suspended. */
  reputation: ReputationPolicy;
  /** A report still `received` this long after intake is re-enqueued for triage by the reconciler. */
  reconcileAfterSeconds: number;
  /** The retention job: how often it runs, and how long evidence and reporter contacts are kept (0: erase at once). */
  retention: { intervalSeconds: number; evidenceDays: number; contactDays: number };
  /** Triage looks for actioned channels of this many days back that a reported channel may succeed. */
  migrationWindowDays: number;
  maintenanceIntervalSeconds: number;
  leaseSeconds: number;
  /** Outgoing webhooks: attempts (≥ 5), first retry delay (doubling), per-request timeout. */
  webhookAttempts: number;
  webhookBackoffMs: number;
  webhookTimeoutMs: number;
  triageConcurrency: number;
  /**
   * Group commit on intake: reports arriving while this many intake statements are running wait and go out
   * together in the next one (IntakeGroupCommit).
   */
  intakeBatchMaxInFlight: number;
  /** The most reports one intake statement writes. */
  intakeBatchMaxRows: number;
  /**
   * A decision's outcome reaches its case's reports this many at a time, each slice its own transaction, with a
   * pause between slices: on a hot case that is thousands of rows, and moderators' requests share the machine.
   */
  outcomeSliceRows: number;
  outcomeSlicePauseMs: number;
  /** When set, the worker touches this file while healthy (the container health check reads its age). */
  workerHeartbeatFile: string | null;
  /** The worker's scheduling niceness (0 = as the API; higher yields the CPU to the API when they share a host). */
  workerNice: number;
  /** Where the worker serves /health/live, /health/ready and /metrics (0: no HTTP at all). */
  workerMetricsPort: number;
  /**
   * Scheduled work that must not stop is overdue (the worker's readiness fails) when its last run is older than its
   * interval plus this.
   */
  scheduledWorkGraceSeconds: number;
}

/** Development defaults that production must override (checked in loadConfig). */
export const DEV_JWT_SECRET = 'dev-only-jwt-secret-change-me';
export const DEV_REPORTER_SECRET = 'dev-only-reporter-secret-change-me';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  string(name: string, fallback: string): string {
    const raw = this.env[name]?.trim();
    return raw ? raw : fallback;
  }

  optional(name: string): string | null {
    const raw = this.env[name]?.trim();
    return raw ? raw : null;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.env[name]?.trim();
    if (!raw) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  }

  number(name: string, fallback: number, min: number, max: number): number {
    const raw = this.env[name]?.trim();
    if (!raw) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || value > max) {
      this.problems.push(`${name} must be a number from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.env[name]?.trim().toLowerCase();
    if (!raw) return fallback;
    if (['true', '1', 'yes'].includes(raw)) return true;
    if (['false', '0', 'no'].includes(raw)) return false;
    this.problems.push(`${name} must be true or false (got "${raw}")`);
    return fallback;
  }

  /** 32 bytes as 64 hex digits or base64 (44 characters); null when unset. */
  encryptionKey(name: string): Buffer | null {
    const raw = this.optional(name);
    if (raw === null) return null;
    const key = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
    if (key.length !== 32 || (!/^[0-9a-fA-F]{64}$/.test(raw) && key.toString('base64') !== raw)) {
      this.problems.push(`${name} must be 32 bytes, as 64 hex digits or base64 (e.g. \`openssl rand -base64 32\`)`);
      return null;
    }
    return key;
  }

  oneOf<T extends string>(name: string, values: readonly T[], fallback: T): T {
    const raw = this.env[name]?.trim();
    if (!raw) return fallback;
    if ((values as readonly string[]).includes(raw)) return raw as T;
    this.problems.push(`${name} must be one of ${values.join(', ')} (got "${raw}")`);
    return fallback;
  }

  /**
   * A C2SP signed-note key name (a checkpoint origin): non-empty, printable, no whitespace and no `+`, which would
   * break the verifier key `<name>+<id>+<key>`.
   */
  noteKeyName(name: string, fallback: string): string {
    const raw = this.env[name]?.trim();
    if (!raw) return fallback;
    if (!/^[\x21-\x2a\x2c-\x7e]{1,255}$/.test(raw)) {
      this.problems.push(`${name} must be printable ASCII without spaces or "+", e.g. vigil.example.org/audit`);
      return fallback;
    }
    return raw;
  }

  /** A comma-separated list of exact http(s) origins (`https://app.example.org`); no wildcards, no paths. */
  origins(name: string): string[] {
    const raw = this.env[name]?.trim();
    if (!raw) return [];
    const origins = raw.split(',').map((entry) => entry.trim()).filter((entry) => entry.length > 0);
    for (const origin of origins) {
      let parsed: URL | null = null;
      try {
        parsed = new URL(origin);
      } catch {
        // reported below
      }
      if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.origin !== origin) {
        this.problems.push(`${name} must list http(s) origins such as https://app.example.org (got "${origin}")`);
      }
    }
    return origins;
  }

  url(name: string, protocols: string[], fallback: string | null): string | null {
    const raw = this.env[name]?.trim();
    if (!raw) return fallback;
    try {
      const parsed = new URL(raw);
      if (!protocols.includes(parsed.protocol)) {
        this.problems.push(`${name} must use ${protocols.join(' or ')} (got "${parsed.protocol}")`);
      }
    } catch {
      this.problems.push(`${name} is not a valid URL`);
    }
    return raw;
  }
}

/**
 * `stdoutIsTerminal` decides LOG_FORMAT's default (pretty on a terminal, JSON lines otherwise); a parameter, so that a
 * test can pose either case.
 */
export function loadConfig(env: Env = process.env, stdoutIsTerminal = process.stdout.isTTY === true): VigilConfig {
  const read = new EnvReader(env);
  const nodeEnv = read.oneOf<NodeEnv>('NODE_ENV', ['development', 'production', 'test'], 'development');
  const config: VigilConfig = {
    nodeEnv,
    logLevel: read.oneOf<LogLevel>('LOG_LEVEL', ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'], 'log'),
    logFormat: read.oneOf<LogFormat>('LOG_FORMAT', ['json', 'pretty'], stdoutIsTerminal ? 'pretty' : 'json'),
    databaseUrl: read.url('DATABASE_URL', ['postgres:', 'postgresql:'], 'postgres://postgres@127.0.0.1:5432/vigil')!,
    databasePoolSize: read.int('DATABASE_POOL_SIZE', 10, 1, 200),
    redisUrl: read.url('REDIS_URL', ['redis:', 'rediss:'], 'redis://127.0.0.1:6379')!,
    queuePrefix: read.string('QUEUE_PREFIX', 'vigil'),
    host: read.string('HOST', '127.0.0.1'),
    port: read.int('PORT', 3000, 0, 65535),
    trustProxy: read.bool('TRUST_PROXY', false),
    jwtSecret: read.string('JWT_SECRET', DEV_JWT_SECRET),
    jwtTtlSeconds: read.int('JWT_TTL_SECONDS', 900, 30, 86400),
    queueBoardSessionSeconds: read.int('QUEUE_BOARD_SESSION_SECONDS', 600, 1, 3600),
    reporterSecret: read.string('REPORTER_SECRET', DEV_REPORTER_SECRET),
    // A PEM in one environment line may carry its line breaks as the two characters "\n".
    auditSigningKey: read.optional('AUDIT_SIGNING_KEY')?.replace(/\\n/g, '\n') ?? null,
    auditSigningKeyFile: read.string('AUDIT_SIGNING_KEY_FILE', '.vigil/audit-signing-key.pem'),
    dataEncryptionKey: read.encryptionKey('DATA_ENCRYPTION_KEY'),
    dataEncryptionKeyFile: read.string('DATA_ENCRYPTION_KEY_FILE', '.vigil/data-encryption-key'),
    auditSealIntervalMs: read.int('AUDIT_SEAL_INTERVAL_MS', 500, 50, 60_000),
    auditSealSettleMs: read.int('AUDIT_SEAL_SETTLE_MS', 250, 0, 60_000),
    auditSealBatchSize: read.int('AUDIT_SEAL_BATCH_SIZE', 2000, 1, 50_000),
    auditReads: read.bool('AUDIT_READS', true),
    auditCheckpointIntervalSeconds: read.number('AUDIT_CHECKPOINT_INTERVAL_SECONDS', 60, 1, 86_400),
    auditLogOrigin: read.noteKeyName('AUDIT_LOG_ORIGIN', 'vigil.local/audit'),
    auditVerifyThreads: read.int('AUDIT_VERIFY_THREADS', availableParallelism(), 0, 64),
    auditVerifyThreadMinEvents: read.int('AUDIT_VERIFY_THREAD_MIN_EVENTS', 50_000, 1, 100_000_000),
    bootstrapAdminEmail: read.optional('BOOTSTRAP_ADMIN_EMAIL'),
    bootstrapAdminPassword: read.optional('BOOTSTRAP_ADMIN_PASSWORD'),
    enforcementWebhookUrl: read.url('ENFORCEMENT_WEBHOOK_URL', ['http:', 'https:'], null),
    enforcementWebhookSecret: read.optional('ENFORCEMENT_WEBHOOK_SECRET'),
    notifyWebhookUrl: read.url('NOTIFY_WEBHOOK_URL', ['http:', 'https:'], null),
    alertWebhookUrl: read.url('ALERT_WEBHOOK_URL', ['http:', 'https:'], null),
    rateLimitPublicPerMinute: read.int('RATE_LIMIT_PUBLIC_PER_MINUTE', 30, 1, 1_000_000),
    rateLimitKeyPerMinute: read.int('RATE_LIMIT_KEY_PER_MINUTE', 600, 1, 1_000_000),
    corsOrigins: read.origins('CORS_ORIGINS'),
    consoleDir: read.string('CONSOLE_DIR', 'dist/console'),
    sla: {
      removalOrderHours: read.number('SLA_REMOVAL_ORDER_HOURS', 1, 0.0005, 720),
      threatToLifeHours: read.number('SLA_THREAT_TO_LIFE_HOURS', 1, 0.0005, 720),
      referralUnitHours: read.number('SLA_REFERRAL_UNIT_HOURS', 1, 0.0005, 720),
      trustedFlaggerHours: read.number('SLA_TRUSTED_FLAGGER_HOURS', 24, 0.0005, 720),
      publicHours: read.number('SLA_PUBLIC_HOURS', 72, 0.0005, 720),
    },
    reconcileAfterSeconds: read.number('RECONCILE_AFTER_SECONDS', 30, 0, 86400),
    migrationWindowDays: read.number('MIGRATION_WINDOW_DAYS', 90, 1, 3650),
    retention: {
      intervalSeconds: read.number('RETENTION_INTERVAL_SECONDS', 3600, 1, 7 * 86400),
      evidenceDays: read.number('RETENTION_EVIDENCE_DAYS', 180, 0, 36500),
      contactDays: read.number('RETENTION_CONTACT_DAYS', 30, 0, 36500),
    },
    maintenanceIntervalSeconds: read.number('MAINTENANCE_INTERVAL_SECONDS', 10, 0.1, 3600),
    leaseSeconds: read.int('LEASE_SECONDS', 600, 1, 86400),
    reputation: {
      minDecidedCases: read.int('REPUTATION_MIN_DECIDED_CASES', 5, 1, 10_000),
      dismissedShare: read.number('REPUTATION_DISMISSED_SHARE', 0.8, 0.5, 1),
      graceDismissals: read.int('REPUTATION_GRACE_DISMISSALS', 3, 1, 10_000),
      suspensionHours: read.number('REPUTATION_SUSPENSION_HOURS', 168, 0.01, 8760),
    },
    webhookAttempts: read.int('WEBHOOK_ATTEMPTS', 6, 5, 50),
    webhookBackoffMs: read.int('WEBHOOK_BACKOFF_MS', 2000, 10, 3_600_000),
    webhookTimeoutMs: read.int('WEBHOOK_TIMEOUT_MS', 10_000, 100, 60_000),
    triageConcurrency: read.int('TRIAGE_CONCURRENCY', 12, 1, 256),
    intakeBatchMaxInFlight: read.int('INTAKE_BATCH_MAX_IN_FLIGHT', 3, 1, 64),
    intakeBatchMaxRows: read.int('INTAKE_BATCH_MAX_ROWS', 64, 1, 1000),
    outcomeSliceRows: read.int('OUTCOME_SLICE_ROWS', 200, 1, 100_000),
    outcomeSlicePauseMs: read.int('OUTCOME_SLICE_PAUSE_MS', 50, 0, 10_000),
    workerHeartbeatFile: read.optional('WORKER_HEARTBEAT_FILE'),
    workerNice: read.int('WORKER_NICE', 5, 0, 19),
    workerMetricsPort: read.int('WORKER_METRICS_PORT', 9464, 0, 65535),
    scheduledWorkGraceSeconds: read.number('SCHEDULED_WORK_GRACE_SECONDS', 30, 0.1, 86_400),
  };

  if (!/^[A-Za-z0-9_{}-]{1,64}$/.test(config.queuePrefix)) {
    read.problems.push('QUEUE_PREFIX may hold only letters, digits, "_", "-", "{" and "}" (at most 64)');
  }
  if ((config.bootstrapAdminEmail === null) !== (config.bootstrapAdminPassword === null)) {
    read.problems.push('BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD must be set together');
  }
  if (config.bootstrapAdminPassword !== null && config.bootstrapAdminPassword.length < 12) {
    read.problems.push('BOOTSTRAP_ADMIN_PASSWORD must be at least 12 characters');
  }
  const webhooks = [config.enforcementWebhookUrl, config.notifyWebhookUrl, config.alertWebhookUrl];
  if (webhooks.some((url) => url !== null) && !config.enforcementWebhookSecret) {
    // Every outgoing webhook is signed with this secret (API.md "Outgoing webhooks").
    read.problems.push(
      'ENFORCEMENT_WEBHOOK_SECRET is required when ENFORCEMENT_WEBHOOK_URL, NOTIFY_WEBHOOK_URL or ALERT_WEBHOOK_URL ' +
        'is set',
    );
  }
  if (nodeEnv === 'production') {
    if (config.jwtSecret === DEV_JWT_SECRET || config.jwtSecret.length < 32) {
      read.problems.push('JWT_SECRET must be set to a secret of at least 32 characters in production');
    }
    if (config.reporterSecret === DEV_REPORTER_SECRET || config.reporterSecret.length < 32) {
      read.problems.push('REPORTER_SECRET must be set to a secret of at least 32 characters in production');
    }
    if (!config.auditSigningKey) {
      read.problems.push('AUDIT_SIGNING_KEY (Ed25519 private key, PEM) is required in production');
    }
    if (!config.dataEncryptionKey) {
      read.problems.push('DATA_ENCRYPTION_KEY (32 bytes, base64 or hex) is required in production');
    }
    if (!config.auditReads) {
      read.problems.push('AUDIT_READS=false is for measurements only: production audits every read (API.md)');
    }
  }
  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return config;
}

const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** Nest logger levels enabled by LOG_LEVEL: that level and every more severe one. */
export function enabledLogLevels(level: LogLevel): LogLevel[] {
  return LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(level) + 1);
}
