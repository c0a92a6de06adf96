/**
 * What completed survey responses contribute to the KPIs (issue 12, helper
 * "loop" implements): CSAT and NPS answers and each respondent's SERVQUAL
 * gap per dimension, counted on the day the response was completed in the
 * campaign area's time zone.
 */
import type { ServqualDimension, SurveyAnswers, SurveyContent } from './survey';

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

/** The facts of a campaign's completed responses. */
export function surveyFactsOf(_campaign: { campaignId: string; areaId: string; timeZone: string }, _content: SurveyContent, _responses: readonly CompletedResponse[]): SurveyFact[] {
  return [];
}
