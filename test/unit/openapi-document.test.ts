/**
 * The OpenAPI document says what the server checks (issue 13 §4): the problem
 * schema describes what sendProblem writes, the Idempotency-Key header has the
 * server's pattern, and in every request schema a string's blank rule and an
 * array's repeat rule are the same in the document and in the zod schema the
 * server validates with.
 *
 * The last two are derived from the schemas, not from a list: zod's JSON Schema
 * generation hands every schema node it converts to `override`, together with
 * the JSON Schema it produced for it, so each node is checked against its own
 * documentation (strings: whitespace-only values; arrays: a valid value with
 * one item repeated, from the same generator the property test uses).
 */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { z } from 'zod';
import { documentedRoutes } from '../../src/api/app';
import { buildOpenApi } from '../../src/api/openapi';
import { HttpProblem, sendProblem, toProblem } from '../../src/api/problem';
import { idempotencyKeySchema, readIdempotencyKey } from '../../src/api/routes/common';
import { type JsonSchema, requestJsonSchema, roundTrip, schemaShaped } from '../helpers/invalid-payloads';

const routes = documentedRoutes();
const doc = buildOpenApi(routes, { version: 'test' }) as unknown as {
  paths: Record<string, Record<string, { parameters: { name: string; in: string; schema: JsonSchema }[]; responses: Record<string, { content?: Record<string, { schema: JsonSchema }> }> }>>;
  components: { responses: Record<string, { headers: Record<string, unknown>; content: Record<string, { schema: JsonSchema }> }> };
};
const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ name: `${method.toUpperCase()} ${path}`, op })));

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const compiled = new Map<string, ReturnType<typeof ajv.compile>>();
/** Ajv's verdict on `value` (one compiled validator per distinct schema: the problem schema repeats hundreds of times). */
function valid(schema: JsonSchema, value: unknown): boolean {
  const key = JSON.stringify(schema);
  let check = compiled.get(key);
  if (!check) compiled.set(key, (check = ajv.compile(schema as object)));
  return check(value) as boolean;
}

/**
 * Every place in a route's request parts, with the zod schema there and the JSON Schema the document shows
 * for it. zod converts a node's inner steps first (the array, then its refined copy, then `.optional()`) at
 * the same path; the last one is the schema the server runs there and the JSON the document holds.
 */
function requestNodes(): { where: string; zod: z.ZodType; json: JsonSchema }[] {
  const nodes = new Map<string, { where: string; zod: z.ZodType; json: JsonSchema }>();
  for (const r of routes) {
    for (const part of ['params', 'query', 'body'] as const) {
      const schema = r[part];
      if (!schema) continue;
      z.toJSONSchema(schema, {
        io: 'input',
        unrepresentable: 'any',
        target: 'draft-2020-12',
        override: (ctx) => {
          const where = `${r.method.toUpperCase()} ${r.path} ${part}${ctx.path.map((k) => `/${String(k)}`).join('')}`;
          nodes.set(where, { where, zod: ctx.zodSchema as unknown as z.ZodType, json: ctx.jsonSchema as JsonSchema });
        },
      });
    }
  }
  return [...nodes.values()];
}
const NODES = requestNodes();

interface ZodInternals {
  _zod: { def: { type: string; innerType?: ZodInternals; checks?: { _zod: { def: { check: string } } }[] } };
}
/** The schema rewrites the string before its checks (`.trim()` is zod's only such step in these schemas: an overwrite check). */
function trims(schema: z.ZodType): boolean {
  let s = schema as unknown as ZodInternals;
  while (s._zod.def.innerType) s = s._zod.def.innerType; // optional, default, nullable
  return s._zod.def.type === 'string' && (s._zod.def.checks ?? []).some((c) => c._zod.def.check === 'overwrite');
}

/** What the server writes for `problem`, through the real sendProblem. */
function written(problem: HttpProblem): unknown {
  let text = '';
  const res = { locals: { requestId: 'req-1' }, status: () => res, set: () => res, send: (t: string) => ((text = t), res) };
  sendProblem(res as never, problem, '/complaints?x=1');
  return JSON.parse(text);
}

