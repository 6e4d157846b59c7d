/**
 * WORKER_STACK_FRAMES: the worker's workflow sandboxes take stack traces of that many frames (the
 * SDK's promise hook takes one for every promise a workflow creates, the cost growing with the
 * frames), and nothing else in the process changes: the API's and the tests' contexts keep V8's.
 */
import { randomUUID } from 'node:crypto';
import vm from 'node:vm';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { incomingRegisterWorkflowId } from '../../workflows/definitions';
import { incomingRegisterWorkflow } from '../../workflows/incoming-register';
import { createDubanWorker } from '../../worker/worker';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { SEED_MORNING } from '../helpers/seed-case';
import { startTimeSkippingServer, workflowBundle } from '../helpers/temporal';

let env: TestWorkflowEnvironment;
let database: TestDatabase;

beforeAll(async () => {
  env = await startTimeSkippingServer({ startAt: SEED_MORNING });
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.close();
  await env?.teardown();
});

/** The stack traces of a 2017 register waiting for its first 登记, each as its frames, on a worker of these frames. */
async function registerStacks(workflowStackFrames: number | undefined): Promise<string[][]> {
  const taskQueue = `duban-test-${randomUUID()}`;
  const worker: Worker = await createDubanWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    db: database.db,
    workflowBundle: await workflowBundle(),
    ...(workflowStackFrames === undefined ? {} : { tuning: { stackFrames: workflowStackFrames } }),
  });
  return worker.runUntil(async () => {
    const handle = await env.client.workflow.start(incomingRegisterWorkflow, {
      workflowId: `${incomingRegisterWorkflowId(2017)}-${taskQueue}`,
      taskQueue,
      args: [{ year: 2017, lastSequence: 0 }],
    });
    const trace = await handle.query<string>('__stack_trace');
    await handle.terminate('test over');
    return trace
      .split('\n\n')
      .filter((stack) => stack.trim())
      .map((stack) => stack.split('\n').filter((line) => /^\s+at /.test(line)));
  });
}

test('a worker given no frames takes stacks without them; the process keeps its own limit', async () => {
  const before = vm.runInNewContext('Error.stackTraceLimit') as number;
  const ours = Error.stackTraceLimit;
  const withV8Default = await registerStacks(undefined);
  const withNone = await registerStacks(0);

  // V8's default: the register's wait names where it waits, in incoming-register.ts.
  expect(
    withV8Default.flat().some((frame) => /incomingRegisterWorkflow .*incoming-register\.ts/.test(frame)),
  ).toBe(true);
  expect(withNone.flat()).toEqual([]);
  // The flag was the worker's for the moment it made its sandboxes, and is put back.
  expect(vm.runInNewContext('Error.stackTraceLimit')).toBe(before);
  expect(Error.stackTraceLimit).toBe(ours);
});
