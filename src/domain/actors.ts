/**
 * Roles of API users. Process owners run improvement cycles; sponsors
 * approve them. Who may act on one particular complaint or cycle is decided
 * by the domain rules (owner, team, approvers), on top of the role.
 */
export const ROLES = ['agent', 'supervisor', 'process_owner', 'sponsor', 'admin', 'auditor', 'intake'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Who did something: an API user, the engine itself (timers, triggers), or a
 * customer acting through their own signed link (`id` = the customer id; the
 * customer is not a user and has no role in the permission matrix).
 */
export interface Actor {
  id: string;
  role: Role | 'system' | 'customer';
}

export const SYSTEM_ACTOR: Actor = { id: 'system', role: 'system' };

/** The actor of an action taken through a customer link. */
export function customerActor(customerId: string): Actor {
  return { id: customerId, role: 'customer' };
}
