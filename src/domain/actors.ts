/**
 * Roles of API users. Process owners run improvement cycles; sponsors
 * approve them. Who may act on one particular complaint or cycle is decided
 * by the domain rules (owner, team, approvers), on top of the role.
 */
export const ROLES = ['agent', 'supervisor', 'process_owner', 'sponsor', 'admin', 'auditor', 'intake'] as const;
export type Role = (typeof ROLES)[number];

/** Who did something: an API user, or the engine itself (timers). */
export interface Actor {
  id: string;
  role: Role | 'system';
}

export const SYSTEM_ACTOR: Actor = { id: 'system', role: 'system' };
