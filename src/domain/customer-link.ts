/**
 * Customer links: a signed, expiring token that lets one customer act on one
 * complaint (or answer one survey invitation) without an account.
 *
 *   token = "v1." + base64url(JSON claims) + "." + base64url(HMAC-SHA256(secret, "v1." + base64url(claims)))
 *
 * The signature makes the claims tamper-evident (a forged or altered token
 * fails here, before any database read); the expiry is inside the signed
 * claims; revocation is a flag on the link record (`customer_links`) that the
 * service checks after the signature, as is the binding of the link record to
 * the same subject and customer. The secret never leaves the server.
 */
import { hmac } from '@noble/hashes/hmac';
import { sha256 } from '@noble/hashes/sha256';
import { utf8ToBytes } from '@noble/hashes/utils';

export const LINK_SUBJECTS = ['complaint', 'invitation'] as const;
export type LinkSubject = (typeof LINK_SUBJECTS)[number];

export interface LinkClaims {
  /** The link record's id (`customer_links._id`): what revocation and rate limits key on. */
  linkId: string;
  subject: LinkSubject;
  /** The complaint id, or the survey invitation id. */
  subjectId: string;
  customerId: string;
  /** Expiry, epoch ms (whole seconds). */
  expiresAt: number;
}

const VERSION = 'v1';
/** Longest token accepted: claims of bounded ids stay far below this. */
export const MAX_TOKEN_LENGTH = 600;

function sign(secret: string, signed: string): Buffer {
  return Buffer.from(hmac(sha256, utf8ToBytes(secret), utf8ToBytes(signed)));
}

/** Compares in time independent of where the first difference is. */
function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** The token for `claims`: deterministic, so an activity retry mints the same link. */
export function signLinkToken(claims: LinkClaims, secret: string): string {
  const body = Buffer.from(
    JSON.stringify({ l: claims.linkId, s: claims.subject, i: claims.subjectId, c: claims.customerId, e: Math.floor(claims.expiresAt / 1000) }),
  ).toString('base64url');
  const signed = `${VERSION}.${body}`;
  return `${signed}.${sign(secret, signed).toString('base64url')}`;
}

export type LinkCheck = { ok: true; claims: LinkClaims } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired'; claims?: LinkClaims };

/** Checks a token's form, signature (constant time) and expiry at `now`. Revocation is the service's (it needs the record). */
export function verifyLinkToken(token: string, secret: string, now: number): LinkCheck {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION || !/^[A-Za-z0-9_-]+$/.test(parts[1]!) || !/^[A-Za-z0-9_-]+$/.test(parts[2]!)) return { ok: false, reason: 'malformed' };
  const expected = sign(secret, `${parts[0]}.${parts[1]}`);
  const given = Buffer.from(parts[2]!, 'base64url');
  if (!constantTimeEqual(given, expected)) return { ok: false, reason: 'bad_signature' };
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const r = raw as { l?: unknown; s?: unknown; i?: unknown; c?: unknown; e?: unknown };
  if (typeof r.l !== 'string' || typeof r.i !== 'string' || typeof r.c !== 'string' || typeof r.e !== 'number' || !(LINK_SUBJECTS as readonly unknown[]).includes(r.s)) {
    return { ok: false, reason: 'malformed' };
  }
  const claims: LinkClaims = { linkId: r.l, subject: r.s as LinkSubject, subjectId: r.i, customerId: r.c, expiresAt: r.e * 1000 };
  if (now >= claims.expiresAt) return { ok: false, reason: 'expired', claims };
  return { ok: true, claims };
}

/** The customer page's URL for a token: the token rides in the fragment, so it is never sent in a request line, a log or a Referer. */
export function customerPageUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/app/customer#${token}`;
}
