import { AuditProcessor } from './audit.processor';
import { EnforcementProcessor } from './enforcement.processor';
import { MaintenanceProcessor } from './maintenance.processor';
import { NotificationsProcessor } from './notifications.processor';
import { OutcomesProcessor } from './outcomes.processor';
import { TriageProcessor } from './triage.processor';

/** Every processor of the worker: the module provides them, readiness and the job metrics watch each. */
export const PROCESSORS = [
  TriageProcessor,
  MaintenanceProcessor,
  EnforcementProcessor,
  NotificationsProcessor,
  OutcomesProcessor,
  AuditProcessor,
] as const;
