/**
 * Sign-in for people against the real stack (API, worker, Temporal, FerretDB):
 * password sign-in, the session cookie and its flags, session expiry (idle and
 * absolute), CSRF refusal of cookie writes, lockout and the per-address
 * slow-down, admin password resets, disabled users, and the permission matrix
 * applied to cookie sessions exactly as to API keys.
 *
 * Time-based rules run on a second API app over the same database and Temporal
 * with small config values (seconds), so expiry and unlocking are real waits
 * of a few seconds rather than clock tricks.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { createApp } from '../../src/api/app';
import type { Config } from '../../src/config';
import { DEMO_USERS, demoPassword } from '../../src/db/seed';
import { hashPassword, verifyPassword } from '../../src/services/passwords';
import { sessionId } from '../../src/services/sessions';
import { type ApiStack, type CallOptions, type CallResult, type Problem, expectProblem, startApiStack } from '../helpers/api';
import { validatedFetch } from '../helpers/openapi-validation';
import { uniqueId } from '../helpers/stack';

let stack: ApiStack;
const servers: http.Server[] = [];

beforeAll(async () => {
  stack = await startApiStack();
});
afterAll(async () => {
  for (const s of servers) {
    await new Promise<void>((r) => {
      s.close(() => r());
      s.closeAllConnections();
    });
  }
  await stack?.stop();
});

type Caller = (method: string, path: string, opts?: CallOptions) => Promise<CallResult>;

/** A second API app over the stack's database and Temporal, with its own auth settings. */
async function appWith(auth: Partial<Config['auth']>, api: Partial<Config['api']> = {}): Promise<Caller> {
  const config: Config = { ...stack.config, api: { ...stack.config.api, ...api }, auth: { ...stack.config.auth, ...auth } };
  const server = http.createServer(createApp({ config, models: stack.models, client: stack.client, log: pino({ level: 'silent' }) }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return async (method, path, o = {}) => {
    const headers: Record<string, string> = { ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(o.key ? { authorization: `Bearer ${o.key}` } : {}), ...o.headers };
    const res = await validatedFetch(base + path, { method, headers, body: o.body !== undefined ? JSON.stringify(o.body) : undefined, redirect: 'manual' });
    const text = await res.text();
    const out: Record<string, string> = {};
    res.headers.forEach((v, k) => (out[k] = v));
    return { status: res.status, headers: out, text, body: /json/.test(out['content-type'] ?? '') && text ? JSON.parse(text) : text };
  };
}

const stackCall: Caller = (m, p, o) => stack.call(m, p, o);

/** The `ql_session` token set by a response. */
function cookieToken(res: CallResult): string {
  const m = /(?:^|,\s*)ql_session=([^;]*)/.exec(res.headers['set-cookie'] ?? '');
  if (!m) throw new Error(`no ql_session cookie in ${JSON.stringify(res.headers['set-cookie'])}`);
  return m[1]!;
}

interface Signed {
  token: string;
  csrf: string;
  /** Headers of a cookie-authenticated request, with the CSRF token. */
  headers: Record<string, string>;
  cookie: Record<string, string>;
  body: any;
}

async function signIn(userId: string, call: Caller = stackCall, password = demoPassword(userId)): Promise<Signed> {
  const res = await call('POST', '/auth/login', { body: { username: userId, password } });
  expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: expect.objectContaining({ csrfToken: expect.any(String) }) });
  const token = cookieToken(res);
  const cookie = { cookie: `ql_session=${token}` };
  return { token, csrf: res.body.csrfToken, cookie, headers: { ...cookie, 'x-csrf-token': res.body.csrfToken }, body: res.body };
}

async function newUser(role: string, password?: string): Promise<string> {
  const id = uniqueId(role.replace('_', '-'));
  const res = await stack.call('POST', '/admin/users', { key: stack.keys.admin, body: { id, name: `Test ${role}`, role, ...(password ? { password } : {}) } });
  expect(res.status).toBe(201);
  return id;
}

