export { complaintWorkflow } from './complaint';
export { cycleWorkflow } from './cycle';
