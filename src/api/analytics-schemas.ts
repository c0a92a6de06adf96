/**
 * Query and response schemas of the analytics API (same rules as schemas.ts:
 * strict objects, bounded strings). Days are calendar days YYYY-MM-DD in each
 * area's time zone; ranges are inclusive and capped (MAX_RANGE_DAYS days,
 * MAX_PERIODS points).
 */
import { z } from 'zod';
import { DIMENSIONS, type Dimension, KPI_IDS, KPI_PERIODS, isDay } from '../domain/kpi';
import { CHANNELS, SEVERITIES } from '../domain/sla-policy';
import { PARETO_DIMENSIONS } from '../db/kpi-rollups';
import { MAX_PERIODS, MAX_RANGE_DAYS, rangeProblems } from '../services/analytics';
import { idString, slug, distinct } from './schemas';

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day YYYY-MM-DD')
  .refine(isDay, 'must be a calendar day YYYY-MM-DD');

const area = z
  .string()
  .regex(/^(-|[a-z0-9][a-z0-9_-]{0,63})$/, 'must be a service area id (a lowercase slug), or - for complaints without an area')
  .describe('a service area id (`-`: complaints that matched no area); omitted: all areas');

/** What a dimension's values look like (the fields they come from are validated the same way at intake). */
const VALUE_FORMAT: Record<Dimension, z.ZodType> = {
  category: slug,
  queue: slug,
  cause: slug,
  agent: idString,
  severity: z.enum(SEVERITIES),
  channel: z.enum(CHANNELS),
  policy: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}@[1-9]\d{0,8}$/, 'must be policyId@version'),
};

const seriesFields = {
  area: area.optional(),
  dimension: z.enum(DIMENSIONS).optional().describe('narrow to one value of a dimension (with `value`)'),
  value: z
    .string()
    .regex(/^[A-Za-z0-9_@-]{1,100}$/, 'must be 1-100 letters, digits, _, @ or -')
    .optional()
    .describe('the dimension value: a category, severity, channel, queue, agent id, policyId@version or cause code'),
  from: day.describe('first day (inclusive)'),
  to: day.describe('last day (inclusive)'),
};

interface SeriesFields {
  dimension?: Dimension;
  value?: string;
  from: string;
  to: string;
  period?: (typeof KPI_PERIODS)[number];
}

/** Cross-field rules: dimension and value together, the value's format, from <= to, the caps. */
function checkSeries(q: SeriesFields, ctx: z.RefinementCtx): void {
  if (q.dimension !== undefined && q.value === undefined) ctx.addIssue({ code: 'custom', path: ['value'], message: 'a dimension needs a value' });
  if (q.value !== undefined && q.dimension === undefined) ctx.addIssue({ code: 'custom', path: ['dimension'], message: 'a value needs a dimension' });
  if (q.dimension !== undefined && q.value !== undefined) {
    const r = VALUE_FORMAT[q.dimension].safeParse(q.value);
    if (!r.success) ctx.addIssue({ code: 'custom', path: ['value'], message: `not a ${q.dimension}: ${r.error.issues[0]?.message ?? 'invalid'}` });
  }
  if (typeof q.from !== 'string' || typeof q.to !== 'string' || !isDay(q.from) || !isDay(q.to)) return;
  for (const p of rangeProblems(q.from, q.to, q.period ?? null)) ctx.addIssue({ code: 'custom', path: [p.path.replace(/^query\./, '')], message: p.message });
}

const kpiList = z
  .string()
  .max(1000)
  .describe(`comma-separated KPI ids (GET /analytics/kpi-definitions): ${KPI_IDS.join(', ')}`)
  .transform((s) => s.split(','))
  .pipe(
    distinct(z.array(z.enum(KPI_IDS)).min(1).max(KPI_IDS.length), 'each KPI at most once'),
  );

const period = z.enum(KPI_PERIODS).default('week').describe("day, ISO week or month, in the area's time zone");

export const kpisQuery = z
  .strictObject({ kpi: kpiList, ...seriesFields, period })
  .superRefine(checkSeries)
  .describe(`at most ${MAX_RANGE_DAYS} days and ${MAX_PERIODS} periods`);

export const paretoQuery = z
  .strictObject({
    by: z.enum(PARETO_DIMENSIONS).describe('category, resolution cause (resolved complaints with a cause) or channel'),
    ...seriesFields,
    weight: z.enum(['count', 'severity']).default('count').describe('count complaints, or weigh each by severity (P1 8, P2 4, P3 2, P4 1)'),
    limit: z.coerce.number().int().min(1).max(100).optional().describe('keep the largest rows only (total and shares stay over all)'),
  })
  .superRefine(checkSeries);

