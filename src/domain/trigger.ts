/**
 * Improvement triggers: a condition on a KPI of one service area, and the
 * improvement cycle to open when it holds. Pure: the evaluation service reads
 * the series, this module decides.
 *
 * Semantics:
 * - Only completed periods count. The current period (day, ISO week or month
 *   in the area's time zone) is partial and never read; the window is the
 *   `lookbackPeriods` periods before it, oldest first.
 * - The subject is what a signal is about, and what the cycle it opens is
 *   bound to: for `spc` and `threshold` the trigger's filter (`category=billing`,
 *   or `all`); for `pareto` the key that dominates (`cause=double_charge`).
 *   At most one cycle is open per (trigger, subject); a later signal adds
 *   evidence to it (src/services/triggers.ts).
 * - `spc`: the KPI's control chart (src/domain/control-chart.ts), limits from
 *   the window's first `baselinePeriods` periods; fires when the latest
 *   completed period carries a Western Electric signal on the worse side.
 * - `threshold`: fires when the objective (the trigger's own target, else the
 *   area's objective for that KPI) was missed in each of the last `periods`
 *   completed periods; a period without data breaks the run.
 * - `pareto`: fires when one key (cause, category or channel) is at least
 *   `share` of the area's complaints, and at least `minComplaints` of them, in
 *   each of the last `periods` completed periods. When several keys qualify,
 *   the largest in the latest period is the subject. Shares of causes are of
 *   the complaints that have one (resolved with a cause): an unresolved
 *   complaint has no cause yet and is not counted.
 * - A trigger that cannot evaluate (no data, too few periods for control
 *   limits, no target, no service volume for a rate) says why instead of firing.
 * - The proposed goal: the area's objective for the KPI when it is better than
 *   the measured baseline; otherwise (no objective, or one the baseline already
 *   meets, as after a shift from a very good level) half the gap between the
 *   baseline and the KPI's best value (0 for "lower is better", 100 % for
 *   shares, 5 for ratings, an NPS of 100; for a SERVQUAL gap below 0,
 *   expectations met: 0). The owner edits it in Plan/Define.
 */
import type { Actor } from './actors';
import { type ChartPoint, type ControlChartWithLimits, type ParetoTableRow, type SeriesPoint, MIN_BASELINE_POINTS, buildControlChart, paretoTable } from './control-chart';
import { type BoundMetric, type CycleIntake, type CycleType, type EvidenceItem, DEFAULT_CYCLE_SETTINGS } from './cycle';
import type { SmartGoal } from './cycle-analysis';
import { goalShapeOf, periodEndsAt } from './cycle-binding';
import { sha256Hex } from './hashing';
import { type Dimension, type KpiId, type KpiPeriod, KPIS, UNIT_RANGE, addDays, dayInZone, kpiFilterProblem, kpiTargetProblem, periodBounds, periodOf } from './kpi';
import type { Comparator, QualityObjective } from './service-area';

const DAY_MS = 86_400_000;

export const TRIGGER_CONDITION_TYPES = ['spc', 'threshold', 'pareto'] as const;
export type TriggerConditionType = (typeof TRIGGER_CONDITION_TYPES)[number];
/** What a Pareto trigger counts complaints by. */
export const PARETO_DIMENSIONS = ['cause', 'category', 'channel'] as const satisfies readonly Dimension[];
export type ParetoDimension = (typeof PARETO_DIMENSIONS)[number];

/** Bounds the API enforces (and `triggerProblems` relies on). */
export const TRIGGER_LIMITS = { lookbackPeriods: { min: 2, max: 400 }, deadlineDays: { min: 1, max: 730 } } as const;
/** Longest lookback per period: three years, the longest range a KPI query reads (src/services/analytics.ts). */
export const MAX_LOOKBACK: Readonly<Record<KpiPeriod, number>> = { day: 400, week: 156, month: 36 };

export type TriggerCondition =
  | { type: 'spc'; baselinePeriods: number }
  /** `target` absent: the area's objective for the KPI (with `comparator`, if given, picking which). */
  | { type: 'threshold'; comparator?: Comparator; target?: number; periods: number }
  | { type: 'pareto'; by: ParetoDimension; share: number; periods: number; minComplaints: number };

