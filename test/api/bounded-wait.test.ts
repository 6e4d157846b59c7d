/**
 * No hang: with the worker down, a step answers 503 with Retry-After within the bounded wait instead
 * of holding the request (the retry with the same Idempotency-Key is Temporal's update dedupe; the
 * recovery test under npm start sends it after a worker crash).
 */
import request from 'supertest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
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
