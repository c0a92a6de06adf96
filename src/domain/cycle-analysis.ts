/**
 * The statistics an improvement cycle needs, in the cycle's own terms: a SMART
 * goal, a PDCA check report (baseline vs after, goal met, significance with
 * the test that fits the metric type), a DMAIC baseline (discrete: DPMO and
 * sigma level; continuous: mean, sd, capability), a pilot comparison, and
 * control limits with Western Electric signals. Pure: the workflow runs it.
 *
 * Statistical errors (zero variance, too few points) surface as
 * DomainError INVALID_ACTION with the statistic's own message, never NaN.
 */
import { DomainError, ErrorCode } from './errors';
import {
  StatisticsError,
  cp,
  cpk,
  dpmo,
  individualsLimits,
  individualsSigma,
  mean,
  median,
  oneProportionZTest,
  oneSampleTTest,
  pp,
  ppk,
  processYield,
  sampleStdDev,
  sigmaLevel,
  twoProportionZTest,
  welchTTest,
  westernElectricViolations,
} from './statistics';

export const DIRECTIONS = ['higher_is_better', 'lower_is_better'] as const;
export type Direction = (typeof DIRECTIONS)[number];
export const METRIC_TYPES = ['continuous', 'proportion'] as const;
export type MetricType = (typeof METRIC_TYPES)[number];

/** Significance level of every test in a report. */
export const ALPHA = 0.05;

export interface SmartGoal {
  metric: string;
  unit: string;
  direction: Direction;
  /** `proportion`: each measurement is a share in [0, 1] of a sample of `sampleSize`. */
  metricType: MetricType;
  baseline: number;
  target: number;
  /** Epoch ms. */
  deadline: number;
}

/** Why a goal is not SMART enough to run a cycle on (empty when it is). Paths are relative to the goal. */
export function goalProblems(goal: Pick<SmartGoal, 'direction' | 'metricType' | 'baseline' | 'target'>): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  if (goal.metricType === 'proportion') {
    if (goal.baseline < 0 || goal.baseline > 1) out.push({ path: 'baseline', message: 'a proportion goal needs a baseline in [0, 1]' });
    if (goal.target < 0 || goal.target > 1) out.push({ path: 'target', message: 'a proportion goal needs a target in [0, 1]' });
  }
  const better = goal.direction === 'higher_is_better' ? goal.target > goal.baseline : goal.target < goal.baseline;
  if (!better) out.push({ path: 'target', message: `the target must be ${goal.direction === 'higher_is_better' ? 'above' : 'below'} the baseline (${goal.direction})` });
  return out;
}

export function meetsTarget(goal: Pick<SmartGoal, 'direction' | 'target'>, value: number): boolean {
  return goal.direction === 'higher_is_better' ? value >= goal.target : value <= goal.target;
}

/** Change from `from` to `to` in %, positive when it moved in the goal's better direction; null from 0. */
export function improvementPct(direction: Direction, from: number, to: number): number | null {
  if (from === 0) return null;
  const change = ((to - from) / Math.abs(from)) * 100;
  return direction === 'higher_is_better' ? change : -change;
}

/** Runs a statistic; its input errors become a business error naming what was wrong. */
export function statistic<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof StatisticsError) throw new DomainError(ErrorCode.INVALID_ACTION, `${what}: ${err.message}`);
    throw err;
  }
}

// ------------------------------------------------------------ PDCA check

export interface MeasurementPoint {
  value: number;
  /** Sample size behind a proportion. */
  sampleSize?: number;
}

export type SignificanceTest =
  | { name: 'welch_t' | 'one_sample_t'; statistic: number; df: number; pValue: number; alpha: number; significant: boolean }
  | { name: 'two_proportion_z' | 'one_proportion_z'; statistic: number; pValue: number; alpha: number; significant: boolean }
  | { name: 'none'; reason: string };

export interface SampleSummary {
  /** Mean value (for proportions: pooled share, Σ successes / Σ sample sizes). */
  mean: number;
  /** Number of measurements. */
  n: number;
}

export interface CheckReport {
  computedAt: number;
  baseline: SampleSummary & { source: 'measurements' | 'goal' };
  after: SampleSummary;
  target: number;
  direction: Direction;
  improvementPct: number | null;
  goalMet: boolean;
  test: SignificanceTest;
}

const successesOf = (p: MeasurementPoint) => Math.round(p.value * (p.sampleSize ?? 1));
const pooled = (points: readonly MeasurementPoint[]) => {
  const n = points.reduce((a, p) => a + (p.sampleSize ?? 1), 0);
  return { successes: points.reduce((a, p) => a + successesOf(p), 0), n };
};

