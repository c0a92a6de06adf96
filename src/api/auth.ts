/**
 * API-key authentication. Keys are stored only as HMAC-SHA256(pepper, key);
 * the lookup result is cached briefly per process so the hot path (intake)
 * does not pay a database round trip per request. A revoked key stops working
 * within AUTH_CACHE_TTL_MS.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Actor, Role } from '../domain/actors';
import { ROLES } from '../domain/actors';
import type { Models } from '../db/models';
import { problems } from './problem';

export const AUTH_CACHE_TTL_MS = 30_000;

export interface AuthUser extends Actor {
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
export async function issueApiKey(models: Models, pepper: string, userId: string, key = generateApiKey(), expiresAt: Date | null = null): Promise<string> {
  await models.ApiKey.updateOne(
    { _id: hashApiKey(pepper, key) },
    { $setOnInsert: { userId, prefix: key.slice(0, 8), createdAt: new Date(), expiresAt, revokedAt: null } },
    { upsert: true },
  );
  return key;
}

function bearer(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  return m ? m[1]! : null;
}

export function authenticate(models: Models, pepper: string): RequestHandler {
  const cache = new Map<string, { user: AuthUser | null; until: number }>();
  return async (req, _res, next) => {
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
}

async function lookup(models: Models, hash: string, now: number): Promise<AuthUser | null> {
  const key = await models.ApiKey.findById(hash).lean();
  if (!key || key.revokedAt || (key.expiresAt && key.expiresAt.getTime() <= now)) return null;
  const user = await models.User.findById(key.userId).lean();
  if (!user || !(ROLES as readonly string[]).includes(user.role)) return null;
  return { id: user._id, name: user.name, role: user.role as Role };
}

export function requireRole(roles: readonly Role[]): RequestHandler {
  return (req, _res, next) => {
    const user = req.user;
    if (!user) return next(problems.unauthorized());
    if (!roles.includes(user.role)) return next(problems.forbidden(`role ${user.role} may not do this (allowed: ${roles.join(', ')})`));
    next();
  };
}
