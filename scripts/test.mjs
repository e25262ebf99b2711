// `npm test`: install what is missing, check PostgreSQL and Redis, type-check, then run every Jest suite
// (unit, integration, e2e). Extra arguments go to Jest, e.g. `npm test -- test/e2e/intake.e2e-spec.ts`.
import { ensureDependencies, ensureServices, run } from './lib/preflight.mjs';

ensureDependencies();
await ensureServices();
const jestArgs = process.argv.slice(2);
if (jestArgs.length === 0) {
  console.log('Type-checking…');
  if (run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']) !== 0) process.exit(1);
  if (run('npx', ['tsc', '-p', 'apps/console/tsconfig.json']) !== 0) process.exit(1);
}
process.exit(run('npx', ['jest', ...jestArgs]));
