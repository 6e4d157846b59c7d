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
        `此步骤 ${Math.round(waitMs / 1000)} 秒内未得到答复（流程服务或其执行程序繁忙或暂停）；` +
          '请以同一 Idempotency-Key 重新提交，可取得答复而不会重复办理',
        undefined,
        { 'Retry-After': String(RETRY_AFTER_SECONDS) },
      );
    }
  };
}
