import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { VigilConfig } from '@vigil/config';
import { createLogger, PinoNestLogger } from '@vigil/logging';
import type { DestinationStream } from 'pino';
import { WorkerModule } from './worker.module';

export interface WorkerAppOptions {
  /** Where the log lines go instead of standard output (a test reads them). */
  logDestination?: DestinationStream;
}

/** The worker: BullMQ processors in an HTTP-less Nest application context, logging JSON lines (or pretty ones). */
export async function createWorkerApp(
  config: VigilConfig,
  options: WorkerAppOptions = {},
): Promise<INestApplicationContext> {
  const logger = createLogger(config, { name: 'worker', destination: options.logDestination });
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    logger: new PinoNestLogger(logger),
  });
  app.enableShutdownHooks();
  await app.init();
  return app;
}
