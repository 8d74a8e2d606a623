// Preloaded into each server process by BENCH_CLUSTER_PROFILE=<dir> (NODE_OPTIONS=--import; Node
// refuses --cpu-prof there): a V8 CPU profile of the whole run, written when the process exits.
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const session = new Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.setSamplingInterval', { interval: 500 });
session.post('Profiler.start');
process.on('exit', () => {
  // A session on the process's own thread answers synchronously, so this runs before the exit.
  session.post('Profiler.stop', (error, result) => {
    if (!error)
      writeFileSync(
        join(process.env.BENCH_CLUSTER_PROFILE, `server-${process.pid}.cpuprofile`),
        JSON.stringify(result.profile),
      );
  });
});
