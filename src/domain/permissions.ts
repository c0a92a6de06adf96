/**
 * The permission matrix: which role may do what, and with which scope. It is
 * the one place access is decided. Pure data and a lookup, so that use cases
 * (src/services, called from HTTP routes, schedules and scripts alike) and
 * the HTTP layer read the same table. src/api/permissions.ts applies it to
 * requests; the table in docs/permissions.md is generated from it (a test
 * keeps them equal).
 */
import type { Role } from './actors';

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
  'customer.link': { describe: "issue and revoke a complaint's customer link (to hand it over another way)", roles: { agent: 'assigned', supervisor: 'all' } },
  'customer.manage': { describe: "read a customer's contact and erase it on request", roles: { admin: 'all' } },
  'followup.read': { describe: 'read follow-up tasks (callbacks after a low satisfaction rating)', roles: { supervisor: 'all', admin: 'all', auditor: 'all' } },
  'followup.act': { describe: 'complete follow-up tasks', roles: { supervisor: 'all' } },
  'survey.read': { describe: 'read survey definitions, campaigns and results', roles: { process_owner: 'all', sponsor: 'all', supervisor: 'all', admin: 'all', auditor: 'all' } },
  'survey.write': { describe: 'define surveys (new versions) and run campaigns', roles: { process_owner: 'all', admin: 'all' } },
} as const satisfies Record<string, { describe: string; roles: Partial<Record<Role, Scope>> }>;

export type Permission = keyof typeof PERMISSIONS;

/** The scope a role has for a permission, or null when the role lacks it. */
export function scopeOf(role: Role, permission: Permission): Scope | null {
  return (PERMISSIONS[permission].roles as Partial<Record<Role, Scope>>)[role] ?? null;
}
