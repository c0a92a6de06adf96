/**
 * The request constraints the OpenAPI document states hold on the live API,
 * derived from the document itself (GET /openapi.json), not from the zod
 * schemas behind it: for every operation, every parameter (path, query,
 * header) and every field of the JSON request body, each constraint keyword
 * (required, minLength, maxLength, pattern, format, enum, const, minimum,
 * maximum, exclusiveMinimum/Maximum, minItems, maxItems, uniqueItems,
 * additionalProperties: false) gets
 * - one request that breaks exactly that constraint, starting from a valid
 *   request, which must be answered 400 naming the field's path, and
 * - where the keyword has one, the boundary value that still satisfies it
 *   (exactly maxLength, the minimum, the last enum value...), which must not be
 *   refused at that path with the message the violation got (it may be
 *   accepted, refused for another reason such as a state conflict, or by a
 *   further rule the document states only in prose, such as a share's target
 *   within 0..1: those are printed with the run's figures).
 * Every candidate value is first checked against the field's own schema with
 * Ajv (JSON Schema 2020-12), so the test sends what the document says it
 * sends. The valid starting requests are the access matrix's probes
 * (test/helpers/endpoint-requests.ts), sent with a role holding the route's
 * permission; random faults per route stay in property.test.ts.
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { documentedRoutes } from '../../src/api/app';
import { PERMISSIONS, type Permission } from '../../src/api/permissions';
import { type ApiStack, type Problem, startApiStack } from '../helpers/api';
import { ENDPOINT_REQUESTS, type EndpointRequest, type MatrixContext, prepareMatrix } from '../helpers/endpoint-requests';
import type { JsonSchema } from '../helpers/invalid-payloads';
import { openApiDocument } from '../helpers/openapi-validation';

/** Requests in flight at once: enough to keep the run short, few enough for a shared 2-core machine. */
const CONCURRENCY = 4;
/** Strings longer than this would hit the 64 kB body limit (413) instead of the field's constraint. */
const LONGEST_STRING = 60_000;

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: JsonSchema;
}
interface Operation {
  parameters: Parameter[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
}
type Document = { paths: Record<string, Record<string, Operation>> };

/** A request as the cases rewrite it. */
interface Req {
  segments: string[];
  query: [string, string][];
  headers: Record<string, string>;
  body: unknown;
  rawBody?: string;
}

interface Case {
  /** The error path the server must name (`body.customer.id`, `query.limit`, `headers.idempotency-key`). */
  path: string;
  keyword: string;
  violate: (r: Req) => Req;
  /** The value at the edge of the constraint that must still raise no error at `path`. */
  boundary?: (r: Req) => Req;
}

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const compiled = new Map<string, ValidateFunction>();
function validatorOf(schema: JsonSchema): ValidateFunction {
  const key = JSON.stringify(schema);
  if (!compiled.has(key)) compiled.set(key, ajv.compile(schema));
  return compiled.get(key)!;
}
/** The keywords `value` breaks in `schema` (empty when it satisfies it). */
function brokenKeywords(schema: JsonSchema, value: unknown): string[] {
  const validate = validatorOf(schema);
  return validate(value) ? [] : [...new Set((validate.errors ?? []).map((e) => e.keyword))];
}
/** The candidate that breaks `keyword` and nothing else if there is one, else one that breaks at least `keyword`. */
function violation(schema: JsonSchema, keyword: string, candidates: unknown[]): { value: unknown } | undefined {
  const breaking = candidates.filter((c) => brokenKeywords(schema, c).includes(keyword));
  const exact = breaking.find((c) => brokenKeywords(schema, c).length === 1);
  return breaking.length === 0 ? undefined : { value: exact ?? breaking[0] };
}
const satisfying = (schema: JsonSchema, candidates: unknown[]) => candidates.find((c) => brokenKeywords(schema, c).length === 0);

const types = (s: JsonSchema): string[] => (s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type]);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const clone = (r: Req): Req => ({ ...r, segments: [...r.segments], query: r.query.map(([k, v]) => [k, v] as [string, string]), headers: { ...r.headers }, body: structuredClone(r.body) });

