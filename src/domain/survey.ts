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
import { LANGUAGES, type Language, isLanguage } from './customer';

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

/** What a campaign's results export carries (`GET /surveys/:id/results`, JSON and the Markdown/CSV renderings of survey-report.ts). */
export interface SurveyResultsSummary {
  campaignId: string;
  title: string;
  kind: SurveyKind;
  /** True once the campaign is closed and its results stored; before that they are computed live. */
  final: boolean;
  /** ISO instant the scores were computed. */
  computedAt: string;
  counts: { invited: number; emailed: number; reminded: number; responded: number; completed: number };
  /** completed / invited (null with nobody invited). */
  responseRate: number | null;
  scores: SurveyScores;
}

// ------------------------------------------------------------------ scales and defaults

/** SERVQUAL expectation and perception, and the Kano performance rating: 1 (strongly disagree / very poorly) .. 7. */
export const LIKERT_7 = { min: 1, max: 7 } as const;
export const CSAT_SCALE = { min: 1, max: 5 } as const;
export const NPS_SCALE = { min: 0, max: 10 } as const;
/** Points a respondent spreads across the five SERVQUAL dimensions. */
export const IMPORTANCE_TOTAL = 100;

/** A must-be feature whose mean performance (1-7) is at or below this is flagged: customers expect it and we do not deliver it. */
export const KANO_LOW_PERFORMANCE = 4;

/** Definition bounds: enough for any published instrument, small enough for a phone page. */
export const SURVEY_LIMITS = { minQuestions: 1, maxQuestions: 60, maxText: 500, maxComment: 2000 } as const;
/** Item and feature ids: stable keys of answers and results, safe in URLs, CSV and KPI names. */
export const SURVEY_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,39}$/;

/**
 * The 22 SERVQUAL items in their five dimensions, as revised by Parasuraman,
 * Berry & Zeithaml, "Refinement and reassessment of the SERVQUAL scale",
 * Journal of Retailing 67(4), 1991, pp. 420-450 (all items positively worded),
 * from Parasuraman, Zeithaml & Berry, "SERVQUAL: a multiple-item scale for
 * measuring consumer perceptions of service quality", Journal of Retailing
 * 64(1), 1988, pp. 12-40. "XYZ" is "the company"; each statement is asked
 * twice, as what an excellent company would do (expectation) and as what this
 * company does (perception), so it is worded to serve both. Organisations may
 * reword items in a new definition version; an item keeps its dimension.
 */
