/**
 * Every API response a test receives is checked against the OpenAPI document
 * the API serves (GET /openapi.json), so a drift between server and document
 * fails the test that saw it.
 *
 * The document is built once per test file the way src/api/app.ts builds it
 * (documentedRoutes() + buildOpenApi). openapi-backend resolves the operation
 * from method + path (its OpenAPIRouter) and compiles one validator per
 * operation and status, lazily, on first use; its validators are Ajv's
 * JSON Schema 2020-12 build, the dialect of OpenAPI 3.1 and of zod's
 * toJSONSchema output (plugged in through openapi-backend's customizeAjv).
 *
 * What counts as a problem:
 * - a documented path answered with a method the document does not list,
 *   unless it is 405 with an Allow header naming exactly the documented
 *   methods (plus HEAD where GET exists, and OPTIONS);
 * - a status the operation does not document (exact code, `4XX` or `default`);
 * - a content type the response does not document, or a body where it
 *   documents none, or a body that does not match the documented schema;
 * - a response header the document declares for that status and the response lacks.
 * A path the document does not know must be a 404 problem; anything else is
 * an undocumented route. Left out by rule, as they are not the JSON API the
 * document describes: the web app (`/`, `/app`, `/app/...`), the API docs
 * page (`/docs`, `/docs/...`), the document itself (`/openapi.json`) and
 * `/metrics` (Prometheus text, token-guarded, docs/operations.md).
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { type Operation, OpenAPIRouter, OpenAPIValidator } from 'openapi-backend';
import { documentedRoutes } from '../../src/api/app';
import { buildOpenApi } from '../../src/api/openapi';

export interface ObservedResponse {
  method: string;
  /** Path with its query string, as sent. */
  path: string;
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  /** Parsed JSON for JSON media types, else the text ('' when there is none). */
  body: unknown;
  /**
   * The body could not be read (a browser drops the body of a response once the page has
   * navigated away): status, media type and headers are still checked, the body is not.
   */
  bodyUnread?: boolean;
}

type Document = ReturnType<typeof buildOpenApi>;
type MediaTypes = Record<string, { schema?: unknown }>;
interface DocumentedResponse {
  description: string;
  content?: MediaTypes;
  headers?: Record<string, { required?: boolean; schema?: unknown }>;
}

