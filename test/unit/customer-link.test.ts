/**
 * Signed customer link tokens (src/domain/customer-link.ts): the format, the
 * HMAC (checked against node:crypto computed here, independently of the
 * @noble implementation the module uses), tamper evidence, expiry, and the
 * customer page URL.
 */
import { createHmac } from 'node:crypto';
import { type LinkClaims, MAX_TOKEN_LENGTH, customerPageUrl, signLinkToken, verifyLinkToken } from '../../src/domain/customer-link';

const SECRET = 'unit-test-link-secret-0123456789';
const NOW = Date.UTC(2026, 2, 1, 12, 0, 0);
const claims: LinkClaims = { linkId: 'lnk_0123456789abcdef01234567', subject: 'complaint', subjectId: 'c_00112233445566778899aabb', customerId: 'cust-42', expiresAt: NOW + 30 * 86_400_000 };

const b64url = (s: string) => Buffer.from(s).toString('base64url');
/** A token built by hand: version, claims JSON as given, HMAC-SHA256 with node:crypto. */
function handMade(claimsJson: string, secret = SECRET, version = 'v1'): string {
  const signed = `${version}.${b64url(claimsJson)}`;
  return `${signed}.${createHmac('sha256', secret).update(signed).digest('base64url')}`;
}

describe('customer link tokens', () => {
  it('given claims, when signed, then the token is v1.<base64url claims>.<HMAC-SHA256 of the first two parts>, the same HMAC node:crypto computes', () => {
    const token = signLinkToken(claims, SECRET);
    const [version, body, signature] = token.split('.');
    expect(version).toBe('v1');
    expect(JSON.parse(Buffer.from(body!, 'base64url').toString('utf8'))).toEqual({ l: claims.linkId, s: 'complaint', i: claims.subjectId, c: 'cust-42', e: claims.expiresAt / 1000 });
    expect(signature).toBe(createHmac('sha256', SECRET).update(`v1.${body}`).digest('base64url'));
  });

  it('given the same claims twice, then the same token (an activity retry mints the same link)', () => {
    expect(signLinkToken(claims, SECRET)).toBe(signLinkToken({ ...claims }, SECRET));
  });

  it('given a token signed with the secret, when verified before its expiry, then its claims come back whole', () => {
    expect(verifyLinkToken(signLinkToken(claims, SECRET), SECRET, NOW)).toEqual({ ok: true, claims });
    const invitation: LinkClaims = { ...claims, subject: 'invitation', subjectId: 'inv_abc' };
    expect(verifyLinkToken(signLinkToken(invitation, SECRET), SECRET, NOW)).toEqual({ ok: true, claims: invitation });
  });

  it('given an expiry with milliseconds, then it is kept to the whole second below (the token carries seconds)', () => {
    const r = verifyLinkToken(signLinkToken({ ...claims, expiresAt: NOW + 1_999 }, SECRET), SECRET, NOW);
    expect(r).toEqual({ ok: true, claims: { ...claims, expiresAt: NOW + 1_000 } });
  });

  it('given a token checked at or after its expiry, then expired, with the claims (so the link can still be named and limited)', () => {
    const token = signLinkToken(claims, SECRET);
    expect(verifyLinkToken(token, SECRET, claims.expiresAt - 1).ok).toBe(true);
    expect(verifyLinkToken(token, SECRET, claims.expiresAt)).toEqual({ ok: false, reason: 'expired', claims });
    expect(verifyLinkToken(token, SECRET, claims.expiresAt + 86_400_000)).toEqual({ ok: false, reason: 'expired', claims });
  });

  it('given a token signed with another secret, then bad_signature, and no claims are returned', () => {
    expect(verifyLinkToken(signLinkToken(claims, 'another-secret-0123456789'), SECRET, NOW)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('given claims altered after signing (another complaint, customer, subject or a later expiry), then bad_signature', () => {
    const token = signLinkToken(claims, SECRET);
    const [, , signature] = token.split('.');
    const alter = (patch: Record<string, unknown>) => {
      const json = { l: claims.linkId, s: claims.subject, i: claims.subjectId, c: claims.customerId, e: claims.expiresAt / 1000, ...patch };
      return `v1.${b64url(JSON.stringify(json))}.${signature}`;
    };
    for (const patch of [{ i: 'c_00112233445566778899aabc' }, { c: 'cust-43' }, { s: 'invitation' }, { e: claims.expiresAt / 1000 + 1 }, { l: 'lnk_other' }]) {
      expect({ patch, check: verifyLinkToken(alter(patch), SECRET, NOW) }).toEqual({ patch, check: { ok: false, reason: 'bad_signature' } });
    }
    // One character of the signature changed.
    const last = token.at(-1) === 'A' ? 'B' : 'A';
    expect(verifyLinkToken(token.slice(0, -1) + last, SECRET, NOW)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('given tokens of the wrong shape (parts, version, alphabet, length), then malformed', () => {
    const token = signLinkToken(claims, SECRET);
    for (const bad of ['', 'v1', 'v1.abc', `${token}.extra`, `v2${token.slice(2)}`, token.replace('.', '.+'), `v1.${'a'.repeat(MAX_TOKEN_LENGTH)}.b`, `v1..${token.split('.')[2]}`]) {
      expect({ bad, check: verifyLinkToken(bad, SECRET, NOW) }).toEqual({ bad, check: { ok: false, reason: 'malformed' } });
    }
  });

  it('given a correctly signed token whose claims are not valid claims (not JSON, missing fields, an unknown subject, an expiry as text), then malformed', () => {
    for (const json of ['not json', '[]', JSON.stringify({ l: 'lnk', s: 'complaint', i: 'c_1', c: 'cust' }), JSON.stringify({ l: 'lnk', s: 'survey', i: 'c_1', c: 'cust', e: 2e9 }), JSON.stringify({ l: 'lnk', s: 'complaint', i: 'c_1', c: 'cust', e: '2000000000' })]) {
      expect({ json, check: verifyLinkToken(handMade(json), SECRET, NOW) }).toEqual({ json, check: { ok: false, reason: 'malformed' } });
    }
    // The same construction with valid claims verifies: the refusals above are about the claims only.
    expect(verifyLinkToken(handMade(JSON.stringify({ l: 'lnk', s: 'complaint', i: 'c_1', c: 'cust', e: 2e9 })), SECRET, NOW)).toEqual({ ok: true, claims: { linkId: 'lnk', subject: 'complaint', subjectId: 'c_1', customerId: 'cust', expiresAt: 2e12 } });
  });

  it('given a base URL (with or without trailing slashes), then the customer page URL carries the token in the fragment, never in the path or query', () => {
    const token = signLinkToken(claims, SECRET);
    expect(customerPageUrl('https://quality.example.org', token)).toBe(`https://quality.example.org/app/customer#${token}`);
    expect(customerPageUrl('https://quality.example.org//', token)).toBe(`https://quality.example.org/app/customer#${token}`);
    const url = new URL(customerPageUrl('https://quality.example.org/', token));
    expect({ path: url.pathname, search: url.search, hash: url.hash }).toEqual({ path: '/app/customer', search: '', hash: `#${token}` });
  });
});
