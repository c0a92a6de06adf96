/**
 * Request and response schemas: the single source for validation, handler
 * types and the OpenAPI document. Objects are strict (unknown fields are
 * rejected) and strings are bounded, so no operator or oversize value reaches
 * a query.
 */
import { z } from 'zod';
import { ALWAYS_OPEN, WEEKDAYS, calendarProblems } from '../domain/calendar';
import { MAX_RESOLUTION_TAGS, MAX_TAG_LENGTH, STATUSES } from '../domain/complaint';
import { CHANNELS, ESCALATION_ACTIONS, SEVERITIES, policyProblems } from '../domain/sla-policy';
import { ROLES } from '../domain/actors';
import { CSAT_REASON_CODES, LANGUAGES } from '../domain/customer';
import { availableActionList } from '../contracts/actions';

/**
 * Free text: at most `max` characters as sent, not blank, trimmed. The blank
 * rule is the pattern `\S` (some non-whitespace character: exactly what is
 * left after String.prototype.trim, which removes what `\s` matches), so the
 * OpenAPI document states what the server checks; the length is checked
 * before trimming for the same reason (maxLength counts what is sent).
 */
export const text = (max: number) => z.string().max(max).regex(/\S/, 'must not be blank').trim();
/** Optional free text where an empty or blank value means none (same length rule as `text`). */
export const optionalText = (max: number) => z.string().max(max).trim();

/**
 * An array whose items must not repeat (ids, codes, tags: a set), rejected
 * with `message` and declared `uniqueItems` in the document. Every set-valued
 * field goes through here, so the check and the declaration cannot part.
 */
export function distinct<T extends z.ZodArray>(array: T, message = 'items must not repeat') {
  // Items are primitives (ids, codes, numbers), so Set equality is JSON Schema's equality.
  return array.refine((items) => new Set(items).size === items.length, message).meta({ uniqueItems: true });
}

/**
 * Reports a domain rule's problems (src/domain `...Problems`) as issues, except
 * for a field the schema already reported: a repeat `distinct` caught is not
 * reported again by the rule that also forbids it. A problem without a path
 * names its field first (`warningThresholds must be distinct`).
 */
export function addDomainIssues(ctx: z.RefinementCtx, problems: readonly (string | { path: string; message: string })[]): void {
  const reported = ctx.issues.map((i) => (i.path ?? []).join('.'));
  for (const p of problems) {
    const { path, message } = typeof p === 'string' ? { path: '', message: p } : p;
    if (path ? reported.includes(path) : reported.some((r) => r && message.startsWith(`${r} `))) continue;
    ctx.addIssue({ code: 'custom', message, path: path ? path.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k)) : [] });
  }
}
export const idString = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -');
export const slug = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be a lowercase slug (a-z, 0-9, _ or -)');
const boolString = z.enum(['true', 'false']).transform((v) => v === 'true');

export const severity = z.enum(SEVERITIES);
export const channel = z.enum(CHANNELS);
export const status = z.enum(STATUSES);

// ------------------------------------------------------------- complaints

export const complaintIdParams = z.strictObject({ id: idString });

export const createComplaintBody = z.strictObject({
  customer: z.strictObject({
    id: idString,
    name: text(200).optional(),
    email: z.email().max(254).optional(),
    language: z.enum(LANGUAGES).optional().describe('the language of messages and pages for this customer (kept with their contact, not in the complaint)'),
  }),
  channel,
  category: slug,
  severity,
  description: text(5000),
});

export const listComplaintsQuery = z.strictObject({
  status: status.optional(),
  active: boolString.optional().describe('true: the work in hand (not closed or cancelled); false: finished complaints'),
  owner: idString.optional(),
  queue: slug.optional().describe('the complaint queue (`general` when none was set)'),
  severity: severity.optional(),
  category: slug.optional(),
  breached: boolString.optional(),
  atRisk: boolString.optional(),
  // Up to 500: a queue screen of 1,000 open complaints loads in two requests.
  limit: z.coerce.number().int().min(1).max(500).default(20),
  cursor: z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, 'malformed cursor').optional(),
});

const rating = z.number().int().min(1).max(5);
/** Why a customer rated low (required for a rating of 2 or less and only then: the domain checks, answering 422 with the field). */
const csatReasons = distinct(z.array(z.enum(CSAT_REASON_CODES)).max(CSAT_REASON_CODES.length), 'reason codes must be distinct').describe('reason codes, required with a rating of 2 or less and refused otherwise (422)');
const npsScore = z.number().int().min(0).max(10).describe("NPS 0-10, accepted only when the complaint's SLA policy asks for it (askNps; else 422)");

