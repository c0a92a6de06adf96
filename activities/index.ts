export { createComplaintActivities, type ComplaintActivities, type ComplaintActivityDeps } from './complaint';
