import { Inject, Injectable } from '@nestjs/common';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import type { SlaAlertPayload } from '@vigil/queues';
import { WebhookSender } from './webhook-sender';

/**
 * Posts one SLA alert to ALERT_WEBHOOK_URL, signed like every webhook; a failure throws, and the job's retries with
 * backoff keep the delivery id. Nothing is stored: the clock's move it reports is audited by SlaClocks.
 */
@Injectable()
export class SendSlaAlert {
  constructor(
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
    private readonly sender: WebhookSender,
  ) {}

  async execute(alert: SlaAlertPayload): Promise<'sent' | 'no-receiver'> {
    const url = this.config.alertWebhookUrl;
    if (!url) return 'no-receiver';
    await this.sender.post(url, alert.deliveryId, alert, this.config.enforcementWebhookSecret);
    return 'sent';
  }
}
