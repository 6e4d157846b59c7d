/** Builds the Duban worker: the workflow bundle plus activities wired to the database. */
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';

export interface DubanWorkerOptions extends ActivityDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** A prebuilt bundle (tests bundle once per file); otherwise the worker bundles workflows/ itself. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  identity?: string;
  /** Payload codecs (encryption: core/temporal.ts temporalDataConverter); the clients' must match. */
  dataConverter?: WorkerOptions['dataConverter'];
}

export const workflowsPath = require.resolve('../workflows');

export function createDubanWorker(opts: DubanWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    ...(opts.identity ? { identity: opts.identity } : {}),
    ...(opts.dataConverter ? { dataConverter: opts.dataConverter } : {}),
    // The configured e-mail and webhook channels (worker/index.ts); none in most tests.
    activities: createActivities({ db: opts.db, noticeChannels: opts.noticeChannels }),
    ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath }),
  });
}
