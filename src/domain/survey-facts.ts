/**
 * What completed survey responses contribute to the KPIs: CSAT and NPS
 * answers and each respondent's SERVQUAL gap per dimension, counted on the
 * day the response was completed in the campaign area's time zone (the
 * campaign's compute step stores them with src/db/survey-facts.ts, and the
 * rollups add them with `addSurveyFact`, src/domain/kpi.ts).
 *
 * Rules (docs/analytics.md, "Survey KPIs"):
 * - one fact per completed response (`responseId` = invitation id), so a
 *   response counts once however often the campaign is computed;
 * - `csat` campaigns give the rating (1-5), `nps` campaigns the score (0-10);
 * - `servqual` campaigns give, per dimension, the respondent's mean gap
 *   (perception − expectation) over the items of that dimension they answered
 *   both ways; items no longer in the definition version are ignored;
 * - `kano` campaigns give no KPI fact: a Kano category is a classification of
 *   features, not a level to chart (its results flag must-be features instead);
 * - a response with nothing countable (no value in range) gives no fact.
 */
import { dayInZone } from './kpi';
import { SERVQUAL_DIMENSIONS, type ServqualDimension, type SurveyAnswers, type SurveyContent } from './survey';

export interface SurveyFact {
  /** The response id (= invitation id). */
  responseId: string;
  campaignId: string;
  areaId: string;
  /** YYYY-MM-DD of completion in the area's zone. */
  day: string;
  kind: SurveyContent['kind'];
  csat: number | null;
  nps: number | null;
  servqualGaps: Partial<Record<ServqualDimension, number>> | null;
}

export interface CompletedResponse {
  responseId: string;
  answers: SurveyAnswers;
  completedAt: number;
}

/** Whole-number answers within the scale only: the API validates them, this keeps a stray value out of every KPI. */
const onScale = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/** The respondent's mean gap (P − E) per dimension, over the items answered both ways; null when none was. */
export function servqualGapsOf(content: Extract<SurveyContent, { kind: 'servqual' }>, answers: Extract<SurveyAnswers, { kind: 'servqual' }>): Partial<Record<ServqualDimension, number>> | null {
  const byDimension = new Map<ServqualDimension, number[]>();
  for (const item of content.items) {
    const e = answers.expectations[item.id];
    const p = answers.perceptions[item.id];
    if (!onScale(e, 1, 7) || !onScale(p, 1, 7)) continue;
    const list = byDimension.get(item.dimension) ?? [];
    list.push(p - e);
    byDimension.set(item.dimension, list);
  }
  if (byDimension.size === 0) return null;
  const gaps: Partial<Record<ServqualDimension, number>> = {};
  for (const dimension of SERVQUAL_DIMENSIONS) {
    const list = byDimension.get(dimension);
    if (list) gaps[dimension] = list.reduce((s, g) => s + g, 0) / list.length;
  }
  return gaps;
}

/** The facts of a campaign's completed responses (see the module comment). */
export function surveyFactsOf(campaign: { campaignId: string; areaId: string; timeZone: string }, content: SurveyContent, responses: readonly CompletedResponse[]): SurveyFact[] {
  const out: SurveyFact[] = [];
  for (const r of responses) {
    const a = r.answers;
    // Answers of another kind than the definition cannot be read against it.
    if (a.kind !== content.kind) continue;
    let values: Pick<SurveyFact, 'csat' | 'nps' | 'servqualGaps'> | null = null;
    if (a.kind === 'csat' && onScale(a.rating, 1, 5)) values = { csat: a.rating, nps: null, servqualGaps: null };
    else if (a.kind === 'nps' && onScale(a.score, 0, 10)) values = { csat: null, nps: a.score, servqualGaps: null };
    else if (a.kind === 'servqual' && content.kind === 'servqual') {
      const gaps = servqualGapsOf(content, a);
      if (gaps) values = { csat: null, nps: null, servqualGaps: gaps };
    }
    if (!values) continue;
    out.push({ responseId: r.responseId, campaignId: campaign.campaignId, areaId: campaign.areaId, day: dayInZone(r.completedAt, campaign.timeZone), kind: content.kind, ...values });
  }
  return out;
}
