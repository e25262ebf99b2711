// Builds the apps when dist/ is missing or older than the sources: for the commands that run the BUILT apps
// (`npm run bench`, `npm run test:faults`).
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { root, run } from './preflight.mjs';

const BUILT = ['dist/apps/api/src/main.js', 'dist/apps/worker/src/main.js', 'dist/libs/database/src/migrate.main.js'];
const BUILD_INFO = 'dist/.tsbuildinfo-build'; // tsconfig.build.json "tsBuildInfoFile"

function newestSource() {
  let newest = 0;
  const visit = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(full).mtimeMs);
    }
  };
  for (const dir of ['apps', 'libs']) visit(path.join(root, dir));
  for (const file of ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json']) {
    newest = Math.max(newest, statSync(path.join(root, file)).mtimeMs);
  }
  return newest;
}

function buildIsStale() {
  if (!BUILT.every((file) => existsSync(path.join(root, file)))) return 'dist/ is missing';
  const info = path.join(root, BUILD_INFO);
  if (!existsSync(info)) return 'no build info in dist/';
  return newestSource() > statSync(info).mtimeMs ? 'sources changed since the last build' : null;
}

/** Builds when needed; exits the process when the build fails (`what` says what cannot start without it). */
export function ensureBuilt(what) {
  const stale = buildIsStale();
  if (!stale) return;
  console.error(`Building (${stale})…`);
  // tsc --incremental trusts its build info even when the outputs are gone; without outputs, start from scratch.
  if (!BUILT.every((file) => existsSync(path.join(root, file)))) rmSync(path.join(root, BUILD_INFO), { force: true });
  if (run('npm', ['run', '-s', 'build']) !== 0) {
    console.error(`The build failed; ${what} runs the built apps, so it cannot start.`);
    process.exit(1);
  }
}
