/**
 * Service-quality KPIs: the one place that says what each KPI means, its
 * unit, which direction is better and which control chart fits it.
 *
 * The data flows in three pure steps:
 *   1. `complaintFact(state)`: what one complaint contributes (written by the
 *      persistence activity next to the read model, version-guarded);
 *   2. `addFact` into a `KpiCell`: additive sums (plus the raw durations, so
 *      medians stay exact) for one area, day and dimension value — the rollups;
 *   3. `measureKpi(kpi, cell, volume)`: the KPI value of a merged cell (a
 *      period, any range of days).
 *
 * Counting rule (docs/analytics.md): a complaint counts in the period of its
 * intake day, in its service area's time zone (a cohort). An SLA clock counts
 * once it is decided: met (stopped within target) or missed (breached);
 * a clock still running within target is not in the denominator yet.
 * Cancelled complaints (duplicates, withdrawn) count nowhere.
 *
 * Survey answers (src/domain/survey-facts.ts) join the same cells through
 * `addSurveyFact`: one fact per completed response, counted on its
 * completion day in the area's zone, in the area's series only (a survey
 * answer has no category, agent or cause: the survey KPIs are area-level).
 */
import type { ComplaintState, Status } from './complaint';
import { DEFAULT_QUEUE } from './access';
import { npsBand } from './customer';
import type { SlaClock } from './sla-clock';
import { SEVERITIES, type Severity } from './sla-policy';
import { SERVQUAL_DIMENSIONS } from './survey';
import type { SurveyFact } from './survey-facts';

const MINUTE = 60_000;

/** The area of complaints that matched no service area. */
export const NO_AREA = '-';

export const KPI_PERIODS = ['day', 'week', 'month'] as const;
export type KpiPeriod = (typeof KPI_PERIODS)[number];

