/**
 * Authentication of the customer link API: the customer has no account and no
 * key, only a signed token (src/domain/customer-link.ts) sent in the
 * `X-Customer-Link` header. For every request, in this order:
 *
 * 1. the client address's limit (`config.customers.addressRatePerMinute`), before
 *    any parsing (once refused, an address is refused from memory until its window
 *    ends, so a flood of forged tokens costs one map lookup each);
 * 2. the token's form and signature (no database read for a forged or altered token);
 * 3. the link's limit (`config.customers.linkRatePerMinute`), keyed by the link id
 *    of a token whose signature holds (a forged token never uses up a real link's
 *    limit); an expired token still counts against its link;
 * 4. expiry, the subject the route expects, then the link record: it exists,
 *    is bound to the token's subject, subject id and customer, and is not revoked.
 *
 * Refusals: 401 LINK_INVALID (missing, malformed, forged, altered, another
 * subject, a record that does not match), 410 LINK_EXPIRED, 410 LINK_REVOKED,
 * 429 RATE_LIMITED with Retry-After. The limits are counted in the database every
 * API replica shares (src/services/rate-limits.ts), like the API's own limiter.
 */
import type { Request } from 'express';
import { type Config, linkSecretOf } from '../config';
import type { Models } from '../db/models';
import type { Logger } from '../logger';
import { type LinkClaims, type LinkSubject, verifyLinkToken } from '../domain/customer-link';
import { ErrorCode } from '../domain/errors';
import { type RateLimit, createKeyedLimit, mongoWindows } from '../services/rate-limits';
import { HttpProblem } from './problem';

export const LINK_HEADER = 'x-customer-link';

export interface LinkAuthenticator {
  /**
   * The verified claims of the request's link, or throws the problem (401/410/429).
   * `expected`: the subject the route serves (a link for another subject is LINK_INVALID), or `any`.
   */
  authenticate(req: Request, expected: LinkSubject | 'any'): Promise<{ claims: LinkClaims }>;
}

export interface LinkAuthenticatorDeps {
  models: Models;
  config: Pick<Config, 'customers' | 'secrets'>;
  /** The clock of token expiry (tests); the limits' windows run on the real clock. */
  now?: () => number;
  /** Where a failing rate-limit store is reported. */
  log: Logger;
}

const SUBJECT_NOUN: Record<LinkSubject, string> = { complaint: 'a complaint', invitation: 'a survey invitation' };

const invalid = (detail: string) => new HttpProblem(401, 'Unauthorized', detail, { code: ErrorCode.LINK_INVALID });
const gone = (code: 'LINK_EXPIRED' | 'LINK_REVOKED', detail: string) => new HttpProblem(410, 'Gone', detail, { code: ErrorCode[code] });

/** The refusal of a request over `what`'s limit, or null when it may go on. */
type Limit = (key: string) => Promise<HttpProblem | null>;

/** A limit per key (burst = one minute's rate), counted like the API limiter's (src/services/rate-limits.ts). */
function keyedLimit(name: string, limit: RateLimit, what: string, models: Models, log: Logger): Limit {
  const limiter = createKeyedLimit(name, limit, { store: mongoWindows(models, log), log });
  return async (key) => {
    const taken = await limiter.take(key);
    if (taken.ok) return null;
    return new HttpProblem(429, 'Too Many Requests', `too many requests ${what} (at most ${limit.perMinute} a minute); retry in ${taken.retryAfter} s`, { code: 'RATE_LIMITED' }, { 'retry-after': String(taken.retryAfter) });
  };
}

interface Limits {
  address: Limit;
  link: Limit;
}

/**
 * One set of limiters per database handle, i.e. per API process (and per test
 * stack): the complaint and survey link routes each build an authenticator; the
 * counts are in the database anyway, this keeps one in-process queue and memory
 * of refused keys per limit.
 */
const limitsOf = new WeakMap<Models, Limits>();

export function createLinkAuthenticator({ models, config, now = Date.now, log }: LinkAuthenticatorDeps): LinkAuthenticator {
  let limits = limitsOf.get(models);
  if (!limits) {
    const { addressRatePerMinute, linkRatePerMinute } = config.customers;
    limits = {
      address: keyedLimit('link-address', { perMinute: addressRatePerMinute, burst: addressRatePerMinute }, 'from this address', models, log),
      link: keyedLimit('link', { perMinute: linkRatePerMinute, burst: linkRatePerMinute }, 'for this link', models, log),
    };
    limitsOf.set(models, limits);
  }
  const { address, link } = limits;
  const secret = linkSecretOf(config);

  async function authenticate(req: Request, expected: LinkSubject | 'any'): Promise<{ claims: LinkClaims }> {
    // req.ip honours the app's `trust proxy` setting (QL_TRUST_PROXY).
    const addressRefusal = await address(`address:${req.ip ?? 'unknown'}`);
    if (addressRefusal) throw addressRefusal;

    const token = req.header(LINK_HEADER);
    if (!token) throw invalid(`send the token of your link in the X-Customer-Link header`);
    const check = verifyLinkToken(token, secret, now());
    if (!check.ok && check.reason !== 'expired') throw invalid('this link is not valid: it is incomplete, altered or was not issued by us');
    const claims = check.claims!;

    const linkRefusal = await link(`link:${claims.linkId}`);
    if (linkRefusal) throw linkRefusal;

    if (!check.ok) throw gone('LINK_EXPIRED', `this link expired at ${new Date(claims.expiresAt).toISOString()}; ask for a new one`);
    if (expected !== 'any' && claims.subject !== expected) throw invalid(`this link is for ${SUBJECT_NOUN[claims.subject]}, not ${SUBJECT_NOUN[expected]}`);

    const record = await models.CustomerLink.findById(claims.linkId, { subject: 1, subjectId: 1, customerId: 1, revokedAt: 1 }).lean();
    if (!record || record.subject !== claims.subject || record.subjectId !== claims.subjectId || record.customerId !== claims.customerId) {
      throw invalid('this link is not valid: it does not match any link we issued');
    }
    if (record.revokedAt) throw gone('LINK_REVOKED', `this link was withdrawn on ${record.revokedAt.toISOString()}; ask for a new one`);
    return { claims };
  }

  return { authenticate };
}
