/** Roles of API users. The auditor issue extends this set; the mechanism starts here. */
export const ROLES = ['agent', 'supervisor', 'admin', 'auditor', 'intake'] as const;
export type Role = (typeof ROLES)[number];

/** Who did something: an API user, or the engine itself (timers). */
export interface Actor {
  id: string;
  role: Role | 'system';
}

export const SYSTEM_ACTOR: Actor = { id: 'system', role: 'system' };
