/**
 * RFC 9457 problem details. Every error leaves the API through `errorHandler`,
 * which maps known errors to a status and hides the internals of unknown ones.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ServiceError, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { DomainError, ErrorCode } from '../domain/errors';
import type { Logger } from '../logger';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const TYPE_BASE = 'https://qualityloop.dev/problems/';

export interface FieldError {
  path: string;
  message: string;
}

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
  }
}

export const problems = {
  unauthorized: () =>
    new HttpProblem(401, 'Unauthorized', 'a valid API key (Authorization: Bearer <key>) or a signed-in session is required', { code: 'UNAUTHENTICATED' }, { 'www-authenticate': 'Bearer' }),
  /** The same answer for an unknown user, a disabled user and a wrong password (src/services/passwords.ts). */
  invalidCredentials: () => new HttpProblem(401, 'Unauthorized', 'wrong username or password', { code: 'INVALID_CREDENTIALS' }),
  signInLocked: (until: Date, now = Date.now()) => {
    const seconds = Math.max(1, Math.ceil((until.getTime() - now) / 1000));
    return new HttpProblem(429, 'Too Many Requests', `too many failed sign-ins: this account is locked until ${until.toISOString()}`, { code: 'SIGN_IN_LOCKED', lockedUntil: until.toISOString(), retryAfterSeconds: seconds }, { 'retry-after': String(seconds) });
  },
  signInThrottled: (ms: number) => {
    const seconds = Math.max(1, Math.ceil(ms / 1000));
    return new HttpProblem(429, 'Too Many Requests', `too many failed sign-ins from this address; retry in ${seconds} s`, { code: 'SIGN_IN_THROTTLED', retryAfterSeconds: seconds }, { 'retry-after': String(seconds) });
  },
  csrfFailed: () => new HttpProblem(403, 'Forbidden', 'a write with a session cookie must send the CSRF token of the session in the x-csrf-token header', { code: 'CSRF_FAILED' }),
  forbidden: (detail: string) => new HttpProblem(403, 'Forbidden', detail, { code: ErrorCode.NOT_PERMITTED }),
  notFound: (detail: string) => new HttpProblem(404, 'Not Found', detail, { code: 'NOT_FOUND' }),
  conflict: (detail: string, code = 'CONFLICT') => new HttpProblem(409, 'Conflict', detail, { code }),
  unprocessable: (detail: string, code = ErrorCode.INVALID_ACTION as string, errors?: FieldError[]) =>
    new HttpProblem(422, 'Unprocessable Content', detail, { code, ...(errors ? { errors } : {}) }),
  unavailable: (detail: string) => new HttpProblem(503, 'Service Unavailable', detail, { code: 'UNAVAILABLE' }, { 'retry-after': '5' }),
};

/** Domain error code -> HTTP status for a rejected workflow update. */
const STATUS_OF_CODE: Record<string, number> = {
  [ErrorCode.INVALID_TRANSITION]: 409,
  [ErrorCode.REOPEN_WINDOW_CLOSED]: 409,
  [ErrorCode.CSAT_ALREADY_RECORDED]: 409,
  [ErrorCode.NOT_PERMITTED]: 403,
  [ErrorCode.INVALID_ACTION]: 422,
  [ErrorCode.INVALID_DEFINITION]: 422,
  [ErrorCode.GATE_INCOMPLETE]: 422,
  [ErrorCode.GATE_PENDING]: 409,
  [ErrorCode.SELF_APPROVAL_FORBIDDEN]: 403,
  [ErrorCode.ALREADY_SIGNED]: 409,
  [ErrorCode.GOAL_NOT_MET]: 409,
  [ErrorCode.VALIDATION_FAILED]: 400,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.CONFLICT]: 409,
  [ErrorCode.VERSION_CONFLICT]: 409,
  [ErrorCode.UNKNOWN_USER]: 422,
  [ErrorCode.USER_CANNOT_ACT]: 422,
  [ErrorCode.IDEMPOTENCY_KEY_REUSED]: 422,
  [ErrorCode.METRIC_BOUND]: 422,
  [ErrorCode.INSUFFICIENT_DATA]: 422,
  [ErrorCode.ALREADY_EXISTS]: 409,
  [ErrorCode.USER_DISABLED]: 409,
  [ErrorCode.SELF_LOCKOUT]: 422,
  [ErrorCode.KEY_ALREADY_ISSUED]: 409,
  [ErrorCode.LINK_INVALID]: 401,
  [ErrorCode.LINK_EXPIRED]: 410,
  [ErrorCode.LINK_REVOKED]: 410,
  [ErrorCode.SURVEY_CLOSED]: 409,
  [ErrorCode.RESPONSE_COMPLETE]: 409,
  [ErrorCode.FOLLOW_UP_DONE]: 409,
};

const TITLE_OF_STATUS: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 422: 'Unprocessable Content' };

