/**
 * Browser sessions of people signed in to the web app. The token is 32 random
 * bytes that only the cookie holds; the store keeps its SHA-256 (`_id`), so a
 * copy of the `sessions` collection cannot be replayed. Each session carries a
 * random CSRF token (synchronizer token, held server-side) that
 * cookie-authenticated writes must echo in a header.
 *
 * A session ends at the first of: its absolute end (`maxHours` after sign-in),
 * its idle end (`idleMinutes` after last use; the last use is written at most
 * once a minute, so reads stay cheap and idle expiry is exact to a minute),
 * sign-out, an admin resetting the password, or the user being disabled.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Models, SessionDoc } from '../db/models';

export const SESSION_COOKIE = 'ql_session';
/** How often at most a session's last use is written (a quarter of the idle time when that is shorter). */
export const TOUCH_INTERVAL_MS = 60_000;

export interface SessionPolicy {
  idleMinutes: number;
  maxHours: number;
}

export type SessionRecord = SessionDoc & { _id: string };

export const sessionId = (token: string) => createHash('sha256').update(token).digest('hex');

/** A token as it can appear in a cookie: base64url of 32 bytes. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function createSessionService(models: Models, policy: SessionPolicy) {
  const idleMs = policy.idleMinutes * 60_000;
  const maxMs = policy.maxHours * 3_600_000;
  const touchMs = Math.min(TOUCH_INTERVAL_MS, idleMs / 4);

  /** Starts a session; the token is returned once, for the cookie. */
  async function create(userId: string, method: 'password' | 'oidc', now = new Date()): Promise<{ token: string; session: SessionRecord }> {
    const token = randomBytes(32).toString('base64url');
    const session: SessionRecord = {
      _id: sessionId(token),
      userId,
      csrfToken: randomBytes(32).toString('base64url'),
      method,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + maxMs),
      idleExpiresAt: new Date(Math.min(now.getTime() + idleMs, now.getTime() + maxMs)),
    };
    await models.Session.create(session);
    return { token, session };
  }

  /**
   * The live session of a cookie token, its idle end moved forward when the
   * last write is older than a minute; null when unknown or expired (an
   * expired one is deleted).
   */
  async function resolve(token: string | undefined, now = new Date()): Promise<SessionRecord | null> {
    if (!token || !TOKEN.test(token)) return null;
    const id = sessionId(token);
    const s = await models.Session.findById(id).lean<SessionRecord>();
    if (!s) return null;
    const t = now.getTime();
    if (s.expiresAt.getTime() <= t || s.idleExpiresAt.getTime() <= t) {
      await models.Session.deleteOne({ _id: id });
      return null;
    }
    if (t - s.lastSeenAt.getTime() >= touchMs) {
      const idleExpiresAt = new Date(Math.min(t + idleMs, s.expiresAt.getTime()));
      await models.Session.updateOne({ _id: id }, { $set: { lastSeenAt: now, idleExpiresAt } });
      return { ...s, lastSeenAt: now, idleExpiresAt };
    }
    return s;
  }

  async function end(token: string | undefined): Promise<void> {
    if (token && TOKEN.test(token)) await models.Session.deleteOne({ _id: sessionId(token) });
  }

  /** Ends every session of a user (password reset, user disabled); returns how many. */
  async function endAllOf(userId: string): Promise<number> {
    return (await models.Session.deleteMany({ userId })).deletedCount ?? 0;
  }

  return { create, resolve, end, endAllOf };
}

export type SessionService = ReturnType<typeof createSessionService>;

/** Deletes sessions whose absolute end has passed (housekeeping; expired sessions are refused anyway). */
export async function purgeExpiredSessions(models: Models, now = new Date()): Promise<number> {
  return (await models.Session.deleteMany({ expiresAt: { $lte: now } })).deletedCount ?? 0;
}
