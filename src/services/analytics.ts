/**
 * Quality analytics: KPI series, Pareto tables, control charts, the
 * complaints behind a figure and the backlog, computed from the rollups of
 * src/db/kpi-rollups.ts (docs/analytics.md). Called by the API and by
 * Temporal activities (triggers, bound cycle measurements, quality reviews),
 * so it speaks no HTTP: refusals are DomainError codes.
 *
 * Where the figures come from:
 * - KPIs and Paretos: the day rollups of the series asked (area, or area and
 *   one dimension value), read by equality on `series`, cut into periods here
 *   and merged; "all areas" reads each area's series (the catalog's areas
 *   plus complaints without one) and merges them.
 * - Survey KPIs (NPS, survey CSAT, SERVQUAL gaps): the same day rollups of
 *   the area's series, where survey answers are added by completion day; per
 *   area only (a dimension filter is refused).
 * - Complaint rates: the series' complaints over the area's recorded service
 *   volume for the period (a filtered series, e.g. one category, still
 *   divides by the whole area's volume: volume is not recorded per category).
 *   Periods and areas without recorded volume are left out of a rate.
 * - Backlog: the complaint list rows (work in hand now), not the rollups.
 */
import { DEFAULT_QUEUE, type Principal, isAssigned } from '../domain/access';
import { type ControlChart, type ParetoTableRow, type SeriesPoint, buildControlChart, paretoTable } from '../domain/control-chart';
import { STATUSES, type Status } from '../domain/complaint';
import { DomainError, ErrorCode } from '../domain/errors';
import {
  type ComplaintFact,
  type Dimension,
  type KpiCell,
  type KpiDefinition,
  type KpiId,
  type KpiMeasure,
  type KpiPeriod,
  KPIS,
  NO_AREA,
  addDays,
  dimensionValue,
  emptyCell,
  kpiFilterProblem,
  measureKpi,
  mergeCells,
  periodOf,
  periodsBetween,
  seriesKey,
  weightedCount,
} from '../domain/kpi';
import type { Scope } from '../domain/permissions';
import type { Severity } from '../domain/sla-policy';
import { latestAreas } from '../db/catalog';
import { type Breakdown, type ParetoDimension, factsOfAreaDay, refreshRollups as refreshStoredRollups, seriesDays, seriesRollups } from '../db/kpi-rollups';
import type { ComplaintRowDoc, Models } from '../db/models';
import { decodeCursor, encodeCursor, malformedCursor } from './cursor';

export interface KpiFilter {
  dimension: Dimension;
  value: string;
}

export interface SeriesQuery {
  kpi: KpiId;
  /** null = all areas. */
  areaId: string | null;
  filter: KpiFilter | null;
  period: KpiPeriod;
  /** Days YYYY-MM-DD in the areas' own time zones, inclusive. */
  from: string;
  to: string;
}

export interface KpiSeries {
  kpi: KpiId;
  label: string;
  unit: KpiDefinition['unit'];
  better: KpiDefinition['better'];
  chart: KpiDefinition['chart'];
  period: KpiPeriod;
  areaId: string | null;
  filter: KpiFilter | null;
  from: string;
  to: string;
  /** One per period key overlapping [from, to] (a period cut by the range counts its days inside it); value null = no data. */
  points: SeriesPoint[];
  /** The KPI over the whole range. */
  total: KpiMeasure;
}

export interface ParetoQuery {
  areaId: string | null;
  /** Narrows the complaints counted (e.g. an agent's own); null = all of the area. */
  filter?: KpiFilter | null;
  by: ParetoDimension;
  from: string;
  to: string;
  /** `severity`: each complaint weighs its severity weight (src/domain/kpi.ts SEVERITY_WEIGHTS). */
  weight: 'count' | 'severity';
}

export interface ParetoCounts {
  total: number;
  counts: { key: string; count: number }[];
}

export type ControlChartQuery = SeriesQuery & { baseline: { from: string; to: string } | null };

export type KpiControlChart = ControlChart & Omit<KpiSeries, 'points'>;

export interface DrillDownQuery {
  /** null = all areas. */
  areaId: string | null;
  filter: KpiFilter | null;
  from: string;
  to: string;
  limit: number;
  cursor?: string;
  /** Only complaints this user may read (an agent's scope); omitted = every complaint. */
  visibleTo?: Principal;
}