/** `base` cut or repeated to `length` characters (keeps the base's alphabet, so patterns like `^[a-z0-9-]+$` still hold). */
function sized(base: unknown, length: number): string {
  const seed = typeof base === 'string' && base.length > 0 ? base : 'a';
  return seed.repeat(Math.ceil(length / seed.length) + 1).slice(0, length);
}

const ODD_STRINGS = ['a b', ' ', '   ', '!', '-', '.', 'A', '0', '\t', 'x'.repeat(3) + '!', 'not/allowed', 'Zz~'];

/** Violation and boundary values of the scalar keywords of `schema`, around the valid value `base`. */
function scalarCases(schema: JsonSchema, base: unknown): { keyword: string; bad: unknown; good?: unknown }[] {
  const out: { keyword: string; bad: unknown; good?: unknown }[] = [];
  const add = (keyword: string, badCandidates: unknown[], goodCandidates: unknown[] = []) => {
    const bad = violation(schema, keyword, badCandidates);
    if (bad) out.push({ keyword, bad: bad.value, good: satisfying(schema, goodCandidates) });
  };
  const integer = types(schema).includes('integer');
  const step = integer ? 1 : 0.5;
  if (schema.minLength !== undefined && schema.minLength > 0) add('minLength', [sized(base, schema.minLength - 1), ''], [sized(base, schema.minLength), sized('a', schema.minLength)]);
  if (schema.maxLength !== undefined && schema.maxLength < LONGEST_STRING) add('maxLength', [sized(base, schema.maxLength + 1), sized('a', schema.maxLength + 1)], [sized(base, schema.maxLength), sized('a', schema.maxLength)]);
  if (schema.pattern !== undefined) add('pattern', [...ODD_STRINGS, typeof base === 'string' ? `${base} ` : 'a ']);
  if (schema.format !== undefined) add('format', [`not-a-${schema.format}`, 'x']);
  if (schema.enum !== undefined) {
    const numeric = schema.enum.every((e) => typeof e === 'number');
    add('enum', numeric ? [Math.max(...(schema.enum as number[])) + 1] : ['not-in-the-enum', 'zz-unknown'], [...schema.enum].reverse());
  }
  if (schema.const !== undefined) add('const', [typeof schema.const === 'string' ? `${schema.const}-other` : 'other']);
  if (schema.minimum !== undefined) add('minimum', [schema.minimum - step], [schema.minimum]);
  if (schema.maximum !== undefined) add('maximum', [schema.maximum + step], [schema.maximum]);
  if (schema.exclusiveMinimum !== undefined) add('exclusiveMinimum', [schema.exclusiveMinimum], [schema.exclusiveMinimum + step]);
  if (schema.exclusiveMaximum !== undefined) add('exclusiveMaximum', [schema.exclusiveMaximum], [schema.exclusiveMaximum - step]);
  return out;
}

/** Distinct values the items schema accepts: the base items first, then enum members, then variants of the first. */
function itemPool(items: JsonSchema | undefined, base: unknown[], count: number): unknown[] {
  if (!items) return base;
  const pool: unknown[] = [];
  const seen = new Set<string>();
  const offer = (v: unknown) => {
    const key = JSON.stringify(v);
    if (!seen.has(key) && brokenKeywords(items, v).length === 0) {
      seen.add(key);
      pool.push(v);
    }
  };
  base.forEach(offer);
  (items.enum ?? []).forEach(offer);
  const seed = base[0];
  for (let i = 0; pool.length < count && i < count * 3; i++) {
    if (typeof seed === 'string') offer(`${seed}${i}`.slice(-Math.max(1, items.maxLength ?? 64)));
    else if (typeof seed === 'number') offer(seed + i + 1);
    else if (seed === undefined) offer(`item${i}`);
  }
  return pool;
}

