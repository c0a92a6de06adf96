/**
 * Complaints end to end through the HTTP API only (real Worker on the Temporal
 * dev server, real FerretDB), then checked in the database: the `complaints`
 * read model, the `audit_events` trail and the `outbox`.
 */
import type { z } from 'zod';
import type { complaintView } from '../../src/api/schemas';
import { complaintWorkflowId } from '../../src/contracts/complaint';
import type { ComplaintState } from '../../src/domain/complaint';
import { storedState } from '../../src/db/models';
import { type ApiStack, type CallOptions, type Problem, expectProblem, startApiStack, startRawWebhookReceiver, webhookSignature } from '../helpers/api';
import { eventually, uniqueId } from '../helpers/stack';

type View = z.infer<typeof complaintView>;

const MINUTE = 60_000;

function newComplaint(overrides: Record<string, unknown> = {}) {
  return {
    customer: { id: uniqueId('cust'), name: 'Jane Customer', email: 'jane@example.com' },
    channel: 'web',
    category: 'delivery',
    severity: 'P2',
    description: 'The parcel never arrived.',
    ...overrides,
  };
}

/** Small HTTP vocabulary shared by the describe blocks. */
function api(stack: () => ApiStack) {
  const s = () => stack();
  return {
    async intake(body: Record<string, unknown> = newComplaint(), key = s().keys.intake, headers?: Record<string, string>) {
      return s().call<View>('POST', '/complaints', { key, body, headers });
    },
    async act<T = View>(id: string, slug: string, key: string, body: Record<string, unknown> = {}, extra: Omit<CallOptions, 'key' | 'body'> = {}) {
      return s().call<T>('POST', `/complaints/${id}/${slug}`, { key, body, ...extra });
    },
    async get<T = View>(id: string, key = s().keys.agent) {
      return s().call<T>('GET', `/complaints/${id}`, { key });
    },
    /** The read model document once it has reached `version` (the workflow writes it asynchronously). */
    async readModel(id: string, version: number) {
      return eventually(
        async () => {
          const doc = await s().models.Complaint.findById(id).lean();
          return doc && doc.version >= version ? doc : null;
        },
        20_000,
        `read model of ${id} at version ${version}`,
      );
    },
    /** Creates a complaint and waits until its workflow has registered it (version 1 in the read model). */
    async registered(body: Record<string, unknown> = newComplaint(), key = s().keys.intake) {
      const res = await s().call<View>('POST', '/complaints', { key, body });
      expect(res.status).toBe(201);
      await this.readModel(res.body.id, 1);
      return res.body.id;
    },
  };
}

