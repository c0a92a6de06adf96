export { complaintWorkflow } from './complaint';
export { cycleWorkflow } from './cycle';
export { auditDigestWorkflow } from './audit-digest';
export { qualityReviewScheduleWorkflow, reviewWorkflow } from './review';
export { qualityLoopWorkflow } from './quality-loop';
export { surveyCampaignWorkflow } from './survey-campaign';
