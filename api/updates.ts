/**
 * A step waits a bounded time for its workflow update. A worker that is down, or a workflow whose
 * task keeps failing, must not hold the HTTP request (and the person) forever: past the bound the
 * answer is 503 with Retry-After, and the same request with the same Idempotency-Key later gets
 * the step's own answer (Temporal deduplicates updates by id), so nothing is done twice.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../workflows/definitions';
import { HttpError, isDeadlineExceeded } from './errors';

/** Seconds a person is told to wait before sending the step again. */
const RETRY_AFTER_SECONDS = 10;

export type StepRunner = <T>(act: () => Promise<T>) => Promise<T>;

/** A validator's "not now" (a rejected update leaves no trace, so its id may be asked again). */
export const refusedAsNotNow = (err: unknown): boolean =>
  err instanceof WorkflowUpdateFailedError &&
  err.cause instanceof ApplicationFailure &&
  err.cause.type === FailureType.NotNow;

/**
 * A step on a running workflow, asked once more if refused as "not now". The workflows write what
 * people read with local activities inside their workflow task, so after a worker dies between
 * that write and the task's completion the database is one task ahead of the workflow: a clerk may
 * see 办结 and send 答复. The retried task delivers the update before the events it still has to
 * apply (Core orders an activation's updates before its other jobs), so the validator answers from
 * the state before them. That same task applies them, so the second asking gets the answer the
 * database promised; a step truly out of turn is refused twice, at the cost of one round trip.
 * `act` is called again as it is: an update on a handle (an update-with-start's operation is spent
 * by its first call, and the register's steps do not need this).
 */
export async function askingAgainIfNotNow<T>(act: () => Promise<T>): Promise<T> {
  try {
    return await act();
  } catch (err) {
    if (!refusedAsNotNow(err)) throw err;
    return act();
  }
}

export function boundedSteps(temporal: Client, waitMs: number): StepRunner {
  return async (act) => {
    try {
      return await temporal.withDeadline(Date.now() + waitMs, act);
    } catch (err) {
      if (!isDeadlineExceeded(err)) throw err;
      throw new HttpError(
        503,
        'step_pending',
        `此步骤 ${Math.round(waitMs / 1000)} 秒内未得到答复（流程服务或其执行程序繁忙或暂停）；` +
          '请以同一 Idempotency-Key 重新提交，可取得答复而不会重复办理',
        undefined,
        { 'Retry-After': String(RETRY_AFTER_SECONDS) },
      );
    }
  };
}

/** How long a step waits for a directive's workflow that 登记 has asked to start, and how often it asks. */
const START_AWAITED_MS = 5_000;
const START_POLL_MS = 10;

/**
 * A step sent as soon as 登记 is answered may reach Temporal before the directive's workflow has
 * started: the register answers in the workflow task that asks for the start, and the server starts
 * it just after (workflows/incoming-register.ts). While `justRegistered` says so (the directive's
 * row is in its first state), a step that finds no workflow is asked again, within a bound; then
 * the last "not found" stands. The step is an update with its own id, so asking again is safe.
 */
export async function onceStarted<T>(
  step: () => Promise<T>,
  justRegistered: () => Promise<boolean>,
): Promise<T> {
  const giveUpAt = Date.now() + START_AWAITED_MS;
  for (;;) {
    try {
      return await step();
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError) || Date.now() >= giveUpAt || !(await justRegistered()))
        throw err;
      await sleep(START_POLL_MS);
    }
  }
}
