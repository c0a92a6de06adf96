/**
 * Request and response schemas of the follow-up API (same rules as
 * schemas.ts: strict objects, bounded strings).
 */
import { z } from 'zod';
import { CSAT_REASON_CODES } from '../domain/customer';
import { FOLLOW_UP_STATUSES } from '../services/follow-ups';
import { idString, text } from './schemas';

const isoDate = z.iso.datetime();

/** Follow-up ids are `fu_<complaintId>_<version>`: a complaint id (up to 64 characters) and a version. */
export const followUpIdParams = z.strictObject({ id: z.string().regex(/^fu_[A-Za-z0-9_-]{1,64}_\d{1,9}$/, 'must be fu_<complaintId>_<version>') });

export const listFollowUpsQuery = z.strictObject({
  status: z.enum(FOLLOW_UP_STATUSES).optional(),
  complaintId: idString.optional(),
});

export const completeFollowUpBody = z.strictObject({
  outcome: text(2000).describe('what the callback found or agreed (staff text, kept in the audit trail)'),
});

export const followUpView = z.object({
  followUpId: z.string(),
  kind: z.enum(['callback']),
  complaintId: z.string(),
  customerId: z.string(),
  areaId: z.string().nullable(),
  rating: z.number().int().min(1).max(5),
  reasons: z.array(z.enum(CSAT_REASON_CODES)),
  status: z.enum(FOLLOW_UP_STATUSES),
  createdAt: isoDate,
  completedAt: isoDate.nullable(),
  completedBy: z.string().nullable(),
  outcome: z.string().nullable(),
});

export const followUpList = z.object({ items: z.array(followUpView) });
