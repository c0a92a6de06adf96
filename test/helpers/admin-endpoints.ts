/**
 * The admin API's endpoints with a request each would accept from an admin,
 * so tests can send exactly that request with the wrong role or no key (and
 * the OpenAPI test can list the admin operations).
 */

/** An existing user and one of their keys, to fill the paths in. */
export interface AdminTarget {
  userId: string;
  keyId: string;
}

export interface AdminEndpoint {
  method: 'GET' | 'POST' | 'PUT';
  /** `METHOD /express/path`, as in the route declaration. */
  route: string;
  path: (t: AdminTarget) => string;
  body?: (t: AdminTarget) => Record<string, unknown>;
}

export const ADMIN_ENDPOINTS: AdminEndpoint[] = [
  { method: 'GET', route: 'GET /admin/users', path: () => '/admin/users' },
  { method: 'POST', route: 'POST /admin/users', path: () => '/admin/users', body: () => ({ id: 'would-be-created', name: 'Would Be', role: 'admin' }) },
  { method: 'GET', route: 'GET /admin/users/:id', path: (t) => `/admin/users/${t.userId}` },
  {
    method: 'PUT',
    route: 'PUT /admin/users/:id',
    path: (t) => `/admin/users/${t.userId}`,
    body: () => ({ name: 'Renamed', role: 'admin', queues: ['general', 'vip'], disabled: false }),
  },
  { method: 'PUT', route: 'PUT /admin/users/:id/password', path: (t) => `/admin/users/${t.userId}/password`, body: () => ({ password: 'matrix-password-123' }) },
  { method: 'POST', route: 'POST /admin/users/:id/keys', path: (t) => `/admin/users/${t.userId}/keys`, body: () => ({ label: 'would be issued', expiresInDays: 30 }) },
  { method: 'GET', route: 'GET /admin/users/:id/keys', path: (t) => `/admin/users/${t.userId}/keys` },
  { method: 'POST', route: 'POST /admin/keys/:keyId/revoke', path: (t) => `/admin/keys/${t.keyId}/revoke`, body: () => ({}) },
];