export interface TriggerAction {
  cycleType: CycleType;
  sponsorId: string;
  /** Who signs the cycle's gates; default: the sponsor. */
  approvers?: string[];
  /** The proposed goal's deadline, counted from the opening. */
  deadlineDays: number;
  /** Default: written from the signal. */
  title?: string;
}

/** What a trigger version says, independent of how it is stored. */
export interface TriggerDefinition {
  name: string;
  areaId: string;
  enabled: boolean;
  kpi: KpiId;
  /** Narrows the KPI to one dimension value (not for `pareto`, which looks at all of the area's complaints). */
  filter: { dimension: Dimension; value: string } | null;
  period: KpiPeriod;
  /** How many completed periods are read. */
  lookbackPeriods: number;
  condition: TriggerCondition;
  action: TriggerAction;
}

export interface TriggerVersion extends TriggerDefinition {
  triggerId: string;
  version: number;
}

type FieldProblem = { path: string; message: string };

/**
 * Business rules a trigger definition must satisfy beyond its shape (the API
 * checks types and ranges); empty = valid. Paths are relative to the definition.
 */
export function triggerProblems(def: TriggerDefinition): FieldProblem[] {
  const out: FieldProblem[] = [];
  const c = def.condition;
  const kpi = KPIS[def.kpi];
  if (!kpi) return [{ path: 'kpi', message: `unknown KPI ${def.kpi}` }];
  if (def.lookbackPeriods > MAX_LOOKBACK[def.period]) out.push({ path: 'lookbackPeriods', message: `at most ${MAX_LOOKBACK[def.period]} ${def.period}s (three years)` });
  if (c.type === 'spc') {
    if (c.baselinePeriods < MIN_BASELINE_POINTS) out.push({ path: 'condition.baselinePeriods', message: `a control chart needs at least ${MIN_BASELINE_POINTS} baseline periods` });
    if (c.baselinePeriods >= def.lookbackPeriods) out.push({ path: 'condition.baselinePeriods', message: `must be fewer than lookbackPeriods (${def.lookbackPeriods}): the latest period is judged against the baseline` });
  } else if (c.periods > def.lookbackPeriods) {
    out.push({ path: 'condition.periods', message: `cannot exceed lookbackPeriods (${def.lookbackPeriods})` });
  }
  if (c.type === 'threshold' && c.target !== undefined) {
    const problem = kpiTargetProblem(def.kpi, c.target);
    if (problem) out.push({ path: 'condition.target', message: problem });
  }
  if (c.type === 'pareto' && def.filter !== null) out.push({ path: 'filter', message: "a Pareto trigger looks at all of the area's complaints: leave the filter null" });
  // A survey KPI has no dimension values: neither a filter nor a Pareto subject (which binds the cycle to one) can narrow it.
  if (kpi.areaOnly) {
    if (c.type === 'pareto') out.push({ path: 'kpi', message: `${def.kpi} is measured per service area only: a Pareto trigger binds its cycle to one ${c.by}, choose a complaint KPI` });
    else if (def.filter !== null) out.push({ path: 'filter', message: kpiFilterProblem(def.kpi, def.filter)! });
  }
  const approvers = def.action.approvers ?? [];
  if (new Set(approvers).size !== approvers.length) out.push({ path: 'action.approvers', message: 'an approver is listed twice' });
  return out;
}

// ------------------------------------------------------------------ window

/**
 * The completed periods a trigger reads at `now`: the `count` periods before
 * the current (partial) one in `timeZone`, oldest first, with their first and
 * last day.
 */
export function completedPeriods(period: KpiPeriod, timeZone: string, now: number, count: number): { periods: string[]; from: string; to: string; current: string } {
  const current = periodOf(dayInZone(now, timeZone), period);
  const periods: string[] = [];
  let day = periodBounds(current, period).first;
  for (let i = 0; i < count; i++) {
    const key = periodOf(addDays(day, -1), period);
    periods.unshift(key);
    day = periodBounds(key, period).first;
  }
  return { periods, from: periodBounds(periods[0]!, period).first, to: periodBounds(periods[periods.length - 1]!, period).last, current };
}

/** The subject of a KPI filter: `category=billing`, or `all`. */
export function subjectOf(filter: { dimension: string; value: string } | null): string {
  return filter ? `${filter.dimension}=${filter.value}` : 'all';
}