/** The path of a URL path with or without its query string. */
const pathOnly = (path: string) => path.split('?', 1)[0] ?? path;
/** The media type of a content-type header, without parameters. */
const mediaType = (contentType: string | undefined) => (contentType ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';

const NON_API = [/^\/$/, /^\/app(\/.*)?$/, /^\/docs(\/.*)?$/, /^\/openapi\.json$/, /^\/metrics$/];
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** True for the paths this helper validates (see the rule above). */
export function isApiPath(path: string): boolean {
  const pathname = pathOnly(path);
  return !NON_API.some((re) => re.test(pathname));
}

interface Loaded {
  document: Document;
  router: OpenAPIRouter;
  validator: OpenAPIValidator;
  /** The documented media types of each operation's responses by status, by operationId (openapi-backend reads only application/json). */
  media: Map<string, Record<string, string[]>>;
}

let loaded: Loaded | undefined;

/** The OpenAPI document exactly as GET /openapi.json serves it (without `servers`, which depends on config). */
export function openApiDocument(): Document {
  return load().document;
}

function load(): Loaded {
  if (loaded) return loaded;
  const document = buildOpenApi(documentedRoutes(), { version: '0.1.0' });
  // openapi-backend keys operations by operationId and validates only `application/json` content: give it a copy
  // with ids (method + path) and each response's one documented schema under that media type. The real media
  // types are kept aside and checked here against the response's content-type.
  const copy = structuredClone(document) as unknown as { paths: Record<string, Record<string, { operationId?: string; responses: Record<string, DocumentedResponse> }>> };
  const media = new Map<string, Record<string, string[]>>();
  for (const [path, item] of Object.entries(copy.paths)) {
    for (const [method, op] of Object.entries(item)) {
      op.operationId ??= `${method} ${path}`;
      const byStatus: Record<string, string[]> = {};
      for (const [status, response] of Object.entries(op.responses)) {
        const types = Object.keys(response.content ?? {});
        byStatus[status] = types;
        const withSchema = types.filter((t) => response.content?.[t]?.schema !== undefined && isJsonMediaType(t));
        if (withSchema.length > 1) throw new Error(`${method} ${path} ${status}: several JSON media types; teach openapi-validation.ts to pick one`);
        const json = withSchema[0] === undefined ? undefined : response.content?.[withSchema[0]];
        if (json) response.content = { 'application/json': json };
        else delete response.content;
      }
      media.set(op.operationId, byStatus);
    }
  }
  const definition = copy as never;
  const router = new OpenAPIRouter({ definition });
  // The document never changes: list its operations once instead of on every match (the library rebuilds the list each time).
  const operations = router.getOperations();
  router.getOperations = () => operations;
  // One Ajv for every operation, compiling each distinct schema once: the library hands Ajv a fresh deep copy per
  // operation and status, which defeats Ajv's own cache (by object), and the problem schema alone recurs ~900 times.
  let ajv: Ajv2020 | undefined;
  const compiled = new Map<string, ValidateFunction>();
  const validator = new OpenAPIValidator({
    definition,
    router,
    lazyCompileValidators: true,
    customizeAjv: (_draft07, options) => {
      if (ajv) return ajv as never;
      ajv = new Ajv2020({ ...options, strict: false, allErrors: true });
      addFormats(ajv);
      const compile = ajv.compile.bind(ajv);
      ajv.compile = ((schema: object) => {
        const key = JSON.stringify(schema);
        if (!compiled.has(key)) compiled.set(key, compile(schema));
        return compiled.get(key)!;
      }) as typeof ajv.compile;
      return ajv as never;
    },
  });
  loaded = { document, router, validator, media };
  return loaded;
}

const isJsonMediaType = (type: string) => /^application\/([\w.-]+\+)?json$/.test(type);

/** Matches a documented status: exact, then `4XX`, then `default` (OpenAPI 3.1 §4.8.16). */
function documentedStatus(responses: Record<string, unknown>, status: number): string | undefined {
  return [String(status), `${Math.floor(status / 100)}XX`, 'default'].find((k) => k in responses);
}

function findOperation(l: Loaded, method: string, pathname: string): { op?: Operation; methods: string[] } {
  // Express answers HEAD through the GET route.
  const lookup = method === 'head' ? 'get' : method;
  const op = l.router.matchOperation({ method: lookup, path: pathname, headers: {} });
  if (op) return { op, methods: [] };
  // Which methods does the document list for this path? (a strict match throws 405 vs 404)
  const methods = HTTP_METHODS.filter((m) => l.router.matchOperation({ method: m, path: pathname, headers: {} }));
  return { methods };
}

/** Everything about `res` that the document contradicts (empty when the response is as documented). */
export function validateResponse(res: ObservedResponse): string[] {
  const pathname = pathOnly(res.path);
  if (!isApiPath(pathname)) return [];
  const l = load();
  const method = res.method.toLowerCase();
  const { op, methods } = findOperation(l, method, pathname);
  if (!op) {
    if (methods.length === 0) {
      // Not a documented path: only "no such route" is consistent with the document.
      if (res.status === 404 && /^application\/problem\+json/.test(res.headers['content-type'] ?? '')) return [];
      return [`path ${pathname} is not in the document, yet the server answered ${res.status} (only a 404 problem would agree)`];
    }
    const allowed = new Set(methods.map((m) => m.toUpperCase()));
    if (allowed.has('GET')) allowed.add('HEAD');
    allowed.add('OPTIONS');
    if (method === 'options' && res.status < 300) return checkAllow(res, allowed);
    if (res.status !== 405) return [`${res.method.toUpperCase()} is not documented for ${pathname} (documented: ${methods.join(', ').toUpperCase()}), yet the server answered ${res.status} instead of 405`];
    const problems = checkAllow(res, allowed);
    if (!/^application\/problem\+json/.test(res.headers['content-type'] ?? '')) problems.push('a 405 must be a problem+json');
    return problems;
  }

  const responses = op.responses as Record<string, DocumentedResponse>;
  const key = documentedStatus(responses, res.status);
  if (!key) return [`status ${res.status} is not documented (documented: ${Object.keys(responses).join(', ')})`];

  const problems: string[] = [];
  const documented = l.media.get(op.operationId ?? '')?.[key] ?? [];
  const contentType = mediaType(res.headers['content-type']);
  const hasBody = !(res.body === '' || res.body === undefined);
  if (method !== 'head' && !res.bodyUnread) {
    if (documented.length === 0 && hasBody) problems.push(`the document declares no body for ${key}, yet the server sent ${contentType || 'a body without content-type'}`);
    if (documented.length > 0 && !documented.includes(contentType)) problems.push(`content-type ${contentType || '(none)'} is not documented for ${key} (documented: ${documented.join(', ')})`);
    else if (isJsonMediaType(contentType) && responses[key]?.content) {
      const r = l.validator.validateResponse(res.body, op, res.status);
      for (const e of r.errors ?? []) problems.push(`body${e.instancePath || ''} ${e.message}${e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ''}`);
    }
  }
  for (const [name, header] of Object.entries(responses[key]?.headers ?? {})) {
    if (header.required === true && res.headers[name.toLowerCase()] === undefined) problems.push(`documented response header ${name} is missing`);
  }
  const h = l.validator.validateResponseHeaders(res.headers, op, { statusCode: res.status });
  for (const e of h.errors ?? []) problems.push(`header${e.instancePath} ${e.message}`);
  return problems;
}

function checkAllow(res: ObservedResponse, allowed: Set<string>): string[] {
  const got = new Set((res.headers.allow ?? '').split(',').map((m) => m.trim().toUpperCase()).filter(Boolean));
  const same = got.size === allowed.size && [...got].every((m) => allowed.has(m));
  return same ? [] : [`Allow is "${res.headers.allow ?? ''}", the document lists ${[...allowed].sort().join(', ')}`];
}

/** Throws, naming method, path, status and each problem, unless `res` is as documented. */
export function assertDocumentedResponse(res: ObservedResponse): void {
  const problems = validateResponse(res);
  if (problems.length === 0) return;
  const shown = typeof res.body === 'string' ? res.body.slice(0, 300) : JSON.stringify(res.body)?.slice(0, 600);
  throw new Error(`OpenAPI contract: ${res.method.toUpperCase()} ${res.path} -> ${res.status} does not match the document:\n  - ${problems.join('\n  - ')}\n  body: ${shown}`);
}

/** Reads a fetch Response the way call() does: headers in lower case, JSON parsed for JSON media types. */
export async function observe(method: string, url: string, res: Response): Promise<ObservedResponse> {
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => (headers[k] = v));
  const text = await res.clone().text();
  const json = isJsonMediaType(mediaType(headers['content-type'])) && text.length > 0;
  const u = new URL(url);
  return { method, path: u.pathname + u.search, status: res.status, headers, body: json ? (JSON.parse(text) as unknown) : text };
}

/**
 * fetch for tests that talk to the API without call() (cookies, redirects, spawned API processes): the response is
 * validated like call()'s, and returned unread.
 */
export async function validatedFetch(input: string | URL, init: RequestInit = {}): Promise<Response> {
  const url = String(input);
  const method = (init.method ?? 'GET').toUpperCase();
  const res = await fetch(url, init);
  if (isApiPath(new URL(url).pathname)) assertDocumentedResponse(await observe(method, url, res));
  return res;
}
