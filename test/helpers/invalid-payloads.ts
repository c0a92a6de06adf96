/**
 * fast-check arbitraries of requests that a route's own zod schemas reject,
 * for the property test that runs against every endpoint.
 *
 * The generators walk the JSON Schema that zod derives from the route schema
 * (`z.toJSONSchema`, input side: what a client may send, the same document the
 * OpenAPI page shows) and produce one fault at a time on an otherwise
 * schema-shaped value: a wrong type, a MongoDB operator object, a missing
 * required field, an unknown (mass-assignment) field, a number out of range, an
 * over-long or blank string, an array too long, too short or with a repeated
 * item (where it declares uniqueItems), or random JSON.
 * Every candidate is then checked against the zod schema itself, after a JSON
 * round trip (what the server parses), and only rejected ones are kept, so a
 * refinement the JSON Schema cannot express never lets a valid request through.
 */
import querystring from 'node:querystring';
import fc from 'fast-check';
import { z } from 'zod';
import { parseCsvTable } from '../../src/api/csv';
import { csvRecord } from '../../src/domain/audit-export';

/** The subset of JSON Schema (draft 2020-12) that zod emits for request schemas. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
}

/** A generated request part and the fault it carries (shown in fast-check's counterexample). */
export interface Faulty<T = unknown> {
  value: T;
  fault: string;
}

/** Fields a client must never set itself: ids, versions, workflow state, ownership, audit columns, prototype keys. */
export const MASS_ASSIGNMENT_FIELDS = [
  '_id',
  'id',
  'version',
  'status',
  'phase',
  'ownerId',
  'firstResponderId',
  'createdBy',
  'createdAt',
  'updatedAt',
  'role',
  'isAdmin',
  'sla',
  'state',
  '__proto__',
  'constructor',
  '$where',
  '$set',
] as const;

/** Operator objects that would change a MongoDB filter or update if they reached one. */
export const OPERATOR_OBJECTS: unknown[] = [{ $gt: '' }, { $ne: null }, { $where: 'sleep(1000)' }, { $regex: '.*' }, { $in: [] }, { $exists: true }, { $expr: { $eq: [1, 1] } }];

/** What JSON.stringify + JSON.parse (the wire) makes of a value. */
export function roundTrip(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text === undefined ? undefined : JSON.parse(text);
}

/** The JSON Schema of what a client may send for `schema`. */
export function requestJsonSchema(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
}

