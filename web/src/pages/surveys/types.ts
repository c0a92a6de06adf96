/**
 * What the survey, follow-up and customer endpoints answer, inferred from the
 * API's own zod schemas (type-only imports: nothing of src/api reaches the
 * bundle). Where a view schema keeps a survey's content or scores loose
 * (`record<string, unknown>` in the OpenAPI document), the domain types of
 * src/domain/survey.ts say what is in them.
 */
import type { z } from 'zod';
import type { contactView, erasureView, issuedLinkView, revokedLinkView } from '../../../../src/api/customer-schemas';
import type { followUpView } from '../../../../src/api/follow-up-schemas';
import type { campaignView, definitionDetail, definitionView, resultsView } from '../../../../src/api/survey-schemas';
import type { SurveyContent, SurveyScores } from '../../../../src/domain/survey';

export type { CsatResults, KanoResults, LocalizedText, MeanCi, NpsResults, ServqualResults, SurveyContent, SurveyKind, SurveyScores } from '../../../../src/domain/survey';

/** `GET /survey-definitions` items and `GET /survey-definitions/:id/versions/:version`. */
export type SurveyDefinitionView = Omit<z.infer<typeof definitionView>, 'content'> & { content: SurveyContent };
/** `GET /survey-definitions/:id`: the latest version and the list of all. */
export type SurveyDefinitionDetail = Omit<z.infer<typeof definitionDetail>, 'content'> & { content: SurveyContent };

/** `GET /surveys/:id`, the items of `GET /surveys`, and the answer of `POST /surveys` and `/surveys/:id/close`. */
export type CampaignView = z.infer<typeof campaignView>;
export type CampaignCounts = CampaignView['counts'];

/** `GET /surveys/:id/results` (JSON). */
export type SurveyResultsView = Omit<z.infer<typeof resultsView>, 'scores'> & { scores: SurveyScores };

/** `GET /follow-ups` items and the answer of `POST /follow-ups/:id/complete`. */
export type FollowUpView = z.infer<typeof followUpView>;

/** `POST /complaints/:id/customer-link` and `.../revoke`. */
export type IssuedCustomerLink = z.infer<typeof issuedLinkView>;
export type RevokedCustomerLink = z.infer<typeof revokedLinkView>;

/** `GET /customers/:id` and `POST /customers/:id/erase`. */
export type CustomerContactView = z.infer<typeof contactView>;
export type ErasureView = z.infer<typeof erasureView>;

export interface AreaList {
  items: { areaId: string; name: string }[];
}