describe('complaint lifecycle', () => {
  let stack: ApiStack;
  const http = api(() => stack);

  beforeAll(async () => {
    stack = await startApiStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('given a complaint from the web form, when it goes through acknowledge, reply, info request, customer reply, transfer, resolve and close, then the read model, the audit trail and the outbox record every step', async () => {
    const { keys, models, client } = stack;
    const body = newComplaint();
    const customerId = body.customer.id;

    const created = await http.intake(body);
    expect(created.status).toBe(201);
    expect(created.headers['content-type']).toMatch(/^application\/json/);
    const id = created.body.id;
    expect(id).toMatch(/^c_[0-9a-f]{24}$/);
    expect(created.headers.location).toBe(`/complaints/${id}`);
    expect(created.body).toMatchObject({ status: 'open', severity: 'P2', category: 'delivery', channel: 'web', customer: { id: body.customer.id }, createdBy: { id: 'webform', role: 'intake' } });

    const ack = await http.act(id, 'acknowledge', keys.alice!);
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ status: 'acknowledged', version: 2, firstResponderId: 'alice', ownerId: 'alice' });

    const reply = await http.act(id, 'add-note', keys.alice!, { text: 'We are looking into it.', visibility: 'public' });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ status: 'in_progress', version: 3 });
    expect(reply.body.notes).toEqual([expect.objectContaining({ seq: 1, authorId: 'alice', text: 'We are looking into it.', visibility: 'public' })]);

    const info = await http.act(id, 'request-info', keys.alice!, { message: 'What is your tracking number?' });
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ status: 'awaiting_customer', version: 4 });
    expect(info.body.sla).toMatchObject({ paused: true });

    const replied = await http.act(id, 'customer-replied', keys.alice!, { message: 'It is 1Z999.' });
    expect(replied.status).toBe(200);
    expect(replied.body).toMatchObject({ status: 'in_progress', version: 5 });
    expect(replied.body.sla?.paused).toBe(false);
    expect(replied.body.sla?.clocks).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'next_response', cycle: 1, state: 'running' })]));

    const transferred = await http.act(id, 'transfer', keys.alice!, { toAgentId: 'bob', reason: 'carrier specialist' });
    expect(transferred.status).toBe(200);
    expect(transferred.body).toMatchObject({ status: 'in_progress', version: 6, ownerId: 'bob', firstResponderId: 'alice' });

    const resolved = await http.act(id, 'resolve', keys.bob!, { summary: 'Parcel found and re-delivered.' });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', version: 7 });
    expect(resolved.body.resolvedAt).not.toBeNull();

    const closed = await http.act(id, 'close', keys.bob!, { rating: 5, comment: 'Thanks!' });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', version: 8, csat: { rating: 5, comment: 'Thanks!' } });

    // The workflow finishes with the closed state; its last version is the read model's version.
    const final: ComplaintState = await client.workflow.getHandle(complaintWorkflowId(id)).result();
    expect(final.status).toBe('closed');
    const doc = await http.readModel(id, final.version);
    expect(doc).toMatchObject({
      _id: id,
      version: final.version,
      status: 'closed',
      severity: 'P2',
      category: 'delivery',
      channel: 'web',
      customerId,
      ownerId: 'bob',
      firstResponderId: 'alice',
      queue: null,
      sla: { policyId: 'standard-business-hours', policyVersion: 1, breached: false, paused: false, escalationLevel: 0, nextDueAt: null, atRiskFrom: null },
      dueSortKey: Number.MAX_SAFE_INTEGER,
    });
    expect(doc.resolvedAt).toBeInstanceOf(Date);
    expect(doc.closedAt).toBeInstanceOf(Date);
    expect(storedState<ComplaintState>(doc).version).toBe(final.version);

    // One audit event per transition, contiguous sequence, attributed, with before/after status.
    const events = await models.AuditEvent.find({ entityId: id }).sort({ seq: 1 }).lean();
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(new Set(events.map((e) => e._id)).size).toBe(events.length);
    expect(events.every((e) => e._id === `complaint:${id}:${e.seq}` && e.stream === `complaint:${id}` && e.entityType === 'complaint')).toBe(true);
    expect(events.map((e) => e.action)).toEqual(['intake', 'acknowledge', 'add_note', 'request_info', 'customer_replied', 'transfer', 'resolve', 'close']);
    expect(events.map((e) => `${e.actor?.id}/${e.actor?.role}`)).toEqual([
      'webform/intake',
      'alice/agent',
      'alice/agent',
      'alice/agent',
      'alice/agent',
      'alice/agent',
      'bob/agent',
      'bob/agent',
    ]);
    const statusOf = (x: unknown) => (x as { status?: string } | null)?.status ?? null;
    expect(events.map((e) => [statusOf(e.before), statusOf(e.after)])).toEqual([
      [null, 'open'],
      ['open', 'acknowledged'],
      ['acknowledged', 'in_progress'],
      ['in_progress', 'awaiting_customer'],
      ['awaiting_customer', 'in_progress'],
      ['in_progress', 'in_progress'],
      ['in_progress', 'resolved'],
      ['resolved', 'closed'],
    ]);
    expect(events[5]!.before).toMatchObject({ ownerId: 'alice', firstResponderId: 'alice' });
    expect(events[5]!.after).toMatchObject({ ownerId: 'bob', firstResponderId: 'alice' });
    expect(events[5]!.details).toMatchObject({ from: 'alice', to: 'bob', reason: 'carrier specialist' });
    expect(events[7]!.details).toMatchObject({ rating: 5 });

    // The outbox holds the CSAT request (to the customer) and the transfer notice.
    const outbox = await models.Outbox.find({ complaintId: id }).lean();
    const csat = outbox.find((m) => m.type === 'csat.requested');
    expect(csat).toBeDefined();
    expect(csat).toMatchObject({ _id: `${id}:7:0`, recipients: { userIds: [customerId], roles: [] }, data: { scale: '1-5', version: 7 } });
    expect(outbox.find((m) => m.type === 'complaint.transferred')).toMatchObject({ _id: `${id}:6:0`, data: { from: 'alice', to: 'bob' } });

    // A finished complaint is still served (from the read model).
    const after = await http.get(id, keys.auditor);
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({ id, status: 'closed', version: final.version, ownerId: 'bob', csat: { rating: 5 } });
  });

  it('given a registered P1 complaint, when it is fetched, then the live SLA status shows its running clocks with due times and remaining minutes', async () => {
    const id = await http.registered(newComplaint({ severity: 'P1', category: 'outage' }));

    const res = await http.get(id);
    expect(res.status).toBe(200);
    const view = res.body;
    expect(view).toMatchObject({ id, version: 1, status: 'open', severity: 'P1' });
    const createdAt = Date.parse(view.createdAt);
    expect(view.sla).toMatchObject({
      policy: { policyId: 'critical-24x7', version: 1, calendarId: '24x7', calendarVersion: 1 },
      paused: false,
      breached: false,
      atRisk: false,
      escalationLevel: 0,
    });
    const clocks = view.sla!.clocks;
    const first = clocks.find((c) => c.kind === 'first_response')!;
    const resolution = clocks.find((c) => c.kind === 'resolution')!;
    expect(first).toMatchObject({ cycle: 1, state: 'running', targetBusinessMinutes: 15, breached: false, breachedAt: null });
    expect(resolution).toMatchObject({ cycle: 1, state: 'running', targetBusinessMinutes: 240, breached: false });
    // 24x7 calendar: due = creation + target.
    expect(Date.parse(first.dueAt!)).toBe(createdAt + 15 * MINUTE);
    expect(Date.parse(resolution.dueAt!)).toBe(createdAt + 240 * MINUTE);
    expect(first.remainingBusinessMinutes).toBeGreaterThan(0);
    expect(first.remainingBusinessMinutes).toBeLessThanOrEqual(15);
    expect(first.elapsedBusinessMinutes + first.remainingBusinessMinutes).toBeCloseTo(15, 1);
    expect(resolution.remainingBusinessMinutes).toBeGreaterThan(0);
    expect(resolution.remainingBusinessMinutes).toBeLessThanOrEqual(240);
    expect(view.sla!.nextDueAt).toBe(first.dueAt);

    // After the first response the first-response clock stops; the resolution clock is next.
    const ack = await http.act(id, 'acknowledge', stack.keys.alice!);
    expect(ack.status).toBe(200);
    const later = await http.get(id);
    const stopped = later.body.sla!.clocks.find((c) => c.kind === 'first_response')!;
    expect(stopped.state).toBe('stopped');
    expect(stopped.dueAt).toBeNull();
    expect(later.body.sla!.nextDueAt).toBe(resolution.dueAt);
  });

  it('given an unknown complaint id, when it is fetched or acted on, then the answer is 404 problem+json', async () => {
    const res = await http.get<Problem>('c_000000000000000000000000');
    expectProblem(res, 404, 'NOT_FOUND');
    const act = await http.act<Problem>('c_000000000000000000000000', 'acknowledge', stack.keys.alice!);
    expectProblem(act, 404, 'NOT_FOUND');
  });

  it('given an acknowledged complaint, when an illegal action is sent, then it is rejected with 409 INVALID_TRANSITION and nothing changes', async () => {
    const { keys, models } = stack;
    const id = await http.registered();
    expect((await http.act(id, 'acknowledge', keys.alice!)).status).toBe(200);
    const before = await http.readModel(id, 2);

    const again = await http.act<Problem>(id, 'acknowledge', keys.sam!);
    expectProblem(again, 409, 'INVALID_TRANSITION');
    const close = await http.act<Problem>(id, 'close', keys.alice!, { rating: 4 });
    expectProblem(close, 409, 'INVALID_TRANSITION');

    const doc = await models.Complaint.findById(id).lean();
    expect(doc!.version).toBe(before.version);
    expect(doc!.status).toBe('acknowledged');
    expect(doc!.ownerId).toBe('alice');
    expect(await models.AuditEvent.countDocuments({ entityId: id })).toBe(2);
    const live = await http.get(id);
    expect(live.body).toMatchObject({ version: 2, status: 'acknowledged', firstResponderId: 'alice' });
  });

  it('given a complaint owned by alice, when she transfers it to a user who does not exist or cannot work complaints, then 422 naming body.toAgentId and nothing changes', async () => {
    const { keys, models } = stack;
    const id = await http.registered();
    expect((await http.act(id, 'acknowledge', keys.alice!)).status).toBe(200);
    const before = await http.readModel(id, 2);
    const ghost = await http.act<Problem>(id, 'transfer', keys.alice!, { toAgentId: 'ghost', reason: 'handing over' });
    expectProblem(ghost, 422, 'UNKNOWN_USER');
    expect(ghost.body.errors).toEqual([{ path: 'body.toAgentId', message: 'unknown user ghost' }]);
    const auditor = await http.act<Problem>(id, 'transfer', keys.alice!, { toAgentId: 'audrey', reason: 'handing over' });
    expectProblem(auditor, 422, 'USER_CANNOT_ACT');
    expect(auditor.body.errors).toEqual([{ path: 'body.toAgentId', message: 'user audrey (role auditor) may not act on complaints' }]);
    expect(await models.Complaint.findById(id).lean()).toEqual(before);
    expect(await models.AuditEvent.countDocuments({ entityId: id })).toBe(2);
  });

  it('given a complaint owned by alice, when bob resolves it, then 403 NOT_PERMITTED and it stays unresolved', async () => {
    const { keys, models } = stack;
    const id = await http.registered();
    expect((await http.act(id, 'acknowledge', keys.alice!)).status).toBe(200);

    const res = await http.act<Problem>(id, 'resolve', keys.bob!, { summary: 'not mine to resolve' });
    expectProblem(res, 403, 'NOT_PERMITTED');
    const doc = await http.readModel(id, 2);
    expect(doc).toMatchObject({ version: 2, status: 'acknowledged' });
    expect(await models.AuditEvent.countDocuments({ entityId: id, action: 'resolve' })).toBe(0);
  });

  it('given an open complaint, when an agent cancels it, then 403 from the role check; when a supervisor cancels it, then it is cancelled', async () => {
    const { keys, models } = stack;
    const id = await http.registered();

    const byAgent = await http.act<Problem>(id, 'cancel', keys.alice!, { reason: 'withdrawn' });
    expectProblem(byAgent, 403, 'NOT_PERMITTED');
    expect(byAgent.body.detail).toMatch(/role agent/);
    expect((await models.Complaint.findById(id).lean())!.version).toBe(1);

    const bySupervisor = await http.act(id, 'cancel', keys.sam!, { reason: 'withdrawn', note: 'customer called back' });
    expect(bySupervisor.status).toBe(200);
    expect(bySupervisor.body).toMatchObject({ status: 'cancelled', version: 2 });
    const doc = await http.readModel(id, 2);
    expect(doc).toMatchObject({ status: 'cancelled', sla: { nextDueAt: null } });
    expect(doc.closedAt).toBeInstanceOf(Date);
    const cancel = await models.AuditEvent.findOne({ entityId: id, action: 'cancel' }).lean();
    expect(cancel).toMatchObject({ seq: 2, actor: { id: 'sam', role: 'supervisor' }, details: { reason: 'withdrawn' } });

    // Once finished, further actions are conflicts.
    const late = await http.act<Problem>(id, 'acknowledge', keys.alice!);
    expectProblem(late, 409, 'INVALID_TRANSITION');
  });

  it('given 8 concurrent intakes with the same Idempotency-Key and body, then exactly one is created and the others replay it', async () => {
    const { keys, models, client } = stack;
    const body = newComplaint();
    const key = uniqueId('idem');
    const results = await Promise.all(Array.from({ length: 8 }, () => http.intake(body, keys.intake, { 'idempotency-key': key })));

    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    const ids = new Set(results.map((r) => r.body.id));
    expect(ids.size).toBe(1);
    const id = [...ids][0]!;
    for (const r of results) {
      expect(r.headers.location).toBe(`/complaints/${id}`);
      if (r.status === 200) expect(r.headers['idempotent-replayed']).toBe('true');
      else expect(r.headers['idempotent-replayed']).toBeUndefined();
    }

    await http.readModel(id, 1);
    expect(await models.Complaint.countDocuments({ customerId: body.customer.id })).toBe(1);
    expect(await models.AuditEvent.countDocuments({ entityId: id, action: 'intake' })).toBe(1);
    const runs = await eventually(async () => {
      const found = [];
      for await (const wf of client.workflow.list({ query: `WorkflowId = '${complaintWorkflowId(id)}'` })) found.push(wf);
      return found.length > 0 ? found : null;
    }, 20_000, 'workflow visible');
    expect(runs).toHaveLength(1);

    // A later retry still replays.
    const retry = await http.intake(body, keys.intake, { 'idempotency-key': key });
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ id, version: 1, status: 'open' });

    // The same key with another body is a client error, and creates nothing.
    const reused = await stack.call<Problem>('POST', '/complaints', { key: keys.intake, body: { ...body, description: 'something else' }, headers: { 'idempotency-key': key } });
    expectProblem(reused, 422, 'IDEMPOTENCY_KEY_REUSED');
    expect(await models.Complaint.countDocuments({ customerId: body.customer.id })).toBe(1);
  });

  it('given an action retried with the same Idempotency-Key, then it is applied once', async () => {
    const { keys, models } = stack;
    const id = await http.registered();
    expect((await http.act(id, 'acknowledge', keys.alice!)).status).toBe(200);

    const note = { text: 'called the carrier', visibility: 'internal' };
    const headers = { 'idempotency-key': uniqueId('note') };
    const first = await http.act(id, 'add-note', keys.alice!, note, { headers });
    const second = await http.act(id, 'add-note', keys.alice!, note, { headers });
    const concurrent = await Promise.all([1, 2, 3].map(() => http.act(id, 'add-note', keys.alice!, note, { headers })));

    for (const r of [first, second, ...concurrent]) {
      expect(r.status).toBe(200);
      expect(r.body.version).toBe(3);
      expect(r.body.notes).toHaveLength(1);
    }
    const doc = await http.readModel(id, 3);
    expect(doc.version).toBe(3);
    expect(await models.AuditEvent.countDocuments({ entityId: id, action: 'add_note' })).toBe(1);
    expect((await http.get(id)).body.notes).toHaveLength(1);

    // A new key is a new action.
    const other = await http.act(id, 'add-note', keys.alice!, note, { headers: { 'idempotency-key': uniqueId('note') } });
    expect(other.body.version).toBe(4);
    expect(other.body.notes).toHaveLength(2);
  });
});

