/**
 * User and API-key administration through the HTTP API only (real Express
 * app, Worker, Temporal dev server and FerretDB), then checked in the
 * database: a key issued by an admin works at once, is shown once and stored
 * only as its HMAC; revocation, expiry and disabling the user shut it out
 * on the very next request; admins cannot lock themselves out; and every
 * refused request (wrong role, no key, bad input, unknown ids, conflicts)
 * writes nothing.
 */
import { hashApiKey } from '../../src/api/auth';
import { ROLES } from '../../src/domain/actors';
import { ADMIN_ENDPOINTS, type AdminTarget } from '../helpers/admin-endpoints';
import { type ApiStack, type CallOptions, collectionCounts, errorPaths, rejectionChecker, startApiStack } from '../helpers/api';
import { uniqueId } from '../helpers/stack';

type View = Record<string, any>;
type Issued = { keyId: string; userId: string; key: string; prefix: string; label: string | null; createdAt: string; expiresAt: string };

const DAY_MS = 86_400_000;
const ISO = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
const NON_ADMIN_ROLES = ROLES.filter((r) => r !== 'admin');

describe('admin: users and API keys', () => {
  let stack: ApiStack;

  beforeAll(async () => {
    stack = await startApiStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const asAdmin = <T = View>(method: string, path: string, opts: Omit<CallOptions, 'key'> = {}) => stack.call<T>(method, path, { key: stack.keys.admin, ...opts });
  /** Everything an admin request could change: the count of every collection, and every user and key record in full. */
  const snapshot = async () => ({
    counts: await collectionCounts(stack.models),
    users: await stack.models.User.find().sort({ _id: 1 }).lean(),
    keys: await stack.models.ApiKey.find().sort({ _id: 1 }).lean(),
  });
  const rejected = rejectionChecker(() => stack, snapshot);

  async function createUser(role: string, extra: Record<string, unknown> = {}): Promise<string> {
    const id = uniqueId(role.replace('_', '-'));
    const res = await asAdmin('POST', '/admin/users', { body: { id, name: `Test ${role}`, role, ...extra } });
    expect({ status: res.status, body: res.body }).toEqual({ status: 201, body: expect.objectContaining({ id }) });
    return id;
  }

  async function issueKey(userId: string, body: Record<string, unknown> = {}): Promise<Issued> {
    const res = await asAdmin<Issued>('POST', `/admin/users/${userId}/keys`, { body });
    expect({ status: res.status, body: res.body }).toEqual({ status: 201, body: expect.objectContaining({ userId, key: expect.any(String) }) });
    return res.body;
  }

  /** A call with a user's key that only authentication could refuse (every role but intake may list complaints or cycles). */
  const useKey = (key: string) => stack.call('GET', '/complaints', { key });

  it('given a new agent created by an admin, when a key is issued and used, then the agent reaches the API with it, the key is shown only in the issuing reply and the store keeps only its HMAC', async () => {
    const id = uniqueId('agent');
    const created = await asAdmin('POST', '/admin/users', { body: { id, name: 'Nina New', role: 'agent' } });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`/admin/users/${id}`);
    const view = { id, name: 'Nina New', role: 'agent', queues: ['general'], createdAt: ISO, updatedAt: null, disabledAt: null };
    expect(created.body).toEqual(view);
    expect((await asAdmin('GET', `/admin/users/${id}`)).body).toEqual(created.body);
    const stored = await stack.models.User.findById(id).lean();
    expect(stored).toEqual({ _id: id, name: 'Nina New', role: 'agent', queues: ['general'], createdAt: new Date(created.body.createdAt), updatedAt: null, disabledAt: null });

    // Not usable before a key exists: the user has none.
    expect((await asAdmin('GET', `/admin/users/${id}/keys`)).body).toEqual({ items: [] });

    const issued = await asAdmin<Issued>('POST', `/admin/users/${id}/keys`, { body: { label: 'crm integration', expiresInDays: 30 } });
    expect(issued.status).toBe(201);
    expect(issued.headers['cache-control']).toBe('no-store');
    const { key, keyId } = issued.body;
    expect(issued.body).toEqual({ keyId: expect.stringMatching(/^k_[0-9a-f]{16}$/), userId: id, key: expect.stringMatching(/^ql_[A-Za-z0-9_-]{32}$/), prefix: key.slice(0, 8), label: 'crm integration', createdAt: ISO, expiresAt: ISO });
    expect(Date.parse(issued.body.expiresAt) - Date.parse(issued.body.createdAt)).toBeGreaterThanOrEqual(30 * DAY_MS - 1000);
    expect(Date.parse(issued.body.expiresAt) - Date.parse(issued.body.createdAt)).toBeLessThanOrEqual(30 * DAY_MS + 1000);

    // The new key works at once, with the role the admin gave.
    const complaints = await useKey(key);
    expect(complaints.status).toBe(200);
    expect(complaints.body).toEqual(expect.objectContaining({ items: expect.any(Array) }));
    await rejected('GET', '/admin/users', { key }, 403, 'NOT_PERMITTED');

    // The list shows the key's metadata, never the key or its hash.
    const hash = hashApiKey(stack.config.secrets.apiKeyPepper, key);
    const list = await asAdmin('GET', `/admin/users/${id}/keys`);
    expect(list.status).toBe(200);
    expect(list.body).toEqual({
      items: [{ keyId, userId: id, prefix: key.slice(0, 8), label: 'crm integration', createdAt: issued.body.createdAt, expiresAt: issued.body.expiresAt, revokedAt: null, status: 'active' }],
    });
    expect(list.text).not.toContain(key);
    expect(list.text).not.toContain(hash);

    // Stored: only the HMAC, as the record's id; no field of any user or key document holds the key.
    const raw = await stack.models.ApiKey.collection.findOne({ keyId });
    expect(raw).toEqual({ _id: hash, keyId, userId: id, label: 'crm integration', prefix: key.slice(0, 8), createdAt: expect.any(Date), expiresAt: expect.any(Date), revokedAt: null, issueRequestId: null });
    const everyStoredValue = [...(await stack.models.ApiKey.collection.find({}).toArray()), ...(await stack.models.User.collection.find({}).toArray())].flatMap((d) => Object.values(d));
    expect(everyStoredValue).not.toContain(key);
    expect(JSON.stringify(everyStoredValue)).not.toContain(key);
  });

  it('given a key in use, when an admin revokes it, then its next request is refused 401 at once while the user’s other key still works, and revoking again keeps the first revocation time', async () => {
    const id = await createUser('agent');
    const revokedKey = await issueKey(id, { label: 'old laptop' });
    const otherKey = await issueKey(id, { label: 'new laptop' });
    // Used once, so this API process has the key's lookup cached.
    expect((await useKey(revokedKey.key)).status).toBe(200);

    const revoked = await asAdmin('POST', `/admin/keys/${revokedKey.keyId}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toEqual({ keyId: revokedKey.keyId, userId: id, prefix: revokedKey.prefix, label: 'old laptop', createdAt: revokedKey.createdAt, expiresAt: revokedKey.expiresAt, revokedAt: ISO, status: 'revoked' });

    const refused = await useKey(revokedKey.key);
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('UNAUTHENTICATED');
    expect((await useKey(otherKey.key)).status).toBe(200);

    // Idempotent: the second revocation answers the same record and writes nothing.
    const before = await snapshot();
    const again = await asAdmin('POST', `/admin/keys/${revokedKey.keyId}/revoke`, { body: {} });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(revoked.body);
    expect(await snapshot()).toEqual(before);
    const stored = await stack.models.ApiKey.findOne({ keyId: revokedKey.keyId }).lean();
    expect(stored!.revokedAt!.toISOString()).toBe(revoked.body.revokedAt);

    const list = await asAdmin('GET', `/admin/users/${id}/keys`);
    expect(list.body.items.map((k: View) => [k.keyId, k.status])).toEqual(
      expect.arrayContaining([
        [revokedKey.keyId, 'revoked'],
        [otherKey.keyId, 'active'],
      ]),
    );
    expect(list.body.items).toHaveLength(2);
  });

  it('given a key whose expiry has passed before its first use, when it is used, then 401, and the key list shows it expired', async () => {
    // A fresh user and key: no request has used them, so no cached lookup can hide the expiry.
    const id = await createUser('agent');
    const expiring = await issueKey(id, { expiresInDays: 1 });
    const current = await issueKey(id, { expiresInDays: 1 });
    const past = new Date(Date.now() - 60_000);
    await stack.models.ApiKey.updateOne({ _id: hashApiKey(stack.config.secrets.apiKeyPepper, expiring.key) }, { $set: { expiresAt: past } });

    const refused = await useKey(expiring.key);
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('UNAUTHENTICATED');
    expect((await useKey(current.key)).status).toBe(200);

    const list = await asAdmin('GET', `/admin/users/${id}/keys`);
    const byId = Object.fromEntries(list.body.items.map((k: View) => [k.keyId, k]));
    expect(byId[expiring.keyId]).toEqual(expect.objectContaining({ status: 'expired', expiresAt: past.toISOString(), revokedAt: null }));
    expect(byId[current.keyId]).toEqual(expect.objectContaining({ status: 'active' }));
  });

  it('given a user whose key is in use, when an admin disables them, then their next request is refused 401, no key can be issued to them, disabling again changes nothing, and enabling them restores the key', async () => {
    const id = await createUser('agent', { queues: ['general', 'billing'] });
    const { key } = await issueKey(id);
    expect((await useKey(key)).status).toBe(200);

    const body = { name: 'Test agent', role: 'agent', queues: ['general', 'billing'], disabled: true };
    const disabled = await asAdmin('PUT', `/admin/users/${id}`, { body });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toEqual({ id, name: 'Test agent', role: 'agent', queues: ['general', 'billing'], createdAt: ISO, updatedAt: ISO, disabledAt: ISO });
    const stored = await stack.models.User.findById(id).lean();
    expect(stored!.disabledAt!.toISOString()).toBe(disabled.body.disabledAt);

    const refused = await useKey(key);
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('UNAUTHENTICATED');

    // A repeated PUT is idempotent: same reply, nothing written (the first disabledAt is kept).
    const before = await snapshot();
    const again = await asAdmin('PUT', `/admin/users/${id}`, { body });
    expect({ status: again.status, body: again.body }).toEqual({ status: 200, body: disabled.body });
    expect(await snapshot()).toEqual(before);

    await rejected('POST', `/admin/users/${id}/keys`, { key: stack.keys.admin, body: {} }, 409, 'USER_DISABLED');

    const enabled = await asAdmin('PUT', `/admin/users/${id}`, { body: { ...body, disabled: false } });
    expect(enabled.status).toBe(200);
    expect(enabled.body.disabledAt).toBeNull();
    expect((await useKey(key)).status).toBe(200);
  });

  it('given an account an admin creates, changes, disables and gives a key that is then revoked, then its audit stream records each change once, attributed to the admin, chained, without the key, and retries add nothing', async () => {
    const id = await createUser('agent', { queues: ['general'] });
    const issued = await issueKey(id, { label: 'crm' });
    const change = { name: 'Renamed agent', role: 'supervisor', queues: ['general', 'billing'], disabled: false };
    for (let i = 0; i < 2; i++) expect((await asAdmin('PUT', `/admin/users/${id}`, { body: change })).status).toBe(200);
    expect((await asAdmin('PUT', `/admin/users/${id}`, { body: { ...change, disabled: true } })).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await asAdmin('POST', `/admin/keys/${issued.keyId}/revoke`)).status).toBe(200);

    const events = await stack.models.AuditEvent.find({ stream: `user:${id}` }).sort({ seq: 1 }).lean();
    expect(events.map((e) => [e.seq, e.action, e.actor?.id, e.actor?.role])).toEqual([
      [1, 'user.created', 'ada', 'admin'],
      [2, 'user.key_issued', 'ada', 'admin'],
      [3, 'user.updated', 'ada', 'admin'],
      [4, 'user.updated', 'ada', 'admin'],
      [5, 'user.key_revoked', 'ada', 'admin'],
    ]);
    expect(events[0]!.after).toEqual({ name: 'Test agent', role: 'agent', queues: ['general'], disabled: false });
    expect(events[1]!.details).toEqual({ keyId: issued.keyId, label: 'crm', expiresAt: issued.expiresAt });
    expect([events[2]!.before, events[2]!.after]).toEqual([
      { name: 'Test agent', role: 'agent', queues: ['general'], disabled: false },
      { name: 'Renamed agent', role: 'supervisor', queues: ['general', 'billing'], disabled: false },
    ]);
    expect((events[3]!.after as View).disabled).toBe(true);
    expect(events[4]!.details).toEqual({ keyId: issued.keyId });
    for (let i = 1; i < events.length; i++) expect(events[i]!.prevHash).toBe(events[i - 1]!.hash);
    expect(JSON.stringify(events)).not.toContain(issued.key);
    const verify = await stack.call('POST', '/audit/verify', { key: stack.keys.auditor, body: { stream: `user:${id}` } });
    expect({ status: verify.status, ok: verify.body.ok }).toEqual({ status: 200, ok: true });
  });

  it('given a user with a key in use, when an admin changes their role and queues, then the new role applies to their very next request', async () => {
    const id = await createUser('agent');
    const { key } = await issueKey(id);
    await rejected('GET', '/admin/users', { key }, 403, 'NOT_PERMITTED');

    const promoted = await asAdmin('PUT', `/admin/users/${id}`, { body: { name: 'Promoted', role: 'admin', queues: [], disabled: false } });
    expect(promoted.status).toBe(200);
    expect(promoted.body).toEqual({ id, name: 'Promoted', role: 'admin', queues: [], createdAt: ISO, updatedAt: ISO, disabledAt: null });
    expect(await stack.models.User.findById(id).lean()).toEqual(expect.objectContaining({ name: 'Promoted', role: 'admin', queues: [] }));
    expect((await stack.call('GET', '/admin/users', { key })).status).toBe(200);
  });

  it('given an admin acting on their own account, when they disable or demote themselves, then 422 SELF_LOCKOUT and nothing changes, while renaming themselves and demoting another admin are allowed', async () => {
    const self = (await asAdmin('GET', '/admin/users/ada')).body;
    expect(self).toEqual(expect.objectContaining({ id: 'ada', role: 'admin', disabledAt: null }));
    const mine = { name: self.name, role: 'admin', queues: self.queues, disabled: false };

    const demote = await rejected('PUT', '/admin/users/ada', { key: stack.keys.admin, body: { ...mine, role: 'agent' } }, 422, 'SELF_LOCKOUT');
    expect(demote.body.detail).toMatch(/admin role/);
    const disable = await rejected('PUT', '/admin/users/ada', { key: stack.keys.admin, body: { ...mine, disabled: true } }, 422, 'SELF_LOCKOUT');
    expect(disable.body.detail).toMatch(/disable/);
    expect((await asAdmin('GET', '/admin/users')).status).toBe(200);

    const renamed = await asAdmin('PUT', '/admin/users/ada', { body: { ...mine, name: 'Ada Lovelace' } });
    expect({ status: renamed.status, name: renamed.body.name, role: renamed.body.role }).toEqual({ status: 200, name: 'Ada Lovelace', role: 'admin' });

    // A second admin cannot lock themselves out either, but may be demoted by another admin.
    const other = await createUser('admin');
    const otherKey = await issueKey(other);
    await rejected('PUT', `/admin/users/${other}`, { key: otherKey.key, body: { name: 'Other', role: 'admin', queues: [], disabled: true } }, 422, 'SELF_LOCKOUT');
    const demoted = await asAdmin('PUT', `/admin/users/${other}`, { body: { name: 'Other', role: 'auditor', queues: [], disabled: false } });
    expect(demoted.status).toBe(200);
    expect(demoted.body.role).toBe('auditor');
    await rejected('GET', '/admin/users', { key: otherKey.key }, 403, 'NOT_PERMITTED');
  });

  it('given an existing user id, when an admin creates it again, then 409 ALREADY_EXISTS and the existing user is left as it was', async () => {
    await rejected('POST', '/admin/users', { key: stack.keys.admin, body: { id: 'alice', name: 'Impostor', role: 'admin' } }, 409, 'ALREADY_EXISTS');
    const id = await createUser('auditor');
    await rejected('POST', '/admin/users', { key: stack.keys.admin, body: { id, name: 'Test auditor', role: 'auditor' } }, 409, 'ALREADY_EXISTS');
    expect(await stack.models.User.findById('alice').lean()).toEqual(expect.objectContaining({ name: 'Alice Agent', role: 'agent' }));
  });

  it('given ids that do not exist, when an admin reads, changes, issues keys for or revokes them, then 404 and nothing is written', async () => {
    const key = stack.keys.admin;
    await rejected('GET', '/admin/users/nobody', { key }, 404, 'NOT_FOUND');
    await rejected('PUT', '/admin/users/nobody', { key, body: { name: 'Nobody', role: 'agent', queues: [], disabled: false } }, 404, 'NOT_FOUND');
    await rejected('POST', '/admin/users/nobody/keys', { key, body: {} }, 404, 'NOT_FOUND');
    await rejected('GET', '/admin/users/nobody/keys', { key }, 404, 'NOT_FOUND');
    await rejected('POST', '/admin/keys/k_0000000000000000/revoke', { key }, 404, 'NOT_FOUND');
    expect(await stack.models.User.findById('nobody').lean()).toBeNull();
  });

  it('given malformed requests, when an admin sends them, then 400 names every failing field and nothing is written', async () => {
    const key = stack.keys.admin;
    const id = await createUser('agent');
    const { keyId } = await issueKey(id);
    const user = { id: 'valid-id', name: 'Valid', role: 'agent' };
    const update = { name: 'Valid', role: 'agent', queues: ['general'], disabled: false };
    const cases: [string, string, CallOptions, string][] = [
      ['POST', '/admin/users', { body: { ...user, isAdmin: true } }, 'body.isAdmin'],
      ['POST', '/admin/users', { body: { ...user, role: 'root' } }, 'body.role'],
      ['POST', '/admin/users', { body: { ...user, name: undefined } }, 'body.name'],
      ['POST', '/admin/users', { body: { ...user, name: '   ' } }, 'body.name'],
      ['POST', '/admin/users', { body: { ...user, name: { $ne: null } } }, 'body.name'],
      ['POST', '/admin/users', { body: { ...user, id: 'bad id!' } }, 'body.id'],
      ['POST', '/admin/users', { body: { ...user, id: 'x'.repeat(65) } }, 'body.id'],
      ['POST', '/admin/users', { body: { ...user, queues: ['Sales Team'] } }, 'body.queues.0'],
      ['POST', '/admin/users', { body: { ...user, queues: Array.from({ length: 21 }, (_, i) => `q${i}`) } }, 'body.queues'],
      ['POST', '/admin/users', { body: { ...user, queues: ['general', 'general'] } }, 'body.queues'],
      ['POST', '/admin/users', { body: { ...user, disabledAt: null } }, 'body.disabledAt'],
      ['PUT', `/admin/users/${id}`, { body: { ...update, disabled: undefined } }, 'body.disabled'],
      ['PUT', `/admin/users/${id}`, { body: { ...update, disabled: 'yes' } }, 'body.disabled'],
      ['PUT', `/admin/users/${id}`, { body: { ...update, role: 'superadmin' } }, 'body.role'],
      ['PUT', `/admin/users/${id}`, { body: { ...update, queues: undefined } }, 'body.queues'],
      ['PUT', `/admin/users/${id}`, { body: { ...update, id: 'renamed' } }, 'body.id'],
      ['PUT', '/admin/users/bad%20id', { body: update }, 'params.id'],
      ['POST', `/admin/users/${id}/keys`, { body: { expiresInDays: 0 } }, 'body.expiresInDays'],
      ['POST', `/admin/users/${id}/keys`, { body: { expiresInDays: 366 } }, 'body.expiresInDays'],
      ['POST', `/admin/users/${id}/keys`, { body: { expiresInDays: 1.5 } }, 'body.expiresInDays'],
      ['POST', `/admin/users/${id}/keys`, { body: { expiresInDays: '30' } }, 'body.expiresInDays'],
      ['POST', `/admin/users/${id}/keys`, { body: { key: 'my-own-chosen-key' } }, 'body.key'],
      ['POST', `/admin/users/${id}/keys`, { body: { label: '' } }, 'body.label'],
      ['POST', `/admin/users/${id}/keys`, { body: { label: 'x'.repeat(101) } }, 'body.label'],
      ['POST', `/admin/users/${id}/keys`, { body: {}, headers: { 'idempotency-key': 'x'.repeat(201) } }, 'headers.idempotency-key'],
      ['POST', `/admin/keys/${keyId}/revoke`, { body: { reason: 'lost' } }, 'body.reason'],
      ['POST', '/admin/keys/not-a-key-id/revoke', { body: {} }, 'params.keyId'],
      ['GET', '/admin/users?limit=0', {}, 'query.limit'],
      ['GET', '/admin/users?limit=101', {}, 'query.limit'],
      ['GET', '/admin/users?role=root', {}, 'query.role'],
      ['GET', '/admin/users?cursor=bad!', {}, 'query.cursor'],
      ['GET', '/admin/users?cursor=abc', {}, 'query.cursor'],
      ['GET', '/admin/users?sort=name', {}, 'query.sort'],
      ['GET', '/admin/users/bad%20id', {}, 'params.id'],
      ['GET', `/admin/users/${id}/keys?all=true`, {}, 'query.all'],
    ];
    for (const [method, path, opts, field] of cases) {
      const res = await rejected(method, path, { key, ...opts }, 400, 'VALIDATION_FAILED');
      expect({ method, path, body: opts.body, paths: errorPaths(res) }).toEqual({ method, path, body: opts.body, paths: expect.arrayContaining([field]) });
    }
  });

  it('given more users than a page holds, when an admin pages through them, then every user appears once in id order, and a role filter returns only that role', async () => {
    const all = (await stack.models.User.find({}, { _id: 1 }).sort({ _id: 1 }).lean()).map((u) => u._id);
    expect(all.length).toBeGreaterThan(3);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: View } = await asAdmin('GET', `/admin/users?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(3);
      for (const u of res.body.items) {
        expect(Object.keys(u).sort()).toEqual(['createdAt', 'disabledAt', 'id', 'name', 'queues', 'role', 'updatedAt']);
        expect(u.createdAt).toEqual(ISO);
      }
      seen.push(...res.body.items.map((u: View) => u.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);

    const agents = await asAdmin('GET', '/admin/users?role=agent&limit=100');
    expect(agents.body.items.map((u: View) => u.role)).toEqual(agents.body.items.map(() => 'agent'));
    expect(agents.body.items.map((u: View) => u.id)).toEqual(expect.arrayContaining(['alice', 'bob']));
    expect(agents.body.nextCursor).toBeNull();
  });

  it('given an Idempotency-Key, when an admin retries a key request, then no second key is issued (409 naming the first key, which is never shown again), and reusing it for a different request is refused', async () => {
    const id = await createUser('supervisor');
    const headers = { 'idempotency-key': uniqueId('issue') };
    const first = await asAdmin<Issued>('POST', `/admin/users/${id}/keys`, { body: { label: 'retried', expiresInDays: 7 }, headers });
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();

    const before = await snapshot();
    const retry = await rejected('POST', `/admin/users/${id}/keys`, { key: stack.keys.admin, body: { label: 'retried', expiresInDays: 7 }, headers }, 409, 'KEY_ALREADY_ISSUED');
    expect(retry.body).toMatchObject({ keyId: first.body.keyId });
    expect(retry.text).not.toContain(first.body.key);
    expect(await snapshot()).toEqual(before);
    expect(await stack.models.ApiKey.countDocuments({ userId: id })).toBe(1);

    await rejected('POST', `/admin/users/${id}/keys`, { key: stack.keys.admin, body: { label: 'something else', expiresInDays: 7 }, headers }, 422, 'IDEMPOTENCY_KEY_REUSED');
    await rejected('POST', `/admin/users/${id}/keys`, { key: stack.keys.admin, body: { label: 'retried', expiresInDays: 8 }, headers }, 422, 'IDEMPOTENCY_KEY_REUSED');
    expect((await useKey(first.body.key)).status).toBe(200);

    // Without the header every request issues a new key.
    const a = await issueKey(id);
    const b = await issueKey(id);
    expect(a.keyId).not.toBe(b.keyId);
  });

  it('given every admin endpoint, when called by each non-admin role, without a key or with an unknown key, then 403 or 401 and nothing changes', async () => {
    const target: AdminTarget = { userId: await createUser('agent'), keyId: '' };
    const targetKey = await issueKey(target.userId);
    target.keyId = targetKey.keyId;
    for (const e of ADMIN_ENDPOINTS) {
      const path = e.path(target);
      const body = e.body?.(target);
      for (const role of NON_ADMIN_ROLES) {
        const res = await rejected(e.method, path, { key: stack.keys[role], body }, 403, 'NOT_PERMITTED');
        expect({ route: e.route, role, status: res.status }).toEqual({ route: e.route, role, status: 403 });
      }
      const anonymous = await rejected(e.method, path, { body }, 401, 'UNAUTHENTICATED');
      expect(anonymous.headers['www-authenticate']).toBe('Bearer');
      await rejected(e.method, path, { key: 'ql_not-a-key-anyone-was-given', body }, 401, 'UNAUTHENTICATED');
    }
    // The same requests from an admin are accepted (so the refusals above were about the caller only).
    for (const e of ADMIN_ENDPOINTS) {
      const res = await asAdmin(e.method, e.path(target), { body: e.body?.(target) });
      expect({ route: e.route, status: res.status }).toEqual({ route: e.route, status: e.route === 'POST /admin/users' || e.route === 'POST /admin/users/:id/keys' ? 201 : 200 });
    }
    expect(await stack.models.User.findById('would-be-created').lean()).toEqual(expect.objectContaining({ role: 'admin' }));
    expect(await stack.models.ApiKey.findOne({ keyId: targetKey.keyId }).lean()).toEqual(expect.objectContaining({ revokedAt: expect.any(Date) }));
  });
});
