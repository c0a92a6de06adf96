/**
 * Control charts and Pareto tables for KPI series, in the terms a process
 * owner reads: one point per period, limits from a baseline window they chose,
 * Western Electric signals marked, and whether a signal is bad news.
 *
 * Semantics:
 * - The chart fits the KPI (the KPI definition names it): a p chart for
 *   shares of counted events (clocks met, breaches; `x` of `n`), a u chart for
 *   rates (`x` events over `n` units of service volume), I-MR for continuous
 *   values (times). For p and u the plotted value is x/n.
 * - A point with `value: null` is a gap (no data in that period): no limits,
 *   no signals; the run rules and the moving ranges skip it (the moving range
 *   after a gap is taken from the last point with data).
 * - The baseline is an inclusive range of period keys. Period keys of one
 *   series sort chronologically as strings (ISO dates, 'YYYY-Www', 'YYYY-MM'),
 *   so the range is compared as strings; null means the whole series. Only the
 *   baseline's points give the centre and sigma; the limits then apply to
 *   every point, so a later shift shows up against the old process.
 * - Limits per point: p̄ ± 3·√(p̄(1−p̄)/nᵢ) (LCL ≥ 0, UCL ≤ 1), ū ± 3·√(ū/nᵢ)
 *   (LCL ≥ 0), X̄ ± 3·MR̄/1.128 (≈ 2.66·MR̄) with an MR chart whose UCL is
 *   3.267·MR̄. Centres and sigmas come from src/domain/statistics.ts.
 * - Western Electric rules 1–4 run on standardized values
 *   zᵢ = (valueᵢ − centre)/σᵢ, each with its own σᵢ, so zones stay right when n
 *   varies; a signal is `worse` when its point lies on the worse side of the
 *   centre for the KPI's better direction.
 * - Too little baseline, or a baseline without variation, gives
 *   `status: 'insufficient'` with a reason in plain words, never NaN limits.
 *   Malformed points (a p/u value without its counts, or not equal to x/n)
 *   throw {@link StatisticsError}: that is a caller's bug, not a data state.
 *
 * Pure and deterministic (no I/O, no clock reads): usable from workflows.
 */
import {
  StatisticsError,
  individualsLimits,
  individualsSigma,
  pChart,
  pareto,
  uChart,
  westernElectricViolations,
} from './statistics';

export type ChartKind = 'p' | 'u' | 'imr';

/** One period of a KPI series, as the KPI query produced it. */
export interface SeriesPoint {
  period: string;
  /** The KPI value; null when the period has no data (a gap). For p and u it must equal x/n. */
  value: number | null;
  /** p: opportunities (e.g. clocks due); u: units of service volume; unused for I-MR. */
  n: number | null;
  /** p: events counted out of n (e.g. clocks met); u: event count; unused for I-MR. */
  x: number | null;
}

/** One plotted point; `center`, `ucl`, `lcl` are null when the chart has no limits, and `ucl`, `lcl` are null for a gap. */
export interface ChartPoint {
  period: string;
  value: number | null;
  n: number | null;
  center: number | null;
  ucl: number | null;
  lcl: number | null;
  /** Western Electric rule numbers (1–4) completed at this point. */
  signals: number[];
  /** A signal on the worse side of the centre line, given the KPI's better direction. */
  worse: boolean;
}

/** One point of the I-MR chart's moving-range chart, aligned with `points` (null for the first point with data and for gaps). */
export interface MovingRangePoint {
  period: string;
  value: number | null;
  ucl: number;
}

export interface ControlChartWithLimits {
  kind: ChartKind;
  status: 'ok';
  center: number;
  /** I-MR only: within sigma, MR̄/1.128. */
  sigma?: number;
  /** The window the centre and sigma came from, and how many periods in it had data. */
  baseline: { from: string; to: string; points: number };
  points: ChartPoint[];
  /** I-MR only. */
  movingRanges?: MovingRangePoint[];
}

export interface ControlChartWithoutLimits {
  kind: ChartKind;
  status: 'insufficient';
  /** Why no limits, in words a process owner understands. */
  reason: string;
  points: ChartPoint[];
}

export type ControlChart = ControlChartWithLimits | ControlChartWithoutLimits;

