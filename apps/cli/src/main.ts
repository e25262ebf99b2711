import 'reflect-metadata';
import { ConfigError, loadConfig } from '@vigil/config';
import { runCli } from './cli';

runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  // A getter: process.stdin is opened only by a command that reads it (--password-stdin).
  get stdin() {
    return process.stdin;
  },
  config: () => loadConfig(),
})
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    process.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `${String(error)}\n`);
    process.exitCode = 1;
  });