export interface DrillDownItem {
  id: string;
  areaId: string;
  /** Intake day in the area's zone. */
  day: string;
  createdAt: number;
  /** The complaint's list row (null when none is stored, e.g. facts loaded without complaints). */
  row: Omit<ComplaintRowDoc, '_id'> | null;
}

export interface BacklogQuery {
  /** null = all areas; `-` = complaints without an area. */
  areaId: string | null;
  queue?: string;
  ownerId?: string;
  now: number;
}

export interface Backlog {
  /** Complaints in hand: not resolved, closed or cancelled. */
  open: number;
  byStatus: Record<string, number>;
  byAge: { bucket: string; count: number }[];
  /** Open, not breached, past the first warning threshold of a running clock. */
  atRisk: number;
  /** Open with at least one SLA breach. */
  breached: number;
  /** Resolved, waiting for the customer to confirm (not in `open`). */
  resolved: number;
}

// ------------------------------------------------------------------ limits

/** Longest range of days a query may cover (three years), and most points a series may have. */
export const MAX_RANGE_DAYS = 3 * 366;
export const MAX_PERIODS = 400;

/** What is wrong with a range, as field problems named after the query parameters; empty = fine. */
export function rangeProblems(from: string, to: string, period: KpiPeriod | null): { path: string; message: string }[] {
  if (from > to) return [{ path: 'query.to', message: `must not be before from (${from})` }];
  if (addDays(from, MAX_RANGE_DAYS - 1) < to) return [{ path: 'query.to', message: `the range may cover at most ${MAX_RANGE_DAYS} days` }];
  if (period && periodsBetween(from, to, period).length > MAX_PERIODS) {
    return [{ path: 'query.period', message: `the range has more than ${MAX_PERIODS} ${period}s: choose a longer period or a shorter range` }];
  }
  return [];
}

function checkRange(from: string, to: string, period: KpiPeriod | null): void {
  const errors = rangeProblems(from, to, period);
  if (errors.length > 0) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'the range is invalid', { errors });
}

/**
 * The survey KPIs are measured per area only (their answers have no category,
 * agent or cause): a series of one narrowed to a dimension value is refused
 * rather than answered with the area's figures under a filter that was not applied.
 */
function checkFilter(kpis: readonly KpiId[], filter: KpiFilter | null): void {
  const problems = kpis.flatMap((kpi) => {
    const message = kpiFilterProblem(kpi, filter);
    return message ? [message] : [];
  });
  if (problems.length > 0) {
    throw new DomainError(ErrorCode.INVALID_ACTION, problems.join('; '), { errors: [{ path: 'query.dimension', message: `not for ${kpis.filter((k) => KPIS[k].areaOnly).join(', ')}: measured per service area only` }] });
  }
}

// ------------------------------------------------------------------ scope

/**
 * The filter an analytics caller gets: callers with scope `all` ask what they
 * like; agents (scope `assigned`) see their own figures (the agent dimension
 * set to themselves, applied when they give no filter) and their queues,
 * nothing else.
 */
export function filterInScope(user: Principal, scope: Scope, filter: KpiFilter | null): KpiFilter | null {
  if (scope === 'all') return filter;
  if (filter === null) return { dimension: 'agent', value: user.id };
  if (filter.dimension === 'agent' && filter.value === user.id) return filter;
  if (filter.dimension === 'queue' && user.queues.includes(filter.value)) return filter;
  throw new DomainError(
    ErrorCode.NOT_PERMITTED,
    `${filter.dimension}=${filter.value} is outside your ${scope} scope for analytics.read: agents see their own figures (dimension=agent&value=${user.id}) ` +
      `and their queues (dimension=queue&value=${user.queues.join(' or ')})`,
  );
}

/** The backlog an analytics caller gets: agents see their own (what they own) or one of their queues. */
export function backlogInScope(user: Principal, scope: Scope, queue: string | undefined): { queue?: string; ownerId?: string } {
  if (scope === 'all') return queue === undefined ? {} : { queue };
  if (queue === undefined) return { ownerId: user.id };
  if (user.queues.includes(queue)) return { queue };
  throw new DomainError(
    ErrorCode.NOT_PERMITTED,
    `queue ${queue} is outside your ${scope} scope for analytics.read: agents see their own backlog and their queues (${user.queues.join(', ')})`,
  );
}

