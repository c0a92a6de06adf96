/**
 * The customer link API: what the customer page (/app/customer) calls. Public
 * routes (no key, no cookie, hence no CSRF token: the token travels in the
 * `X-Customer-Link` header, which a cross-site form cannot set); every request
 * is authenticated and rate limited by src/api/customer-link-auth.ts. Writes
 * go to the complaint workflow as the customer (`customerActor`), the
 * workflow's own rules decide what the customer may do; each needs an
 * Idempotency-Key, which with the link id makes the update id, so a double
 * click or a retry applies once.
 */
import type { Request } from 'express';
import { z } from 'zod';
import type { Config } from '../../config';
import type { Models } from '../../db/models';
import type { Logger } from '../../logger';
import { customerActor } from '../../domain/actors';
import { type CommandType, type ComplaintCommand, type ComplaintState, asksNps, availableComplaintCommands } from '../../domain/complaint';
import { CSAT_REASON_CODES, DEFAULT_LANGUAGE, LOW_CSAT_MAX } from '../../domain/customer';
import type { LinkClaims } from '../../domain/customer-link';
import type { ComplaintService } from '../../services/complaints';
import { getContact } from '../../services/customers';
import { type LinkAuthenticator, createLinkAuthenticator } from '../customer-link-auth';
import {
  type CustomerAction,
  customerComplaintView,
  linkConfirmBody,
  linkInfoView,
  linkRateBody,
  linkReopenBody,
  linkReplyBody,
} from '../customer-schemas';
import { HttpProblem } from '../problem';
import { type RouteSpec, defineRoute } from '../route';
import { emptyQuery } from '../schemas';
import { problemResponses, problemSchema, requiredIdempotencyKey } from './common';

export interface CustomerLinkRouteDeps {
  config: Config;
  models: Models;
  complaints: ComplaintService;
  log: Logger;
  /** Shared with the survey link routes (one limit per link and per address). */
  linkAuth?: LinkAuthenticator;
}

const iso = (ms: number) => new Date(ms).toISOString();
const MINUTE = 60_000;

/** The customer's name for each command they may send. */
const ACTION_OF: Partial<Record<CommandType, CustomerAction>> = { customer_replied: 'reply', close: 'confirm', reopen: 'reopen', record_csat: 'rate' };

/**
 * What the complaint's customer sees: their text, the agents' replies (public
 * notes and information requests) and their own messages, renumbered so the
 * count of internal notes does not show; the resolution; the windows to
 * confirm or reopen; their rating; and what they may do now (the reducer's
 * answer for the customer actor).
 */
export function customerComplaintViewOf(s: ComplaintState, now: number): z.infer<typeof customerComplaintView> {
  const messages = s.notes
    .filter((n) => n.visibility === 'public' || n.visibility === 'customer')
    .map((n, i) => ({ seq: i + 1, from: n.visibility === 'customer' ? ('customer' as const) : ('agent' as const), text: n.text, at: iso(n.at) }));
  const resolved = s.status === 'resolved' && s.resolvedAt !== null;
  const actions = availableComplaintCommands(s, customerActor(s.customer.id), now).flatMap((t) => (ACTION_OF[t] ? [ACTION_OF[t]] : []));
  return {
    complaintId: s.complaintId,
    status: s.status,
    category: s.category,
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
    description: s.description,
    messages,
    resolution: s.resolution && s.resolvedAt !== null ? { summary: s.resolution.summary, at: iso(s.resolvedAt) } : null,
    confirmBy: resolved ? iso(s.resolvedAt! + s.windows.confirmationWindowMinutes * MINUTE) : null,
    reopenBy: resolved ? iso(s.resolvedAt! + s.windows.reopenWindowMinutes * MINUTE) : null,
    csat: s.csat ? { rating: s.csat.rating, reasons: s.csat.reasons ?? [], comment: s.csat.comment ?? null, nps: s.csat.nps ?? null, at: iso(s.csat.at) } : null,
    askNps: asksNps(s),
    reasonCodes: [...CSAT_REASON_CODES],
    lowRatingMax: LOW_CSAT_MAX,
    actions,
  };
}

/** The Idempotency-Key every write through a link needs (400 `headers.idempotency-key` when missing). */

const LINK_HEADER_DOC = {
  'X-Customer-Link': { required: true, description: "the token of the customer's link (the part of the link after #)" },
} as const;
const WRITE_HEADERS = {
  ...LINK_HEADER_DOC,
  'Idempotency-Key': { required: true, description: 'made once per submission; the same key on the same link applies once and answers the current view' },
} as const;

const linkRefusals = {
  401: { description: 'LINK_INVALID: the token is missing, malformed, forged or altered, is for another kind of link, or matches no link we issued', schema: problemSchema },
  410: { description: 'LINK_EXPIRED or LINK_REVOKED', schema: problemSchema },
  429: { description: 'RATE_LIMITED: too many requests for this link or from this address (Retry-After)', schema: problemSchema },
};