const complaintBody = () => ({ customer: { id: uniqueId('cust') }, channel: 'phone', category: 'delivery', severity: 'P3', description: 'Cookie-session test: the parcel never arrived.' });

describe('password sign-in and the session cookie', () => {
  it('given a demo user, when signing in with the demo password, then 200 with the user, the CSRF token and expiry, and an HttpOnly SameSite=Lax Path=/ session cookie without Max-Age whose token is stored only as its SHA-256', async () => {
    const res = await stack.call('POST', '/auth/login', { body: { username: 'alice', password: 'demo-alice-password' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      user: { id: 'alice', name: 'Alice Agent', role: 'agent', queues: ['general'] },
      csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      expiresAt: expect.any(String),
      idleExpiresAt: expect.any(String),
    });
    const setCookie = res.headers['set-cookie']!;
    const attrs = setCookie.split(';').map((a) => a.trim().toLowerCase());
    expect(attrs).toEqual(expect.arrayContaining(['httponly', 'samesite=lax', 'path=/']));
    expect(attrs.some((a) => a.startsWith('max-age') || a.startsWith('expires'))).toBe(false);
    // Served over plain http without an https public URL: not Secure (the browser would drop it).
    expect(attrs).not.toContain('secure');
    const token = cookieToken(res);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const stored = await stack.models.Session.findById(sessionId(token)).lean();
    expect(stored).toMatchObject({ userId: 'alice', csrfToken: res.body.csrfToken, method: 'password' });
    expect(JSON.stringify(await stack.models.Session.find().lean())).not.toContain(token);
    // 12 h absolute, 30 min idle by default.
    expect(stored!.expiresAt.getTime() - stored!.createdAt.getTime()).toBe(12 * 3_600_000);
    expect(stored!.idleExpiresAt.getTime() - stored!.createdAt.getTime()).toBe(30 * 60_000);
    expect(new Date(res.body.expiresAt).getTime()).toBe(stored!.expiresAt.getTime());
  });

  it('given an https public URL, when signing in, then the cookie is also Secure', async () => {
    const call = await appWith({});
    const config = { ...stack.config, api: { ...stack.config.api, publicUrl: 'https://quality.example.com' } };
    const server = http.createServer(createApp({ config, models: stack.models, client: stack.client, log: pino({ level: 'silent' }) }));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    servers.push(server);
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'sam', password: demoPassword('sam') }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')!.toLowerCase().split(';').map((a) => a.trim())).toContain('secure');
    // The plain-http app above does not set it (same code, other config).
    expect((await call('POST', '/auth/login', { body: { username: 'sam', password: demoPassword('sam') } })).headers['set-cookie']!.toLowerCase()).not.toContain('secure');
  });

  it('given a signed-in session, when reading GET /auth/session and a protected route with only the cookie, then both answer for that user; after POST /auth/logout (with the CSRF token) the cookie is cleared and refused', async () => {
    const s = await signIn('sam');
    const session = await stack.call('GET', '/auth/session', { headers: s.cookie });
    expect(session.status).toBe(200);
    expect(session.body).toEqual({ ...s.body, idleExpiresAt: expect.any(String) });
    expect((await stack.call('GET', '/complaints', { headers: s.cookie })).status).toBe(200);

    // Sign-out is a cookie write: the CSRF token is needed.
    expectProblem(await stack.call('POST', '/auth/logout', { headers: s.cookie }), 403, 'CSRF_FAILED');
    expect((await stack.call('GET', '/auth/session', { headers: s.cookie })).status).toBe(200);

    const out = await stack.call('POST', '/auth/logout', { headers: s.headers });
    expect(out.status).toBe(204);
    expect(out.headers['set-cookie']).toMatch(/ql_session=;.*Expires=Thu, 01 Jan 1970/);
    expect(await stack.models.Session.findById(sessionId(s.token)).lean()).toBeNull();
    expectProblem(await stack.call('GET', '/auth/session', { headers: s.cookie }), 401, 'UNAUTHENTICATED');
    expectProblem(await stack.call('GET', '/complaints', { headers: s.cookie }), 401, 'UNAUTHENTICATED');
    // Signing out again (no live session) is still 204.
    expect((await stack.call('POST', '/auth/logout', { headers: s.cookie })).status).toBe(204);
  });

  it('given an unknown user, a wrong password, a disabled user, a user without a password and the intake integration, when signing in, then the same 401 INVALID_CREDENTIALS and no cookie', async () => {
    const disabled = await newUser('agent', 'a-long-enough-password');
    expect((await stack.call('PUT', `/admin/users/${disabled}`, { key: stack.keys.admin, body: { name: 'Test agent', role: 'agent', queues: ['general'], disabled: true } })).status).toBe(200);
    const noPassword = await newUser('agent');
    const attempts = [
      ['unknown user', { username: 'nobody-here', password: 'whatever-password' }],
      ['wrong password', { username: 'bob', password: 'demo-alice-password' }],
      ['disabled user', { username: disabled, password: 'a-long-enough-password' }],
      ['no password', { username: noPassword, password: 'a-long-enough-password' }],
      ['intake integration', { username: 'webform', password: demoPassword('webform') }],
    ] as const;
    const details = new Set<string>();
    for (const [what, body] of attempts) {
      const res = await stack.call<Problem>('POST', '/auth/login', { body });
      expect({ what, status: res.status, code: res.body.code, cookie: res.headers['set-cookie'] }).toEqual({ what, status: 401, code: 'INVALID_CREDENTIALS', cookie: undefined });
      expectProblem(res, 401, 'INVALID_CREDENTIALS');
      details.add(`${res.body.title}|${res.body.detail}`);
    }
    expect(details.size).toBe(1);
    // The intake integration has no password at all.
    expect(await stack.models.Credential.findById('webform').lean()).toBeNull();
  });

  it('given an unknown user, when signing in, then an argon2 verification is still spent (no timing oracle): it takes an argon2 verification longer than a locked account, whose answer needs the same lookups and no hash', async () => {
    const time = async (body: unknown, status: number) => {
      const t = process.hrtime.bigint();
      expect((await stack.call('POST', '/auth/login', { body })).status).toBe(status);
      return Number(process.hrtime.bigint() - t) / 1e6;
    };
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const hash = await hashPassword('some-password-here');
    const verifyMs: number[] = [];
    const unknown: number[] = [];
    const refused: number[] = [];
    const locked = await newUser('agent', 'a-locked-password');
    await stack.models.Credential.updateOne({ _id: locked }, { $set: { lockedUntil: new Date(Date.now() + 3_600_000) } });
    await time({ username: 'no-such-user', password: 'warm-up-password' }, 401);
    for (let i = 0; i < 7; i++) {
      const t = process.hrtime.bigint();
      await verifyPassword(hash, 'another-password');
      verifyMs.push(Number(process.hrtime.bigint() - t) / 1e6);
      unknown.push(await time({ username: `nobody-${i}`, password: 'not-the-password-at-all' }, 401));
      // The same two lookups (user, credential), refused before any hash.
      refused.push(await time({ username: locked, password: 'not-the-password-at-all' }, 429));
    }
    // An unknown user costs at least half an argon2 verification more than the same lookups without one.
    expect(median(unknown) - median(refused)).toBeGreaterThan(median(verifyMs) * 0.5);
  });

  it('given the demo seed, when reading credentials, then every demo person has an argon2id hash of demo-<id>-password and no user view carries a hash', async () => {
    for (const u of DEMO_USERS.filter((x) => x.role !== 'intake')) {
      const c = await stack.models.Credential.findById(u.id).lean();
      expect({ user: u.id, hash: c?.passwordHash }).toEqual({ user: u.id, hash: expect.stringMatching(/^\$argon2id\$/) });
    }
    const hashes = (await stack.models.Credential.find().lean()).map((c) => c.passwordHash);
    const views = [
      await stack.call('GET', '/admin/users?limit=100', { key: stack.keys.admin }),
      await stack.call('GET', '/admin/users/alice', { key: stack.keys.admin }),
      await stack.call('GET', '/auth/session', { headers: (await signIn('ada')).cookie }),
    ];
    for (const v of views) {
      expect(v.status).toBe(200);
      for (const h of hashes) expect(v.text).not.toContain(h);
      expect(v.text).not.toMatch(/argon2|passwordHash|password/i);
    }
  });
});

