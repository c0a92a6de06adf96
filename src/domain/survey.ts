/**
 * Surveys: what a survey asks (its versioned definition), what a customer
 * answers, and the shape of the results. Scoring lives in survey-scoring.ts;
 * both are pure.
 *
 * Four kinds:
 * - `csat`: one 1-5 satisfaction rating (+ comment);
 * - `nps`: one 0-10 likelihood to recommend (+ comment);
 * - `servqual`: items in the five SERVQUAL dimensions, each asked as
 *   expectation and as perception on a 7-point scale, optionally with a
 *   100-point importance allocation across the dimensions;
 * - `kano`: per feature a functional and a dysfunctional question (5 answers),
 *   optionally with a 1-7 rating of how well the service does it today.
 */
import type { Language } from './customer';

export const SURVEY_KINDS = ['csat', 'nps', 'servqual', 'kano'] as const;
export type SurveyKind = (typeof SURVEY_KINDS)[number];

export const SERVQUAL_DIMENSIONS = ['tangibles', 'reliability', 'responsiveness', 'assurance', 'empathy'] as const;
export type ServqualDimension = (typeof SERVQUAL_DIMENSIONS)[number];

/** Text per language; `en` is required and is the fallback. */
export type LocalizedText = { en: string } & Partial<Record<Exclude<Language, 'en'>, string>>;

export interface ServqualItem {
  /** Stable across versions: answers and results key on it. */
  id: string;
  /** Fixed once defined: a new version may reword an item, never move it to another dimension. */
  dimension: ServqualDimension;
  text: LocalizedText;
}

export interface KanoFeature {
  id: string;
  /** "If the service had this feature, how would you feel?" */
  functional: LocalizedText;
  /** "If the service did not have this feature, how would you feel?" */
  dysfunctional: LocalizedText;
  /** Optional "How well do we do this today?" (1-7): a must-be feature rated low is flagged. */
  performance?: LocalizedText;
}

export type SurveyContent =
  | { kind: 'csat'; question: LocalizedText }
  | { kind: 'nps'; question: LocalizedText }
  | { kind: 'servqual'; items: ServqualItem[]; askImportance: boolean }
  | { kind: 'kano'; features: KanoFeature[] };

export interface SurveyDefinition {
  surveyId: string;
  version: number;
  title: string;
  intro: LocalizedText | null;
  content: SurveyContent;
  createdAt: number;
  createdBy: string;
}

// ------------------------------------------------------------------ answers

/** Kano answer scale, in the standard order (functional and dysfunctional alike). */
export const KANO_ANSWERS = ['like', 'expect', 'neutral', 'live_with', 'dislike'] as const;
export type KanoAnswer = (typeof KANO_ANSWERS)[number];

/** Kano categories: Attractive, One-dimensional, Must-be, Indifferent, Reverse, Questionable. */
export const KANO_CATEGORIES = ['attractive', 'one_dimensional', 'must_be', 'indifferent', 'reverse', 'questionable'] as const;
export type KanoCategory = (typeof KANO_CATEGORIES)[number];

/**
 * A response's answers (possibly partial until `complete`). Keys are item or
 * feature ids of the definition version the campaign uses.
 */
export type SurveyAnswers =
  | { kind: 'csat'; rating?: number; comment?: string }
  | { kind: 'nps'; score?: number; comment?: string }
  | {
      kind: 'servqual';
      expectations: Record<string, number>;
      perceptions: Record<string, number>;
      /** Points per dimension summing to 100 (only when the definition asks for importance). */
      importance?: Partial<Record<ServqualDimension, number>>;
    }
  | { kind: 'kano'; answers: Record<string, { functional?: KanoAnswer; dysfunctional?: KanoAnswer; performance?: number }> };

// ------------------------------------------------------------------ results

/** A mean with its 95 % confidence interval (Student's t, n − 1 degrees of freedom; null bounds below n = 2). */
export interface MeanCi {
  n: number;
  mean: number | null;
  ciLow: number | null;
  ciHigh: number | null;
}

export interface ServqualResults {
  kind: 'servqual';
  respondents: number;
  items: { itemId: string; dimension: ServqualDimension; text: LocalizedText; expectation: MeanCi; perception: MeanCi; gap: MeanCi }[];
  dimensions: { dimension: ServqualDimension; expectation: MeanCi; perception: MeanCi; gap: MeanCi; importance: number | null }[];
  overall: { unweighted: number | null; weighted: number | null };
  largestNegativeGap: ServqualDimension | null;
}

export interface KanoResults {
  kind: 'kano';
  respondents: number;
  features: {
    featureId: string;
    text: LocalizedText;
    distribution: Record<KanoCategory, number>;
    /** The category by majority (null without answers). */
    category: KanoCategory | null;
    /** Berger et al. (1993): (A + O) / (A + O + M + I). */
    satisfaction: number | null;
    /** Berger et al. (1993): −(O + M) / (A + O + M + I). */
    dissatisfaction: number | null;
    performance: MeanCi | null;
    /** A must-be feature whose mean performance is at or below KANO_LOW_PERFORMANCE. */
    flagged: boolean;
  }[];
}

export interface NpsResults {
  kind: 'nps';
  respondents: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** % promoters − % detractors, −100..100 (null without answers). */
  score: number | null;
}

export interface CsatResults {
  kind: 'csat';
  respondents: number;
  rating: MeanCi;
  /** Count of each rating 1..5 (index 0 = rating 1). */
  distribution: [number, number, number, number, number];
  /** Share rating 4 or 5. */
  satisfiedShare: number | null;
}

export type SurveyScores = ServqualResults | KanoResults | NpsResults | CsatResults;
