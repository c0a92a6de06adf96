/**
 * Sign-in for people (the web app): password sign-in with lockout and a
 * per-address slow-down, the session behind the `ql_session` cookie, sign-out,
 * and sign-in through an OpenID Connect provider. These routes are public
 * (they are how one gets authenticated); the ones that act on a session read
 * the cookie themselves, and sign-out checks the CSRF token like any
 * cookie-authenticated write. See docs/security.md.
 */
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Config } from '../../config';
import { DomainError, ErrorCode } from '../../domain/errors';
import { createOidcService, safeReturnTo } from '../../services/oidc';
import { checkPassword } from '../../services/passwords';
import { createFailureWindow, mongoWindows } from '../../services/rate-limits';
import { SESSION_COOKIE, type SessionRecord } from '../../services/sessions';
import type { RouteDeps } from '../app';
import { type AuthUser, csrfMatches, sessionToken } from '../auth';
import { loginBody, oidcCallbackQuery, oidcLoginQuery, providersView, sessionView } from '../auth-schemas';
import { problems } from '../problem';
import { type RouteSpec, defineRoute } from '../route';
import { emptyQuery } from '../schemas';
import { problemResponses, problemSchema } from './common';

export const OIDC_LOGIN_PATH = '/auth/oidc/login';
export const OIDC_CALLBACK_PATH = '/auth/oidc/callback';

/** HttpOnly (no script reads it), SameSite=Lax (not sent on cross-site writes), whole site, Secure behind https; no Max-Age: the server decides expiry. */
export function cookieOptions(config: Config) {
  return { httpOnly: true, sameSite: 'lax' as const, path: '/', secure: (config.api.publicUrl ?? '').startsWith('https:') };
}

function toSessionView(user: Pick<AuthUser, 'id' | 'name' | 'role' | 'queues'>, s: SessionRecord): z.infer<typeof sessionView> {
  return {
    user: { id: user.id, name: user.name, role: user.role, queues: user.queues },
    csrfToken: s.csrfToken,
    expiresAt: s.expiresAt.toISOString(),
    idleExpiresAt: s.idleExpiresAt.toISOString(),
  };
}

/** The public base URL (configured, else as this request reached us) for the OIDC redirect URI. */
function baseUrl(config: Config, req: Request): string {
  return (config.api.publicUrl ?? `${req.protocol}://${req.get('host')}`).replace(/\/+$/, '');
}

