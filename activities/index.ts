import { createComplaintActivities, type ComplaintActivityDeps } from './complaint';
import { createCycleActivities } from './cycle';
import { type AuditActivityDeps, createAuditActivities } from './audit';
import { createReviewActivities } from './review';
import { createTriggerActivities } from './analytics';
import { createSurveyActivities } from './survey';

export { createComplaintActivities, type ComplaintActivities, type ComplaintActivityDeps } from './complaint';
export { createCycleActivities, type CycleActivities } from './cycle';
export { createReviewActivities, type ReviewActivities } from './review';
export { createTriggerActivities, type TriggerActivities } from './analytics';
export { createSurveyActivities, type SurveyActivities } from './survey';

/** Every activity the worker registers (deliverNotifications is shared). */
export function createActivities(deps: ComplaintActivityDeps & Pick<AuditActivityDeps, 'signer'>) {
  return { ...createComplaintActivities(deps), ...createCycleActivities(deps), ...createAuditActivities(deps), ...createReviewActivities(deps), ...createTriggerActivities(deps), ...createSurveyActivities(deps) };
}
