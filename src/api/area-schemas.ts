/**
 * Request and response schemas of service areas and service volume (see
 * src/domain/service-area.ts for what the fields mean). Strict objects,
 * bounded strings and lists, like src/api/schemas.ts.
 */
import { z } from 'zod';
import { KPI_IDS } from '../domain/kpi';
import { COMPARATORS, REVIEW_FREQUENCIES, serviceAreaProblems } from '../domain/service-area';
import { channel, idString, slug, text, distinct, addDomainIssues } from './schemas';


export const MAX_VOLUME = 1e12;
/** Rows of one CSV import: ten years of days. */
export const MAX_IMPORT_ROWS = 3660;

const areaFields = {
  name: text(200),
  match: z
    .strictObject({
      categories: distinct(z.array(slug).max(100), 'a category is listed twice').optional(),
      channels: distinct(z.array(channel).max(10), 'a channel is listed twice').optional(),
      queues: distinct(z.array(slug).max(100), 'a queue is listed twice').optional(),
    })
    .describe('which complaints belong to the area; an empty or absent list matches anything; the most specific area wins (category > channel > queue)'),
  processOwnerId: idString.describe('a user with role process_owner or admin'),
  calendarId: slug.describe("the calendar whose time zone cuts the area's days, weeks and months"),
  volumeUnit: text(60).describe('what the service volume counts, e.g. "transactions"'),
  causes: z
    .array(z.strictObject({ code: slug, label: text(200) }))
    .max(100)
    .default([])
    .describe('the cause catalog agents pick from when resolving; empty = complaints of the area are resolved without a cause'),
  objectives: z
    // Negative for NPS and SERVQUAL gaps; each KPI's own range is checked by `serviceAreaProblems`.
    .array(z.strictObject({ kpi: z.enum(KPI_IDS), comparator: z.enum(COMPARATORS), target: z.number().min(-1e9).max(1e9).describe('shares are 0..1, NPS -100..100, SERVQUAL gaps -6..6') }))
    .max(40)
    .default([]),
  review: z
    .strictObject({ frequency: z.enum(REVIEW_FREQUENCIES).default('monthly'), reviewerIds: distinct(z.array(idString).max(20), 'a reviewer is listed twice').default([]) })
    .default({ frequency: 'monthly', reviewerIds: [] }),
};

/** The domain's rules beyond shape, each on its own field path. */
function checkArea(def: Parameters<typeof serviceAreaProblems>[0], ctx: z.RefinementCtx) {
  addDomainIssues(ctx, serviceAreaProblems(def));
}

export const createAreaBody = z.strictObject({ areaId: slug, ...areaFields }).superRefine(checkArea);
export const updateAreaBody = z
  .strictObject({ expectedVersion: z.number().int().min(1).describe('the version being replaced (optimistic concurrency)'), ...areaFields })
  .superRefine(checkArea);
export const areaVersionQuery = z.strictObject({ version: z.coerce.number().int().min(1).optional() });

export const areaView = z.object({
  areaId: z.string(),
  version: z.number(),
  name: z.string(),
  match: z.object({ categories: z.array(z.string()).optional(), channels: z.array(z.string()).optional(), queues: z.array(z.string()).optional() }),
  processOwnerId: z.string(),
  calendarId: z.string(),
  volumeUnit: z.string(),
  causes: z.array(z.object({ code: z.string(), label: z.string() })),
  objectives: z.array(z.object({ kpi: z.string(), comparator: z.enum(COMPARATORS), target: z.number() })),
  review: z.object({ frequency: z.enum(REVIEW_FREQUENCIES), reviewerIds: z.array(z.string()) }),
  createdAt: z.iso.datetime(),
  createdBy: z.string(),
});
export const areaList = z.object({ items: z.array(areaView) });

// ------------------------------------------------------------------ volume

/** A real calendar date, YYYY-MM-DD (in the area's time zone). */
const day = z.iso.date();

export const volumeDayParams = z.strictObject({ id: slug, day });
export const volumeBody = z.strictObject({ volume: z.number().int().min(0).max(MAX_VOLUME) });

/** A CSV cell holding a whole number: digits only, no sign, separator or exponent. */
const volumeCell = z
  .string()
  .regex(/^(0|[1-9]\d{0,12})$/, 'must be a whole number of units (digits only)')
  .transform(Number)
  .pipe(z.number().max(MAX_VOLUME));

/** The parsed CSV of `POST /service-areas/:id/volume/import` (header `day,volume`). */
export const volumeImportBody = z.strictObject({
  rows: z.array(z.strictObject({ day, volume: volumeCell })).min(1).max(MAX_IMPORT_ROWS),
});

const DAY_MS = 86_400_000;
const daySpan = (from: string, to: string) => (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1;

export const volumeRangeQuery = z
  .strictObject({ from: day, to: day })
  .refine((q) => q.from <= q.to, { message: 'must not be before from', path: ['to'] })
  .refine((q) => daySpan(q.from, q.to) <= MAX_IMPORT_ROWS, { message: `a range covers at most ${MAX_IMPORT_ROWS} days`, path: ['to'] });

export const volumeView = z.object({ areaId: z.string(), day: z.string(), volume: z.number(), updatedAt: z.iso.datetime(), updatedBy: z.string() });
export const volumeList = z.object({ areaId: z.string(), unit: z.string(), from: z.string(), to: z.string(), items: z.array(volumeView) });
export const importResult = z.object({
  rows: z.number().describe('rows in the file'),
  written: z.number().describe('days whose figure was new or changed'),
  unchanged: z.number().describe('days that already had this figure (a retried import writes nothing)'),
});
