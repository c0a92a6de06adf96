/**
 * API-key authentication. Keys are stored only as HMAC-SHA256(pepper, key);
 * the lookup result is cached briefly per process so the hot path (intake)
 * does not pay a database round trip per request. A revoked key stops working
 * within AUTH_CACHE_TTL_MS.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Actor, Role } from '../domain/actors';
import { DEFAULT_QUEUE, type Principal } from '../domain/access';
import { ROLES } from '../domain/actors';
import { type Models, insertIfAbsent } from '../db/models';
import { problems } from './problem';

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

export function hashApiKey(pepper: string, key: string): string {
  return createHmac('sha256', pepper).update(key).digest('hex');
}

export function generateApiKey(): string {
  return `ql_${randomBytes(24).toString('base64url')}`;
}

/** Stores a key for a user; returns the key (shown once). Idempotent for a given key. */
/**
 * Stores a key for a user and returns it with its public id; the key itself
 * is never stored (shown once). Idempotent for a given key.
 */
export async function issueApiKey(
  models: Models,
  pepper: string,
  userId: string,
  opts: { key?: string; expiresAt?: Date | null; label?: string | null; issueRequestId?: string | null } = {},
): Promise<{ key: string; keyId: string }> {
  const key = opts.key ?? generateApiKey();
  const hash = hashApiKey(pepper, key);
  // The public id is derived from the hash, so a retried issue of the same key finds the same record.
  const keyId = `k_${hash.slice(0, 16)}`;
  await insertIfAbsent(models.ApiKey, [
    {
      _id: hash,
      keyId,
      userId,
      label: opts.label ?? null,
      prefix: key.slice(0, 8),
      createdAt: new Date(),
      expiresAt: opts.expiresAt ?? null,
      revokedAt: null,
      issueRequestId: opts.issueRequestId ?? null,
    },
  ]);
  return { key, keyId };
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
