import type { VigilConfig } from '@vigil/config';
import type { JobsOptions } from 'bullmq';
import { JobNameOf } from './jobs';
import { QueueName } from './queue-names';

/** Queues that carry scheduled (repeating) work. */
export type ScheduledQueue = QueueName.Maintenance | QueueName.Audit;

/**
 * One BullMQ job scheduler. Its id is its job name, so replicas that upsert it share one schedule. `watched`: work
 * that must not stop — its last run is recorded in PostgreSQL and the worker's readiness fails when it is overdue
 * (every + SCHEDULED_WORK_GRACE_SECONDS).
 */
export interface JobSchedule<Q extends ScheduledQueue = ScheduledQueue> {
  queue: Q;
  name: JobNameOf<Q>;
  everyMs: number;
  watched: boolean;
}

/** A missed run is simply the next run's work, so no retries and only a short job history. */
export const SCHEDULED_JOB_OPTIONS: JobsOptions = { attempts: 1, removeOnComplete: 100, removeOnFail: 100 };

/**
 * Every job scheduler of the worker, in one place. A new kind of scheduled work is one entry
 * here and a handler in its queue's processor; `watched` makes its stop visible in readiness.
 */
export function jobSchedules(config: VigilConfig): JobSchedule[] {
  const maintenanceMs = Math.round(config.maintenanceIntervalSeconds * 1000);
  return [
    { queue: QueueName.Maintenance, name: 'reconcile-reports', everyMs: maintenanceMs, watched: true },
    { queue: QueueName.Maintenance, name: 'expire-leases', everyMs: maintenanceMs, watched: true },
    { queue: QueueName.Maintenance, name: 'sla-clocks', everyMs: maintenanceMs, watched: true },
    // Also enqueued at once after a declaration or a closing; the schedule closes lapsed incidents.
    { queue: QueueName.Maintenance, name: 'incident-clocks', everyMs: maintenanceMs, watched: true },
    {
      queue: QueueName.Maintenance,
      name: 'retention',
      everyMs: Math.round(config.retention.intervalSeconds * 1000),
      watched: true,
    },
    { queue: QueueName.Audit, name: 'seal-audit-events', everyMs: config.auditSealIntervalMs, watched: true },
    // Signs only when the sealed head moved; a stop shows in `audit:verify --from-checkpoint`, not in readiness.
    {
      queue: QueueName.Audit,
      name: 'sign-audit-checkpoint',
      everyMs: Math.round(config.auditCheckpointIntervalSeconds * 1000),
      watched: false,
    },
    {
      queue: QueueName.Audit,
      name: 'sign-tree-checkpoint',
      everyMs: Math.round(config.auditCheckpointIntervalSeconds * 1000),
      watched: false,
    },
  ];
}
