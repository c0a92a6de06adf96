/**
 * Cycle metrics bound to a KPI of the live complaint data (src/domain/kpi.ts):
 * when a bound metric is measured, whether a goal fits its KPI, and the DMAIC
 * data a bound cycle derives from its measurements. Pure; the reducer
 * (src/domain/cycle.ts) and the API use it.
 *
 * Periods: a KPI period (a day, an ISO week, a month) is cut in the area's
 * time zone and ends at local midnight after its last day. It is measured
 * MEASURE_GRACE_MS after it ends, so complaints written in its last minutes
 * (the persistence activity, the rollups) have landed. The value measured is
 * the KPI as it stood then: a complaint counts in the period of its intake day
 * (a cohort) and a clock decided later does not rewrite a recorded period (a
 * measurement, once recorded, is never changed: the control chart and the
 * audit trail keep what was seen).
 */
import { startOfLocalDay } from './calendar';
import type { DataInput, SmartGoal } from './cycle-analysis';
import { type ComplaintFact, type Dimension, type KpiBinding, type KpiPeriod, KPIS, addDays, dayInZone, dimensionValue, isKpiId, kpiFilterProblem, periodBounds, periodOf } from './kpi';

const MINUTE = 60_000;

/** How long after a KPI period ends its measurement is taken. */
export const MEASURE_GRACE_MS = 15 * MINUTE;

/**
 * At most this many periods are measured in one go: a cycle woken after a
 * long outage catches up in steps (30 months stay within one KPI query's range).
 */
export const MAX_PERIODS_PER_COLLECTION = 30;

/** The instant a period ends: local midnight after its last day, in the binding's time zone. */
export function periodEndsAt(key: string, period: KpiPeriod, timeZone: string): number {
  return startOfLocalDay(addDays(periodBounds(key, period).last, 1), timeZone);
}

/** The period after `key`. */
export function nextPeriodKey(key: string, period: KpiPeriod): string {
  return periodOf(addDays(periodBounds(key, period).last, 1), period);
}

/** The period an instant falls in, in a time zone. */
export function periodAt(epochMs: number, period: KpiPeriod, timeZone: string): string {
  return periodOf(dayInZone(epochMs, timeZone), period);
}

/** The goal's metric type and direction a KPI needs: shares on a p chart are proportions; everything else is continuous. */
export function goalShapeOf(kpi: KpiBinding['kpi']): Pick<SmartGoal, 'metricType' | 'direction'> {
  const def = KPIS[kpi];
  return { metricType: def.chart === 'p' ? 'proportion' : 'continuous', direction: def.better === 'higher' ? 'higher_is_better' : 'lower_is_better' };
}

/**
 * Why a goal cannot be measured by a KPI (empty when it can). Paths are
 * relative to the intake (`goal.metricType`, `binding.kpi`).
 */
export function bindingProblems(goal: Pick<SmartGoal, 'metricType' | 'direction'>, binding: Pick<KpiBinding, 'kpi'> & { filter?: KpiBinding['filter'] }): { path: string; message: string }[] {
  if (!isKpiId(binding.kpi)) return [{ path: 'binding.kpi', message: `unknown KPI ${binding.kpi as string}` }];
  const shape = goalShapeOf(binding.kpi);
  const out: { path: string; message: string }[] = [];
  // A survey KPI has no dimension values: a filtered series of it would be refused at every measurement.
  const filterProblem = kpiFilterProblem(binding.kpi, binding.filter ?? null);
  if (filterProblem) out.push({ path: 'binding.filter', message: filterProblem });
  if (goal.metricType !== shape.metricType) {
    out.push({ path: 'goal.metricType', message: `${binding.kpi} is measured as a ${shape.metricType === 'proportion' ? 'proportion (p chart: a share of n)' : 'continuous value'}: goal.metricType must be ${shape.metricType}` });
  }
  if (goal.direction !== shape.direction) out.push({ path: 'goal.direction', message: `${binding.kpi} is better ${KPIS[binding.kpi].better}: goal.direction must be ${shape.direction}` });
  return out;
}

/** A measurement of a bound metric as the DMAIC statistics see it. */
export interface BoundPoint {
  value: number;
  sampleSize: number | null;
}

/**
 * DMAIC data from bound measurements. A proportion (a share of n) becomes
 * discrete data, one opportunity per complaint (or clock): the defects are the
 * outcomes on the worse side (misses of an attainment, breaches of a breach
 * rate), so DPMO and the two-proportion test speak of the same events as the
 * KPI. Any other KPI becomes the continuous series of its period values.
 */
export function boundDataInput(goal: Pick<SmartGoal, 'metricType' | 'direction'>, points: readonly BoundPoint[]): DataInput {
  if (goal.metricType === 'proportion') {
    let units = 0;
    let defects = 0;
    for (const p of points) {
      const n = p.sampleSize ?? 0;
      const successes = Math.round(p.value * n);
      units += n;
      defects += goal.direction === 'higher_is_better' ? n - successes : successes;
    }
    return { kind: 'discrete', defects, units, opportunitiesPerUnit: 1 };
  }
  return { kind: 'continuous', values: points.map((p) => p.value) };
}

/**
 * Whether a complaint is in a bound metric's scope (its area being checked by
 * the caller): no filter covers the whole area, else the complaint's value of
 * the filter's dimension must be the filter's value (a cause only once resolved).
 */
export function filterCovers(filter: { dimension: Dimension; value: string } | null, fact: ComplaintFact): boolean {
  return filter === null || dimensionValue(fact, filter.dimension) === filter.value;
}
