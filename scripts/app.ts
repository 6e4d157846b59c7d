/**
 * `npm start`'s one process for the worker and the API, on one machine: one Node runtime, not two,
 * keeps the idle stack within its memory budget (README "Performance", memory). Either one failing
 * ends the process, and the supervisor (scripts/start.ts) starts it again. In production they run
 * as services of their own (worker/index.ts, api/main.ts), each restarted alone.
 */
import { Runtime } from '@temporalio/worker';
import { serveApi } from '../api/serve';
import { loadConfigOrExit } from '../core/config';
import { runWorker } from '../worker/run';

// SIGINT/SIGTERM: the SDK drains the worker, and the API closes (its own handlers); then exit.
Runtime.install({ shutdownSignals: ['SIGINT', 'SIGTERM'] });
const config = loadConfigOrExit();
Promise.all([runWorker(config), serveApi(config)]).then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
