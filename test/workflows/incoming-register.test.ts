/**
 * 收文登记 on the time-skipping server: the register hands out gapless 收文编号 and opens each
 * directive's workflow, with the projection written before the clerk hears the number.
 */
import { SEED_MORNING, directiveStarted } from '../helpers/seed-case';
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation, WorkflowUpdateFailedError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import {
  continueNumberingUpdate,
  directiveWorkflowId,
  getDirectiveStateQuery,
  incomingRegisterWorkflowId,
  registerIncomingUpdate,
} from '../../workflows/definitions';
import { incomingRegisterWorkflow } from '../../workflows/incoming-register';
import { DEFAULT_POLICY } from '../../workflows/policy';
import type {
  ContinueNumberingRequest,
  IncomingDocument,
  RegisterIncomingRequest,
} from '../../workflows/types';
import { SEED_DIRECTIVE, startStack, type Stack } from '../helpers/stack';
import { startTimeSkippingServer, workflowBundle } from '../helpers/temporal';

const clerk = { userId: 'u-huangweiyan', displayName: '黄炜演' };
const seedDocument: IncomingDocument = { ...SEED_DIRECTIVE };

let env: TestWorkflowEnvironment;
let stack: Stack;

beforeAll(async () => {
  // The office's clock stands at the seed's day of registration, 2017-01-03, 09:00 China Standard Time.
  env = await startTimeSkippingServer({ startAt: SEED_MORNING });
  stack = await startStack(env);
});

afterAll(async () => {
  await stack?.stop();
  await env?.teardown();
});

/** Registers through the year's register, opening it (from lastSequence) if it is not running yet. */
function register(
  year: number,
  request: Omit<RegisterIncomingRequest, 'policy'>,
  opts: { lastSequence?: number; updateId?: string } = {},
) {
  return env.client.workflow.executeUpdateWithStart(registerIncomingUpdate, {
    args: [{ ...request, policy: DEFAULT_POLICY }],
    updateId: opts.updateId,
    startWorkflowOperation: new WithStartWorkflowOperation(incomingRegisterWorkflow, {
      workflowId: incomingRegisterWorkflowId(year),
      taskQueue: stack.taskQueue,
      workflowIdConflictPolicy: 'USE_EXISTING',
      args: [{ year, lastSequence: opts.lastSequence ?? 0 }],
    }),
  });
}

test('a register opened after 83 paper entries gives the seed directive 收文编号 201700084 and records it', async () => {
  const registration = await register(
    2017,
    { document: seedDocument, registeredBy: clerk },
    { lastSequence: 83 },
  );

  expect(registration).toEqual({
    receiptNumber: '201700084',
    workflowId: 'directive-201700084',
    handlingNumber: '发改 0001',
  });
  const row = await stack.database.db.directive.findUniqueOrThrow({
    where: { receiptNumber: '201700084' },
    include: { timeline: true },
  });
  expect(row).toMatchObject({
    sourceOrg: '国务院',
    docNumber: '国发〔2016〕76号',
    receivedDate: '2017-01-03',
    status: 'REGISTERED',
    registeredById: 'u-huangweiyan',
  });
  expect(row.registeredAt.toISOString()).toMatch(/^2017-01-03T01:/); // 09:xx CST
  // Registered without a separate 签收: signed for in the same moment.
  expect(row.timeline).toEqual([
    expect.objectContaining({ seq: 1, action: '签收', comment: '1 份', actorId: 'u-huangweiyan' }),
    expect.objectContaining({ seq: 2, action: '收文登记', toState: 'REGISTERED', actorId: 'u-huangweiyan' }),
  ]);
  expect(row.signedForAt).toEqual(row.registeredAt);
  await directiveStarted(env.client, '201700084');
  const state = await env.client.workflow
    .getHandle(directiveWorkflowId('201700084'))
    .query(getDirectiveStateQuery);
  expect(state).toMatchObject({ receiptNumber: '201700084', status: 'REGISTERED' });
});

test('concurrent registrations get distinct numbers with no gap', async () => {
  const docs = Array.from({ length: 6 }, (_, i) => ({
    ...seedDocument,
    docNumber: `粤府〔2016〕${i + 1}号`,
    sourceOrg: '广东省人民政府',
    receivedDate: '2016-03-0' + (i + 1),
  }));
  const numbers = await Promise.all(
    docs.map((document) => register(2016, { document, registeredBy: clerk })),
  );
  expect(numbers.map((n) => n.receiptNumber).sort()).toEqual([
    '201600001',
    '201600002',
    '201600003',
    '201600004',
    '201600005',
    '201600006',
  ]);
  expect(await stack.database.db.directive.count({ where: { receiptYear: 2016 } })).toBe(6);
});

test('登记 is answered in the workflow task that asks for the directive’s start, not in a task after it', async () => {
  const { receiptNumber } = await register(2009, {
    document: { ...seedDocument, receivedDate: '2009-06-01' },
    registeredBy: clerk,
  });
  const theRegister = env.client.workflow.getHandle(incomingRegisterWorkflowId(2009));
  const { events } = await theRegister.fetchHistory();
  const types = events!.map((e) => temporal.api.enums.v1.EventType[e.eventType!]);
  /** The workflow task an event was written in: the last one completed before it. */
  const taskOf = (type: string) =>
    types.lastIndexOf('EVENT_TYPE_WORKFLOW_TASK_COMPLETED', types.indexOf(type));
  expect(types).toContain('EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED');
  expect(types).toContain('EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED');
  expect(taskOf('EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED')).toBe(
    taskOf('EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED'),
  );
  // The start follows on the server; a step sent at once waits for it as the API does.
  const directive = env.client.workflow.getHandle(directiveWorkflowId(receiptNumber));
  await directiveStarted(env.client, receiptNumber);
  expect((await directive.describe()).status.name).toBe('RUNNING');
  // A worker that lost its cache replays the register's history as it was written.
  await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, await theRegister.fetchHistory());
});