export const controlChartQuery = z
  .strictObject({
    kpi: z.enum(KPI_IDS),
    ...seriesFields,
    period,
    baselineFrom: day.optional().describe('first day of the baseline the limits come from (with baselineTo); omitted: the whole range'),
    baselineTo: day.optional(),
  })
  .superRefine((q, ctx) => {
    checkSeries(q, ctx);
    if ((q.baselineFrom === undefined) !== (q.baselineTo === undefined)) {
      ctx.addIssue({ code: 'custom', path: [q.baselineFrom === undefined ? 'baselineFrom' : 'baselineTo'], message: 'baselineFrom and baselineTo go together' });
    } else if (q.baselineFrom !== undefined && q.baselineTo !== undefined) {
      if (q.baselineFrom > q.baselineTo) ctx.addIssue({ code: 'custom', path: ['baselineTo'], message: `must not be before baselineFrom (${q.baselineFrom})` });
      for (const key of ['baselineFrom', 'baselineTo'] as const) {
        if (q[key]! < q.from || q[key]! > q.to) ctx.addIssue({ code: 'custom', path: [key], message: `must lie within from..to (${q.from} to ${q.to})` });
      }
    }
  });

export const backlogQuery = z.strictObject({
  area: area.optional(),
  queue: slug.optional().describe('one complaint queue (`general`: not yet assigned)'),
});

export const drillDownQuery = z
  .strictObject({
    ...seriesFields,
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, 'malformed cursor').optional(),
  })
  .superRefine(checkSeries);

// --------------------------------------------------------------- responses

const filterView = z.object({ dimension: z.enum(DIMENSIONS), value: z.string() }).nullable();
const measure = z.object({ value: z.number().nullable(), x: z.number().nullable(), n: z.number().nullable() });
const seriesMeta = {
  kpi: z.enum(KPI_IDS),
  label: z.string(),
  unit: z.string(),
  better: z.enum(['higher', 'lower']),
  chart: z.enum(['p', 'u', 'imr']),
  period: z.enum(KPI_PERIODS),
  areaId: z.string().nullable(),
  filter: filterView,
  from: z.string(),
  to: z.string(),
  total: measure.describe('the KPI over the whole range'),
};

export const kpiSeriesList = z.object({
  items: z.array(
    z.object({
      ...seriesMeta,
      points: z.array(z.object({ period: z.string(), value: z.number().nullable(), n: z.number().nullable(), x: z.number().nullable() })).describe('one per period; value null = no data'),
    }),
  ),
});

export const paretoView = z.object({
  by: z.enum(PARETO_DIMENSIONS),
  weight: z.enum(['count', 'severity']),
  areaId: z.string().nullable(),
  filter: filterView,
  from: z.string(),
  to: z.string(),
  total: z.number(),
  rows: z.array(z.object({ key: z.string(), count: z.number(), share: z.number(), cumulativeShare: z.number(), vital: z.boolean() })),
});

export const controlChartView = z
  .object({
    ...seriesMeta,
    kind: z.enum(['p', 'u', 'imr']),
    status: z.enum(['ok', 'insufficient']),
    reason: z.string().optional().describe("why there are no limits (status 'insufficient')"),
    center: z.number().optional(),
    sigma: z.number().optional(),
    baseline: z.object({ from: z.string(), to: z.string(), points: z.number() }).optional().describe('the period keys the limits came from'),
    points: z.array(
      z.object({
        period: z.string(),
        value: z.number().nullable(),
        n: z.number().nullable(),
        center: z.number().nullable(),
        ucl: z.number().nullable(),
        lcl: z.number().nullable(),
        signals: z.array(z.number()),
        worse: z.boolean(),
      }),
    ),
    movingRanges: z.array(z.object({ period: z.string(), value: z.number().nullable(), ucl: z.number() })).optional(),
  })
  .describe('Western Electric rules 1-4 in `signals`; `worse` = a signal on the worse side for the KPI');

export const backlogView = z.object({
  areaId: z.string().nullable(),
  queue: z.string().nullable(),
  ownerId: z.string().nullable(),
  open: z.number(),
  byStatus: z.record(z.string(), z.number()),
  byAge: z.array(z.object({ bucket: z.string(), count: z.number() })),
  atRisk: z.number(),
  breached: z.number(),
  resolved: z.number(),
});

export const kpiDefinitionList = z.object({
  items: z.array(z.object({ id: z.enum(KPI_IDS), label: z.string(), unit: z.string(), better: z.enum(['higher', 'lower']), chart: z.enum(['p', 'u', 'imr']), needsVolume: z.boolean() })),
  periods: z.array(z.enum(KPI_PERIODS)),
  dimensions: z.array(z.enum(DIMENSIONS)),
  paretoDimensions: z.array(z.enum(PARETO_DIMENSIONS)),
  severityWeights: z.record(z.string(), z.number()),
  limits: z.object({ maxRangeDays: z.number(), maxPeriods: z.number() }),
});

export const drillDownList = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      areaId: z.string(),
      day: z.string(),
      createdAt: z.string(),
      row: z.object({}).passthrough().nullable().describe('the complaint list row (status, severity, queue, owner, SLA due...)'),
    }),
  ),
  nextCursor: z.string().nullable(),
});
