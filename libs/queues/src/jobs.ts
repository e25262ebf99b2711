import { QueueName } from './queue-names';

/** Attach one acknowledged report to its channel's case. */
export interface TriageReportJob {
  name: 'triage-report';
  data: { reportId: string };
}

/** Re-enqueue reports acknowledged but still untriaged (their job was lost, or Redis was down at intake). */
export interface ReconcileReportsJob {
  name: 'reconcile-reports';
  data: Record<string, never>;
}

/** Jobs each queue carries: a producer cannot send a payload its processor does not expect. */
export interface QueueJobs {
  [QueueName.Triage]: TriageReportJob;
  [QueueName.Maintenance]: ReconcileReportsJob;
}

export type JobOf<Q extends QueueName> = QueueJobs[Q];
export type JobNameOf<Q extends QueueName> = JobOf<Q>['name'];

/** Every job name per queue: the worker checks at start-up that each has exactly one handler. */
export const JOB_NAMES: { [Q in QueueName]: readonly JobNameOf<Q>[] } = {
  [QueueName.Triage]: ['triage-report'],
  [QueueName.Maintenance]: ['reconcile-reports'],
};

/** BullMQ refuses ids containing ':' and plain integers, so ids are `<kind>-<uuid>`. */
export const triageJobId = (reportId: string): string => `triage-${reportId}`;
