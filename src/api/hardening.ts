/**
 * HTTP hardening shared by every route: security headers and a per-caller rate
 * limit. The limit is a token bucket per authenticated user (all of a user's
 * API keys share it, so issuing more keys does not buy more rate), kept in this
 * process's memory: with N API replicas a user gets N times the rate, which the
 * deployment sizes for (docs/security.md).
 */
import type { RequestHandler } from 'express';
import { HttpProblem } from './problem';
import { WEB_APP_BASE, WEB_APP_CSP } from './web-app';

/** Headers for a JSON API, the docs page and the web app (both load their own scripts only). */
export const securityHeaders: RequestHandler = (req, res, next) => {
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('cross-origin-opener-policy', 'same-origin');
  res.setHeader('cross-origin-resource-policy', 'same-origin');
  res.setHeader('strict-transport-security', 'max-age=31536000; includeSubDomains');
  res.setHeader('permissions-policy', 'camera=(), microphone=(), geolocation=()');
  const docs = req.path === '/docs' || req.path.startsWith('/docs/');
  const webApp = req.path === WEB_APP_BASE || req.path.startsWith(`${WEB_APP_BASE}/`);
  res.setHeader('content-security-policy', webApp ? WEB_APP_CSP : docs ? "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'" : "default-src 'none'; frame-ancestors 'none'");
  // The web app sets its own caching (hashed assets for a year, index.html revalidated).
  if (!docs && !webApp) res.setHeader('cache-control', 'no-store');
  next();
};

export interface RateLimit {
  /** Sustained requests per minute per key. */
  perMinute: number;
  /** Requests a key may send at once before the sustained rate applies. */
  burst: number;
}

/** A token bucket per key: `take` spends one token, or says how many seconds until one is back. */
export function createTokenBuckets(limit: RateLimit, now: () => number = Date.now) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const perMs = limit.perMinute / 60_000;
  return {
    take(key: string): { ok: true; remaining: number } | { ok: false; retryAfter: number } {
      const t = now();
      const b = buckets.get(key) ?? { tokens: limit.burst, at: t };
      // A wall clock stepped back (NTP) must not drain buckets: no refill then, rather than a negative one.
      b.tokens = Math.min(limit.burst, b.tokens + Math.max(0, t - b.at) * perMs);
      b.at = t;
      if (buckets.size > 100_000) buckets.clear();
      buckets.set(key, b);
      if (b.tokens < 1) return { ok: false, retryAfter: Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000)) };
      b.tokens -= 1;
      return { ok: true, remaining: Math.floor(b.tokens) };
    },
  };
}

/** Token bucket per caller; a refused request gets 429 with Retry-After (seconds until a token is back). */
export function createRateLimiter(limit: RateLimit, now: () => number = Date.now): RequestHandler {
  const buckets = createTokenBuckets(limit, now);
  return (req, res, next) => {
    const taken = buckets.take(req.user?.id ?? req.ip ?? 'anonymous');
    res.setHeader('ratelimit-limit', String(limit.perMinute));
    if (!taken.ok) {
      const retryAfter = taken.retryAfter;
      return next(new HttpProblem(429, 'Too Many Requests', `rate limit of ${limit.perMinute} requests per minute exceeded; retry in ${retryAfter} s`, { code: 'RATE_LIMITED' }, { 'retry-after': String(retryAfter) }));
    }
    res.setHeader('ratelimit-remaining', String(taken.remaining));
    next();
  };
}
