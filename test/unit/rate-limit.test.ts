/**
 * The rate limits of src/services/rate-limits.ts and the API middleware of
 * src/api/hardening.ts, on rate-limiter-flexible's in-memory store and a fake
 * clock: the windows a limit maps to, burst and refusal with Retry-After,
 * recovery when the window ends, one window per user, the extra window of a
 * burst above a minute's rate, the sign-in failure window, and what happens
 * while the store fails or hangs. (The same code on the shared MongoDB store,
 * across two API processes, is test/integration/rate-limit-shared.test.ts; the
 * HTTP answer, 429 problem+json, is also checked in test/integration/hardening.test.ts.)
 */
import type { Request, Response } from 'express';
import pino from 'pino';
import { createRateLimiter } from '../../src/api/hardening';
import { HttpProblem } from '../../src/api/problem';
import { type RateLimit, STORE_TIMEOUT_MS, type WindowStore, createFailureWindow, memoryWindows, windowsOf } from '../../src/services/rate-limits';

interface Outcome {
  allowed: boolean;
  problem?: HttpProblem;
  headers: Record<string, string>;
}

const silent = pino({ level: 'silent' });

/** A limiter middleware on `store`, and a way to send one request as a user. */
function limiter(limit: RateLimit, store: WindowStore = memoryWindows, log = silent) {
  const middleware = createRateLimiter(limit, { store, log });
  return async function send(userId: string): Promise<Outcome> {
    const headers: Record<string, string> = {};
    const res = { setHeader: (name: string, value: string) => void (headers[name] = value) } as unknown as Response;
    let passed: unknown = 'next not called';
    await middleware({ user: { id: userId } } as Request, res, (err?: unknown) => void (passed = err));
    if (passed === undefined) return { allowed: true, headers };
    expect(passed).toBeInstanceOf(HttpProblem);
    return { allowed: false, problem: passed as HttpProblem, headers };
  };
}

async function sendMany(send: ReturnType<typeof limiter>, user: string, n: number): Promise<Outcome[]> {
  const out: Outcome[] = [];
  for (let i = 0; i < n; i++) out.push(await send(user));
  return out;
}
const retryAfter = (o: Outcome) => Number(o.problem?.headers['retry-after']);

beforeEach(() => {
  jest.useFakeTimers({ now: 1_700_000_000_000 });
});
afterEach(() => {
  jest.useRealTimers();
});

describe('windows of a limit', () => {
  it.each([
    ['the default, 600/min with a burst of 100', { perMinute: 600, burst: 100 }, { base: { points: 100, seconds: 10 } }],
    ['a link, 30/min with a burst of 30', { perMinute: 30, burst: 30 }, { base: { points: 30, seconds: 60 } }],
    ['1/min with a burst of 3', { perMinute: 1, burst: 3 }, { base: { points: 1, seconds: 60 }, extra: { points: 2, seconds: 120 } }],
    ['60/min with a burst of 90', { perMinute: 60, burst: 90 }, { base: { points: 60, seconds: 60 }, extra: { points: 30, seconds: 30 } }],
  ])('given %s, when mapped, then the windows hold the burst and average the sustained rate', (_what, limit, expected) => {
    expect(windowsOf(limit)).toEqual(expected);
  });
});

