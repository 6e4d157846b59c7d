/** Builds the Duban worker: the workflow bundle plus activities wired to the database. */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import type { WorkerTuning } from '../core/config';
import { ROOT } from '../core/paths';
import {
  NOTICE_OUTBOX_WORKFLOW_ID,
  noticeOutboxWorkflow,
  type NoticeOutboxInput,
} from '../workflows/notice-outbox';

export interface DubanWorkerOptions extends ActivityDeps {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  /** A prebuilt bundle (tests bundle once per file); otherwise the worker bundles workflows/ itself. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  identity?: string;
  /** Payload codecs (encryption: core/temporal.ts temporalDataConverter); the clients' must match. */
  dataConverter?: WorkerOptions['dataConverter'];
  /**
   * The WORKER_* settings (core/config.ts). Unset, the SDK's own: a cache sized from the heap, V8's
   * 10 frames, a sticky timeout of 10 s, one workflow thread.
   */
  tuning?: Partial<WorkerTuning>;
}

export function createDubanWorker(opts: DubanWorkerOptions): Promise<Worker> {
  return withStackFrames(opts.tuning?.stackFrames ?? processStackFrames, () => makeWorker(opts));
}

function makeWorker(opts: DubanWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    ...(opts.identity ? { identity: opts.identity } : {}),
    ...(opts.dataConverter ? { dataConverter: opts.dataConverter } : {}),
    ...sdkTuning(opts.tuning ?? {}),
    // The configured e-mail and webhook channels (worker/index.ts); none in most tests.
    activities: createActivities({ db: opts.db, noticeChannels: opts.noticeChannels }),
    // Built once (npm start runs npm run build), or bundled here from the sources (development).
    ...(opts.workflowBundle
      ? { workflowBundle: opts.workflowBundle }
      : { workflowsPath: path.join(ROOT, 'workflows', 'index.ts') }),
  });
}

/** The tuning as the SDK's worker options; what is unset stays the SDK's. */
function sdkTuning(t: Partial<WorkerTuning>): Partial<WorkerOptions> {
  return {
    ...(t.cachedWorkflows === undefined ? {} : { maxCachedWorkflows: t.cachedWorkflows }),
    ...(t.stickyTimeoutSeconds === undefined
      ? {}
      : { stickyQueueScheduleToStartTimeout: `${t.stickyTimeoutSeconds}s` }),
    ...(t.workflowThreads === undefined ? {} : { workflowThreadPoolSize: t.workflowThreads }),
  };
}

/**
 * The SDK's promise hook takes a source-mapped stack trace of every promise workflow code creates.
 * The workflow sandbox's Error is frozen, so its `stackTraceLimit` is V8's flag at the moment the
 * sandbox is made, which is while the worker is created (its threads' contexts): the flag is set
 * for that moment and put back, so no other context in the process (the API's, a test's) changes.
 * Workers made at once in one process take their turns, each with its own frames.
 */
const processStackFrames = vm.runInNewContext('Error.stackTraceLimit') as number;
let creatingWorker: Promise<unknown> = Promise.resolve();

function withStackFrames<T>(frames: number, make: () => Promise<T>): Promise<T> {
  const created = creatingWorker.then(async () => {
    v8.setFlagsFromString(`--stack-trace-limit=${frames}`);
    try {
      return await make();
    } finally {
      v8.setFlagsFromString(`--stack-trace-limit=${processStackFrames}`);
    }
  });
  creatingWorker = created.catch(() => undefined);
  return created;
}

/**
 * Starts the notice outbox's workflow (workflows/notice-outbox.ts), which sends the queued e-mail
 * and webhook deliveries, or finds it running: one per deployment, however many workers start.
 */
export async function startNoticeOutbox(
  client: Client,
  opts: NoticeOutboxInput & { taskQueue: string; workflowId?: string },
): Promise<void> {
  const { taskQueue, workflowId = NOTICE_OUTBOX_WORKFLOW_ID, ...input } = opts;
  try {
    await client.workflow.start(noticeOutboxWorkflow, {
      workflowId,
      taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}
