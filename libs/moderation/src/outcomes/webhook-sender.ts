import { Inject, Injectable } from '@nestjs/common';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { createHmac } from 'node:crypto';

export class WebhookDeliveryError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'WebhookDeliveryError';
  }
}

/** Which try of a delivery job this is. */
export interface DeliveryAttempt {
  /** True on the job's last attempt: a failure now is final and is recorded as such. */
  final: boolean;
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` (API.md "Outgoing webhooks"). */
export function webhookSignature(secret: string, rawBody: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${rawBody}`, 'utf8').digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/**
 * Posts one JSON delivery. Any non-2xx answer, network error or timeout throws WebhookDeliveryError; the caller's
 * job retries with backoff, and the delivery id stays the same across retries so receivers can de-duplicate.
 */
@Injectable()
export class WebhookSender {
  constructor(@Inject(VIGIL_CONFIG) private readonly config: VigilConfig) {}

  async post(url: string, deliveryId: string, body: object, secret: string | null): Promise<number> {
    const raw = JSON.stringify(body);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-vigil-delivery': deliveryId,
      'user-agent': 'Vigil-Webhook/1',
    };
    if (secret) headers['x-vigil-signature'] = webhookSignature(secret, raw, Math.floor(Date.now() / 1000));
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers,
        body: raw,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.config.webhookTimeoutMs),
      });
    } catch (error) {
      throw new WebhookDeliveryError(`delivery failed: ${(error as Error).message}`, null);
    }
    await response.arrayBuffer().catch(() => undefined);
    if (response.status < 200 || response.status >= 300) {
      throw new WebhookDeliveryError(`receiver answered ${response.status}`, response.status);
    }
    return response.status;
  }
}
