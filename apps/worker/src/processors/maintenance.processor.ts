import { Processor } from '@nestjs/bullmq';
import { systemContext } from '@vigil/audit';
import { ExpireLeases, IncidentClocks, ReconcileReports, RunRetention, SlaClocks } from '@vigil/moderation';
import { QueueName } from '@vigil/queues';
import { JobHandlers, TypedProcessor } from './typed-processor';

/** Repeatable housekeeping, one job at a time per worker; its schedules are kept by JobSchedulers. */
@Processor(QueueName.Maintenance)
export class MaintenanceProcessor extends TypedProcessor<QueueName.Maintenance> {
  protected readonly queueName = QueueName.Maintenance;
  protected readonly handlers: JobHandlers<QueueName.Maintenance> = {
    'reconcile-reports': () => this.reconcileReports.execute(),
    'expire-leases': (_, job) => this.expireLeases.execute(systemContext(job.id ?? null)),
    'sla-clocks': (_, job) => this.slaClocks.execute(systemContext(job.id ?? null)),
    'incident-clocks': (_, job) => this.incidentClocks.execute(systemContext(job.id ?? null)),
    retention: (_, job) => this.retention.execute(systemContext(job.id ?? null)),
  };

  constructor(
    private readonly reconcileReports: ReconcileReports,
    private readonly expireLeases: ExpireLeases,
    private readonly slaClocks: SlaClocks,
    private readonly incidentClocks: IncidentClocks,
    private readonly retention: RunRetention,
  ) {
    super();
  }
}
