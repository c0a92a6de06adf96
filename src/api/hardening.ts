/**
 * HTTP hardening shared by every route: security headers (helmet, plus the few
 * it does not set) and a per-caller rate limit. The limit is per authenticated
 * user (all of a user's API keys and sessions share it, so more keys do not buy
 * more rate), counted in the database every API replica shares
 * (src/services/rate-limits.ts; docs/security.md).
 */
import type { RequestHandler } from 'express';
import helmet from 'helmet';
import { type LimiterDeps, type RateLimit, createKeyedLimit } from '../services/rate-limits';
import { HttpProblem } from './problem';
import { WEB_APP_BASE, WEB_APP_CSP } from './web-app';

const API_CSP = "default-src 'none'; frame-ancestors 'none'";
const DOCS_CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";

/**
 * The headers helmet sets for us, and only those we sent before it: its other
 * defaults (Origin-Agent-Cluster, X-DNS-Prefetch-Control, X-Download-Options,
 * X-Permitted-Cross-Domain-Policies, X-XSS-Protection) are off. The CSP is not
 * helmet's: it joins directives with ";" and ours are pinned with "; ".
 */
const helmetHeaders = helmet({
  contentSecurityPolicy: false,
  crossOriginEmbedderPolicy: false,
  crossOriginOpenerPolicy: { policy: 'same-origin' },
  crossOriginResourcePolicy: { policy: 'same-origin' },
  originAgentCluster: false,
  referrerPolicy: { policy: 'no-referrer' },
  strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true, preload: false },
  xContentTypeOptions: true,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xFrameOptions: { action: 'deny' },
  xPermittedCrossDomainPolicies: false,
  xPoweredBy: true,
  xXssProtection: false,
});

/** Headers for a JSON API, the docs page and the web app (both load their own scripts only). */
export const securityHeaders: RequestHandler = (req, res, next) => {
  helmetHeaders(req, res, (err?: unknown) => {
    if (err) return next(err);
    res.setHeader('permissions-policy', 'camera=(), microphone=(), geolocation=()');
    const docs = req.path === '/docs' || req.path.startsWith('/docs/');
    const webApp = req.path === WEB_APP_BASE || req.path.startsWith(`${WEB_APP_BASE}/`);
    res.setHeader('content-security-policy', webApp ? WEB_APP_CSP : docs ? DOCS_CSP : API_CSP);
    // The web app sets its own caching (hashed assets for a year, index.html revalidated).
    if (!docs && !webApp) res.setHeader('cache-control', 'no-store');
    next();
  });
};

/**
 * The rate limit per caller: the user when authenticated, else the client address.
 * A refused request gets 429 RATE_LIMITED with Retry-After (seconds until a window
 * reopens); every answer carries RateLimit-Limit (the sustained rate per minute) and
 * an allowed one RateLimit-Remaining (requests left in its windows).
 */
export function createRateLimiter(limit: RateLimit, deps: LimiterDeps): RequestHandler {
  const limiter = createKeyedLimit('api', limit, deps);
  return async (req, res, next) => {
    const taken = await limiter.take(req.user ? `user:${req.user.id}` : `address:${req.ip ?? 'unknown'}`);
    res.setHeader('ratelimit-limit', String(limit.perMinute));
    if (!taken.ok) {
      const retryAfter = taken.retryAfter;
      return next(new HttpProblem(429, 'Too Many Requests', `rate limit of ${limit.perMinute} requests per minute exceeded; retry in ${retryAfter} s`, { code: 'RATE_LIMITED' }, { 'retry-after': String(retryAfter) }));
    }
    res.setHeader('ratelimit-remaining', String(taken.remaining));
    next();
  };
}
