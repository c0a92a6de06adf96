/**
 * Sign-in through the organisation's identity provider with OpenID Connect
 * (authorization code flow with PKCE, state and nonce; `openid-client` v6).
 *
 * - `start` keeps the state, nonce and PKCE verifier server-side in
 *   `oidc_logins` (10 minutes, single use) and returns the provider's
 *   authorization URL.
 * - `finish` exchanges the code (the library checks state, nonce, issuer,
 *   audience and the ID token's signature), reads the claims (ID token, then
 *   userinfo), maps the role claim to one of our roles, and creates or
 *   updates the user (`source: 'oidc'`), audited, before a session starts.
 *   No mappable role, a disabled user, or an id taken by a local account:
 *   refused (NOT_PERMITTED), no session.
 *
 * `openid-client` is an ES module and is loaded on first use only, so
 * processes with OIDC off never load it.
 */
import type * as OpenIdClient from 'openid-client';
import type { Config } from '../config';
import type { Models } from '../db/models';
import { DEFAULT_QUEUE } from '../domain/access';
import { ROLES, type Role } from '../domain/actors';
import { DomainError, ErrorCode } from '../domain/errors';
import { appendAccountEvent } from './account-audit';

/** How long a sign-in may take at the provider. */
export const OIDC_LOGIN_TTL_MS = 10 * 60_000;

/** Ids as the API accepts them elsewhere (src/api/schemas.ts `idString`). */
const USER_ID = /^[A-Za-z0-9_-]{1,64}$/;

export const OIDC_ACTOR = { id: 'oidc', role: 'system' } as const;

type Claims = Record<string, unknown>;

/** Where the SPA may be sent back to after sign-in: a path under /app/ only (no open redirect). */
export function safeReturnTo(value: unknown): string | null {
  return typeof value === 'string' && /^\/app\/[^\\]*$/.test(value) && !value.startsWith('/app//') ? value : null;
}

/** The role the claim value(s) map to: through the role map, else a value naming one of our roles; first match wins. */
export function roleFromClaim(value: unknown, roleMap: Record<string, Role>): Role | null {
  const values = Array.isArray(value) ? value : [value];
  for (const v of values) {
    if (typeof v !== 'string') continue;
    if (Object.hasOwn(roleMap, v)) return roleMap[v]!;
    if ((ROLES as readonly string[]).includes(v)) return v as Role;
  }
  return null;
}

export type OidcSettings = Config['auth']['oidc'];

