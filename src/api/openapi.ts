/** OpenAPI 3.1 document generated from the same route declarations and zod schemas that validate requests. */
import { SESSION_COOKIE } from '../services/sessions';
import { z } from 'zod';
import type { RouteSpec } from './route';
import { describePermission } from './permissions';

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
    for (const [name, description] of Object.entries(r.headers ?? {})) {
      parameters.push({ name, in: 'header', required: false, description, schema: { type: 'string', maxLength: 200 } });
    }
    const responses = Object.fromEntries(
      Object.entries(r.responses).map(([code, resp]) => [
        code,
        {
          description: resp.description,
          ...(resp.schema ? { content: { [Number(code) >= 400 ? 'application/problem+json' : 'application/json']: { schema: json(resp.schema, 'output') } } } : {}),
        },
      ]),
    );
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
