/**
 * Request and response schemas of improvement triggers (see
 * src/domain/trigger.ts for what the fields mean). Strict objects, bounded
 * strings and numbers, like src/api/schemas.ts; the domain's own rules
 * (`triggerProblems`) run here too, so a rule-breaking trigger is a 400 on its
 * field before anything is read.
 */
import { z } from 'zod';
import { MIN_BASELINE_POINTS } from '../domain/control-chart';
import { CYCLE_TYPES } from '../domain/cycle';
import { DIMENSIONS, KPI_IDS, KPI_PERIODS } from '../domain/kpi';
import { COMPARATORS } from '../domain/service-area';
import { PARETO_DIMENSIONS, TRIGGER_LIMITS, type TriggerDefinition, triggerProblems } from '../domain/trigger';
import { idString, slug, text, distinct, addDomainIssues } from './schemas';

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const { lookbackPeriods, deadlineDays } = TRIGGER_LIMITS;

const condition = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('spc'),
    baselinePeriods: int(MIN_BASELINE_POINTS, lookbackPeriods.max - 1).describe("the control limits come from the window's first baselinePeriods periods"),
  }),
  z.strictObject({
    type: z.literal('threshold'),
    comparator: z.enum(COMPARATORS).optional().describe("with a target: how it is met (default from the KPI's better direction); without: which objective of the area"),
    // Negative for NPS and SERVQUAL gaps; each KPI's own range is checked by `triggerProblems`.
    target: z.number().min(-1e9).max(1e9).optional().describe("default: the area's objective for the KPI (shares are 0..1, NPS -100..100, SERVQUAL gaps -6..6)"),
    periods: int(1, 52).describe('missed in this many completed periods in a row, ending with the latest'),
  }),
  z.strictObject({
    type: z.literal('pareto'),
    by: z.enum(PARETO_DIMENSIONS),
    share: z.number().gt(0).max(1).describe("one key's share of the area's complaints (0..1], in each of the last `periods` periods"),
    periods: int(1, 52),
    minComplaints: int(1, 100_000).default(1).describe('and at least this many complaints of that key in each of them'),
  }),
]);

const action = z.strictObject({
  cycleType: z.enum(CYCLE_TYPES),
  sponsorId: idString.describe('a user who can act on cycles, not the area’s process owner (who owns the cycles opened)'),
  approvers: distinct(z.array(idString).min(1).max(10), 'an approver is listed twice').optional().describe('who signs the gates; default: the sponsor'),
  deadlineDays: int(deadlineDays.min, deadlineDays.max).describe("the proposed goal's deadline, in days from the opening"),
  title: text(200).optional().describe('default: written from the signal'),
});

const triggerFields = {
  name: text(200),
  areaId: slug.describe('the service area whose KPI is watched; its process owner owns the cycles opened'),
  enabled: z.boolean().default(true),
  kpi: z.enum(KPI_IDS),
  filter: z
    .strictObject({ dimension: z.enum(DIMENSIONS), value: text(200) })
    .nullable()
    .default(null)
    .describe('narrows the KPI to one dimension value (not for pareto)'),
  period: z.enum(KPI_PERIODS),
  lookbackPeriods: int(lookbackPeriods.min, lookbackPeriods.max).describe('how many completed periods are read (the current one is partial and never is)'),
  condition,
  action,
};

/** The domain's rules beyond shape, each on its own field path. */
function checkTrigger(def: TriggerDefinition, ctx: z.RefinementCtx) {
  addDomainIssues(ctx, triggerProblems(def));
}

export const createTriggerBody = z.strictObject({ triggerId: slug, ...triggerFields }).superRefine(checkTrigger);
export const updateTriggerBody = z
  .strictObject({ expectedVersion: z.number().int().min(1).describe('the version being replaced (optimistic concurrency)'), ...triggerFields })
  .superRefine(checkTrigger);
export const listTriggersQuery = z.strictObject({ areaId: slug.optional() });
export const triggerVersionQuery = z.strictObject({ version: z.coerce.number().int().min(1).optional() });
/** The dry run takes no options: it evaluates the latest version now. */
export const evaluateTriggerBody = z.strictObject({});

const decision = z.looseObject({ kind: z.enum(['open', 'add_evidence', 'none']), cycleId: z.string().optional(), reason: z.string().optional() });
const lastRun = z.looseObject({ at: z.iso.datetime(), version: z.number(), outcome: z.enum(['signal', 'quiet', 'cannot_evaluate']), reason: z.string().nullable(), action: decision.shape.kind, cycleId: z.string().nullable() });

export const triggerView = z.looseObject({
  triggerId: z.string(),
  version: z.number(),
  name: z.string(),
  areaId: z.string(),
  enabled: z.boolean(),
  kpi: z.string(),
  period: z.enum(KPI_PERIODS),
  createdAt: z.iso.datetime(),
  createdBy: z.string(),
  status: z
    .object({ lastRun: lastRun.nullable(), openCycles: z.array(z.object({ subject: z.string(), cycleId: z.string(), openedAt: z.iso.datetime(), opened: z.number() })) })
    .describe('the last scheduled evaluation and the cycle each subject keeps open'),
});
export const triggerList = z.object({ items: z.array(triggerView) });

export const dryRunView = z.looseObject({
  dryRun: z.literal(true),
  evaluatedAt: z.iso.datetime(),
  triggerId: z.string(),
  version: z.number(),
  outcome: z.enum(['signal', 'quiet', 'cannot_evaluate']),
  reason: z.string().nullable(),
  subject: z.string().nullable(),
  period: z.string().nullable(),
  summary: z.string().nullable(),
  decision: decision.describe('open: the cycle (and the intake it would start with); add_evidence: the open cycle and the item; none: why'),
});
