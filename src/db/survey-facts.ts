/**
 * Stores survey facts and marks their area-days dirty so the KPI rollups
 * include them (docs/analytics.md, "Survey KPIs"). Idempotent: one document
 * per response (`_id` = response id), inserted only where absent (a completed
 * response is frozen, so its fact never changes), and the days are marked on
 * every call, also when the facts were already stored: a retry after a crash
 * between the two still marks them, as for complaint facts.
 */
import type { SurveyFact } from '../domain/survey-facts';
import { areaDayOf, markAreaDaysDirty } from './kpi-rollups';
import { type Models, insertIfAbsent } from './models';

/** The `survey_facts` document of a fact (`recordedAt` says when it was first stored). */
export function surveyFactDocument(fact: SurveyFact, now: Date) {
  return {
    _id: fact.responseId,
    campaignId: fact.campaignId,
    areaId: fact.areaId,
    day: fact.day,
    areaDay: areaDayOf(fact.areaId, fact.day),
    kind: fact.kind,
    csat: fact.csat,
    nps: fact.nps,
    servqualGaps: fact.servqualGaps,
    recordedAt: now,
  };
}

export async function writeSurveyFacts(models: Models, facts: readonly SurveyFact[]): Promise<void> {
  if (facts.length === 0) return;
  const now = new Date();
  await insertIfAbsent(
    models.SurveyFact,
    facts.map((f) => surveyFactDocument(f, now)),
  );
  await markAreaDaysDirty(
    models,
    facts.map((f) => ({ areaId: f.areaId, day: f.day })),
  );
}