describe('complaint queue', () => {
  let stack: ApiStack;
  const http = api(() => stack);
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    stack = await startApiStack();
    const { keys } = stack;
    ids.p1Open = await http.registered(newComplaint({ severity: 'P1', category: 'delivery' }));
    ids.p2BillingAlice = await http.registered(newComplaint({ severity: 'P2', category: 'billing' }));
    ids.p3DeliveryBob = await http.registered(newComplaint({ severity: 'P3', category: 'delivery' }));
    ids.p2ResolvedAlice = await http.registered(newComplaint({ severity: 'P2', category: 'delivery' }));
    ids.p4Open = await http.registered(newComplaint({ severity: 'P4', category: 'product' }));
    expect((await http.act(ids.p2BillingAlice, 'acknowledge', keys.alice!)).status).toBe(200);
    expect((await http.act(ids.p3DeliveryBob, 'acknowledge', keys.bob!)).status).toBe(200);
    expect((await http.act(ids.p2ResolvedAlice, 'acknowledge', keys.alice!)).status).toBe(200);
    expect((await http.act(ids.p2ResolvedAlice, 'resolve', keys.alice!, { summary: 'refunded' })).status).toBe(200);
    await http.readModel(ids.p2BillingAlice, 2);
    await http.readModel(ids.p3DeliveryBob, 2);
    await http.readModel(ids.p2ResolvedAlice, 3);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  async function list(query: string, key = stack.keys.supervisor) {
    const res = await stack.call<{ items: View[]; nextCursor: string | null }>('GET', `/complaints${query}`, { key });
    expect(res.status).toBe(200);
    return res.body;
  }
  const idsOf = async (query: string) => (await list(query)).items.map((i) => i.id);
  const sorted = (xs: string[]) => [...xs].sort();

  it.each([
    ['?status=open', ['p1Open', 'p4Open']],
    ['?status=acknowledged', ['p2BillingAlice', 'p3DeliveryBob']],
    ['?status=resolved', ['p2ResolvedAlice']],
    ['?status=closed', []],
    ['?owner=alice', ['p2BillingAlice', 'p2ResolvedAlice']],
    ['?owner=bob', ['p3DeliveryBob']],
    ['?owner=nobody', []],
    ['?severity=P2', ['p2BillingAlice', 'p2ResolvedAlice']],
    ['?severity=P1', ['p1Open']],
    ['?category=delivery', ['p1Open', 'p3DeliveryBob', 'p2ResolvedAlice']],
    ['?category=billing', ['p2BillingAlice']],
    ['?breached=false', ['p1Open', 'p2BillingAlice', 'p3DeliveryBob', 'p2ResolvedAlice', 'p4Open']],
    ['?breached=true', []],
    ['?atRisk=false', ['p1Open', 'p2BillingAlice', 'p3DeliveryBob', 'p2ResolvedAlice', 'p4Open']],
    ['?atRisk=true', []],
    ['?status=acknowledged&owner=alice', ['p2BillingAlice']],
    ['?severity=P2&category=delivery', ['p2ResolvedAlice']],
  ])('given five complaints, when listing with %s, then exactly the matching ones are returned', async (query, expected) => {
    expect(sorted(await idsOf(query))).toEqual(sorted(expected.map((k) => ids[k]!)));
  });

  it('given five complaints, when listing without filters, then they are sorted by next SLA due time with no deadline last', async () => {
    const { items, nextCursor } = await list('');
    expect(nextCursor).toBeNull();
    expect(sorted(items.map((i) => i.id))).toEqual(sorted(Object.values(ids)));
    const due = items.map((i) => (i.sla?.nextDueAt ? Date.parse(i.sla.nextDueAt) : Infinity));
    expect(due).toEqual([...due].sort((a, b) => a - b));
    expect(items[0]!.id).toBe(ids.p1Open);
    expect(items[items.length - 1]!.id).toBe(ids.p2ResolvedAlice);
    expect(items[items.length - 1]!.sla!.nextDueAt).toBeNull();
    expect(items.slice(0, -1).every((i) => i.sla?.nextDueAt !== null)).toBe(true);
  });

  it('given five complaints, when paging with limit=2, then the cursor walks all of them once, in order', async () => {
    const all = await idsOf('?limit=100');
    const seen: string[] = [];
    const pageSizes: number[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const body: { items: View[]; nextCursor: string | null } = await list(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...body.items.map((i) => i.id));
      pageSizes.push(body.items.length);
      cursor = body.nextCursor;
      if (!cursor) break;
    }
    expect(cursor).toBeNull();
    expect(pageSizes).toEqual([2, 2, 1]);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(all);

    // Filters and the cursor combine.
    const first = await list('?category=delivery&limit=2');
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    const rest = await list(`?category=delivery&limit=2&cursor=${first.nextCursor}`);
    expect(rest.nextCursor).toBeNull();
    expect([...first.items, ...rest.items].map((i) => i.id)).toEqual(await idsOf('?category=delivery'));
  });
});

