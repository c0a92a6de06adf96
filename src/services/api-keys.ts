/**
 * API keys at rest: a key is stored only as HMAC-SHA256(pepper, key), keyed
 * by that hash, and shown once when issued. Used by the HTTP authenticator,
 * the admin use cases and the seed and key scripts: making or checking a key
 * needs no HTTP layer.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { type Models, insertIfAbsent } from '../db/models';

export function hashApiKey(pepper: string, key: string): string {
  return createHmac('sha256', pepper).update(key).digest('hex');
}

export function generateApiKey(): string {
  return `ql_${randomBytes(24).toString('base64url')}`;
}

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
