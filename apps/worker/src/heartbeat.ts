import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { writeFile } from 'node:fs/promises';
import { WorkerHealth } from './health/worker-health';

const EVERY_MS = 15_000;

/**
 * For a container health check without HTTP: when WORKER_HEARTBEAT_FILE is set the worker touches that file every
 * 15 s while it is ready (WorkerHealth: Postgres and Redis answer, its BullMQ workers run, no scheduled work overdue);
 * the check reads the file's age.
 */
@Injectable()
export class WorkerHeartbeat implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerHeartbeat.name);
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
    private readonly health: WorkerHealth,
  ) {}

  onApplicationBootstrap(): void {
    const file = this.config.workerHeartbeatFile;
    if (!file) return;
    const beat = async () => {
      try {
        const readiness = await this.health.readiness();
        if (readiness.status !== 'ok') {
          const reasons = Object.entries(readiness.error).map(([name, result]) => `${name}: ${result.message}`);
          this.logger.warn(`Skipping heartbeat: ${reasons.join('; ')}`);
          return;
        }
        await writeFile(file, new Date().toISOString());
      } catch (error) {
        this.logger.warn(`Skipping heartbeat: ${(error as Error).message}`);
      }
    };
    void beat();
    this.timer = setInterval(() => void beat(), EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
