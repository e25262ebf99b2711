// A real HTTP receiver on loopback for outgoing webhooks: records every delivery and answers as told.
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Delivery {
  path: string;
  headers: IncomingHttpHeaders;
  raw: string;
  body: any;
}

export class WebhookReceiver {
  readonly deliveries: Delivery[] = [];
  /** Status codes to answer in turn, per path; once used up, 200. */
  private readonly scripts = new Map<string, number[]>();
  private server: Server | null = null;
  url = '';

  static async start(): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    receiver.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        receiver.deliveries.push({ path: request.url ?? '/', headers: request.headers, raw, body: JSON.parse(raw) });
        response.statusCode = receiver.scripts.get(request.url ?? '/')?.shift() ?? 200;
        response.end();
      });
    });
    await new Promise<void>((resolve) => receiver.server!.listen(0, '127.0.0.1', resolve));
    receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}`;
    return receiver;
  }

  /** Answer the next deliveries to `path` with these statuses (e.g. 500, 500, then 200s). */
  answer(path: string, ...statuses: number[]): void {
    this.scripts.set(path, statuses);
  }

  /** Always fail deliveries to `path` from now on (until `answer(path)`). */
  failAlways(path: string): void {
    this.scripts.set(path, Array(1000).fill(503));
  }

  on(path: string): Delivery[] {
    return this.deliveries.filter((d) => d.path === path);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

/** The secret test systems sign their webhooks with. */
export const WEBHOOK_SECRET = 'test-webhook-secret';

/** Environment for a test system that sends its enforcement and notice webhooks to `receiver`, retrying fast. */
export function webhookEnv(receiver: WebhookReceiver): Record<string, string> {
  return {
    ENFORCEMENT_WEBHOOK_URL: `${receiver.url}/enforce`,
    NOTIFY_WEBHOOK_URL: `${receiver.url}/notify`,
    ENFORCEMENT_WEBHOOK_SECRET: WEBHOOK_SECRET,
    WEBHOOK_BACKOFF_MS: '50',
    WEBHOOK_ATTEMPTS: '5',
  };
}