export const DEFAULT_SERVQUAL_ITEMS: ServqualItem[] = [
  { id: 't1', dimension: 'tangibles', text: { en: 'The company has modern-looking equipment.', 'zh-CN': '公司拥有外观现代化的设备。' } },
  { id: 't2', dimension: 'tangibles', text: { en: "The company's physical facilities are visually appealing.", 'zh-CN': '公司的实体设施在外观上吸引人。' } },
  { id: 't3', dimension: 'tangibles', text: { en: "The company's employees are neat-appearing.", 'zh-CN': '公司员工衣着整洁、仪表得体。' } },
  {
    id: 't4',
    dimension: 'tangibles',
    text: { en: 'Materials associated with the service (such as pamphlets or statements) are visually appealing.', 'zh-CN': '与服务相关的资料（如宣传册或账单）在外观上吸引人。' },
  },
  { id: 'rel1', dimension: 'reliability', text: { en: 'When the company promises to do something by a certain time, it does so.', 'zh-CN': '公司承诺在某个时间之前做某事时，都能按时做到。' } },
  { id: 'rel2', dimension: 'reliability', text: { en: 'When you have a problem, the company shows a sincere interest in solving it.', 'zh-CN': '当您遇到问题时，公司表现出解决问题的诚意。' } },
  { id: 'rel3', dimension: 'reliability', text: { en: 'The company performs the service right the first time.', 'zh-CN': '公司第一次就能把服务做好。' } },
  { id: 'rel4', dimension: 'reliability', text: { en: 'The company provides its services at the time it promises to do so.', 'zh-CN': '公司在承诺的时间提供服务。' } },
  { id: 'rel5', dimension: 'reliability', text: { en: 'The company insists on error-free records.', 'zh-CN': '公司坚持记录准确无误。' } },
  { id: 'res1', dimension: 'responsiveness', text: { en: "The company's employees tell you exactly when services will be performed.", 'zh-CN': '公司员工会确切地告诉您服务将在何时提供。' } },
  { id: 'res2', dimension: 'responsiveness', text: { en: "The company's employees give you prompt service.", 'zh-CN': '公司员工为您提供及时的服务。' } },
  { id: 'res3', dimension: 'responsiveness', text: { en: "The company's employees are always willing to help you.", 'zh-CN': '公司员工总是乐于帮助您。' } },
  { id: 'res4', dimension: 'responsiveness', text: { en: "The company's employees are never too busy to respond to your requests.", 'zh-CN': '公司员工从不会因为太忙而无法回应您的要求。' } },
  { id: 'a1', dimension: 'assurance', text: { en: "The behaviour of the company's employees instils confidence in you.", 'zh-CN': '公司员工的言行举止让您充满信心。' } },
  { id: 'a2', dimension: 'assurance', text: { en: 'You feel safe in your transactions with the company.', 'zh-CN': '您在与公司的往来中感到放心。' } },
  { id: 'a3', dimension: 'assurance', text: { en: "The company's employees are consistently courteous with you.", 'zh-CN': '公司员工始终对您以礼相待。' } },
  { id: 'a4', dimension: 'assurance', text: { en: "The company's employees have the knowledge to answer your questions.", 'zh-CN': '公司员工具备回答您问题的专业知识。' } },
  { id: 'e1', dimension: 'empathy', text: { en: 'The company gives you individual attention.', 'zh-CN': '公司给予您个别的关注。' } },
  { id: 'e2', dimension: 'empathy', text: { en: 'The company has operating hours convenient to all its customers.', 'zh-CN': '公司的营业时间对所有顾客都很方便。' } },
  { id: 'e3', dimension: 'empathy', text: { en: 'The company has employees who give you personal attention.', 'zh-CN': '公司有员工给予您个人化的关注。' } },
  { id: 'e4', dimension: 'empathy', text: { en: 'The company has your best interests at heart.', 'zh-CN': '公司把您的最大利益放在心上。' } },
  { id: 'e5', dimension: 'empathy', text: { en: "The company's employees understand your specific needs.", 'zh-CN': '公司员工了解您的具体需求。' } },
];

/**
 * An example Kano questionnaire for a complaint-handling service: the
 * functional question asks how the customer feels if the service has the
 * feature, the dysfunctional one if it does not (Kano et al. 1984; wording
 * after Berger et al. 1993), and the performance question how well we do it
 * today (1-7).
 */
export const DEFAULT_KANO_FEATURES: KanoFeature[] = [
  {
    id: 'proactive_updates',
    functional: { en: 'If we told you about every step in handling your complaint without you asking, how would you feel?', 'zh-CN': '如果我们在处理您的投诉的每一步都主动告知您，您会有什么感受？' },
    dysfunctional: { en: 'If we did not tell you about the steps in handling your complaint unless you asked, how would you feel?', 'zh-CN': '如果除非您询问，否则我们不告知您投诉处理的进展，您会有什么感受？' },
    performance: { en: 'How well do we keep you informed today?', 'zh-CN': '目前我们在及时告知您进展方面做得如何？' },
  },
  {
    id: 'single_contact',
    functional: { en: 'If one named person handled your complaint from start to finish, how would you feel?', 'zh-CN': '如果由一位固定的专人从头到尾处理您的投诉，您会有什么感受？' },
    dysfunctional: { en: 'If different people handled your complaint along the way, how would you feel?', 'zh-CN': '如果您的投诉在处理过程中由不同的人经手，您会有什么感受？' },
    performance: { en: 'How well do we give you one person to deal with today?', 'zh-CN': '目前我们在为您安排固定对接人方面做得如何？' },
  },
  {
    id: 'callback_slot',
    functional: { en: 'If you could choose the time we call you back, how would you feel?', 'zh-CN': '如果您可以自行选择我们回电的时间，您会有什么感受？' },
    dysfunctional: { en: 'If you could not choose the time we call you back, how would you feel?', 'zh-CN': '如果您无法选择我们回电的时间，您会有什么感受？' },
  },
  {
    id: 'online_status',
    functional: { en: 'If you could follow the status of your complaint online at any time, how would you feel?', 'zh-CN': '如果您可以随时在线查看投诉的处理状态，您会有什么感受？' },
    dysfunctional: { en: 'If you could not follow the status of your complaint online, how would you feel?', 'zh-CN': '如果您无法在线查看投诉的处理状态，您会有什么感受？' },
    performance: { en: 'How well can you follow your complaint online today?', 'zh-CN': '目前您在线查看投诉处理状态的体验如何？' },
  },
];

