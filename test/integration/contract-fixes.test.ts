/**
 * The server answers as its OpenAPI document says (issue 13 §4), on the real
 * stack: the request id in every problem, the Idempotency-Key's visible-ASCII
 * rule, 405 with Allow for a method a known path does not take, the caller
 * authenticated and authorised before the body is read, and blank strings and
 * repeated set items refused as documented. test/unit/openapi-document.test.ts
 * checks the document's side.
 */
import { documentedRoutes } from '../../src/api/app';
import { PERMISSIONS, type Permission } from '../../src/api/permissions';
import { type ApiStack, type CallOptions, type Problem, collectionCounts, errorPaths, expectProblem, rejectionChecker, startApiStack } from '../helpers/api';
import { uniqueId } from '../helpers/stack';

const ROUTES = documentedRoutes();
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'] as const;
/** A path parameter that is no literal segment of any route, so a filled path matches only its own template. */
const PARAM = 'zz9';
const fill = (path: string) => path.replace(/:\w+/g, PARAM);

/** Whether `url` is a path of the template `path` (a parameter takes any one segment, a literal `import` too). */
const matches = (path: string, url: string) => new RegExp(`^${path.replace(/\./g, '\\.').replace(/:\w+/g, '[^/]+')}$`).test(url);
/** The methods the routes matching `url` declare. */
const declaredAt = (url: string) => new Set(ROUTES.filter((r) => matches(r.path, url)).map((r) => r.method.toUpperCase()));

/** Allow as the document implies it: the declared methods, HEAD with GET, and OPTIONS. */
function allowOf(url: string): string {
  const methods = declaredAt(url);
  if (methods.has('GET')) methods.add('HEAD');
  methods.add('OPTIONS');
  return [...methods].sort().join(', ');
}

/** A role whose scope for `permission` is `all`, and one without the permission. */
function rolesFor(permission: Permission): { allowed: string; refused: string } {
  const roles = PERMISSIONS[permission].roles as Record<string, string>;
  const all = ['agent', 'supervisor', 'process_owner', 'sponsor', 'admin', 'auditor', 'intake'];
  return { allowed: all.find((r) => roles[r] === 'all')!, refused: all.find((r) => !(r in roles))! };
}

