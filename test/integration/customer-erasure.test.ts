/**
 * Contacts at intake and their erasure, on the real stack: the contact is kept
 * apart from the complaint (the workflow state, its history and the hash-chained
 * audit events name the customer id only), staff read it on the complaint,
 * an admin reads and erases it; pending email to the customer is cancelled;
 * the erasure is audited without personal data and every chain still verifies;
 * a repeat records nothing new. Complaints registered before contacts moved
 * out of the state still show the name and email they carry.
 */
import { COMPLAINT_WORKFLOW, complaintWorkflowId } from '../../src/contracts/complaint';
import { type ComplaintState } from '../../src/domain/complaint';
import { storedState } from '../../src/db/models';
import { intakeStart } from '../../src/services/complaints';
import { type ApiStack, startApiStack } from '../helpers/api';
import { eventually, uniqueId } from '../helpers/stack';

type View = Record<string, any>;

const NAME = 'Zhang Min';
const EMAIL = 'zhang.min@example.com';
const PERSONAL = /Zhang Min|zhang\.min@example\.com/;

describe('customer contacts and erasure', () => {
  let stack: ApiStack;

  beforeAll(async () => {
    stack = await startApiStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  async function intake(customer: Record<string, unknown>, headers?: Record<string, string>) {
    return stack.call('POST', '/complaints', { key: stack.keys.intake, headers, body: { customer, channel: 'web', category: 'delivery', severity: 'P3', description: 'The parcel never arrived.' } });
  }
  async function registered(id: string): Promise<ComplaintState> {
    const doc = await eventually(async () => {
      const d = await stack.models.Complaint.findById(id).lean();
      return d && d.version >= 1 ? d : null;
    });
    return storedState<ComplaintState>(doc);
  }
  /** POST /audit/verify of one stream, as an auditor. */
  const verify = async (stream: string) => (await stack.call('POST', '/audit/verify', { key: stack.keys.auditor, body: { stream } })).body;

  it("given an intake with the customer's contact, then the contact is stored apart, the workflow, read model and audit trail hold only the customer id, and staff see the contact on the complaint", async () => {
    const customerId = uniqueId('cust');
    const created = await intake({ id: customerId, name: NAME, email: EMAIL, language: 'zh-CN' });
    expect(created.status).toBe(201);
    expect(created.body.customer).toEqual({ id: customerId });
    const state = await registered(created.body.id);
    expect(state.customer).toEqual({ id: customerId });
    const history = await stack.client.workflow.getHandle(complaintWorkflowId(created.body.id)).fetchHistory();
    expect(JSON.stringify(history)).not.toMatch(PERSONAL);

    const contact = await stack.call('GET', `/customers/${customerId}`, { key: stack.keys.admin });
    expect(contact.body).toEqual({ customerId, email: EMAIL, name: NAME, language: 'zh-CN', erasedAt: null });
    const detail = await stack.call('GET', `/complaints/${created.body.id}`, { key: stack.keys.supervisor });
    expect(detail.body.customerContact).toEqual({ name: NAME, email: EMAIL, language: 'zh-CN', erased: false });

    const events = await stack.models.AuditEvent.find({ entityId: created.body.id }).lean();
    expect(events.length).toBeGreaterThan(0);
    expect(JSON.stringify(events)).not.toMatch(PERSONAL);
    // Webhook notifications and email messages name the customer, never their contact.
    const outbox = await stack.models.Outbox.find({ complaintId: created.body.id }).lean();
    expect(JSON.stringify(outbox)).not.toMatch(PERSONAL);
  });

  it('given an intake retried with its Idempotency-Key, then the same complaint answers; the same key with another contact is refused and the stored contact is unchanged', async () => {
    const customerId = uniqueId('cust');
    const key = uniqueId('intake');
    const first = await intake({ id: customerId, name: NAME, email: EMAIL }, { 'idempotency-key': key });
    const retry = await intake({ id: customerId, name: NAME, email: EMAIL }, { 'idempotency-key': key });
    expect([first.status, retry.status, retry.body.id]).toEqual([201, 200, first.body.id]);
    const reused = await intake({ id: customerId, name: NAME, email: 'someone.else@example.com' }, { 'idempotency-key': key });
    expect({ status: reused.status, code: reused.body.code }).toEqual({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await stack.models.Customer.findById(customerId, { email: 1 }).lean()).toEqual({ _id: customerId, email: EMAIL });
  });

  it("given a customer with pending email, when an admin erases their contact, then email and name are gone, their pending email is cancelled (nobody else's), the erasure is audited without personal data, the chains verify, and a repeat records nothing new", async () => {
    const customerId = uniqueId('cust');
    const other = uniqueId('cust');
    const created = await intake({ id: customerId, name: NAME, email: EMAIL, language: 'zh-CN' });
    const complaintId = created.body.id as string;
    await registered(complaintId);
    await intake({ id: other, email: 'other@example.com' });

    // Messages as the email outbox holds them (the customer id in data, never the address), next to what must stay.
    const at = new Date();
    const email = (id: string, who: string, status: 'pending' | 'delivered') => ({
      _id: id, type: 'customer.acknowledged', channel: 'email', complaintId, cycleId: null, reviewId: null, campaignId: null,
      recipients: { userIds: [], roles: [] }, data: { kind: 'acknowledged', customerId: who, language: 'zh-CN' }, createdAt: at, status,
      deliveredTo: [], attempts: 0, lastError: null, deliveredAt: null,
    });
    const ids = { pendingA: uniqueId('m'), pendingB: uniqueId('m'), delivered: uniqueId('m'), othersPending: uniqueId('m'), webhook: uniqueId('m') };
    await stack.models.Outbox.collection.insertMany([
      email(ids.pendingA, customerId, 'pending'),
      email(ids.pendingB, customerId, 'pending'),
      email(ids.delivered, customerId, 'delivered'),
      email(ids.othersPending, other, 'pending'),
      { ...email(ids.webhook, customerId, 'pending'), channel: 'webhook', type: 'sla.warning' },
    ] as never[]);
    // Whatever else is pending for them (the intake's own message, when email delivery has recorded one) is cancelled too.
    const pendingForThem = await stack.models.Outbox.countDocuments({ channel: 'email', status: 'pending', 'data.customerId': customerId });
    expect(pendingForThem).toBeGreaterThanOrEqual(2);

    const erased = await stack.call('POST', `/customers/${customerId}/erase`, { key: stack.keys.admin });
    expect(erased.status).toBe(200);
    expect(erased.body).toEqual({ customerId, erasedAt: expect.any(String), cancelledMessages: pendingForThem });

    expect(await stack.models.Customer.findById(customerId).lean()).toMatchObject({ email: null, name: null, language: 'zh-CN', erasedAt: new Date(erased.body.erasedAt), erasedBy: 'ada' });
    expect((await stack.call('GET', `/customers/${customerId}`, { key: stack.keys.admin })).body).toEqual({ customerId, email: null, name: null, language: 'zh-CN', erasedAt: erased.body.erasedAt });
    expect((await stack.call('GET', `/complaints/${complaintId}`, { key: stack.keys.supervisor })).body.customerContact).toEqual({ name: null, email: null, language: 'zh-CN', erased: true });

    const statusOf = async (id: string) => (await stack.models.Outbox.findById(id, { status: 1, lastError: 1 }).lean()) as View;
    expect(await statusOf(ids.pendingA)).toMatchObject({ status: 'cancelled', lastError: 'contact erased' });
    expect(await statusOf(ids.pendingB)).toMatchObject({ status: 'cancelled', lastError: 'contact erased' });
    expect((await statusOf(ids.delivered)).status).toBe('delivered');
    expect((await statusOf(ids.othersPending)).status).toBe('pending');
    expect((await statusOf(ids.webhook)).status).toBe('pending');
    expect(await stack.models.Outbox.countDocuments({ channel: 'email', status: 'pending', 'data.customerId': customerId })).toBe(0);

    const stream = `customer:${customerId}`;
    const events = await stack.models.AuditEvent.find({ stream }).sort({ seq: 1 }).lean();
    expect(events.map((e) => [e.action, e.actor, e.entityType, e.entityId])).toEqual([['customer.contact_erased', { id: 'ada', role: 'admin' }, 'customer', customerId]]);
    expect(events[0]!.details).toEqual({ erasedAt: erased.body.erasedAt, fields: ['email', 'name'], cancelledMessages: pendingForThem });
    expect(JSON.stringify(events)).not.toMatch(PERSONAL);
    expect(await verify(stream)).toMatchObject({ ok: true, checkedEvents: 1 });
    expect(await verify(`complaint:${complaintId}`)).toMatchObject({ ok: true });

    // Erased again: the same answer, nothing cancelled, no new event.
    const again = await stack.call('POST', `/customers/${customerId}/erase`, { key: stack.keys.admin });
    expect(again.body).toEqual({ customerId, erasedAt: erased.body.erasedAt, cancelledMessages: 0 });
    expect(await stack.models.AuditEvent.countDocuments({ stream })).toBe(1);
  });

  it('given an erased customer who complains again with an email, then the contact is live again (and can be erased again, audited again)', async () => {
    const customerId = uniqueId('cust');
    await registered((await intake({ id: customerId, name: NAME, email: EMAIL })).body.id);
    const first = await stack.call('POST', `/customers/${customerId}/erase`, { key: stack.keys.admin });
    expect(first.status).toBe(200);

    const again = await intake({ id: customerId, email: 'new.address@example.com' });
    expect((await stack.call('GET', `/complaints/${again.body.id}`, { key: stack.keys.supervisor })).body.customerContact).toEqual({ name: null, email: 'new.address@example.com', language: 'en', erased: false });

    const second = await stack.call('POST', `/customers/${customerId}/erase`, { key: stack.keys.admin });
    expect(second.status).toBe(200);
    expect(Date.parse(second.body.erasedAt)).toBeGreaterThan(Date.parse(first.body.erasedAt));
    expect((await stack.models.Customer.findById(customerId, { email: 1 }).lean())?.email).toBeNull();
    const events = await stack.models.AuditEvent.find({ stream: `customer:${customerId}` }).sort({ seq: 1 }).lean();
    expect(events.map((e) => e.action)).toEqual(['customer.contact_erased', 'customer.contact_erased']);
    expect(await verify(`customer:${customerId}`)).toMatchObject({ ok: true, checkedEvents: 2 });
  });

  it('given a complaint registered before contacts moved out of the state (name and email in the workflow), then staff see those as its contact until a contact record exists', async () => {
    const customerId = uniqueId('legacy');
    const { complaintId, options } = intakeStart(stack.config, { id: 'webform', role: 'intake' }, { customer: { id: customerId }, channel: 'web', category: 'delivery', severity: 'P3', description: 'legacy' });
    options.args[0].intake.customer = { id: customerId, name: 'Old Style', email: 'old.style@example.com' };
    await stack.client.workflow.start(COMPLAINT_WORKFLOW, options);
    await registered(complaintId);
    const detail = await stack.call('GET', `/complaints/${complaintId}`, { key: stack.keys.supervisor });
    expect(detail.body.customerContact).toEqual({ name: 'Old Style', email: 'old.style@example.com', language: 'en', erased: false });
    // A complaint with neither a record nor legacy fields has no contact.
    const bare = await intake({ id: uniqueId('cust') });
    expect((await stack.call('GET', `/complaints/${bare.body.id}`, { key: stack.keys.supervisor })).body.customerContact).toBeNull();
  });
});
