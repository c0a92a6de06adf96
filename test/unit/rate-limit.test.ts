/**
 * The per-user token bucket of src/api/hardening.ts with an injected clock:
 * burst, refusal with Retry-After, recovery after exactly that wait, one bucket
 * per user, refill capped at the burst, and no lock-out when the clock steps
 * back. (The HTTP answer, 429 problem+json, is checked in
 * test/integration/hardening.test.ts.)
 */
import type { Request, Response } from 'express';
import { type RateLimit, createRateLimiter } from '../../src/api/hardening';
import { HttpProblem } from '../../src/api/problem';

interface Outcome {
  allowed: boolean;
  problem?: HttpProblem;
  headers: Record<string, string>;
}

/** A limiter on a clock the test moves, and a way to send one request as a user. */
function limiter(limit: RateLimit, start = 1_700_000_000_000) {
  let now = start;
  const middleware = createRateLimiter(limit, () => now);
  return {
    send(userId: string): Outcome {
      const headers: Record<string, string> = {};
      const res = { setHeader: (name: string, value: string) => void (headers[name] = value) } as unknown as Response;
      let passed: unknown = 'next not called';
      void middleware({ user: { id: userId } } as Request, res, (err?: unknown) => void (passed = err));
      if (passed === undefined) return { allowed: true, headers };
      expect(passed).toBeInstanceOf(HttpProblem);
      return { allowed: false, problem: passed as HttpProblem, headers };
    },
    advance(ms: number) {
      now += ms;
    },
  };
}

const sendMany = (l: ReturnType<typeof limiter>, user: string, n: number) => Array.from({ length: n }, () => l.send(user));
const retryAfter = (o: Outcome) => Number(o.problem?.headers['retry-after']);

describe('rate limiter (token bucket per user)', () => {
  it('given a burst of 3 at 60/min, when a 4th request comes at the same instant, then it is refused 429 RATE_LIMITED with Retry-After 1', () => {
    const l = limiter({ perMinute: 60, burst: 3 });
    const ok = sendMany(l, 'alice', 3);
    expect(ok.map((o) => [o.allowed, o.headers['ratelimit-remaining'], o.headers['ratelimit-limit']])).toEqual([
      [true, '2', '60'],
      [true, '1', '60'],
      [true, '0', '60'],
    ]);
    const refused = l.send('alice');
    expect(refused.allowed).toBe(false);
    expect(refused.problem).toMatchObject({ status: 429, extra: { code: 'RATE_LIMITED' }, headers: { 'retry-after': '1' } });
    expect(refused.problem!.detail).toMatch(/60 requests per minute/);
  });

  it('given a refused user, when the clock advances by Retry-After, then the next request passes, and 1 ms earlier it is still refused', () => {
    const l = limiter({ perMinute: 60, burst: 3 });
    sendMany(l, 'alice', 3);
    const wait = retryAfter(l.send('alice')) * 1000;
    l.advance(wait - 1);
    expect(l.send('alice').allowed).toBe(false);
    l.advance(1);
    expect(l.send('alice').allowed).toBe(true);
    // The token just earned is spent: the next one at the same instant waits again.
    expect(l.send('alice').allowed).toBe(false);
  });

  it('given refused requests keep coming, when counted, then they consume nothing and the wait does not grow', () => {
    const l = limiter({ perMinute: 60, burst: 3 });
    sendMany(l, 'alice', 3);
    const first = retryAfter(l.send('alice'));
    const hammering = sendMany(l, 'alice', 50);
    expect(hammering.every((o) => !o.allowed && retryAfter(o) === first)).toBe(true);
    l.advance(first * 1000);
    expect(l.send('alice').allowed).toBe(true);
  });

  it('given alice has used up her burst, when bob calls, then bob still gets his own full burst', () => {
    const l = limiter({ perMinute: 60, burst: 3 });
    sendMany(l, 'alice', 3);
    expect(l.send('alice').allowed).toBe(false);
    expect(sendMany(l, 'bob', 3).every((o) => o.allowed)).toBe(true);
    expect(l.send('bob').allowed).toBe(false);
  });

  it.each([
    [1, 60],
    [7, 9],
    [60, 1],
    [600, 1],
    [100_000, 1],
  ])('given %i requests per minute, when refused, then Retry-After is %i: whole seconds, rounded up, never below 1', (perMinute, expected) => {
    const l = limiter({ perMinute, burst: 1 });
    expect(l.send('alice').allowed).toBe(true);
    const refused = l.send('alice');
    expect(refused.problem!.headers['retry-after']).toMatch(/^\d+$/);
    expect(retryAfter(refused)).toBe(expected);
  });

  it('given a long idle period, when the user comes back, then the bucket holds the burst and no more', () => {
    const l = limiter({ perMinute: 60, burst: 3 });
    sendMany(l, 'alice', 3);
    l.advance(60 * 60_000);
    expect(sendMany(l, 'alice', 3).every((o) => o.allowed)).toBe(true);
    expect(l.send('alice').allowed).toBe(false);
  });

  it('given the wall clock steps back an hour, when the user calls, then the bucket is not drained (no lock-out)', () => {
    const l = limiter({ perMinute: 600, burst: 3 });
    expect(l.send('alice').allowed).toBe(true);
    l.advance(-60 * 60_000);
    expect(sendMany(l, 'alice', 2).map((o) => o.allowed)).toEqual([true, true]);
    const refused = l.send('alice');
    expect(refused.allowed).toBe(false);
    // 600/min: one token every 100 ms, so the wait is the minimum, not an hour.
    expect(retryAfter(refused)).toBe(1);
  });
});