describe('rate limiter (fixed windows per user)', () => {
  it('given a burst of 3 at 60/min, when a 4th request comes at the same instant, then it is refused 429 RATE_LIMITED with Retry-After 3 (the window of 3 requests lasts 3 s)', async () => {
    const send = limiter({ perMinute: 60, burst: 3 });
    const ok = await sendMany(send, 'alice', 3);
    expect(ok.map((o) => [o.allowed, o.headers['ratelimit-remaining'], o.headers['ratelimit-limit']])).toEqual([
      [true, '2', '60'],
      [true, '1', '60'],
      [true, '0', '60'],
    ]);
    const refused = await send('alice');
    expect(refused.allowed).toBe(false);
    expect(refused.headers['ratelimit-limit']).toBe('60');
    expect(refused.problem).toMatchObject({ status: 429, extra: { code: 'RATE_LIMITED' }, headers: { 'retry-after': '3' } });
    expect(refused.problem!.detail).toMatch(/60 requests per minute/);
  });

  it('given a refused user, when the clock reaches the end of the window, then the next requests pass, and 1 ms earlier they are still refused', async () => {
    const send = limiter({ perMinute: 60, burst: 3 });
    await sendMany(send, 'alice', 3);
    jest.advanceTimersByTime(1000);
    const wait = retryAfter(await send('alice')) * 1000;
    expect(wait).toBe(2000);
    jest.advanceTimersByTime(wait - 1);
    expect((await send('alice')).allowed).toBe(false);
    jest.advanceTimersByTime(1);
    expect((await sendMany(send, 'alice', 3)).every((o) => o.allowed)).toBe(true);
    expect((await send('alice')).allowed).toBe(false);
  });

  it('given refused requests keep coming, when counted, then the window does not move: the wait stays the same and the window reopens on time', async () => {
    const send = limiter({ perMinute: 60, burst: 3 });
    await sendMany(send, 'alice', 3);
    const first = retryAfter(await send('alice'));
    const hammering = await sendMany(send, 'alice', 50);
    expect(hammering.every((o) => !o.allowed && retryAfter(o) === first)).toBe(true);
    jest.advanceTimersByTime(first * 1000);
    expect((await send('alice')).allowed).toBe(true);
  });

  it('given alice has used up her burst, when bob calls, then bob still gets his own full burst', async () => {
    const send = limiter({ perMinute: 60, burst: 3 });
    await sendMany(send, 'alice', 3);
    expect((await send('alice')).allowed).toBe(false);
    expect((await sendMany(send, 'bob', 3)).every((o) => o.allowed)).toBe(true);
    expect((await send('bob')).allowed).toBe(false);
  });

  it.each([
    [1, 60],
    [7, 9],
    [60, 1],
    [600, 1],
    [100_000, 1],
  ])('given %i requests per minute and a burst of 1, when refused, then Retry-After is %i: whole seconds, rounded up, never below 1', async (perMinute, expected) => {
    const send = limiter({ perMinute, burst: 1 });
    expect((await send('alice')).allowed).toBe(true);
    const refused = await send('alice');
    expect(refused.problem!.headers['retry-after']).toMatch(/^\d+$/);
    expect(retryAfter(refused)).toBe(expected);
  });

  it('given a burst of 3 at 1/min, when alice sends 4 at once, then the extra window lets 2 through after the first, and Retry-After is when the minute window reopens', async () => {
    const send = limiter({ perMinute: 1, burst: 3 });
    const ok = await sendMany(send, 'alice', 3);
    expect(ok.map((o) => [o.allowed, o.headers['ratelimit-remaining']])).toEqual([
      [true, '2'],
      [true, '1'],
      [true, '0'],
    ]);
    const refused = await send('alice');
    expect(retryAfter(refused)).toBe(60);
    jest.advanceTimersByTime(60_000);
    // The minute window reopened (1 request); the extra window (2 per 120 s) is still spent.
    expect((await sendMany(send, 'alice', 2)).map((o) => o.allowed)).toEqual([true, false]);
    jest.advanceTimersByTime(60_000);
    expect((await sendMany(send, 'alice', 4)).map((o) => o.allowed)).toEqual([true, true, true, false]);
  });
});

describe('sign-in failure window', () => {
  it('given 3 failures allowed per 60 s, when an address fails 3 times, then it is blocked until 60 s after its first failure, and another address is not', async () => {
    const failures = createFailureWindow('test-sign-in', { limit: 3, windowMs: 60_000 }, { store: memoryWindows, log: silent });
    for (let i = 0; i < 2; i++) await failures.fail('203.0.113.7');
    expect(await failures.blockedFor('203.0.113.7')).toBe(0);
    jest.advanceTimersByTime(10_000);
    await failures.fail('203.0.113.7');
    expect(await failures.blockedFor('203.0.113.7')).toBe(50_000);
    expect(await failures.blockedFor('203.0.113.8')).toBe(0);
    jest.advanceTimersByTime(50_000);
    expect(await failures.blockedFor('203.0.113.7')).toBe(0);
  });
});

describe('when the store fails', () => {
  /** A store whose every call fails (or never answers), as a database that is down. */
  const failingStore = (call: () => Promise<never>): WindowStore => ({
    limiter: (prefix, window) => {
      const real = memoryWindows.limiter(prefix, window);
      return Object.assign(real, { consume: call, get: call, penalty: call });
    },
    tidy: () => undefined,
  });

  function capturingLog() {
    const lines: Record<string, any>[] = [];
    return { log: pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) }), lines };
  }

  it('given a store that refuses connections, when requests come, then each process limits on its own memory (the same limit) and says so once a minute in the log, never a 500', async () => {
    const { log, lines } = capturingLog();
    const send = limiter({ perMinute: 60, burst: 3 }, failingStore(() => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:27017'))), log);
    expect((await sendMany(send, 'alice', 3)).every((o) => o.allowed)).toBe(true);
    const refused = await send('alice');
    expect(refused.problem).toMatchObject({ status: 429, extra: { code: 'RATE_LIMITED' } });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, limiter: 'api:60/3', msg: 'rate-limit store unavailable: limiting in this process only', err: { message: 'connect ECONNREFUSED 127.0.0.1:27017' } });
    jest.advanceTimersByTime(60_000);
    expect((await send('alice')).allowed).toBe(true);
    expect(lines).toHaveLength(2);
  });

  it(`given a store that never answers, when a request comes, then it is decided from memory after ${STORE_TIMEOUT_MS} ms rather than waiting forever`, async () => {
    const { log, lines } = capturingLog();
    const send = limiter({ perMinute: 60, burst: 3 }, failingStore(() => new Promise<never>(() => undefined)), log);
    let outcome: Outcome | undefined;
    const pending = send('alice').then((o) => (outcome = o));
    await jest.advanceTimersByTimeAsync(STORE_TIMEOUT_MS - 1);
    expect(outcome).toBeUndefined();
    await jest.advanceTimersByTimeAsync(1);
    await pending;
    expect(outcome).toMatchObject({ allowed: true, headers: { 'ratelimit-remaining': '2' } });
    expect(lines[0]!.err.message).toMatch(/did not answer within/);
  });
});
