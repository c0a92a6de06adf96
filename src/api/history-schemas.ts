/**
 * Schemas of the history and SLA-timeline endpoints (request validation and
 * the OpenAPI document). Responses are described, not validated.
 */
import { z } from 'zod';
import { CLOCK_KINDS } from '../domain/sla-clock';
import { CLOCK_OUTCOMES, TIMELINE_ENTRY_KINDS } from '../domain/sla-timeline';
import { HISTORY_LIMIT } from '../services/history';

const isoDate = z.iso.datetime();

export const historyQuery = z.strictObject({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(HISTORY_LIMIT.max)
    .default(HISTORY_LIMIT.default)
    .describe('timeline items per page (audit and engine events together)'),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,200}$/, 'malformed cursor')
    .optional()
    .describe('page.nextCursor of the previous page'),
});

const auditItem = z.object({
  source: z.literal('audit'),
  at: isoDate,
  seq: z.number(),
  action: z.string(),
  actor: z.object({ id: z.string(), role: z.string() }),
  details: z.record(z.string(), z.unknown()),
  before: z.unknown(),
  after: z.unknown(),
  prevHash: z.string().nullable(),
  hash: z.string().nullable(),
});

const engineItem = z.object({
  source: z.literal('engine'),
  at: isoDate,
  runId: z.string(),
  eventId: z.number(),
  eventType: z.string().describe('Temporal event type, e.g. WorkflowExecutionStarted, WorkflowExecutionUpdateAccepted, ActivityTaskScheduled'),
  data: z.record(z.string(), z.unknown()).describe('the event attributes; JSON payloads decoded, others as { encoding, undecoded: true }; durations as <name>Ms'),
});

export const historyView = z.object({
  entity: z.object({ type: z.enum(['complaint', 'cycle']), id: z.string() }),
  workflowId: z.string(),
  runs: z
    .array(z.object({ runId: z.string(), status: z.string(), startTime: isoDate, closeTime: isoDate.nullable(), eventCount: z.number() }))
    .describe('every retained run of the workflow id, oldest first (continue-as-new chain)'),
  engine: z.object({
    available: z.boolean().describe('false when Temporal no longer retains the workflow: the audit trail alone is returned'),
    reason: z.string().nullable(),
  }),
  timeline: z.array(z.discriminatedUnion('source', [auditItem, engineItem])).describe('ordered by time; at the same millisecond audit events come first'),
  page: z.object({ limit: z.number(), nextCursor: z.string().nullable() }),
});

const ref = z.object({ id: z.string(), version: z.number() });
const policyRef = ref.extend({ name: z.string() });

const clockEntry = z.object({
  at: isoDate,
  kind: z.enum(TIMELINE_ENTRY_KINDS),
  seq: z.number().describe('the audit event that recorded it'),
  action: z.string(),
  reason: z.string(),
  targetMinutes: z.number(),
  elapsedBusinessMinutes: z.number(),
  threshold: z.number().optional(),
  dueAt: isoDate.nullable().optional(),
  fromTargetMinutes: z.number().optional(),
  severity: z.object({ from: z.string(), to: z.string() }).optional(),
  step: z.number().optional(),
  escalationAction: z.string().optional(),
  policy: policyRef,
  calendar: ref,
});

const clockSummary = z.object({
  state: z.enum(['running', 'paused', 'stopped']),
  outcome: z.enum(CLOCK_OUTCOMES),
  targetMinutes: z.number(),
  businessMinutesUsed: z.number(),
  remainingBusinessMinutes: z.number(),
  startedAt: isoDate,
  stoppedAt: isoDate.nullable(),
  breachedAt: isoDate.nullable(),
  dueAt: isoDate.nullable(),
  pauses: z.object({ count: z.number(), wallMinutes: z.number(), businessMinutes: z.number() }),
  escalationsDone: z.number(),
  policy: policyRef,
  calendar: ref,
  why: z.string().nullable().describe('one line explaining a breach'),
});

export const slaTimelineView = z.object({
  complaintId: z.string(),
  asOf: isoDate,
  sla: z.boolean().describe('false when no SLA policy applied to the complaint'),
  policySource: z.string().describe('where the frozen policy snapshots came from'),
  verified: z.boolean().nullable().describe("whether the clocks replayed from the audit trail equal the workflow's own (null: not comparable)"),
  notes: z.array(z.string()),
  clocks: z.array(z.object({ clock: z.enum(CLOCK_KINDS), cycle: z.number(), entries: z.array(clockEntry), summary: clockSummary })),
});