/** The id of the n-th cycle a trigger opens for a subject (n from 1): the same on every retry. */
export function triggerCycleId(triggerId: string, subject: string, n: number): string {
  return `y_${sha256Hex(`${triggerId}|${subject}|${n}`).slice(0, 24)}`;
}

// -------------------------------------------------------------- evaluation

/** One period of the area's complaints counted by key (the Pareto query's answer). */
export interface ParetoPeriod {
  period: string;
  /** The area's complaints in the period. */
  total: number;
  counts: { key: string; count: number }[];
}

export interface TriggerInputs {
  /** The area's quality objectives (its latest version). */
  objectives: readonly QualityObjective[];
  timeZone: string;
  /**
   * The KPI series of the subject over the window: for `spc` and `threshold`
   * the trigger's filter; for `pareto` the dominating key (see `paretoSubject`).
   * Periods missing from it count as gaps.
   */
  series: readonly SeriesPoint[] | null;
  /** `pareto` only: the area's complaints by key, per period of the window. */
  pareto?: readonly ParetoPeriod[] | null;
}

export interface TriggerSignal {
  outcome: 'signal';
  kind: TriggerConditionType;
  subject: string;
  /** The KPI filter of the subject: what the opened cycle is bound to. */
  filter: { dimension: Dimension; value: string } | null;
  /** The latest period in the signal. */
  period: string;
  /** Every period the signal rests on, oldest first. */
  periods: string[];
  /** One sentence: which KPI, which periods, the numbers. */
  summary: string;
  /** The chart points or the Pareto tables, as they were. */
  data: unknown;
  /** The subject's KPI over the signal's periods: the cycle's starting point. */
  baseline: { value: number; periods: string[]; points: SeriesPoint[] };
  proposedGoal: Omit<SmartGoal, 'deadline'>;
  /** Where the target came from. */
  targetSource: 'objective' | 'half_gap';
  /** The objective missed or watched, if any. */
  objective: { comparator: Comparator; target: number; source: 'trigger' | 'objective' } | null;
}

export type TriggerEvaluation = TriggerSignal | { outcome: 'quiet'; reason: string } | { outcome: 'cannot_evaluate'; reason: string };

const percent = (share: number) => `${(Math.round(share * 1000) / 10).toFixed(1)} %`;
const trimmed = (v: number, digits: number) => String(Math.round(v * 10 ** digits) / 10 ** digits);

/** A KPI value in its unit, for sentences. */
export function formatKpiValue(kpi: KpiId, value: number): string {
  switch (KPIS[kpi].unit) {
    case 'share':
      return percent(value);
    case 'business minutes':
      return `${trimmed(value, 1)} business minutes`;
    case 'rating':
      return trimmed(value, 2);
    case 'per 1,000 units':
      return `${trimmed(value, 2)} per 1,000 units`;
    case 'count':
      return trimmed(value, 1);
    case 'NPS points':
      return `NPS ${trimmed(value, 1)}`;
    case 'gap points':
      // Signed: a gap's sign says whether expectations were exceeded or missed.
      return `${value > 0 ? '+' : ''}${trimmed(value, 2)} points`;
  }
}

