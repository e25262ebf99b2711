// Jest global setup of the browser project: the browser tests drive the built console as the API serves it, so it is
// built first (a second or two; Vite writes dist/console).
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export default function buildConsole(): void {
  const result = spawnSync('npm', ['run', '-s', 'build:console'], {
    cwd: path.resolve(__dirname, '../..'),
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('building the console failed (npm run build:console)');
}