/** The usual CSAT question (answered 1 = very dissatisfied .. 5 = very satisfied). */
export const DEFAULT_CSAT_QUESTION: LocalizedText = { en: 'Overall, how satisfied are you with our service?', 'zh-CN': '总体而言，您对我们的服务满意吗？' };
/** The NPS question as Reichheld (2003) worded it (answered 0 = not at all likely .. 10 = extremely likely). */
export const DEFAULT_NPS_QUESTION: LocalizedText = { en: 'How likely is it that you would recommend us to a friend or colleague?', 'zh-CN': '您有多大可能向朋友或同事推荐我们？' };

// ------------------------------------------------------------------ validation

/** One problem of a definition or answer set; `path` is dot-separated from the object checked (`items.3.text.en`, `expectations.t1`). */
export interface SurveyProblem {
  path: string;
  message: string;
}

const isKind = (x: unknown): x is SurveyKind => typeof x === 'string' && (SURVEY_KINDS as readonly string[]).includes(x);
const isDimension = (x: unknown): x is ServqualDimension => typeof x === 'string' && (SERVQUAL_DIMENSIONS as readonly string[]).includes(x);
const isKanoAnswer = (x: unknown): x is KanoAnswer => typeof x === 'string' && (KANO_ANSWERS as readonly string[]).includes(x);
const onScale = (x: unknown, scale: { min: number; max: number }): boolean => Number.isInteger(x) && (x as number) >= scale.min && (x as number) <= scale.max;
const has = (record: object, key: string) => Object.prototype.hasOwnProperty.call(record, key);

function textProblems(path: string, text: unknown): SurveyProblem[] {
  if (typeof text !== 'object' || text === null || Array.isArray(text)) return [{ path, message: 'must be an object of texts by language ({ en, zh-CN? })' }];
  const out: SurveyProblem[] = [];
  if (!has(text, 'en')) out.push({ path: `${path}.en`, message: 'the English text is required (it is the fallback)' });
  for (const [language, value] of Object.entries(text)) {
    if (!isLanguage(language)) out.push({ path: `${path}.${language}`, message: `unknown language ${language} (${LANGUAGES.join(', ')})` });
    else if (typeof value !== 'string' || value.trim() === '') out.push({ path: `${path}.${language}`, message: 'must be a non-empty text' });
    else if (value.length > SURVEY_LIMITS.maxText) out.push({ path: `${path}.${language}`, message: `must be at most ${SURVEY_LIMITS.maxText} characters` });
  }
  return out;
}

function idListProblems(path: string, ids: readonly unknown[]): SurveyProblem[] {
  const out: SurveyProblem[] = [];
  const seen = new Set<string>();
  ids.forEach((id, i) => {
    if (typeof id !== 'string' || !SURVEY_ID_PATTERN.test(id)) out.push({ path: `${path}.${i}.id`, message: 'must be 1-40 lower-case letters, digits, _ or -, starting with a letter or digit' });
    else if (seen.has(id)) out.push({ path: `${path}.${i}.id`, message: `duplicate id ${id}` });
    else seen.add(id);
  });
  return out;
}

function countProblems(path: string, list: unknown): SurveyProblem[] {
  if (!Array.isArray(list)) return [{ path, message: 'must be a list' }];
  if (list.length < SURVEY_LIMITS.minQuestions || list.length > SURVEY_LIMITS.maxQuestions) return [{ path, message: `must hold ${SURVEY_LIMITS.minQuestions} to ${SURVEY_LIMITS.maxQuestions} entries` }];
  return [];
}

