/**
 * Survey scoring: means with 95 % confidence intervals, SERVQUAL gaps, Kano
 * categories and coefficients, NPS and CSAT. Pure and deterministic.
 *
 * Semantics:
 * - Only complete answer sets count (those answersProblems(content, a, true)
 *   accepts): the caller passes completed responses, and anything else (a
 *   partial save, answers to another kind) is ignored, so every item and
 *   dimension of one result is computed over the same respondents.
 * - A confidence interval is mean ± t(0.975, n − 1) · s / √n (Student's t,
 *   sample standard deviation s); below two values its bounds are null.
 * - Figures are not rounded here; the reports round for reading.
 *
 * Not for the workflow sandbox: the t quantile comes from
 * @stdlib/stats-base-dists-t-quantile, whose dependency tree loads `debug`
 * (Node tty/util). Compute results in an activity or a service.
 */
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import { npsBand } from './customer';
import {
  type CsatResults,
  type KanoAnswer,
  type KanoCategory,
  type KanoResults,
  type MeanCi,
  type NpsResults,
  type ServqualDimension,
  type ServqualResults,
  type SurveyAnswers,
  type SurveyContent,
  type SurveyScores,
  IMPORTANCE_TOTAL,
  KANO_CATEGORIES,
  KANO_LOW_PERFORMANCE,
  SERVQUAL_DIMENSIONS,
  answersProblems,
} from './survey';

type ServqualContent = Extract<SurveyContent, { kind: 'servqual' }>;
type ServqualAnswers = Extract<SurveyAnswers, { kind: 'servqual' }>;
type KanoContent = Extract<SurveyContent, { kind: 'kano' }>;
type KanoAnswers = Extract<SurveyAnswers, { kind: 'kano' }>;

/** Two-sided 95 %: the 0.975 quantile of Student's t. */
const CI_QUANTILE = 0.975;

