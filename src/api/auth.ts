/**
 * API-key authentication. Keys are stored only as HMAC-SHA256(pepper, key)
 * (src/services/api-keys.ts); the lookup result is cached briefly per process
 * so the hot path (intake) does not pay a database round trip per request. A
 * revoked key stops working within AUTH_CACHE_TTL_MS.
 */
import type { RequestHandler } from 'express';
import type { Actor, Role } from '../domain/actors';
import { DEFAULT_QUEUE, type Principal } from '../domain/access';
import { ROLES } from '../domain/actors';
import type { Models } from '../db/models';
import { hashApiKey } from '../services/api-keys';
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
  }
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
}

export function createAuthenticator(models: Models, pepper: string): Authenticator {
  const cache = new Map<string, { user: AuthUser | null; until: number }>();
  const handler: RequestHandler = async (req, _res, next) => {
    try {
      const key = bearer(req.header('authorization')) ?? req.header('x-api-key') ?? null;
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
  return { handler, forget: () => cache.clear() };
}

async function lookup(models: Models, hash: string, now: number): Promise<AuthUser | null> {
  const key = await models.ApiKey.findById(hash).lean();
  if (!key || key.revokedAt || (key.expiresAt && key.expiresAt.getTime() <= now)) return null;
  const user = await models.User.findById(key.userId).lean();
  if (!user || user.disabledAt || !(ROLES as readonly string[]).includes(user.role)) return null;
  return { id: user._id, name: user.name, role: user.role as Role, queues: user.queues ?? [DEFAULT_QUEUE] };
}
