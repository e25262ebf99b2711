import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { writeFile } from 'node:fs/promises';
import { DataSource } from 'typeorm';
import { MaintenanceProcessor } from './processors/maintenance.processor';
import { TriageProcessor } from './processors/triage.processor';

const EVERY_MS = 15_000;

/**
 * The worker serves no HTTP. When WORKER_HEARTBEAT_FILE is set it touches that file every 15 s while Postgres
 * answers and every BullMQ worker is running; a container health check reads the file's age.
 */
@Injectable()
export class WorkerHeartbeat implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerHeartbeat.name);
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
    @InjectDataSource() private readonly db: DataSource,
    private readonly triage: TriageProcessor,
    private readonly maintenance: MaintenanceProcessor,
  ) {}

  onApplicationBootstrap(): void {
    const file = this.config.workerHeartbeatFile;
    if (!file) return;
    const beat = async () => {
      try {
        await this.db.query('SELECT 1');
        if (![this.triage, this.maintenance].every((p) => p.worker.isRunning())) return;
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