// --------------------------------------------------------------- helpers

interface AreaPart {
  cell: KpiCell;
  volume: number | null;
}

/** The KPI over parts (areas, or area-periods): a rate only over the parts with volume, everything else over all. */
function measureParts(kpi: KpiId, parts: readonly AreaPart[], mergedAll?: KpiCell): KpiMeasure {
  if (KPIS[kpi].needsVolume) {
    const withVolume = parts.filter((p) => p.volume !== null);
    if (withVolume.length === 0) return measureKpi(kpi, mergedAll ?? mergeCells(parts.map((p) => p.cell)), null);
    return measureKpi(kpi, mergeCells(withVolume.map((p) => p.cell)), withVolume.reduce((s, p) => s + p.volume!, 0));
  }
  return measureKpi(kpi, mergedAll ?? mergeCells(parts.map((p) => p.cell)), null);
}

function weightOf(counts: Partial<Record<Severity, number>>, weight: 'count' | 'severity'): number {
  if (weight === 'severity') return weightedCount({ ...emptyCell(), bySeverity: { ...emptyCell().bySeverity, ...counts } });
  return Object.values(counts).reduce((s, n) => s + (n ?? 0), 0);
}

const AGE_BUCKETS: { bucket: string; maxDays: number }[] = [
  { bucket: '<1d', maxDays: 1 },
  { bucket: '1-3d', maxDays: 3 },
  { bucket: '3-7d', maxDays: 7 },
  { bucket: '7-30d', maxDays: 30 },
  { bucket: '>=30d', maxDays: Number.POSITIVE_INFINITY },
];
const OPEN_STATUSES: readonly Status[] = STATUSES.filter((s) => s !== 'resolved' && s !== 'closed' && s !== 'cancelled');

interface RefreshState {
  running: Promise<{ areaDays: number }> | null;
  queued: Promise<{ areaDays: number }> | null;
}
/** Per database connection, so every service instance of a process (API, activities) shares it. */
const refreshStates = new WeakMap<Models, RefreshState>();

/**
 * One refresh at a time per process and database. A caller arriving while one
 * runs may have changed facts after it read its markers, so it waits for one
 * more run, shared by everyone who arrived meanwhile.
 */
function refreshOnce(models: Models): Promise<{ areaDays: number }> {
  let state = refreshStates.get(models);
  if (!state) refreshStates.set(models, (state = { running: null, queued: null }));
  const st = state;
  if (!st.running) {
    st.running = refreshStoredRollups(models)
      .then((r) => ({ areaDays: r.areaDays }))
      .finally(() => {
        st.running = null;
      });
    return st.running;
  }
  st.queued ??= st.running
    .catch(() => undefined)
    .then(() => {
      st.queued = null;
      return refreshOnce(models);
    });
  return st.queued;
}

// ---------------------------------------------------------------- service

