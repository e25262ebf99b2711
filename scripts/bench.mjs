// `npm run bench`: builds the apps when dist/ is missing or older than the sources, then runs the benchmark harness
// (test/bench/run.mjs) against the built API and worker. `npm run bench -- --quick` for the small run; the options
// are listed in test/bench/run.mjs. `--no-build` skips the build check.
import { ensureBuilt } from './lib/build.mjs';
import { ensureDependencies, ensureServices } from './lib/preflight.mjs';

const args = process.argv.slice(2);
ensureDependencies();
await ensureServices();
if (!args.includes('--no-build')) ensureBuilt('the benchmark');

const { main } = await import('../test/bench/run.mjs');
process.exit(await main(args));
