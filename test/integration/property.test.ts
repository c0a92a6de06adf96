/**
 * Property: for EVERY route the API serves, requests that the route's own zod
 * schemas reject are answered 4xx problem+json and write nothing.
 *
 * The route list comes from `buildRoutes`, the function `createApp` mounts, so
 * an endpoint added later is covered without touching this file. For each
 * route, fast-check generates from the route's params/query/body schemas (see
 * test/helpers/invalid-payloads.ts) bodies, query strings and path parameters
 * with one fault each, checks the schema rejects each one, sends it with a key
 * whose role holds the route's permission, and expects 400 (413 for a body
 * over the size limit) naming the faulty part. Around each route's run the
 * whole database (every collection's count, the fixture complaint and cycle
 * documents) and the number of workflows must not change.
 *
 * Runs are seeded (QL_PROPERTY_SEED overrides); fast-check prints the seed and
 * the shrunk counterexample on failure.
 */
import fc from 'fast-check';
import { z } from 'zod';
import { type RouteDeps, BODY_LIMIT, buildRoutes } from '../../src/api/app';
import { PERMISSIONS, type Permission } from '../../src/api/permissions';
import type { RouteSpec } from '../../src/api/route';
import { ensureLink, linkClaims, linkUrl } from '../../src/services/customer-links';
import { type ApiStack, type Problem, expectProblem, startApiStack } from '../helpers/api';
import { validCycle } from '../helpers/cycle-endpoints';
import { csvTable, fillPath, invalidCsvBodies, invalidParams, invalidPayloads, invalidQueries, openSchemaPaths, parseQuery, requestJsonSchema, roundTrip, schemaShaped } from '../helpers/invalid-payloads';
import { eventually, testConfig } from '../helpers/stack';

const SEED = Number(process.env.QL_PROPERTY_SEED ?? 20_260_401);
const RUNS_PER_ROUTE = 20;
const BODY_LIMIT_BYTES = Number.parseInt(BODY_LIMIT, 10) * 1024;
/** What parseRequest applies to a route without a query schema: no parameters at all. */
const NO_QUERY = z.strictObject({});
const MISSING_ID = 'c_000000000000000000000000';

/**
 * Route factories read the config and otherwise only close over their
 * dependencies, so the list can be built before the stack exists (jest needs it
 * to name the tests): the real test config, and for everything else a stand-in
 * whose every property is the stand-in again (calling it returns it too).
 */
function inertDeps(): RouteDeps {
  const inert: unknown = new Proxy(function inert() {}, {
    get: (_t, p) => (p === 'then' ? undefined : p === Symbol.toPrimitive ? () => 0 : inert),
    apply: () => inert,
  });
  const config = testConfig();
  return new Proxy({} as RouteDeps, { get: (_t, p) => (p === 'config' ? config : inert) });
}

const ROUTES: RouteSpec[] = buildRoutes(inertDeps());
const routeName = (r: Pick<RouteSpec, 'method' | 'path'>) => `${r.method.toUpperCase()} ${r.path}`;

/** A role holding the permission, preferring one whose scope is `all`. */
function roleFor(permission: Permission): string {
  const roles = Object.entries(PERMISSIONS[permission].roles as Record<string, string>);
  return (roles.find(([, scope]) => scope === 'all') ?? roles[0]!)[0];
}

/** A deterministic seed per route, so routes do not all replay the same choices. */
function seedOf(name: string): number {
  let h = SEED | 0;
  for (const c of name) h = (Math.imul(h, 31) + c.charCodeAt(0)) | 0;
  return h;
}

/** No stack frame (`at fn (/path/file.ts:1:2)`), no path of this checkout, nothing from node_modules. */
const noStackTrace = (text: string) => !/\bat (?:\S+ )?\(?(?:\/|[A-Za-z]:\\|node:|file:)[^\s)]*:\d+:\d+/.test(text) && !text.includes(process.cwd()) && !text.includes('node_modules');

type Part = 'body' | 'query' | 'params';
interface Attempt {
  part: Part;
  fault: string;
  params: Record<string, string>;
  path: string;
  query: string;
  body: unknown;
}