export function createAnalyticsService(deps: { models: Models }) {
  const { models } = deps;

  /** Brings the rollups up to date with every fact stored before the call. */
  const refreshRollups = () => refreshOnce(models);

  /** The areas of a query: the one asked (which must exist), or every area of the catalog plus complaints without one. */
  async function areasOf(areaId: string | null): Promise<string[]> {
    if (areaId === NO_AREA) return [NO_AREA];
    const catalog = (await latestAreas(models)).map((a) => a.areaId);
    if (areaId === null) return [...new Set([...catalog, NO_AREA])].sort();
    if (!catalog.includes(areaId)) throw new DomainError(ErrorCode.NOT_FOUND, `service area ${areaId} does not exist`, { errors: [{ path: 'query.area', message: 'unknown service area' }] });
    return [areaId];
  }

  /** Recorded service volume of each area per period of [from, to]; a period without any recorded day is absent. */
  async function volumeByPeriod(areaIds: readonly string[], period: KpiPeriod, from: string, to: string): Promise<Map<string, Map<string, number>>> {
    const out = new Map<string, Map<string, number>>();
    await Promise.all(
      areaIds.map(async (areaId) => {
        const byPeriod = new Map<string, number>();
        out.set(areaId, byPeriod);
        if (areaId === NO_AREA) return;
        // Equality on the area (a few thousand small documents at most); the range is applied here.
        const docs = await models.ServiceVolume.find({ areaId }, { _id: 0, day: 1, volume: 1 }).lean();
        for (const d of docs) {
          if (d.day < from || d.day > to) continue;
          const key = periodOf(d.day, period);
          byPeriod.set(key, (byPeriod.get(key) ?? 0) + d.volume);
        }
      }),
    );
    return out;
  }

  /** Per area, the merged cell of each period with data. */
  async function periodCells(areaIds: readonly string[], filter: KpiFilter | null, period: KpiPeriod, from: string, to: string): Promise<Map<string, Map<string, KpiCell>>> {
    const out = new Map<string, Map<string, KpiCell>>();
    await Promise.all(
      areaIds.map(async (areaId) => {
        const byPeriod = new Map<string, KpiCell[]>();
        for (const r of await seriesRollups(models, seriesKey(areaId, filter), from, to, 'cellJson')) {
          const key = periodOf(r.day, period);
          const list = byPeriod.get(key) ?? [];
          // Rollups stored before the survey sums existed lack them: every reader treats an absent sum as none.
          list.push(JSON.parse(r.cellJson) as KpiCell);
          byPeriod.set(key, list);
        }
        out.set(areaId, new Map([...byPeriod].map(([k, cells]) => [k, cells.length === 1 ? cells[0]! : mergeCells(cells)])));
      }),
    );
    return out;
  }

  /** Several KPIs of one series at once (a dashboard): the rollups are read once. */
  async function kpiSeriesMany(q: Omit<SeriesQuery, 'kpi'> & { kpis: readonly KpiId[] }): Promise<KpiSeries[]> {
    checkRange(q.from, q.to, q.period);
    checkFilter(q.kpis, q.filter);
    const areaIds = await areasOf(q.areaId);
    await refreshRollups();
    const periods = periodsBetween(q.from, q.to, q.period);
    const needsVolume = q.kpis.some((k) => KPIS[k].needsVolume);
    const [cells, volumes] = await Promise.all([
      periodCells(areaIds, q.filter, q.period, q.from, q.to),
      needsVolume ? volumeByPeriod(areaIds, q.period, q.from, q.to) : Promise.resolve(null),
    ]);
    const empty = emptyCell();
    const partsOf = (p: string): AreaPart[] => areaIds.map((a) => ({ cell: cells.get(a)?.get(p) ?? empty, volume: volumes?.get(a)?.get(p) ?? null }));
    const perPeriod = periods.map((p) => {
      const parts = partsOf(p);
      return { period: p, parts, merged: mergeCells(parts.map((x) => x.cell)) };
    });
    const allParts = perPeriod.flatMap((p) => p.parts);
    const mergedTotal = mergeCells(perPeriod.map((p) => p.merged));
    return q.kpis.map((kpi) => {
      const def = KPIS[kpi];
      const points = perPeriod.map(({ period, parts, merged }): SeriesPoint => {
        const m = measureParts(kpi, parts, merged);
        return { period, value: m.value, n: m.n, x: m.x };
      });
      return {
        kpi,
        label: def.label,
        unit: def.unit,
        better: def.better,
        chart: def.chart,
        period: q.period,
        areaId: q.areaId,
        filter: q.filter,
        from: q.from,
        to: q.to,
        points,
        total: measureParts(kpi, allParts, mergedTotal),
      };
    });
  }

  async function kpiSeries(q: SeriesQuery): Promise<KpiSeries> {
    const { kpi, ...rest } = q;
    return (await kpiSeriesMany({ ...rest, kpis: [kpi] }))[0]!;
  }

  /** Counts (or severity weights) by key of the Pareto dimension, per bucket (`bucketOf` a day); every bucket in `buckets` is answered. */
  async function paretoCounts(q: ParetoQuery, buckets: readonly string[], bucketOf: (day: string) => string): Promise<({ bucket: string } & ParetoCounts)[]> {
    const areaIds = await areasOf(q.areaId);
    await refreshRollups();
    const byBucket = new Map<string, Map<string, number>>(buckets.map((b) => [b, new Map()]));
    const perArea = await Promise.all(areaIds.map((a) => seriesRollups(models, seriesKey(a, q.filter ?? null), q.from, q.to, 'breakdownJson')));
    for (const r of perArea.flat()) {
      const counts = byBucket.get(bucketOf(r.day))!;
      for (const [key, bySeverity] of Object.entries((JSON.parse(r.breakdownJson) as Breakdown)[q.by])) counts.set(key, (counts.get(key) ?? 0) + weightOf(bySeverity, q.weight));
    }
    return [...byBucket].map(([bucket, counts]) => {
      const list = [...counts].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1));
      return { bucket, total: list.reduce((s, c) => s + c.count, 0), counts: list };
    });
  }

  /** Counts (or severity weights) by key, per period of the range, largest first (for concentration triggers). */
  async function paretoSeries(q: ParetoQuery & { period: KpiPeriod }): Promise<({ period: string } & ParetoCounts)[]> {
    checkRange(q.from, q.to, q.period);
    const buckets = await paretoCounts(q, periodsBetween(q.from, q.to, q.period), (day) => periodOf(day, q.period));
    return buckets.map(({ bucket, ...rest }) => ({ period: bucket, ...rest }));
  }

  /** The Pareto table over the whole range, largest first, vital few marked. */
  async function pareto(q: ParetoQuery): Promise<{ total: number; rows: ParetoTableRow[] }> {
    checkRange(q.from, q.to, null);
    const [range] = await paretoCounts(q, ['range'], () => 'range');
    return { total: range!.total, rows: paretoTable(range!.counts) };
  }

  /**
   * The KPI's control chart (the chart its definition names), limits from the
   * baseline window (days, cut into the series' periods; null = the whole
   * range). Too little baseline is an answer (`status: 'insufficient'` and the
   * reason), not an error.
   */
  async function controlChart(q: ControlChartQuery): Promise<KpiControlChart> {
    if (q.baseline) {
      const errors: { path: string; message: string }[] = [];
      if (q.baseline.from > q.baseline.to) errors.push({ path: 'query.baselineTo', message: `must not be before baselineFrom (${q.baseline.from})` });
      if (q.baseline.from < q.from || q.baseline.from > q.to) errors.push({ path: 'query.baselineFrom', message: `must lie within the chart's range ${q.from} to ${q.to}` });
      if (q.baseline.to < q.from || q.baseline.to > q.to) errors.push({ path: 'query.baselineTo', message: `must lie within the chart's range ${q.from} to ${q.to}` });
      if (errors.length > 0) throw new DomainError(ErrorCode.VALIDATION_FAILED, 'the baseline is invalid', { errors });
    }
    const series = await kpiSeries(q);
    const baseline = q.baseline ? { from: periodOf(q.baseline.from, q.period), to: periodOf(q.baseline.to, q.period) } : null;
    const { points, ...meta } = series;
    const chart = buildControlChart(series.chart, points, baseline, series.better);
    return { ...meta, ...chart };
  }

  /**
   * The complaints behind a figure, newest intake day first (then newest
   * first within the day), keyset-paginated. Only days where the series has
   * complaints (its rollups) are read, one equality query per area-day.
   */
  async function complaintPage(q: DrillDownQuery): Promise<{ items: DrillDownItem[]; nextCursor: string | null }> {
    checkRange(q.from, q.to, null);
    const cursor = q.cursor ? decodeCursor(q.cursor) : null;
    const areaIds = await areasOf(q.areaId);
    await refreshRollups();
    let after: { createdAt: number; id: string; day: string } | null = null;
    if (cursor) {
      const c = cursor;
      const fact = await models.ComplaintFact.findById(c.id, { day: 1 }).lean();
      if (!fact) throw malformedCursor();
      after = { createdAt: c.k, id: c.id, day: fact.day };
    }
    // Days with complaints in the series, per area, newest first.
    const areasByDay = new Map<string, string[]>();
    await Promise.all(
      areaIds.map(async (areaId) => {
        for (const day of await seriesDays(models, seriesKey(areaId, q.filter), q.from, after?.day ?? q.to)) {
          areasByDay.set(day, [...(areasByDay.get(day) ?? []), areaId]);
        }
      }),
    );
    const days = [...areasByDay.keys()].sort().reverse();
    const newestFirst = (a: ComplaintFact, b: ComplaintFact) => b.createdAt - a.createdAt || (a.complaintId < b.complaintId ? 1 : -1);
    // Within the cursor's day by (createdAt, id); earlier days come whole (an earlier day in one zone may be a later instant than in another).
    const beforeCursor = (f: ComplaintFact) => !after || f.day < after.day || f.createdAt < after.createdAt || (f.createdAt === after.createdAt && f.complaintId < after.id);
    const matches = (f: ComplaintFact) => !f.cancelled && (q.filter === null || dimensionValue(f, q.filter.dimension) === q.filter.value);

    const items: DrillDownItem[] = [];
    for (const day of days) {
      const facts = (await Promise.all(areasByDay.get(day)!.map((a) => factsOfAreaDay(models, a, day)))).flat().filter((f) => matches(f) && beforeCursor(f)).sort(newestFirst);
      // Keyed reads of the rows (`_id: { $in }` would scan on the embedded store).
      const rows = await Promise.all(facts.map((f) => models.ComplaintRow.findById(f.complaintId).lean()));
      facts.forEach((f, i) => {
        const row = rows[i] ?? null;
        if (q.visibleTo && !(row && isAssigned(q.visibleTo, { ownerId: row.ownerId ?? null, firstResponderId: row.firstResponderId ?? null, queue: row.queue ?? DEFAULT_QUEUE }))) return;
        const { _id, ...rest } = row ?? { _id: null };
        items.push({ id: f.complaintId, areaId: f.areaId, day: f.day, createdAt: f.createdAt, row: _id ? (rest as DrillDownItem['row']) : null });
      });
      if (items.length > q.limit) break;
    }
    const page = items.slice(0, q.limit);
    const last = page[page.length - 1];
    return { items: page, nextCursor: items.length > q.limit && last ? encodeCursor({ k: last.createdAt, id: last.id }) : null };
  }

  /** Ids of the complaints behind a figure, newest first (evidence samples). */
  async function complaintSample(q: Omit<DrillDownQuery, 'cursor'>): Promise<string[]> {
    return (await complaintPage(q)).items.map((i) => i.id);
  }

  /** Open complaints now, from the list rows (equality on active, area, queue, owner). */
  async function backlog(q: BacklogQuery): Promise<Backlog> {
    if (q.areaId !== null) await areasOf(q.areaId);
    const filter: Record<string, unknown> = { active: true };
    if (q.areaId !== null) filter.areaId = q.areaId === NO_AREA ? null : q.areaId;
    if (q.queue !== undefined) filter.queue = q.queue;
    if (q.ownerId !== undefined) filter.ownerId = q.ownerId;
    const rows = await models.ComplaintRow.find(filter, { _id: 0, status: 1, createdAt: 1, breached: 1, atRiskFrom: 1, nextDueAt: 1 }).lean();
    const byStatus: Record<string, number> = Object.fromEntries(OPEN_STATUSES.map((s) => [s, 0]));
    const byAge = AGE_BUCKETS.map((b) => ({ bucket: b.bucket, count: 0 }));
    let open = 0;
    let atRisk = 0;
    let breached = 0;
    let resolved = 0;
    for (const r of rows) {
      if (r.status === 'resolved') {
        resolved += 1;
        continue;
      }
      open += 1;
      byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
      const ageDays = (q.now - r.createdAt.getTime()) / 86_400_000;
      byAge[AGE_BUCKETS.findIndex((b) => ageDays < b.maxDays)]!.count += 1;
      if (r.breached) breached += 1;
      else if (r.atRiskFrom && r.atRiskFrom.getTime() <= q.now && (!r.nextDueAt || q.now < r.nextDueAt.getTime())) atRisk += 1;
    }
    return { open, byStatus, byAge, atRisk, breached, resolved };
  }

  /** Recorded service volume of one area per period (null when a period has none), for complaint rates. */
  async function volumeSeries(q: { areaId: string; period: KpiPeriod; from: string; to: string }): Promise<{ period: string; volume: number | null }[]> {
    checkRange(q.from, q.to, q.period);
    await areasOf(q.areaId);
    const byPeriod = (await volumeByPeriod([q.areaId], q.period, q.from, q.to)).get(q.areaId)!;
    return periodsBetween(q.from, q.to, q.period).map((period) => ({ period, volume: byPeriod.get(period) ?? null }));
  }

  return { refreshRollups, kpiSeries, kpiSeriesMany, paretoSeries, pareto, controlChart, complaintPage, complaintSample, backlog, volumeSeries };
}

export type AnalyticsService = ReturnType<typeof createAnalyticsService>;
