// Preloaded into the API and the worker by `npm run bench -- --profile` (node --require). Node's own --cpu-prof
// writes its file only on a normal exit, but Nest re-raises SIGTERM after its shutdown hooks; so this starts the
// V8 profiler through the inspector and writes the profile from a SIGTERM listener registered before Nest's.
// The in-thread inspector session answers synchronously, so the file is written before the process goes.
'use strict';
const inspector = require('node:inspector');
const fs = require('node:fs');
const path = require('node:path');

const file = process.env.BENCH_CPU_PROFILE;
if (file) {
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  let written = false;
  const write = () => {
    if (written) return;
    written = true;
    session.post('Profiler.stop', (error, result) => {
      if (!error) {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, JSON.stringify(result.profile));
      }
    });
  };
  process.prependListener('SIGTERM', write);
  process.on('exit', write);
}
