/**
 * One place that turns failures into HTTP answers: our own HttpErrors, Temporal's refusals
 * (a validator's ApplicationFailure, a missing workflow, an unreachable cluster) and bad JSON.
 */
import type { ErrorRequestHandler } from 'express';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  ServiceError,
  isGrpcServiceError,
} from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../workflows/definitions';
import type { FieldProblem } from '../workflows/incoming-document';
import { joinReasons } from '../workflows/wording';
import type { Logger } from '../core/logger';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: FieldProblem[],
    /** Extra response headers, e.g. Retry-After with a 503. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const invalidInput = (fields: FieldProblem[]) =>
  new HttpError(400, 'invalid_input', joinReasons(fields), fields);

const FAILURE_STATUS: Record<string, [number, string]> = {
  [FailureType.InvalidInput]: [400, 'invalid_input'],
  [FailureType.NotYours]: [403, 'not_yours'],
  [FailureType.NotNow]: [409, 'not_now'],
  [FailureType.Duplicate]: [409, 'duplicate'],
};

function grpcCode(err: unknown): number | undefined {
  if (isGrpcServiceError(err)) return err.code;
  if (err instanceof ServiceError && isGrpcServiceError(err.cause)) return err.cause.code;
  return undefined;
}

const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;

/** A call that ran out of its deadline (withDeadline), however the client wrapped the gRPC error. */
export function isDeadlineExceeded(err: unknown): boolean {
  // An update's call cut short by the deadline may surface as "timeout or cancelled".
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  if (grpcCode(err) === GRPC_DEADLINE_EXCEEDED) return true;
  const cause = (err as { cause?: unknown })?.cause;
  return cause !== undefined && cause !== err && isDeadlineExceeded(cause);
}

function toHttpError(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    const [status, code] = FAILURE_STATUS[err.cause.type ?? ''] ?? [409, 'refused'];
    const fields = err.cause.details?.[0] as FieldProblem[] | undefined;
    return new HttpError(status, code, err.cause.message, Array.isArray(fields) ? fields : undefined);
  }
  // A step whose recording failed for good (the third line, after the API's schema and the
  // validator): refused, and logged at error level for an operator.
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ActivityFailure) {
    return new HttpError(500, 'step_failed', '此步骤未能记录，已被拒绝；已通知运维人员');
  }
  if (err instanceof WorkflowNotFoundError) return new HttpError(404, 'not_found', '找不到该流程');
  if (err instanceof WorkflowExecutionAlreadyStartedError) {
    return new HttpError(409, 'already_started', `流程 ${err.workflowId} 已存在`);
  }
  const code = grpcCode(err);
  if (code === GRPC_UNAVAILABLE || code === GRPC_DEADLINE_EXCEEDED) {
    return new HttpError(503, 'temporal_unavailable', '流程服务暂不可用，未作任何更改');
  }
  // express.json() marks malformed bodies with status 400 and type entity.parse.failed.
  const e = err as { type?: string; status?: number; expose?: boolean };
  if (e?.type === 'entity.parse.failed') return new HttpError(400, 'invalid_json', '请求内容不是有效的 JSON');
  if (e?.type === 'entity.too.large') return new HttpError(413, 'too_large', '请求内容过大');
  // The router could not decode a path parameter (`%ZZ`): the URL is the client's mistake.
  if (err instanceof URIError && e.status === 400)
    return new HttpError(400, 'invalid_url', '网址的百分号编码无效');
  // Any other client error of the HTTP layer (body-parser's http-errors: a charset or content
  // encoding it does not read, a body cut short) keeps its status; these were answered 500.
  if (e?.expose && typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    const code = e.status === 415 ? 'unsupported_encoding' : 'bad_request';
    const message = e.status === 415 ? '不支持该请求内容的字符集或压缩编码' : '请求无法读取';
    return new HttpError(e.status, code, message);
  }
  return undefined;
}

/**
 * The one error middleware. `readable` puts names where a workflow's refusal has codes (单位 GDCZT
 * reads 省财政厅): the workflows know departments by code only.
 */
export function errorHandler(
  log: Logger,
  readable: (text: string) => Promise<string> = (text) => Promise.resolve(text),
): ErrorRequestHandler {
  return async (err, req, res, _next) => {
    const http = toHttpError(err);
    if (!http) {
      log.error({ err, method: req.method, url: req.originalUrl }, 'unhandled error');
      res.status(500).json({ error: { code: 'internal', message: '系统内部错误' } });
      return;
    }
    if (http.code === 'step_failed') log.error({ err, url: req.originalUrl }, http.message);
    else if (http.status >= 500) log.warn({ err, url: req.originalUrl }, http.message);
    if (http.headers) res.set(http.headers);
    const named = (text: string) => readable(text).catch(() => text);
    const fields =
      http.fields &&
      (await Promise.all(http.fields.map(async (f) => ({ ...f, reason: await named(f.reason) }))));
    res.status(http.status).json({
      error: { code: http.code, message: await named(http.message), ...(fields ? { fields } : {}) },
    });
  };
}
