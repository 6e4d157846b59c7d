/**
 * A step refused as 不在此时 is asked once more (the database may be a workflow task ahead of a
 * workflow whose worker died; api/updates.ts, for steps on a running workflow), and its Idempotency-Key stays usable.
 *
 * A step sent the moment 登记 is answered may reach Temporal before the directive's workflow has
 * started (the register answers as it asks for the start): it waits for the start.
 *
 * No hang: with the worker down, a step answers 503 with Retry-After within the bounded wait instead
 * of holding the request (the retry with the same Idempotency-Key is Temporal's update dedupe; the
 * recovery test under npm start sends it after a worker crash).
 */
import request from 'supertest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { createActivities } from '../../activities';
import { askingAgainIfNotNow } from '../../api/updates';
import { FailureType, directiveWorkflowId } from '../../workflows/definitions';
import { directiveWorkflow } from '../../workflows/directive';
import { DEFAULT_POLICY } from '../../workflows/policy';
import { SEED_MORNING } from '../helpers/seed-case';
import { signIn, startStack, SEED_DIRECTIVE, type Stack } from '../helpers/stack';
import { startTimeSkippingServer } from '../helpers/temporal';

jest.setTimeout(150_000);

let env: TestWorkflowEnvironment;
let stack: Stack;

beforeAll(async () => {
  env = await startTimeSkippingServer({ startAt: SEED_MORNING });
  stack = await startStack(env, { stepWaitMs: 2_000 });
});
afterAll(async () => {
  await stack?.stop();
  await env?.teardown();
});

const refusal = (type: string) =>
  new WorkflowUpdateFailedError('Workflow Update failed', ApplicationFailure.create({ type, message: type }));

test('a step refused as not now is asked exactly once more; other refusals are answered at once', async () => {
  const run = askingAgainIfNotNow;
  const asked = (answers: unknown[]) => {
    let n = 0;
    const act = () => {
      const answer = answers[n++];
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    };
    return { act, times: () => n };
  };

  const caughtUp = asked([refusal(FailureType.NotNow), '已答复']);
  await expect(run(caughtUp.act)).resolves.toBe('已答复');
  expect(caughtUp.times()).toBe(2);

  const outOfTurn = asked([refusal(FailureType.NotNow), refusal(FailureType.NotNow), '不应再问']);
  await expect(run(outOfTurn.act)).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
  expect(outOfTurn.times()).toBe(2);

  const notYours = asked([refusal(FailureType.NotYours), '不应再问']);
  await expect(run(notYours.act)).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
  expect(notYours.times()).toBe(1);
});

test('a step refused out of turn is taken later with the same Idempotency-Key (a refusal leaves no trace)', async () => {
  const clerk = await signIn(stack.app, 'huangweiyan');
  const as = (key: string) => (url: string, body: object) =>
    request(stack.app)
      .post(url)
      .set('Authorization', `Bearer ${clerk}`)
      .set('Idempotency-Key', key)
      .send(body);
  let registered = await as('register-0085')('/api/directives', {
    ...SEED_DIRECTIVE,
    docNumber: '国发〔2016〕77号',
  });
  for (let i = 0; registered.status === 503 && i < 10; i++)
    registered = await as('register-0085')('/api/directives', {
      ...SEED_DIRECTIVE,
      docNumber: '国发〔2016〕77号',
    });
  expect(registered.status).toBe(201);
  const rn = registered.body.directive.receiptNumber as string;

  // 拟办 before 初审: out of turn, refused (asked twice, refused twice).
  const proposal = () =>
    as(`proposal-${rn}`)(`/api/directives/${rn}/proposal`, {
      leadDepartment: 'GDFGW',
      coDepartments: [],
      handlingOption: 1,
      leaders: ['u-chunxin'],
      leaderMode: 'SEQUENCE',
      comment: '拟请省发展改革委研究办理。',
    });
  const early = await proposal();
  expect(early.status).toBe(409);
  expect(early.body.error.code).toBe('not_now');

  const reviewed = await as(`initial-review-${rn}`)(`/api/directives/${rn}/initial-review`, {
    decision: 'ACCEPT',
  });
  expect(reviewed.status).toBe(200);
  const inTurn = await proposal();
  expect(inTurn.status).toBe(200);
  expect(await stack.database.db.timelineEntry.count({ where: { receiptNumber: rn, action: '拟办' } })).toBe(
    1,
  );
});

