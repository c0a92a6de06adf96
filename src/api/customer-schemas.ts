/**
 * Schemas of the customer link API (public, token in `X-Customer-Link`) and of
 * the staff endpoints around customers: links handed over by an agent, a
 * customer's contact, its erasure. Strict objects, bounded strings.
 */
import { z } from 'zod';
import { STATUSES } from '../domain/complaint';
import { CSAT_REASON_CODES, LANGUAGES, LOW_CSAT_MAX } from '../domain/customer';
import { LINK_SUBJECTS } from '../domain/customer-link';
import { idString, text, optionalText, distinct } from './schemas';

const isoDate = z.iso.datetime();

export const customerIdParams = z.strictObject({ id: idString });
/** The body of a staff action that takes none: `{}` or no body at all. */
export const noFieldsBody = z.strictObject({});

// ------------------------------------------------------------- customer link API

const rating = z.number().int().min(1).max(5).describe('1 (very dissatisfied) to 5 (very satisfied)');
// Length as a refinement: zod 4.6 also runs `.max()` on a non-array value, reporting the field twice.
const reasons = distinct(
  z.array(z.enum(CSAT_REASON_CODES)).refine((r) => r.length <= CSAT_REASON_CODES.length, `at most ${CSAT_REASON_CODES.length} reason codes`),
  'reason codes must be distinct',
).describe(`why the rating is low: required for a rating of ${LOW_CSAT_MAX} or less, refused above (422)`);
const comment = optionalText(2000).describe('free text; empty = none');
const nps = z.number().int().min(0).max(10).describe("how likely to recommend us, 0-10: only where the complaint's policy asks (askNps), else 422");

/** Reasons, comment and NPS go with a rating. */
function feedbackNeedsRating(b: { rating?: number; reasons?: unknown; comment?: string; nps?: number }, ctx: z.RefinementCtx): void {
  if (b.rating !== undefined) return;
  for (const field of ['reasons', 'comment', 'nps'] as const) {
    if (b[field] !== undefined && b[field] !== '') ctx.addIssue({ code: 'custom', path: [field], message: `${field} goes with a rating: give one` });
  }
}

export const linkReplyBody = z.strictObject({ message: text(5000) });
export const linkConfirmBody = z.strictObject({ rating: rating.optional(), reasons: reasons.optional(), comment: comment.optional(), nps: nps.optional() }).superRefine(feedbackNeedsRating);
export const linkReopenBody = z.strictObject({ reason: text(2000) });
export const linkRateBody = z.strictObject({ rating, reasons: reasons.optional(), comment: comment.optional(), nps: nps.optional() });

export const linkInfoView = z.object({
  subject: z.enum(LINK_SUBJECTS),
  language: z.enum(LANGUAGES).describe("the customer's language (their contact's), else en"),
  expiresAt: isoDate,
});

export const CUSTOMER_ACTIONS = ['reply', 'confirm', 'reopen', 'rate'] as const;
export type CustomerAction = (typeof CUSTOMER_ACTIONS)[number];

/** What the customer sees of their complaint: no internal notes, agent ids or SLA internals. */
export const customerComplaintView = z.object({
  complaintId: z.string(),
  status: z.enum(STATUSES),
  category: z.string(),
  createdAt: isoDate,
  updatedAt: isoDate,
  description: z.string(),
  messages: z
    .array(z.object({ seq: z.number().describe('1, 2, ... in the order written'), from: z.enum(['customer', 'agent']), text: z.string(), at: isoDate }))
    .describe("the agents' replies to the customer and the customer's own messages, oldest first"),
  resolution: z.object({ summary: z.string(), at: isoDate }).nullable(),
  confirmBy: isoDate.nullable().describe('resolved: when the complaint closes itself unless confirmed or reopened'),
  reopenBy: isoDate.nullable().describe('resolved: until when the customer may reopen it'),
  csat: z.object({ rating: z.number(), reasons: z.array(z.string()), comment: z.string().nullable(), nps: z.number().nullable(), at: isoDate }).nullable(),
  askNps: z.boolean(),
  reasonCodes: z.array(z.string()),
  lowRatingMax: z.literal(LOW_CSAT_MAX),
  actions: z.array(z.enum(CUSTOMER_ACTIONS)).describe('what the customer may do now'),
});

// ------------------------------------------------------------- staff

export const issuedLinkView = z.object({
  customerId: z.string(),
  linkId: z.string(),
  url: z.string().describe('the customer page with the token in the fragment (never sent to a server in a request line)'),
  expiresAt: isoDate,
});

export const revokedLinkView = z.object({ linkId: z.string(), revokedAt: isoDate });

export const contactView = z.object({
  customerId: z.string(),
  email: z.string().nullable(),
  name: z.string().nullable(),
  language: z.enum(LANGUAGES),
  erasedAt: isoDate.nullable(),
});

export const erasureView = z.object({
  customerId: z.string(),
  erasedAt: isoDate.describe('when the contact was first erased (a repeat answers the same)'),
  cancelledMessages: z.number().describe('pending email messages to the customer cancelled by this request'),
});