describe('the server answers as its OpenAPI document says', () => {
  let stack: ApiStack;
  /**
   * What a wrongly accepted request would have written by the time it is answered. The complaints read
   * model, its audit events and outbox follow from workflows the earlier tests start, in the background.
   */
  const snapshot = async () => {
    const { complaints: _complaints, audit_events: _audit, outbox: _outbox, ...counts } = await collectionCounts(stack.models);
    return counts;
  };
  const rejected = rejectionChecker(() => stack, snapshot);
  const newComplaint = () => ({ customer: { id: uniqueId('cust') }, channel: 'email', category: 'billing', severity: 'P3', description: 'Charged twice for one order.' });

  beforeAll(async () => {
    stack = await startApiStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  describe('problems carry the request id', () => {
    it.each([
      ['an unknown path (404)', 'GET', '/complaintz', {}],
      ['a missing key (401)', 'GET', '/complaints', {}],
      ['an invalid body (400)', 'POST', '/complaints', { body: { customer: {} } }],
    ] as const)('given %s, when answered, then the problem has requestId equal to the x-request-id header', async (_name, method, path, opts) => {
      const res = await stack.call<Problem & { requestId?: string }>(method, path, { ...(path === '/complaints' && method === 'POST' ? { key: stack.keys.agent } : {}), ...opts });
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.requestId).toEqual(res.headers['x-request-id']);
      expect(res.body.requestId).toMatch(/^[\w-]{1,64}$/);
    });

    it('given a caller-chosen x-request-id, when the request fails, then the problem repeats it', async () => {
      const res = await stack.call<Problem & { requestId?: string }>('GET', '/complaints/nope!', { key: stack.keys.agent, headers: { 'x-request-id': 'trace-42' } });
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(res.body.requestId).toBe('trace-42');
    });
  });

  describe('Idempotency-Key: 1-200 visible ASCII characters', () => {
    it.each([
      ['a space', 'two words'],
      ['a non-ASCII letter', 'caf\u00e9-1'],
      ['201 characters', 'k'.repeat(201)],
    ])('given a key with %s, when creating a complaint, then 400 names headers.idempotency-key and nothing is created', async (_name, key) => {
      const res = await rejected('POST', '/complaints', { key: stack.keys.agent, body: newComplaint(), headers: { 'idempotency-key': key } }, 400, 'VALIDATION_FAILED');
      expect(errorPaths(res)).toEqual(['headers.idempotency-key']);
    });

    it('given 200 visible ASCII characters including punctuation, when creating twice, then 201 then 200 replayed: the same complaint', async () => {
      const key = `${uniqueId('k')}!~"#$%&'()*+,./:;<=>?@[\\]^_\`{|}`.padEnd(200, 'x');
      const body = newComplaint();
      const first = await stack.call('POST', '/complaints', { key: stack.keys.agent, body, headers: { 'idempotency-key': key } });
      const again = await stack.call('POST', '/complaints', { key: stack.keys.agent, body, headers: { 'idempotency-key': key } });
      expect([first.status, again.status, again.headers['idempotent-replayed']]).toEqual([201, 200, 'true']);
      expect(again.body.id).toBe(first.body.id);
    });
  });

  describe('405 for a method a known path does not take', () => {
    const paths = [...new Set(ROUTES.map((r) => r.path))];

    it('given every path of the API and a method it does not declare, when called without a key, then 405 METHOD_NOT_ALLOWED with Allow listing the declared methods, HEAD with GET, and OPTIONS', async () => {
      const answers = [];
      for (const path of paths) {
        const declared = declaredAt(fill(path));
        const method = METHODS.find((m) => !declared.has(m))!;
        const res = await stack.call<Problem>(method, fill(path));
        answers.push({ path, method, status: res.status, code: res.body.code, allow: res.headers.allow, type: res.headers['content-type']?.split(';')[0] });
      }
      expect(answers).toEqual(paths.map((path) => expect.objectContaining({ path, status: 405, code: 'METHOD_NOT_ALLOWED', allow: allowOf(fill(path)), type: 'application/problem+json' })));
    });

    it('given OPTIONS on a path, then 204 with the same Allow as its 405; HEAD on a GET route is served; unknown paths stay 404', async () => {
      const options = await stack.call('OPTIONS', '/complaints');
      expect({ status: options.status, allow: options.headers.allow, text: options.text }).toEqual({ status: 204, allow: 'GET, HEAD, OPTIONS, POST', text: '' });
      const patch = await stack.call<Problem>('PATCH', '/complaints', { key: stack.keys.agent });
      expectProblem(patch, 405, 'METHOD_NOT_ALLOWED');
      expect(patch.headers.allow).toBe(options.headers.allow);
      expect((await stack.call('HEAD', '/complaints', { key: stack.keys.agent })).status).toBe(200);
      expect((await stack.call('HEAD', '/auth/login')).headers.allow).toBe(allowOf('/auth/login'));
      await rejected('DELETE', '/complaintz', { key: stack.keys.agent }, 404, 'NOT_FOUND');
      await rejected('OPTIONS', '/complaintz/1', {}, 404, 'NOT_FOUND');
    });
  });

  describe('the caller is known before the body is read', () => {
    const MALFORMED = '{"customer": {"id": "c1",';
    const bodyRoutes = [
      ['POST', '/complaints', 'complaint.create'],
      ['POST', '/sla-policies', 'catalog.write'],
      ['PUT', '/admin/users/zz9/password', 'admin.manage'],
      ['POST', '/complaints/zz9/resolve', 'complaint.act'],
    ] as const;

    it.each(bodyRoutes)('given a malformed JSON body to %s %s, when sent without a key, with an unknown key, or by a role without the permission, then 401, 401, 403 (never 400); and 400 MALFORMED_JSON only for a caller allowed to call it', async (method, path, permission) => {
      expect(PERMISSIONS[permission]).toBeDefined();
      const { allowed, refused } = rolesFor(permission);
      const send = (o: CallOptions) => rejected(method, path, { rawBody: MALFORMED, ...o }, o.key === undefined || o.key.startsWith('ql_unknown') ? 401 : o.key === stack.keys[refused] ? 403 : 400);
      expect((await send({})).body.code).toBe('UNAUTHENTICATED');
      expect((await send({ key: `ql_unknown_${'x'.repeat(40)}` })).body.code).toBe('UNAUTHENTICATED');
      expect((await send({ key: stack.keys[refused] })).body.code).toBe('NOT_PERMITTED');
      expect((await send({ key: stack.keys[allowed] })).body.code).toBe('MALFORMED_JSON');
    });

    it('given an over-large body or one of another media type without a key, then 401, not 413 or 415: the limits are revealed only to callers allowed to call the route', async () => {
      await rejected('POST', '/complaints', { rawBody: JSON.stringify({ description: 'x'.repeat(70_000) }) }, 401, 'UNAUTHENTICATED');
      await rejected('POST', '/complaints', { rawBody: 'hello', headers: { 'content-type': 'text/plain' } }, 401, 'UNAUTHENTICATED');
      await rejected('POST', '/complaints', { key: stack.keys.agent, rawBody: JSON.stringify({ description: 'x'.repeat(70_000) }) }, 413, 'BODY_TOO_LARGE');
      await rejected('POST', '/complaints', { key: stack.keys.agent, rawBody: 'hello', headers: { 'content-type': 'text/plain' } }, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('given a customer-link write with a malformed body and no link or a forged one, then 401 LINK_INVALID, not 400', async () => {
      await rejected('POST', '/customer-link/reply', { rawBody: '{"message": ', headers: { 'idempotency-key': uniqueId('k') } }, 401, 'LINK_INVALID');
      await rejected('POST', '/customer-link/reply', { rawBody: '{"message": ', headers: { 'idempotency-key': uniqueId('k'), 'x-customer-link': 'forged.token' } }, 401, 'LINK_INVALID');
      await rejected('PUT', '/customer-link/survey/response', { rawBody: '{"answers": ', headers: { 'idempotency-key': uniqueId('k') } }, 401, 'LINK_INVALID');
    });

    it('given public sign-in with a malformed body, then 400 MALFORMED_JSON (a public route reads its body at once)', async () => {
      await rejected('POST', '/auth/login', { rawBody: '{"username": "alice",' }, 400, 'MALFORMED_JSON');
    });

    it('given a GET with a malformed body, then 401 without a key and 400 MALFORMED_JSON only with one (a route without a body still refuses one that is not JSON)', async () => {
      await rejected('GET', '/complaints', { rawBody: MALFORMED }, 401, 'UNAUTHENTICATED');
      await rejected('GET', '/complaints', { key: stack.keys.agent, rawBody: MALFORMED }, 400, 'MALFORMED_JSON');
    });
  });

  describe('blank strings and repeated set items, as documented', () => {
    it('given a blank description or one longer than 5000 characters as sent (trailing spaces count), then 400 naming body.description', async () => {
      for (const description of ['   ', '\t\n', `${'x'.repeat(4999)}  `]) {
        const res = await rejected('POST', '/complaints', { key: stack.keys.agent, body: { ...newComplaint(), description } }, 400, 'VALIDATION_FAILED');
        expect(errorPaths(res)).toEqual(['body.description']);
      }
      const trimmed = await stack.call('POST', '/complaints', { key: stack.keys.agent, body: { ...newComplaint(), description: '  Charged twice.  ' } });
      expect([trimmed.status, trimmed.body.description]).toEqual([201, 'Charged twice.']);
    });

    it('given an SLA policy whose severities repeat, then 400 naming body.match.severities once and nothing is stored; distinct severities are accepted', async () => {
      const calendarId = ((await stack.call('GET', '/calendars', { key: stack.keys.admin })).body.items as { id: string }[])[0]!.id;
      const policy = (severities: string[]) => ({
        policyId: uniqueId('pol').toLowerCase().replace(/[^a-z0-9_-]/g, ''),
        name: 'Repeats',
        match: { severities },
        targets: { firstResponseMinutes: 60, nextResponseMinutes: 60, resolutionMinutes: 600 },
        calendarId,
      });
      const res = await rejected('POST', '/sla-policies', { key: stack.keys.admin, body: policy(['P2', 'P2']) }, 400, 'VALIDATION_FAILED');
      expect(errorPaths(res)).toEqual(['body.match.severities']);
      const res2 = await rejected('POST', '/sla-policies', { key: stack.keys.admin, body: { ...policy(['P2']), warningThresholds: [50, 50] } }, 400, 'VALIDATION_FAILED');
      expect(errorPaths(res2)).toEqual(['body.warningThresholds']);
      expect((await stack.call('POST', '/sla-policies', { key: stack.keys.admin, body: policy(['P2', 'P3']) })).status).toBe(201);
    });

    it('given a user whose queues repeat, then 400 naming body.queues', async () => {
      const res = await rejected('POST', '/admin/users', { key: stack.keys.admin, body: { id: uniqueId('u'), name: 'Q', role: 'agent', queues: ['billing', 'billing'] } }, 400, 'VALIDATION_FAILED');
      expect(errorPaths(res)).toEqual(['body.queues']);
    });
  });
});
