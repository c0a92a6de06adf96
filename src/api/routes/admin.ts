/** Admin endpoints: users and API keys (issue 4). Keys are shown once, when issued; lists never carry a key or its hash. */
import type { z } from 'zod';
import { type KeyRecord, type UserRecord, createAdminService, keyStatus } from '../../services/admin';
import type { RouteDeps } from '../app';
import {
  createUserBody,
  emptyBody,
  issueKeyBody,
  issuedKey,
  keyIdParams,
  keyList,
  keyView,
  listUsersQuery,
  updateUserBody,
  userIdParams,
  userList,
  userView,
} from '../admin-schemas';
import { passwordSet, setPasswordBody } from '../auth-schemas';
import { type RouteSpec, defineRoute } from '../route';
import { emptyQuery } from '../schemas';
import { problemResponses, readIdempotencyKey } from './common';

const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

function toUserView(u: UserRecord): z.infer<typeof userView> {
  return { id: u.id, name: u.name, role: u.role, queues: u.queues, createdAt: u.createdAt.toISOString(), updatedAt: isoOrNull(u.updatedAt), disabledAt: isoOrNull(u.disabledAt) };
}

function toKeyView(k: KeyRecord, now: number): z.infer<typeof keyView> {
  return {
    keyId: k.keyId,
    userId: k.userId,
    prefix: k.prefix,
    label: k.label,
    createdAt: k.createdAt.toISOString(),
    expiresAt: isoOrNull(k.expiresAt),
    revokedAt: isoOrNull(k.revokedAt),
    status: keyStatus(k, now),
  };
}

export function adminRoutes(deps: RouteDeps): RouteSpec[] {
  const admin = createAdminService({ models: deps.models, pepper: deps.config.secrets.apiKeyPepper, onAuthChange: () => deps.auth.forget() });
  const common = { tag: 'administration', permission: 'admin.manage' } as const;

  return [
    defineRoute({
      ...common,
      method: 'get',
      path: '/admin/users',
      summary: 'Users by id, optionally of one role; cursor pagination',
      query: listUsersQuery,
      responses: { 200: { description: 'a page', schema: userList }, ...problemResponses(400, 401, 403, 503) },
      handler: async ({ query }) => {
        const page = await admin.listUsers(query);
        return { status: 200, body: { items: page.items.map(toUserView), nextCursor: page.nextCursor } };
      },
    }),
    defineRoute({
      ...common,
      method: 'post',
      path: '/admin/users',
      summary: 'Create a user (no key yet), optionally with a password to sign in to the web app; an existing id is a conflict',
      body: createUserBody,
      responses: { 201: { description: 'created', schema: userView }, ...problemResponses(400, 401, 403, 409, 413, 415, 503) },
      handler: async ({ body, user: actor }) => {
        const user = await admin.createUser(body, { id: actor.id, role: actor.role });
        return { status: 201, body: toUserView(user), headers: { location: `/admin/users/${user.id}` } };
      },
    }),
    defineRoute({
      ...common,
      method: 'get',
      path: '/admin/users/:id',
      summary: 'A user',
      params: userIdParams,
      query: emptyQuery,
      responses: { 200: { description: 'the user', schema: userView }, ...problemResponses(400, 401, 403, 404, 503) },
      handler: async ({ params }) => ({ status: 200, body: toUserView(await admin.getUser(params.id)) }),
    }),
    defineRoute({
      ...common,
      method: 'put',
      path: '/admin/users/:id',
      summary: "Replace a user's name, role and queues, and enable or disable them (a disabled user's keys stop working)",
      params: userIdParams,
      body: updateUserBody,
      responses: { 200: { description: 'the updated user', schema: userView }, ...problemResponses(400, 401, 403, 404, 413, 415, 422, 503) },
      handler: async ({ params, body, user }) => ({ status: 200, body: toUserView(await admin.updateUser({ id: user.id, role: user.role }, params.id, body)) }),
    }),
    defineRoute({
      ...common,
      method: 'put',
      path: '/admin/users/:id/password',
      summary: "Set or reset a user's web sign-in password: clears a lockout and ends the user's sessions (audited, never the password)",
      params: userIdParams,
      body: setPasswordBody,
      responses: { 200: { description: 'set', schema: passwordSet }, ...problemResponses(400, 401, 403, 404, 413, 415, 503) },
      handler: async ({ params, body, user }) => {
        const { sessionsEnded } = await admin.setUserPassword({ id: user.id, role: user.role }, params.id, body.password);
        return { status: 200, body: { userId: params.id, sessionsEnded } };
      },
    }),
    defineRoute({
      ...common,
      method: 'post',
      path: '/admin/users/:id/keys',
      summary: 'Issue an API key for a user; the key is in this response only',
      params: userIdParams,
      body: issueKeyBody,
      headers: { 'Idempotency-Key': 'a retry by the same admin with the same key (and body) issues nothing: 409 KEY_ALREADY_ISSUED names the key issued first (keys are shown once)' },
      responses: {
        201: { description: 'issued', schema: issuedKey },
        ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422, 503),
      },
      handler: async ({ params, body, user, req }) => {
        const idempotencyKey = readIdempotencyKey(req.header('idempotency-key'));
        const { key, record } = await admin.issueKey({ id: user.id, role: user.role }, params.id, body, idempotencyKey);
        const issued: z.infer<typeof issuedKey> = {
          keyId: record.keyId,
          userId: record.userId,
          key,
          prefix: record.prefix,
          label: record.label,
          createdAt: record.createdAt.toISOString(),
          expiresAt: isoOrNull(record.expiresAt),
        };
        return { status: 201, body: issued };
      },
    }),
    defineRoute({
      ...common,
      method: 'get',
      path: '/admin/users/:id/keys',
      summary: "A user's API keys, newest first (never the key or its hash)",
      params: userIdParams,
      query: emptyQuery,
      responses: { 200: { description: 'the keys', schema: keyList }, ...problemResponses(400, 401, 403, 404, 503) },
      handler: async ({ params }) => {
        const now = Date.now();
        return { status: 200, body: { items: (await admin.listKeys(params.id)).map((k) => toKeyView(k, now)) } };
      },
    }),
    defineRoute({
      ...common,
      method: 'post',
      path: '/admin/keys/:keyId/revoke',
      summary: 'Revoke an API key at once (idempotent: the first revocation time is kept)',
      params: keyIdParams,
      body: emptyBody,
      responses: { 200: { description: 'the revoked key', schema: keyView }, ...problemResponses(400, 401, 403, 404, 413, 415, 503) },
      handler: async ({ params, user }) => ({ status: 200, body: toKeyView(await admin.revokeKey({ id: user.id, role: user.role }, params.keyId), Date.now()) }),
    }),
  ];
}
