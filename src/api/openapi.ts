/** OpenAPI 3.1 document generated from the same route declarations and zod schemas that validate requests. */
import { SESSION_COOKIE } from '../services/sessions';
import { z } from 'zod';
import type { RouteSpec } from './route';
import { describePermission } from './permissions';
import { HEADER_SCHEMAS, problemResponses, problemSchema } from './routes/common';

const json = (schema: z.ZodType, io: 'input' | 'output') => {
  const s = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  delete s.$schema;
  return s;
};

/**
 * A text/csv body (RouteSpec.bodyType 'csv'): the document is text; its columns
 * are the fields of the `rows` items of the route's body schema, described
 * with their JSON Schema (each cell is read as text).
 */
function csvContent(body: z.ZodType) {
  const rows = (json(body, 'input') as { properties?: { rows?: { items?: { properties?: Record<string, unknown>; required?: string[] }; maxItems?: number } } }).properties?.rows;
  const columns = rows?.items?.properties ?? {};
  const names = Object.keys(columns);
  return {
    'text/csv': {
      schema: {
        type: 'string',
        description: `RFC 4180 CSV, header row \`${names.join(',')}\` then one row per record${rows?.maxItems ? ` (at most ${rows.maxItems})` : ''}; errors name \`body.rows.<n>.<column>\` (n counts data rows from 0)`,
        'x-csv-columns': columns,
      },
    },
  };
}

/**
 * Answers the route chain (mountRoutes in src/api/route.ts) can give on any
 * route, whatever the route declares: 400 for a query or path parameter it
 * does not take (a route's query schema is strict, none means no parameters)
 * or a body that is not JSON (MALFORMED_JSON), 413 for a body over the limit
 * (every route reads a JSON body, route.ts bodyReaders), 500 for an
 * internal error (a problem with the request id and no details), and behind
 * authentication 401, 403 and 429 (the per-user rate limit).
 */
function chainResponses(r: RouteSpec): RouteSpec['responses'] {
  return problemResponses(400, 413, 500, ...(r.permission === 'public' ? [] : [401, 403, 429]));
}

/** A response's media types: its JSON schema (problem+json from 400 on), and any text alternatives. */
function responseContent(code: string, resp: RouteSpec['responses'][number]) {
  const content: Record<string, { schema: Record<string, unknown> }> = {};
  if (resp.schema) content[Number(code) >= 400 ? 'application/problem+json' : 'application/json'] = { schema: json(resp.schema, 'output') };
  for (const type of resp.text ?? []) content[type] = { schema: { type: 'string' } };
  return Object.keys(content).length > 0 ? { content } : {};
}

export function buildOpenApi(routes: RouteSpec[], info: { version: string; serverUrl?: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:(\w+)/g, '{$1}');
    const parameters: unknown[] = [];
    const addParams = (schema: z.ZodType | undefined, where: 'path' | 'query') => {
      if (!schema) return;
      const s = json(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, prop] of Object.entries(s.properties ?? {})) {
        parameters.push({ name, in: where, required: where === 'path' || (s.required ?? []).includes(name), schema: prop });
      }
    };
    addParams(r.params, 'path');
    addParams(r.query, 'query');
    for (const [name, doc] of Object.entries(r.headers ?? {})) {
      const { description, required } = typeof doc === 'string' ? { description: doc, required: false } : doc;
      const schema = HEADER_SCHEMAS[name.toLowerCase()];
      // A header without a schema is a credential (X-CSRF-Token, X-Customer-Link) the server checks as a whole (401/403), not by length.
      parameters.push({ name, in: 'header', required, description, schema: schema ? json(schema, 'input') : { type: 'string' } });
    }
    const responses = Object.fromEntries(Object.entries({ ...chainResponses(r), ...r.responses }).map(([code, resp]) => [code, { description: resp.description, ...responseContent(code, resp) }]));
    paths[path] = {
      ...paths[path],
      [r.method]: {
        summary: r.summary,
        tags: [r.tag],
        ...(r.permission === 'public' ? { security: [] } : { description: describePermission(r.permission) }),
        parameters,
        ...(r.body ? { requestBody: { required: true, content: r.bodyType === 'csv' ? csvContent(r.body) : { 'application/json': { schema: json(r.body, 'input') } } } } : {}),
        responses,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'qualityloop API',
      version: info.version,
      description: 'Complaints under SLA as durable Temporal workflows. Errors are RFC 9457 application/problem+json.',
    },
    servers: info.serverUrl ? [{ url: info.serverUrl }] : [],
    components: {
      responses: {
        // Not tied to an operation: the answer to any method a known path does not declare (src/api/route.ts).
        MethodNotAllowed: {
          description: 'the path exists but not with this method; Allow lists the methods it takes (HEAD with GET, and OPTIONS, which answers 204 with the same Allow)',
          headers: { Allow: { required: true, schema: { type: 'string' }, description: 'e.g. `GET, HEAD, OPTIONS, PUT`' } },
          content: { 'application/problem+json': { schema: json(problemSchema, 'output') } },
        },
      },
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'API key: Authorization: Bearer <key> (integrations)' },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: SESSION_COOKIE,
          description: 'Browser session from POST /auth/login or OIDC sign-in; writes also need the X-CSRF-Token header from the session (docs/security.md)',
        },
      },
    },
    security: [{ apiKey: [] }, { session: [] }],
    paths,
  };
}