function arrayCases(schema: JsonSchema, base: unknown): { keyword: string; bad: unknown; good?: unknown }[] {
  const have = Array.isArray(base) ? base : [];
  const wanted = Math.max(schema.maxItems ?? 0, schema.minItems ?? 0, 2) + 1;
  const pool = itemPool(schema.items, have, wanted);
  const first = pool[0] ?? have[0];
  const out: { keyword: string; bad: unknown; good?: unknown }[] = [];
  const add = (keyword: string, bad: unknown[], good: unknown[] = []) => {
    const v = violation(schema, keyword, bad);
    if (v) out.push({ keyword, bad: v.value, good: satisfying(schema, good) });
  };
  if (schema.minItems !== undefined && schema.minItems > 0) add('minItems', [pool.slice(0, schema.minItems - 1), []], [pool.slice(0, schema.minItems)]);
  if (schema.maxItems !== undefined && schema.maxItems < 1000) {
    const repeated = first === undefined ? [] : Array.from({ length: schema.maxItems + 1 }, () => first);
    add('maxItems', [pool.slice(0, schema.maxItems + 1), repeated], [pool.slice(0, schema.maxItems)]);
  }
  if ((schema as JsonSchema & { uniqueItems?: boolean }).uniqueItems && first !== undefined) add('uniqueItems', [[first, first]], [pool.slice(0, 2)]);
  return out;
}

/** The branch of a union the base value takes (or the first that is not null). */
function branchOf(schema: JsonSchema, value: unknown): JsonSchema {
  const alts = schema.anyOf ?? schema.oneOf;
  if (!alts) return schema;
  return alts.find((a) => value !== undefined && brokenKeywords(a, value).length === 0) ?? alts.find((a) => !types(a).includes('null') || types(a).length > 1) ?? alts[0]!;
}

/** Sets (or with `remove`, deletes) the value at `path`, making objects and arrays on the way. */
function setAt(root: unknown, path: (string | number)[], value: unknown, remove = false): unknown {
  if (path.length === 0) return value;
  const top = (root ?? (typeof path[0] === 'number' ? [] : {})) as Record<string | number, unknown>;
  let node = top;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i]!;
    if (node[k] === null || typeof node[k] !== 'object') node[k] = typeof path[i + 1] === 'number' ? [] : {};
    node = node[k] as Record<string | number, unknown>;
  }
  const last = path[path.length - 1]!;
  if (remove) delete node[last];
  else node[last] = value;
  return top;
}
const bodyEdit = (path: (string | number)[], value: unknown, remove = false) => (r: Req) => {
  const next = clone(r);
  next.body = setAt(next.body, path, value, remove);
  return next;
};

/** Every case of a JSON body schema, walking objects and the first item of arrays of the valid body. */
function bodyCases(schema: JsonSchema, value: unknown, path: (string | number)[] = []): Case[] {
  const s = branchOf(schema, value);
  const at = ['body', ...path].join('.');
  const cases: Case[] = [];
  if (s.properties || types(s).includes('object')) {
    if (!isObject(value)) return cases;
    for (const k of s.required ?? []) {
      if (k in value) cases.push({ path: [at, k].join('.'), keyword: 'required', violate: bodyEdit([...path, k], undefined, true) });
    }
    if (s.additionalProperties === false) cases.push({ path: `${at}.unexpectedField`, keyword: 'additionalProperties', violate: bodyEdit([...path, 'unexpectedField'], 'x') });
    for (const [k, prop] of Object.entries(s.properties ?? {})) cases.push(...bodyCases(prop, value[k], [...path, k]));
    return cases;
  }
  if (types(s).includes('array')) {
    for (const c of arrayCases(s, value)) cases.push({ path: at, keyword: c.keyword, violate: bodyEdit(path, c.bad), boundary: c.good === undefined ? undefined : bodyEdit(path, c.good) });
    if (s.items) cases.push(...bodyCases(s.items, Array.isArray(value) ? value[0] : undefined, [...path, 0]));
    return cases;
  }
  for (const c of scalarCases(s, value)) cases.push({ path: at, keyword: c.keyword, violate: bodyEdit(path, c.bad), boundary: c.good === undefined ? undefined : bodyEdit(path, c.good) });
  return cases;
}

