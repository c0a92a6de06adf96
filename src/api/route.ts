/**
 * A route is declared once, with its schemas and allowed roles; from that one
 * declaration we get validation, the handler's types and the OpenAPI entry.
 * Handlers receive only parsed values, never the raw request.
 */
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { z } from 'zod';
import { parseCsvTable } from './csv';
import type { AuthUser } from './auth';
import { type Permission, type Resource, type Scope, inScope, scopeOf } from './permissions';
import { HttpProblem, problems } from './problem';

type Schema = z.ZodType;
type Out<S> = S extends Schema ? z.output<S> : undefined;

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Send `body` (a string) as is with this content type instead of JSON. */
  contentType?: string;
  /** Write the body as a stream (large exports); `status`/`headers` are sent first. */
  stream?: (res: Response) => Promise<void>;
}

/** What the route's permission allows this caller, and the object-level check. */
export interface Access {
  scope: Scope;
  /** Throws 403 unless the caller's scope covers the object. */
  check(resource: Resource): void;
  /** Like `check`, loading the object only when the scope depends on it (`all` needs no load). */
  checkLoaded<K extends Resource['kind']>(kind: K, load: () => Promise<Extract<Resource, { kind: K }>['view']>): Promise<void>;
}

/** A documented request header: its description, and whether every request must send it. */
export type HeaderDoc = string | { description: string; required: true };

export interface RouteSpec<P extends Schema | undefined = Schema | undefined, Q extends Schema | undefined = Schema | undefined, B extends Schema | undefined = Schema | undefined, A = unknown> {
  method: 'get' | 'post' | 'put';
  /** Express-style path, e.g. `/complaints/:id`. */
  path: string;
  summary: string;
  tag: string;
  /** The permission the route needs (see permissions.ts); `public` routes skip authentication. */
  permission: Permission | 'public';
  params?: P;
  query?: Q;
  body?: B;
  /**
   * How the body is sent: `json` (default), or `csv`: `text/csv` with a header
   * row (up to CSV_BODY_LIMIT), read by src/api/csv.ts into `{ rows: [{ column: text }] }`
   * that `body` then validates, so a bad cell is reported as `body.rows.<n>.<column>`.
   */
  bodyType?: 'json' | 'csv';
  /**
   * A public route's own authentication (the customer links' X-Customer-Link),
   * run before the body is read, like the staff routes' authentication: a
   * caller it refuses learns nothing of the body's handling. Its result
   * reaches the handler as `authenticated`.
   */
  authenticate?: (req: Request) => Promise<A>;
  /** Documented request headers (name -> description, or `{ description, required: true }` for a header every request must send). */
  headers?: Record<string, HeaderDoc>;
  /** `text`: media types the answer may have instead of JSON, sent as text (Markdown, CSV, NDJSON exports). */
  responses: Record<number, { description: string; schema?: Schema; text?: string[] }>;
  handler: (input: { params: Out<P>; query: Out<Q>; body: Out<B>; user: AuthUser; access: Access; authenticated: A; req: Request; res: Response }) => Promise<Reply>;
}

export function defineRoute<P extends Schema | undefined, Q extends Schema | undefined, B extends Schema | undefined, A = undefined>(spec: RouteSpec<P, Q, B, A>): RouteSpec {
  return spec as unknown as RouteSpec;
}

const NO_QUERY = z.strictObject({});

/** Size limit of a JSON body. */
export const BODY_LIMIT = '64kb';
/** Size limit of a text/csv body: ten years of daily figures fit easily. */
export const CSV_BODY_LIMIT = '256kb';

const MEDIA_TYPE = { json: 'application/json', csv: 'text/csv' } as const;

/**
 * The body readers of a route: JSON on every route (a body that is not JSON or
 * over BODY_LIMIT is refused, 400 MALFORMED_JSON / 413, even where the route
 * takes none), plus text/csv where the route takes CSV. Another media type
 * leaves req.body undefined, and parseRequest answers 415.
 */
function bodyReaders(spec: RouteSpec): RequestHandler[] {
  // strict: a bare string, number or null is not a request body.
  const json = express.json({ limit: BODY_LIMIT, strict: true, type: [MEDIA_TYPE.json, 'application/*+json'] });
  return spec.bodyType === 'csv' ? [json, express.text({ type: MEDIA_TYPE.csv, limit: CSV_BODY_LIMIT })] : [json];
}

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
    const raw: unknown = req.body;
    const mediaType = MEDIA_TYPE[spec.bodyType ?? 'json'];
    const hasBody = (req.headers['content-length'] ?? '0') !== '0' || req.headers['transfer-encoding'] !== undefined;
    if (hasBody && !req.is(mediaType)) {
      throw new HttpProblem(415, 'Unsupported Media Type', `send the body as ${mediaType}`, { code: 'UNSUPPORTED_MEDIA_TYPE' });
    }
    const table = spec.bodyType === 'csv' && typeof raw === 'string' ? parseCsvTable(raw) : null;
    if (table && !table.ok) issues.push({ code: 'custom', path: ['body', ...table.path], message: table.message, input: undefined });
    else body = part('body', spec.body, table ? table.value : (raw ?? {}));
  }
  if (issues.length > 0) throw new z.ZodError(issues);
  return { params, query, body };
}

