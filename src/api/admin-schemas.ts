/**
 * Request and response schemas of the admin API (users and API keys), same
 * rules as schemas.ts: strict objects, bounded strings and arrays. Responses
 * never carry a key's hash, and carry the key itself only when it is issued.
 */
import { z } from 'zod';
import { DEFAULT_QUEUE } from '../domain/access';
import { ROLES } from '../domain/actors';
import { newPassword } from './auth-schemas';
import { idString, text, distinct } from './schemas';

const slug = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be a lowercase slug (a-z, 0-9, _ or -)');
const isoDate = z.iso.datetime();

export const MAX_QUEUES = 20;
/** Bounds of a key's lifetime: every key expires, at most a year after it was issued. */
export const KEY_DAYS = { min: 1, max: 365, default: 90 } as const;

const role = z.enum(ROLES);
const queues = distinct(z.array(slug).max(MAX_QUEUES), 'queues must not repeat').describe('complaint queues the user works (src/domain/access.ts); an empty list means only their own complaints');

export const userIdParams = z.strictObject({ id: idString });
export const keyIdParams = z.strictObject({ keyId: z.string().regex(/^k_[0-9a-f]{16}$/, 'must be a key id (k_ and 16 hex digits)') });

export const listUsersQuery = z.strictObject({
  role: role.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, 'malformed cursor').optional(),
});

export const createUserBody = z.strictObject({
  id: idString,
  name: text(200),
  role,
  queues: queues.default([DEFAULT_QUEUE]),
  password: newPassword.optional().describe('lets the user sign in to the web app; stored only as an argon2id hash, never returned'),
});

/** A full replacement: every field is required, so a repeated PUT is idempotent. */
export const updateUserBody = z.strictObject({
  name: text(200),
  role,
  queues,
  disabled: z.boolean().describe('a disabled user keeps their record (audit trail) but none of their keys works'),
});

export const issueKeyBody = z.strictObject({
  label: text(100).optional().describe('what the key is for, e.g. "crm integration"'),
  expiresInDays: z.number().int().min(KEY_DAYS.min).max(KEY_DAYS.max).default(KEY_DAYS.default),
});

export const emptyBody = z.strictObject({});

export const userView = z.object({
  id: z.string(),
  name: z.string(),
  role: z.string(),
  queues: z.array(z.string()),
  createdAt: isoDate,
  updatedAt: isoDate.nullable(),
  disabledAt: isoDate.nullable(),
});

export const userList = z.object({ items: z.array(userView), nextCursor: z.string().nullable() });

export const KEY_STATUSES = ['active', 'expired', 'revoked'] as const;

export const keyView = z.object({
  keyId: z.string(),
  userId: z.string(),
  prefix: z.string().describe('the first characters of the key, to recognise it'),
  label: z.string().nullable(),
  createdAt: isoDate,
  expiresAt: isoDate.nullable(),
  revokedAt: isoDate.nullable(),
  status: z.enum(KEY_STATUSES),
});

export const keyList = z.object({ items: z.array(keyView) });

export const issuedKey = z.object({
  keyId: z.string(),
  userId: z.string(),
  key: z.string().describe('the API key; shown only in this response (only its HMAC is stored)'),
  prefix: z.string(),
  label: z.string().nullable(),
  createdAt: isoDate,
  expiresAt: isoDate.nullable(),
});