/** Path segments that would not reach the same route (an empty segment, `.` or `..`). */
const routable = (v: unknown) => typeof v !== 'string' || (v !== '' && v !== '.' && v !== '..' && !/^\s|\s$/.test(v));
/** fetch refuses header values with control characters and trims surrounding spaces. */
const sendableHeader = (v: unknown) => typeof v !== 'string' || (/^[\x20-\x7e]*$/.test(v) && v === v.trim() && v !== '');

function parameterCases(p: Parameter, template: string[], base: Req): Case[] {
  const where = { path: 'params', query: 'query', header: 'headers' }[p.in];
  const name = p.in === 'header' ? p.name.toLowerCase() : p.name;
  const at = `${where}.${name}`;
  const index = template.indexOf(`{${p.name}}`);
  const current = p.in === 'path' ? decodeURIComponent(base.segments[index] ?? '') : p.in === 'query' ? base.query.find(([k]) => k === name)?.[1] : base.headers[name];
  const put = (value: unknown) => (r: Req) => {
    const next = clone(r);
    if (p.in === 'path') next.segments[index] = encodeURIComponent(String(value));
    else if (p.in === 'query') next.query = [...next.query.filter(([k]) => k !== name), [name, String(value)]];
    else next.headers[name] = String(value);
    return next;
  };
  const cases: Case[] = [];
  if (p.in === 'query' && p.required && current !== undefined) cases.push({ path: at, keyword: 'required', violate: (r) => ({ ...clone(r), query: r.query.filter(([k]) => k !== name) }) });
  const typedCurrent = current !== undefined && types(p.schema).some((t) => t === 'number' || t === 'integer') ? Number(current) : current;
  const fits = (v: unknown) => (p.in === 'path' ? routable(v) : p.in === 'header' ? sendableHeader(v) : true);
  for (const c of scalarCases(p.schema, typedCurrent)) {
    if (!fits(c.bad)) continue;
    cases.push({ path: at, keyword: c.keyword, violate: put(c.bad), boundary: c.good !== undefined && fits(c.good) ? put(c.good) : undefined });
  }
  return cases;
}

/**
 * A key allowed to call the route on the probe's object, so the handler gets as far as reading its headers: a
 * role whose scope is `all`, else (cycles, which no role sees whole) otto, who owns the cycles the probes act on.
 */
function keyFor(ctx: MatrixContext, permission: Permission | 'public'): string | undefined {
  if (permission === 'public') return undefined;
  const roles = Object.entries(PERMISSIONS[permission].roles as Record<string, string>);
  const whole = roles.find(([, scope]) => scope === 'all');
  if (whole) return ctx.stack.keys[whole[0]];
  if (roles.some(([role]) => role === 'process_owner')) return ctx.otto.key;
  return ctx.stack.keys[roles[0]![0]];
}

/** A call the response validator refused (an undocumented answer), as a result the case reports. */
const contractFailure = (err: Error) => ({ status: 0, body: { type: '', title: '', status: 0 } as Problem, text: err.message });

/** Runs `tasks` with at most `limit` at once. */
async function pool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, tasks.length) }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]!();
      }
    }),
  );
  return results;
}

