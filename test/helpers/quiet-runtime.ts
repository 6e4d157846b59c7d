/** Temporal's worker logs at INFO by default; tests keep only warnings and errors. */
import { DefaultLogger, Runtime } from '@temporalio/worker';

Runtime.install({ logger: new DefaultLogger('WARN') });
