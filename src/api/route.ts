/**
 * A route is declared once, with its schemas and allowed roles; from that one
 * declaration we get validation, the handler's types and the OpenAPI entry.
 * Handlers receive only parsed values, never the raw request.
 */
import type { Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import type { Role } from '../domain/actors';
import type { AuthUser } from './auth';
import { requireRole } from './auth';
import { HttpProblem } from './problem';

type Schema = z.ZodType;
type Out<S> = S extends Schema ? z.output<S> : undefined;

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Send `body` (a string) as is with this content type instead of JSON. */
  contentType?: string;
}

export interface RouteSpec<P extends Schema | undefined = Schema | undefined, Q extends Schema | undefined = Schema | undefined, B extends Schema | undefined = Schema | undefined> {
  method: 'get' | 'post' | 'put';
  /** Express-style path, e.g. `/complaints/:id`. */
  path: string;
  summary: string;
  tag: string;
  /** Roles allowed; `public` routes skip authentication. */
  roles: readonly Role[] | 'public';
  params?: P;
  query?: Q;
  body?: B;
  /** Documented request headers (name -> description). */
  headers?: Record<string, string>;
  responses: Record<number, { description: string; schema?: Schema }>;
  handler: (input: { params: Out<P>; query: Out<Q>; body: Out<B>; user: AuthUser; req: Request; res: Response }) => Promise<Reply>;
}

export function defineRoute<P extends Schema | undefined, Q extends Schema | undefined, B extends Schema | undefined>(spec: RouteSpec<P, Q, B>): RouteSpec {
  return spec as unknown as RouteSpec;
}

const NO_QUERY = z.strictObject({});

/** Parses every part first and reports all failing fields at once, prefixed by part (`body.customer.id`). */
function parseRequest(spec: RouteSpec, req: Request) {
  const issues: z.core.$ZodIssue[] = [];
  const part = <S extends Schema | undefined>(name: string, schema: S, value: unknown) => {
    if (!schema) return undefined;
    const r = schema.safeParse(value);
    if (r.success) return r.data;
    for (const i of r.error.issues) issues.push({ ...i, path: [name, ...i.path] });
    return undefined;
  };
  const params = part('params', spec.params, req.params);
  // A route without a query schema accepts no query parameters at all.
  const query = part('query', spec.query ?? NO_QUERY, { ...(req.query as object) });
  let body: unknown;
  if (spec.body) {
    const raw = req.body;
    const hasBody = (req.headers['content-length'] ?? '0') !== '0' || req.headers['transfer-encoding'] !== undefined;
    if (hasBody && !req.is('application/json')) {
      throw new HttpProblem(415, 'Unsupported Media Type', 'send the body as application/json', { code: 'UNSUPPORTED_MEDIA_TYPE' });
    }
    body = part('body', spec.body, raw === undefined ? {} : raw);
  }
  if (issues.length > 0) throw new z.ZodError(issues);
  return { params, query, body };
}

export function mountRoutes(router: Router, routes: RouteSpec[], authenticate: RequestHandler): void {
  for (const spec of routes) {
    const guards = spec.roles === 'public' ? [] : [authenticate, requireRole(spec.roles)];
    router[spec.method](spec.path, ...guards, async (req, res, next) => {
      try {
        const { params, query, body } = parseRequest(spec, req);
        const reply = await spec.handler({ params, query, body, user: req.user!, req, res } as never);
        res.status(reply.status).set(reply.headers ?? {});
        if (reply.body === undefined) res.end();
        else if (reply.contentType) res.type(reply.contentType).send(reply.body);
        else res.json(reply.body);
      } catch (err) {
        next(err);
      }
    });
  }
}