export function authRoutes(deps: RouteDeps): RouteSpec[] {
  const { config, models, auth, log } = deps;
  const lockout = config.auth.lockout;
  // Counted in the database every API replica shares, like the rate limits.
  const ipFailures = createFailureWindow('sign-in-address', { limit: config.auth.ipFailuresPerWindow, windowMs: lockout.minutes * 60_000 }, { store: mongoWindows(models, log), log });
  const oidc = createOidcService(models, config.auth.oidc);
  const common = { tag: 'auth', permission: 'public' } as const;

  const startSession = async (res: Response, userId: string, method: 'password' | 'oidc') => {
    const { token, session } = await auth.sessions.create(userId, method);
    res.cookie(SESSION_COOKIE, token, cookieOptions(config));
    return session;
  };

  return [
    defineRoute({
      ...common,
      method: 'post',
      path: '/auth/login',
      summary: 'Sign in with a username and password: sets the session cookie and returns the CSRF token',
      body: loginBody,
      responses: {
        200: { description: 'signed in (Set-Cookie: ql_session, HttpOnly, SameSite=Lax)', schema: sessionView },
        401: { description: 'INVALID_CREDENTIALS: the same answer for an unknown user, a disabled user and a wrong password', schema: problemSchema },
        429: { description: 'SIGN_IN_LOCKED (too many failures on this account) or SIGN_IN_THROTTLED (from this address), with Retry-After', schema: problemSchema },
        ...problemResponses(400, 413, 415, 503),
      },
      handler: async ({ body, req, res }) => {
        const ip = req.ip ?? 'unknown';
        const blocked = await ipFailures.blockedFor(ip);
        if (blocked > 0) throw problems.signInThrottled(blocked);
        const result = await checkPassword(models, lockout, body.username, body.password);
        if (!result.ok) {
          await ipFailures.fail(ip);
          log.info({ username: body.username.slice(0, 64), ip, outcome: result.reason }, 'sign-in refused');
          if (result.reason === 'locked') throw problems.signInLocked(result.until);
          throw problems.invalidCredentials();
        }
        const session = await startSession(res, result.user.id, 'password');
        log.info({ userId: result.user.id, ip }, 'signed in');
        return { status: 200, body: toSessionView(result.user, session) };
      },
    }),
    defineRoute({
      ...common,
      method: 'get',
      path: '/auth/session',
      summary: 'The signed-in user of the session cookie and its CSRF token (after a page reload)',
      query: emptyQuery,
      responses: { 200: { description: 'signed in', schema: sessionView }, ...problemResponses(400, 401, 503) },
      handler: async ({ req }) => {
        const signedIn = await auth.fromSession(req);
        if (!signedIn) throw problems.unauthorized();
        return { status: 200, body: toSessionView(signedIn.user, signedIn.session) };
      },
    }),
    defineRoute({
      ...common,
      method: 'post',
      path: '/auth/logout',
      summary: 'Sign out: ends the session and clears the cookie (needs x-csrf-token while a session is live)',
      headers: { 'x-csrf-token': 'the CSRF token of the session (from sign-in or GET /auth/session)' },
      responses: { 204: { description: 'signed out (also when no session was live)' }, ...problemResponses(403, 503) },
      handler: async ({ req, res }) => {
        const session = await auth.sessions.resolve(sessionToken(req));
        if (session && !csrfMatches(req, session)) throw problems.csrfFailed();
        await auth.sessions.end(sessionToken(req));
        res.clearCookie(SESSION_COOKIE, cookieOptions(config));
        return { status: 204 };
      },
    }),
    defineRoute({
      ...common,
      method: 'get',
      path: '/auth/providers',
      summary: 'How people can sign in: password, and the identity provider when configured',
      query: emptyQuery,
      responses: { 200: { description: 'the sign-in methods', schema: providersView }, ...problemResponses(400) },
      handler: async () => ({ status: 200, body: { password: true, oidc: oidc.enabled ? { name: oidc.name, loginUrl: OIDC_LOGIN_PATH } : null } }),
    }),
    defineRoute({
      ...common,
      method: 'get',
      path: OIDC_LOGIN_PATH,
      summary: 'Start signing in at the identity provider (302 to it)',
      query: oidcLoginQuery,
      responses: { 302: { description: 'to the provider' }, ...problemResponses(400, 404, 503) },
      handler: async ({ query, req }) => {
        const location = await oidc.start(baseUrl(config, req) + OIDC_CALLBACK_PATH, safeReturnTo(query.returnTo));
        return { status: 302, headers: { location } };
      },
    }),
    defineRoute({
      ...common,
      method: 'get',
      path: OIDC_CALLBACK_PATH,
      summary: 'Where the identity provider sends the browser back: signs in and 302 to the app',
      query: oidcCallbackQuery,
      responses: {
        302: { description: 'signed in (Set-Cookie: ql_session), to the page asked for or /app/' },
        ...problemResponses(400, 403, 404, 503),
      },
      handler: async ({ query, req, res }) => {
        if (query.error) throw new DomainError(ErrorCode.NOT_PERMITTED, `the identity provider refused the sign-in: ${query.error}${query.error_description ? ` (${query.error_description})` : ''}`);
        const base = baseUrl(config, req);
        const { userId, returnTo } = await oidc.finish(new URL(req.originalUrl, base), base + OIDC_CALLBACK_PATH);
        await startSession(res, userId, 'oidc');
        log.info({ userId }, 'signed in through the identity provider');
        return { status: 302, headers: { location: returnTo ?? '/app/' } };
      },
    }),
  ];
}