/** A use case's refusal (src/services throw DomainError: a code and the facts) as a problem. */
function domainProblem(err: DomainError): HttpProblem {
  const status = STATUS_OF_CODE[err.code] ?? 422;
  return new HttpProblem(status, TITLE_OF_STATUS[status] ?? 'Unprocessable Content', err.message, { ...err.details, code: err.code });
}

export function fieldErrors(err: z.ZodError): FieldError[] {
  const join = (path: PropertyKey[]) => path.map(String).join('.') || '(root)';
  // zod reports unknown keys once for their parent; name each unknown field instead.
  return err.issues.flatMap((i) =>
    i.code === 'unrecognized_keys' ? i.keys.map((k) => ({ path: join([...i.path, k]), message: 'unknown field' })) : [{ path: join(i.path), message: i.message }],
  );
}

function isUnavailable(err: unknown): boolean {
  const e = err as { name?: string; code?: number; cause?: unknown } | undefined;
  if (!e) return false;
  if (e.name === 'MongoServerSelectionError' || e.name === 'MongoNetworkError' || e.name === 'MongoNotConnectedError') return true;
  if (err instanceof ServiceError || err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  // gRPC UNAVAILABLE (14) / DEADLINE_EXCEEDED (4) from the Temporal client
  if (e.code === 14 || e.code === 4) return true;
  return false;
}

export function toProblem(err: unknown): HttpProblem | null {
  if (err instanceof HttpProblem) return err;
  if (err instanceof DomainError) return domainProblem(err);
  if (err instanceof z.ZodError) return new HttpProblem(400, 'Bad Request', 'the request is invalid', { code: 'VALIDATION_FAILED', errors: fieldErrors(err) });
  const e = err as { type?: string; status?: number; message?: string };
  // body-parser errors
  if (e?.type === 'entity.parse.failed') return new HttpProblem(400, 'Bad Request', 'the body is not valid JSON', { code: 'MALFORMED_JSON', errors: [{ path: 'body', message: 'malformed JSON' }] });
  if (e?.type === 'entity.too.large') return new HttpProblem(413, 'Content Too Large', 'the body exceeds the size limit', { code: 'BODY_TOO_LARGE' });
  if (e?.type && typeof e.status === 'number' && e.status >= 400 && e.status < 500) return new HttpProblem(e.status, 'Bad Request', e.message, { code: 'BAD_REQUEST' });
  if (err instanceof WorkflowNotFoundError) return problems.notFound('not found');
  if (err instanceof WorkflowExecutionAlreadyStartedError) return problems.conflict('already exists', 'ALREADY_EXISTS');
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure && cause.type) {
      const status = STATUS_OF_CODE[cause.type] ?? 422;
      // Domain details (e.g. the artefacts a gate is missing) are passed on as problem members.
      const details = (cause.details?.[0] ?? {}) as Record<string, unknown>;
      return new HttpProblem(status, status === 403 ? 'Forbidden' : 'Action rejected', cause.message, { ...details, code: cause.type });
    }
    return problems.unprocessable((cause as Error | undefined)?.message ?? 'the action was rejected');
  }
  if (isUnavailable(err)) return problems.unavailable('a backing service (Temporal or the database) is unavailable; retry later');
  return null;
}

/** Every problem carries the request id (also in the `x-request-id` header and the logs) so a report can be traced. */
export function sendProblem(res: Parameters<RequestHandler>[1], p: HttpProblem, instance?: string): void {
  const requestId = res.locals.requestId as string | undefined;
  const code = typeof p.extra.code === 'string' ? p.extra.code.toLowerCase().replace(/_/g, '-') : 'about:blank';
  res
    .status(p.status)
    .set({ 'content-type': PROBLEM_CONTENT_TYPE, ...p.headers })
    .send(JSON.stringify({ type: code === 'about:blank' ? code : TYPE_BASE + code, title: p.title, status: p.status, detail: p.detail, instance, ...(requestId ? { requestId } : {}), ...p.extra }));
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const requestId = res.getHeader('x-request-id') as string | undefined;
    if (res.headersSent) {
      // A streamed reply failed midway: its status is gone, so cut the connection
      // (the client sees a truncated body, not a complete-looking one) and log.
      log.error({ err, requestId }, 'request failed after the response started');
      res.destroy();
      return;
    }
    const problem = toProblem(err);
    if (problem) {
      if (problem.status >= 500) log.warn({ err, requestId }, 'request failed: dependency unavailable');
      sendProblem(res, problem, req.originalUrl);
      return;
    }
    log.error({ err, requestId }, 'unhandled error');
    sendProblem(res, new HttpProblem(500, 'Internal Server Error', `unexpected error; quote request id ${requestId ?? '-'}`, { code: 'INTERNAL' }), req.originalUrl);
  };
}

export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(res, problems.notFound(`no route for ${req.method} ${req.path}`), req.originalUrl);
};
