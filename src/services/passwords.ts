/**
 * Passwords of people who sign in to the web app. Hashed with argon2id
 * (`@node-rs/argon2`, the library's defaults: 19 MiB, 2 passes, 1 lane, the
 * OWASP minimum), stored in `credentials` (never in `users`, so no user view
 * can carry a hash).
 *
 * Sign-in answers the same for an unknown user, a disabled user, a user
 * without a password and a wrong password, and spends one argon2 verification
 * in every case, so neither the answer nor its timing tells whether an
 * account exists. Consecutive failures lock the account for a while (the
 * right password is refused too until then); a success resets the count.
 * What is not hidden: an account that exists can be locked and an unknown
 * name never locks (docs/security.md).
 */
import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { type Models, insertIfAbsent } from '../db/models';
import { ROLES, type Role } from '../domain/actors';
import { DomainError, ErrorCode } from '../domain/errors';

/** Length bounds of a password (NIST SP 800-63B: long passphrases welcome, no composition rules). */
export const PASSWORD_POLICY = { min: 12, max: 200 } as const;

/** Why a password is refused by the policy, or null. */
export function passwordProblem(password: string): string | null {
  const length = [...password].length;
  if (length < PASSWORD_POLICY.min) return `must be at least ${PASSWORD_POLICY.min} characters`;
  if (length > PASSWORD_POLICY.max) return `must be at most ${PASSWORD_POLICY.max} characters`;
  return null;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** False for a wrong password and for a malformed stored hash (never throws on input). */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;
/** A hash of a random password, verified against when there is no account: same cost as a real check. */
function dummy(): Promise<string> {
  dummyHash ??= hash(randomBytes(24).toString('base64url'));
  return dummyHash;
}

/**
 * Sets (or replaces) a user's password and clears any lockout. Throws
 * VALIDATION_FAILED (field `body.password`) when the policy refuses it.
 */
export async function setPassword(models: Models, userId: string, password: string, now = new Date()): Promise<void> {
  const problem = passwordProblem(password);
  if (problem) throw new DomainError(ErrorCode.VALIDATION_FAILED, `the password ${problem}`, { errors: [{ path: 'body.password', message: problem }] });
  const passwordHash = await hashPassword(password);
  const doc = { passwordHash, updatedAt: now, failedAttempts: 0, lockedUntil: null };
  const { inserted } = await insertIfAbsent(models.Credential, [{ _id: userId, ...doc }]);
  if (inserted === 0) await models.Credential.updateOne({ _id: userId }, { $set: doc });
}

/**
 * Sets each password only where the user has none yet (hashes only those), so
 * re-seeding keeps a password an admin changed. Returns the ids that got one.
 */
export async function setPasswordsIfAbsent(models: Models, passwords: { userId: string; password: string }[]): Promise<string[]> {
  const existing = new Set((await models.Credential.find({ _id: { $in: passwords.map((p) => p.userId) } }, { _id: 1 }).lean()).map((c) => c._id));
  const missing = passwords.filter((p) => !existing.has(p.userId));
  if (missing.length === 0) return [];
  const now = new Date();
  // One after the other: measured on two cores, the 7 demo hashes take 60-90 ms serially and no less in parallel (memory-bound).
  const docs: Record<string, unknown>[] = [];
  for (const p of missing) docs.push({ _id: p.userId, passwordHash: await hashPassword(p.password), updatedAt: now, failedAttempts: 0, lockedUntil: null });
  await insertIfAbsent(models.Credential, docs);
  return missing.map((p) => p.userId);
}

export interface LockoutPolicy {
  /** Consecutive failures that lock the account. */
  failures: number;
  /** How long it stays locked. */
  minutes: number;
}

export type SignInResult =
  | { ok: true; user: { id: string; name: string; role: Role; queues: string[] } }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; until: Date };

/** Checks a username and password against the stored credential, counting failures (see the module comment). */
export async function checkPassword(models: Models, lockout: LockoutPolicy, username: string, password: string, now = new Date()): Promise<SignInResult> {
  const [user, cred] = await Promise.all([models.User.findById(username).lean(), models.Credential.findById(username).lean()]);
  // A user the API would not authenticate (disabled, or a role it does not know) cannot sign in either.
  if (!user || user.disabledAt || !(ROLES as readonly string[]).includes(user.role) || !cred) {
    await verifyPassword(await dummy(), password);
    return { ok: false, reason: 'invalid' };
  }
  if (cred.lockedUntil && cred.lockedUntil.getTime() > now.getTime()) return { ok: false, reason: 'locked', until: cred.lockedUntil };
  if (await verifyPassword(cred.passwordHash, password)) {
    if (cred.failedAttempts || cred.lockedUntil) await models.Credential.updateOne({ _id: username }, { $set: { failedAttempts: 0, lockedUntil: null } });
    return { ok: true, user: { id: user._id, name: user.name, role: user.role as Role, queues: user.queues ?? ['general'] } };
  }
  // Counted in the store ($inc), so concurrent guesses on several API processes all count.
  const after = await models.Credential.findOneAndUpdate({ _id: username }, { $inc: { failedAttempts: 1 } }, { new: true }).lean();
  if ((after?.failedAttempts ?? 0) >= lockout.failures) {
    const until = new Date(now.getTime() + lockout.minutes * 60_000);
    await models.Credential.updateOne({ _id: username }, { $set: { failedAttempts: 0, lockedUntil: until } });
    return { ok: false, reason: 'locked', until };
  }
  return { ok: false, reason: 'invalid' };
}
