import { Processor } from '@nestjs/bullmq';
import { ExpireLeases, ReconcileReports } from '@vigil/moderation';
import { systemContext } from '@vigil/audit';
import { QueueName } from '@vigil/queues';
import { JobHandlers, TypedProcessor } from './typed-processor';

/** Repeatable housekeeping, one job at a time per worker; its schedules are kept by JobSchedulers. */
@Processor(QueueName.Maintenance)
export class MaintenanceProcessor extends TypedProcessor<QueueName.Maintenance> {
  protected readonly queueName = QueueName.Maintenance;
  protected readonly handlers: JobHandlers<QueueName.Maintenance> = {
    'reconcile-reports': () => this.reconcileReports.execute(),
    'expire-leases': (_, job) => this.expireLeases.execute(systemContext(job.id ?? null)),
  };

  constructor(
    private readonly reconcileReports: ReconcileReports,
    private readonly expireLeases: ExpireLeases,
  ) {
    super();
  }
}
