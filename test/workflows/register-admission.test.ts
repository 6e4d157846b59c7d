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
  continueNumberingUpdate,
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

const admin = { userId: 'u-admin', displayName: '系统管理员', roles: ['ADMIN'], departmentCode: 'GDBGT' };

test('40 documents registered at once on 2017-01-03, 启用编号 among them: all admitted at first, numbered 201700001–201700040, and the history replays', async () => {
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
  // The administrator continues 督办's paper 办文编号 while the clerks register: the numbering's own
  // record lands in the workflow tasks that record registrations and ask for their directives.
  const continueNumbering = () =>
    onRegister(2017, continueNumberingUpdate, {
      args: [{ by: admin, lastHandlingSequences: { 督办: 8 } }],
      updateId: randomUUID(),
    });
  const [registered, numbered] = await Promise.all([
    Promise.allSettled(mail.map(register)),
    Promise.allSettled(Array.from({ length: 5 }, continueNumbering)),
  ]);
  const refused = [...registered, ...numbered].flatMap((r) =>
    r.status === 'rejected' ? [String((r.reason as Error).cause ?? r.reason)] : [],
  );
  expect(refused).toEqual([]);
  const numbers = registered.flatMap((r) => (r.status === 'fulfilled' ? [r.value.receiptNumber] : []));
  expect(numbers.sort()).toEqual(Array.from({ length: 39 }, (_, i) => formatReceiptNumber(2017, i + 2)));
  expect(await stack.database.db.directive.count({ where: { receiptYear: 2017 } })).toBe(40);
  const paper = await stack.database.db.registerNumbering.findMany({ where: { year: 2017 } });
  expect(paper).toEqual([expect.objectContaining({ series: '督办', lastSequence: 8 })]);

  // A worker that lost its cache replays the register's history as the server wrote it, with the
  // answers and the directives' start commands in the order they left in. With 启用编号's record
  // run beside a batch's, its answer fell among the batch's start commands by timing alone.
  const history = await client.workflow.getHandle(incomingRegisterWorkflowId(2017)).fetchHistory();
  await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history);
});