export function customerLinkRoutes(deps: CustomerLinkRouteDeps): RouteSpec[] {
  const { models, complaints } = deps;
  const linkAuth = deps.linkAuth ?? createLinkAuthenticator({ models, config: deps.config, log: deps.log });
  const common = { tag: 'customer link', permission: 'public' } as const;

  /** The link's complaint, held to the link's customer (the record binds them; this guards against a complaint that says otherwise). */
  async function complaintOf(claims: LinkClaims): Promise<ComplaintState> {
    const state = await complaints.get(claims.subjectId);
    if (state.customer.id !== claims.customerId) throw new HttpProblem(401, 'Unauthorized', 'this link is not valid: it does not match any link we issued', { code: 'LINK_INVALID' });
    return state;
  }

  /** Sends `command` as the link's customer, once per (link, Idempotency-Key), and answers the complaint as it is now. */
  async function act({ claims }: { claims: LinkClaims }, req: Request, command: ComplaintCommand) {
    const key = requiredIdempotencyKey(req);
    // The link record binds this customer to this complaint; the reducer also refuses a customer acting on another's complaint.
    await complaints.act(claims.subjectId, customerActor(claims.customerId), command as never, `link:${claims.linkId}:${key}`);
    // Read again: a replayed update answers the state of its first application, the customer wants today's.
    return { status: 200, body: customerComplaintViewOf(await complaintOf(claims), Date.now()) };
  }

  const authenticateWrite = (req: Request) => linkAuth.authenticate(req, 'complaint');
  const writeResponses = {
    200: { description: 'the complaint after the action (or, for a repeated Idempotency-Key, as it is now)', schema: customerComplaintView },
    ...problemResponses(400, 403, 404, 409, 413, 415, 422, 503),
    ...linkRefusals,
  };

  return [
    defineRoute({
      ...common,
      method: 'get',
      path: '/customer-link',
      summary: "What a customer link is for (a complaint or a survey invitation), in which language to show it, and until when it works",
      query: emptyQuery,
      headers: LINK_HEADER_DOC,
      authenticate: (req) => linkAuth.authenticate(req, 'any'),
      responses: { 200: { description: 'the link', schema: linkInfoView }, ...problemResponses(400, 503), ...linkRefusals },
      handler: async ({ authenticated: { claims } }) => {
        const contact = await getContact(models, claims.customerId);
        return { status: 200, body: { subject: claims.subject, language: contact?.language ?? DEFAULT_LANGUAGE, expiresAt: iso(claims.expiresAt) } };
      },
    }),
    defineRoute({
      ...common,
      method: 'get',
      path: '/customer-link/complaint',
      summary: "The customer's view of their complaint: status, messages, resolution, rating and what they may do now (closed complaints stay readable)",
      query: emptyQuery,
      headers: LINK_HEADER_DOC,
      authenticate: (req) => linkAuth.authenticate(req, 'complaint'),
      responses: { 200: { description: 'the complaint as its customer sees it', schema: customerComplaintView }, ...problemResponses(400, 404, 503), ...linkRefusals },
      handler: async ({ authenticated: { claims } }) => {
        return { status: 200, body: customerComplaintViewOf(await complaintOf(claims), Date.now()) };
      },
    }),
    defineRoute({
      ...common,
      method: 'post',
      path: '/customer-link/reply',
      summary: 'The customer replies (recorded as their message; answers an information request)',
      body: linkReplyBody,
      headers: WRITE_HEADERS,
      authenticate: authenticateWrite,
      responses: writeResponses,
      handler: async ({ body, req, authenticated }) => act(authenticated, req, { type: 'customer_replied', message: body.message }),
    }),
    defineRoute({
      ...common,
      method: 'post',
      path: '/customer-link/confirm',
      summary: 'The customer confirms the resolution (closes the complaint), optionally rating it',
      body: linkConfirmBody,
      headers: WRITE_HEADERS,
      authenticate: authenticateWrite,
      responses: writeResponses,
      handler: async ({ body, req, authenticated }) => act(authenticated, req, { type: 'close', ...feedback(body) }),
    }),
    defineRoute({
      ...common,
      method: 'post',
      path: '/customer-link/reopen',
      summary: 'The customer reopens the resolved complaint, within the reopen window',
      body: linkReopenBody,
      headers: WRITE_HEADERS,
      authenticate: authenticateWrite,
      responses: writeResponses,
      handler: async ({ body, req, authenticated }) => act(authenticated, req, { type: 'reopen', reason: body.reason }),
    }),
    defineRoute({
      ...common,
      method: 'post',
      path: '/customer-link/rate',
      summary: 'The customer rates the resolution (CSAT 1-5, reason codes on a low rating, comment, NPS where asked)',
      body: linkRateBody,
      headers: WRITE_HEADERS,
      authenticate: authenticateWrite,
      responses: writeResponses,
      handler: async ({ body, req, authenticated }) => act(authenticated, req, { type: 'record_csat', rating: body.rating, ...feedback(body) }),
    }),
  ];
}

/** The fields of a rating as the command takes them: absent stays absent, an empty comment is none. */
function feedback(b: { rating?: number; reasons?: string[]; comment?: string; nps?: number }) {
  return {
    ...(b.rating !== undefined ? { rating: b.rating } : {}),
    ...(b.reasons !== undefined && b.reasons.length > 0 ? { reasons: b.reasons } : {}),
    ...(b.comment ? { comment: b.comment } : {}),
    ...(b.nps !== undefined ? { nps: b.nps } : {}),
  };
}