export function createOidcService(models: Models, settings: OidcSettings) {
  const enabled = Boolean(settings.issuer && settings.clientId && settings.clientSecret);
  let lib: Promise<typeof OpenIdClient> | undefined;
  let discovered: Promise<OpenIdClient.Configuration> | undefined;

  async function configuration(): Promise<{ client: typeof OpenIdClient; config: OpenIdClient.Configuration }> {
    if (!enabled) throw new DomainError(ErrorCode.NOT_FOUND, 'sign-in with an identity provider is not configured');
    lib ??= import('openid-client');
    const client = await lib;
    discovered ??= client
      // client_secret_basic: the method every provider must support (RFC 6749 2.3.1).
      .discovery(new URL(settings.issuer!), settings.clientId!, undefined, client.ClientSecretBasic(settings.clientSecret!), {
        // A plain-http issuer is accepted only on this machine (development and tests).
        execute: /^http:\/\/(127\.0\.0\.1|localhost)(:|\/|$)/.test(settings.issuer!) ? [client.allowInsecureRequests] : [],
      })
      .catch((err: unknown) => {
        discovered = undefined; // try again on the next sign-in
        throw err;
      });
    return { client, config: await discovered };
  }

  /** Starts a sign-in: the URL to send the browser to. */
  async function start(redirectUri: string, returnTo: string | null, now = new Date()): Promise<string> {
    const { client, config } = await configuration();
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    await models.OidcLogin.create({ _id: state, nonce, codeVerifier, returnTo, expiresAt: new Date(now.getTime() + OIDC_LOGIN_TTL_MS) });
    // Housekeeping: sign-ins abandoned at the provider.
    await models.OidcLogin.deleteMany({ expiresAt: { $lte: now } });
    return client
      .buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: 'openid profile',
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      })
      .toString();
  }

  /**
   * Completes a sign-in from the callback URL: the user (created or updated),
   * and where to send the browser. Throws NOT_PERMITTED when the person may
   * not sign in, VALIDATION_FAILED for an unknown, expired or replayed state.
   */
  async function finish(callbackUrl: URL, redirectUri: string, now = new Date()): Promise<{ userId: string; returnTo: string | null }> {
    const { client, config } = await configuration();
    const state = callbackUrl.searchParams.get('state') ?? '';
    // Single use: taken out of the store before anything else.
    const login = state ? await models.OidcLogin.findOneAndDelete({ _id: state }).lean() : null;
    if (!login || login.expiresAt.getTime() <= now.getTime()) {
      throw new DomainError(ErrorCode.VALIDATION_FAILED, 'this sign-in is unknown, expired or already used; start again', { errors: [{ path: 'query.state', message: 'unknown or expired' }] });
    }
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      // The library reads the code from the URL and needs the redirect URI the provider was given.
      const current = new URL(redirectUri);
      current.search = callbackUrl.search;
      tokens = await client.authorizationCodeGrant(config, current, { pkceCodeVerifier: login.codeVerifier, expectedState: state, expectedNonce: login.nonce, idTokenExpected: true });
    } catch (err) {
      throw new DomainError(ErrorCode.NOT_PERMITTED, `the identity provider did not sign you in: ${(err as Error).message}`);
    }
    const idClaims = (tokens.claims() ?? {}) as Claims;
    let claims: Claims = { ...idClaims };
    if (claims[settings.roleClaim] === undefined || claims.name === undefined || claims[settings.userIdClaim] === undefined) {
      const info = await client.fetchUserInfo(config, tokens.access_token, String(idClaims.sub));
      claims = { ...info, ...idClaims };
    }
    const userId = [claims[settings.userIdClaim], claims.sub].find((v): v is string => typeof v === 'string' && USER_ID.test(v));
    if (!userId) throw new DomainError(ErrorCode.NOT_PERMITTED, `the identity provider gave no usable user id (claim ${settings.userIdClaim} or sub: 1-64 letters, digits, _ or -)`);
    const role = roleFromClaim(claims[settings.roleClaim], settings.roleMap);
    if (!role) throw new DomainError(ErrorCode.NOT_PERMITTED, `your account at the identity provider has no qualityloop role (claim ${settings.roleClaim}); ask an administrator`);
    const name = typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim().slice(0, 200) : userId;
    await provision(userId, name, role, now);
    return { userId, returnTo: login.returnTo ?? null };
  }

  /** Creates the user on first sign-in, or brings name and role in line with the provider; audited either way. */
  async function provision(userId: string, name: string, role: Role, now: Date): Promise<void> {
    const existing = await models.User.findById(userId).lean();
    if (!existing) {
      const doc = { _id: userId, name, role, queues: [DEFAULT_QUEUE], createdAt: now, updatedAt: null, disabledAt: null, source: 'oidc' };
      try {
        await models.User.collection.insertOne(doc as never);
      } catch (err) {
        // Two first sign-ins at once: the other one created it; check it as an existing user.
        if ((err as { code?: number }).code !== 11000) throw err;
        return provision(userId, name, role, now);
      }
      await appendAccountEvent(models, { userId, action: 'user.provisioned', actor: OIDC_ACTOR, after: { name, role, queues: [DEFAULT_QUEUE], source: 'oidc' }, details: { issuer: settings.issuer }, at: now });
      return;
    }
    if (existing.source !== 'oidc') throw new DomainError(ErrorCode.NOT_PERMITTED, `user id ${userId} belongs to a local account; an administrator must resolve the clash`);
    if (existing.disabledAt) throw new DomainError(ErrorCode.NOT_PERMITTED, `user ${userId} is disabled`);
    if (existing.name === name && existing.role === role) return;
    await models.User.updateOne({ _id: userId }, { $set: { name, role, updatedAt: now } });
    await appendAccountEvent(models, {
      userId,
      action: 'user.provider_sync',
      actor: OIDC_ACTOR,
      before: { name: existing.name, role: existing.role },
      after: { name, role },
      details: { issuer: settings.issuer },
      at: now,
    });
  }

  return { enabled, name: settings.name, start, finish };
}

export type OidcService = ReturnType<typeof createOidcService>;
