/**
 * Authentication of every non-public route, two ways to the same `AuthUser`:
 *
 * - API keys (integrations, scripts): `Authorization: Bearer <key>` or
 *   `x-api-key`. Keys are stored only as HMAC-SHA256(pepper, key)
 *   (src/services/api-keys.ts); the lookup result is cached briefly per
 *   process so the hot path (intake) does not pay a database round trip per
 *   request. A revoked key stops working within AUTH_CACHE_TTL_MS. A key
 *   is never sent by a browser on its own, so key requests need no CSRF token.
 * - The `ql_session` cookie of a person signed in to the web app
 *   (src/services/sessions.ts), looked up on every request (not cached: a
 *   sign-out, password reset or disabled user ends it at once). A cookie is
 *   sent by the browser whoever made the page, so a cookie-authenticated
 *   write (any method but GET/HEAD/OPTIONS) must also send the session's
 *   CSRF token in `x-csrf-token` (synchronizer token, compared in constant
 *   time), else 403 CSRF_FAILED.
 *
 * When a request carries a key, the key decides (a cookie beside it is ignored).
 */
import { timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { Actor, Role } from '../domain/actors';
import { DEFAULT_QUEUE, type Principal } from '../domain/access';
import { ROLES } from '../domain/actors';
import type { Models } from '../db/models';
import { hashApiKey } from '../services/api-keys';
import { SESSION_COOKIE, type SessionRecord, type SessionService } from '../services/sessions';
import { problems } from './problem';

// Key hashing and issuing live with the use cases; re-exported for the scripts and tests that import them from here.
export { generateApiKey, hashApiKey, issueApiKey } from '../services/api-keys';

export const AUTH_CACHE_TTL_MS = 30_000;

export interface AuthUser extends Actor, Principal {
  role: Role;
  name: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    user?: AuthUser;
    /** Set when the caller was authenticated by a session cookie rather than an API key. */
    session?: SessionRecord;
  }
}

/** Methods that must not change anything, so need no CSRF token. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The session cookie's value, if any (cookie-parser fills `req.cookies`). */
export function sessionToken(req: Request): string | undefined {
  const v = (req.cookies as Record<string, unknown> | undefined)?.[SESSION_COOKIE];
  return typeof v === 'string' ? v : undefined;
}

/** Constant-time comparison of the `x-csrf-token` header with the session's token. */
export function csrfMatches(req: Request, session: Pick<SessionRecord, 'csrfToken'>): boolean {
  const sent = req.header('x-csrf-token');
  if (!sent) return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(session.csrfToken);
  return a.length === b.length && timingSafeEqual(a, b);
}

function bearer(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  return m ? m[1]! : null;
}

export interface Authenticator {
  handler: RequestHandler;
  /** Drops cached lookups (after a key is revoked or a user changed) so this process sees the change at once. */
  forget(): void;
  /** The signed-in user and session of a request's cookie, or null (no CSRF check: for the auth routes). */
  fromSession(req: Request): Promise<{ user: AuthUser; session: SessionRecord } | null>;
  sessions: SessionService;
}

export function createAuthenticator(models: Models, pepper: string, sessions: SessionService): Authenticator {
  const cache = new Map<string, { user: AuthUser | null; until: number }>();

  async function fromSession(req: Request): Promise<{ user: AuthUser; session: SessionRecord } | null> {
    const session = await sessions.resolve(sessionToken(req));
    if (!session) return null;
    const user = await userOf(models, session.userId);
    return user ? { user, session } : null;
  }

  const handler: RequestHandler = async (req, _res, next) => {
    try {
      const key = bearer(req.header('authorization')) ?? req.header('x-api-key') ?? null;
      if (!key && !req.header('authorization')) {
        const signedIn = await fromSession(req);
        if (!signedIn) return next(problems.unauthorized());
        if (!SAFE_METHODS.has(req.method) && !csrfMatches(req, signedIn.session)) return next(problems.csrfFailed());
        req.user = signedIn.user;
        req.session = signedIn.session;
        return next();
      }
      if (!key || key.length > 200) return next(problems.unauthorized());
      const hash = hashApiKey(pepper, key);
      const now = Date.now();
      let hit = cache.get(hash);
      if (!hit || hit.until < now) {
        hit = { user: await lookup(models, hash, now), until: now + AUTH_CACHE_TTL_MS };
        if (cache.size > 10_000) cache.clear();
        cache.set(hash, hit);
      }
      if (!hit.user) return next(problems.unauthorized());
      req.user = hit.user;
      next();
    } catch (err) {
      next(err);
    }
  };
  return { handler, forget: () => cache.clear(), fromSession, sessions };
}

async function lookup(models: Models, hash: string, now: number): Promise<AuthUser | null> {
  const key = await models.ApiKey.findById(hash).lean();
  if (!key || key.revokedAt || (key.expiresAt && key.expiresAt.getTime() <= now)) return null;
  return userOf(models, key.userId);
}

/** The enabled user with a known role, as the permission matrix sees them; null otherwise. */
async function userOf(models: Models, userId: string): Promise<AuthUser | null> {
  const user = await models.User.findById(userId).lean();
  if (!user || user.disabledAt || !(ROLES as readonly string[]).includes(user.role)) return null;
  return { id: user._id, name: user.name, role: user.role as Role, queues: user.queues ?? [DEFAULT_QUEUE] };
}
