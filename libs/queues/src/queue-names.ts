/**
 * Every BullMQ queue Vigil uses. Renaming one strands the jobs waiting under the old name in Redis, so a rename
 * needs a migration plan (drain the old queue, or move its jobs) — never just an edit here.
 */
export enum QueueName {
  Triage = 'triage',
  Maintenance = 'maintenance',
  Enforcement = 'enforcement',
  Notifications = 'notifications',
  Outcomes = 'outcomes',
  Audit = 'audit',
}

export const ALL_QUEUES: readonly QueueName[] = Object.values(QueueName);
