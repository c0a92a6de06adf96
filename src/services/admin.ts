/**
 * User and API-key administration behind the admin routes. Keys are issued
 * through `issueApiKey` (only their HMAC is stored) and never read back;
 * every change that can affect authentication drops this process's auth
 * cache so it takes effect at once here (other API processes see it within
 * AUTH_CACHE_TTL_MS).
 */
import { createHash } from 'node:crypto';
import { type ApiKeyDoc, type Models, type UserDoc, insertIfAbsent } from '../db/models';
import { DEFAULT_QUEUE } from '../domain/access';
import { DomainError, ErrorCode } from '../domain/errors';
import { type Actor, type Role, SYSTEM_ACTOR } from '../domain/actors';
import { appendAccountEvent } from './account-audit';
import { hashApiKey, issueApiKey } from './api-keys';
import { passwordProblem, setPassword } from './passwords';
import { decodeCursor, encodeCursor } from './cursor';

const DAY_MS = 86_400_000;

export interface UserRecord {
  id: string;
  name: string;
  role: string;
  queues: string[];
  createdAt: Date;
  updatedAt: Date | null;
  disabledAt: Date | null;
}

export interface KeyRecord {
  keyId: string;
  userId: string;
  prefix: string;
  label: string | null;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export type KeyStatus = 'active' | 'expired' | 'revoked';

/** Same rule as the authenticator: revoked wins, then expiry (inclusive, at `now`). */
export function keyStatus(k: Pick<KeyRecord, 'expiresAt' | 'revokedAt'>, now: number): KeyStatus {
  if (k.revokedAt) return 'revoked';
  if (k.expiresAt && k.expiresAt.getTime() <= now) return 'expired';
  return 'active';
}

/**
 * Why a change to a user must be refused when the caller makes it to their
 * own account, or null. An admin acting on themselves may not disable or
 * demote themselves: since only an enabled admin can call the admin API,
 * this alone guarantees at least one enabled admin always remains.
 */
export function selfLockout(actorId: string, targetId: string, change: { role: string; disabled: boolean }): string | null {
  if (actorId !== targetId) return null;
  if (change.disabled) return 'you cannot disable your own account; ask another admin';
  if (change.role !== 'admin') return 'you cannot remove your own admin role; ask another admin';
  return null;
}

/** VALIDATION_FAILED naming `body.password` when the policy refuses it. */
function assertPassword(password: string): void {
  const problem = passwordProblem(password);
  if (problem) throw new DomainError(ErrorCode.VALIDATION_FAILED, `the password ${problem}`, { errors: [{ path: 'body.password', message: problem }] });
}

export interface AdminServiceDeps {
  models: Models;
  pepper: string;
  /** Called after a change that affects who authenticates as what (revocation, user change). */
  onAuthChange: () => void;
}

type UserLean = UserDoc & { _id: string };
type KeyLean = ApiKeyDoc & { _id: string };

const toUser = (u: UserLean): UserRecord => ({
  id: u._id,
  name: u.name,
  role: u.role,
  queues: u.queues ?? [DEFAULT_QUEUE],
  createdAt: u.createdAt,
  updatedAt: u.updatedAt ?? null,
  disabledAt: u.disabledAt ?? null,
});

const toKey = (k: KeyLean): KeyRecord => ({
  keyId: k.keyId,
  userId: k.userId,
  prefix: k.prefix,
  label: k.label ?? null,
  createdAt: k.createdAt,
  expiresAt: k.expiresAt ?? null,
  revokedAt: k.revokedAt ?? null,
});

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * What identifies a key request: (admin, user, Idempotency-Key), hashed.
 * Stored on the key record, never the key: keys stay random and shown once.
 */
function issueRequestId(actorId: string, userId: string, idempotencyKey: string): string {
  return createHash('sha256').update(`qualityloop/api-key-issue/v1\n${actorId}\n${userId}\n${idempotencyKey}`).digest('hex');
}

/** What an account's audit events record of it: the fields an admin changes (never a password or a key). */
function accountFields(u: { name: string; role: string; queues: string[]; disabledAt: Date | null }) {
  return { name: u.name, role: u.role, queues: u.queues, disabled: u.disabledAt !== null };
}

export function createAdminService({ models, pepper, onAuthChange }: AdminServiceDeps) {
  async function findUser(id: string): Promise<UserRecord> {
    const doc = await models.User.findById(id).lean<UserLean>();
    if (!doc) throw new DomainError(ErrorCode.NOT_FOUND, `user ${id} does not exist`);
    return toUser(doc);
  }

  /** Users by id (keyset on `_id`), optionally of one role. */
  async function listUsers(f: { role?: Role; limit: number; cursor?: string }): Promise<{ items: UserRecord[]; nextCursor: string | null }> {
    const filter: Record<string, unknown> = {};
    if (f.role) filter.role = f.role;
    if (f.cursor) filter._id = { $gt: decodeCursor(f.cursor).id };
    const docs = await models.User.find(filter).sort({ _id: 1 }).limit(f.limit + 1).lean<UserLean[]>();
    const page = docs.slice(0, f.limit);
    const last = page[page.length - 1];
    return { items: page.map(toUser), nextCursor: docs.length > f.limit && last ? encodeCursor({ k: 0, id: last._id }) : null };
  }

  /**
   * Keyed by the user id: an existing id is a conflict and nothing is written.
   * With a password, the user can sign in to the web app at once (checked
   * against the policy before anything is written).
   */
  async function createUser(input: { id: string; name: string; role: Role; queues: string[]; password?: string }, actor?: Actor): Promise<UserRecord> {
    if (input.password !== undefined) assertPassword(input.password);
    const doc = { _id: input.id, name: input.name, role: input.role, queues: input.queues, createdAt: new Date(), updatedAt: null, disabledAt: null };
    const { inserted } = await insertIfAbsent(models.User, [doc]);
    if (inserted === 0) throw new DomainError(ErrorCode.ALREADY_EXISTS, `user ${input.id} already exists`);
    const by = actor ?? SYSTEM_ACTOR;
    await appendAccountEvent(models, { userId: input.id, action: 'user.created', actor: by, after: accountFields(doc) });
    if (input.password !== undefined) {
      await setPassword(models, input.id, input.password);
      await appendAccountEvent(models, { userId: input.id, action: 'user.password_set', actor: by, details: { reason: 'created' } });
    }
    return toUser(doc);
  }

  /**
   * Sets or resets a user's password: clears any lockout and ends every
   * session of theirs (whoever knew the old password is signed out). Audited
   * without the password or its hash.
   */
  async function setUserPassword(actor: Actor, id: string, password: string): Promise<{ sessionsEnded: number }> {
    await findUser(id);
    assertPassword(password);
    await setPassword(models, id, password);
    const sessionsEnded = (await models.Session.deleteMany({ userId: id })).deletedCount ?? 0;
    await appendAccountEvent(models, { userId: id, action: 'user.password_set', actor, details: { reason: 'reset', sessionsEnded } });
    return { sessionsEnded };
  }

  /**
   * Replaces name, role and queues and sets the disabled state. Idempotent:
   * a repeated request changes nothing (not even `updatedAt`), and disabling
   * twice keeps the first `disabledAt`.
   */
  async function updateUser(actor: Actor, id: string, input: { name: string; role: Role; queues: string[]; disabled: boolean }): Promise<UserRecord> {
    const current = await findUser(id);
    const refused = selfLockout(actor.id, id, input);
    if (refused) throw new DomainError(ErrorCode.SELF_LOCKOUT, refused);
    const disabledAt = input.disabled ? (current.disabledAt ?? new Date()) : null;
    const changed =
      current.name !== input.name || current.role !== input.role || !sameList(current.queues, input.queues) || current.disabledAt?.getTime() !== disabledAt?.getTime();
    if (!changed) return current;
    const next = { name: input.name, role: input.role, queues: input.queues, disabledAt, updatedAt: new Date() };
    await models.User.updateOne({ _id: id }, { $set: next });
    await appendAccountEvent(models, { userId: id, action: 'user.updated', actor, before: accountFields(current), after: accountFields(next) });
    // A disabled user is signed out everywhere (sessions also check the user on every request).
    if (disabledAt) await models.Session.deleteMany({ userId: id });
    // Role, queues and the disabled state are part of the cached authentication result.
    onAuthChange();
    return { ...current, ...next };
  }

  /**
   * Issues a key that expires after `expiresInDays`. With an Idempotency-Key,
   * a retry by the same admin for the same user issues nothing: it is refused
   * with KEY_ALREADY_ISSUED naming the key's id, because the key itself is shown
   * only once (if that response was lost, revoke the key and issue another).
   */
  async function issueKey(
    actor: Actor,
    userId: string,
    input: { label?: string; expiresInDays: number },
    idempotencyKey?: string,
  ): Promise<{ created: boolean; key: string; record: KeyRecord }> {
    const user = await findUser(userId);
    if (user.disabledAt) throw new DomainError(ErrorCode.USER_DISABLED, `user ${userId} is disabled; enable the user before issuing keys`);
    const label = input.label ?? null;
    const requestId = idempotencyKey ? issueRequestId(actor.id, userId, idempotencyKey) : null;
    if (requestId) {
      const earlier = await models.ApiKey.findOne({ issueRequestId: requestId }).lean<KeyLean>();
      if (earlier) {
        const days = earlier.expiresAt ? Math.round((earlier.expiresAt.getTime() - earlier.createdAt.getTime()) / DAY_MS) : null;
        if ((earlier.label ?? null) !== label || days !== input.expiresInDays) {
          throw new DomainError(ErrorCode.IDEMPOTENCY_KEY_REUSED, 'this Idempotency-Key was already used with a different request body');
        }
        throw new DomainError(
          ErrorCode.KEY_ALREADY_ISSUED,
          `this request already issued key ${earlier.keyId}; a key is shown only once: if the response was lost, revoke ${earlier.keyId} and issue a new key`,
          { keyId: earlier.keyId },
        );
      }
    }
    const expiresAt = new Date(Date.now() + input.expiresInDays * DAY_MS);
    const { key } = await issueApiKey(models, pepper, userId, { expiresAt, label, issueRequestId: requestId });
    const stored = await models.ApiKey.findById(hashApiKey(pepper, key)).lean<KeyLean>();
    if (!stored) throw new Error(`api key for ${userId} not found right after it was stored`);
    await appendAccountEvent(models, { userId, action: 'user.key_issued', actor, details: { keyId: stored.keyId, label, expiresAt: expiresAt.toISOString() } });
    return { created: true, key, record: toKey(stored) };
  }

  /** Every key of a user, newest first. */
  async function listKeys(userId: string): Promise<KeyRecord[]> {
    await findUser(userId);
    const docs = await models.ApiKey.find({ userId }).sort({ createdAt: -1, _id: 1 }).lean<KeyLean[]>();
    return docs.map(toKey);
  }

  /** Idempotent: a key revoked earlier keeps its first `revokedAt`. */
  async function revokeKey(actor: Actor, keyId: string): Promise<KeyRecord> {
    const doc = await models.ApiKey.findOne({ keyId }).lean<KeyLean>();
    if (!doc) throw new DomainError(ErrorCode.NOT_FOUND, `key ${keyId} does not exist`);
    if (!doc.revokedAt) {
      // Conditional on `revokedAt: null` so a concurrent revoke cannot move the first timestamp (nor be audited twice).
      const { modifiedCount } = await models.ApiKey.updateOne({ _id: doc._id, revokedAt: null }, { $set: { revokedAt: new Date() } });
      if (modifiedCount === 1) await appendAccountEvent(models, { userId: doc.userId, action: 'user.key_revoked', actor, details: { keyId } });
    }
    onAuthChange();
    const after = await models.ApiKey.findById(doc._id).lean<KeyLean>();
    return toKey(after ?? doc);
  }

  return { listUsers, createUser, getUser: findUser, updateUser, setUserPassword, issueKey, listKeys, revokeKey };
}

export type AdminService = ReturnType<typeof createAdminService>;