/**
 * The problems of a survey definition's content (empty = valid): a known
 * kind; csat/nps a question text; servqual 1-60 items with unique slug ids
 * (SURVEY_ID_PATTERN), a valid dimension and text; kano 1-60 features with
 * unique slug ids, a functional and a dysfunctional text and an optional
 * performance text. Texts: `en` required, only known languages, non-empty,
 * at most 500 characters.
 *
 * Dimensions: a definition that asks for the importance allocation must have
 * at least one item in each of the five dimensions (a customer cannot weigh a
 * dimension they are not asked about, and the weighted score needs all five).
 * Without importance, a dimension may be left out (e.g. tangibles for a
 * service with no premises); its gap KPI then simply has no data.
 */
export function surveyContentProblems(content: SurveyContent): SurveyProblem[] {
  if (typeof content !== 'object' || content === null || !isKind((content as { kind?: unknown }).kind)) return [{ path: 'kind', message: `must be one of ${SURVEY_KINDS.join(', ')}` }];
  switch (content.kind) {
    case 'csat':
    case 'nps':
      return textProblems('question', content.question);
    case 'servqual': {
      const counted = countProblems('items', content.items);
      if (!Array.isArray(content.items)) return counted;
      const out = [...counted, ...idListProblems('items', content.items.map((item) => item?.id))];
      content.items.forEach((item, i) => {
        if (!isDimension(item?.dimension)) out.push({ path: `items.${i}.dimension`, message: `must be one of ${SERVQUAL_DIMENSIONS.join(', ')}` });
        out.push(...textProblems(`items.${i}.text`, item?.text));
      });
      if (typeof content.askImportance !== 'boolean') out.push({ path: 'askImportance', message: 'must be true or false' });
      else if (content.askImportance) {
        for (const dimension of SERVQUAL_DIMENSIONS) {
          if (!content.items.some((item) => item?.dimension === dimension)) out.push({ path: 'items', message: `asking for importance needs at least one ${dimension} item` });
        }
      }
      return out;
    }
    case 'kano': {
      const counted = countProblems('features', content.features);
      if (!Array.isArray(content.features)) return counted;
      const out = [...counted, ...idListProblems('features', content.features.map((f) => f?.id))];
      content.features.forEach((f, i) => {
        out.push(...textProblems(`features.${i}.functional`, f?.functional), ...textProblems(`features.${i}.dysfunctional`, f?.dysfunctional));
        if (f?.performance !== undefined) out.push(...textProblems(`features.${i}.performance`, f.performance));
      });
      return out;
    }
  }
}

/**
 * What a new version may not change (empty = allowed): the kind, and the
 * dimension of a SERVQUAL item kept under the same id (answers and results
 * key on the id, and a dimension's trend must compare like with like).
 * Items and features may be reworded, added or removed. Check the new
 * content itself with surveyContentProblems as well.
 */
export function versionProblems(previous: SurveyContent, next: SurveyContent): SurveyProblem[] {
  if (previous.kind !== next.kind) return [{ path: 'kind', message: `a new version must keep the kind ${previous.kind}` }];
  if (previous.kind !== 'servqual' || next.kind !== 'servqual') return [];
  const before = new Map(previous.items.map((item) => [item.id, item.dimension]));
  const out: SurveyProblem[] = [];
  next.items.forEach((item, i) => {
    const was = before.get(item.id);
    if (was !== undefined && was !== item.dimension) out.push({ path: `items.${i}.dimension`, message: `item ${item.id} is a ${was} item and must stay one (use a new id for a new item)` });
  });
  return out;
}

function unknownKeys(path: string, record: unknown, known: ReadonlySet<string>, what: string): SurveyProblem[] {
  if (record === undefined) return [];
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return [{ path, message: 'must be an object' }];
  return Object.keys(record)
    .filter((key) => !known.has(key))
    .map((key) => ({ path: `${path}.${key}`, message: `unknown ${what} ${key}` }));
}