function resolver(root: JsonSchema): (node: JsonSchema) => JsonSchema {
  return (node) => {
    let n = node;
    // Only local refs (`#/$defs/Name`), which is all zod emits; a cycle would be a schema bug.
    for (let hops = 0; n.$ref && hops < 20; hops++) {
      const name = n.$ref.replace(/^#\/\$defs\//, '');
      n = root.$defs?.[name] ?? {};
    }
    return n;
  };
}

/**
 * `arb.filter(pred)` that stops insisting after `patience` misses in a row and
 * lets a value through: a filter that can never pass (a pattern longer than its
 * maxLength, a schema that accepts anything) must fail the test, not hang it.
 */
function softFilter<T>(arb: fc.Arbitrary<T>, pred: (v: T) => boolean, patience = 1000): fc.Arbitrary<T> {
  let misses = 0;
  return arb.filter((v) => {
    if (pred(v)) {
      misses = 0;
      return true;
    }
    return ++misses > patience ? ((misses = 0), true) : false;
  });
}

const types = (n: JsonSchema): string[] => (n.type === undefined ? [] : Array.isArray(n.type) ? n.type : [n.type]);
const alternatives = (n: JsonSchema): JsonSchema[] | undefined => n.anyOf ?? n.oneOf;

const ALNUM = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789');
const FORMAT_EXAMPLES: Record<string, string> = {
  'date-time': '2030-01-01T00:00:00Z',
  date: '2030-01-01',
  time: '12:00:00',
  email: 'someone@example.com',
  uri: 'https://example.com/x',
  uuid: '123e4567-e89b-42d3-a456-426614174000',
};

function lowerBound(n: JsonSchema, fallback: number): number {
  if (n.minimum !== undefined) return n.minimum;
  if (n.exclusiveMinimum !== undefined) return n.exclusiveMinimum + (types(n).includes('integer') ? 1 : 1e-6);
  return fallback;
}
function upperBound(n: JsonSchema, fallback: number): number {
  if (n.maximum !== undefined) return n.maximum;
  if (n.exclusiveMaximum !== undefined) return n.exclusiveMaximum - (types(n).includes('integer') ? 1 : 1e-6);
  return fallback;
}

/**
 * Values shaped like the schema (types, required keys, lengths, patterns,
 * bounds), used around the one fault. Refinements (cross-field rules) are not
 * modelled, so a value may still be invalid: harmless, it only adds faults.
 */
export function schemaShaped(root: JsonSchema): fc.Arbitrary<unknown> {
  const resolve = resolver(root);
  const walk = (node: JsonSchema): fc.Arbitrary<unknown> => {
    const n = resolve(node);
    const alts = alternatives(n);
    if (alts) return fc.oneof(...alts.map(walk));
    if (n.allOf?.length) return walk(n.allOf[0]!);
    if ('const' in n) return fc.constant(n.const);
    if (n.enum) return fc.constantFrom(...n.enum);
    const t = types(n)[0];
    switch (t) {
      case 'string': {
        const min = n.minLength ?? 0;
        const max = n.maxLength ?? Number.POSITIVE_INFINITY;
        if (n.pattern) return softFilter(fc.stringMatching(new RegExp(n.pattern)), (s) => s.length >= min && s.length <= max);
        if (n.format && FORMAT_EXAMPLES[n.format]) return fc.constant(FORMAT_EXAMPLES[n.format]!);
        return fc.string({ unit: ALNUM, minLength: Math.max(1, min), maxLength: Math.max(1, min, Math.min(max, 20)) });
      }
      case 'integer': {
        // A small window inside the bounds (a bound-only-above schema gets one below it).
        const hi = Math.floor(Math.min(upperBound(n, 1e9), 1e9));
        const lo = Math.ceil(Math.min(Math.max(lowerBound(n, -1000), -1e9), hi));
        return fc.integer({ min: lo, max: Math.min(hi, lo + 1000) });
      }
      case 'number': {
        const hi = Math.min(upperBound(n, 1e9), 1e9);
        const lo = Math.min(Math.max(lowerBound(n, -1e6), -1e9), hi);
        return fc.double({ min: lo, max: Math.min(hi, lo + 2e6), noNaN: true, noDefaultInfinity: true });
      }
      case 'boolean':
        return fc.boolean();
      case 'null':
        return fc.constant(null);
      case 'array': {
        const min = n.minItems ?? 0;
        const max = Math.min(n.maxItems ?? 3, Math.max(min, 3));
        return fc.array(n.items ? walk(n.items) : fc.jsonValue({ maxDepth: 1 }), { minLength: min, maxLength: max });
      }
      case 'object': {
        const props = n.properties ?? {};
        if (Object.keys(props).length === 0) return fc.constant({});
        return fc.record(Object.fromEntries(Object.entries(props).map(([k, p]) => [k, walk(p)])), { requiredKeys: n.required ?? [], noNullPrototype: true }) as fc.Arbitrary<unknown>;
      }
      default:
        return fc.jsonValue({ maxDepth: 2 });
    }
  };
  return walk(root);
}

/** Values of a JSON type the node does not allow (the zod check filters out accidental matches). */
const WRONG_TYPED: unknown[] = [0, -1, 1.5, 1e308, 'text', '', '0', 'true', true, false, null, [], ['x'], [1, 2], {}, { a: 1 }];

/** Strings that break identifiers, slugs, enums and formats: spaces, separators, unicode, markup, operators. */
const BAD_STRINGS = [
  '',
  '   ',
  'has space',
  'UPPER/lower',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  'ünïcödé',
  '$gt',
  '{"$gt":""}',
  'a\u0000b',
  'line\nbreak',
  '😀',
  '2026-13-45T25:61:00Z',
  '2026-02-30',
  'null',
  'x'.repeat(65),
];

/** Faults located at `node` itself. */
function localFaults(n: JsonSchema, path: string, shaped: fc.Arbitrary<unknown>, shapedOf: (node: JsonSchema) => fc.Arbitrary<unknown>): fc.Arbitrary<Faulty>[] {
  const at = path || '(root)';
  const out: fc.Arbitrary<Faulty>[] = [
    fc.constantFrom(...WRONG_TYPED).map((value) => ({ value, fault: `wrong type at ${at}` })),
    fc.constantFrom(...OPERATOR_OBJECTS).map((value) => ({ value, fault: `operator object at ${at}` })),
  ];
  const t = types(n);
  if (t.includes('string') || n.enum || n.pattern) {
    const strings: fc.Arbitrary<string>[] = [fc.constantFrom(...BAD_STRINGS), fc.string({ unit: 'grapheme', maxLength: 30 })];
    if (n.maxLength !== undefined) strings.push(fc.string({ unit: ALNUM, minLength: 1, maxLength: 8 }).map((s) => s + 'x'.repeat(n.maxLength! + 1)));
    if (n.enum) {
      const names = n.enum.filter((e): e is string => typeof e === 'string');
      if (names.length > 0) strings.push(fc.constantFrom(...names).chain((e) => fc.constantFrom(`${e}x`, e.toUpperCase(), ` ${e}`, `${e}\u0000`)));
    }
    out.push(fc.oneof(...strings).map((value) => ({ value, fault: `bad string at ${at}` })));
  }
  if (t.includes('integer') || t.includes('number')) {
    const nums: number[] = [1e308, -1e308];
    if (n.minimum !== undefined) nums.push(n.minimum - 1);
    if (n.exclusiveMinimum !== undefined) nums.push(n.exclusiveMinimum);
    if (n.maximum !== undefined) nums.push(n.maximum + 1, n.maximum * 2 + 1);
    if (n.exclusiveMaximum !== undefined) nums.push(n.exclusiveMaximum);
    if (t.includes('integer')) nums.push(lowerBound(n, 0) + 0.5);
    out.push(fc.constantFrom(...nums).map((value) => ({ value, fault: `number out of range at ${at}` })));
    out.push(fc.constantFrom(...nums.filter(Number.isFinite), lowerBound(n, 1)).map((v) => ({ value: String(v), fault: `number as a string at ${at}` })));
  }
  if (t.includes('array')) {
    const item = n.items ? shapedOf(n.items) : fc.constant(1);
    if (n.maxItems !== undefined) out.push(item.map((v) => ({ value: Array.from({ length: n.maxItems! + 1 }, () => v), fault: `too many items at ${at}` })));
    if (n.minItems !== undefined && n.minItems > 0) out.push(fc.array(item, { maxLength: n.minItems - 1 }).map((value) => ({ value, fault: `too few items at ${at}` })));
    if (n.uniqueItems && (n.maxItems ?? 2) >= 2) out.push(item.map((v) => ({ value: [v, v], fault: `a repeated item at ${at}` })));
  }
  if (t.includes('object')) {
    const known = new Set(Object.keys(n.properties ?? {}));
    for (const key of n.required ?? []) {
      out.push(shaped.map((v) => ({ value: omit(v as Record<string, unknown>, key), fault: `missing ${join(path, key)}` })));
    }
    const massFields = MASS_ASSIGNMENT_FIELDS.filter((k) => !known.has(k));
    const randomKey = fc.string({ unit: ALNUM, minLength: 1, maxLength: 12 }).filter((k) => !known.has(k));
    const unknownKey = massFields.length > 0 ? fc.oneof(fc.constantFrom(...massFields), randomKey) : randomKey;
    out.push(
      fc.tuple(shaped, unknownKey, fc.jsonValue({ maxDepth: 1 })).map(([v, key, extra]) => ({
        // A computed key makes `__proto__` an own property, as JSON.parse does on the server.
        value: { ...(v as Record<string, unknown>), [key]: extra },
        fault: `unknown field ${join(path, key)}`,
      })),
    );
  }
  return out;
}

function omit(o: Record<string, unknown>, key: string): Record<string, unknown> {
  const copy = { ...o };
  delete copy[key];
  return copy;
}
const join = (path: string, key: string | number) => (path ? `${path}.${key}` : String(key));

/**
 * Payloads with one fault somewhere in the tree (or random JSON), each one
 * rejected by `schema` after a JSON round trip.
 */
export function invalidPayloads(schema: z.ZodType): fc.Arbitrary<Faulty> {
  const root = requestJsonSchema(schema);
  const resolve = resolver(root);
  const shapedOf = (node: JsonSchema) => schemaShaped({ ...node, $defs: root.$defs });
  const walk = (node: JsonSchema, path: string, depth: number): fc.Arbitrary<Faulty> => {
    const n = resolve(node);
    const shaped = shapedOf(n);
    const faults = localFaults(n, path, shaped, shapedOf);
    const alts = alternatives(n);
    if (depth < 8 && alts) faults.push(...alts.map((a) => walk(a, path, depth + 1)));
    if (depth < 8 && types(n).includes('object')) {
      for (const [key, prop] of Object.entries(n.properties ?? {})) {
        faults.push(fc.tuple(shaped, walk(prop, join(path, key), depth + 1)).map(([v, bad]) => ({ value: { ...(v as Record<string, unknown>), [key]: bad.value }, fault: bad.fault })));
      }
    }
    if (depth < 8 && types(n).includes('array') && n.items) {
      const room = Math.max(0, Math.min(2, (n.maxItems ?? 3) - 1));
      const rest = fc.array(shapedOf(n.items), { minLength: Math.min(room, Math.max(0, (n.minItems ?? 0) - 1)), maxLength: room });
      faults.push(
        fc.tuple(rest, walk(n.items, `${path}[]`, depth + 1), fc.nat()).map(([items, bad, at]) => {
          const copy = [...items];
          copy.splice(at % (copy.length + 1), 0, bad.value);
          return { value: copy, fault: bad.fault };
        }),
      );
    }
    return fc.oneof(...faults);
  };
  const anyJson = fc.jsonValue({ maxDepth: 3 }).map((value) => ({ value, fault: 'random JSON' }));
  // A candidate that slips through after many valid ones fails the property's own schema check.
  return softFilter(fc.oneof({ arbitrary: walk(root, '', 0), weight: 4 }, { arbitrary: anyJson, weight: 1 }), (c) => !schema.safeParse(roundTrip(c.value)).success);
}

/** The query object Express builds from a query string with the 'simple' parser (node:querystring). */
export function parseQuery(qs: string): Record<string, unknown> {
  return { ...querystring.parse(qs) };
}

/** `a=1&a=2&b=x`, percent-encoded; repeated keys for arrays. */
export function encodeQuery(entries: [string, string][]): string {
  return entries.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}

/** A query value shaped like the field, as the string a client would send. */
function queryValue(node: JsonSchema): fc.Arbitrary<string> {
  return schemaShaped(node).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
}

/**
 * Query strings the route's query schema rejects (a route without one accepts
 * no parameters): bad values per field, MongoDB operators as bracket keys
 * (`owner[$ne]=x`) or JSON values, repeated parameters, unknown parameters.
 */
export function invalidQueries(schema: z.ZodType): fc.Arbitrary<Faulty<string>> {
  const root = requestJsonSchema(schema);
  const props = Object.entries(root.properties ?? {});
  const names = props.map(([k]) => k);
  const valid = props.length === 0 ? fc.constant<[string, string][]>([]) : fc.subarray(props).chain((ps) => fc.tuple(...ps.map(([k, p]) => queryValue(p).map((v): [string, string] => [k, v]))));
  const faults: fc.Arbitrary<{ entries: [string, string][]; fault: string }>[] = [];
  const field = props.length === 0 ? fc.constantFrom('status', 'owner', 'limit', 'id') : fc.constantFrom(...names);
  faults.push(
    fc.tuple(field, fc.constantFrom('$ne', '$gt', '$regex', '$where', '$in][', '')).map(([k, op]) => ({ entries: [[`${k}[${op}]`, 'x']], fault: `operator key ${k}[${op}]` })),
  );
  faults.push(fc.tuple(field, fc.constantFrom(...OPERATOR_OBJECTS)).map(([k, op]) => ({ entries: [[k, JSON.stringify(op)]], fault: `operator JSON in ${k}` })));
  faults.push(
    fc.tuple(fc.oneof(fc.constantFrom(...MASS_ASSIGNMENT_FIELDS, 'constructor[prototype][polluted]', '__proto__[polluted]'), fc.string({ unit: ALNUM, minLength: 1, maxLength: 10 })), fc.string({ maxLength: 10 }))
      .filter(([k]) => !names.includes(k))
      .map(([k, v]) => ({ entries: [[k, v]], fault: `unknown parameter ${k}` })),
  );
  for (const [k, p] of props) {
    const bad = fc.oneof(fc.constantFrom(...BAD_STRINGS.filter((s) => !s.includes('\u0000')), 'abc', '-1', '0', '2.5', '101', '1e400', 'NaN', 'Infinity'), fc.string({ unit: 'grapheme', maxLength: 20 }));
    faults.push(bad.map((v) => ({ entries: [[k, v]], fault: `bad value for ${k}` })));
    faults.push(fc.tuple(queryValue(p), queryValue(p)).map(([a, b]) => ({ entries: [[k, a], [k, b]], fault: `repeated ${k}` })));
  }
  const candidates = fc.tuple(valid, fc.oneof(...faults)).map(([base, f]) => {
    const faultKeys = new Set(f.entries.map(([k]) => k.replace(/\[.*$/, '')));
    return { value: encodeQuery([...base.filter(([k]) => !faultKeys.has(k)), ...f.entries]), fault: f.fault };
  });
  return softFilter(candidates, (c) => !schema.safeParse(parseQuery(c.value)).success);
}

/** The body a CSV route's schema sees: what the server's reader makes of the text, or null when the reader refuses it. */
export function csvTable(text: string): unknown {
  const r = parseCsvTable(text);
  return r.ok ? r.value : null;
}

/**
 * text/csv bodies a CSV route (RouteSpec.bodyType 'csv') rejects. The columns
 * and their cells come from the JSON Schema of the body's `rows` items; one
 * fault per file: a bad cell, a missing, unknown, repeated or empty column, a
 * ragged row, a stray or unclosed quote, a bare CR, no rows, an empty file,
 * or random text. Each candidate is read by the server's own CSV reader and
 * kept only if the reader or the schema refuses it.
 */
export function invalidCsvBodies(schema: z.ZodType): fc.Arbitrary<Faulty<string>> {
  const root = requestJsonSchema(schema);
  const rowsNode = resolver(root)(root.properties?.rows ?? {});
  const itemNode = resolver(root)(rowsNode.items ?? {});
  const columns = Object.entries(itemNode.properties ?? {});
  const names = columns.map(([k]) => k);
  const cellOf = (node: JsonSchema) => queryValue({ ...node, $defs: root.$defs });
  const row = fc.tuple(...columns.map(([, node]) => cellOf(node)));
  const rows = fc.array(row, { minLength: 1, maxLength: 3 });
  const file = (header: readonly string[], records: readonly (readonly string[])[]) => [header, ...records].map(csvRecord).join('');
  const badCell = fc.oneof(fc.constantFrom(...BAD_STRINGS, ...OPERATOR_OBJECTS.map((o) => JSON.stringify(o)), '-1', '1.5', '1e3', 'NaN'), fc.string({ unit: 'grapheme', maxLength: 20 }));
  const faults: fc.Arbitrary<Faulty<string>>[] = [
    fc.tuple(rows, fc.nat(), fc.nat(), badCell).map(([rs, r, c, bad]) => {
      const copy = rs.map((x) => [...x]);
      copy[r % copy.length]![c % names.length] = bad;
      return { value: file(names, copy), fault: `bad cell in column ${names[c % names.length]}` };
    }),
    fc.tuple(rows, fc.nat()).map(([rs, c]) => ({ value: file(names.filter((_, i) => i !== c % names.length), rs.map((x) => x.filter((_, i) => i !== c % names.length))), fault: `missing column ${names[c % names.length]}` })),
    fc.tuple(rows, fc.oneof(fc.constantFrom(...MASS_ASSIGNMENT_FIELDS), fc.string({ unit: ALNUM, minLength: 1, maxLength: 10 })).filter((k) => !names.includes(k)), fc.string({ maxLength: 8 })).map(([rs, extra, v]) => ({
      value: file([...names, extra], rs.map((x) => [...x, v])),
      fault: `unknown column ${extra}`,
    })),
    rows.map((rs) => ({ value: file([...names, names[0]!], rs.map((x) => [...x, x[0]!])), fault: 'repeated column' })),
    rows.map((rs) => ({ value: file([...names, ''], rs.map((x) => [...x, 'x'])), fault: 'empty column name' })),
    fc.tuple(rows, fc.boolean()).map(([rs, longer]) => ({ value: file(names, rs.map((x, i) => (i === 0 ? (longer ? [...x, 'x'] : x.slice(0, -1)) : x))), fault: 'ragged row' })),
    rows.map((rs) => ({ value: `${file(names, rs)}${rs[0]!.join(',')}x"y\r\n`, fault: 'stray quote' })),
    rows.map((rs) => ({ value: `${file(names, rs)}"${rs[0]!.join(',')}\r\n`, fault: 'unclosed quote' })),
    rows.map((rs) => ({ value: file(names, rs).replace('\r\n', '\r'), fault: 'bare CR' })),
    fc.constant({ value: file(names, []), fault: 'header only' }),
    fc.constantFrom('', '\r\n', ' ').map((value) => ({ value, fault: 'empty file' })),
    fc.string({ unit: 'grapheme', maxLength: 60 }).map((value) => ({ value, fault: 'random text' })),
  ];
  if (rowsNode.maxItems !== undefined) {
    faults.push(row.map((r) => ({ value: file(names, Array.from({ length: rowsNode.maxItems! + 1 }, () => r)), fault: 'too many rows' })));
  }
  return softFilter(fc.oneof(...faults), (c) => !schema.safeParse(csvTable(c.value)).success);
}

/**
 * Path parameters the params schema rejects, percent-encoded for the URL. Empty
 * and dot-only values are left out: they would change which route the URL hits
 * (the URL parser resolves `.` and `..`) instead of testing this one.
 */
export function invalidParams(schema: z.ZodType, valid: Record<string, string>): fc.Arbitrary<Faulty<Record<string, string>>> {
  const names = Object.keys(requestJsonSchema(schema).properties ?? {});
  const bad = fc.oneof(fc.constantFrom(...BAD_STRINGS, '{"$gt":""}', 'a/b', 'a?b', 'a#b', 'c_0%', ' c_1', 'x'.repeat(200)), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 70 }));
  const candidates = fc
    .tuple(fc.constantFrom(...names), bad)
    .filter(([, v]) => v.length > 0 && !/^\.{1,2}$/.test(v))
    .map(([name, v]) => ({ value: { ...valid, [name]: v }, fault: `bad path parameter ${name}` }));
  return softFilter(candidates, (c) => !schema.safeParse(c.value).success);
}