function summarise(type: MetricType, points: readonly MeasurementPoint[]): SampleSummary {
  if (type === 'proportion') {
    const { successes, n } = pooled(points);
    return { mean: successes / n, n: points.length };
  }
  return { mean: mean(points.map((p) => p.value)), n: points.length };
}

/** Tests "after differs from before" with the test that fits the data; a test that cannot run says why. */
function significance(goal: SmartGoal, before: readonly MeasurementPoint[], after: readonly MeasurementPoint[], baselineMean: number): SignificanceTest {
  const verdict = (pValue: number) => ({ pValue, alpha: ALPHA, significant: pValue < ALPHA });
  try {
    if (goal.metricType === 'proportion') {
      const a = pooled(after);
      if (before.length > 0) {
        const b = pooled(before);
        const r = twoProportionZTest(a.successes, a.n, b.successes, b.n);
        return { name: 'two_proportion_z', statistic: r.z, ...verdict(r.pValue) };
      }
      const r = oneProportionZTest(a.successes, a.n, goal.baseline);
      return { name: 'one_proportion_z', statistic: r.z, ...verdict(r.pValue) };
    }
    const values = after.map((p) => p.value);
    if (before.length >= 2) {
      const r = welchTTest(values, before.map((p) => p.value));
      return { name: 'welch_t', statistic: r.t, df: r.df, ...verdict(r.pValue) };
    }
    // One baseline value (the goal's, or a single measurement): test against the baseline the report shows.
    const r = oneSampleTTest(values, baselineMean);
    return { name: 'one_sample_t', statistic: r.t, df: r.df, ...verdict(r.pValue) };
  } catch (err) {
    if (err instanceof StatisticsError) return { name: 'none', reason: err.message };
    throw err;
  }
}

/**
 * The Check phase's evaluation. `before`: measurements taken before the change
 * (the Plan phase); when there are none the goal's baseline value stands in.
 * With fewer than two baseline values a continuous metric gets a one-sample
 * test against the baseline the report shows. `after`: measurements since the change.
 */
export function checkReport(goal: SmartGoal, before: readonly MeasurementPoint[], after: readonly MeasurementPoint[], now: number): CheckReport {
  if (after.length === 0) throw new DomainError(ErrorCode.INVALID_ACTION, 'no measurements since the change: record post-change measurements first');
  const afterSummary = summarise(goal.metricType, after);
  const baseline = before.length > 0 ? { ...summarise(goal.metricType, before), source: 'measurements' as const } : { mean: goal.baseline, n: 0, source: 'goal' as const };
  return {
    computedAt: now,
    baseline,
    after: afterSummary,
    target: goal.target,
    direction: goal.direction,
    improvementPct: improvementPct(goal.direction, baseline.mean, afterSummary.mean),
    goalMet: meetsTarget(goal, afterSummary.mean),
    test: significance(goal, before, after, baseline.mean),
  };
}

/** Mean of a series in the goal's terms (pooled share for proportions). */
export function seriesMean(type: MetricType, points: readonly MeasurementPoint[]): number {
  return summarise(type, points).mean;
}

// ---------------------------------------------------------- DMAIC baseline

export type DataInput =
  | { kind: 'discrete'; defects: number; units: number; opportunitiesPerUnit: number }
  | { kind: 'continuous'; values: number[]; lsl?: number; usl?: number };

export type DataStats =
  | {
      kind: 'discrete';
      defects: number;
      units: number;
      opportunitiesPerUnit: number;
      dpmo: number;
      /** Share of defect-free opportunities, 0..1. */
      yield: number;
      /** Short-term sigma level (1.5σ shift); null when there are no defects (beyond what the data can estimate). */
      sigmaLevel: number | null;
    }
  | {
      kind: 'continuous';
      n: number;
      mean: number;
      sd: number;
      median: number;
      lsl: number | null;
      usl: number | null;
      /** Capability against the spec limits (within sigma from the moving range); null when a limit needed is missing. */
      cp: number | null;
      cpk: number | null;
      pp: number | null;
      ppk: number | null;
    };

