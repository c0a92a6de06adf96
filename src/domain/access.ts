/**
 * Object-level access rules: which complaints and cycles a user has a part
 * in. Pure; the API's permission matrix (src/api/permissions.ts) decides
 * which role gets which of these scopes.
 */
import type { Role } from './actors';

/** Who is asking: enough to decide object-level access. */
export interface Principal {
  id: string;
  role: Role;
  /** Complaint queues the user works; `general` is the queue of complaints nobody has been assigned to yet. */
  queues: string[];
}

export const DEFAULT_QUEUE = 'general';

/** The fields of a complaint that decide who may see it. */
export interface ComplaintAccessView {
  ownerId: string | null;
  firstResponderId: string | null;
  queue: string | null;
}

/** Owned, first-responded, or waiting unowned in one of the user's queues. */
export function isAssigned(user: Principal, c: ComplaintAccessView): boolean {
  if (c.ownerId === user.id || c.firstResponderId === user.id) return true;
  return c.ownerId === null && user.queues.includes(c.queue ?? DEFAULT_QUEUE);
}

/** The fields of a cycle that decide who may see it (a cycle state has them all). */
export interface CycleAccessView {
  ownerId: string;
  sponsorId: string;
  team: string[];
  settings: { approvers: string[] };
  actions: { assigneeId: string }[];
  artefacts: { controlPlan?: { processOwnerId: string } | null };
}

/** Everyone with a part in a cycle; stored on the read model so lists can filter by it. */
export function cycleParticipants(c: CycleAccessView): string[] {
  const ids = [c.ownerId, c.sponsorId, ...c.team, ...c.settings.approvers, ...c.actions.map((a) => a.assigneeId), c.artefacts.controlPlan?.processOwnerId];
  return [...new Set(ids.filter((id): id is string => !!id))].sort();
}