const OPERATIONS = Object.entries((openApiDocument() as unknown as Document).paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
const PERMISSION_OF = new Map(documentedRoutes().map((r) => [`${r.method.toUpperCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`, r.permission]));
const ENTRY_OF = new Map(ENDPOINT_REQUESTS.map((e) => [e.route.replace(/:(\w+)/g, '{$1}'), e]));

describe('documented request constraints, exercised from the OpenAPI document', () => {
  let stack: ApiStack;
  let ctx: MatrixContext;
  let live: Document;
  const tally = { requests: 0, violations: 0, boundaries: 0, keywords: new Map<string, number>(), refined: [] as string[], started: 0 };

  beforeAll(async () => {
    stack = await startApiStack();
    ctx = await prepareMatrix(stack);
    const res = await stack.call<Document>('GET', '/openapi.json');
    expect(res.status).toBe(200);
    live = res.body;
    tally.started = Date.now();
  });
  afterAll(async () => {
    await stack?.stop();
    const seconds = ((Date.now() - tally.started) / 1000).toFixed(1);
    console.log(
      `request constraints: ${tally.requests} requests (${tally.violations} violations, ${tally.boundaries} boundaries) over ${OPERATIONS.length} operations in ${seconds} s; ` +
        `by keyword ${JSON.stringify(Object.fromEntries(tally.keywords))}; edges refused by a further rule:\n${tally.refined.join('\n')}`,
    );
  });

  it('given the live document, when its operations are listed, then each has a valid starting request and a documented permission', () => {
    const listed = Object.entries(live.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
    expect(listed.sort()).toEqual([...OPERATIONS].sort());
    expect(OPERATIONS.filter((op) => !ENTRY_OF.has(op) || !PERMISSION_OF.has(op))).toEqual([]);
  });

  it.each(OPERATIONS)('given %s, when each documented constraint is broken once and met at its edge, then 400 names the field, and the edge names nothing there', async (name) => {
    const [method, template] = name.split(' ') as [string, string];
    const op = live.paths[template]![method.toLowerCase()]!;
    const permission = PERMISSION_OF.get(name)!;
    const key = keyFor(ctx, permission);
    const probe: EndpointRequest = await ENTRY_OF.get(name)!.probe(ctx);
    const [pathname, search] = probe.path.split('?') as [string, string | undefined];
    const base: Req = {
      segments: pathname.split('/'),
      query: [...new URLSearchParams(search ?? '')],
      headers: Object.fromEntries(Object.entries(probe.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
      body: probe.body,
      rawBody: probe.rawBody,
    };
    const templateSegments = template.split('/');
    const cases = op.parameters.flatMap((p) => parameterCases(p, templateSegments, base));
    const json = op.requestBody?.content['application/json'];
    if (json && base.rawBody === undefined) cases.push(...bodyCases(json.schema, base.body));

    const send = (r: Req) => {
      const qs = r.query.length > 0 ? `?${new URLSearchParams(r.query).toString()}` : '';
      tally.requests++;
      return stack.call<Problem>(method, r.segments.join('/') + qs, { key, headers: r.headers, ...(r.rawBody !== undefined ? { rawBody: r.rawBody } : r.body !== undefined ? { body: r.body } : {}) });
    };
    /** The messages of the errors the problem names at `at` or below it. */
    const messagesAt = (res: { status: number; body: Problem }, at: string) =>
      res.status === 400 ? (res.body.errors ?? []).filter((e) => e.path === at || e.path.startsWith(`${at}.`)).map((e) => e.message) : [];
    const failures: string[] = [];
    const tasks = cases.map((c) => async () => {
      tally.keywords.set(c.keyword, (tally.keywords.get(c.keyword) ?? 0) + 1);
      tally.violations++;
      const broken = await send(c.violate(base)).catch(contractFailure);
      const expected = messagesAt(broken, c.path);
      if (expected.length === 0) failures.push(`${c.keyword} broken at ${c.path}: ${broken.status} ${broken.text.slice(0, 500)}`);
      if (!c.boundary) return;
      tally.boundaries++;
      const met = await send(c.boundary(base)).catch(contractFailure);
      const found = messagesAt(met, c.path);
      // Refused at that path with the constraint's own message: the documented bound is not the server's.
      // Another message is a further rule the document states in prose (a share's target within 0..1, periods within the lookback).
      if (met.status === 0 || found.some((m) => expected.includes(m))) failures.push(`${c.keyword} met at its edge at ${c.path}: ${met.status} ${met.text.slice(0, 500)}`);
      else if (found.length > 0) tally.refined.push(`${name} ${c.keyword} ${c.path}: ${[...new Set(found)].map((m) => m.slice(0, 160)).join('; ')}`);
    });
    await pool(tasks, CONCURRENCY);
    expect(failures).toEqual([]);
  });

  it('given every operation, when the cases are counted, then every constraint kind the document uses was exercised', () => {
    for (const keyword of ['required', 'additionalProperties', 'minLength', 'maxLength', 'pattern', 'enum', 'minimum', 'maximum', 'maxItems']) {
      expect({ keyword, exercised: (tally.keywords.get(keyword) ?? 0) > 0 }).toEqual({ keyword, exercised: true });
    }
  });
});
