// `npm start`: the newcomer's quick start. Installs what is missing, checks PostgreSQL and Redis, builds, creates and
// migrates the database, then runs the API and the worker together with a development admin account.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureDependencies, ensureServices, root, run } from './lib/preflight.mjs';

ensureDependencies();
await ensureServices();

console.log('Building…');
if (run('npm', ['run', '-s', 'build']) !== 0) process.exit(1);

// As the Dockerfiles and `npm run start:*` run the apps (docs/decisions.md, "MALLOC_ARENA_MAX" and
// "MALLOC_MMAP_THRESHOLD_").
const env = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: '4194304',
  NODE_OPTIONS: '--max-old-space-size=176',
  ...process.env,
};
let credentials = null;
if (!env.BOOTSTRAP_ADMIN_EMAIL && env.NODE_ENV !== 'production') {
  // Development credentials, generated once and kept (git-ignored) so a restart prints the same ones.
  const file = path.join(root, '.vigil', 'dev-admin.json');
  if (existsSync(file)) credentials = JSON.parse(readFileSync(file, 'utf8'));
  else {
    credentials = { email: 'admin@vigil.local', password: randomBytes(12).toString('base64url') };
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  }
  env.BOOTSTRAP_ADMIN_EMAIL = credentials.email;
  env.BOOTSTRAP_ADMIN_PASSWORD = credentials.password;
}

console.log('Migrating the database…');
if (run('node', ['dist/libs/database/src/migrate.main.js'], { env }) !== 0) process.exit(1);

const children = [
  spawn('node', ['dist/apps/api/src/main.js'], { cwd: root, env, stdio: 'inherit' }),
  spawn('node', ['dist/apps/worker/src/main.js'], { cwd: root, env, stdio: 'inherit' }),
];
let stopping = false;
const stop = (code) => {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  setTimeout(() => process.exit(code), 10_000).unref();
};
for (const child of children) {
  child.on('exit', (code) => {
    if (!stopping) console.error(`A Vigil process exited (code ${code}); stopping the other.`);
    stop(code ?? 1);
    if (children.every((c) => c.exitCode !== null || c.signalCode !== null)) process.exit(code ?? 0);
  });
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

const base = `http://${env.HOST ?? '127.0.0.1'}:${env.PORT ?? '3000'}`;
// Print where to go once the API answers, so the lines are not lost in the start-up logs.
for (let waited = 0; waited < 60_000 && !stopping; waited += 500) {
  const ready = await fetch(`${base}/health/ready`).then((r) => r.ok, () => false);
  if (ready) break;
  await new Promise((resolve) => setTimeout(resolve, 500));
}
if (!stopping) {
  console.log(`\nVigil is running:\n  Console  ${base}/\n  API      ${base}\n  API docs ${base}/docs`);
  if (credentials) console.log(`  Admin    ${credentials.email} / ${credentials.password}   (development only; kept in .vigil/dev-admin.json)`);
  else console.log(`  Admin    ${env.BOOTSTRAP_ADMIN_EMAIL ?? '(an admin already exists, or set BOOTSTRAP_ADMIN_EMAIL)'}`);
  console.log('Press Ctrl+C to stop.\n');
}
