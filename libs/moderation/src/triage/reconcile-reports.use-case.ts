import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { QueueName, QueueProducer, triageJob } from '@vigil/queues';
import { OutboxDispatcher } from '../outcomes';
import { DataSource } from 'typeorm';

const BATCH = 1000;

/**
 * Postgres holds the work; Redis only carries it. After `reconcileAfterSeconds` this finds work still waiting —
 * reports not yet triaged, enforcements and notices still pending, decisions whose outcome is not yet applied — and makes sure each has a live job: Redis may
 * have been down when it was enqueued, or the job was lost. Changes no rows itself.
 */
@Injectable()
export class ReconcileReports {
  private readonly logger = new Logger(ReconcileReports.name);
  /** When the PostgreSQL server this process talks to last started, as of the previous run. */
  private serverStartedAt: string | null = null;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
    private readonly queues: QueueProducer,
    private readonly outbox: OutboxDispatcher,
  ) {}

  /**
   * `afterSeconds`: how old waiting work must be (default `reconcileAfterSeconds`); 0 after Redis lost its data, when
   * every job may be gone (enqueueing is idempotent, so racing intake's own enqueue costs nothing). Also 0 on the first
   * run after PostgreSQL restarted: triage commits without waiting for the WAL flush (TriageReport), so a crash may
   * undo the last triages of jobs BullMQ already counts as done, and nothing else would look at those reports again
   * for `reconcileAfterSeconds`.
   */
  async execute({ afterSeconds = this.config.reconcileAfterSeconds }: { afterSeconds?: number } = {}): Promise<{
    reports: number;
    enforcements: number;
    notifications: number;
    outcomes: number;
  }> {
    if (await this.serverRestarted()) {
      this.logger.warn('PostgreSQL restarted since the last run: reconciling all waiting work, whatever its age');
      afterSeconds = 0;
    }
    const waiting = <Row = { id: string }>(sql: string) =>
      this.db.query(`${sql} LIMIT $2`, [afterSeconds, BATCH]) as Promise<Row[]>;
    const reports = await this.queues.ensure(
      QueueName.Triage,
      (
        await waiting<{ id: string; channel_id: string }>(
          `SELECT id, channel_id FROM reports
           WHERE triaged_at IS NULL AND received_at < now() - make_interval(secs => $1) ORDER BY received_at`,
        )
      ).map(({ id, channel_id }) => triageJob(id, channel_id)),
    );
    const enforcements = await this.queues.ensure(
      QueueName.Enforcement,
      (await waiting(`SELECT id FROM enforcements WHERE status = 'pending' AND created_at < now() - make_interval(secs => $1) ORDER BY created_at`)).map(
        ({ id }) => this.outbox.enforceJob(id),
      ),
    );
    const notifications = await this.queues.ensure(
      QueueName.Notifications,
      (await waiting(`SELECT id FROM notifications WHERE status = 'pending' AND created_at < now() - make_interval(secs => $1) ORDER BY created_at`)).map(
        ({ id }) => this.outbox.notifyJob(id),
      ),
    );
    const outcomes = await this.queues.ensure(
      QueueName.Outcomes,
      (await waiting(`SELECT id FROM decisions WHERE applied_at IS NULL AND created_at < now() - make_interval(secs => $1) ORDER BY created_at`)).map(
        ({ id }) => this.outbox.outcomeJob(id),
      ),
    );
    if (reports + enforcements + notifications + outcomes > 0) {
      this.logger.warn(
        `Re-enqueued ${reports} report(s), ${enforcements} enforcement(s), ${notifications} notice(s), ` +
          `${outcomes} decision outcome(s)`,
      );
    }
    return { reports, enforcements, notifications, outcomes };
  }

  /** Whether the server's start time changed since the previous run (never on this process's first run). */
  private async serverRestarted(): Promise<boolean> {
    const [{ started }]: { started: string }[] = await this.db.query(
      `SELECT pg_postmaster_start_time()::text AS started`,
    );
    const restarted = this.serverStartedAt !== null && this.serverStartedAt !== started;
    this.serverStartedAt = started;
    return restarted;
  }
}
