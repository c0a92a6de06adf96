/**
 * Access control over the whole API, on the real stack (Express app, Worker
 * on the Temporal dev server, FerretDB). Requests come from
 * test/helpers/endpoint-requests.ts, which must have an entry for every
 * route buildRoutes mounts.
 *
 * 1. Refused requests, sent first, while the database holds only the
 *    fixtures (so each route's before/after snapshot is cheap and still):
 *    for every route, every role lacking its permission gets 403
 *    problem+json (NOT_PERMITTED), every scoped role (agents on complaints;
 *    everyone but admins and auditors on cycles) gets 403 on an object
 *    outside its scope, and no key, a malformed, unknown or revoked key gets
 *    401; the database, the workflows and the objects named are unchanged.
 *    The auditor reads every route and writes none.
 * 2. Object-level rules through a complaint's and a cycle's life: owner,
 *    first responder, queue, participants, a second process owner, lists.
 * 3. Accepted requests: every role holding a route's permission is served,
 *    scoped roles on an object in their scope, lists filtered to it.
 */
import { documentedRoutes } from '../../src/api/app';
import { type Permission, scopeOf } from '../../src/api/permissions';
import type { RouteSpec } from '../../src/api/route';
import { DEFAULT_QUEUE, isAssigned } from '../../src/domain/access';
import { ROLES } from '../../src/domain/actors';
import { type ApiStack, type CallOptions, type CallResult, type Problem, collectionCounts, expectProblem, startApiStack } from '../helpers/api';
import { VALID_ACTION_BODIES } from '../helpers/cycle-endpoints';
import {
  ENDPOINT_REQUESTS,
  type EndpointRequest,
  type MatrixContext,
  type Target,
  callerFor,
  footprint,
  newComplaint,
  prepareMatrix,
} from '../helpers/endpoint-requests';
import { eventually } from '../helpers/stack';

/** Every route the app mounts (the list createApp builds, without live dependencies), so jest can name the tests before the stack exists. */
const ROUTES: RouteSpec[] = documentedRoutes();
const routeName = (r: Pick<RouteSpec, 'method' | 'path'>) => `${r.method.toUpperCase()} ${r.path}`;
const ROUTE_BY_NAME = new Map(ROUTES.map((r) => [routeName(r), r]));
const ENTRY_BY_ROUTE = new Map(ENDPOINT_REQUESTS.map((e) => [e.route, e]));

type View = Record<string, any>;