describe('webhook notifications', () => {
  let stack: ApiStack;
  let receiver: Awaited<ReturnType<typeof startRawWebhookReceiver>>;
  const http = api(() => stack);

  beforeAll(async () => {
    receiver = await startRawWebhookReceiver();
    stack = await startApiStack({ webhookUrls: [receiver.url] });
  });
  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
  });

  it('given a configured webhook, when a complaint is resolved, then a signed csat.requested message is delivered', async () => {
    const { keys, models, config } = stack;
    const body = newComplaint();
    const id = await http.registered(body);
    expect((await http.act(id, 'acknowledge', keys.alice!)).status).toBe(200);
    const resolved = await http.act(id, 'resolve', keys.alice!, { summary: 'refund issued' });
    expect(resolved.status).toBe(200);

    const delivery = await eventually(async () => receiver.deliveries.find((d) => d.json.type === 'csat.requested' && d.json.complaintId === id), 30_000, 'csat.requested delivery');
    const outboxId = `${id}:${resolved.body.version}:0`;
    expect(delivery.headers['x-qualityloop-delivery']).toBe(outboxId);
    expect(delivery.headers['x-qualityloop-event']).toBe('csat.requested');
    expect(delivery.headers['content-type']).toMatch(/^application\/json/);
    expect(delivery.headers['x-qualityloop-signature']).toBe(webhookSignature(config.secrets.webhookSecret, delivery.raw));
    expect(delivery.headers['x-qualityloop-signature']).not.toBe(webhookSignature('another-secret-0123456789', delivery.raw));
    expect(Object.keys(delivery.json)).toEqual(['id', 'type', 'complaintId', 'recipients', 'data', 'createdAt']);
    expect(delivery.json).toMatchObject({
      id: outboxId,
      complaintId: id,
      recipients: { userIds: [body.customer.id], roles: [] },
      data: { scale: '1-5', version: resolved.body.version, customer: { id: body.customer.id } },
    });

    const msg = await eventually(async () => {
      const m = await models.Outbox.findById(outboxId).lean();
      return m?.status === 'delivered' ? m : null;
    }, 30_000, 'outbox message marked delivered');
    expect(msg.deliveredTo).toEqual([receiver.url]);
    expect(receiver.deliveries.filter((d) => d.json.id === outboxId)).toHaveLength(1);
  });
});