/** Fills `:name` segments of an Express path, percent-encoding the values. */
export function fillPath(path: string, params: Record<string, string>): string {
  return path.replace(/:(\w+)/g, (_m, name: string) => {
    if (params[name] === undefined) throw new Error(`no value for :${name} in ${path}`);
    return encodeURIComponent(params[name]);
  });
}

/**
 * Places in a zod schema that accept fields nobody declared: objects that are
 * not strict (`z.object` strips unknown keys, `z.looseObject` keeps them),
 * records, and `any`/`unknown` values. A request schema should have none.
 */
export function openSchemaPaths(schema: z.ZodType): string[] {
  const found: string[] = [];
  const seen = new Set<unknown>();
  const walk = (s: z.core.$ZodType, path: string): void => {
    if (seen.has(s)) return;
    seen.add(s);
    const def = s._zod.def as unknown as Record<string, unknown> & { type: string };
    const child = (key: string) => def[key] as z.core.$ZodType | undefined;
    const at = path || '(root)';
    switch (def.type) {
      case 'object': {
        const catchall = def.catchall as z.core.$ZodType | undefined;
        if (!catchall || catchall._zod.def.type !== 'never') found.push(`${at}: object accepts unknown keys`);
        for (const [k, v] of Object.entries(def.shape as Record<string, z.core.$ZodType>)) walk(v, join(path, k));
        return;
      }
      case 'record': {
        // A map keyed by ids of one anchored pattern that admits no operator, dotted or prototype key
        // (e.g. survey answers by item id) takes only keys of that form; any other key schema is open.
        const key = child('keyType')!;
        const checks = ((key._zod.def as { checks?: z.core.$ZodType[] }).checks ?? []) as unknown as { _zod: { def: { pattern?: unknown } } }[];
        const patterns = checks.map((c) => c._zod.def.pattern).filter((p): p is RegExp => p instanceof RegExp);
        const closed = patterns.some((p) => p.source.startsWith('^') && p.source.endsWith('$') && !['$gt', 'a.b', '__proto__', ''].some((k) => p.test(k)));
        if (!closed) found.push(`${at}: record accepts any key`);
        return walk(child('valueType')!, join(path, '*'));
      }
      case 'any':
      case 'unknown':
        found.push(`${at}: accepts any value`);
        return;
      case 'array':
        return walk(child('element')!, `${path}[]`);
      case 'tuple':
        for (const [i, item] of (def.items as z.core.$ZodType[]).entries()) walk(item, join(path, i));
        if (child('rest')) walk(child('rest')!, `${path}[]`);
        return;
      case 'union':
        for (const o of def.options as z.core.$ZodType[]) walk(o, path);
        return;
      case 'intersection':
        walk(child('left')!, path);
        walk(child('right')!, path);
        return;
      case 'pipe':
        // Only the input side faces the client; a transform's output is ours.
        return walk(child('in')!, path);
      case 'lazy':
        return walk((def.getter as () => z.core.$ZodType)(), path);
      case 'optional':
      case 'nullable':
      case 'default':
      case 'prefault':
      case 'catch':
      case 'readonly':
      case 'nonoptional':
        return walk(child('innerType')!, path);
      default:
        return;
    }
  };
  walk(schema, '');
  return found;
}
