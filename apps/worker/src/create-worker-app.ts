import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { enabledLogLevels, VigilConfig } from '@vigil/config';
import { WorkerModule } from './worker.module';

/** The worker: BullMQ processors in an HTTP-less Nest application context. */
export async function createWorkerApp(config: VigilConfig): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), {
    logger: enabledLogLevels(config.logLevel),
  });
  app.enableShutdownHooks();
  await app.init();
  return app;
}
