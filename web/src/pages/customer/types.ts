/**
 * What the customer link API answers, from the API's own schemas and domain
 * types (type-only imports: nothing of src/ reaches the bundle).
 */
import type { z } from 'zod';
import type { customerComplaintView, linkInfoView } from '../../../../src/api/customer-schemas';
import type { invitationView } from '../../../../src/api/survey-schemas';
import type { SurveyAnswers, SurveyKind, SurveyQuestions } from '../../../../src/domain/survey';

export type { Language } from '../../../../src/domain/customer';
export type { CustomerAction } from '../../../../src/api/customer-schemas';

/** GET /customer-link */
export type LinkView = z.infer<typeof linkInfoView>;

/** GET /customer-link/complaint (and the answer of every complaint write). */
export type CustomerComplaintView = z.infer<typeof customerComplaintView>;

/**
 * GET /customer-link/survey (and the answer of PUT /customer-link/survey/response).
 * The schema leaves `questions` and `answers` open (their shape follows the
 * kind); they are the domain's SurveyQuestions and SurveyAnswers.
 */
export type SurveyInvitationView = Omit<z.infer<typeof invitationView>, 'kind' | 'questions' | 'answers'> & {
  kind: SurveyKind;
  questions: SurveyQuestions;
  answers: SurveyAnswers | null;
};
