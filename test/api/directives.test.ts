/** The first slice through the HTTP API: a clerk registers the seed directive and reads it back. */
import { SEED_MORNING } from '../helpers/seed-case';
import request from 'supertest';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { incomingRegisterWorkflowId } from '../../workflows/definitions';
import { SEED_DIRECTIVE, signIn, startStack, type Stack } from '../helpers/stack';
import { startTimeSkippingServer } from '../helpers/temporal';

let env: TestWorkflowEnvironment;
let stack: Stack;
let clerk: string;

beforeAll(async () => {
  // 2017-01-03, 09:00 China Standard Time: the day 国发〔2016〕76号 was received and registered.
  env = await startTimeSkippingServer({ startAt: SEED_MORNING });
  stack = await startStack(env);
  clerk = await signIn(stack.app, 'huangweiyan');
});

afterAll(async () => {
  await stack?.stop();
  await env?.teardown();
});

const asClerk = () => ({ Authorization: `Bearer ${clerk}` });

test('bad input gets 400 naming each field and its reason, and starts nothing', async () => {
  const res = await request(stack.app)
    .post('/api/directives')
    .set(asClerk())
    .send({
      ...SEED_DIRECTIVE,
      docNumber: '国发2016年76号',
      receivedDate: '2017-02-29',
      urgency: '急',
      title: ' ',
    });
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('invalid_input');
  expect(res.body.error.fields).toEqual([
    { field: 'title', reason: '来文标题为必填项' },
    { field: 'docNumber', reason: '文号须形如 国发〔2016〕76号：发文机关代字、〔年份〕、序号、号' },
    { field: 'receivedDate', reason: '收文日期不是有效日期（YYYY-MM-DD）' },
    { field: 'urgency', reason: '紧急程度须为以下之一：特急、加急、平急' },
  ]);
  await expect(env.client.workflow.getHandle(incomingRegisterWorkflowId(2017)).describe()).rejects.toThrow(
    WorkflowNotFoundError,
  );
  expect(await stack.database.db.directive.count()).toBe(0);
});

test.each([
  ['a field the form does not have', { ...SEED_DIRECTIVE, receiptNumber: '201700084' }, 'receiptNumber'],
  ['a date in the future', { ...SEED_DIRECTIVE, receivedDate: '2999-01-01' }, 'receivedDate'],
  ['an unknown 密级', { ...SEED_DIRECTIVE, secrecy: '内部' }, 'secrecy'],
  ['a 文号 year that is not plausible', { ...SEED_DIRECTIVE, docNumber: '国发〔1016〕76号' }, 'docNumber'],
])('%s is refused with 400', async (_case, body, field) => {
  const res = await request(stack.app).post('/api/directives').set(asClerk()).send(body);
  expect(res.status).toBe(400);
  expect(res.body.error.fields.map((f: { field: string }) => f.field)).toEqual([field]);
});

test('malformed JSON gets 400, not 500', async () => {
  const res = await request(stack.app)
    .post('/api/directives')
    .set(asClerk())
    .set('Content-Type', 'application/json')
    .send('{"title": ');
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('invalid_json');
});

test('clerk 黄炜演 registers 国发〔2016〕76号 and reads it back, and its workflow’s state apart', async () => {
  const res = await request(stack.app)
    .post('/api/directives')
    .set(asClerk())
    .send({ ...SEED_DIRECTIVE, docNumber: '国发[2016]76号' });
  expect(res.status).toBe(201);
  expect(res.headers.location).toBe('/api/directives/201700001');
  expect(res.body.directive).toMatchObject({
    receiptNumber: '201700001',
    docNumber: '国发〔2016〕76号',
    status: 'REGISTERED',
    registeredById: 'u-huangweiyan',
  });
  expect(res.body.directive.registeredAt).toMatch(/^2017-01-03T01:/);

  const read = await request(stack.app).get('/api/directives/201700001').set(asClerk());
  expect(read.status).toBe(200);
  expect(read.body.directive).toMatchObject({
    receiptNumber: '201700001',
    sourceOrg: '国务院',
    title: '国务院关于加强政务诚信建设的指导意见',
    receivedDate: '2017-01-03',
    urgency: '平急',
    secrecy: '非密',
    status: 'REGISTERED',
  });
  expect(read.body.directive.timeline).toEqual([
    expect.objectContaining({ seq: 1, action: '签收', actorId: 'u-huangweiyan' }),
    expect.objectContaining({ seq: 2, action: '收文登记', actorId: 'u-huangweiyan', toState: 'REGISTERED' }),
  ]);
  // The detail is the database's; the engine's own state is asked for apart, by those who may read it.
  expect(read.body.workflow).toBeUndefined();
  const execution = await request(stack.app).get('/api/directives/201700001/execution').set(asClerk());
  expect(execution.body).toEqual({ workflowId: 'directive-201700001', executionStatus: 'RUNNING' });
  const outsider = await signIn(stack.app, 'czt-handler'); // 省财政厅: not yet dispatched to
  const refused = await request(stack.app)
    .get('/api/directives/201700001/execution')
    .set({ Authorization: `Bearer ${outsider}` });
  expect(refused.status).toBe(404);
});

test('the same Idempotency-Key twice registers once', async () => {
  const post = () =>
    request(stack.app)
      .post('/api/directives')
      .set(asClerk())
      .set('Idempotency-Key', 'retry-of-the-same-click')
      .send({ ...SEED_DIRECTIVE, docNumber: '国办发〔2016〕99号', sourceOrg: '国务院办公厅' });
  const first = await post();
  const second = await post();
  expect(first.status).toBe(201);
  expect(second.body.directive.receiptNumber).toBe(first.body.directive.receiptNumber);
  expect(await stack.database.db.directive.count({ where: { docNumber: '国办发〔2016〕99号' } })).toBe(1);
});

test('registering 国发〔2016〕76号 again is refused with 409 and the first 收文编号', async () => {
  const again = await request(stack.app).post('/api/directives').set(asClerk()).send(SEED_DIRECTIVE);
  expect(again.status).toBe(409);
  expect(again.body.error).toEqual({
    code: 'duplicate',
    message: '国务院 国发〔2016〕76号 已登记，收文编号 201700001',
    fields: [{ field: 'docNumber', reason: '该文号已登记，收文编号 201700001' }],
  });
});

test('office staff read a directive; a department that was not sent it sees nothing', async () => {
  const reviewer = await signIn(stack.app, 'chenweiyan');
  const ok = await request(stack.app)
    .get('/api/directives/201700001')
    .set('Authorization', `Bearer ${reviewer}`);
  expect(ok.status).toBe(200);

  const department = await signIn(stack.app, 'czt-handler');
  const hidden = await request(stack.app)
    .get('/api/directives/201700001')
    .set('Authorization', `Bearer ${department}`);
  expect(hidden.status).toBe(404);
});

test('an unknown or malformed 收文编号 gets 404 or 400', async () => {
  expect((await request(stack.app).get('/api/directives/201799999').set(asClerk())).status).toBe(404);
  const bad = await request(stack.app).get('/api/directives/abc').set(asClerk());
  expect(bad.status).toBe(400);
  expect(bad.body.error.fields[0].field).toBe('receiptNumber');
});
