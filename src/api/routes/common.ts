import { z } from 'zod';

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
  401: 'missing or invalid API key',
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
