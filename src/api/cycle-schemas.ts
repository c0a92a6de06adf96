/**
 * Request and response schemas of the improvement-cycle API (same rules as
 * schemas.ts: strict objects, bounded strings and arrays, ISO 8601 instants
 * converted to epoch ms for the domain).
 */
import { z } from 'zod';
import { DIRECTIONS, METRIC_TYPES } from '../domain/cycle-analysis';
import { CYCLE_STATUSES, CYCLE_TYPES, DMAIC_PHASES, FISHBONE_CATEGORIES, PHASES } from '../domain/cycle';
import { DIMENSIONS, KPI_IDS, KPI_PERIODS } from '../domain/kpi';
import type { NewCycle } from '../services/cycles';
import { idString, slug, text, distinct } from './schemas';
import { availableActionList } from '../contracts/actions';

const instant = z.iso.datetime({ offset: true }).transform((s) => Date.parse(s));
const finite = z.number().refine(Number.isFinite, 'must be a finite number');
/** A set of user (or complaint) ids. */
const users = (max: number, min = 0) => distinct(z.array(idString).min(min).max(max), 'an id is listed twice');
const boolString = z.enum(['true', 'false']).transform((v) => v === 'true');

export const cycleIdParams = z.strictObject({ id: idString });

/** A SMART goal (also the goal of a cycle a quality review's action opens). */
export const goal = z.strictObject({
  metric: text(200),
  unit: text(50),
  direction: z.enum(DIRECTIONS),
  metricType: z.enum(METRIC_TYPES).default('continuous'),
  baseline: finite,
  target: finite,
  deadline: instant,
});

const spcSignal = z.strictObject({
  cycleId: idString,
  measurementSeq: z.number().int().min(1),
  rules: distinct(z.array(z.number().int().min(1).max(4)).min(1).max(4), 'a rule is listed twice'),
  at: instant,
});

const settings = z.strictObject({
  approvers: users(10, 1).optional().describe('who signs every gate (all must approve); default: the sponsor'),
  effectivenessWindowDays: z.number().int().min(1).max(365).default(30),
  actionReminders: z
    .strictObject({
      hoursBeforeDue: z.number().int().min(0).max(24 * 30).default(24),
      escalateToOwnerAfterHours: z.number().int().min(0).max(24 * 90).default(24),
      escalateToSponsorAfterHours: z.number().int().min(0).max(24 * 180).default(72),
    })
    .prefault({}),
  control: z
    .strictObject({
      periodDays: z.number().int().min(1).max(90).default(7),
      sustainPeriods: z.number().int().min(1).max(52).default(4),
      openPdcaOnSignal: z.boolean().default(true),
    })
    .prefault({}),
});

/** A metric bound to a KPI of the live complaint data; the service checks the area and the goal's fit. */
const binding = z
  .strictObject({
    kpi: z.enum(KPI_IDS).describe('the KPI measured each period (GET /analytics/kpis lists them)'),
    area: slug.describe('the service area'),
    dimension: z.enum(DIMENSIONS).optional().describe('narrow the KPI to one value of a dimension (with `value`)'),
    value: text(200).optional().describe('the dimension value, e.g. a category or a cause code'),
    period: z.enum(KPI_PERIODS).describe("measured at the end of each period, in the area's time zone"),
  })
  .superRefine((b, ctx) => {
    if (b.dimension !== undefined && b.value === undefined) ctx.addIssue({ code: 'custom', path: ['value'], message: 'a dimension needs a value' });
    if (b.value !== undefined && b.dimension === undefined) ctx.addIssue({ code: 'custom', path: ['dimension'], message: 'a value needs a dimension' });
  });

export const createCycleBody = z.strictObject({
  type: z.enum(CYCLE_TYPES),
  title: text(200),
  problemStatement: text(5000),
  area: text(200).describe('the process or service area'),
  ownerId: idString.optional().describe('the process owner running the cycle; default: the caller'),
  sponsorId: idString,
  team: users(50).default([]),
  goal,
  evidence: z
    .strictObject({
      complaintIds: users(100).default([]),
      complaintCategory: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be a lowercase slug').nullable().default(null),
      spcSignal: spcSignal.nullable().default(null),
    })
    .prefault({}),
  settings: settings.prefault({}),
  binding: binding.optional().describe('bind the metric to live data: measured automatically each period; manual measurements are then refused'),
}) satisfies z.ZodType<NewCycle>;
export type CreateCycleBody = z.output<typeof createCycleBody>;
// `satisfies` checks each field's type against the service's NewCycle; this checks the names both ways,
// so a field parsed here but unknown to the service does not compile.
const _sameFieldNames: [keyof CreateCycleBody, keyof NewCycle] extends [keyof NewCycle, keyof CreateCycleBody] ? true : never = true;