describe('the OpenAPI document states what the server checks', () => {
  it('given the problems the server writes (validation, not found, rate limit with extension members, no code), when checked against every documented problem response, then each one validates and carries the request id', () => {
    const samples = [
      toProblem(new z.ZodError([{ code: 'custom', path: ['body', 'x'], message: 'bad', input: undefined }]))!,
      toProblem({ type: 'entity.parse.failed', status: 400 })!,
      new HttpProblem(404, 'Not Found', 'no route', { code: 'NOT_FOUND' }),
      new HttpProblem(429, 'Too Many Requests', 'locked', { code: 'SIGN_IN_LOCKED', lockedUntil: '2030-01-01T00:00:00.000Z', retryAfterSeconds: 5 }),
      new HttpProblem(404, 'Not Found', 'no asset'),
    ].map(written);
    const problemSchemas = operations.flatMap(({ name, op }) =>
      Object.entries(op.responses).flatMap(([status, r]) => (r.content?.['application/problem+json'] ? [{ where: `${name} ${status}`, schema: r.content['application/problem+json'].schema }] : [])),
    );
    expect(problemSchemas.length).toBeGreaterThan(300);
    for (const { where, schema } of problemSchemas) {
      expect({ where, required: schema.required }).toEqual({ where, required: expect.arrayContaining(['type', 'title', 'status', 'requestId']) });
      for (const body of samples) expect({ where, body, valid: valid(schema, body) }).toEqual({ where, body, valid: true });
    }
    expect(samples.every((s) => (s as { requestId?: string }).requestId === 'req-1')).toBe(true);
    // Without the request id the body is not what the document promises.
    const { requestId: _dropped, ...withoutId } = samples[0] as Record<string, unknown>;
    expect(valid(problemSchemas[0]!.schema, withoutId)).toBe(false);
  });

  it('given the 405 answer, when the document is read, then components.responses.MethodNotAllowed describes it: a required Allow header and the problem schema', () => {
    const r = doc.components.responses.MethodNotAllowed!;
    expect(r.headers).toEqual({ Allow: expect.objectContaining({ required: true }) });
    expect(valid(r.content['application/problem+json']!.schema, written(new HttpProblem(405, 'Method Not Allowed', 'x', { code: 'METHOD_NOT_ALLOWED' })))).toBe(true);
  });

  it('given every declared Idempotency-Key header, when documented, then it has the pattern the server checks (1-200 visible ASCII characters), and the server accepts exactly what the pattern does', () => {
    const headers = operations.flatMap(({ name, op }) => op.parameters.filter((p) => p.in === 'header' && p.name.toLowerCase() === 'idempotency-key').map((p) => ({ name, schema: p.schema })));
    expect(headers.length).toBeGreaterThan(40);
    for (const { name, schema } of headers) expect({ name, schema }).toEqual({ name, schema: { type: 'string', pattern: '^[\\x21-\\x7E]{1,200}$', minLength: 1, maxLength: 200 } });
    const schema = headers[0]!.schema;
    for (const key of ['', 'a', 'k-1_x.y~!', 'x'.repeat(200), 'x'.repeat(201), 'a b', 'tab\there', 'caf\u00e9', '\u007f', 'line\nbreak']) {
      let accepted = true;
      try {
        readIdempotencyKey(key);
      } catch {
        accepted = false;
      }
      expect({ key, accepted, documented: valid(schema, key) }).toEqual({ key, accepted: valid(schema, key), documented: valid(schema, key) });
    }
    expect(idempotencyKeySchema.safeParse('x'.repeat(201)).success).toBe(false);
  });

  it('given the customer-link routes, when documented, then X-Customer-Link is a required header on each, and Idempotency-Key a required one on each write (the server refuses a request without them)', () => {
    const linkOps = operations.filter((o) => o.name.includes(' /customer-link'));
    expect(linkOps.length).toBeGreaterThanOrEqual(6);
    for (const { name, op } of linkOps) {
      const header = (h: string) => op.parameters.find((p) => p.in === 'header' && p.name.toLowerCase() === h) as { required?: boolean } | undefined;
      expect({ name, link: header('x-customer-link')?.required }).toEqual({ name, link: true });
      if (!name.startsWith('GET ')) expect({ name, key: header('idempotency-key')?.required }).toEqual({ name, key: true });
    }
  });

  it('given every string the server trims in every request schema, when it is whitespace only, then the server accepts it exactly when the document does (a non-blank text is documented with the pattern \\S)', () => {
    const strings = NODES.filter((n) => n.json.type === 'string' && trims(n.zod));
    expect(strings.length).toBeGreaterThan(100);
    const disagreements = strings.flatMap(({ where, zod, json }) =>
      [' ', '   ', ' \t\n '].flatMap((blank) => {
        const server = zod.safeParse(blank).success;
        const documented = valid(json, blank);
        return server === documented ? [] : [{ where, json, blank, server, documented }];
      }),
    );
    expect(disagreements).toEqual([]);
    // The helper behind every free text: blank is refused, and the document says so.
    const texts = strings.filter((n) => n.json.pattern === '\\S');
    expect(texts.length).toBeGreaterThan(100);
  });

  it('given every array in every request schema, when a valid value repeats one of its items, then the server refuses it exactly when the document declares uniqueItems', () => {
    const arrays = NODES.filter((n) => n.json.type === 'array' && (n.json.maxItems ?? 2) >= 2);
    let checked = 0;
    const disagreements: unknown[] = [];
    arrays.forEach(({ where, zod, json }, i) => {
      const full = requestJsonSchema(zod);
      const candidates = fc.sample(schemaShaped(full), { numRuns: 60, seed: 1000 + i });
      const base = candidates.find((v): v is unknown[] => Array.isArray(v) && v.length >= 1 && zod.safeParse(roundTrip(v)).success);
      if (!base) return;
      const repeated = base.length >= 2 ? [base[0], base[0], ...base.slice(2)] : [base[0], base[0]];
      if ((json.minItems ?? 0) > repeated.length) return;
      checked++;
      const refused = !zod.safeParse(roundTrip(repeated)).success;
      const declared = (json as { uniqueItems?: boolean }).uniqueItems === true;
      if (refused !== declared) disagreements.push({ where, items: json.items, repeated, refused, declared });
    });
    expect(disagreements).toEqual([]);
    // Enough arrays were exercised for the rule to mean something (sets and lists alike).
    expect(checked).toBeGreaterThan(60);
    expect(arrays.filter((a) => (a.json as { uniqueItems?: boolean }).uniqueItems).length).toBeGreaterThan(20);
  });

  it('given SLA-policy severities, queues and tags, when a value repeats, then the server refuses it and the document declares uniqueItems (the cases the issue names)', () => {
    const body = (method: string, path: string) => doc.paths[path]![method]! as unknown as { requestBody: { content: { 'application/json': { schema: JsonSchema } } } };
    const policy = body('post', '/sla-policies').requestBody.content['application/json'].schema;
    expect(policy.properties!.match!.properties!.severities).toMatchObject({ uniqueItems: true });
    expect(body('post', '/admin/users').requestBody.content['application/json'].schema.properties!.queues).toMatchObject({ uniqueItems: true });
    expect(body('post', '/complaints/{id}/resolve').requestBody.content['application/json'].schema.properties!.tags).toMatchObject({ uniqueItems: true });
    const spec = routes.find((r) => r.method === 'post' && r.path === '/sla-policies')!;
    const policyBody = { policyId: 'p', name: 'P', match: { severities: ['P2', 'P2'] }, targets: { firstResponseMinutes: 60, nextResponseMinutes: 60, resolutionMinutes: 600 }, calendarId: 'always' };
    const r = spec.body!.safeParse(policyBody);
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.'))).toEqual(['match.severities']);
    expect(spec.body!.safeParse({ ...policyBody, match: { severities: ['P2', 'P3'] } }).success).toBe(true);
  });
});
