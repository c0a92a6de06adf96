/**
 * The control chart of a cycle's measurements, and where its limits come from.
 *
 * - A DMAIC cycle with a control plan: the API's limits (`statistics.control.limits`,
 *   an I chart from the improved data) and the API's signals
 *   (`statistics.control.monitoring.signals`, judged by the workflow as points arrived).
 * - Otherwise the API has no chart for a cycle's own measurements (its
 *   /analytics/control-chart is for KPI series), so the chart is computed here
 *   by src/domain/control-chart.ts, the same pure code the server uses for KPI
 *   charts: I-MR for a continuous metric, a p chart for a proportion whose
 *   measurements all carry a sample size. The limits come from the
 *   measurements taken before the change (PDCA Plan; DMAIC Define/Measure) of
 *   the current iteration when there are at least MIN_BASELINE_POINTS of them,
 *   else from the whole series; Western Electric rules 1–4 then run on every point.
 */
import { type ChartKind, MIN_BASELINE_POINTS, type SeriesPoint, buildControlChart } from '../../../../src/domain/control-chart';
import type { CycleDetail, CycleMeasurement } from './types';

export interface PlotPoint {
  seq: number;
  at: string;
  stage: string;
  value: number;
  center: number | null;
  ucl: number | null;
  lcl: number | null;
  rules: number[];
  worse: boolean;
}

export interface MeasurementChartData {
  kind: ChartKind;
  /** 'control-plan': limits and signals from the API; 'computed': from the measurements by the domain's chart code. */
  source: 'control-plan' | 'computed';
  status: 'ok' | 'insufficient';
  reason: string | null;
  points: PlotPoint[];
  /** The measurements the limits came from (computed charts). */
  baseline: { from: number; to: number; n: number } | null;
}

const BEFORE_CHANGE = new Set(['plan', 'define', 'measure']);
const key = (seq: number) => String(seq).padStart(9, '0');

export function measurementChart(cycle: CycleDetail): MeasurementChartData {
  const ms = cycle.measurements;
  const control = cycle.statistics.control;
  if (control) {
    const { center, ucl, lcl } = control.limits;
    const signals = new Map((control.monitoring?.signals ?? []).map((s) => [s.seq, s.rules]));
    const better = cycle.goal.direction === 'higher_is_better' ? 'higher' : 'lower';
    return {
      kind: 'imr',
      source: 'control-plan',
      status: 'ok',
      reason: null,
      baseline: null,
      points: ms.map((m) => {
        const rules = signals.get(m.seq) ?? [];
        return { seq: m.seq, at: m.at, stage: m.stage, value: m.value, center, ucl, lcl, rules, worse: rules.length > 0 && (better === 'higher' ? m.value < center : m.value > center) };
      }),
    };
  }
  const proportion = cycle.goal.metricType === 'proportion' && ms.length > 0 && ms.every((m) => m.sampleSize !== null);
  const kind: ChartKind = proportion ? 'p' : 'imr';
  const series: SeriesPoint[] = ms.map((m) => {
    if (kind === 'imr') return { period: key(m.seq), value: m.value, n: null, x: null };
    const n = m.sampleSize!;
    const x = Math.round(m.value * n);
    return { period: key(m.seq), value: x / n, n, x };
  });
  const before = ms.filter((m) => m.iteration === cycle.iteration && BEFORE_CHANGE.has(m.stage));
  const useBefore = before.length >= MIN_BASELINE_POINTS;
  const window = useBefore ? { from: key(before[0]!.seq), to: key(before[before.length - 1]!.seq) } : null;
  const plain = (reason: string): MeasurementChartData => ({
    kind,
    source: 'computed',
    status: 'insufficient',
    reason,
    baseline: null,
    points: ms.map((m, i) => ({ seq: m.seq, at: m.at, stage: m.stage, value: series[i]!.value!, center: null, ucl: null, lcl: null, rules: [], worse: false })),
  });
  let chart;
  try {
    chart = buildControlChart(kind, series, window, cycle.goal.direction === 'higher_is_better' ? 'higher' : 'lower');
  } catch (err) {
    return plain((err as Error).message);
  }
  if (chart.status === 'insufficient') return plain(chart.reason);
  const inWindow = useBefore ? before : ms;
  return {
    kind,
    source: 'computed',
    status: 'ok',
    reason: null,
    baseline: { from: inWindow[0]!.seq, to: inWindow[inWindow.length - 1]!.seq, n: chart.baseline.points },
    points: chart.points.map((p, i) => {
      const m: CycleMeasurement = ms[i]!;
      return { seq: m.seq, at: m.at, stage: m.stage, value: p.value!, center: p.center, ucl: p.ucl, lcl: p.lcl, rules: p.signals, worse: p.worse };
    }),
  };
}