describe('CSRF and the permission matrix with cookie sessions', () => {
  it('given a cookie session, when writing without the CSRF token or with a wrong one, then 403 CSRF_FAILED and nothing is written; with the token the write is served', async () => {
    const s = await signIn('sam');
    // A complaint is a workflow: a refused request starts none.
    const before = await stack.workflowCount();
    expectProblem(await stack.call('POST', '/complaints', { headers: s.cookie, body: complaintBody() }), 403, 'CSRF_FAILED');
    expectProblem(await stack.call('POST', '/complaints', { headers: { ...s.cookie, 'x-csrf-token': s.csrf.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }, body: complaintBody() }), 403, 'CSRF_FAILED');
    expectProblem(await stack.call('POST', '/complaints', { headers: { ...s.cookie, 'x-csrf-token': 'short' }, body: complaintBody() }), 403, 'CSRF_FAILED');
    // Another session's token does not do either.
    const other = await signIn('sam');
    expectProblem(await stack.call('POST', '/complaints', { headers: { ...s.cookie, 'x-csrf-token': other.csrf }, body: complaintBody() }), 403, 'CSRF_FAILED');
    expect(await stack.workflowCount()).toBe(before);

    const ok = await stack.call('POST', '/complaints', { headers: s.headers, body: complaintBody() });
    expect(ok.status).toBe(201);
    expect(await stack.workflowCount()).toBe(before + 1);
    // Reads need no token.
    expect((await stack.call('GET', `/complaints/${ok.body.id}`, { headers: s.cookie })).status).toBe(200);
  });

  it('given an API key, when writing without any CSRF token, then it is served (keys are not sent by browsers on their own); a key beside a cookie is what decides', async () => {
    const res = await stack.call('POST', '/complaints', { key: stack.keys.supervisor, body: complaintBody() });
    expect(res.status).toBe(201);
    // Alice's cookie next to the auditor's key: the key decides (the auditor may not create complaints).
    const alice = await signIn('alice');
    expectProblem(await stack.call('POST', '/complaints', { key: stack.keys.auditor, headers: alice.headers, body: complaintBody() }), 403, 'NOT_PERMITTED');
  });

  it('given cookie sessions of each role, when calling routes the role lacks, then the same 403 NOT_PERMITTED as with the role\'s key; and what the key is allowed the cookie is too', async () => {
    const cases: { user: string; method: string; path: string; body?: unknown; status: number }[] = [
      { user: 'alice', method: 'POST', path: '/cycles', body: {}, status: 403 },
      { user: 'alice', method: 'GET', path: '/admin/users', status: 403 },
      { user: 'audrey', method: 'POST', path: '/complaints', body: complaintBody(), status: 403 },
      { user: 'olivia', method: 'GET', path: '/audit/events', status: 403 },
      { user: 'simon', method: 'PUT', path: '/admin/users/bob/password', body: { password: 'a-new-password-123' }, status: 403 },
      { user: 'ada', method: 'GET', path: '/admin/users', status: 200 },
      { user: 'audrey', method: 'GET', path: '/audit/events', status: 200 },
      { user: 'alice', method: 'GET', path: '/complaints', status: 200 },
    ];
    for (const c of cases) {
      const key = DEMO_USERS.find((u) => u.id === c.user)!.key;
      const s = await signIn(c.user);
      const byKey = await stack.call(c.method, c.path, { key, body: c.body });
      const byCookie = await stack.call(c.method, c.path, { headers: s.headers, body: c.body });
      expect({ ...c, key: byKey.status, cookie: byCookie.status }).toEqual({ ...c, key: c.status, cookie: c.status });
      if (c.status === 403) {
        expectProblem(byCookie, 403, 'NOT_PERMITTED');
        expect(byCookie.body.detail).toBe(byKey.body.detail);
      }
    }
  });
});

