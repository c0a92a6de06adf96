import type { Request } from 'express';
import { z } from 'zod';
import type { AuthUser } from '../auth';
import type { Reply } from '../route';

export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  code: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

const DESCRIPTIONS: Record<number, string> = {
  400: 'invalid request (problem+json lists the failing field paths)',
  401: 'missing or invalid API key or session',
  403: 'role or ownership does not allow this',
  404: 'not found',
  409: 'conflict with the current state (illegal transition, version conflict)',
  413: 'body too large',
  415: 'body is not application/json',
  422: 'rejected by a business rule',
  503: 'Temporal or the database is unavailable',
};

export function problemResponses(...codes: number[]) {
  return Object.fromEntries(codes.map((c) => [c, { description: DESCRIPTIONS[c] ?? 'error', schema: problemSchema }]));
}

const idempotencyKey = z.string().regex(/^[\x21-\x7e]{1,200}$/, 'must be 1-200 visible ASCII characters').optional();

/** The optional Idempotency-Key header, validated like a body field (400 with path `headers.idempotency-key`). */
export function readIdempotencyKey(header: string | undefined): string | undefined {
  const r = idempotencyKey.safeParse(header);
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