/**
 * Fewest baseline periods with data for limits. Eight weeks (two months) is
 * about the shortest history a weekly KPI has before a team wants to watch it;
 * fewer leaves the centre and sigma so unstable that signals are mostly noise,
 * and eight is the run length of rule 4, so the baseline can at least show
 * one. Textbooks prefer 20–25 subgroups; limits from 8–20 are trial limits to
 * be recomputed as data accrues (choose a longer baseline when there is one).
 */
export const MIN_BASELINE_POINTS = 8;

/** Relative tolerance for value = x/n (the KPI query may compute the share its own way). */
const RATIO_TOLERANCE = 1e-9;

interface DataPoint {
  index: number;
  period: string;
  value: number;
  n: number;
  x: number;
}

/**
 * The control chart of a KPI series. `points` in chronological order;
 * `baseline` an inclusive range of period keys (null: all points); `better`
 * the KPI's better direction, which decides which signals are `worse`.
 */
export function buildControlChart(
  kind: ChartKind,
  points: readonly SeriesPoint[],
  baseline: { from: string; to: string } | null,
  better: 'higher' | 'lower',
): ControlChart {
  const data = points.flatMap((p, index) => (p.value === null ? [] : [checkedPoint(kind, p, index)]));
  const from = baseline?.from ?? points[0]?.period ?? '';
  const to = baseline?.to ?? points[points.length - 1]?.period ?? '';
  const inBaseline = data.filter((d) => d.period >= from && d.period <= to);

  const plain = (): ChartPoint[] => points.map((p) => bare(p, null));
  if (inBaseline.length < MIN_BASELINE_POINTS) {
    const window = baseline ? `the baseline (${from} to ${to})` : 'the series';
    const count = `${inBaseline.length} period${inBaseline.length === 1 ? '' : 's'} with data`;
    return {
      kind,
      status: 'insufficient',
      reason: `${window} has ${count}; a control chart needs at least ${MIN_BASELINE_POINTS} to set its limits`,
      points: plain(),
    };
  }
  const noVariation = zeroVariationReason(kind, inBaseline);
  if (noVariation) return { kind, status: 'insufficient', reason: noVariation, points: plain() };

  const scale = chartScale(kind, inBaseline);
  // Rules on z over the points with data only: a gap neither breaks nor extends a run.
  const z = data.map((d) => (d.value - scale.center) / scale.sigmaAt(d));
  const rulesAt = new Map<number, number[]>();
  for (const v of westernElectricViolations(z, 0, 1)) {
    const index = data[v.index]!.index;
    rulesAt.set(index, [...(rulesAt.get(index) ?? []), v.rule]);
  }
  const byIndex = new Map(data.map((d) => [d.index, d]));
  const chartPoints = points.map((p, index): ChartPoint => {
    const d = byIndex.get(index);
    if (!d) return bare(p, scale.center);
    const { lcl, ucl } = scale.limitsAt(d);
    const signals = rulesAt.get(index) ?? [];
    const worseSide = better === 'higher' ? d.value < scale.center : d.value > scale.center;
    return { period: p.period, value: d.value, n: p.n, center: scale.center, ucl, lcl, signals, worse: signals.length > 0 && worseSide };
  });

  const chart: ControlChartWithLimits = {
    kind,
    status: 'ok',
    center: scale.center,
    baseline: { from, to, points: inBaseline.length },
    points: chartPoints,
  };
  if (kind === 'imr') {
    chart.sigma = scale.sigma;
    chart.movingRanges = movingRanges(points, data, scale.mrUcl!);
  }
  return chart;
}

function bare(p: SeriesPoint, center: number | null): ChartPoint {
  return { period: p.period, value: p.value, n: p.n, center, ucl: null, lcl: null, signals: [], worse: false };
}

function checkedPoint(kind: ChartKind, p: SeriesPoint, index: number): DataPoint {
  const value = p.value!;
  if (!Number.isFinite(value)) throw new StatisticsError(`point ${p.period}: value must be a finite number, got ${value}`);
  if (kind === 'imr') return { index, period: p.period, value, n: 0, x: 0 };
  if (p.n === null || p.x === null || !(p.n > 0)) {
    throw new StatisticsError(`point ${p.period}: a ${kind} chart needs x and n > 0 when the period has a value`);
  }
  const ratio = p.x / p.n;
  if (Math.abs(value - ratio) > RATIO_TOLERANCE * Math.max(1, Math.abs(ratio))) {
    throw new StatisticsError(`point ${p.period}: value ${value} is not x/n = ${p.x}/${p.n}`);
  }
  return { index, period: p.period, value: ratio, n: p.n, x: p.x };
}

