import { QueueName } from './queue-names';
import type { TypedJob } from './queue-producer';

/**
 * Attach one acknowledged report to its channel's case. `channelId` (a report's channel never changes) spares the
 * worker a read before it locks the channel; jobs enqueued before it was added carry only `reportId`.
 */
export interface TriageReportJob {
  name: 'triage-report';
  data: { reportId: string; channelId?: string };
}

/** Re-enqueue reports acknowledged but still untriaged (their job was lost, or Redis was down at intake). */
export interface ReconcileReportsJob {
  name: 'reconcile-reports';
  data: Record<string, never>;
}

/** Return cases whose review lease has lapsed to their queue. */
export interface ExpireLeasesJob {
  name: 'expire-leases';
  data: Record<string, never>;
}

/** Move the SLA clocks of the cases now due: at risk, then overdue (repeatable). */
export interface SlaClocksJob {
  name: 'sla-clocks';
  data: Record<string, never>;
}

/** Bring every unresolved case's incident boost and clock in line with the active incidents; close lapsed ones. */
export interface IncidentClocksJob {
  name: 'incident-clocks';
  data: Record<string, never>;
}

/** Erase the evidence and reporter contacts no duty keeps any longer (repeatable, every RETENTION_INTERVAL_SECONDS). */
export interface RetentionJob {
  name: 'retention';
  data: Record<string, never>;
}

/** What ALERT_WEBHOOK_URL receives when a removal order's or a threat to life's SLA is at risk or overdue. */
export interface SlaAlertPayload {
  deliveryId: string;
  kind: 'sla_at_risk' | 'sla_breached';
  caseId: string;
  channel: { platform: string; key: string; url: string };
  source: string;
  slaDueAt: string;
}

/** Send one SLA alert (the payload is the body; nothing personal in it). */
export interface SlaAlertJob {
  name: 'sla-alert';
  data: SlaAlertPayload;
}

/** Deliver one enforcement (takedown, restriction, restore) to the platform connector. */
export interface EnforceJob {
  name: 'enforce';
  data: { enforcementId: string };
}

/** Send one notice (reporter outcome, owner notice, appeal outcome). */
export interface NotifyJob {
  name: 'notify';
  data: { notificationId: string };
}

/** Carry a decision to its case's reports and reporters: statuses, reporters' records, their notices. */
export interface ApplyDecisionOutcomeJob {
  name: 'apply-decision-outcome';
  data: { decisionId: string };
}

/** Seal committed audit events into the hash chain (repeatable; one sealer at a time across workers). */
export interface SealAuditEventsJob {
  name: 'seal-audit-events';
  data: Record<string, never>;
}

/** Sign a checkpoint of the audit chain's head, when the head moved since the last one (repeatable). */
export interface SignAuditCheckpointJob {
  name: 'sign-audit-checkpoint';
  data: Record<string, never>;
}

/** Sign a C2SP checkpoint of the audit Merkle tree, when the tree grew since the last one (repeatable). */
export interface SignTreeCheckpointJob {
  name: 'sign-tree-checkpoint';
  data: Record<string, never>;
}

/** Jobs each queue carries: a producer cannot send a payload its processor does not expect. */
export interface QueueJobs {
  [QueueName.Triage]: TriageReportJob;
  [QueueName.Maintenance]: ReconcileReportsJob | ExpireLeasesJob | SlaClocksJob | IncidentClocksJob | RetentionJob;
  [QueueName.Enforcement]: EnforceJob;
  [QueueName.Notifications]: NotifyJob | SlaAlertJob;
  [QueueName.Outcomes]: ApplyDecisionOutcomeJob;
  [QueueName.Audit]: SealAuditEventsJob | SignAuditCheckpointJob | SignTreeCheckpointJob;
}

export type JobOf<Q extends QueueName> = QueueJobs[Q];
export type JobNameOf<Q extends QueueName> = JobOf<Q>['name'];

/** Every job name per queue: the worker checks at start-up that each has exactly one handler. */
export const JOB_NAMES: { [Q in QueueName]: readonly JobNameOf<Q>[] } = {
  [QueueName.Triage]: ['triage-report'],
  [QueueName.Maintenance]: ['reconcile-reports', 'expire-leases', 'sla-clocks', 'incident-clocks', 'retention'],
  [QueueName.Enforcement]: ['enforce'],
  [QueueName.Notifications]: ['notify', 'sla-alert'],
  [QueueName.Outcomes]: ['apply-decision-outcome'],
  [QueueName.Audit]: ['seal-audit-events', 'sign-audit-checkpoint', 'sign-tree-checkpoint'],
};

/** BullMQ refuses ids containing ':' and plain integers, so ids are `<kind>-<uuid>`. */
export const triageJobId = (reportId: string): string => `triage-${reportId}`;
export const enforceJobId = (enforcementId: string): string => `enforce-${enforcementId}`;
export const notifyJobId = (notificationId: string): string => `notify-${notificationId}`;
export const outcomeJobId = (decisionId: string): string => `outcome-${decisionId}`;

/** One alert per case and state: a clock moved twice by mistake still alerts once. */
export function slaAlertJob(alert: SlaAlertPayload): TypedJob<QueueName.Notifications> {
  return { job: { name: 'sla-alert', data: alert }, opts: { jobId: `alert-${alert.kind}-${alert.caseId}` } };
}

/** Run the incident clocks now (a declaration or a closing), beside their schedule. */
export function incidentClocksJob(incidentId: string): TypedJob<QueueName.Maintenance> {
  return { job: { name: 'incident-clocks', data: {} }, opts: { jobId: `incident-${incidentId}-${Date.now()}` } };
}

/**
 * A report's triage job. A job triages every report waiting on its channel (TriageReport), so a channel needs no
 * more than one job waiting: a report whose channel already has one adds none, and one that arrives while its
 * channel's job runs leaves one job to run after it (BullMQ's `keepLastIfActive`: the latest such report's). Two jobs
 * of one channel never run at once. In a surge most reports' channels have a job waiting, which spares Redis, the
 * worker and Postgres a job each that would find its report already triaged.
 */
export function triageJob(reportId: string, channelId: string): TypedJob<QueueName.Triage> {
  return {
    job: { name: 'triage-report', data: { reportId, channelId } },
    opts: { jobId: triageJobId(reportId), deduplication: { id: `channel-${channelId}`, keepLastIfActive: true } },
  };
}