/** Body of `POST /complaints/:id/<action>`, one per agent action. */
export const actionBodies = {
  acknowledge: z.strictObject({}),
  add_note: z.strictObject({ text: text(5000), visibility: z.enum(['internal', 'public']).default('internal') }),
  request_info: z.strictObject({ message: text(5000) }),
  customer_replied: z.strictObject({ message: text(5000) }),
  transfer: z.strictObject({ toAgentId: idString, reason: text(1000) }),
  change_severity: z.strictObject({ severity, reason: text(1000) }),
  resolve: z.strictObject({
    summary: text(5000),
    cause: slug.optional().describe("a code from the cause catalog of the complaint's service area: required when it has one, refused when it has none (422)"),
    tags: distinct(z.array(text(MAX_TAG_LENGTH)).max(MAX_RESOLUTION_TAGS), 'tags must be distinct')
      .optional()
      .describe('free labels'),
  }),
  reopen: z.strictObject({ reason: text(1000) }),
  close: z.strictObject({ rating: rating.optional(), comment: text(2000).optional(), reasons: csatReasons.optional(), nps: npsScore.optional() }),
  cancel: z.strictObject({ reason: z.enum(['duplicate', 'withdrawn']), note: text(1000).optional(), duplicateOf: idString.optional() }),
  record_csat: z.strictObject({ rating, comment: text(2000).optional(), reasons: csatReasons.optional(), nps: npsScore.optional() }),
} as const;

const isoDate = z.iso.datetime();
const clockView = z.object({
  kind: z.enum(['first_response', 'next_response', 'resolution']),
  cycle: z.number(),
  state: z.enum(['running', 'paused', 'stopped']),
  targetBusinessMinutes: z.number(),
  elapsedBusinessMinutes: z.number(),
  remainingBusinessMinutes: z.number(),
  dueAt: isoDate.nullable(),
  breached: z.boolean(),
  breachedAt: isoDate.nullable(),
  warnedThresholds: z.array(z.number()),
  counting: z.boolean().describe("business time accrues right now: the clock runs and the policy calendar is inside its working hours (a countdown ticks only then)"),
  escalationsDone: z.number(),
});

export const complaintView = z.object({
  id: z.string(),
  version: z.number().describe('state version; 0 while the workflow is still registering the complaint'),
  status,
  severity,
  category: z.string(),
  channel,
  customer: z.object({ id: z.string(), name: z.string().optional(), email: z.string().optional() }),
  description: z.string(),
  createdAt: isoDate,
  updatedAt: isoDate,
  createdBy: z.object({ id: z.string(), role: z.string() }),
  firstResponderId: z.string().nullable(),
  ownerId: z.string().nullable(),
  queue: z.string().nullable(),
  acknowledgedAt: isoDate.nullable(),
  resolvedAt: isoDate.nullable(),
  closedAt: isoDate.nullable(),
  reopenCount: z.number(),
  transferCount: z.number().describe('transfers and escalation reassignments'),
  serviceArea: z
    .object({ areaId: z.string(), version: z.number(), name: z.string(), timeZone: z.string(), causes: z.array(z.string()) })
    .nullable()
    .describe('the service area matched at intake, kept as it was then (null: none matched)'),
  resolution: z.object({ summary: z.string(), by: z.string(), cause: z.string().nullable(), tags: z.array(z.string()) }).nullable(),
  improvementCycles: z
    .array(z.object({ cycleId: z.string(), title: z.string(), phase: z.string(), status: z.string() }))
    .optional()
    .describe('GET /complaints/:id only: open improvement cycles bound to its service area, with no filter or one it matches ("we are fixing this")'),
  notes: z.array(z.object({ seq: z.number(), authorId: z.string(), text: z.string(), visibility: z.string(), at: isoDate })),
  csat: z
    .object({
      rating: z.number(),
      comment: z.string().optional(),
      /** Reason codes of a low rating. */
      reasons: z.array(z.string()),
      /** NPS 0-10 where the policy asks for it. */
      nps: z.number().nullable(),
      /** The customer id when they rated through their link, else the agent who typed it in. */
      recordedBy: z.string(),
      at: isoDate,
    })
    .nullable(),
  sla: z
    .object({
      policy: z.object({ policyId: z.string(), version: z.number(), name: z.string(), calendarId: z.string(), calendarVersion: z.number() }),
      warningThresholds: z.array(z.number()).describe("the policy's warning thresholds, percent of each clock's target, ascending"),
      paused: z.boolean(),
      breached: z.boolean(),
      atRisk: z.boolean(),
      escalationLevel: z.number(),
      nextDueAt: isoDate.nullable(),
      clocks: z.array(clockView),
    })
    .nullable(),
});