const listOf = (items: readonly string[]) => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`);
const span = (periods: readonly string[]) => (periods.length === 1 ? periods[0]! : `${periods[0]} to ${periods[periods.length - 1]}`);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The series as one point per window period (missing periods become gaps; periods outside the window are dropped). */
function aligned(series: readonly SeriesPoint[], periods: readonly string[]): SeriesPoint[] {
  const byPeriod = new Map(series.map((p) => [p.period, p]));
  return periods.map((period) => {
    const p = byPeriod.get(period);
    return p ? { period, value: p.value, x: p.x, n: p.n } : { period, value: null, x: null, n: null };
  });
}

/** Why a period has no value, in words: a rate without service volume says so. */
function noValueReason(def: TriggerDefinition, areaId: string, points: readonly SeriesPoint[], subject: string): string {
  const where = `in area ${areaId}${subject === 'all' ? '' : ` (${subject})`}`;
  if (KPIS[def.kpi].needsVolume && points.some((p) => p.value === null && (p.x ?? 0) > 0)) {
    return `${KPIS[def.kpi].label} needs the service volume, and none is recorded ${where} for ${span(points.filter((p) => p.value === null).map((p) => p.period))}`;
  }
  return `no ${KPIS[def.kpi].label} data ${where} in ${span(points.map((p) => p.period))}`;
}

/**
 * The KPI over several periods: pooled for p and u charts (Σx / Σn, each
 * period weighted by its size), the mean of the period values otherwise.
 */
export function pooledValue(kpi: KpiId, points: readonly SeriesPoint[]): number | null {
  const withData = points.filter((p) => p.value !== null);
  if (withData.length === 0) return null;
  if (KPIS[kpi].chart !== 'imr' && withData.every((p) => p.x !== null && p.n !== null && p.n > 0)) {
    return withData.reduce((s, p) => s + p.x!, 0) / withData.reduce((s, p) => s + p.n!, 0);
  }
  return withData.reduce((s, p) => s + p.value!, 0) / withData.length;
}

/** The objective a trigger judges against: its own target, else the area's objective for the KPI. */
function objectiveFor(def: TriggerDefinition, objectives: readonly QualityObjective[]): TriggerSignal['objective'] {
  const c = def.condition;
  const fallbackComparator: Comparator = KPIS[def.kpi].better === 'higher' ? '>=' : '<=';
  if (c.type === 'threshold' && c.target !== undefined) return { comparator: c.comparator ?? fallbackComparator, target: c.target, source: 'trigger' };
  const wanted = c.type === 'threshold' ? c.comparator : undefined;
  const found = objectives.find((o) => o.kpi === def.kpi && (wanted === undefined || o.comparator === wanted));
  return found ? { comparator: found.comparator, target: found.target, source: 'objective' } : null;
}

const meets = (o: { comparator: Comparator; target: number }, value: number) => (o.comparator === '>=' ? value >= o.target : value <= o.target);

/**
 * The value "half the gap" is measured towards: the best a KPI can reach; for
 * a SERVQUAL gap below 0, expectations met (0), and only above that the top of
 * the scale.
 */
function idealOf(kpi: KpiId, baseline: number): number {
  const d = KPIS[kpi];
  if (d.better === 'lower') return 0;
  if (d.unit === 'gap points' && baseline < 0) return 0;
  return UNIT_RANGE[d.unit].max;
}

/** The goal proposed for a baseline; null when the baseline is already at the KPI's best value. */
function proposeGoal(
  def: TriggerDefinition,
  subject: string,
  baseline: number,
  objective: TriggerSignal['objective'],
): { goal: Omit<SmartGoal, 'deadline'>; targetSource: TriggerSignal['targetSource'] } | null {
  const d = KPIS[def.kpi];
  const higher = d.better === 'higher';
  const better = (target: number) => (higher ? target > baseline : target < baseline);
  let target: number;
  let targetSource: TriggerSignal['targetSource'];
  if (objective && better(objective.target)) {
    target = objective.target;
    targetSource = 'objective';
  } else {
    const half = baseline + (idealOf(def.kpi, baseline) - baseline) / 2;
    const rounded = Math.round(half * 10_000) / 10_000;
    target = better(rounded) ? rounded : half;
    if (!better(target)) return null;
    targetSource = 'half_gap';
  }
  return {
    goal: {
      metric: `${d.label}${subject === 'all' ? '' : ` (${subject})`}, per ${def.period}`,
      unit: d.unit,
      ...goalShapeOf(def.kpi),
      baseline,
      target,
    },
    targetSource,
  };
}

/**
 * Which key dominates the area's complaints in each of the last `periods`
 * completed periods; when several do, the largest in the latest period.
 */
export function paretoSubject(
  def: TriggerDefinition,
  pareto: readonly ParetoPeriod[],
  periods: readonly string[],
): { key: string; tables: { period: string; total: number; rows: ParetoTableRow[] }[] } | { outcome: 'quiet' | 'cannot_evaluate'; reason: string } {
  const c = def.condition;
  if (c.type !== 'pareto') throw new TypeError('paretoSubject needs a Pareto trigger');
  const byPeriod = new Map(pareto.map((p) => [p.period, p]));
  const last = periods.slice(-c.periods);
  const tables = last.map((period) => {
    const p = byPeriod.get(period);
    return { period, total: p?.total ?? 0, rows: paretoTable(p?.counts ?? []) };
  });
  if (tables.every((t) => t.total === 0)) return { outcome: 'cannot_evaluate', reason: `no complaints in area ${def.areaId} in ${span(last)}` };
  const latest = tables[tables.length - 1]!;
  if (latest.total === 0) return { outcome: 'quiet', reason: `no complaints in area ${def.areaId} in ${latest.period}` };
  const qualifies = (key: string) =>
    tables.every((t) => {
      const row = t.rows.find((r) => r.key === key);
      return !!row && t.total > 0 && row.count / t.total >= c.share && row.count >= c.minComplaints;
    });
  // Rows are largest first: the first key that qualifies is the largest one.
  const key = latest.rows.find((r) => qualifies(r.key))?.key;
  if (key === undefined) {
    const top = latest.rows[0];
    const topText = top ? `the largest ${c.by} in ${latest.period} was ${top.key} with ${percent(top.count / latest.total)} (${top.count} of ${latest.total})` : `no complaint in ${latest.period} has a ${c.by}`;
    return { outcome: 'quiet', reason: `no ${c.by} reached ${percent(c.share)} of the complaints (and at least ${c.minComplaints} of them) in each of ${span(last)}; ${topText}` };
  }
  return { key, tables };
}

/**
 * Evaluates a trigger at `now` on the series read for it (see `TriggerInputs`):
 * a signal with everything a cycle needs, quiet, or why it cannot evaluate.
 */
export function evaluateTrigger(def: TriggerDefinition, inputs: TriggerInputs, now: number): TriggerEvaluation {
  const { periods } = completedPeriods(def.period, inputs.timeZone, now, def.lookbackPeriods);
  const d = KPIS[def.kpi];
  const c = def.condition;
  const objective = objectiveFor(def, inputs.objectives);

  let subject = subjectOf(def.filter);
  let filter = def.filter;
  let signalPeriods: string[];
  let summary: string;
  let data: unknown;
  const points = aligned(inputs.series ?? [], periods);

  if (c.type === 'pareto') {
    const found = paretoSubject(def, inputs.pareto ?? [], periods);
    if ('outcome' in found) return found;
    filter = { dimension: c.by, value: found.key };
    subject = subjectOf(filter);
    signalPeriods = found.tables.map((t) => t.period);
    const shares = found.tables.map((t) => {
      const count = t.rows.find((r) => r.key === found.key)!.count;
      return `${percent(count / t.total)} (${count} of ${t.total}) in ${t.period}`;
    });
    summary = `${c.by[0]!.toUpperCase()}${c.by.slice(1)} ${found.key} made up ${listOf(shares)} of the ${c.by === 'cause' ? 'complaints resolved with a cause' : 'complaints'} in area ${def.areaId}: at least ${percent(c.share)} in each of the last ${plural(c.periods, def.period)}.`;
    data = { by: c.by, periods: found.tables };
  } else if (c.type === 'threshold') {
    if (!objective) return { outcome: 'cannot_evaluate', reason: `area ${def.areaId} has no objective for ${def.kpi}${c.comparator ? ` (${c.comparator})` : ''} and the trigger sets no target` };
    if (points.every((p) => p.value === null)) return { outcome: 'cannot_evaluate', reason: noValueReason(def, def.areaId, points, subject) };
    const latest = points[points.length - 1]!;
    if (latest.value === null) return { outcome: 'cannot_evaluate', reason: noValueReason(def, def.areaId, [latest], subject) };
    const last = points.slice(-c.periods);
    const missed = last.filter((p) => p.value !== null && !meets(objective, p.value));
    if (missed.length < c.periods) {
      const met = [...last].reverse().find((p) => p.value === null || meets(objective, p.value))!;
      const why = met.value === null ? `${met.period} has no data` : `${met.period} met it with ${formatKpiValue(def.kpi, met.value)}`;
      return { outcome: 'quiet', reason: `${d.label} (${subject}) did not miss ${objective.comparator} ${formatKpiValue(def.kpi, objective.target)} in each of the last ${plural(c.periods, def.period)}: ${why}` };
    }
    signalPeriods = last.map((p) => p.period);
    const values = last.map((p) => `${formatKpiValue(def.kpi, p.value!)} in ${p.period}`);
    summary = `${d.label} (${subject}) in area ${def.areaId} missed its ${objective.source === 'objective' ? 'objective' : 'target'} ${objective.comparator} ${formatKpiValue(def.kpi, objective.target)} in ${plural(c.periods, def.period)} in a row: ${listOf(values)}.`;
    data = { objective, points: last };
  } else {
    if (points.every((p) => p.value === null)) return { outcome: 'cannot_evaluate', reason: noValueReason(def, def.areaId, points, subject) };
    const chart = buildControlChart(d.chart, points, { from: periods[0]!, to: periods[c.baselinePeriods - 1]! }, d.better);
    if (chart.status === 'insufficient') return { outcome: 'cannot_evaluate', reason: chart.reason };
    const latest = chart.points[chart.points.length - 1]!;
    if (latest.value === null) return { outcome: 'cannot_evaluate', reason: noValueReason(def, def.areaId, [points[points.length - 1]!], subject) };
    if (!latest.worse) {
      const why = latest.signals.length > 0 ? `its signal (rule ${latest.signals.join(', ')}) is on the better side` : 'no Western Electric rule fired';
      return { outcome: 'quiet', reason: `${d.label} (${subject}) in ${latest.period}: ${formatKpiValue(def.kpi, latest.value)} against a centre line of ${formatKpiValue(def.kpi, chart.center)}; ${why}` };
    }
    signalPeriods = worseRun(chart, d.better);
    const limit = d.better === 'higher' ? latest.lcl : latest.ucl;
    summary =
      `${d.label} (${subject}) in area ${def.areaId} signalled on the worse side in ${latest.period} (Western Electric rule ${latest.signals.join(', ')}): ` +
      `${formatKpiValue(def.kpi, latest.value)} against a centre line of ${formatKpiValue(def.kpi, chart.center)}` +
      `${limit === null ? '' : ` and ${d.better === 'higher' ? 'a lower' : 'an upper'} control limit of ${formatKpiValue(def.kpi, limit)}`}` +
      ` (baseline ${chart.baseline.from} to ${chart.baseline.to})` +
      `${signalPeriods.length > 1 ? `; worse than the centre line since ${signalPeriods[0]}` : ''}.`;
    data = chart;
  }

  const baselinePoints = c.type === 'pareto' ? aligned(inputs.series ?? [], signalPeriods) : points.filter((p) => signalPeriods.includes(p.period));
  const baselineValue = pooledValue(def.kpi, baselinePoints);
  if (baselineValue === null) return { outcome: 'cannot_evaluate', reason: noValueReason(def, def.areaId, baselinePoints, subject) };
  const proposed = proposeGoal(def, subject, baselineValue, objective);
  if (!proposed) {
    return { outcome: 'cannot_evaluate', reason: `${d.label} (${subject}) is already at its best value (${formatKpiValue(def.kpi, baselineValue)}) over ${span(signalPeriods)}: no goal to propose` };
  }
  return {
    outcome: 'signal',
    kind: c.type,
    subject,
    filter,
    period: signalPeriods[signalPeriods.length - 1]!,
    periods: signalPeriods,
    summary,
    data,
    baseline: { value: baselineValue, periods: signalPeriods, points: baselinePoints.filter((p) => p.value !== null) },
    proposedGoal: proposed.goal,
    targetSource: proposed.targetSource,
    objective,
  };
}

/** The periods since the process moved to the worse side: the run of points worse than the centre line ending with the latest. */
function worseRun(chart: ControlChartWithLimits, better: 'higher' | 'lower'): string[] {
  const worse = (p: ChartPoint) => p.value !== null && (better === 'higher' ? p.value < chart.center : p.value > chart.center);
  const run: string[] = [];
  for (let i = chart.points.length - 1; i >= 0 && worse(chart.points[i]!); i--) run.unshift(chart.points[i]!.period);
  return run;
}

// ------------------------------------------------------------------ intake

/** The actor a trigger acts as: the audit trail names the trigger. */
export function triggerActor(triggerId: string): Actor {
  return { id: `trigger:${triggerId}`, role: 'system' };
}

/** The evidence a signal adds to a cycle: keyed by trigger and period, so it is added once. */
export function evidenceItemFromSignal(trigger: Pick<TriggerVersion, 'triggerId' | 'version'>, signal: TriggerSignal, sample: readonly string[], now: number): EvidenceItem {
  return {
    key: `${trigger.triggerId}:${signal.period}`,
    at: now,
    source: { triggerId: trigger.triggerId, version: trigger.version },
    kind: signal.kind,
    summary: signal.summary,
    data: signal.data,
    complaintIds: [...sample],
  };
}

/** How long a DMAIC Control monitoring period lasts for a KPI period. */
const PERIOD_DAYS: Record<KpiPeriod, number> = { day: 1, week: 7, month: 30 };

export interface SignalIntakeInput {
  cycleId: string;
  trigger: TriggerVersion;
  area: { areaId: string; name: string; processOwnerId: string; timeZone: string };
  signal: TriggerSignal;
  /** Ids of complaints behind the signal. */
  sample: readonly string[];
  now: number;
}

/** What opening a cycle for a signal takes: owner the area's process owner, sponsor the trigger's, bound to the subject's KPI. */
export function cycleIntakeFromSignal({ cycleId, trigger, area, signal, sample, now }: SignalIntakeInput): CycleIntake {
  const d = KPIS[trigger.kpi];
  const g = signal.proposedGoal;
  const subjectText = signal.subject === 'all' ? '' : ` (${signal.subject})`;
  const what = { spc: 'out of control', threshold: 'below its objective', pareto: 'dominates the complaints' }[signal.kind];
  const defaultTitle = signal.kind === 'pareto' ? `${area.name}: ${signal.subject} ${what}` : `${area.name}: ${d.label}${subjectText} ${what}`;
  const title = (trigger.action.title ?? defaultTitle).slice(0, 200);
  const target =
    signal.targetSource === 'objective'
      ? `the objective ${signal.objective!.comparator} ${formatKpiValue(trigger.kpi, signal.objective!.target)}`
      : `${formatKpiValue(trigger.kpi, g.target)}, half way from the baseline to the best possible value (${signal.objective ? `the objective ${signal.objective.comparator} ${formatKpiValue(trigger.kpi, signal.objective.target)} is already met by the baseline` : 'the area has no objective for this KPI'})`;
  const problemStatement = [
    `Opened by improvement trigger "${trigger.name}" (${trigger.triggerId}, version ${trigger.version}) for service area ${area.name} (${area.areaId}).`,
    signal.summary,
    `Baseline: ${formatKpiValue(trigger.kpi, signal.baseline.value)} over ${span(signal.baseline.periods)} (${d.label}${subjectText}, per ${trigger.period}).`,
    `Proposed target: ${target}.`,
    sample.length > 0 ? `Sample of the complaints behind it: ${sample.join(', ')}.` : 'No complaint sample was available.',
    `The metric is bound to ${trigger.kpi}${subjectText}: measurements come from the complaint data each ${trigger.period}.`,
  ].join(' ');
  const binding: BoundMetric = { kpi: trigger.kpi, areaId: area.areaId, filter: signal.filter, period: trigger.period, timeZone: area.timeZone };
  const categoryOf = (f: TriggerSignal['filter']) => (f?.dimension === 'category' ? f.value : null);
  return {
    cycleId,
    type: trigger.action.cycleType,
    title,
    problemStatement,
    area: area.areaId,
    ownerId: area.processOwnerId,
    sponsorId: trigger.action.sponsorId,
    team: [],
    goal: { ...g, deadline: now + trigger.action.deadlineDays * DAY_MS },
    evidence: { complaintIds: [...sample], complaintCategory: categoryOf(signal.filter), spcSignal: null, items: [evidenceItemFromSignal(trigger, signal, sample, now)] },
    settings: {
      ...DEFAULT_CYCLE_SETTINGS,
      control: { ...DEFAULT_CYCLE_SETTINGS.control, periodDays: PERIOD_DAYS[trigger.period] },
      approvers: trigger.action.approvers ?? [trigger.action.sponsorId],
    },
    createdBy: triggerActor(trigger.triggerId),
    binding,
    origin: { triggerId: trigger.triggerId, version: trigger.version, subject: signal.subject },
    receivedAt: now,
    baselineMeasurements: signal.baseline.points.map((p) => ({
      period: p.period,
      value: p.value!,
      ...(d.chart === 'p' && p.n !== null ? { sampleSize: p.n } : {}),
      // Like every bound measurement: taken as of the period's end (src/domain/cycle-binding.ts).
      at: periodEndsAt(p.period, trigger.period, area.timeZone),
    })),
  };
}