export const listCyclesQuery = z.strictObject({
  type: z.enum(CYCLE_TYPES).optional(),
  phase: z.enum(PHASES as [string, ...string[]]).optional(),
  status: z.enum(CYCLE_STATUSES).optional(),
  owner: idString.optional(),
  sponsor: idString.optional(),
  overdue: boolString.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, 'malformed cursor').optional(),
});

export const reportQuery = z.strictObject({ format: z.enum(['json', 'markdown']).default('json') });

export const cycleComplaintsQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(20).describe('at most this many ids in each list') });

const values = z.array(finite).min(2).max(5000);
const dataInput = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('discrete'), defects: z.number().int().min(0), units: z.number().int().min(1), opportunitiesPerUnit: z.number().int().min(1) }),
  z.strictObject({ kind: z.literal('continuous'), values, lsl: finite.optional(), usl: finite.optional() }),
]);
const rating = z.number().int().min(1).max(10);

/** Body of `POST /cycles/:id/<action>`, one per cycle action. */
export const cycleActionBodies = {
  record_measurements: z.strictObject({
    measurements: z
      .array(z.strictObject({ value: finite, at: instant.optional(), sampleSize: z.number().int().min(1).optional(), note: text(1000).optional() }))
      .min(1)
      .max(500),
  }),
  add_action: z.strictObject({ title: text(500), assigneeId: idString, dueAt: instant }),
  complete_action: z.strictObject({ actionId: idString, note: text(2000).optional() }),
  submit_gate: z.strictObject({ comment: text(2000).optional() }),
  sign_gate: z.strictObject({ decision: z.enum(['approve', 'reject']), comment: text(2000), reasons: z.array(text(1000)).max(20).optional() }),
  abandon: z.strictObject({ reason: text(2000) }),
  add_five_whys: z.strictObject({ problem: text(1000), whys: z.array(text(1000)).min(1).max(10), rootCause: text(1000) }),
  add_fishbone_cause: z.strictObject({ category: z.enum(FISHBONE_CATEGORIES), cause: text(1000) }),
  add_countermeasure: z.strictObject({ description: text(2000), rootCause: text(1000).optional() }),
  run_check: z.strictObject({}),
  review_check: z.strictObject({ comment: text(2000) }),
  standardize: z.strictObject({ standard: text(5000), trainees: users(200) }),
  iterate: z.strictObject({ learnings: text(5000), deadline: instant.optional() }),
  update_charter: z.strictObject({
    charter: z.strictObject({
      problem: text(5000),
      businessCase: text(5000),
      scopeIn: z.array(text(500)).max(50),
      scopeOut: z.array(text(500)).max(50),
      ctqs: z.array(z.strictObject({ name: text(200), measure: text(500), specification: text(500) })).max(50),
      sipoc: z.array(z.strictObject({ supplier: text(200), input: text(200), process: text(200), output: text(200), customer: text(200) })).max(50),
      milestones: z.array(z.strictObject({ phase: z.enum(DMAIC_PHASES), due: instant })).max(20),
    }),
  }),
  set_data_collection_plan: z.strictObject({
    items: z
      .array(z.strictObject({ metric: text(200), operationalDefinition: text(2000), source: text(500), sampleSize: z.number().int().min(1), frequency: text(200) }))
      .min(1)
      .max(50),
  }),
  set_baseline: z.strictObject({ data: dataInput.optional().describe('omit on a bound metric: the baseline is its measurements so far (typed data is then refused)') }),
  set_defect_categories: z.strictObject({ categories: z.array(z.strictObject({ category: text(200), count: z.number().int().min(0) })).min(1).max(100) }),
  add_root_cause: z.strictObject({ cause: text(1000) }),
  verify_root_cause: z.strictObject({ rootCauseId: idString, evidence: text(5000) }),
  add_solution: z.strictObject({ description: text(2000), rootCauseIds: users(50).optional() }),
  add_fmea_row: z.strictObject({
    failureMode: text(500),
    effect: text(500),
    cause: text(500),
    severity: rating,
    occurrence: rating,
    detection: rating,
    recommendedAction: text(1000).optional(),
  }),
  set_pilot_data: z.strictObject({ data: dataInput.optional().describe('omit on a bound metric: the pilot is its measurements in Improve (typed data is then refused)') }),
  set_control_plan: z.strictObject({
    metric: text(200),
    improvedData: values.optional().describe('the limits\' basis; may be omitted on a bound metric: its values measured since Improve began'),
    reactionPlan: text(5000),
    processOwnerId: idString,
  }),
} as const;

