/**
 * The dashboard's filters as they live in the URL (shareable, reloadable), the
 * day range they mean, and the drill-down addresses of its figures. Days are
 * the API's `YYYY-MM-DD`; "today" is the user's day in their time zone (the
 * API then cuts each area's days in the area's own zone, docs/analytics.md).
 */
import { periodBounds } from '../../../../src/domain/kpi';

export const RANGES = [7, 30, 90] as const;
export type RangeDays = (typeof RANGES)[number];
export const GRANULARITIES = ['day', 'week', 'month'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

export interface DashboardFilters {
  range: RangeDays;
  period: Granularity;
  /** '' = all areas, '-' = complaints without an area, else an area id. */
  area: string;
}

const DAY_MS = 86_400_000;

export function todayInUserZone(now = Date.now()): string {
  return new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(now));
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** The inclusive day range of "the last N days" ending today. */
export function dayRange(range: RangeDays, now = Date.now()): { from: string; to: string } {
  const to = todayInUserZone(now);
  return { from: addDays(to, -(range - 1)), to };
}

export function readFilters(params: URLSearchParams): DashboardFilters {
  const range = Number(params.get('range'));
  const period = params.get('period');
  return {
    range: (RANGES as readonly number[]).includes(range) ? (range as RangeDays) : 30,
    period: (GRANULARITIES as readonly string[]).includes(period ?? '') ? (period as Granularity) : 'week',
    area: params.get('area') ?? '',
  };
}

/** The days of one period key (a chart point), clipped to the dashboard's range. */
export function periodDays(key: string, period: Granularity, range: { from: string; to: string }): { from: string; to: string } {
  const b = periodBounds(key, period);
  return { from: b.first < range.from ? range.from : b.first, to: b.last > range.to ? range.to : b.last };
}

/** Drill-down into a KPI figure: the cohort GET /analytics/complaints lists (area, one dimension value, intake days). */
export function cohortHref(p: { area: string; from: string; to: string; dimension?: string; value?: string; figure: string }): string {
  const q = new URLSearchParams({ source: 'cohort', from: p.from, to: p.to, figure: p.figure });
  if (p.area) q.set('area', p.area);
  if (p.dimension && p.value !== undefined) {
    q.set('dimension', p.dimension);
    q.set('value', p.value);
  }
  return `/dashboard/complaints?${q.toString()}`;
}

/** Drill-down into a backlog figure: the open complaints now (GET /complaints with the same filters). */
export function backlogHref(p: { area: string; figure: string; status?: string; breached?: boolean; atRisk?: boolean; age?: string }): string {
  const q = new URLSearchParams({ source: 'backlog', figure: p.figure });
  if (p.area) q.set('area', p.area);
  if (p.status) q.set('status', p.status);
  if (p.breached) q.set('breached', 'true');
  if (p.atRisk) q.set('atRisk', 'true');
  if (p.age) q.set('age', p.age);
  return `/dashboard/complaints?${q.toString()}`;
}

/**
 * Whether an age in days falls in one of the backlog's age buckets, read from
 * the bucket's own label as the API names it (`<1d`, `1-3d`, `>=30d`): the
 * page keeps no copy of the bucket table.
 */
export function inAgeBucket(bucket: string, ageDays: number): boolean {
  let m = /^<(\d+)d$/.exec(bucket);
  if (m) return ageDays < Number(m[1]);
  m = /^(\d+)-(\d+)d$/.exec(bucket);
  if (m) return ageDays >= Number(m[1]) && ageDays < Number(m[2]);
  m = /^>=(\d+)d$/.exec(bucket);
  if (m) return ageDays >= Number(m[1]);
  return false;
}
