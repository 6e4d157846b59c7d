/**
 * The morning's mail registered at once on the real dev server, configured as `npm start` configures
 * it (core/dev-server.ts): the year's one register workflow admits every clerk's 登记 on its first
 * try. The server's default admits 10 updates in flight on a workflow and refuses the rest with
 * RESOURCE_EXHAUSTED, which the SDK's client retries from 1 s on; this client does not retry, so a
 * refusal fails the test.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { registerUpdates } from '../../api/register';
import {
  formatReceiptNumber,
  incomingRegisterWorkflowId,
  registerIncomingUpdate,
} from '../../workflows/definitions';
import { DEFAULT_POLICY } from '../../workflows/policy';
import type { IncomingDocument } from '../../workflows/types';
import { people } from '../helpers/seed-case';
import { SEED_DIRECTIVE, startStack, type Stack } from '../helpers/stack';
import { startDevServer, workflowBundle } from '../helpers/temporal';

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
  // As the API registers: the running register takes it, or the year's first starts it.
  const onRegister = registerUpdates(stack.database.db, client, stack.taskQueue);
  const register = (document: IncomingDocument) =>
    onRegister(2017, registerIncomingUpdate, {
      args: [{ document, registeredBy: people.clerk, policy: DEFAULT_POLICY }],
      updateId: randomUUID(),
    });
  const first = await register(SEED_DIRECTIVE);
  expect(first.receiptNumber).toBe('201700001');

  const mail: IncomingDocument[] = Array.from({ length: 39 }, (_, i) => ({
    ...SEED_DIRECTIVE,
    sourceOrg: '广东省人民政府',
    docNumber: `粤府函〔2017〕${i + 1}号`,
    title: `关于做好 2017 年第 ${i + 1} 项工作的函`,
  }));
  const registered = await Promise.allSettled(mail.map(register));
  const refused = registered.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
  expect(refused).toEqual([]);
  const numbers = registered.flatMap((r) => (r.status === 'fulfilled' ? [r.value.receiptNumber] : []));
  expect(numbers.sort()).toEqual(Array.from({ length: 39 }, (_, i) => formatReceiptNumber(2017, i + 2)));
  expect(await stack.database.db.directive.count({ where: { receiptYear: 2017 } })).toBe(40);

  // A worker that lost its cache replays the register's history as the server wrote it, with the
  // answers and the directives' start commands in the order they left in.
  const history = await client.workflow.getHandle(incomingRegisterWorkflowId(2017)).fetchHistory();
  await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history);
});