/** Baseline (or pilot) statistics for DMAIC data. */
export function dataStats(input: DataInput): DataStats {
  if (input.kind === 'discrete') {
    return statistic('discrete data', () => {
      const d = dpmo(input.defects, input.units, input.opportunitiesPerUnit);
      return {
        kind: 'discrete' as const,
        defects: input.defects,
        units: input.units,
        opportunitiesPerUnit: input.opportunitiesPerUnit,
        dpmo: d,
        yield: processYield(input.defects, input.units, input.opportunitiesPerUnit),
        sigmaLevel: d === 0 ? null : sigmaLevel(d),
      };
    });
  }
  return statistic('continuous data', () => {
    const { values } = input;
    const sd = sampleStdDev(values);
    if (sd === 0) throw new StatisticsError('values have zero variance');
    const spec = { lsl: input.lsl, usl: input.usl };
    const hasSpec = input.lsl !== undefined || input.usl !== undefined;
    const both = input.lsl !== undefined && input.usl !== undefined;
    const m = mean(values);
    const sigmaWithin = hasSpec ? individualsSigma(values) : 0;
    return {
      kind: 'continuous' as const,
      n: values.length,
      mean: m,
      sd,
      median: median(values),
      lsl: input.lsl ?? null,
      usl: input.usl ?? null,
      cp: both ? cp(spec, sigmaWithin) : null,
      cpk: hasSpec ? cpk(spec, m, sigmaWithin) : null,
      pp: both ? pp(spec, values) : null,
      ppk: hasSpec ? ppk(spec, values) : null,
    };
  });
}

export interface PilotComparison {
  pilot: DataStats;
  /** Baseline → pilot in the goal's better direction (DPMO always lower-is-better). */
  improvementPct: number | null;
  test: SignificanceTest;
}

/** Pilot data against the baseline, with the same kind of data. */
export function comparePilot(goal: SmartGoal, baseline: DataStats, baselineValues: readonly number[], pilotInput: DataInput): PilotComparison {
  if (pilotInput.kind !== baseline.kind) {
    throw new DomainError(ErrorCode.INVALID_ACTION, `pilot data must be ${baseline.kind} like the baseline`);
  }
  const pilot = dataStats(pilotInput);
  const verdict = (pValue: number) => ({ pValue, alpha: ALPHA, significant: pValue < ALPHA });
  let test: SignificanceTest;
  try {
    if (pilot.kind === 'discrete' && baseline.kind === 'discrete') {
      const r = twoProportionZTest(pilot.defects, pilot.units * pilot.opportunitiesPerUnit, baseline.defects, baseline.units * baseline.opportunitiesPerUnit);
      test = { name: 'two_proportion_z', statistic: r.z, ...verdict(r.pValue) };
    } else {
      const r = welchTTest((pilotInput as { values: number[] }).values, baselineValues);
      test = { name: 'welch_t', statistic: r.t, df: r.df, ...verdict(r.pValue) };
    }
  } catch (err) {
    if (!(err instanceof StatisticsError)) throw err;
    test = { name: 'none', reason: err.message };
  }
  const improvement =
    pilot.kind === 'discrete' && baseline.kind === 'discrete'
      ? improvementPct('lower_is_better', baseline.dpmo, pilot.dpmo)
      : improvementPct(goal.direction, (baseline as { mean: number }).mean, (pilot as { mean: number }).mean);
  return { pilot, improvementPct: improvement, test };
}

// ---------------------------------------------------------------- control

export interface IndividualsControlLimits {
  chart: 'individuals';
  center: number;
  ucl: number;
  lcl: number;
  /** Within sigma (average moving range / d2): the zone width for the run rules. */
  sigma: number;
  movingRange: { center: number; ucl: number };
  /** Points the limits were computed from. */
  n: number;
}

/** I-MR limits from the improved process's data (at least two points, not all equal). */
export function controlLimits(improvedData: readonly number[]): IndividualsControlLimits {
  return statistic('improved data', () => {
    const l = individualsLimits(improvedData);
    return {
      chart: 'individuals' as const,
      center: l.individuals.center,
      ucl: l.individuals.ucl,
      lcl: l.individuals.lcl,
      sigma: (l.individuals.ucl - l.individuals.center) / 3,
      movingRange: { center: l.movingRange.center, ucl: l.movingRange.ucl },
      n: improvedData.length,
    };
  });
}

/**
 * Western Electric signals completed by the points from `firstNew` on, in a
 * series monitored against fixed limits. Earlier points are context for the
 * run rules only; their own signals were reported when they arrived.
 */
export function newSignals(points: readonly number[], limits: IndividualsControlLimits, firstNew: number): { index: number; rules: number[] }[] {
  const byIndex = new Map<number, number[]>();
  for (const v of westernElectricViolations(points, limits.center, limits.sigma)) {
    if (v.index < firstNew) continue;
    byIndex.set(v.index, [...(byIndex.get(v.index) ?? []), v.rule]);
  }
  return [...byIndex.entries()].map(([index, rules]) => ({ index, rules }));
}