test('an invalid registration is refused by the validator and uses no number', async () => {
  const bad = { ...seedDocument, docNumber: '国发2015-1', receivedDate: '2015-02-30' };
  const refusal = register(2015, { document: bad, registeredBy: clerk });
  await expect(refusal).rejects.toThrow(WorkflowUpdateFailedError);
  await expect(refusal).rejects.toMatchObject({
    cause: {
      type: 'InvalidInput',
      details: [
        [expect.objectContaining({ field: 'docNumber' }), expect.objectContaining({ field: 'receivedDate' })],
      ],
    },
  });
  expect(await stack.database.db.directive.count({ where: { receiptYear: 2015 } })).toBe(0);

  const next = await register(2015, {
    document: { ...seedDocument, receivedDate: '2015-02-28' },
    registeredBy: clerk,
  });
  expect(next.receiptNumber).toBe('201500001');
});

test('a document received in another year is refused by this year’s register', async () => {
  await expect(
    register(2014, { document: { ...seedDocument, receivedDate: '2013-12-30' }, registeredBy: clerk }),
  ).rejects.toMatchObject({ cause: { message: expect.stringContaining('不在本登记簿的年度 2014 年内') } });
});

test('a 收文日期 after today (by the office’s clock, 2017-01-03) is refused', async () => {
  await expect(
    register(2017, { document: { ...seedDocument, receivedDate: '2017-01-04' }, registeredBy: clerk }),
  ).rejects.toMatchObject({ cause: { message: expect.stringContaining('收文日期不能晚于今天') } });
});

test('a retried registration with the same update id returns the first number instead of a second', async () => {
  const updateId = randomUUID();
  const request = { document: { ...seedDocument, receivedDate: '2012-05-06' }, registeredBy: clerk };
  const first = await register(2012, request, { updateId });
  const retry = await register(2012, request, { updateId });
  expect(retry).toEqual(first);
  expect(await stack.database.db.directive.count({ where: { receiptYear: 2012 } })).toBe(1);
});

test('ten days of workflow time pass in seconds and the registered directive keeps waiting for 拟办', async () => {
  const { receiptNumber } = await register(2011, {
    document: { ...seedDocument, receivedDate: '2011-01-03' },
    registeredBy: clerk,
  });
  const before = await env.currentTimeMs();
  const wallStart = Date.now();
  await env.sleep('10 days');
  expect((await env.currentTimeMs()) - before).toBeGreaterThanOrEqual(10 * 24 * 3600_000);
  expect(Date.now() - wallStart).toBeLessThan(30_000);
  expect(new Date(await env.currentTimeMs()).toISOString()).toMatch(/^2017-01-13/);
  const handle = env.client.workflow.getHandle(directiveWorkflowId(receiptNumber));
  expect((await handle.describe()).status.name).toBe('RUNNING');
  expect(await handle.query(getDirectiveStateQuery)).toMatchObject({ status: 'REGISTERED' });
});

test('a second registration of the same 文号 from the same 来文单位 is refused with a pointer to the first', async () => {
  const refusal = register(2017, { document: seedDocument, registeredBy: clerk });
  await expect(refusal).rejects.toMatchObject({
    cause: {
      type: 'Duplicate',
      message: '国务院 国发〔2016〕76号 已登记，收文编号 201700084',
      details: [[{ field: 'docNumber', reason: '该文号已登记，收文编号 201700084' }], '201700084'],
    },
  });
  expect(
    await stack.database.db.directive.count({ where: { docNumber: '国发〔2016〕76号', receiptYear: 2017 } }),
  ).toBe(1);
  // The same 文号 from another organ is another document.
  const other = await register(2017, {
    document: { ...seedDocument, sourceOrg: '国务院办公厅' },
    registeredBy: clerk,
  });
  expect(other.receiptNumber).toBe('201700085');
});

test('启用编号 is the administrator’s, typed, and never goes back over a number issued', async () => {
  const handle = env.client.workflow.getHandle(incomingRegisterWorkflowId(2017));
  const admin = { userId: 'u-admin', displayName: '系统管理员', roles: ['ADMIN'], departmentCode: 'GDBGT' };
  const continueFrom = (request: Omit<ContinueNumberingRequest, 'by'>, by = admin) =>
    handle.executeUpdate(continueNumberingUpdate, { args: [{ ...request, by }] });

  await expect(
    continueFrom({ lastSequence: 90 }, { ...clerk, roles: ['CLERK'], departmentCode: 'GDBGT-ZH1' }),
  ).rejects.toMatchObject({
    cause: { type: 'NotYours' },
  });
  await expect(continueFrom({ lastSequence: '90' as never })).rejects.toMatchObject({
    cause: { type: 'InvalidInput', details: [[{ field: 'lastSequence', reason: expect.any(String) }]] },
  });
  await expect(continueFrom({ lastSequence: 84 })).rejects.toMatchObject({ cause: { type: 'NotNow' } });
  expect(await continueFrom({ lastSequence: 99, lastHandlingSequences: { 发改: 30 } })).toEqual({
    year: 2017,
    lastSequence: 99,
    lastHandlingSequences: { 发改: 30 },
  });
  const next = await register(2017, {
    document: { ...seedDocument, docNumber: '国发〔2016〕81号' },
    registeredBy: clerk,
  });
  expect(next).toMatchObject({ receiptNumber: '201700100', handlingNumber: '发改 0031' });
});
