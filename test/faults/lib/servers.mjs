// The fault suite's own PostgreSQL cluster and redis-server, in a temporary directory on their own ports, so that a
// scenario can crash them without touching the machine's services. Both are removed by destroy().
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { sleep } from '../../bench/lib/stats.mjs';

const asRoot = process.getuid?.() === 0;

/** A PostgreSQL program: from PATH, else the newest /usr/lib/postgresql/<version>/bin. */
function pgProgram(name) {
  if (spawnSync('which', [name]).status === 0) return name;
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base) ? readdirSync(base).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) {
    const candidate = path.join(base, version, 'bin', name);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${name} not found: install PostgreSQL's server programs`);
}

/** PostgreSQL refuses to run as root: as root, its programs run as the postgres user. */
function runPg(program, args) {
  const [command, fullArgs] = asRoot
    ? ['runuser', ['-u', 'postgres', '--', pgProgram(program), ...args]]
    : [pgProgram(program), args];
  const result = spawnSync(command, fullArgs, { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${program} ${args.join(' ')} failed: ${result.stderr || result.stdout || result.error}`);
  }
}

export class PrivatePostgres {
  constructor({ dir, port }) {
    this.dir = path.join(dir, 'postgres');
    this.data = path.join(this.dir, 'data');
    this.port = port;
    this.url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  }

  init() {
    mkdirSync(this.dir, { recursive: true });
    if (asRoot) {
      const { stdout } = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
      const { stdout: gid } = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
      chownSync(this.dir, Number(stdout), Number(gid));
    }
    runPg('initdb', ['-D', this.data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  }

  start() {
    // The socket in the cluster's own directory; fsync off: the scenarios crash PostgreSQL, never the machine.
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
    runPg('pg_ctl', ['-D', this.data, '-o', options, '-l', path.join(this.dir, 'server.log'), '-w', 'start']);
  }

  /** A crash as far as clients can tell: every backend killed, recovery from the WAL at the next start. */
  crash() {
    runPg('pg_ctl', ['-D', this.data, '-m', 'immediate', '-w', 'stop']);
  }

  stop() {
    try {
      runPg('pg_ctl', ['-D', this.data, '-m', 'fast', '-w', 'stop']);
    } catch {
      // not running
    }
  }
}

export class PrivateRedis {
  constructor({ dir, port }) {
    this.dir = path.join(dir, 'redis');
    this.port = port;
    this.url = `redis://127.0.0.1:${port}`;
    this.child = null;
  }

  /** Starts redis-server, with or without the append-only file (AOF, fsync every second), never evicting. */
  async start({ appendonly }) {
    mkdirSync(this.dir, { recursive: true });
    this.appendonly = appendonly;
    this.child = spawn(
      'redis-server',
      [
        '--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '',
        '--appendonly', appendonly ? 'yes' : 'no', '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction',
        '--logfile', path.join(this.dir, 'server.log'),
      ],
      { stdio: 'ignore' },
    );
    const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      for (let attempt = 0; attempt < 100; attempt++) {
        try {
          await probe.connect();
          await probe.ping();
          // Loading the AOF answers LOADING errors first.
          return;
        } catch {
          probe.disconnect();
          await sleep(100);
        }
      }
      throw new Error(`redis-server did not start on port ${this.port}`);
    } finally {
      probe.disconnect();
    }
  }

  async kill(signal = 'SIGKILL') {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }

  signal(signal) {
    this.child?.kill(signal);
  }

  /** Drops the files, so the next start is empty whatever the last one wrote. */
  wipe() {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
}