describe('access control', () => {
  let stack: ApiStack;
  let ctx: MatrixContext;

  beforeAll(async () => {
    stack = await startApiStack();
    ctx = await prepareMatrix(stack);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const send = (req: EndpointRequest, opts: Omit<CallOptions, 'body'>) =>
    stack.call<any>(req.method, req.path, { ...opts, body: req.body, rawBody: req.rawBody, headers: { ...req.headers, ...opts.headers } });

  /** Everything a refused request could have changed: every collection, the workflows started, and the objects named. */
  async function snapshot(targets: (Target | undefined)[]) {
    const distinct = [...new Map(targets.filter((t) => t !== undefined).map((t) => [JSON.stringify(t), t])).values()];
    const [counts, workflows, digests, objects] = await Promise.all([
      collectionCounts(stack.models),
      stack.workflowCount(),
      stack.models.AuditDigest.countDocuments({}),
      Promise.all(distinct.map(async (t) => [t, await footprint(ctx, t)])),
    ]);
    return { counts, workflows, digests, objects };
  }

  /** Every id a paginated list answers to `key`. */
  async function listAll(path: string, key: string): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const res: CallResult = await stack.call('GET', `${path}?limit=100${cursor ? `&cursor=${cursor}` : ''}`, { key });
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      ids.push(...(res.body.items as View[]).map((i) => i.id as string));
      cursor = res.body.nextCursor;
    } while (cursor);
    return ids.sort();
  }

  /** Requests without a valid key: none, another scheme, a malformed bearer value, an over-long key, an unknown one, a revoked one. */
  let unauthenticated: [string, CallOptions][] = [];

  describe('refused requests (sent first, while the database holds only the fixtures)', () => {
    beforeAll(async () => {
      // A key that worked until an admin revoked it.
      const ada = stack.keys.ada!;
      expect((await stack.call('POST', '/admin/users', { key: ada, body: { id: 'revoked-admin', name: 'Revoked Admin', role: 'admin' } })).status).toBe(201);
      const issued = await stack.call('POST', '/admin/users/revoked-admin/keys', { key: ada, body: { label: 'soon revoked' } });
      expect(issued.status).toBe(201);
      expect((await stack.call('GET', '/admin/users', { key: issued.body.key })).status).toBe(200);
      expect((await stack.call('POST', `/admin/keys/${issued.body.keyId}/revoke`, { key: ada, body: {} })).status).toBe(200);
      unauthenticated = [
        ['no key', {}],
        ['another scheme', { headers: { authorization: 'Basic YWxpY2U6c2VjcmV0' } }],
        ['a bearer value with spaces', { headers: { authorization: 'Bearer demo agent alice key' } }],
        ['an over-long key', { key: `ql_${'k'.repeat(300)}` }],
        ['an unknown key', { key: 'ql_not-a-key-anyone-was-given' }],
        ['a revoked key', { key: issued.body.key }],
      ];
    });

    it('given the table of requests, when compared with the routes buildRoutes mounts, then every route has exactly one entry and every route but the health checks needs a permission', () => {
      const table = ENDPOINT_REQUESTS.map((e) => e.route);
      expect(new Set(table).size).toBe(table.length);
      expect([...table].sort()).toEqual(ROUTES.map(routeName).sort());
      expect(ROUTES.filter((r) => r.permission === 'public').map(routeName).sort()).toEqual(
        [
          'GET /healthz',
          'GET /readyz',
          'POST /auth/login',
          'GET /auth/session',
          'POST /auth/logout',
          'GET /auth/providers',
          'GET /auth/oidc/login',
          'GET /auth/oidc/callback',
          // The customer's own link: the signed token in X-Customer-Link authenticates (src/api/customer-link-auth.ts).
          'GET /customer-link',
          'GET /customer-link/complaint',
          'POST /customer-link/reply',
          'POST /customer-link/confirm',
          'POST /customer-link/reopen',
          'POST /customer-link/rate',
          'GET /customer-link/survey',
          'PUT /customer-link/survey/response',
        ].sort(),
      );
    });

    it.each(ROUTES.map(routeName))(
      'given %s, when called by each role lacking its permission, by scoped roles on an object outside their scope, and without a valid key, then 403 or 401 problem+json and nothing changes',
      async (name) => {
        const route = ROUTE_BY_NAME.get(name)!;
        const entry = ENTRY_BY_ROUTE.get(name);
        if (!entry) throw new Error(`test/helpers/endpoint-requests.ts has no entry for ${name}`);
        const probe = await entry.probe(ctx);

        if (route.permission === 'public') {
          // Public routes answer the same whatever key is sent (sign-in routes read only their body and cookie).
          for (const [what, opts] of unauthenticated) expect({ what, status: (await send(probe, opts)).status }).toEqual({ what, status: probe.status });
          return;
        }
        const permission = route.permission;
        const refusals: { who: string; req: EndpointRequest; opts: CallOptions; status: 401 | 403; because?: string }[] = [];
        for (const role of ROLES) {
          const scope = scopeOf(role, permission);
          const opts = { key: callerFor(stack, role).key };
          if (!scope) refusals.push({ who: role, req: probe, opts, status: 403, because: `lacks permission ${permission}` });
          else if (scope !== 'all' && entry.outsideScope) {
            const req = await entry.outsideScope(ctx, callerFor(stack, role));
            refusals.push({ who: `${role} outside its scope`, req, opts, status: 403, because: `outside your ${scope} scope for ${permission}` });
          }
        }
        for (const [what, opts] of unauthenticated) refusals.push({ who: what, req: probe, opts, status: 401 });

        // Every refusal between one pair of snapshots: nothing may change across them.
        const targets = refusals.map((r) => r.req.target);
        const before = await snapshot(targets);
        for (const { who, req, opts, status, because } of refusals) {
          const res = await send(req, opts);
          const code = status === 403 ? 'NOT_PERMITTED' : 'UNAUTHENTICATED';
          expect({ who, path: req.path, status: res.status, code: res.body?.code }).toEqual({ who, path: req.path, status, code });
          expectProblem(res, status, code);
          if (status === 401) expect(res.headers['www-authenticate']).toBe('Bearer');
          // Refused by the access layer (role, then scope), not by a business rule further on.
          if (because) expect({ who, detail: res.body.detail }).toEqual({ who, detail: expect.stringContaining(because) });
        }
        expect(await snapshot(targets)).toEqual(before);
      },
    );

    it('given every route, when the auditor calls it, then every read is served (user administration aside) and every write is refused with nothing changed', async () => {
      const auditor = callerFor(stack, 'auditor');
      // Verifying the audit trail and dry-running a trigger are POSTs that write nothing.
      const readOnly = (r: RouteSpec) => r.method === 'get' || ['POST /audit/verify', 'POST /analytics/triggers/:id/evaluate'].includes(routeName(r));
      const reads = ROUTES.filter((r) => readOnly(r) && r.permission !== 'public');
      // Signing in and out are public: an auditor's key changes nothing about them.
      const writes = ROUTES.filter((r) => !readOnly(r) && r.permission !== 'public');

      const probes = await Promise.all(ROUTES.map((r) => ENTRY_BY_ROUTE.get(routeName(r))!.probe(ctx)));
      const before = await snapshot(probes.map((p) => p.target));
      const refusedReads: string[] = [];
      for (const r of reads) {
        const entry = ENTRY_BY_ROUTE.get(routeName(r))!;
        const req = scopeOf('auditor', r.permission as Permission) ? await entry.accepted(ctx, auditor) : await entry.probe(ctx);
        const res = await send(req, { key: auditor.key });
        if (res.status === 403) refusedReads.push(routeName(r));
        else expect({ route: routeName(r), status: res.status }).toEqual({ route: routeName(r), status: 200 });
      }
      expect(refusedReads.sort()).toEqual(reads.filter((r) => r.permission === 'admin.manage' || r.permission === 'customer.manage').map(routeName).sort());
      for (const r of writes) {
        const req = await ENTRY_BY_ROUTE.get(routeName(r))!.probe(ctx);
        const res = await send(req, { key: auditor.key });
        expect({ route: routeName(r), status: res.status }).toEqual({ route: routeName(r), status: 403 });
        expectProblem(res, 403, 'NOT_PERMITTED');
      }
      expect(await snapshot(probes.map((p) => p.target))).toEqual(before);
    });
  });

  describe('object-level access', () => {
    const keys = () => stack.keys;
    const asJson = (res: CallResult) => ({ status: res.status, code: res.body?.code, detail: res.body?.detail });

    it('given a complaint alice acknowledged, when bob reads or works it, then 403 and nothing changes; once alice transfers it to bob, bob reads and works it and alice, its first responder, still reads it', async () => {
      const id = await newComplaint(stack, 'webform', 'web');
      expect((await stack.call('POST', `/complaints/${id}/acknowledge`, { key: keys().alice, body: {} })).body).toMatchObject({ ownerId: 'alice', firstResponderId: 'alice' });

      const before = await snapshot([{ kind: 'complaint', id }]);
      for (const path of [`/complaints/${id}`, `/complaints/${id}/history`, `/complaints/${id}/sla-timeline`]) {
        expectProblem(await stack.call('GET', path, { key: keys().bob }), 403, 'NOT_PERMITTED');
      }
      expectProblem(await stack.call('POST', `/complaints/${id}/add-note`, { key: keys().bob, body: { text: 'not mine' } }), 403, 'NOT_PERMITTED');
      expectProblem(await stack.call('POST', `/complaints/${id}/resolve`, { key: keys().bob, body: { summary: 'not mine' } }), 403, 'NOT_PERMITTED');
      expect(await snapshot([{ kind: 'complaint', id }])).toEqual(before);

      const transferred = await stack.call('POST', `/complaints/${id}/transfer`, { key: keys().alice, body: { toAgentId: 'bob', reason: 'carrier specialist' } });
      expect(transferred.body).toMatchObject({ ownerId: 'bob', firstResponderId: 'alice' });
      expect((await stack.call('GET', `/complaints/${id}`, { key: keys().bob })).status).toBe(200);
      expect((await stack.call('GET', `/complaints/${id}/history`, { key: keys().bob })).status).toBe(200);
      expect((await stack.call('POST', `/complaints/${id}/add-note`, { key: keys().bob, body: { text: 'on it' } })).status).toBe(200);

      // The first responder stays in scope: she reads it, and may still add to it...
      expect((await stack.call('GET', `/complaints/${id}`, { key: keys().alice })).body).toMatchObject({ id, ownerId: 'bob' });
      expect((await stack.call('GET', `/complaints/${id}/sla-timeline`, { key: keys().alice })).status).toBe(200);
      expect((await stack.call('POST', `/complaints/${id}/add-note`, { key: keys().alice, body: { text: 'context for bob' } })).status).toBe(200);
      // ...but what only the owner may do is the complaint's rule, not the access layer's.
      const resolve = await stack.call<Problem>('POST', `/complaints/${id}/resolve`, { key: keys().alice, body: { summary: 'not hers any more' } });
      expectProblem(resolve, 403, 'NOT_PERMITTED');
      expect(resolve.body.detail).toMatch(/only the owner \(bob\)/);
      expect((await stack.call('POST', `/complaints/${id}/resolve`, { key: keys().bob, body: { summary: 'delivered' } })).body).toMatchObject({ status: 'resolved' });
    });

    it('given an unowned complaint in the general queue, when the agents working that queue read and list it, then both do; an agent working no queue neither reads, lists nor acknowledges it', async () => {
      const id = await newComplaint(stack, 'webform', 'web');
      for (const agent of ['alice', 'bob']) {
        expect({ agent, status: (await stack.call('GET', `/complaints/${id}`, { key: keys()[agent] })).status }).toEqual({ agent, status: 200 });
        expect(await listAll('/complaints', keys()[agent]!)).toContain(id);
      }

      const ada = keys().ada!;
      expect((await stack.call('POST', '/admin/users', { key: ada, body: { id: 'quinn', name: 'Quinn No Queue', role: 'agent', queues: [] } })).status).toBe(201);
      const quinn = (await stack.call('POST', '/admin/users/quinn/keys', { key: ada, body: {} })).body.key as string;
      const before = await snapshot([{ kind: 'complaint', id }]);
      expectProblem(await stack.call('GET', `/complaints/${id}`, { key: quinn }), 403, 'NOT_PERMITTED');
      expectProblem(await stack.call('POST', `/complaints/${id}/acknowledge`, { key: quinn, body: {} }), 403, 'NOT_PERMITTED');
      expect(await snapshot([{ kind: 'complaint', id }])).toEqual(before);
      expect(await listAll('/complaints', quinn)).toEqual([]);

      // Acknowledged by alice, it leaves the queue: bob no longer has it.
      expect((await stack.call('POST', `/complaints/${id}/acknowledge`, { key: keys().alice, body: {} })).status).toBe(200);
      expectProblem(await stack.call('GET', `/complaints/${id}`, { key: keys().bob }), 403, 'NOT_PERMITTED');
    });

    it('given complaints owned by alice, by bob, transferred between them and unowned, when agents and a supervisor list complaints, then each agent gets exactly the complaints assigned to them and the supervisor all of them', async () => {
      const { aliceWorking, general, bobOpen, bobWorking, bobResolved } = ctx.complaints;
      const principal = (id: string) => ({ id, role: 'agent' as const, queues: [DEFAULT_QUEUE] });
      // The read model is written right after each transition: compare once it has caught up.
      const compare = async () => {
        const docs = await stack.models.Complaint.find({}, { ownerId: 1, firstResponderId: 1, queue: 1 }).lean();
        const expected = (agent: string) => docs.filter((d) => isAssigned(principal(agent), { ownerId: d.ownerId ?? null, firstResponderId: d.firstResponderId ?? null, queue: d.queue ?? null })).map((d) => d._id as string).sort();
        return {
          alice: { listed: await listAll('/complaints', keys().alice!), expected: expected('alice') },
          bob: { listed: await listAll('/complaints', keys().bob!), expected: expected('bob') },
          sam: { listed: await listAll('/complaints', keys().sam!), expected: docs.map((d) => d._id as string).sort() },
        };
      };
      let seen = await compare();
      await eventually(async () => {
        seen = await compare();
        return Object.values(seen).every((s) => JSON.stringify(s.listed) === JSON.stringify(s.expected));
      }, 10_000, 'lists equal to the read model').catch(() => undefined); // the assertions below then show the difference
      for (const [who, s] of Object.entries(seen)) expect({ who, listed: s.listed }).toEqual({ who, listed: s.expected });

      expect(seen.alice.listed).toEqual(expect.arrayContaining([aliceWorking, general]));
      expect(seen.alice.listed.filter((id) => [bobOpen, bobWorking, bobResolved].includes(id))).toEqual([]);
      expect(seen.bob.listed).toEqual(expect.arrayContaining([general, bobOpen, bobWorking, bobResolved]));
      expect(seen.bob.listed).not.toContain(aliceWorking);
      expect(seen.sam.listed.length).toBeGreaterThan(Math.max(seen.alice.listed.length, seen.bob.listed.length));
    });

    it("given olivia's cycle (sponsor simon, team alice and sam), when a second process owner reads, lists or acts on it, then 403 or absent and nothing changes; its owner, sponsor and team read and list it, and olivia does not see his", async () => {
      const { shared, outsiderPdca, outsiderDmaic } = ctx.cycles;
      const otto = ctx.otto.key;

      const before = await snapshot([{ kind: 'cycle', id: shared }]);
      for (const suffix of ['', '/report', '/history']) {
        expectProblem(await stack.call('GET', `/cycles/${shared}${suffix}`, { key: otto }), 403, 'NOT_PERMITTED');
      }
      for (const type of ['add_five_whys', 'record_measurements', 'abandon'] as const) {
        const res = await stack.call('POST', `/cycles/${shared}/${type.replace(/_/g, '-')}`, { key: otto, body: VALID_ACTION_BODIES[type]() });
        expect({ type, ...asJson(res) }).toEqual({ type, status: 403, code: 'NOT_PERMITTED', detail: expect.stringContaining('outside your involved scope') });
      }
      expect(await snapshot([{ kind: 'cycle', id: shared }])).toEqual(before);
      const ottoSees = await listAll('/cycles', otto);
      expect(ottoSees).not.toContain(shared);
      expect(ottoSees).toEqual(expect.arrayContaining([outsiderPdca, outsiderDmaic]));

      for (const user of ['olivia', 'simon', 'alice', 'sam']) {
        expect({ user, status: (await stack.call('GET', `/cycles/${shared}`, { key: keys()[user] })).status }).toEqual({ user, status: 200 });
        expect({ user, status: (await stack.call('GET', `/cycles/${shared}/report`, { key: keys()[user] })).status }).toEqual({ user, status: 200 });
        const listed = await listAll('/cycles', keys()[user]!);
        expect({ user, shared: listed.includes(shared), outsider: listed.includes(outsiderPdca) }).toEqual({ user, shared: true, outsider: false });
      }
      expectProblem(await stack.call('GET', `/cycles/${outsiderPdca}`, { key: keys().olivia }), 403, 'NOT_PERMITTED');
      // Bob sponsors the outsider cycles: taking part is what counts, not the role.
      expect((await stack.call('GET', `/cycles/${outsiderPdca}`, { key: keys().bob })).status).toBe(200);
      expectProblem(await stack.call('GET', `/cycles/${shared}`, { key: keys().bob }), 403, 'NOT_PERMITTED');
    });
  });

  // Last: these change the database freely (fresh complaints, cycles walked through their phases).
  describe('accepted requests', () => {
    it.each(ROUTES.map(routeName))('given %s, when each role holding its permission calls it, then it is served (scoped roles on an object in their scope)', async (name) => {
      const route = ROUTE_BY_NAME.get(name)!;
      const entry = ENTRY_BY_ROUTE.get(name);
      if (!entry) throw new Error(`test/helpers/endpoint-requests.ts has no entry for ${name}`);
      for (const role of ROLES) {
        if (route.permission !== 'public' && !scopeOf(role, route.permission)) continue;
        const caller = callerFor(stack, role);
        const req = await entry.accepted(ctx, caller);
        const res = await send(req, { key: caller.key });
        // (The OIDC routes answer 404 on this stack, where OIDC is off, whoever calls: test/integration/oidc.test.ts serves them.)
        expect({ role, path: req.path, status: res.status, problem: res.status >= 400 && res.status !== req.status ? res.body : undefined }).toEqual({ role, path: req.path, status: req.status, problem: undefined });
        req.verify?.(res, caller);
      }
    });
  });
});
