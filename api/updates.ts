/**
 * A step waits a bounded time for its workflow update. A worker that is down, or a workflow whose
 * task keeps failing, must not hold the HTTP request (and the person) forever: past the bound the
 * answer is 503 with Retry-After, and the same request with the same Idempotency-Key later gets
 * the step's own answer (Temporal deduplicates updates by id), so nothing is done twice.
 */
import type { Client } from '@temporalio/client';
import { HttpError, isDeadlineExceeded } from './errors';

/** Seconds a person is told to wait before sending the step again. */
const RETRY_AFTER_SECONDS = 10;

export type StepRunner = <T>(act: () => Promise<T>) => Promise<T>;

export function boundedSteps(temporal: Client, waitMs: number): StepRunner {
  return async (act) => {
    try {
      return await temporal.withDeadline(Date.now() + waitMs, act);
    } catch (err) {
      if (!isDeadlineExceeded(err)) throw err;
      throw new HttpError(
        503,
        'step_pending',
        `the step was not answered within ${Math.round(waitMs / 1000)} s (the workflow service or its worker is busy or down); ` +
          'send it again with the same Idempotency-Key to get its answer without acting twice',
        undefined,
        { 'Retry-After': String(RETRY_AFTER_SECONDS) },
      );
    }
  };
}
