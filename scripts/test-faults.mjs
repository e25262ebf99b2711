// `npm run test:faults`: builds the apps when needed, then runs the fault suite (test/faults/run.mjs) against them,
// on its own PostgreSQL cluster and redis-server (the machine's services are not needed, nor touched).
import { ensureBuilt } from './lib/build.mjs';
import { ensureDependencies } from './lib/preflight.mjs';

ensureDependencies();
ensureBuilt('the fault suite');
const { main } = await import('../test/faults/run.mjs');
process.exit(await main(process.argv.slice(2)));