/** The permission check every non-public route goes through: role first, then (in the handler) the object. */
function authorize(permission: Permission): RequestHandler {
  return (req, _res, next) => {
    const user = req.user;
    if (!user) return next(problems.unauthorized());
    const scope = scopeOf(user.role, permission);
    if (!scope) return next(problems.forbidden(`role ${user.role} lacks permission ${permission}`));
    const check = (resource: Resource) => {
      if (!inScope(user, scope, resource)) throw problems.forbidden(`this ${resource.kind} is outside your ${scope} scope for ${permission}`);
    };
    req.access = {
      scope,
      check,
      async checkLoaded(kind, load) {
        if (scope !== 'all') check({ kind, view: await load() } as Resource);
      },
    };
    next();
  };
}

const PUBLIC_ACCESS: Access = { scope: 'all', check: () => undefined, checkLoaded: async () => undefined };

/** Runs a public route's own authentication (RouteSpec.authenticate) and keeps its result for the handler. */
function ownAuthentication(authenticate: (req: Request) => Promise<unknown>): RequestHandler {
  return (req, res, next) => {
    authenticate(req).then((result) => {
      res.locals.authenticated = result;
      next();
    }, next);
  };
}

/** The methods a path takes, as Allow lists them: HEAD wherever GET is (Express answers it through GET), and OPTIONS everywhere. */
function allowHeader(methods: Iterable<string>): string {
  const all = new Set([...methods].map((m) => m.toUpperCase()));
  if (all.has('GET')) all.add('HEAD');
  all.add('OPTIONS');
  return [...all].sort().join(', ');
}

/** Express's path matching for the paths route specs use (`/a/:id/b.md`): case-insensitive, a trailing slash allowed. */
function pathPattern(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}/?$`, 'i');
}

/**
 * The answer for a known path with a method no route declares: 405 problem+json
 * with Allow (RFC 9110 §15.5.6), and OPTIONS: 204 with the same Allow. Allow is
 * the union over every declared path the URL matches (`/complaints/search` also
 * matches `/complaints/:id`). An unknown path goes on to the 404.
 */
function methodNotAllowed(routes: RouteSpec[]): RequestHandler {
  const byPath = new Map<string, Set<string>>();
  for (const r of routes) byPath.set(r.path, (byPath.get(r.path) ?? new Set()).add(r.method));
  const patterns = [...byPath].map(([path, methods]) => ({ pattern: pathPattern(path), methods }));
  return (req, res, next) => {
    const matching = patterns.filter((p) => p.pattern.test(req.path));
    if (matching.length === 0) return next();
    const allow = allowHeader(matching.flatMap((p) => [...p.methods]));
    res.setHeader('allow', allow);
    if (req.method === 'OPTIONS') return res.status(204).end();
    next(new HttpProblem(405, 'Method Not Allowed', `${req.path} takes ${allow}, not ${req.method}`, { code: 'METHOD_NOT_ALLOWED' }));
  };
}

declare module 'express-serve-static-core' {
  interface Request {
    access?: Access;
  }
}

export function mountRoutes(router: Router, routes: RouteSpec[], guards: { authenticate: RequestHandler; afterAuth?: RequestHandler[] }): void {
  for (const spec of routes) {
    const chain = spec.permission === 'public' ? (spec.authenticate ? [ownAuthentication(spec.authenticate)] : []) : [guards.authenticate, ...(guards.afterAuth ?? []), authorize(spec.permission)];
    // The body is read only once the caller is known to hold the permission: a caller refused learns nothing of how the route reads it.
    chain.push(...bodyReaders(spec));
    router[spec.method](spec.path, ...chain, async (req, res, next) => {
      try {
        const { params, query, body } = parseRequest(spec, req);
        const reply = await spec.handler({ params, query, body, user: req.user!, access: req.access ?? PUBLIC_ACCESS, authenticated: res.locals.authenticated, req, res } as never);
        res.status(reply.status).set(reply.headers ?? {});
        if (reply.stream) await reply.stream(res);
        else if (reply.body === undefined) res.end();
        else if (reply.contentType) res.type(reply.contentType).send(reply.body);
        else res.json(reply.body);
      } catch (err) {
        next(err);
      }
    });
  }
  router.use(methodNotAllowed(routes));
}