function scaleProblems(path: string, record: Record<string, unknown> | undefined, scale: { min: number; max: number }, known: ReadonlySet<string>): SurveyProblem[] {
  if (record === undefined || typeof record !== 'object' || record === null) return [];
  return Object.entries(record)
    .filter(([key, value]) => known.has(key) && !onScale(value, scale))
    .map(([key]) => ({ path: `${path}.${key}`, message: `must be an integer from ${scale.min} to ${scale.max}` }));
}

function commentProblems(comment: unknown): SurveyProblem[] {
  if (comment === undefined) return [];
  if (typeof comment !== 'string' || comment.length > SURVEY_LIMITS.maxComment) return [{ path: 'comment', message: `must be a text of at most ${SURVEY_LIMITS.maxComment} characters` }];
  return [];
}

/**
 * The problems of a customer's answers to a definition's content (empty =
 * valid). Always: the kind matches; values are on their scale (SERVQUAL and
 * Kano performance 1-7, Kano answers from KANO_ANSWERS, CSAT 1-5, NPS 0-10,
 * integers); ids the content does not have are refused; a performance rating
 * only for a feature that asks it; an importance allocation only when the
 * content asks for it, and then integers >= 0 over the five dimensions (a
 * missing one counts 0) summing to exactly 100, even in a partial save.
 * `complete`: additionally every question is answered (both expectation and
 * perception of every item, importance when asked; functional, dysfunctional
 * and, where asked, performance of every feature; the CSAT rating; the NPS score).
 */
export function answersProblems(content: SurveyContent, answers: SurveyAnswers, complete: boolean): SurveyProblem[] {
  if (typeof answers !== 'object' || answers === null || answers.kind !== content.kind) return [{ path: 'kind', message: `answers must be of kind ${content.kind}` }];
  switch (answers.kind) {
    case 'csat': {
      const out = commentProblems(answers.comment);
      if (answers.rating === undefined) {
        if (complete) out.push({ path: 'rating', message: 'the rating is required to complete the response' });
      } else if (!onScale(answers.rating, CSAT_SCALE)) out.push({ path: 'rating', message: `must be an integer from ${CSAT_SCALE.min} to ${CSAT_SCALE.max}` });
      return out;
    }
    case 'nps': {
      const out = commentProblems(answers.comment);
      if (answers.score === undefined) {
        if (complete) out.push({ path: 'score', message: 'the score is required to complete the response' });
      } else if (!onScale(answers.score, NPS_SCALE)) out.push({ path: 'score', message: `must be an integer from ${NPS_SCALE.min} to ${NPS_SCALE.max}` });
      return out;
    }
    case 'servqual':
      return servqualAnswerProblems(content as Extract<SurveyContent, { kind: 'servqual' }>, answers, complete);
    case 'kano':
      return kanoAnswerProblems(content as Extract<SurveyContent, { kind: 'kano' }>, answers, complete);
  }
}

function servqualAnswerProblems(content: Extract<SurveyContent, { kind: 'servqual' }>, answers: Extract<SurveyAnswers, { kind: 'servqual' }>, complete: boolean): SurveyProblem[] {
  const ids = new Set(content.items.map((item) => item.id));
  const out: SurveyProblem[] = [];
  for (const side of ['expectations', 'perceptions'] as const) {
    const record: unknown = answers[side];
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      out.push({ path: side, message: 'must be an object of ratings by item id' });
      continue;
    }
    out.push(...unknownKeys(side, record, ids, 'item'), ...scaleProblems(side, record as Record<string, unknown>, LIKERT_7, ids));
    if (complete) {
      for (const item of content.items) if (!has(record, item.id)) out.push({ path: `${side}.${item.id}`, message: `item ${item.id} is not answered` });
    }
  }
  if (answers.importance !== undefined) {
    if (!content.askImportance) out.push({ path: 'importance', message: 'this survey does not ask for an importance allocation' });
    else out.push(...importanceProblems(answers.importance));
  } else if (complete && content.askImportance) out.push({ path: 'importance', message: `the ${IMPORTANCE_TOTAL}-point importance allocation is required to complete the response` });
  return out;
}

