/**
 * Stores survey facts and marks their area-days dirty so the KPI rollups
 * include them (issue 12, helper "loop" implements). Idempotent: keyed by
 * response id.
 */
import type { Models } from './models';
import type { SurveyFact } from '../domain/survey-facts';

export async function writeSurveyFacts(_models: Models, _facts: readonly SurveyFact[]): Promise<void> {}
