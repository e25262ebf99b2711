import { Processor } from '@nestjs/bullmq';
import { systemContext } from '@vigil/audit';
import { SendNotification, SendSlaAlert } from '@vigil/moderation';
import { QueueName } from '@vigil/queues';
import { isFinalAttempt, JobHandlers, OUTBOX_WORKER_OPTIONS, TypedProcessor } from './typed-processor';

@Processor(QueueName.Notifications, OUTBOX_WORKER_OPTIONS)
export class NotificationsProcessor extends TypedProcessor<QueueName.Notifications> {
  protected readonly queueName = QueueName.Notifications;
  protected readonly handlers: JobHandlers<QueueName.Notifications> = {
    notify: (data, job) =>
      this.sendNotification.execute(data, { final: isFinalAttempt(job) }, systemContext(job.id ?? null)),
    'sla-alert': (data) => this.sendSlaAlert.execute(data),
  };

  constructor(
    private readonly sendNotification: SendNotification,
    private readonly sendSlaAlert: SendSlaAlert,
  ) {
    super();
  }
}