/** What a KPI can be broken down by (besides the area). */
export const DIMENSIONS = ['category', 'severity', 'channel', 'queue', 'agent', 'policy', 'cause'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

// ------------------------------------------------------------------ facts

/** One SLA clock of a complaint, as the KPIs see it. */
export interface ClockFact {
  /** Met or missed already (stopped, or breached). */
  decided: boolean;
  met: boolean;
  /** Business minutes on the clock when it stopped (null while it runs). */
  businessMinutes: number | null;
}

/** What one complaint contributes to the KPIs. */
export interface ComplaintFact {
  complaintId: string;
  version: number;
  areaId: string;
  /** The area's calendar time zone (UTC without an area). */
  timeZone: string;
  /** Intake day, YYYY-MM-DD in `timeZone`. */
  day: string;
  createdAt: number;
  status: Status;
  cancelled: boolean;
  category: string;
  channel: string;
  severity: Severity;
  queue: string;
  /** The first responder (accountable until closed), else the owner; null while nobody took it. */
  agentId: string | null;
  /** `policyId@version` of the SLA policy the clocks ran on, null without one. */
  policy: string | null;
  cause: string | null;
  tags: string[];
  /** Ever resolved (a reopened complaint was). */
  resolved: boolean;
  firstResponse: ClockFact | null;
  resolution: ClockFact | null;
  nextResponse: { decided: number; met: number };
  breaches: number;
  escalations: number;
  reopens: number;
  transfers: number;
  csat: number | null;
  csatRequested: boolean;
  /**
   * The NPS answer (0-10) given with the rating, where the policy asks for it.
   * Optional: facts stored before NPS was recorded have none (= null).
   */
  nps?: number | null;
}

/** Formatters are costly to build; one per zone. */
const dayFormatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar day (YYYY-MM-DD) of an instant in an IANA time zone. */
export function dayInZone(epochMs: number, timeZone: string): string {
  let f = dayFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(new Date(epochMs)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

function clockFact(clock: SlaClock): ClockFact {
  const stopped = clock.stoppedAt !== null;
  const breached = clock.breachedAt !== null;
  return { decided: stopped || breached, met: stopped && !breached, businessMinutes: stopped ? clock.accruedMs / MINUTE : null };
}

export function complaintFact(s: ComplaintState): ComplaintFact {
  const sla = s.sla;
  const area = s.serviceArea ?? null;
  const timeZone = area?.timeZone ?? 'UTC';
  let nextResponse = { decided: 0, met: 0 };
  if (sla) {
    const current = sla.nextResponse;
    const undecided = current && current.stoppedAt === null && current.breachedAt === null ? 1 : 0;
    const decided = sla.nextResponseCycles - undecided;
    const missed = new Set(sla.breaches.filter((b) => b.clock === 'next_response').map((b) => b.cycle)).size;
    nextResponse = { decided, met: decided - missed };
  }
  const clocks = sla ? [sla.firstResponse, sla.resolution, sla.nextResponse].filter((c): c is SlaClock => !!c) : [];
  const cancelled = s.status === 'cancelled';
  return {
    complaintId: s.complaintId,
    version: s.version,
    areaId: area?.areaId ?? NO_AREA,
    timeZone,
    day: dayInZone(s.createdAt, timeZone),
    createdAt: s.createdAt,
    status: s.status,
    cancelled,
    category: s.category,
    channel: s.channel,
    severity: s.severity,
    queue: s.queue ?? DEFAULT_QUEUE,
    agentId: s.firstResponderId ?? s.ownerId,
    policy: sla ? `${sla.active.policyId}@${sla.active.version}` : null,
    cause: s.resolution?.cause ?? null,
    tags: s.resolution?.tags ?? [],
    resolved: !cancelled && (s.resolvedAt !== null || s.closedAt !== null || s.reopenCount > 0),
    firstResponse: sla ? clockFact(sla.firstResponse) : null,
    resolution: sla ? clockFact(sla.resolution) : null,
    nextResponse,
    breaches: sla?.breaches.length ?? 0,
    // The complaint keeps only its latest next-response clock: escalations of earlier cycles are not counted.
    escalations: clocks.reduce((n, c) => n + c.escalationsDone, 0),
    reopens: s.reopenCount,
    transfers: s.transferCount ?? 0,
    csat: s.csat?.rating ?? null,
    csatRequested: s.csat !== null || s.csatRequestedAt !== null,
    nps: s.csat?.nps ?? null,
  };
}

/** The value of a fact along a dimension; null = the fact is not in any series of that dimension. */
export function dimensionValue(fact: ComplaintFact, dimension: Dimension): string | null {
  switch (dimension) {
    case 'category':
      return fact.category;
    case 'severity':
      return fact.severity;
    case 'channel':
      return fact.channel;
    case 'queue':
      return fact.queue;
    case 'agent':
      return fact.agentId;
    case 'policy':
      return fact.policy;
    case 'cause':
      return fact.cause;
  }
}

// ------------------------------------------------------------------ cells

interface Tally {
  decided: number;
  met: number;
}

/** NPS answers (0-10): promoters 9-10, detractors 0-6, the rest passives. */
export interface NpsSums {
  count: number;
  promoters: number;
  detractors: number;
}

/** Values whose mean a KPI is: how many and their sum. */
export interface MeanSums {
  count: number;
  sum: number;
}

/** What a SERVQUAL gap KPI averages: a dimension, or `overall` (each respondent's unweighted mean of their dimension gaps). */
export const SERVQUAL_GAP_KEYS = [...SERVQUAL_DIMENSIONS, 'overall'] as const;
export type ServqualGapKey = (typeof SERVQUAL_GAP_KEYS)[number];

/** Additive sums over a set of complaints. Durations are kept whole so medians and p90 are exact. */
export interface KpiCell {
  complaints: number;
  bySeverity: Record<Severity, number>;
  firstResponse: Tally;
  nextResponse: Tally;
  resolution: Tally;
  /** Complaints whose SLA outcome is known: resolved, or breached (a breach stays recorded whatever follows). */
  settled: number;
  /** Complaints with at least one breach. */
  withBreach: number;
  breaches: number;
  escalations: number;
  transfers: number;
  resolved: number;
  /** Resolved complaints reopened at least once. */
  reopened: number;
  csat: { count: number; sum: number; satisfied: number; requested: number };
  /** Business minutes to first response / to resolution, ascending. */
  firstResponseMinutes: number[];
  resolutionMinutes: number[];
  /**
   * The voice of the customer, each present only once something was added
   * (cells of complaint-only days stay as small as before, and rollups
   * stored before these sums existed read as "none"):
   * NPS answers, per complaint and from NPS campaigns;
   */
  nps?: NpsSums;
  /** ratings of CSAT campaigns (the per-complaint ratings are `csat`); */
  surveyCsat?: MeanSums;
  /** SERVQUAL respondents' gaps (P − E), per dimension and overall. */
  servqual?: Partial<Record<ServqualGapKey, MeanSums>>;
}

export function emptyCell(): KpiCell {
  return {
    complaints: 0,
    bySeverity: Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>,
    firstResponse: { decided: 0, met: 0 },
    nextResponse: { decided: 0, met: 0 },
    resolution: { decided: 0, met: 0 },
    settled: 0,
    withBreach: 0,
    breaches: 0,
    escalations: 0,
    transfers: 0,
    resolved: 0,
    reopened: 0,
    csat: { count: 0, sum: 0, satisfied: 0, requested: 0 },
    firstResponseMinutes: [],
    resolutionMinutes: [],
  };
}

const addTally = (t: Tally, clock: ClockFact | null) => {
  if (!clock?.decided) return;
  t.decided += 1;
  if (clock.met) t.met += 1;
};

function insertSorted(list: number[], value: number): void {
  let i = list.length;
  while (i > 0 && list[i - 1]! > value) i -= 1;
  list.splice(i, 0, value);
}

/** Adds one complaint to a cell (in place). Cancelled complaints count nowhere. */
export function addFact(cell: KpiCell, f: ComplaintFact): KpiCell {
  if (f.cancelled) return cell;
  cell.complaints += 1;
  cell.bySeverity[f.severity] += 1;
  addTally(cell.firstResponse, f.firstResponse);
  addTally(cell.resolution, f.resolution);
  cell.nextResponse.decided += f.nextResponse.decided;
  cell.nextResponse.met += f.nextResponse.met;
  if (f.breaches > 0) cell.withBreach += 1;
  if (f.breaches > 0 || f.resolved) cell.settled += 1;
  cell.breaches += f.breaches;
  cell.escalations += f.escalations;
  cell.transfers += f.transfers;
  if (f.resolved) cell.resolved += 1;
  if (f.resolved && f.reopens > 0) cell.reopened += 1;
  if (f.csat !== null) {
    cell.csat.count += 1;
    cell.csat.sum += f.csat;
    if (f.csat >= 4) cell.csat.satisfied += 1;
  }
  if (f.csatRequested) cell.csat.requested += 1;
  if (f.firstResponse?.businessMinutes != null) insertSorted(cell.firstResponseMinutes, f.firstResponse.businessMinutes);
  if (f.resolution?.businessMinutes != null) insertSorted(cell.resolutionMinutes, f.resolution.businessMinutes);
  if (f.nps != null) addNps(cell, f.nps);
  return cell;
}

function addNps(cell: KpiCell, score: number): void {
  const nps = (cell.nps ??= { count: 0, promoters: 0, detractors: 0 });
  nps.count += 1;
  const band = npsBand(score);
  if (band === 'promoter') nps.promoters += 1;
  else if (band === 'detractor') nps.detractors += 1;
}

function addToMean(sums: MeanSums | undefined, value: number): MeanSums {
  const out = sums ?? { count: 0, sum: 0 };
  out.count += 1;
  out.sum += value;
  return out;
}

/**
 * Adds one completed survey response to a cell (in place): its NPS score, its
 * CSAT rating, or its SERVQUAL gaps per dimension and, overall, the
 * unweighted mean of the dimensions it answered.
 */
export function addSurveyFact(cell: KpiCell, f: SurveyFact): KpiCell {
  if (f.nps !== null) addNps(cell, f.nps);
  if (f.csat !== null) cell.surveyCsat = addToMean(cell.surveyCsat, f.csat);
  const gaps = f.servqualGaps ? SERVQUAL_DIMENSIONS.filter((d) => f.servqualGaps![d] != null).map((d) => [d, f.servqualGaps![d]!] as const) : [];
  if (gaps.length > 0) {
    const servqual = (cell.servqual ??= {});
    for (const [dimension, gap] of gaps) servqual[dimension] = addToMean(servqual[dimension], gap);
    servqual.overall = addToMean(servqual.overall, gaps.reduce((s, [, g]) => s + g, 0) / gaps.length);
  }
  return cell;
}

/**
 * One ascending list of all the values. A single sort of the concatenation:
 * merging the lists pairwise one at a time is quadratic over many cells (a
 * year of days cost ~100 ms at 50,000 values, the sort a few ms).
 */
function mergeSorted(lists: readonly (readonly number[])[]): number[] {
  const nonEmpty = lists.filter((l) => l.length > 0);
  if (nonEmpty.length <= 1) return [...(nonEmpty[0] ?? [])];
  // A typed array sorts numerically without a comparator call per step.
  const all = new Float64Array(nonEmpty.reduce((n, l) => n + l.length, 0));
  let at = 0;
  for (const l of nonEmpty) {
    all.set(l, at);
    at += l.length;
  }
  return Array.from(all.sort());
}

const addSums = (into: MeanSums | undefined, add: MeanSums): MeanSums => ({ count: (into?.count ?? 0) + add.count, sum: (into?.sum ?? 0) + add.sum });

/** The sum of cells (a new cell; inputs untouched). */
export function mergeCells(cells: readonly KpiCell[]): KpiCell {
  const out = emptyCell();
  for (const c of cells) {
    out.complaints += c.complaints;
    for (const s of SEVERITIES) out.bySeverity[s] += c.bySeverity[s] ?? 0;
    for (const k of ['firstResponse', 'nextResponse', 'resolution'] as const) {
      out[k].decided += c[k].decided;
      out[k].met += c[k].met;
    }
    out.settled += c.settled ?? 0;
    out.withBreach += c.withBreach;
    out.breaches += c.breaches;
    out.escalations += c.escalations;
    out.transfers += c.transfers;
    out.resolved += c.resolved;
    out.reopened += c.reopened;
    out.csat.count += c.csat.count;
    out.csat.sum += c.csat.sum;
    out.csat.satisfied += c.csat.satisfied;
    out.csat.requested += c.csat.requested;
    // Absent in cells without survey answers (and in rollups stored before they existed).
    if (c.nps) {
      const nps = (out.nps ??= { count: 0, promoters: 0, detractors: 0 });
      nps.count += c.nps.count;
      nps.promoters += c.nps.promoters;
      nps.detractors += c.nps.detractors;
    }
    if (c.surveyCsat) out.surveyCsat = addSums(out.surveyCsat, c.surveyCsat);
    if (c.servqual) {
      const servqual = (out.servqual ??= {});
      for (const key of SERVQUAL_GAP_KEYS) if (c.servqual[key]) servqual[key] = addSums(servqual[key], c.servqual[key]);
    }
  }
  out.firstResponseMinutes = mergeSorted(cells.map((c) => c.firstResponseMinutes));
  out.resolutionMinutes = mergeSorted(cells.map((c) => c.resolutionMinutes));
  return out;
}

// ------------------------------------------------------------- definitions

/**
 * A KPI's value over a cell: `value` null when undefined (no data); for
 * proportions and rates `x` events out of `n` (p chart: x of n; u chart: x
 * per n units), which the control charts need. The survey KPIs (means over
 * answers) give the number of answers as `n` and no `x`.
 */
export interface KpiMeasure {
  value: number | null;
  x: number | null;
  n: number | null;
}

/**
 * `share`: a proportion in [0, 1]; `rating`: 1 to 5; `NPS points`: % promoters
 * − % detractors, −100 to 100; `gap points`: perception − expectation on the
 * SERVQUAL 7-point scale, −6 to 6 (0 = expectations met).
 */
export type KpiUnit = 'share' | 'business minutes' | 'count' | 'rating' | 'per 1,000 units' | 'NPS points' | 'gap points';

/** The values a KPI of each unit can take: targets outside them can never be met or missed. */
export const UNIT_RANGE: Readonly<Record<KpiUnit, { min: number; max: number }>> = {
  share: { min: 0, max: 1 },
  'business minutes': { min: 0, max: Number.POSITIVE_INFINITY },
  count: { min: 0, max: Number.POSITIVE_INFINITY },
  rating: { min: 1, max: 5 },
  'per 1,000 units': { min: 0, max: Number.POSITIVE_INFINITY },
  'NPS points': { min: -100, max: 100 },
  'gap points': { min: -6, max: 6 },
};

export interface KpiDefinition {
  id: string;
  label: string;
  unit: KpiUnit;
  better: 'higher' | 'lower';
  /** p: proportion with variable n; u: rate per unit of opportunity; imr: individuals and moving range. */
  chart: 'p' | 'u' | 'imr';
  /** Needs the service volume (the denominator of complaint rates). */
  needsVolume?: boolean;
  /**
   * Measured per service area only: survey answers carry no category, agent
   * or cause, so a series narrowed to a dimension value is refused.
   */
  areaOnly?: boolean;
  measure(cell: KpiCell, volume: number | null): KpiMeasure;
}

const share = (x: number, n: number): KpiMeasure => ({ value: n > 0 ? x / n : null, x, n });
const plain = (value: number | null): KpiMeasure => ({ value, x: null, n: null });
const count = (value: number): KpiMeasure => ({ value, x: value, n: null });

/** Quantile by the nearest-rank method on an ascending list (p in (0, 1]); null when empty. */
export function quantile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

/** Median: the middle value, or the mean of the two middle values. */
export function medianOf(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const meanOf = (list: readonly number[]): number | null => (list.length === 0 ? null : list.reduce((a, b) => a + b, 0) / list.length);
/** A mean of survey answers, with their number as `n`. */
const meanOfSums = (sums: MeanSums | undefined): KpiMeasure => (sums && sums.count > 0 ? { value: sums.sum / sums.count, x: null, n: sums.count } : { value: null, x: null, n: sums?.count ?? null });

/** NPS (Reichheld 2003): % promoters − % detractors of the answers, −100 to 100. */
function npsMeasure(c: KpiCell): KpiMeasure {
  const nps = c.nps;
  if (!nps || nps.count === 0) return { value: null, x: null, n: nps?.count ?? null };
  return { value: ((nps.promoters - nps.detractors) * 100) / nps.count, x: null, n: nps.count };
}

/** A SERVQUAL gap KPI: the mean of the respondents' gaps (P − E) in a dimension, or of their overall gaps. */
function servqualGap<const K extends ServqualGapKey>(key: K) {
  const what = key === 'overall' ? 'overall (unweighted mean of the dimensions)' : key;
  return {
    id: `servqual_gap_${key}` as const,
    label: `SERVQUAL gap, ${what} (perception − expectation)`,
    unit: 'gap points',
    better: 'higher',
    chart: 'imr',
    areaOnly: true,
    measure: (c: KpiCell) => meanOfSums(c.servqual?.[key]),
  } satisfies KpiDefinition;
}

function define<const I extends string>(defs: readonly (KpiDefinition & { id: I })[]) {
  return defs;
}

const DEFINITIONS = define([
  { id: 'first_response_attainment', label: 'First-response SLA attainment', unit: 'share', better: 'higher', chart: 'p', measure: (c) => share(c.firstResponse.met, c.firstResponse.decided) },
  { id: 'next_response_attainment', label: 'Next-response SLA attainment', unit: 'share', better: 'higher', chart: 'p', measure: (c) => share(c.nextResponse.met, c.nextResponse.decided) },
  { id: 'resolution_attainment', label: 'Resolution SLA attainment', unit: 'share', better: 'higher', chart: 'p', measure: (c) => share(c.resolution.met, c.resolution.decided) },
  // Out of settled complaints only, like attainment counts decided clocks: an open complaint may still breach.
  { id: 'breach_rate', label: 'Share of complaints with an SLA breach', unit: 'share', better: 'lower', chart: 'p', measure: (c) => share(c.withBreach, c.settled) },
  { id: 'first_response_median_minutes', label: 'First-response time, median', unit: 'business minutes', better: 'lower', chart: 'imr', measure: (c) => plain(medianOf(c.firstResponseMinutes)) },
  { id: 'first_response_p90_minutes', label: 'First-response time, 90th percentile', unit: 'business minutes', better: 'lower', chart: 'imr', measure: (c) => plain(quantile(c.firstResponseMinutes, 0.9)) },
  { id: 'first_response_mean_minutes', label: 'First-response time, mean', unit: 'business minutes', better: 'lower', chart: 'imr', measure: (c) => plain(meanOf(c.firstResponseMinutes)) },
  { id: 'resolution_median_minutes', label: 'Resolution time, median', unit: 'business minutes', better: 'lower', chart: 'imr', measure: (c) => plain(medianOf(c.resolutionMinutes)) },
  { id: 'resolution_p90_minutes', label: 'Resolution time, 90th percentile', unit: 'business minutes', better: 'lower', chart: 'imr', measure: (c) => plain(quantile(c.resolutionMinutes, 0.9)) },
  { id: 'resolution_mean_minutes', label: 'Resolution time, mean', unit: 'business minutes', better: 'lower', chart: 'imr', measure: (c) => plain(meanOf(c.resolutionMinutes)) },
  { id: 'breach_count', label: 'SLA breaches', unit: 'count', better: 'lower', chart: 'imr', measure: (c) => count(c.breaches) },
  { id: 'escalation_count', label: 'Escalations', unit: 'count', better: 'lower', chart: 'imr', measure: (c) => count(c.escalations) },
  { id: 'transfer_count', label: 'Transfers and reassignments', unit: 'count', better: 'lower', chart: 'imr', measure: (c) => count(c.transfers) },
  { id: 'reopen_rate', label: 'Reopen rate (of resolved complaints)', unit: 'share', better: 'lower', chart: 'p', measure: (c) => share(c.reopened, c.resolved) },
  { id: 'csat_average', label: 'CSAT average (1-5)', unit: 'rating', better: 'higher', chart: 'imr', measure: (c) => plain(c.csat.count > 0 ? c.csat.sum / c.csat.count : null) },
  { id: 'csat_satisfied_share', label: 'Share of satisfied customers (CSAT 4-5)', unit: 'share', better: 'higher', chart: 'p', measure: (c) => share(c.csat.satisfied, c.csat.count) },
  { id: 'csat_response_rate', label: 'CSAT response rate', unit: 'share', better: 'higher', chart: 'p', measure: (c) => share(c.csat.count, c.csat.requested) },
  { id: 'complaint_volume', label: 'Complaints', unit: 'count', better: 'lower', chart: 'imr', measure: (c) => count(c.complaints) },
  {
    id: 'complaint_rate',
    label: 'Complaints per 1,000 units of service volume',
    unit: 'per 1,000 units',
    better: 'lower',
    chart: 'u',
    needsVolume: true,
    // u chart: x complaints over n thousand units.
    measure: (c, volume) => (volume && volume > 0 ? { value: (c.complaints * 1000) / volume, x: c.complaints, n: volume / 1000 } : { value: null, x: c.complaints, n: null }),
  },
  // The voice of the customer: survey answers (and NPS given with a complaint's rating), per area only.
  { id: 'nps_score', label: 'Net Promoter Score (-100 to 100)', unit: 'NPS points', better: 'higher', chart: 'imr', areaOnly: true, measure: npsMeasure },
  { id: 'survey_csat_average', label: 'Survey CSAT average (1-5)', unit: 'rating', better: 'higher', chart: 'imr', areaOnly: true, measure: (c) => meanOfSums(c.surveyCsat) },
  servqualGap('tangibles'),
  servqualGap('reliability'),
  servqualGap('responsiveness'),
  servqualGap('assurance'),
  servqualGap('empathy'),
  servqualGap('overall'),
]);

export type KpiId = (typeof DEFINITIONS)[number]['id'];
export const KPI_IDS = DEFINITIONS.map((d) => d.id) as readonly KpiId[] as [KpiId, ...KpiId[]];
export const KPIS: Readonly<Record<KpiId, KpiDefinition & { id: KpiId }>> = Object.freeze(Object.fromEntries(DEFINITIONS.map((d) => [d.id, d])) as Record<KpiId, KpiDefinition & { id: KpiId }>);

export function isKpiId(id: string): id is KpiId {
  return Object.hasOwn(KPIS, id);
}

export function measureKpi(kpi: KpiId, cell: KpiCell, volume: number | null): KpiMeasure {
  return KPIS[kpi].measure(cell, volume);
}

/** Why a target (of an objective or a trigger) cannot be one for this KPI; null when it can. */
export function kpiTargetProblem(kpi: KpiId, target: number): string | null {
  const { unit } = KPIS[kpi];
  const { min, max } = UNIT_RANGE[unit];
  if (target >= min && target <= max) return null;
  switch (unit) {
    case 'share':
      return `${kpi} is a share: the target must be between 0 and 1`;
    case 'rating':
      return `${kpi} is a rating from 1 to 5`;
    case 'NPS points':
      return `${kpi} is a Net Promoter Score: the target must be between -100 and 100`;
    case 'gap points':
      return `${kpi} is a gap on the 7-point scale: the target must be between -6 and 6`;
    default:
      return `${kpi} cannot be negative`;
  }
}

/** Why a series of this KPI cannot be narrowed to a dimension value; null when it can. */
export function kpiFilterProblem(kpi: KpiId, filter: { dimension: string } | null): string | null {
  if (filter === null || !KPIS[kpi].areaOnly) return null;
  return `${kpi} is measured per service area only: survey answers have no ${filter.dimension}, so it cannot be narrowed to a dimension value (leave dimension and value out)`;
}

/** Severity weights of a weighted Pareto: a P1 complaint counts as much as eight P4s. */
export const SEVERITY_WEIGHTS: Readonly<Record<Severity, number>> = { P1: 8, P2: 4, P3: 2, P4: 1 };

export function weightedCount(cell: KpiCell): number {
  return SEVERITIES.reduce((sum, s) => sum + (cell.bySeverity[s] ?? 0) * SEVERITY_WEIGHTS[s], 0);
}

// ----------------------------------------------------------------- periods

const DAY_MS = 86_400_000;
const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether `day` is a real calendar date written YYYY-MM-DD. */
export function isDay(day: string): boolean {
  const m = DAY_RE.exec(day);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!));
  return d.getUTCFullYear() === +m[1]! && d.getUTCMonth() === +m[2]! - 1 && d.getUTCDate() === +m[3]!;
}

const dayToUtc = (day: string) => Date.parse(`${day}T00:00:00Z`);
const utcToDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function addDays(day: string, n: number): string {
  return utcToDay(dayToUtc(day) + n * DAY_MS);
}

/** ISO 8601 week of a day: `YYYY-Www` (weeks start on Monday; week 1 holds the year's first Thursday). */
export function isoWeek(day: string): string {
  const d = new Date(dayToUtc(day));
  const weekday = (d.getUTCDay() + 6) % 7; // Monday 0
  const thursday = new Date(d.getTime() + (3 - weekday) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY_MS)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The key of the period a day falls in: the day itself, `YYYY-Www` or `YYYY-MM`. */
export function periodOf(day: string, period: KpiPeriod): string {
  return period === 'day' ? day : period === 'week' ? isoWeek(day) : day.slice(0, 7);
}

/** First and last day of a period key. */
export function periodBounds(key: string, period: KpiPeriod): { first: string; last: string } {
  if (period === 'day') return { first: key, last: key };
  if (period === 'month') {
    const [y, m] = key.split('-').map(Number) as [number, number];
    return { first: `${key}-01`, last: utcToDay(Date.UTC(y, m, 0)) };
  }
  const [y, w] = key.split('-W').map(Number) as [number, number];
  const jan4 = Date.UTC(y, 0, 4);
  const monday = jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * DAY_MS + (w - 1) * 7 * DAY_MS;
  return { first: utcToDay(monday), last: utcToDay(monday + 6 * DAY_MS) };
}

/** Every period key that overlaps [fromDay, toDay], in order. */
export function periodsBetween(fromDay: string, toDay: string, period: KpiPeriod): string[] {
  const out: string[] = [];
  for (let day = fromDay; day <= toDay; day = addDays(periodBounds(periodOf(day, period), period).last, 1)) out.push(periodOf(day, period));
  return out;
}

/** Every day of [fromDay, toDay]. */
export function daysBetween(fromDay: string, toDay: string): string[] {
  const out: string[] = [];
  for (let day = fromDay; day <= toDay; day = addDays(day, 1)) out.push(day);
  return out;
}

// ------------------------------------------------------------------ series

/** A KPI series key: one area, one dimension value (or the whole area). Values are URI-encoded so `|` stays a separator. */
export function seriesKey(areaId: string, filter: { dimension: Dimension; value: string } | null): string {
  return filter ? `${areaId}|${filter.dimension}|${encodeURIComponent(filter.value)}` : `${areaId}|all|*`;
}

/** Every series key a fact belongs to: its area as a whole and each dimension value it has. */
export function seriesKeysOf(fact: ComplaintFact): string[] {
  const keys = [seriesKey(fact.areaId, null)];
  for (const dimension of DIMENSIONS) {
    const value = dimensionValue(fact, dimension);
    if (value !== null) keys.push(seriesKey(fact.areaId, { dimension, value }));
  }
  return keys;
}

/**
 * A KPI bound to live data (a cycle's metric, a trigger's subject): which
 * KPI, in which area, optionally narrowed to one dimension value, per period.
 */
export interface KpiBinding {
  kpi: KpiId;
  areaId: string;
  filter: { dimension: Dimension; value: string } | null;
  period: KpiPeriod;
}