/** One complaint for one caller: `GET /complaints/:id` and the replies of its actions. */
export const complaintDetail = complaintView.extend({
  availableActions: availableActionList,
  customerContact: z
    .object({ name: z.string().nullable(), email: z.string().nullable(), language: z.enum(LANGUAGES), erased: z.boolean() })
    .nullable()
    .optional()
    .describe("GET /complaints/:id only: the customer's contact (null: none given; name and email null once erased)"),
});

/** List items carry no `availableActions`: judging every row would run the reducer per row (open a complaint for its actions). */
export const complaintList = z.object({ items: z.array(complaintView), nextCursor: z.string().nullable() });

// ---------------------------------------------------- calendars & policies

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be HH:MM (24h) or 24:00');
const calendarFields = {
  name: text(200),
  timeZone: z.string().min(1).max(64),
  weeklyHours: z.strictObject(Object.fromEntries(WEEKDAYS.map((d) => [d, z.array(z.strictObject({ start: hhmm, end: hhmm })).max(12)])) as Record<(typeof WEEKDAYS)[number], z.ZodArray<z.ZodObject<{ start: typeof hhmm; end: typeof hhmm }>>>),
  holidays: distinct(z.array(z.iso.date()).max(1000), 'a holiday is listed twice').default([]),
};

function checkCalendar(cal: { name: string; timeZone: string; weeklyHours: Record<string, { start: string; end: string }[]>; holidays: string[] }, ctx: z.RefinementCtx) {
  for (const problem of calendarProblems({ ...ALWAYS_OPEN, ...cal, id: 'x', version: 1 } as typeof ALWAYS_OPEN)) {
    ctx.addIssue({ code: 'custom', message: problem, path: [] });
  }
}

export const createCalendarBody = z.strictObject({ calendarId: slug, ...calendarFields }).superRefine(checkCalendar);
export const updateCalendarBody = z
  .strictObject({ expectedVersion: z.number().int().min(1).describe('the version being replaced (optimistic concurrency)'), ...calendarFields })
  .superRefine(checkCalendar);

const minutes = z.number().int().min(1).max(366 * 24 * 60);
const policyFields = {
  name: text(200),
  match: z.strictObject({
    severities: distinct(z.array(severity).min(1), 'a severity is listed twice'),
    categories: distinct(z.array(slug).max(100), 'a category is listed twice').optional(),
    channels: distinct(z.array(channel), 'a channel is listed twice').optional(),
  }),
  targets: z.strictObject({ firstResponseMinutes: minutes, nextResponseMinutes: minutes, resolutionMinutes: minutes }),
  calendarId: slug,
  pauseOnAwaitingCustomer: z.boolean().default(true),
  warningThresholds: distinct(z.array(z.number().int().min(1).max(99)).max(10), 'warningThresholds must be distinct').default([50, 75, 90]),
  escalation: z
    .array(
      z.strictObject({
        afterBreachMinutes: z.number().int().min(0).max(366 * 24 * 60),
        action: z.enum(ESCALATION_ACTIONS),
        role: z.enum(ROLES).optional(),
        queue: slug.optional(),
      }),
    )
    .max(10)
    .default([]),
  reopenWindowMinutes: z.number().int().min(0).max(366 * 24 * 60).default(7 * 24 * 60),
  confirmationWindowMinutes: minutes.default(3 * 24 * 60),
  askNps: z.boolean().default(false).describe('ask the customer for an NPS score (0-10) with their rating; a score is refused on complaints whose policy does not ask'),
};

function checkPolicy(p: Parameters<typeof policyProblems>[0], ctx: z.RefinementCtx) {
  addDomainIssues(ctx, policyProblems(p));
}

export const createPolicyBody = z.strictObject({ policyId: slug, ...policyFields }).superRefine(checkPolicy);
export const updatePolicyBody = z.strictObject({ expectedVersion: z.number().int().min(1), ...policyFields }).superRefine(checkPolicy);
export const versionedIdParams = z.strictObject({ id: slug });
export const versionQuery = z.strictObject({ version: z.coerce.number().int().min(1).optional() });
export const emptyQuery = z.strictObject({});
