/**
 * The morning's mail registered at once on the real dev server, configured as `npm start` configures
 * it (core/dev-server.ts): the year's one register workflow admits every clerk's 登记 on its first
 * try. The server's default admits 10 updates in flight on a workflow and refuses the rest with
 * RESOURCE_EXHAUSTED, which the SDK's client retries from 1 s on; this client does not retry, so a
 * refusal fails the test.
 */
import { Client, Connection, WithStartWorkflowOperation } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { incomingRegisterWorkflowId, registerIncomingUpdate } from '../../workflows/definitions';
import { incomingRegisterWorkflow } from '../../workflows/incoming-register';
import { DEFAULT_POLICY } from '../../workflows/policy';
import type { IncomingDocument } from '../../workflows/types';
import { people } from '../helpers/seed-case';
import { SEED_DIRECTIVE, startStack, type Stack } from '../helpers/stack';
import { startDevServer } from '../helpers/temporal';

jest.setTimeout(120_000);

let env: TestWorkflowEnvironment;
let stack: Stack;
let connection: Connection;

beforeAll(async () => {
  env = await startDevServer();
  stack = await startStack(env);
  // No retry interceptor: a refused update is an error here, not a wait.
  connection = await Connection.connect({ address: env.address, interceptors: [] });
});

afterAll(async () => {
  await connection?.close();
  await stack?.stop();
  await env?.teardown();
});

test('40 documents registered at once on 2017-01-03 are all admitted at first and numbered 201700001–201700040', async () => {
  const client = new Client({ connection, namespace: env.namespace ?? 'default' });
  const register = new WithStartWorkflowOperation(incomingRegisterWorkflow, {
    workflowId: incomingRegisterWorkflowId(2017),
    taskQueue: stack.taskQueue,
    workflowIdConflictPolicy: 'USE_EXISTING',
    args: [{ year: 2017, lastSequence: 0 }],
  });
  const first = await client.workflow.executeUpdateWithStart(registerIncomingUpdate, {
    args: [{ document: SEED_DIRECTIVE, registeredBy: people.clerk, policy: DEFAULT_POLICY }],
    startWorkflowOperation: register,
  });
  expect(first.receiptNumber).toBe('201700001');

  const mail: IncomingDocument[] = Array.from({ length: 39 }, (_, i) => ({
    ...SEED_DIRECTIVE,
    sourceOrg: '广东省人民政府',
    docNumber: `粤府函〔2017〕${i + 1}号`,
    title: `关于做好 2017 年第 ${i + 1} 项工作的函`,
  }));
  const handle = client.workflow.getHandle(incomingRegisterWorkflowId(2017));
  const registered = await Promise.allSettled(
    mail.map((document) =>
      handle.executeUpdate(registerIncomingUpdate, {
        args: [{ document, registeredBy: people.clerk, policy: DEFAULT_POLICY }],
      }),
    ),
  );
  const refused = registered.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
  expect(refused).toEqual([]);
  const numbers = registered.flatMap((r) => (r.status === 'fulfilled' ? [r.value.receiptNumber] : []));
  expect(numbers.sort()).toEqual(
    Array.from({ length: 39 }, (_, i) => `2017${String(i + 2).padStart(5, '0')}`),
  );
  expect(await stack.database.db.directive.count({ where: { receiptYear: 2017 } })).toBe(40);
});