const percent = (share: number): string => `${Math.round(share * 1000) / 10} %`;

/** A baseline whose sigma would be 0 (p̄ = 0 or 1, ū = 0, MR̄ = 0) has no limits to judge against. */
function zeroVariationReason(kind: ChartKind, baseline: readonly DataPoint[]): string | null {
  const periods = `${baseline.length} baseline periods`;
  const noLimits = 'with no variation a control chart has nothing to set its limits from';
  if (kind === 'imr') {
    const first = baseline[0]!.value;
    return baseline.every((d) => d.value === first) ? `all ${periods} have the same value (${first}); ${noLimits}` : null;
  }
  const x = baseline.reduce((s, d) => s + d.x, 0);
  const n = baseline.reduce((s, d) => s + d.n, 0);
  if (kind === 'u') return x === 0 ? `the ${periods} counted no events over ${n} units; ${noLimits}` : null;
  if (x === 0 || x === n) return `the ${periods} are all at ${percent(x / n)} (${x} of ${n}); ${noLimits}`;
  return null;
}

interface Scale {
  center: number;
  sigma?: number;
  mrUcl?: number;
  sigmaAt(d: DataPoint): number;
  limitsAt(d: DataPoint): { lcl: number; ucl: number };
}

function chartScale(kind: ChartKind, baseline: readonly DataPoint[]): Scale {
  if (kind === 'imr') {
    const values = baseline.map((d) => d.value);
    const limits = individualsLimits(values);
    const sigma = individualsSigma(values);
    return {
      center: limits.individuals.center,
      sigma,
      mrUcl: limits.movingRange.ucl,
      sigmaAt: () => sigma,
      limitsAt: () => ({ lcl: limits.individuals.lcl, ucl: limits.individuals.ucl }),
    };
  }
  // pChart/uChart take the centre from the samples they are given; only the
  // baseline's are. Their per-point formula is then applied to every point
  // with that centre (and equals theirs on the baseline points).
  const center =
    kind === 'p'
      ? pChart(baseline.map((d) => ({ defectives: d.x, sampleSize: d.n }))).center
      : uChart(baseline.map((d) => ({ defects: d.x, units: d.n }))).center;
  const sigmaAt = (d: DataPoint) => Math.sqrt((kind === 'p' ? center * (1 - center) : center) / d.n);
  return {
    center,
    sigmaAt,
    limitsAt: (d) => {
      const half = 3 * sigmaAt(d);
      return { lcl: Math.max(0, center - half), ucl: kind === 'p' ? Math.min(1, center + half) : center + half };
    },
  };
}

/** |xᵢ − x_prev| between consecutive points with data (across gaps), like the baseline's MR̄. */
function movingRanges(points: readonly SeriesPoint[], data: readonly DataPoint[], ucl: number): MovingRangePoint[] {
  const mr = new Map<number, number>();
  for (let i = 1; i < data.length; i++) mr.set(data[i]!.index, Math.abs(data[i]!.value - data[i - 1]!.value));
  return points.map((p, index) => ({ period: p.period, value: mr.get(index) ?? null, ucl }));
}

/** One row of a Pareto table; shares are 0..1. */
export interface ParetoTableRow {
  key: string;
  count: number;
  share: number;
  cumulativeShare: number;
  /** In the vital few: up to and including the first key whose cumulative share reaches 80 %. */
  vital: boolean;
}

/**
 * Pareto table of counts (or weights) by key, largest first, ties by key.
 * Zero counts are dropped (a cause nobody had is not a bar); no counts at all
 * give an empty table. Keys must be unique.
 */
export function paretoTable(counts: readonly { key: string; count: number }[]): ParetoTableRow[] {
  const present = counts.filter((c) => c.count !== 0);
  if (present.length === 0) return [];
  return pareto(present.map((c) => ({ category: c.key, count: c.count }))).map((row) => ({
    key: row.category,
    count: row.count,
    share: row.percentage / 100,
    cumulativeShare: row.cumulativePercentage / 100,
    vital: row.vital,
  }));
}
