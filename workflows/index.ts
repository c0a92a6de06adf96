export { complaintWorkflow } from './complaint';
export { cycleWorkflow } from './cycle';
export { auditDigestWorkflow } from './audit-digest';