describe('property: schema-invalid requests are rejected by every endpoint and write nothing', () => {
  let stack: ApiStack;
  const fixture = { complaint: '', cycle: '', complaintLink: '', invitationLink: '' };
  const covered = new Set<string>();

  /** A valid link token for `subject` (its record stored): customer-link routes authenticate the link before reading the request. */
  async function linkToken(subject: 'complaint' | 'invitation', subjectId: string): Promise<string> {
    const linkId = await ensureLink(stack.models, subject, subjectId, 'cust-property', 'property-test');
    return linkUrl(stack.config, linkClaims(stack.config, { linkId, subject, subjectId, customerId: 'cust-property' }, Date.now())).token;
  }

  beforeAll(async () => {
    // Every link request counts against the link's and the address's limits: room for all the runs.
    stack = await startApiStack({ configure: (c) => ({ ...c, customers: { ...c.customers, linkRatePerMinute: 10_000, addressRatePerMinute: 100_000 } }) });
    const complaint = await stack.call('POST', '/complaints', {
      key: stack.keys.intake,
      body: { customer: { id: 'cust-property' }, channel: 'web', category: 'delivery', severity: 'P3', description: 'parcel never arrived' },
    });
    expect(complaint.status).toBe(201);
    fixture.complaint = complaint.body.id;
    await eventually(async () => (await stack.models.Complaint.findById(fixture.complaint).lean())?.version === 1, 20_000, 'fixture complaint registered');
    // Acknowledged, so no first-response timer fires (and writes) while the properties run.
    expect((await stack.call('POST', `/complaints/${fixture.complaint}/acknowledge`, { key: stack.keys.alice, body: {} })).status).toBe(200);
    await eventually(async () => (await stack.models.Complaint.findById(fixture.complaint).lean())?.version === 2, 20_000, 'fixture complaint acknowledged');

    const cycle = await stack.call('POST', '/cycles', { key: stack.keys.olivia, body: validCycle() });
    expect(cycle.status).toBe(201);
    fixture.cycle = cycle.body.id;
    await eventually(async () => (await stack.models.Cycle.findById(fixture.cycle).lean())?.version === 1, 20_000, 'fixture cycle registered');
    fixture.complaintLink = await linkToken('complaint', fixture.complaint);
    // The invitation needs no survey: a request the schemas refuse never reaches it.
    fixture.invitationLink = await linkToken('invitation', 'inv_property');
    // Visibility is eventually consistent: settle on the two workflows before counting.
    await eventually(async () => (await stack.workflowCount()) === 2, 20_000, 'fixture workflows visible');
  });
  afterAll(async () => {
    await stack?.stop();
  });

  /** Everything a request could change: every collection (including ones added later), the fixtures, the workflows. */
  async function snapshot() {
    const db = stack.models.connection.db!;
    // Not the rate limiter's counters (src/services/rate-limits.ts): every request moves them, by design.
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).filter((n) => n !== stack.models.RateLimit.collection.collectionName).sort();
    const counts = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await db.collection(n).countDocuments({})] as const)));
    const [complaint, cycle, workflows] = await Promise.all([
      stack.models.Complaint.findById(fixture.complaint).lean(),
      stack.models.Cycle.findById(fixture.cycle).lean(),
      stack.workflowCount(),
    ]);
    return { counts, complaint, cycle, workflows, prototype: Object.getOwnPropertyNames(Object.prototype).sort() };
  }

  /** Path parameters the route accepts: the fixtures for complaints and cycles, demo catalog ids, else a well-formed missing id. */
  function validParams(spec: RouteSpec): Record<string, string> {
    if (!spec.params) return {};
    const candidates = [
      spec.path.startsWith('/complaints') ? fixture.complaint : undefined,
      spec.path.startsWith('/cycles') ? fixture.cycle : undefined,
      spec.path.startsWith('/calendars') ? '24x7' : undefined,
      spec.path.startsWith('/sla-policies') ? 'critical-24x7' : undefined,
      MISSING_ID,
      'missing-id',
    ].filter((c): c is string => c !== undefined);
    const names = Object.keys(requestJsonSchema(spec.params).properties ?? {});
    for (const c of candidates) {
      const params = Object.fromEntries(names.map((n) => [n, c]));
      if (spec.params.safeParse(params).success) return params;
    }
    // Ids of another shape (e.g. `k_<hex>` key ids): a sample of the params schema itself.
    const sampled = fc.sample(schemaShaped(requestJsonSchema(spec.params)), { numRuns: 20, seed: seedOf(routeName(spec)) });
    const found = sampled.find((p) => spec.params!.safeParse(p).success && Object.values(p as object).every((v) => typeof v === 'string' && v !== '' && !/^\.{1,2}$/.test(v)));
    if (found) return { ...(found as Record<string, string>) };
    throw new Error(`no valid path parameters found for ${routeName(spec)}; extend validParams`);
  }

  function attempts(spec: RouteSpec): fc.Arbitrary<Attempt> {
    const params = validParams(spec);
    const path = fillPath(spec.path, params);
    const csv = spec.bodyType === 'csv';
    // Around a fault in another part, a schema-shaped body (itself possibly invalid: that only adds faults); a CSV route gets none.
    const shapedBody = spec.body && !csv ? schemaShaped(requestJsonSchema(spec.body)) : fc.constant(undefined);
    const parts: fc.Arbitrary<Attempt>[] = [
      invalidQueries(spec.query ?? NO_QUERY).chain((q) => shapedBody.map((body) => ({ part: 'query' as const, fault: q.fault, params, path, query: q.value, body }))),
    ];
    if (spec.body) {
      const faulty = csv ? invalidCsvBodies(spec.body) : invalidPayloads(spec.body);
      const bodies = faulty.map((b) => ({ part: 'body' as const, fault: b.fault, params, path, query: '', body: b.value }));
      parts.push(bodies, bodies); // bodies carry most of the surface: twice the weight
    }
    if (spec.params) {
      parts.push(invalidParams(spec.params, params).chain((p) => shapedBody.map((body) => ({ part: 'params' as const, fault: p.fault, params: p.value, path: fillPath(spec.path, p.value), query: '', body }))));
    }
    return fc.oneof(...parts);
  }

  /** The schema of the faulty part rejects what the server will parse (the generator's promise, checked again). */
  function rejectedBySchema(spec: RouteSpec, a: Attempt): boolean {
    if (a.part === 'body') return !spec.body!.safeParse(spec.bodyType === 'csv' ? csvTable(a.body as string) : roundTrip(a.body)).success;
    if (a.part === 'query') return !(spec.query ?? NO_QUERY).safeParse(parseQuery(a.query)).success;
    return !spec.params!.safeParse(a.params).success;
  }

  it('given the route list, when compared with the running app, then every served operation is one this file iterates', async () => {
    const res = await stack.call<{ paths: Record<string, Record<string, unknown>> }>('GET', '/openapi.json');
    expect(res.status).toBe(200);
    const served = Object.entries(res.body.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    const iterated = ROUTES.map((r) => `${r.method.toUpperCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
    expect([...new Set(iterated)].sort()).toEqual([...new Set(served)].sort());
    expect(new Set(iterated).size).toBe(iterated.length);
  });

  it('given every route, when its request schemas are walked, then bodies, queries and params are strict objects that accept no undeclared field', () => {
    const open = ROUTES.flatMap((r) =>
      (['params', 'query', 'body'] as const).flatMap((part) => {
        const schema = part === 'query' ? (r.query ?? NO_QUERY) : r[part];
        if (!schema) return [];
        const root = requestJsonSchema(schema);
        const problems = openSchemaPaths(schema).map((p) => `${routeName(r)} ${part} ${p}`);
        return root.type === 'object' ? problems : [...problems, `${routeName(r)} ${part}: not an object (${String(root.type ?? 'union')})`];
      }),
    );
    expect(open).toEqual([]);
    // Every non-public route that takes a body has one (a body route without a schema would skip validation).
    expect(ROUTES.filter((r) => r.permission !== 'public' && r.method !== 'get' && !r.body).map(routeName)).toEqual([]);
  });

  it('given every body schema, when the generator is sampled, then it produces unknown fields, wrong types, operator objects and missing fields, none accepted', () => {
    for (const r of ROUTES.filter((x) => x.body)) {
      const samples = fc.sample(invalidPayloads(r.body!), { numRuns: 100, seed: seedOf(routeName(r)) });
      expect(samples.filter((s) => r.body!.safeParse(roundTrip(s.value)).success)).toEqual([]);
      const kinds = new Set(samples.map((s) => s.fault.replace(/ (at |field |)[^ ]*$/, '').replace(/^missing.*/, 'missing')));
      const expected = ['operator object', 'unknown', 'wrong type', ...((requestJsonSchema(r.body!).required ?? []).length > 0 ? ['missing'] : [])];
      expect({ route: routeName(r), kinds: expected.filter((k) => kinds.has(k)) }).toEqual({ route: routeName(r), kinds: expected });
    }
  });

  it.each(ROUTES.map((r) => [routeName(r), r] as const))('given schema-invalid requests to %s, when sent, then 400 (413 over the size limit) problem+json naming the part, and nothing is written', async (name, spec) => {
    const key = spec.permission === 'public' ? undefined : stack.keys[roleFor(spec.permission)];
    if (spec.permission !== 'public') expect({ name, key }).toEqual({ name, key: expect.any(String) });
    const before = await snapshot();

    await fc.assert(
      fc.asyncProperty(attempts(spec), async (a) => {
        expect(rejectedBySchema(spec, a)).toBe(true);
        const url = a.query ? `${a.path}?${a.query}` : a.path;
        const csv = spec.bodyType === 'csv';
        const payload = a.body === undefined ? undefined : csv ? (a.body as string) : JSON.stringify(a.body);
        const headers: Record<string, string> = csv ? { 'content-type': 'text/csv' } : {};
        if (spec.authenticate) headers['x-customer-link'] = spec.path.startsWith('/customer-link/survey') ? fixture.invitationLink : fixture.complaintLink;
        const res = await stack.call<Problem & { requestId?: string }>(spec.method.toUpperCase(), url, payload === undefined ? { key, headers } : { key, rawBody: payload, headers });

        const root = csv ? {} : roundTrip(a.body);
        if (a.part === 'body' && !csv && Buffer.byteLength(payload!) > BODY_LIMIT_BYTES) {
          expectProblem(res, 413, 'BODY_TOO_LARGE');
        } else if (a.part === 'body' && (root === null || typeof root !== 'object')) {
          // express.json is strict: a bare string, number, boolean or null is not a request body.
          expectProblem(res, 400, 'MALFORMED_JSON');
        } else {
          expectProblem(res, 400, 'VALIDATION_FAILED');
          const paths = (res.body.errors ?? []).map((e) => e.path);
          expect({ fault: a.fault, named: paths.some((p) => p === a.part || p.startsWith(`${a.part}.`)) }).toEqual({ fault: a.fault, named: true });
        }
        expect(res.body.requestId).toBe(res.headers['x-request-id']);
        expect(noStackTrace(res.text)).toBe(true);
      }),
      { numRuns: RUNS_PER_ROUTE, seed: seedOf(name), endOnFailure: true },
    );

    expect(await snapshot()).toEqual(before);
    covered.add(name);
  });

  it('given all the properties, when the routes exercised are listed, then they are exactly the routes of buildRoutes', () => {
    expect([...covered].sort()).toEqual(ROUTES.map(routeName).sort());
  });

  it('given all the rejected requests, when one more complaint is created, then it is the only other workflow ever started', async () => {
    const created = await stack.call('POST', '/complaints', {
      key: stack.keys.intake,
      body: { customer: { id: 'cust-property-last' }, channel: 'email', category: 'delivery', severity: 'P4', description: 'one more' },
    });
    expect(created.status).toBe(201);
    // Had any rejected request started a workflow, the count would exceed the two fixtures plus this one.
    await eventually(async () => (await stack.workflowCount()) >= 3, 20_000, 'third workflow visible');
    expect(await stack.workflowCount()).toBe(3);
    expect(await stack.models.Cycle.countDocuments({})).toBe(1);
    expect((await stack.models.Complaint.findById(fixture.complaint).lean())!.version).toBe(2);
  });
});