// ------------------------------------------------------------------ views

const isoDate = z.iso.datetime();

export const cycleView = z.looseObject({
  id: z.string(),
  version: z.number(),
  type: z.enum(CYCLE_TYPES),
  iteration: z.number(),
  status: z.enum(CYCLE_STATUSES),
  phase: z.enum(PHASES as [string, ...string[]]),
  title: z.string(),
  ownerId: z.string(),
  sponsorId: z.string(),
  overdue: z.boolean().describe('the goal deadline passed while the cycle is still in its phases'),
  createdAt: isoDate,
  updatedAt: isoDate,
  gate: z.looseObject({
    phase: z.string(),
    status: z.enum(['open', 'pending', 'rejected']),
    missing: z.array(z.string()).optional().describe('artefacts the gate still needs (not in list items)'),
    needsApproval: z.boolean(),
    pendingApprovers: z.array(z.string()),
  }),
  artefacts: z.record(z.string(), z.unknown()),
  actions: z.array(z.record(z.string(), z.unknown())).describe("the cycle's action items (title, assignee, due date); what the caller may do now is `availableActions` (GET /cycles/:id)"),
  measurements: z.array(z.record(z.string(), z.unknown())),
  signatures: z.array(z.record(z.string(), z.unknown())),
  measurementCount: z.number(),
  statistics: z.record(z.string(), z.unknown()),
  binding: z
    .object({ kpi: z.string(), areaId: z.string(), filter: z.object({ dimension: z.string(), value: z.string() }).nullable(), period: z.enum(KPI_PERIODS), timeZone: z.string() })
    .nullable()
    .optional()
    .describe('the KPI the metric is bound to (measured each period from the data; manual measurements refused); null: measured by hand'),
  origin: z
    .object({ triggerId: z.string(), version: z.number(), subject: z.string() })
    .nullable()
    .optional()
    .describe('the improvement trigger (and its version) that opened the cycle'),
  measuredThrough: z.string().nullable().optional().describe('bound metrics: the last KPI period measured, with data or without'),
  evidence: z
    .looseObject({
      complaintIds: z.array(z.string()),
      items: z
        .array(z.looseObject({ key: z.string(), at: isoDate, kind: z.string(), summary: z.string(), complaintIds: z.array(z.string()) }))
        .optional()
        .describe('evidence from the data (a trigger\'s signal as it was: its chart points or Pareto table and a sample of complaints), newest last'),
    })
    .optional(),
});

/**
 * One cycle for one caller: `GET /cycles/:id` and the replies of its actions.
 * The caller's actions are `availableActions` (`actions` are the cycle's action items).
 */
export const cycleDetail = cycleView.extend({ availableActions: availableActionList });

/** List items carry no `availableActions`: judging every row would run the reducer per row. */
export const cycleList = z.object({ items: z.array(cycleView.omit({ measurements: true, statistics: true })), nextCursor: z.string().nullable() });

export const cycleComplaints = z.object({
  cycleId: z.string(),
  evidence: z.array(z.string()).describe('the complaint ids the cycle was opened with, then the samples of its evidence items'),
  live: z
    .object({
      areaId: z.string(),
      filter: z.object({ dimension: z.string(), value: z.string() }).nullable(),
      from: z.string().describe("first day counted (the day the cycle opened, in the area's time zone)"),
      to: z.string().describe('last day counted (today, or the day the cycle closed)'),
      count: z.number().describe('complaints in the bound scope over those days (cancelled ones not counted)'),
      sample: z.array(z.string()).describe('the newest of them'),
    })
    .nullable()
    .describe('bound metrics only: the complaints in its scope over the cycle\'s life so far'),
});
