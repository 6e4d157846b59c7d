/** API process (a service of its own in production): serves the HTTP API until SIGINT/SIGTERM. */
import { loadConfigOrExit } from '../core/config';
import { serveApi } from './serve';

serveApi(loadConfigOrExit()).then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