test('初审 sent before its directive’s workflow has started waits for the start, as after 登记', async () => {
  // As the register leaves a registration between its answer and the server's start of the
  // directive: the row and its entries written, the workflow not there yet.
  const receipt = {
    receiptNumber: '201700090',
    receiptYear: 2017,
    receiptSequence: 90,
    document: { ...SEED_DIRECTIVE, docNumber: '国发〔2016〕80号', copies: 1 },
    registeredBy: { userId: 'u-huangweiyan', displayName: '黄炜演' },
    registeredAt: '2017-01-03T01:30:00.000Z',
    signedForAt: '2017-01-03T01:30:00.000Z',
  };
  const entries = [
    { seq: 1, at: receipt.signedForAt, actor: receipt.registeredBy, action: '签收', comment: '1 份' },
    {
      seq: 2,
      at: receipt.registeredAt,
      actor: receipt.registeredBy,
      action: '收文登记',
      toState: 'REGISTERED',
    },
  ];
  await createActivities({ db: stack.database.db }).recordReceipt({
    ...receipt,
    status: 'REGISTERED',
    entries,
  });

  const clerk = await signIn(stack.app, 'huangweiyan');
  const reviewed = request(stack.app)
    .post(`/api/directives/${receipt.receiptNumber}/initial-review`)
    .set('Authorization', `Bearer ${clerk}`)
    .set('Idempotency-Key', `initial-review-${receipt.receiptNumber}`)
    .send({ decision: 'ACCEPT' })
    .then((answer) => answer);
  await sleep(300);
  await env.client.workflow.start(directiveWorkflow, {
    workflowId: directiveWorkflowId(receipt.receiptNumber),
    taskQueue: stack.taskQueue,
    args: [{ ...receipt, timelineSeq: entries.length, policy: DEFAULT_POLICY }],
  });
  const answer = await reviewed;
  expect(answer.status).toBe(200);
  expect(answer.body.state).toMatchObject({ receiptNumber: receipt.receiptNumber, initialReview: {} });
});

test('a step with no worker to answer it is 503 with Retry-After in bounded time, and nothing is done', async () => {
  const clerk = await signIn(stack.app, 'huangweiyan');
  const as = (key?: string) => (url: string, body: object) =>
    request(stack.app)
      .post(url)
      .set('Authorization', `Bearer ${clerk}`)
      .set(key ? { 'Idempotency-Key': key } : {})
      .send(body);
  // On a busy machine the first registration may outlast the 2 s bound: sent again with its key
  // until answered, as a client is told to.
  let registered = await as('register-0084')('/api/directives', SEED_DIRECTIVE);
  for (let i = 0; registered.status === 503 && i < 10; i++)
    registered = await as('register-0084')('/api/directives', SEED_DIRECTIVE);
  expect(registered.status).toBe(201);
  const rn = registered.body.directive.receiptNumber as string;

  await stack.stopWorker();
  const started = Date.now();
  const pending = await as('initial-review-0084')(`/api/directives/${rn}/initial-review`, {
    decision: 'ACCEPT',
    comment: '符合收文要求',
  });
  expect(pending.status).toBe(503);
  expect(pending.headers['retry-after']).toBe('10');
  expect(pending.body.error).toMatchObject({
    code: 'step_pending',
    message: expect.stringContaining('Idempotency-Key'),
  });
  expect(Date.now() - started).toBeLessThan(15_000);

  // Nothing was done: the directive has no 初审 until a worker takes the step.
  expect(await stack.database.db.timelineEntry.count({ where: { receiptNumber: rn, action: '初审' } })).toBe(
    0,
  );
});
