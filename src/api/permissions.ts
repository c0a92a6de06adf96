/**
 * The permission matrix: which role may do what, and on which objects. It is
 * the one place access is decided. Every route names one permission;
 * `mountRoutes` refuses roles without it, and handlers pass the objects they
 * load through `access.check`, which applies the scope below. The table in
 * docs/permissions.md is generated from this file (a test keeps them equal).
 */
import type { Role } from '../domain/actors';
import { type ComplaintAccessView, type CycleAccessView, type Principal, cycleParticipants, isAssigned } from '../domain/access';

/**
 * - `all`: every object of the kind.
 * - `assigned` (complaints): owned, first-responded, or unowned in one of the user's queues.
 * - `involved` (cycles): owner, sponsor, approver, team member, action assignee or control-plan owner.
 */
export type Scope = 'all' | 'assigned' | 'involved';

export const PERMISSIONS = {
  'complaint.create': { describe: 'register complaints', roles: { intake: 'all', agent: 'all', supervisor: 'all' } },
  'complaint.read': { describe: 'read complaints, their history and SLA timeline', roles: { agent: 'assigned', supervisor: 'all', admin: 'all', auditor: 'all' } },
  'complaint.act': { describe: 'work on complaints (acknowledge, reply, transfer, resolve...)', roles: { agent: 'assigned', supervisor: 'all' } },
  'complaint.cancel': { describe: 'cancel complaints', roles: { supervisor: 'all' } },
  'cycle.create': { describe: 'start improvement cycles', roles: { process_owner: 'all', admin: 'all' } },
  'cycle.read': {
    describe: 'read improvement cycles, reports and history',
    roles: { process_owner: 'involved', sponsor: 'involved', supervisor: 'involved', agent: 'involved', admin: 'all', auditor: 'all' },
  },
  'cycle.act': { describe: 'act on improvement cycles (the cycle decides which command whom)', roles: { process_owner: 'involved', sponsor: 'involved', supervisor: 'involved', agent: 'involved' } },
  'catalog.read': { describe: 'read SLA policies and business calendars', roles: { agent: 'all', supervisor: 'all', admin: 'all', auditor: 'all' } },
  'catalog.write': { describe: 'change SLA policies and business calendars', roles: { supervisor: 'all', admin: 'all' } },
  'audit.read': { describe: 'search, export and verify the audit trail; read digests', roles: { auditor: 'all', admin: 'all' } },
  'admin.manage': { describe: 'manage users and API keys', roles: { admin: 'all' } },
  'area.read': {
    describe: 'read service areas (scope, causes, quality objectives)',
    roles: { agent: 'all', supervisor: 'all', process_owner: 'all', sponsor: 'all', admin: 'all', auditor: 'all' },
  },
  'area.write': { describe: 'change service areas', roles: { admin: 'all' } },
  'volume.write': { describe: 'record service volume (the denominator of complaint rates)', roles: { supervisor: 'all', process_owner: 'all', admin: 'all' } },
  'analytics.read': {
    describe: 'read KPIs, Pareto tables, control charts and service volume (agents: their own figures and their queues)',
    roles: { agent: 'assigned', supervisor: 'all', process_owner: 'all', sponsor: 'all', admin: 'all', auditor: 'all' },
  },
  'trigger.read': { describe: 'read improvement triggers and dry-run them', roles: { supervisor: 'all', process_owner: 'all', sponsor: 'all', admin: 'all', auditor: 'all' } },
  'trigger.write': { describe: 'change improvement triggers', roles: { process_owner: 'all', admin: 'all' } },
  'review.read': { describe: 'read quality reviews and export them', roles: { supervisor: 'all', process_owner: 'all', sponsor: 'all', admin: 'all', auditor: 'all' } },
  'review.act': { describe: 'record decisions and sign quality reviews (the review decides whom)', roles: { supervisor: 'all', process_owner: 'all', sponsor: 'all' } },
} as const satisfies Record<string, { describe: string; roles: Partial<Record<Role, Scope>> }>;

export type Permission = keyof typeof PERMISSIONS;

/** The scope a role has for a permission, or null when the role lacks it. */
export function scopeOf(role: Role, permission: Permission): Scope | null {
  return (PERMISSIONS[permission].roles as Partial<Record<Role, Scope>>)[role] ?? null;
}

export type Resource = { kind: 'complaint'; view: ComplaintAccessView } | { kind: 'cycle'; view: CycleAccessView };

/** Whether `scope` covers the object. */
export function inScope(user: Principal, scope: Scope, resource: Resource): boolean {
  switch (scope) {
    case 'all':
      return true;
    case 'assigned':
      return resource.kind === 'complaint' && isAssigned(user, resource.view);
    case 'involved':
      return resource.kind === 'cycle' && cycleParticipants(resource.view).includes(user.id);
  }
}

/** `Permission complaint.read: agent (assigned), supervisor, admin, auditor` (OpenAPI descriptions). */
export function describePermission(permission: Permission): string {
  const roles = Object.entries(PERMISSIONS[permission].roles as Record<string, Scope>).map(([role, scope]) => (scope === 'all' ? role : `${role} (${scope})`));
  return `Permission ${permission}: ${roles.join(', ')}`;
}
