import { createComplaintActivities, type ComplaintActivityDeps } from './complaint';
import { createCycleActivities } from './cycle';
import { type AuditActivityDeps, createAuditActivities } from './audit';

export { createComplaintActivities, type ComplaintActivities, type ComplaintActivityDeps } from './complaint';
export { createCycleActivities, type CycleActivities } from './cycle';

/** Every activity the worker registers (deliverNotifications is shared). */
export function createActivities(deps: ComplaintActivityDeps & Pick<AuditActivityDeps, 'signer'>) {
  return { ...createComplaintActivities(deps), ...createCycleActivities(deps), ...createAuditActivities(deps) };
}
