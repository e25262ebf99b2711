// Checks shared by `npm start` and `npm test`, written with Node built-ins only so they run before `npm ci`.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

/** Installs dependencies when node_modules is missing or older than package-lock.json. */
export function ensureDependencies() {
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  console.log('Installing dependencies (npm ci)…');
  if (run('npm', ['ci', '--no-audit', '--no-fund']) !== 0) {
    console.error('npm ci failed; see the output above.');
    process.exit(1);
  }
}

function reachable(host, port, timeoutMs = 1500) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

const HOW_TO_START = {
  PostgreSQL: [
    'sudo systemctl start postgresql   (or: pg_ctlcluster --skip-systemctl-redirect <version> main start)',
    'docker compose -f docker/compose.yml up -d postgres',
  ],
  Redis: [
    'sudo systemctl start redis-server   (or: redis-server --daemonize yes --bind 127.0.0.1 --port 6379)',
    'docker compose -f docker/compose.yml up -d redis',
  ],
};

/** Exits with a message naming whichever of PostgreSQL and Redis does not answer, and how to start it. */
export async function ensureServices(env = process.env) {
  const pg = new URL(env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/vigil');
  const redis = new URL(env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const services = [
    { name: 'PostgreSQL', host: pg.hostname, port: Number(pg.port || 5432), variable: 'DATABASE_URL' },
    { name: 'Redis', host: redis.hostname, port: Number(redis.port || 6379), variable: 'REDIS_URL' },
  ];
  const down = [];
  for (const service of services) {
    if (!(await reachable(service.host, service.port))) down.push(service);
  }
  if (down.length === 0) return;
  for (const service of down) {
    console.error(`\n${service.name} is not answering at ${service.host}:${service.port} (${service.variable}).`);
    console.error('Start it with one of:');
    for (const how of HOW_TO_START[service.name]) console.error(`  ${how}`);
  }
  process.exit(1);
}