/** The critical value t(0.975, df) of a two-sided 95 % interval (df >= 1). */
export function tCritical95(df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new RangeError(`degrees of freedom must be an integer >= 1, got ${df}`);
  return tQuantile(CI_QUANTILE, df);
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
const average = (values: readonly number[]) => (values.length === 0 ? null : sum(values) / values.length);

/** Mean and 95 % confidence interval (Student's t, n − 1 df): mean null without values, bounds null below two values. */
export function meanCi(values: readonly number[]): MeanCi {
  for (const v of values) if (!Number.isFinite(v)) throw new RangeError(`values must be finite numbers, got ${v}`);
  const n = values.length;
  if (n === 0) return { n, mean: null, ciLow: null, ciHigh: null };
  const mean = sum(values) / n;
  if (n === 1) return { n, mean, ciLow: null, ciHigh: null };
  const variance = sum(values.map((v) => (v - mean) ** 2)) / (n - 1);
  const half = tCritical95(n - 1) * Math.sqrt(variance / n);
  return { n, mean, ciLow: mean - half, ciHigh: mean + half };
}

/** The answer sets that count for `content`: complete and of its kind. */
export function completeAnswers(content: SurveyContent, answers: readonly SurveyAnswers[]): SurveyAnswers[] {
  return answers.filter((a) => answersProblems(content, a, true).length === 0);
}

// ------------------------------------------------------------------ SERVQUAL

/** The dimensions the content asks about, in the standard order. */
function dimensionsOf(content: ServqualContent): ServqualDimension[] {
  return SERVQUAL_DIMENSIONS.filter((d) => content.items.some((item) => item.dimension === d));
}

interface RespondentDimension {
  expectation: number;
  perception: number;
  gap: number;
}

/** One respondent's mean expectation, perception and gap (P − E) per dimension of a complete answer set. */
function respondentDimensions(content: ServqualContent, a: ServqualAnswers): Partial<Record<ServqualDimension, RespondentDimension>> {
  const out: Partial<Record<ServqualDimension, RespondentDimension>> = {};
  for (const dimension of dimensionsOf(content)) {
    const items = content.items.filter((item) => item.dimension === dimension);
    const expectation = sum(items.map((item) => a.expectations[item.id]!)) / items.length;
    const perception = sum(items.map((item) => a.perceptions[item.id]!)) / items.length;
    out[dimension] = { expectation, perception, gap: perception - expectation };
  }
  return out;
}

/**
 * One respondent's gap (mean P − mean E over the dimension's items) per
 * dimension, or null when the answer set is not complete for the content.
 * The survey KPIs use it (survey-facts.ts), so the KPI and the results agree.
 */
export function respondentServqualGaps(content: SurveyContent, answers: SurveyAnswers): Partial<Record<ServqualDimension, number>> | null {
  if (content.kind !== 'servqual' || answers.kind !== 'servqual' || answersProblems(content, answers, true).length > 0) return null;
  const out: Partial<Record<ServqualDimension, number>> = {};
  for (const [dimension, d] of Object.entries(respondentDimensions(content, answers))) out[dimension as ServqualDimension] = d.gap;
  return out;
}

/**
 * SERVQUAL results (Parasuraman, Zeithaml & Berry 1988): per item the mean
 * expectation, perception and gap P − E; per dimension the same over each
 * respondent's dimension means (so the gap CI is over respondents' mean
 * dimension gaps); the unweighted overall score = the mean of the dimension
 * gaps; the weighted one = Σ gap × mean importance / 100 over respondents'
 * allocations (null when nobody allocated); and the dimension with the most
 * negative gap (null when no gap is negative; the first in the standard order
 * on a tie).
 */
export function scoreServqual(content: ServqualContent, answers: readonly SurveyAnswers[]): ServqualResults {
  const respondents = completeAnswers(content, answers) as ServqualAnswers[];
  const items = content.items.map((item) => {
    const e = respondents.map((a) => a.expectations[item.id]!);
    const p = respondents.map((a) => a.perceptions[item.id]!);
    return { itemId: item.id, dimension: item.dimension, text: item.text, expectation: meanCi(e), perception: meanCi(p), gap: meanCi(p.map((x, i) => x - e[i]!)) };
  });
  const perRespondent = respondents.map((a) => respondentDimensions(content, a));
  const allocations = respondents.flatMap((a) => (a.importance ? [a.importance] : []));
  const dimensions = dimensionsOf(content).map((dimension) => {
    const own = perRespondent.map((r) => r[dimension]!);
    return {
      dimension,
      expectation: meanCi(own.map((d) => d.expectation)),
      perception: meanCi(own.map((d) => d.perception)),
      gap: meanCi(own.map((d) => d.gap)),
      importance: average(allocations.map((x) => x[dimension] ?? 0)),
    };
  });
  const gaps = dimensions.flatMap((d) => (d.gap.mean === null ? [] : [d.gap.mean]));
  const weighted = allocations.length === 0 || gaps.length === 0 ? null : sum(dimensions.map((d) => (d.gap.mean ?? 0) * (d.importance ?? 0))) / IMPORTANCE_TOTAL;
  let largestNegativeGap: ServqualDimension | null = null;
  let lowest = 0;
  for (const d of dimensions) {
    if (d.gap.mean !== null && d.gap.mean < lowest) {
      lowest = d.gap.mean;
      largestNegativeGap = d.dimension;
    }
  }
  return { kind: 'servqual', respondents: respondents.length, items, dimensions, overall: { unweighted: average(gaps), weighted }, largestNegativeGap };
}

// ------------------------------------------------------------------ Kano

const A = 'attractive';
const O = 'one_dimensional';
const M = 'must_be';
const I = 'indifferent';
const R = 'reverse';
const Q = 'questionable';

/**
 * The Kano evaluation table (Berger et al. 1993, "Kano's methods for
 * understanding customer-defined quality", Center for Quality of Management
 * Journal 2(4), Table 1): rows the functional answer, columns the
 * dysfunctional answer, both in KANO_ANSWERS order (like, expect/must-be,
 * neutral, live with, dislike).
 */
const KANO_TABLE: Readonly<Record<KanoAnswer, Readonly<Record<KanoAnswer, KanoCategory>>>> = {
  like: { like: Q, expect: A, neutral: A, live_with: A, dislike: O },
  expect: { like: R, expect: I, neutral: I, live_with: I, dislike: M },
  neutral: { like: R, expect: I, neutral: I, live_with: I, dislike: M },
  live_with: { like: R, expect: I, neutral: I, live_with: I, dislike: M },
  dislike: { like: R, expect: R, neutral: R, live_with: R, dislike: Q },
};

export function classifyKano(functional: KanoAnswer, dysfunctional: KanoAnswer): KanoCategory {
  return KANO_TABLE[functional][dysfunctional];
}

/**
 * Which category wins a tie for the majority: Berger et al. (1993) advise
 * M > O > A > I when in doubt (the category that hurts most when missed comes
 * first), then reverse, then questionable (a sign of a misread question).
 */
export const KANO_TIE_ORDER: readonly KanoCategory[] = [M, O, A, I, R, Q];

/** The most frequent category (ties broken by KANO_TIE_ORDER), null when the distribution is empty. */
export function kanoMajority(distribution: Record<KanoCategory, number>): KanoCategory | null {
  let best: KanoCategory | null = null;
  for (const category of KANO_TIE_ORDER) {
    if (distribution[category] > 0 && (best === null || distribution[category] > distribution[best])) best = category;
  }
  return best;
}

/**
 * Berger et al. (1993) customer satisfaction coefficients: satisfaction
 * (A + O) / (A + O + M + I), 0..1, and dissatisfaction −(O + M) / (A + O + M + I),
 * −1..0; null when A + O + M + I = 0 (only reverse or questionable answers).
 */
export function kanoCoefficients(distribution: Record<KanoCategory, number>): { satisfaction: number | null; dissatisfaction: number | null } {
  const { attractive: a, one_dimensional: o, must_be: m, indifferent: i } = distribution;
  const total = a + o + m + i;
  if (total === 0) return { satisfaction: null, dissatisfaction: null };
  // o + m = 0 gives 0, not −0, so the figure compares and prints as 0.
  return { satisfaction: (a + o) / total, dissatisfaction: o + m === 0 ? 0 : -(o + m) / total };
}

const emptyDistribution = (): Record<KanoCategory, number> => Object.fromEntries(KANO_CATEGORIES.map((c) => [c, 0])) as Record<KanoCategory, number>;

/**
 * Kano results per feature: the distribution of the respondents' categories,
 * the majority category, Berger's coefficients, the mean performance with its
 * CI (features that ask it), and `flagged` for a must-be feature whose mean
 * performance is at or below KANO_LOW_PERFORMANCE.
 */
export function scoreKano(content: KanoContent, answers: readonly SurveyAnswers[]): KanoResults {
  const respondents = completeAnswers(content, answers) as KanoAnswers[];
  const features = content.features.map((feature) => {
    const distribution = emptyDistribution();
    for (const a of respondents) {
      const own = a.answers[feature.id]!;
      distribution[classifyKano(own.functional!, own.dysfunctional!)] += 1;
    }
    const category = kanoMajority(distribution);
    const performance = feature.performance ? meanCi(respondents.map((a) => a.answers[feature.id]!.performance!)) : null;
    const flagged = category === M && performance !== null && performance.mean !== null && performance.mean <= KANO_LOW_PERFORMANCE;
    return { featureId: feature.id, text: feature.functional, distribution, category, ...kanoCoefficients(distribution), performance, flagged };
  });
  return { kind: 'kano', respondents: respondents.length, features };
}

// ------------------------------------------------------------------ NPS and CSAT

/** Net Promoter Score (Reichheld 2003): % promoters (9-10) − % detractors (0-6) of all scores. */
export function scoreNps(scores: readonly number[]): NpsResults {
  const counts = { promoter: 0, passive: 0, detractor: 0 };
  for (const s of scores) {
    if (!Number.isInteger(s) || s < 0 || s > 10) throw new RangeError(`an NPS score is an integer from 0 to 10, got ${s}`);
    counts[npsBand(s)] += 1;
  }
  const n = scores.length;
  return {
    kind: 'nps',
    respondents: n,
    promoters: counts.promoter,
    passives: counts.passive,
    detractors: counts.detractor,
    score: n === 0 ? null : ((counts.promoter - counts.detractor) / n) * 100,
  };
}

/** CSAT: the mean rating with its CI, the count of each rating 1..5 and the share rating 4 or 5. */
export function scoreCsat(ratings: readonly number[]): CsatResults {
  const distribution: CsatResults['distribution'] = [0, 0, 0, 0, 0];
  for (const r of ratings) {
    if (!Number.isInteger(r) || r < 1 || r > 5) throw new RangeError(`a CSAT rating is an integer from 1 to 5, got ${r}`);
    distribution[(r - 1) as 0 | 1 | 2 | 3 | 4] += 1;
  }
  const n = ratings.length;
  return { kind: 'csat', respondents: n, rating: meanCi(ratings), distribution, satisfiedShare: n === 0 ? null : (distribution[3] + distribution[4]) / n };
}

/** The results of a campaign's answer sets, by the content's kind (only complete answer sets count). */
export function scoreSurvey(content: SurveyContent, answers: readonly SurveyAnswers[]): SurveyScores {
  switch (content.kind) {
    case 'servqual':
      return scoreServqual(content, answers);
    case 'kano':
      return scoreKano(content, answers);
    case 'nps':
      return scoreNps(completeAnswers(content, answers).map((a) => (a as Extract<SurveyAnswers, { kind: 'nps' }>).score!));
    case 'csat':
      return scoreCsat(completeAnswers(content, answers).map((a) => (a as Extract<SurveyAnswers, { kind: 'csat' }>).rating!));
  }
}
