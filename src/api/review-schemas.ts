/**
 * Request and response schemas of the quality-review API (same rules as
 * schemas.ts: strict objects, bounded strings and arrays, ISO 8601 instants
 * converted to epoch ms for the domain).
 */
import { z } from 'zod';
import { CYCLE_TYPES } from '../domain/cycle';
import { REVIEW_STATUSES, type ReviewCommand } from '../domain/review';
import { goal } from './cycle-schemas';
import { idString, slug, text } from './schemas';

const instant = z.iso.datetime({ offset: true }).transform((s) => Date.parse(s));

/** Review ids are `<areaId>-<period>`: an area id (a slug of up to 64 characters) and the period key. */
export const reviewId = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'must be 1-100 letters, digits, _ or -');
export const reviewIdParams = z.strictObject({ id: reviewId });

export const listReviewsQuery = z.strictObject({
  area: slug.optional().describe('a service area id'),
  status: z.enum(REVIEW_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().regex(/^[A-Za-z0-9_-]{1,300}$/, 'malformed cursor').optional(),
});

export const createReviewBody = z.strictObject({
  areaId: slug,
  period: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2]|W(0[1-9]|[1-4]\d|5[0-3])|Q[1-4])$/, 'must be a month (2026-03), an ISO week (2026-W14) or a quarter (2026-Q1)')
    .describe("an ended period of the area's review frequency"),
});

export const decisionBody = z.strictObject({ text: text(5000) }) satisfies z.ZodType<Omit<Extract<ReviewCommand, { type: 'record_decision' }>, 'type'>>;

export const actionBody = z.strictObject({
  title: text(500),
  assigneeId: idString,
  dueAt: instant,
  openCycle: z
    .strictObject({
      type: z.enum(CYCLE_TYPES),
      title: text(200),
      problemStatement: text(5000),
      sponsorId: idString.describe("the cycle's sponsor and gate approver; its owner is the area's process owner"),
      goal,
    })
    .optional()
    .describe("opens an improvement cycle for the action, owned by the area's process owner, with the review as evidence"),
}) satisfies z.ZodType<Omit<Extract<ReviewCommand, { type: 'add_action' }>, 'type'>>;

export const signatureBody = z
  .strictObject({
    decision: z.enum(['approve', 'reject']),
    comment: text(2000),
    reasons: z.array(text(1000)).max(20).optional().describe('why it is rejected (required with reject)'),
  })
  .superRefine((b, ctx) => {
    if (b.decision === 'reject' && (b.reasons ?? []).length === 0) ctx.addIssue({ code: 'custom', path: ['reasons'], message: 'a rejection needs at least one reason' });
  });

// ------------------------------------------------------------------ views

const isoDate = z.iso.datetime();

export const reviewView = z.looseObject({
  id: z.string(),
  version: z.number(),
  areaId: z.string(),
  periodKey: z.string(),
  status: z.enum(REVIEW_STATUSES),
  processOwnerId: z.string(),
  reviewerIds: z.array(z.string()),
  pendingSigners: z.array(z.string()).describe('who still has to approve (the process owner first, who submits)'),
  createdAt: isoDate,
  updatedAt: isoDate,
  snapshot: z.record(z.string(), z.unknown()).describe('KPIs against objectives, signals, cycles and top causes as the data stood at creation'),
  decisions: z.array(z.record(z.string(), z.unknown())),
  actions: z.array(z.record(z.string(), z.unknown())),
  signatures: z.array(z.record(z.string(), z.unknown())),
});

export const reviewList = z.object({ items: z.array(reviewView), nextCursor: z.string().nullable() });
