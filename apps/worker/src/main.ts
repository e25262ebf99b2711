import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from '@vigil/config';
import { loadLanguageDetector } from '@vigil/domain';
import { createWorkerApp } from './create-worker-app';
import { lowerPriority } from './niceness';

async function main(): Promise<void> {
  const config = loadConfig();
  // Background work yields the CPU to the API's requests when they share a host (docs/decisions.md).
  const lowered = config.workerNice > 0 ? lowerPriority(config.workerNice) : 0;
  loadLanguageDetector();
  await createWorkerApp(config);
  // Logged once the app exists, so that these lines are in the app's log format too.
  if (config.workerNice > 0) {
    Logger.log(`${lowered} worker thread(s) at niceness ${config.workerNice}: the API's requests go first`, 'Main');
  }
  Logger.log(`Vigil worker running (queue prefix "${config.queuePrefix}")`, 'Main');
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
  else process.stderr.write(`Vigil worker failed to start: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
