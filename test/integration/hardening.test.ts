/**
 * HTTP hardening on the real stack: security headers on every kind of answer,
 * the per-user rate limit (429 + Retry-After), the body size limit, request ids
 * (header, problem, log), no internals in error answers, MongoDB operators in
 * query strings, and mass assignment through create bodies. Every rejected
 * request is checked to have written nothing.
 *
 * The rate-limit, logging and internal-error cases mount their own `createApp`
 * (a low limit, a capturing logger, a Temporal client that crashes) on the
 * stack's database; the rest go through the stack's own app.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import express from 'express';
import pino from 'pino';
import { BODY_LIMIT, createApp } from '../../src/api/app';
import { issueApiKey } from '../../src/api/auth';
import { errorHandler, problems } from '../../src/api/problem';
import type { Config } from '../../src/config';
import { type ApiStack, type CallOptions, type CallResult, type Problem, collectionCounts, errorPaths, expectProblem, rejectionChecker, startApiStack } from '../helpers/api';
import { validCycle } from '../helpers/cycle-endpoints';
import { eventually } from '../helpers/stack';
import { validatedFetch } from '../helpers/openapi-validation';

type ProblemWithId = Problem & { requestId?: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const BODY_LIMIT_BYTES = Number.parseInt(BODY_LIMIT, 10) * 1024;
const MISSING_ID = 'c_000000000000000000000000';

const validComplaint = () => ({ customer: { id: 'cust-hardening', name: 'Eve' }, channel: 'email', category: 'billing', severity: 'P3', description: 'charged twice' });
const weekly = (day = [{ start: '09:00', end: '17:00' }]) => ({ mon: day, tue: day, wed: day, thu: day, fri: day, sat: [], sun: [] });
const validCalendar = () => ({ name: 'Hardening office', timeZone: 'Europe/Paris', weeklyHours: weekly() });
const validPolicy = () => ({ name: 'Hardening policy', match: { severities: ['P1'] }, targets: { firstResponseMinutes: 30, nextResponseMinutes: 60, resolutionMinutes: 600 }, calendarId: '24x7' });

/** A stack trace frame (`at fn (/path/file.ts:1:2)`), a path of this checkout, or node_modules. */
function leaksInternals(text: string): boolean {
  return /\bat (?:\S+ )?\(?(?:\/|[A-Za-z]:\\|node:|file:)[^\s)]*:\d+:\d+/.test(text) || text.includes(process.cwd()) || text.includes('node_modules');
}

/** A pino logger whose lines the test can read. */
function memoryLog() {
  const lines: Record<string, any>[] = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { log, lines };
}

/** Serves an Express app on a free port, with the same call shape as the stack's. */
async function serve(app: express.Express) {
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    async call<T = any>(method: string, path: string, o: CallOptions = {}): Promise<CallResult<T>> {
      const headers: Record<string, string> = { ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(o.key ? { authorization: `Bearer ${o.key}` } : {}), ...o.headers };
      const res = await validatedFetch(baseUrl + path, { method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body) });
      const text = await res.text();
      const out: Record<string, string> = {};
      res.headers.forEach((v, k) => (out[k] = v));
      const body = /json/.test(out['content-type'] ?? '') && text ? JSON.parse(text) : text;
      return { status: res.status, headers: out, body: body as T, text };
    },
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** A Temporal client whose every call throws `err` (an internal failure the API cannot classify). */
function crashingClient(err: Error): Client {
  const crash: unknown = new Proxy(function crash() {}, {
    get: (_t, p) => (p === 'then' ? undefined : crash),
    apply: () => {
      throw err;
    },
  });
  return crash as Client;
}

