/** Worker process (a service of its own in production): runs until SIGINT/SIGTERM. */
import { Runtime } from '@temporalio/worker';
import { loadConfigOrExit } from '../core/config';
import { runWorker } from './run';

// The SDK shuts the worker down gracefully on these signals; runWorker then resolves.
Runtime.install({ shutdownSignals: ['SIGINT', 'SIGTERM'] });
runWorker(loadConfigOrExit()).catch((err) => {
  console.error(err);
  process.exit(1);
});
