import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from '@vigil/config';
import { createApiApp } from './http/create-api-app';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApiApp(config);
  await app.listen({ port: config.port, host: config.host });
  Logger.log(`Vigil API listening on ${await app.getUrl()} (docs at /docs)`, 'Main');
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
  else process.stderr.write(`Vigil API failed to start: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