describe('session expiry', () => {
  it('given 3-second idle sessions, when used every second the session lives on past 3 s; left alone for 3 s it ends and is deleted', async () => {
    const call = await appWith({ sessionIdleMinutes: 3 / 60 });
    const s = await signIn('alice', call);
    const started = Date.now();
    while (Date.now() - started < 4500) {
      expect((await call('GET', '/auth/session', { headers: s.cookie })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 900));
    }
    const slid = await stack.models.Session.findById(sessionId(s.token)).lean();
    expect(slid!.idleExpiresAt.getTime()).toBeGreaterThan(started + 4000);
    await new Promise((r) => setTimeout(r, 3200));
    expectProblem(await call('GET', '/complaints', { headers: s.cookie }), 401, 'UNAUTHENTICATED');
    expect(await stack.models.Session.findById(sessionId(s.token)).lean()).toBeNull();
  });

  it('given 4-second absolute sessions with a long idle time, when used all along, then the session still ends 4 s after sign-in', async () => {
    const call = await appWith({ sessionMaxHours: 4 / 3600, sessionIdleMinutes: 30 });
    const s = await signIn('sam', call);
    expect(new Date(s.body.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(4000);
    const started = Date.now();
    while (Date.now() - started < 3000) {
      expect((await call('GET', '/complaints', { headers: s.cookie })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 700));
    }
    await new Promise((r) => setTimeout(r, Math.max(0, new Date(s.body.expiresAt).getTime() - Date.now() + 200)));
    expectProblem(await call('GET', '/complaints', { headers: s.cookie }), 401, 'UNAUTHENTICATED');
  });

  it('given a cookie that was never issued or is malformed, when used, then 401', async () => {
    for (const cookie of ['ql_session=' + 'A'.repeat(43), 'ql_session=not a token', 'ql_session=']) {
      expectProblem(await stack.call('GET', '/complaints', { headers: { cookie } }), 401, 'UNAUTHENTICATED');
    }
  });
});

describe('lockout and slow-down', () => {
  it('given 3 failures lock for 3 s, when the password is wrong 3 times, then 429 SIGN_IN_LOCKED with Retry-After, even for the right password; after the window the right password works and resets the count', async () => {
    const call = await appWith({ lockout: { failures: 3, minutes: 3 / 60 } });
    const user = await newUser('agent', 'right-password-123');
    for (let i = 1; i <= 2; i++) expectProblem(await call('POST', '/auth/login', { body: { username: user, password: `wrong-${i}-password` } }), 401, 'INVALID_CREDENTIALS');
    const third = await call('POST', '/auth/login', { body: { username: user, password: 'wrong-3-password' } });
    expectProblem(third as CallResult<Problem>, 429, 'SIGN_IN_LOCKED');
    expect(Number(third.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(third.headers['retry-after'])).toBeLessThanOrEqual(3);
    const right = await call('POST', '/auth/login', { body: { username: user, password: 'right-password-123' } });
    expectProblem(right as CallResult<Problem>, 429, 'SIGN_IN_LOCKED');
    expect(right.headers['set-cookie']).toBeUndefined();
    expect(right.body.lockedUntil).toEqual(expect.any(String));

    await new Promise((r) => setTimeout(r, new Date(right.body.lockedUntil).getTime() - Date.now() + 200));
    await signIn(user, call, 'right-password-123');
    expect(await stack.models.Credential.findById(user).lean()).toMatchObject({ failedAttempts: 0, lockedUntil: null });
    // The count restarted: two more failures do not lock.
    for (let i = 1; i <= 2; i++) expectProblem(await call('POST', '/auth/login', { body: { username: user, password: `wrong-${i}-password` } }), 401, 'INVALID_CREDENTIALS');
    await signIn(user, call, 'right-password-123');
  });

  it('given at most 4 failed sign-ins per address and window, when one address keeps guessing across accounts, then 429 SIGN_IN_THROTTLED with Retry-After for everyone from there', async () => {
    const call = await appWith({ ipFailuresPerWindow: 4, lockout: { failures: 50, minutes: 1 } });
    for (const u of ['alice', 'bob', 'sam', 'olivia']) expect((await call('POST', '/auth/login', { body: { username: u, password: 'guess-guess-guess' } })).status).toBe(401);
    const res = await call('POST', '/auth/login', { body: { username: 'ada', password: demoPassword('ada') } });
    expectProblem(res as CallResult<Problem>, 429, 'SIGN_IN_THROTTLED');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    await stack.models.Credential.updateMany({}, { $set: { failedAttempts: 0 } });
  });

  it('given one trusted proxy (QL_TRUST_PROXY=1), when one client behind it keeps guessing, then that client is throttled and another client behind the same proxy is not; without it the forwarded address is ignored', async () => {
    const limits = { ipFailuresPerWindow: 2, lockout: { failures: 50, minutes: 1 } };
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    const proxied = await appWith(limits, { trustProxy: 1 });
    for (const u of ['alice', 'bob']) expect((await proxied('POST', '/auth/login', { body: { username: u, password: 'guess-guess-guess' }, headers: from('203.0.113.7') })).status).toBe(401);
    expectProblem((await proxied('POST', '/auth/login', { body: { username: 'ada', password: demoPassword('ada') }, headers: from('203.0.113.7') })) as CallResult<Problem>, 429, 'SIGN_IN_THROTTLED');
    expect((await proxied('POST', '/auth/login', { body: { username: 'ada', password: demoPassword('ada') }, headers: from('203.0.113.8') })).status).toBe(200);

    // Not trusted: every request counts for the proxy's own address, whatever the header claims.
    const direct = await appWith(limits);
    for (const [u, ip] of [['alice', '203.0.113.9'], ['bob', '203.0.113.10']]) expect((await direct('POST', '/auth/login', { body: { username: u, password: 'guess-guess-guess' }, headers: from(ip!) })).status).toBe(401);
    expectProblem((await direct('POST', '/auth/login', { body: { username: 'ada', password: demoPassword('ada') }, headers: from('203.0.113.11') })) as CallResult<Problem>, 429, 'SIGN_IN_THROTTLED');
    await stack.models.Credential.updateMany({}, { $set: { failedAttempts: 0 } });
  });
});

describe('admin password resets and disabled users', () => {
  it('given a user signed in twice and locked out, when an admin resets the password, then both sessions end, the lock is cleared, the new password works and the old one does not, and the reset is audited without the password', async () => {
    const user = await newUser('supervisor', 'first-password-123');
    const a = await signIn(user, stackCall, 'first-password-123');
    const b = await signIn(user, stackCall, 'first-password-123');
    await stack.models.Credential.updateOne({ _id: user }, { $set: { lockedUntil: new Date(Date.now() + 3_600_000), failedAttempts: 0 } });

    const reset = await stack.call('PUT', `/admin/users/${user}/password`, { key: stack.keys.admin, body: { password: 'second-password-456' } });
    expect({ status: reset.status, body: reset.body }).toEqual({ status: 200, body: { userId: user, sessionsEnded: 2 } });
    for (const s of [a, b]) expectProblem(await stack.call('GET', '/complaints', { headers: s.cookie }), 401, 'UNAUTHENTICATED');
    expectProblem(await stack.call('POST', '/auth/login', { body: { username: user, password: 'first-password-123' } }), 401, 'INVALID_CREDENTIALS');
    await signIn(user, stackCall, 'second-password-456');

    const events = await stack.models.AuditEvent.find({ stream: `user:${user}` }).sort({ seq: 1 }).lean();
    expect(events.map((e) => [e.action, e.actor?.id, (e.details as any).reason])).toEqual([
      ['user.created', 'ada', undefined],
      ['user.password_set', 'ada', 'created'],
      ['user.password_set', 'ada', 'reset'],
    ]);
    expect(events[2]!.prevHash).toBe(events[1]!.hash);
    expect(JSON.stringify(events)).not.toMatch(/password-123|password-456|argon2/);
    // An auditor finds the account's stream like any other, and it verifies alone and within the whole trail.
    const found = await stack.call('GET', `/audit/events?stream=user:${user}`, { key: stack.keys.auditor });
    expect(found.status).toBe(200);
    expect(found.body.items.map((e: { action: string; entityType: string }) => [e.action, e.entityType])).toEqual([
      ['user.created', 'user'],
      ['user.password_set', 'user'],
      ['user.password_set', 'user'],
    ]);
    const byType = await stack.call('GET', `/audit/events?entityType=user&entityId=${user}`, { key: stack.keys.auditor });
    expect(byType.body.items).toHaveLength(3);
    const one = await stack.call('POST', '/audit/verify', { key: stack.keys.auditor, body: { stream: `user:${user}` } });
    expect({ status: one.status, ok: one.body.ok }).toEqual({ status: 200, ok: true });
    const verify = await stack.call('POST', '/audit/verify', { key: stack.keys.auditor, body: {} });
    expect({ status: verify.status, ok: verify.body.ok }).toEqual({ status: 200, ok: true });
  });

  it('given a password outside 12..200 characters, when an admin sets it or creates a user with it, then 400 naming body.password and nothing is stored', async () => {
    for (const password of ['too-short', 'x'.repeat(201)]) {
      const res = await stack.call<Problem>('PUT', '/admin/users/bob/password', { key: stack.keys.admin, body: { password } });
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(res.body.errors!.map((e) => e.path)).toEqual(['body.password']);
      const id = uniqueId('short');
      expectProblem(await stack.call('POST', '/admin/users', { key: stack.keys.admin, body: { id, name: 'Short', role: 'agent', password } }), 400, 'VALIDATION_FAILED');
      expect(await stack.models.User.findById(id).lean()).toBeNull();
    }
    expectProblem(await stack.call('PUT', '/admin/users/nobody-at-all/password', { key: stack.keys.admin, body: { password: 'a-good-password-1' } }), 404);
    await signIn('bob');
  });

  it('given a signed-in user, when an admin disables them, then the session stops working at once and is deleted', async () => {
    const user = await newUser('agent', 'agent-password-123');
    const s = await signIn(user, stackCall, 'agent-password-123');
    expect((await stack.call('GET', '/complaints', { headers: s.cookie })).status).toBe(200);
    expect((await stack.call('PUT', `/admin/users/${user}`, { key: stack.keys.admin, body: { name: 'Test agent', role: 'agent', queues: ['general'], disabled: true } })).status).toBe(200);
    expectProblem(await stack.call('GET', '/complaints', { headers: s.cookie }), 401, 'UNAUTHENTICATED');
    expect(await stack.models.Session.countDocuments({ userId: user })).toBe(0);
  });

  it('given a session whose user is disabled directly in the store (another API process), when used, then 401: sessions check the user on every request', async () => {
    const user = await newUser('agent', 'agent-password-123');
    const s = await signIn(user, stackCall, 'agent-password-123');
    await stack.models.User.updateOne({ _id: user }, { $set: { disabledAt: new Date() } });
    expectProblem(await stack.call('GET', '/auth/session', { headers: s.cookie }), 401, 'UNAUTHENTICATED');
    expectProblem(await stack.call('GET', '/complaints', { headers: s.cookie }), 401, 'UNAUTHENTICATED');
  });
});

describe('providers', () => {
  it('given no identity provider configured, when asking how to sign in, then password only, and the OIDC login answers 404', async () => {
    const res = await stack.call('GET', '/auth/providers');
    expect(res).toMatchObject({ status: 200, body: { password: true, oidc: null } });
    expectProblem(await stack.call('GET', '/auth/oidc/login'), 404, 'NOT_FOUND');
  });
});

describe('bad input to the sign-in and password routes', () => {
  const login = (opts: CallOptions) => stack.call<Problem>('POST', '/auth/login', opts);

  it('given malformed JSON, a text/plain body, a body over 64kb, or an unknown query parameter, when signing in, then 400/415/413/400 and no session', async () => {
    const before = await stack.models.Session.countDocuments();
    expectProblem(await login({ rawBody: '{"username": "alice",' }), 400, 'MALFORMED_JSON');
    expectProblem(await login({ rawBody: JSON.stringify({ username: 'alice', password: demoPassword('alice') }), headers: { 'content-type': 'text/plain' } }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectProblem(await login({ rawBody: JSON.stringify({ username: 'alice', password: 'x'.repeat(70 * 1024) }) }), 413, 'BODY_TOO_LARGE');
    const extra = await stack.call<Problem>('POST', '/auth/login?extra=1', { body: { username: 'alice', password: demoPassword('alice') } });
    expectProblem(extra, 400, 'VALIDATION_FAILED');
    expect(extra.body.errors!.map((e) => e.path)).toEqual(['query.extra']);
    expect(await stack.models.Session.countDocuments()).toBe(before);
  });

  it.each([
    ['password missing', { username: 'alice' }, 'body.password'],
    ['username missing', { password: 'demo-alice-password' }, 'body.username'],
    ['an operator object as username', { username: { $ne: null }, password: 'demo-alice-password' }, 'body.username'],
    ['an operator object as password', { username: 'alice', password: { $gt: '' } }, 'body.password'],
    ['an unknown field', { username: 'alice', password: 'demo-alice-password', remember: true }, 'body.remember'],
    ['an over-long password (no argon2 over megabytes)', { username: 'alice', password: 'p'.repeat(1025) }, 'body.password'],
  ])('given %s, when signing in, then 400 naming the field and no session', async (_name, body, path) => {
    const before = await stack.models.Session.countDocuments();
    const res = await login({ body });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(res.body.errors!.map((e) => e.path)).toContain(path);
    expect(await stack.models.Session.countDocuments()).toBe(before);
  });

  it('given bad input to PUT /admin/users/:id/password, when sent by an admin, then 400 naming the field and the password is unchanged', async () => {
    const before = await stack.models.Credential.findById('olivia').lean();
    const cases: [string, CallOptions, string][] = [
      ['/admin/users/olivia/password', { body: { password: 'a-good-password-1', expires: 3 } }, 'body.expires'],
      ['/admin/users/olivia/password', { body: { password: { $ne: null } } }, 'body.password'],
      ['/admin/users/olivia/password', { body: {} }, 'body.password'],
      [`/admin/users/${encodeURIComponent('bad id!')}/password`, { body: { password: 'a-good-password-1' } }, 'params.id'],
      ['/admin/users/olivia/password?extra=1', { body: { password: 'a-good-password-1' } }, 'query.extra'],
    ];
    for (const [path, opts, field] of cases) {
      const res = await stack.call<Problem>('PUT', path, { key: stack.keys.admin, ...opts });
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect({ path, fields: res.body.errors!.map((e) => e.path) }).toEqual({ path, fields: expect.arrayContaining([field]) });
    }
    expectProblem(await stack.call('PUT', '/admin/users/olivia/password', { key: stack.keys.admin, rawBody: '{"password":' }), 400, 'MALFORMED_JSON');
    expect(await stack.models.Credential.findById('olivia').lean()).toEqual(before);
  });

  it('given unknown query parameters or an over-long callback value on the other sign-in routes, when called, then 400 naming them', async () => {
    for (const [method, path, field] of [
      ['GET', '/auth/session?extra=1', 'query.extra'],
      ['GET', '/auth/providers?extra=1', 'query.extra'],
      ['GET', '/auth/oidc/login?extra=1', 'query.extra'],
      ['GET', `/auth/oidc/callback?state=${'s'.repeat(501)}`, 'query.state'],
    ] as const) {
      const res = await stack.call<Problem>(method, path);
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect({ path, fields: res.body.errors!.map((e) => e.path) }).toEqual({ path, fields: [field] });
    }
  });
});
