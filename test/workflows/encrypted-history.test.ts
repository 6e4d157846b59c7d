/**
 * With payload encryption on, the Temporal server holds 国发〔2016〕76号's title, the clerk's name and
 * the 拟办 comment only as ciphertext, while Duban's own client, worker and projection read them.
 */
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ENCRYPTED_ENCODING } from '../../core/payload-codec';
import {
  directiveWorkflowId,
  getDirectiveStateQuery,
  incomingRegisterWorkflowId,
} from '../../workflows/definitions';
import { directiveSteps, people, SEED_MORNING, seedProposal } from '../helpers/seed-case';
import { SEED_DIRECTIVE, startStack, type Stack } from '../helpers/stack';
import { startTimeSkippingServer } from '../helpers/temporal';

const TITLE = '国务院关于加强政务诚信建设的指导意见';
const CLERK = '黄炜演';
const COMMENT = seedProposal().comment;

let env: TestWorkflowEnvironment;
let stack: Stack;
let receiptNumber: string;

beforeAll(async () => {
  env = await startTimeSkippingServer({ startAt: SEED_MORNING });
  stack = await startStack(env, {
    payloadEncryption: { keys: { k2026: randomBytes(32) }, currentKeyId: 'k2026' },
  });
  const steps = directiveSteps(stack.temporal, stack.taskQueue);
  receiptNumber = await steps.register();
  await steps.accept(receiptNumber);
  await steps.propose(receiptNumber);
});

afterAll(async () => {
  await stack?.stop();
  await env?.teardown();
});

/** A history as the server stores it, fetched by a client without the codec. */
async function storedHistory(client: Client, workflowId: string) {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return Buffer.from(temporal.api.history.v1.History.encode(history).finish());
}

test('the stored histories of the register and the directive hold no title, name or comment in clear', async () => {
  expect(env.client.options.loadedDataConverter.payloadCodecs).toEqual([]);
  for (const workflowId of [incomingRegisterWorkflowId(2017), directiveWorkflowId(receiptNumber)]) {
    const stored = await storedHistory(env.client, workflowId);
    expect(stored.includes(ENCRYPTED_ENCODING)).toBe(true);
    for (const secret of [TITLE, CLERK, COMMENT, SEED_DIRECTIVE.docNumber]) {
      expect({ workflowId, found: stored.includes(Buffer.from(secret, 'utf8')) }).toEqual({
        workflowId,
        found: false,
      });
    }
  }
});

test('a client without the key cannot read the directive’s state', async () => {
  await expect(
    env.client.workflow.getHandle(directiveWorkflowId(receiptNumber)).query(getDirectiveStateQuery),
  ).rejects.toThrow(/binary\/encrypted/);
});

test('Duban’s client with the codec reads the state, and the worker wrote the projection in clear', async () => {
  const state = await stack.temporal.workflow
    .getHandle(directiveWorkflowId(receiptNumber))
    .query(getDirectiveStateQuery);
  expect(state.initialReview?.by).toEqual({ userId: people.clerk.userId, displayName: CLERK });
  expect(state.proposal?.comment).toBe(COMMENT);
  const row = await stack.database.db.directive.findUniqueOrThrow({ where: { receiptNumber } });
  expect(row.title).toBe(TITLE);
});
