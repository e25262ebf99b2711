import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { createServer, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { WorkerHealth } from './worker-health';
import { WorkerMetrics } from './worker-metrics';

const NOT_FOUND = { statusCode: 404, error: 'Not Found', message: 'Not Found' };

/**
 * The worker's only HTTP, on WORKER_METRICS_PORT (0: none): `GET /health/live`, `GET /health/ready` (503 with the
 * failing checks, as the API's) and `GET /metrics` (Prometheus text: WorkerMetrics). A bare node:http server: three
 * fixed routes need no framework in a process that is otherwise HTTP-less.
 */
@Injectable()
export class HealthServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(HealthServer.name);
  private server: Server | null = null;

  constructor(
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
    private readonly health: WorkerHealth,
    private readonly metrics: WorkerMetrics,
  ) {}

  /** The port it listens on (null when off); WORKER_METRICS_PORT may name one in use, which stops the start. */
  get port(): number | null {
    return (this.server?.address() as AddressInfo | null)?.port ?? null;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.workerMetricsPort === 0) return;
    const server = createServer((request, response) => {
      if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 404, NOT_FOUND);
      void this.answer(request.url ?? '/', response).catch((error: Error) => {
        this.logger.error(`Health request ${request.url} failed: ${error.message}`);
        send(response, 500, { statusCode: 500, error: 'Internal Server Error', message: 'Internal Server Error' });
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.workerMetricsPort, this.config.host, () => resolve());
    });
    this.server = server;
    this.logger.log(`Health and metrics on http://${this.config.host}:${this.port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise((resolve) => server.close(resolve));
  }

  private async answer(url: string, response: ServerResponse): Promise<void> {
    switch (new URL(url, 'http://worker').pathname) {
      case '/health/live':
        return send(response, 200, { status: 'ok' });
      case '/health/ready': {
        const readiness = await this.health.readiness();
        return send(response, readiness.status === 'ok' ? 200 : 503, readiness);
      }
      case '/metrics':
        response.writeHead(200, { 'content-type': this.metrics.registry.contentType });
        response.end(await this.metrics.registry.metrics());
        return;
      default:
        return send(response, 404, NOT_FOUND);
    }
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}