function importanceProblems(importance: unknown): SurveyProblem[] {
  const out = unknownKeys('importance', importance, new Set(SERVQUAL_DIMENSIONS), 'dimension');
  if (out.length > 0) return out;
  const record = importance as Record<string, unknown>;
  let total = 0;
  for (const dimension of SERVQUAL_DIMENSIONS) {
    const points = record[dimension] ?? 0;
    if (!Number.isInteger(points) || (points as number) < 0) out.push({ path: `importance.${dimension}`, message: 'must be a whole number of points, 0 or more' });
    else total += points as number;
  }
  if (out.length === 0 && total !== IMPORTANCE_TOTAL) out.push({ path: 'importance', message: `the points must add up to ${IMPORTANCE_TOTAL} (they add up to ${total})` });
  return out;
}

function kanoAnswerProblems(content: Extract<SurveyContent, { kind: 'kano' }>, answers: Extract<SurveyAnswers, { kind: 'kano' }>, complete: boolean): SurveyProblem[] {
  const features = new Map(content.features.map((f) => [f.id, f]));
  const record: unknown = answers.answers;
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return [{ path: 'answers', message: 'must be an object of answers by feature id' }];
  const out = unknownKeys('answers', record, new Set(features.keys()), 'feature');
  for (const [id, answer] of Object.entries(record as Record<string, unknown>)) {
    const feature = features.get(id);
    if (!feature) continue;
    const path = `answers.${id}`;
    if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) {
      out.push({ path, message: 'must be an object { functional, dysfunctional, performance? }' });
      continue;
    }
    const a = answer as Record<string, unknown>;
    out.push(...unknownKeys(path, a, new Set(['functional', 'dysfunctional', 'performance']), 'field'));
    for (const question of ['functional', 'dysfunctional'] as const) {
      if (a[question] !== undefined && !isKanoAnswer(a[question])) out.push({ path: `${path}.${question}`, message: `must be one of ${KANO_ANSWERS.join(', ')}` });
    }
    if (a.performance !== undefined) {
      if (!feature.performance) out.push({ path: `${path}.performance`, message: `feature ${id} does not ask for a performance rating` });
      else if (!onScale(a.performance, LIKERT_7)) out.push({ path: `${path}.performance`, message: `must be an integer from ${LIKERT_7.min} to ${LIKERT_7.max}` });
    }
  }
  if (complete) {
    const given = record as Record<string, Record<string, unknown> | undefined>;
    for (const feature of content.features) {
      const a = given[feature.id];
      for (const question of ['functional', 'dysfunctional'] as const) {
        if (a?.[question] === undefined) out.push({ path: `answers.${feature.id}.${question}`, message: `the ${question} question of ${feature.id} is not answered` });
      }
      if (feature.performance && a?.performance === undefined) out.push({ path: `answers.${feature.id}.performance`, message: `the performance question of ${feature.id} is not answered` });
    }
  }
  return out;
}

// ------------------------------------------------------------------ the customer's page

/** The text in `language`, else English (a translation may be missing or blank). */
export function localize(text: LocalizedText, language: Language): string {
  const translated = language === 'en' ? undefined : text[language];
  return translated !== undefined && translated.trim() !== '' ? translated : text.en;
}

/** The questions of SurveyInvitationView (contract): the content with every text resolved to one language. */
export type SurveyQuestions =
  | { question: string }
  | { items: { id: string; dimension: ServqualDimension; text: string }[]; askImportance: boolean }
  | { features: { id: string; functional: string; dysfunctional: string; performance: string | null }[] };

export function localizedQuestions(content: SurveyContent, language: Language): SurveyQuestions {
  switch (content.kind) {
    case 'csat':
    case 'nps':
      return { question: localize(content.question, language) };
    case 'servqual':
      return { items: content.items.map((item) => ({ id: item.id, dimension: item.dimension, text: localize(item.text, language) })), askImportance: content.askImportance };
    case 'kano':
      return {
        features: content.features.map((f) => ({
          id: f.id,
          functional: localize(f.functional, language),
          dysfunctional: localize(f.dysfunctional, language),
          performance: f.performance ? localize(f.performance, language) : null,
        })),
      };
  }
}
