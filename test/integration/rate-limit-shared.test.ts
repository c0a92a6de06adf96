/**
 * The limits hold across API replicas: two real API processes (src/api/main.ts,
 * spawned as production runs it) on one FerretDB database share every limit,
 * so a caller spreading requests over both gets the limit once, not twice.
 * Per user (API limiter), per customer link, and sign-in failures per address.
 *
 * The test stack's own in-process API (high test limits) creates the
 * complaint and the link; the two processes run with low limits.
 */
import type { Config } from '../../src/config';
import { type ApiStack, startApiStack } from '../helpers/api';
import { type ApiProcess, spawnApi } from '../helpers/processes';
import { eventually, uniqueId } from '../helpers/stack';

const PER_MINUTE = 20;
const BURST = 5;
const PER_LINK = 6;
const SIGN_IN_FAILURES = 3;

interface Answer {
  via: string;
  status: number;
  headers: Record<string, string>;
  body: any;
}

let stack: ApiStack;
let apis: ApiProcess[] = [];

beforeAll(async () => {
  stack = await startApiStack();
  const limited: Config = {
    ...stack.config,
    api: { ...stack.config.api, rateLimit: { perMinute: PER_MINUTE, burst: BURST } },
    customers: { ...stack.config.customers, linkRatePerMinute: PER_LINK, addressRatePerMinute: 10_000 },
    auth: { ...stack.config.auth, ipFailuresPerWindow: SIGN_IN_FAILURES },
  };
  apis = await Promise.all([spawnApi(limited), spawnApi(limited)]);
  await Promise.all(apis.map((a) => a.ready));
});
afterAll(async () => {
  await Promise.all(apis.map((a) => a.kill('SIGTERM')));
  await stack?.stop();
});

/** Sends the i-th request to process i % 2 (A, B, A, B...). */
async function alternately(n: number, request: { method?: string; path: string; headers?: Record<string, string>; body?: unknown }): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let i = 0; i < n; i++) {
    const api = apis[i % 2]!;
    const headers: Record<string, string> = { ...(request.body !== undefined ? { 'content-type': 'application/json' } : {}), ...request.headers };
    const res = await fetch(api.baseUrl + request.path, { method: request.method ?? 'GET', headers, body: request.body === undefined ? undefined : JSON.stringify(request.body) });
    const out: Record<string, string> = {};
    res.headers.forEach((v, k) => (out[k] = v));
    const text = await res.text();
    answers.push({ via: i % 2 === 0 ? 'A' : 'B', status: res.status, headers: out, body: /json/.test(out['content-type'] ?? '') && text ? JSON.parse(text) : text });
  }
  return answers;
}

/** A refusal as the API sends it: 429 problem+json with the code, and a whole number of seconds to wait. */
function expectRefused(a: Answer, code: string, maxRetryAfter: number) {
  expect({ status: a.status, type: a.headers['content-type'], code: a.body.code }).toEqual({ status: 429, type: expect.stringMatching(/^application\/problem\+json/), code });
  expect(a.headers['retry-after']).toMatch(/^\d+$/);
  expect(Number(a.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  expect(Number(a.headers['retry-after'])).toBeLessThanOrEqual(maxRetryAfter);
}

describe('limits shared by two API processes', () => {
  it(`given ${BURST} requests at once (${PER_MINUTE}/min) per user, when alice sends 12 requests alternately to both processes, then ${BURST} are served in total with one shared RateLimit-Remaining, the rest get 429 RATE_LIMITED with Retry-After, and bob is still served by both`, async () => {
    const alice = { authorization: `Bearer ${stack.keys.alice}` };
    const started = Date.now();
    const answers = await alternately(12, { path: '/complaints?limit=1', headers: alice });
    // The window of 5 requests lasts 15 s (5 at the sustained 20/min): the 12 requests fit well inside it.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(answers.slice(0, BURST).map((a) => [a.via, a.status, a.headers['ratelimit-limit'], a.headers['ratelimit-remaining']])).toEqual([
      ['A', 200, '20', '4'],
      ['B', 200, '20', '3'],
      ['A', 200, '20', '2'],
      ['B', 200, '20', '1'],
      ['A', 200, '20', '0'],
    ]);
    for (const refused of answers.slice(BURST)) expectRefused(refused, 'RATE_LIMITED', 15);
    expect(new Set(answers.slice(BURST).map((a) => a.via))).toEqual(new Set(['A', 'B']));

    const bob = await alternately(2, { path: '/complaints?limit=1', headers: { authorization: `Bearer ${stack.keys.bob}` } });
    expect(bob.map((a) => [a.via, a.status, a.headers['ratelimit-remaining']])).toEqual([
      ['A', 200, '4'],
      ['B', 200, '3'],
    ]);
  });

  it(`given one customer link limited to ${PER_LINK} requests a minute, when its token is sent alternately to both processes, then ${PER_LINK} are served in total and the rest get 429 RATE_LIMITED for this link`, async () => {
    const created = await stack.call('POST', '/complaints', { key: stack.keys.alice, body: { customer: { id: uniqueId('cust') }, channel: 'phone', category: 'delivery', severity: 'P3', description: 'The parcel never arrived.' } });
    expect(created.status).toBe(201);
    await eventually(async () => ((await stack.models.Complaint.findById(created.body.id, { version: 1 }).lean())?.version ?? 0) >= 1, 20_000, 'complaint registered');
    const link = await stack.call('POST', `/complaints/${created.body.id}/customer-link`, { key: stack.keys.alice });
    expect(link.status).toBe(200);
    // The token is the URL's fragment (never sent to a server by a browser).
    const token = new URL(link.body.url as string).hash.slice(1);
    expect(token).not.toBe('');

    const answers = await alternately(PER_LINK + 4, { path: '/customer-link/complaint', headers: { 'x-customer-link': token } });
    expect(answers.slice(0, PER_LINK).map((a) => [a.via, a.status])).toEqual(Array.from({ length: PER_LINK }, (_, i) => [i % 2 === 0 ? 'A' : 'B', 200]));
    for (const refused of answers.slice(PER_LINK)) {
      expectRefused(refused, 'RATE_LIMITED', 60);
      expect(refused.body.detail).toMatch(/for this link/);
    }
  });

  it(`given ${SIGN_IN_FAILURES} failed sign-ins allowed per address, when the failures alternate between the processes, then the address is throttled after ${SIGN_IN_FAILURES} in total on both`, async () => {
    const failures = await alternately(SIGN_IN_FAILURES, { method: 'POST', path: '/auth/login', body: { username: uniqueId('nobody'), password: 'guess-guess-guess' } });
    expect(failures.map((a) => [a.via, a.status, a.body.code])).toEqual(Array.from({ length: SIGN_IN_FAILURES }, (_, i) => [i % 2 === 0 ? 'A' : 'B', 401, 'INVALID_CREDENTIALS']));
    const next = await alternately(2, { method: 'POST', path: '/auth/login', body: { username: uniqueId('nobody'), password: 'guess-guess-guess' } });
    for (const refused of next) expectRefused(refused, 'SIGN_IN_THROTTLED', stack.config.auth.lockout.minutes * 60);
  });
});
