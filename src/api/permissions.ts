/**
 * Permissions applied to requests. The matrix itself (which role may do
 * what, with which scope) lives in src/domain/permissions.ts so use cases can
 * read it without the HTTP layer. Every route names one permission;
 * `mountRoutes` refuses roles without it, and handlers pass the objects they
 * load through `access.check`, which applies the scope with `inScope` below.
 */
import { type ComplaintAccessView, type CycleAccessView, type Principal, cycleParticipants, isAssigned } from '../domain/access';
import { PERMISSIONS, type Permission, type Scope } from '../domain/permissions';

export { PERMISSIONS, type Permission, type Scope, scopeOf } from '../domain/permissions';

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