/** Sends a body without Content-Length (chunked), in pieces, as a streaming client would. */
function postChunked(url: string, key: string, pieces: string[]): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` } }, (res) => {
      answered = true;
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    // The server may answer 413 and stop reading before the last piece: that is the point.
    req.on('error', (e) => (answered ? undefined : reject(e)));
    for (const p of pieces) req.write(p);
    req.end();
  });
}

describe('hardening', () => {
  let stack: ApiStack;

  beforeAll(async () => {
    stack = await startApiStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  /** Everything a rejected request could change. */
  async function snapshot() {
    const [counts, workflows] = await Promise.all([collectionCounts(stack.models), stack.workflowCount()]);
    return { ...counts, workflows };
  }
  const rejected = rejectionChecker(() => stack, snapshot);

  /** The config of the stack with another rate limit. */
  const withRateLimit = (rateLimit: Config['api']['rateLimit']): Config => ({ ...stack.config, api: { ...stack.config.api, rateLimit } });

  describe('security headers', () => {
    function expectSecurityHeaders(what: string, headers: Record<string, string>) {
      expect({
        what,
        nosniff: headers['x-content-type-options'],
        frame: headers['x-frame-options'],
        csp: headers['content-security-policy'],
        referrer: headers['referrer-policy'],
        cache: headers['cache-control'],
        hsts: /^max-age=\d{7,}/.test(headers['strict-transport-security'] ?? ''),
        coop: headers['cross-origin-opener-policy'],
        corp: headers['cross-origin-resource-policy'],
        poweredBy: headers['x-powered-by'],
      }).toEqual({
        what,
        nosniff: 'nosniff',
        frame: 'DENY',
        csp: "default-src 'none'; frame-ancestors 'none'",
        referrer: 'no-referrer',
        cache: 'no-store',
        hsts: true,
        coop: 'same-origin',
        corp: 'same-origin',
        poweredBy: undefined,
      });
    }

    it('given a JSON answer, problem answers (401, 404, 413, unknown route), the OpenAPI document and a public probe, when fetched, then each carries the security headers and no X-Powered-By', async () => {
      const answers: [string, CallResult, number][] = [
        ['JSON list', await stack.call('GET', '/complaints', { key: stack.keys.supervisor }), 200],
        ['problem 404', await stack.call('GET', `/complaints/${MISSING_ID}`, { key: stack.keys.supervisor }), 404],
        ['problem 401', await stack.call('GET', '/complaints'), 401],
        ['problem 413', await stack.call('POST', '/complaints', { key: stack.keys.intake, rawBody: JSON.stringify({ ...validComplaint(), description: 'x'.repeat(BODY_LIMIT_BYTES) }) }), 413],
        ['unknown route', await stack.call('GET', '/nowhere', { key: stack.keys.supervisor }), 404],
        ['OpenAPI document', await stack.call('GET', '/openapi.json'), 200],
        ['liveness probe', await stack.call('GET', '/healthz'), 200],
      ];
      for (const [what, res, status] of answers) {
        expect({ what, status: res.status }).toEqual({ what, status });
        expectSecurityHeaders(what, res.headers);
      }
    });

    it('given the docs page, when fetched, then framing and sniffing are still forbidden and content may only come from the API itself', async () => {
      const res = await stack.call('GET', '/docs');
      expect(res.status).toBe(200);
      const csp = res.headers['content-security-policy'] ?? '';
      expect(csp.split(';').map((d) => d.trim())).toEqual(expect.arrayContaining(["default-src 'self'", "frame-ancestors 'none'"]));
      expect(csp).not.toMatch(/unsafe-eval|\*|https?:/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['x-powered-by']).toBeUndefined();
    });
  });

  describe('rate limit (per user)', () => {
    it('given a burst of 3 and 1 request per minute, when alice sends a 4th request, then 429 RATE_LIMITED with Retry-After in whole seconds and nothing written, while bob still gets 200', async () => {
      // 1/min: no token comes back while the test runs, so the outcome does not depend on its speed.
      const api = await serve(createApp({ config: withRateLimit({ perMinute: 1, burst: 3 }), models: stack.models, client: stack.client, log: pino({ level: 'silent' }) }));
      try {
        const allowed = [];
        for (let i = 0; i < 3; i++) allowed.push(await api.call('GET', '/complaints', { key: stack.keys.alice }));
        expect(allowed.map((r) => [r.status, r.headers['ratelimit-limit'], r.headers['ratelimit-remaining']])).toEqual([
          [200, '1', '2'],
          [200, '1', '1'],
          [200, '1', '0'],
        ]);

        const before = await snapshot();
        // The refused request is a creation: refused before validation and before any write.
        const refused = await api.call<ProblemWithId>('POST', '/complaints', { key: stack.keys.alice, body: validComplaint() });
        expectProblem(refused, 429, 'RATE_LIMITED');
        expect(refused.headers['retry-after']).toMatch(/^\d+$/);
        expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
        expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
        expect(refused.body.requestId).toBe(refused.headers['x-request-id']);
        expect(refused.headers['x-content-type-options']).toBe('nosniff');
        expect(await snapshot()).toEqual(before);

        expectProblem(await api.call('GET', '/complaints', { key: stack.keys.alice }), 429, 'RATE_LIMITED');
        const bob = await api.call('GET', '/complaints', { key: stack.keys.bob });
        expect(bob.status).toBe(200);
        expect(bob.headers['ratelimit-remaining']).toBe('2');
      } finally {
        await api.close();
      }
    });

    it('given two API keys of one user, when the first has used up the burst, then the second is refused too (one bucket per user), and requests without a valid key stay 401', async () => {
      const second = 'ql_hardening-second-key-of-alice-0001';
      await issueApiKey(stack.models, stack.config.secrets.apiKeyPepper, 'alice', { key: second, label: 'hardening test' });
      const api = await serve(createApp({ config: withRateLimit({ perMinute: 1, burst: 2 }), models: stack.models, client: stack.client, log: pino({ level: 'silent' }) }));
      try {
        for (let i = 0; i < 2; i++) expect((await api.call('GET', '/complaints', { key: stack.keys.alice })).status).toBe(200);
        expectProblem(await api.call('GET', '/complaints', { key: second }), 429, 'RATE_LIMITED');
        // The limit applies to authenticated callers; a bad key is still told it is bad.
        expectProblem(await api.call('GET', '/complaints', { key: 'ql_never-issued' }), 401, 'UNAUTHENTICATED');
        expect((await api.call('GET', '/complaints', { key: stack.keys.sam })).status).toBe(200);
      } finally {
        await api.close();
      }
    });
  });

  describe('body size', () => {
    it(`given a body over ${BODY_LIMIT} with a Content-Length, when creating a complaint, then 413 BODY_TOO_LARGE and nothing is written`, async () => {
      const res = await rejected('POST', '/complaints', { key: stack.keys.intake, rawBody: JSON.stringify({ ...validComplaint(), description: 'x'.repeat(BODY_LIMIT_BYTES + 1) }) }, 413, 'BODY_TOO_LARGE');
      expect((res.body as ProblemWithId).requestId).toBe(res.headers['x-request-id']);
    });

    it(`given a body over ${BODY_LIMIT} sent chunked (no Content-Length), when creating a complaint, then 413 BODY_TOO_LARGE and nothing is written`, async () => {
      const before = await snapshot();
      const body = JSON.stringify({ ...validComplaint(), description: 'y'.repeat(BODY_LIMIT_BYTES + 1024) });
      const pieces = body.match(/[\s\S]{1,8192}/g)!;
      const res = await postChunked(`${stack.baseUrl}/complaints`, stack.keys.intake, pieces);
      expect(res.status).toBe(413);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(res.text)).toMatchObject({ status: 413, code: 'BODY_TOO_LARGE' });
      expect(await snapshot()).toEqual(before);
    });

    it(`given a body just under ${BODY_LIMIT} with an over-long field, when creating a complaint, then 400 naming the field (the limit is not lower than documented)`, async () => {
      const rawBody = JSON.stringify({ ...validComplaint(), description: 'z'.repeat(BODY_LIMIT_BYTES - 1024) });
      expect(Buffer.byteLength(rawBody)).toBeLessThan(BODY_LIMIT_BYTES);
      const res = await rejected('POST', '/complaints', { key: stack.keys.intake, rawBody }, 400, 'VALIDATION_FAILED');
      expect(errorPaths(res)).toEqual(['body.description']);
    });
  });

  describe('request ids', () => {
    it('given a valid X-Request-Id, when a request fails or succeeds, then the id is echoed in the header and in the problem', async () => {
      const failed = await stack.call<ProblemWithId>('GET', `/complaints/${MISSING_ID}`, { key: stack.keys.supervisor, headers: { 'x-request-id': 'trace-abc_123' } });
      expectProblem(failed, 404, 'NOT_FOUND');
      expect(failed.headers['x-request-id']).toBe('trace-abc_123');
      expect(failed.body.requestId).toBe('trace-abc_123');
      const ok = await stack.call('GET', '/complaints', { key: stack.keys.supervisor, headers: { 'x-request-id': 'trace-ok-1' } });
      expect(ok.status).toBe(200);
      expect(ok.headers['x-request-id']).toBe('trace-ok-1');
    });

    it.each([
      ['100 characters', 'x'.repeat(100)],
      ['spaces', 'has spaces in it'],
      ['a semicolon', 'a;b'],
      ['markup', '<script>'],
      ['an empty value', ''],
    ])('given an X-Request-Id with %s, when a request fails, then a generated UUID replaces it in the header and the problem', async (_what, supplied) => {
      const res = await stack.call<ProblemWithId>('GET', `/complaints/${MISSING_ID}`, { key: stack.keys.supervisor, headers: { 'x-request-id': supplied } });
      expectProblem(res, 404, 'NOT_FOUND');
      expect(res.headers['x-request-id']).toMatch(UUID);
      expect(res.headers['x-request-id']).not.toBe(supplied);
      expect(res.body.requestId).toBe(res.headers['x-request-id']);
    });

    it('given no X-Request-Id, when two requests are made, then each gets its own generated id', async () => {
      const [a, b] = await Promise.all([stack.call('GET', '/nowhere'), stack.call('GET', '/nowhere')]);
      expect(a.headers['x-request-id']).toMatch(UUID);
      expect(b.headers['x-request-id']).toMatch(UUID);
      expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
      expect((a.body as ProblemWithId).requestId).toBe(a.headers['x-request-id']);
    });

    it('given a request with an id, when it is answered, then the request log line carries the same id, method, URL and status', async () => {
      const { log, lines } = memoryLog();
      const api = await serve(createApp({ config: stack.config, models: stack.models, client: stack.client, log }));
      try {
        const res = await api.call('GET', `/complaints/${MISSING_ID}`, { key: stack.keys.supervisor, headers: { 'x-request-id': 'log-trace-1' } });
        expect(res.status).toBe(404);
        // The line is written when the response finishes, which may be just after the client has it.
        const line = await eventually(async () => lines.find((l) => l.requestId === 'log-trace-1' && l.msg === 'request'), 5_000, 'request log line');
        expect(line).toMatchObject({ requestId: 'log-trace-1', method: 'GET', url: `/complaints/${MISSING_ID}`, status: 404 });
      } finally {
        await api.close();
      }
    });
  });

  describe('no internals in error answers', () => {
    it('given an unexpected internal error, when a complaint is created, then 500 INTERNAL quoting the request id, without message, stack or paths, and the log has them with the id', async () => {
      const internal = new TypeError("Cannot read properties of undefined (reading 'mongodb://admin:hunter2@db.internal:27017')");
      internal.stack = `${internal.name}: ${internal.message}\n    at createComplaint (${process.cwd()}/src/services/complaints.ts:69:13)\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)`;
      const { log, lines } = memoryLog();
      const api = await serve(createApp({ config: stack.config, models: stack.models, client: crashingClient(internal), log }));
      try {
        const before = await snapshot();
        const res = await api.call<ProblemWithId>('POST', '/complaints', { key: stack.keys.intake, body: validComplaint(), headers: { 'x-request-id': 'crash-trace-1' } });
        expectProblem(res, 500, 'INTERNAL');
        expect(res.body.requestId).toBe('crash-trace-1');
        expect(res.body.detail).toBe('unexpected error; quote request id crash-trace-1');
        expect(leaksInternals(res.text)).toBe(false);
        for (const secret of ['hunter2', 'mongodb://', 'TypeError', 'complaints.ts', 'createComplaint', 'stack']) expect(res.text).not.toContain(secret);
        expect(res.headers['cache-control']).toBe('no-store');

        const logged = lines.find((l) => l.msg === 'unhandled error');
        expect(logged).toMatchObject({ level: 50, requestId: 'crash-trace-1', err: { type: 'TypeError', message: internal.message } });
        expect(logged!.err.stack).toContain('complaints.ts:69:13');
        expect(await snapshot()).toEqual(before);
      } finally {
        await api.close();
      }
    });

    it.each([
      ['an unexpected error', () => new Error('cursor died')],
      ['a problem', () => problems.notFound('the stream vanished')],
    ])('given a streamed answer that fails midway with %s, when read, then the connection is cut (no complete-looking body) and the failure is logged with the request id', async (_what, failure) => {
      const { log, lines } = memoryLog();
      const app = express();
      app.get('/export', (_req, res, next) => {
        res.setHeader('x-request-id', 'stream-trace-1');
        res.status(200).type('application/x-ndjson');
        res.write('{"seq":1}\n');
        setImmediate(() => next(failure()));
      });
      app.use(errorHandler(log));
      const api = await serve(app);
      try {
        const res = await fetch(`${api.baseUrl}/export`);
        expect(res.status).toBe(200);
        await expect(res.text()).rejects.toThrow();
        const logged = await eventually(async () => lines.find((l) => l.requestId === 'stream-trace-1'), 5_000, 'failure logged');
        expect(logged).toMatchObject({ level: 50, msg: 'request failed after the response started' });
      } finally {
        await api.close();
      }
    });
  });

  describe('operator injection in query strings', () => {
    const cases: [string, string][] = [
      ['?owner[$ne]=x', 'query.owner[$ne]'],
      ['?status=%7B%22%24gt%22%3A%22%22%7D', 'query.status'],
      ['?owner=%7B%22%24ne%22%3Anull%7D', 'query.owner'],
      ['?status[$in][]=open', 'query.status[$in][]'],
      ['?$where=sleep(1000)', 'query.$where'],
      ['?status=open&status=closed', 'query.status'],
      ['?__proto__[polluted]=1', 'query.__proto__[polluted]'],
      ['?constructor[prototype][polluted]=1', 'query.constructor[prototype][polluted]'],
      ['?limit[$gt]=0', 'query.limit[$gt]'],
    ];

    it.each(['/complaints', '/cycles'].flatMap((list) => cases.map(([q, path]) => [`${list}${q}`, path] as const)))(
      'given GET %s, when listed, then 400 naming %s, and nothing reaches a filter or a prototype',
      async (url, path) => {
        const res = await rejected('GET', url, { key: stack.keys.auditor }, 400, 'VALIDATION_FAILED');
        expect(errorPaths(res)).toContain(path);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      },
    );

    it('given the same filters with plain values, when listed, then 200 (the 400s are about the operators, not the fields)', async () => {
      expect((await stack.call('GET', '/complaints?owner=alice&status=acknowledged&limit=5', { key: stack.keys.auditor })).status).toBe(200);
      expect((await stack.call('GET', '/cycles?owner=olivia&status=active&limit=5', { key: stack.keys.auditor })).status).toBe(200);
    });
  });

  describe('mass assignment', () => {
    it('given a complaint body with server-owned fields, when created, then 400 naming every one and nothing is created', async () => {
      const extra = { _id: 'c_mine', id: 'c_mine', version: 7, status: 'closed', ownerId: 'alice', firstResponderId: 'alice', createdBy: { id: 'ada', role: 'admin' }, sla: null };
      const res = await rejected('POST', '/complaints', { key: stack.keys.intake, body: { ...validComplaint(), ...extra } }, 400, 'VALIDATION_FAILED');
      expect(errorPaths(res).sort()).toEqual(Object.keys(extra).map((k) => `body.${k}`).sort());
      const nested = await rejected('POST', '/complaints', { key: stack.keys.intake, body: { ...validComplaint(), customer: { id: 'c1', role: 'admin' } } }, 400, 'VALIDATION_FAILED');
      expect(errorPaths(nested)).toEqual(['body.customer.role']);
    });

    it('given a cycle body with server-owned fields, when created, then 400 naming every one and nothing is created', async () => {
      const extra = { _id: 'y_mine', id: 'y_mine', version: 3, status: 'completed', phase: 'act', signatures: [], createdBy: 'olivia', iteration: 9 };
      const res = await rejected('POST', '/cycles', { key: stack.keys.process_owner, body: { ...validCycle(), ...extra } }, 400, 'VALIDATION_FAILED');
      expect(errorPaths(res).sort()).toEqual(Object.keys(extra).map((k) => `body.${k}`).sort());
    });

    it('given catalog bodies with version or audit fields, when saved, then 400 naming them and nothing is saved', async () => {
      const cal = await rejected('POST', '/calendars', { key: stack.keys.admin, body: { calendarId: 'mass-cal', ...validCalendar(), version: 9, createdBy: 'ada', _id: 'x' } }, 400, 'VALIDATION_FAILED');
      expect(errorPaths(cal).sort()).toEqual(['body._id', 'body.createdBy', 'body.version']);
      const pol = await rejected('PUT', '/sla-policies/critical-24x7', { key: stack.keys.admin, body: { expectedVersion: 1, ...validPolicy(), version: 5, policyId: 'other' } }, 400, 'VALIDATION_FAILED');
      expect(errorPaths(pol).sort()).toEqual(['body.policyId', 'body.version']);
    });

    it('given an action body naming its author or sequence, when sent, then 400 naming them and nothing is written', async () => {
      const res = await rejected('POST', `/complaints/${MISSING_ID}/add-note`, { key: stack.keys.supervisor, body: { text: 'hello', authorId: 'sam', seq: 1 } }, 400, 'VALIDATION_FAILED');
      expect(errorPaths(res).sort()).toEqual(['body.authorId', 'body.seq']);
    });
  });

  describe('afterwards', () => {
    it('given every refused request in this file, when one complaint is created, then it is the only workflow ever started', async () => {
      const created = await stack.call('POST', '/complaints', { key: stack.keys.intake, body: validComplaint() });
      expect(created.status).toBe(201);
      await eventually(async () => (await stack.workflowCount()) >= 1, 20_000, 'workflow visible');
      expect(await stack.workflowCount()).toBe(1);
    });
  });
});
