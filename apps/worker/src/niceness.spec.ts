import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModuleKind, transpileModule } from 'typescript';

// Niceness cannot be raised back without privileges, so lowerPriority runs in a child process (compiled from this
// directory's source), which reports what it returned and every one of its threads' niceness.
const CHILD = `
const { readdirSync, readFileSync } = require('node:fs');
const { Worker } = require('node:worker_threads');
const { lowerPriority } = require('./niceness.js');
// A thread's niceness is field 19 of its stat line; the command name (field 2) may hold spaces, so count after ')'.
const niceOf = (task) =>
  Number(readFileSync('/proc/self/task/' + task + '/stat', 'utf8').split(') ')[1].split(' ')[16]);
const threads = () => readdirSync('/proc/self/task').map(niceOf);
const before = threads();
const first = lowerPriority(7);
const again = lowerPriority(3);
const worker = new Worker('setInterval(() => {}, 1000)', { eval: true });
worker.on('online', () => {
  console.log(JSON.stringify({ before, first, again, after: threads() }));
  worker.terminate();
});
`;

// Linux only, as the worker's images are (/proc).
describe('lowerPriority', () => {
  it('lowers every thread, those started later included, and never raises one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-niceness-'));
    try {
      const source = readFileSync(join(__dirname, 'niceness.ts'), 'utf8');
      const compiled = transpileModule(source, { compilerOptions: { module: ModuleKind.CommonJS } });
      writeFileSync(join(dir, 'niceness.js'), compiled.outputText);
      writeFileSync(join(dir, 'child.js'), CHILD);
      const report = JSON.parse(execFileSync(process.execPath, ['child.js'], { cwd: dir, encoding: 'utf8' })) as {
        before: number[];
        first: number;
        again: number;
        after: number[];
      };
      expect(report.before.length).toBeGreaterThan(1); // Node starts V8's and libuv's threads before any code
      expect(report.before.every((nice) => nice < 7)).toBe(true);
      expect(report.first).toBe(report.before.length);
      expect(report.again).toBe(0);
      // The worker thread started afterwards is among them (one more thread at least), at the same niceness.
      expect(report.after.length).toBeGreaterThan(report.before.length);
      expect(report.after.every((nice) => nice === 7)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
