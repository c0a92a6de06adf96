import type { Request } from 'express';
import { z } from 'zod';
import type { AuthUser } from '../auth';
import type { Reply } from '../route';

/**
 * What sendProblem (src/api/problem.ts) writes: the RFC 9457 members, the
 * request id, the error code and, for 400, the failing fields. Other members
 * are extensions named by the code (a gate's `missing` artefacts,
 * `retryAfterSeconds`...), which RFC 9457 allows, hence the open catchall.
 */
export const problemSchema = z
  .object({
    type: z.string().describe('https://qualityloop.dev/problems/<code in kebab case>, or about:blank'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional().describe('the request path and query'),
    requestId: z.string().describe('also in the x-request-id header and the logs'),
    code: z.string().optional(),
    errors: z.array(z.strictObject({ path: z.string(), message: z.string() })).optional(),
  })
  .catchall(z.unknown());

const DESCRIPTIONS: Record<number, string> = {
  400: 'invalid request (problem+json lists the failing field paths)',
  401: 'missing or invalid API key or session',
  403: 'role or ownership does not allow this',
  404: 'not found',
  409: 'conflict with the current state (illegal transition, version conflict)',
  413: 'body too large',
  415: 'body is not application/json',
  422: 'rejected by a business rule',
  429: 'too many requests: the per-user rate limit (Retry-After says when to retry)',
  500: 'internal error: no details, quote the request id (it is in the log with the cause)',
  503: 'Temporal or the database is unavailable',
};

export function problemResponses(...codes: number[]) {
  return Object.fromEntries(codes.map((c) => [c, { description: DESCRIPTIONS[c] ?? 'error', schema: problemSchema }]));
}

/** 1-200 visible ASCII characters (what the server stores and compares): the one definition the server checks and the document shows. */
export const idempotencyKeySchema = z
  .string()
  .regex(/^[\x21-\x7E]{1,200}$/, 'must be 1-200 visible ASCII characters')
  // The bounds the pattern already holds, spelled out for readers of the document (one check, one error).
  .meta({ minLength: 1, maxLength: 200 });

/** Request headers whose value has a schema (name in lower case); openapi.ts documents them with it, other headers as bounded strings. */
export const HEADER_SCHEMAS: Record<string, z.ZodType> = { 'idempotency-key': idempotencyKeySchema };

/** The optional Idempotency-Key header, validated like a body field (400 with path `headers.idempotency-key`). */
export function readIdempotencyKey(header: string | undefined): string | undefined {
  const r = idempotencyKeySchema.optional().safeParse(header);
  if (!r.success) throw new z.ZodError(r.error.issues.map((i) => ({ ...i, path: ['headers', 'idempotency-key'] })));
  return r.data;
}

/** The documented answers of an idempotent creation. */
export function creationResponses(schema: z.ZodType, noun: string) {
  return {
    201: { description: 'created', schema },
    200: { description: `an earlier request with the same Idempotency-Key already created the ${noun}`, schema },
    ...problemResponses(400, 401, 403, 413, 415, 422, 503),
  };
}

/** The reply of an idempotent creation: 201, or 200 + Idempotent-Replayed when the key was seen before. */
export function creationReply(created: boolean, body: unknown, location: string): Reply {
  return { status: created ? 201 : 200, body, headers: { location, ...(created ? {} : { 'idempotent-replayed': 'true' }) } };
}

/** An action's request id: the caller's Idempotency-Key scoped to the caller; the workflow applies it once. */
export function actionRequestId(req: Request, user: AuthUser): string | undefined {
  const key = readIdempotencyKey(req.header('idempotency-key'));
  return key ? `${user.id}:${key}` : undefined;
}

/** The Idempotency-Key a write must carry (customer links: a double click or a retry applies once); missing = 400 at `headers.idempotency-key`. */
export function requiredIdempotencyKey(req: Request): string {
  const key = readIdempotencyKey(req.header('idempotency-key'));
  if (key === undefined) throw new z.ZodError([{ code: 'custom', path: ['headers', 'idempotency-key'], message: 'required: a key made once per submission (a retry sends the same)', input: undefined }]);
  return key;
}
