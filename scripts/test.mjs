// `npm test`: install what is missing, check PostgreSQL and Redis, type-check, run every Jest suite (unit,
// integration, e2e, browser), then the fault suite (`npm run test:faults`: its own PostgreSQL and Redis) — every test,
// as API.md's operations contract says. Extra arguments go to Jest alone, e.g. `npm test -- test/e2e/intake.e2e-spec.ts`.
import { ensureDependencies, ensureServices, run } from './lib/preflight.mjs';

ensureDependencies();
await ensureServices();
const jestArgs = process.argv.slice(2);
if (jestArgs.length === 0) {
  console.log('Type-checking…');
  if (run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']) !== 0) process.exit(1);
  if (run('npx', ['tsc', '-p', 'apps/console/tsconfig.json']) !== 0) process.exit(1);
}
// --forceExit: a handle a test leaks (a BullMQ worker closing while it reconnects to a restarted Redis has been seen
// never to return) must not keep the run, and CI, waiting after every test has finished; Jest still names it.
const jest = run('npx', ['jest', ...(jestArgs.length === 0 ? ['--forceExit'] : []), ...jestArgs]);
if (jest !== 0 || jestArgs.length > 0) process.exit(jest);
console.log('\nThe fault suite (npm run test:faults)…');
process.exit(run('node', ['scripts/test-faults.mjs']));
