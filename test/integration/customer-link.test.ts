/**
 * The customer link API end to end on the real stack (Express app, Worker on
 * the Temporal dev server, FerretDB): a link issued by staff, followed over
 * HTTP by the customer who replies, rates, confirms or reopens; then what the
 * workflow state, the read model and the audit trail say. Then every way a
 * link is refused (forged, altered, expired, revoked, bound to another
 * complaint or customer, for another subject) and that a refusal writes
 * nothing; idempotent replays; the per-link and per-address rate limits;
 * and bad input on every new route.
 */
import { linkSecretOf } from '../../src/config';
import { complaintWorkflowId } from '../../src/contracts/complaint';
import { storedState } from '../../src/db/models';
import type { ComplaintState } from '../../src/domain/complaint';
import { type LinkClaims, signLinkToken, verifyLinkToken } from '../../src/domain/customer-link';
import { type ApiStack, type CallOptions, type CallResult, type Problem, collectionCounts, errorPaths, expectProblem, rejectionChecker, startApiStack } from '../helpers/api';
import { eventually, uniqueId } from '../helpers/stack';

type View = Record<string, any>;
const MINUTE = 60_000;

/** The token of a customer page URL: everything after `#`. */
const tokenOf = (url: string) => url.slice(url.indexOf('#') + 1);

/** The claims a token carries (after checking its signature with the stack's secret). */
function claimsOf(stack: ApiStack, token: string): LinkClaims {
  const check = verifyLinkToken(token, linkSecretOf(stack.config), Date.now());
  if (!check.ok) throw new Error(`token does not verify: ${check.reason}`);
  return check.claims;
}

/** A token with one claims field changed and the original signature kept (what a tamperer can do without the secret). */
function alteredToken(token: string, change: (claims: Record<string, unknown>) => void): string {
  const [version, body, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(body!, 'base64url').toString('utf8')) as Record<string, unknown>;
  change(claims);
  return `${version}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
}

function helpers(stack: () => ApiStack) {
  const s = () => stack();
  async function must(who: string, method: string, path: string, body: unknown, status = 200): Promise<View> {
    const res = await s().call(method, path, { key: s().keys[who]!, body });
    if (res.status !== status) throw new Error(`${method} ${path} answered ${res.status}: ${res.text.slice(0, 600)}`);
    return res.body as View;
  }
  return {
    must,
    /** A complaint alice registered on the phone (so she owns it, acknowledged), once stored; `contact` rides along at intake. */
    async complaint(contact: Record<string, unknown> = {}): Promise<{ id: string; customerId: string }> {
      const customerId = uniqueId('cust');
      const created = await must('alice', 'POST', '/complaints', { customer: { id: customerId, ...contact }, channel: 'phone', category: 'delivery', severity: 'P3', description: 'The parcel never arrived.' }, 201);
      await eventually(async () => ((await s().models.Complaint.findById(created.id, { version: 1 }).lean())?.version ?? 0) >= 1, 20_000, `complaint ${created.id} registered`);
      return { id: created.id as string, customerId };
    },
    /** Issues the complaint's link as `who`; its token. */
    async link(id: string, who = 'alice'): Promise<{ token: string; linkId: string; body: View }> {
      const body = await must(who, 'POST', `/complaints/${id}/customer-link`, undefined);
      return { token: tokenOf(body.url as string), linkId: body.linkId as string, body };
    },
    /** A request through the link: the token in X-Customer-Link, an Idempotency-Key when given. */
    viaLink(method: string, path: string, token: string | undefined, opts: { body?: unknown; key?: string; headers?: Record<string, string> } = {}): Promise<CallResult> {
      const headers: Record<string, string> = { ...(token !== undefined ? { 'x-customer-link': token } : {}), ...(opts.key !== undefined ? { 'idempotency-key': opts.key } : {}), ...opts.headers };
      return s().call(method, path, { body: opts.body, headers });
    },
    async state(id: string): Promise<ComplaintState> {
      const doc = await s().models.Complaint.findById(id).lean();
      return storedState<ComplaintState>(doc!);
    },
  };
}

describe('customer links', () => {
  let stack: ApiStack;
  const h = helpers(() => stack);

  beforeAll(async () => {
    // High limits here: the rate limits have their own stack below.
    stack = await startApiStack({ configure: (c) => ({ ...c, customers: { ...c.customers, linkRatePerMinute: 10_000, addressRatePerMinute: 100_000 } }) });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  /** Everything a refused link request could change: collection counts, links, contacts, and the complaint. */
  const snapshot = async (complaintId?: string) => ({
    counts: await collectionCounts(stack.models),
    links: await stack.models.CustomerLink.find({}).sort({ _id: 1 }).lean(),
    customers: await stack.models.Customer.find({}).sort({ _id: 1 }).lean(),
    complaint: complaintId ? await stack.models.Complaint.findById(complaintId, { version: 1, stateJson: 1 }).lean() : null,
    live: complaintId ? (await stack.call('GET', `/complaints/${complaintId}`, { key: stack.keys.sam })).body.version : null,
  });

  it("given a complaint's link issued by its agent, when the customer follows it over HTTP, replies, the agent resolves, and the customer rates and confirms, then the workflow state, the read model and the audit trail show the customer's actions", async () => {
    const { id, customerId } = await h.complaint({ name: 'Li Wei', email: 'li.wei@example.com', language: 'zh-CN' });
    const issued = await h.link(id);
    expect(issued.body).toEqual({ customerId, linkId: issued.linkId, url: expect.stringMatching(/\/app\/customer#v1\./), expiresAt: expect.any(String) });
    // The token is valid for the configured number of days from now.
    const expectedExpiry = Date.now() + stack.config.customers.linkTtlDays * 24 * 60 * MINUTE;
    expect(Math.abs(Date.parse(issued.body.expiresAt) - expectedExpiry)).toBeLessThan(60_000);

    const info = await h.viaLink('GET', '/customer-link', issued.token);
    expect(info.status).toBe(200);
    expect(info.body).toEqual({ subject: 'complaint', language: 'zh-CN', expiresAt: issued.body.expiresAt });

    await h.must('alice', 'POST', `/complaints/${id}/add-note`, { text: 'We asked the carrier.', visibility: 'public' });
    await h.must('alice', 'POST', `/complaints/${id}/add-note`, { text: 'INTERNAL: carrier says the driver lost it', visibility: 'internal' });
    await h.must('alice', 'POST', `/complaints/${id}/request-info`, { message: 'What is your tracking number?' });

    const seen = await h.viaLink('GET', '/customer-link/complaint', issued.token);
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ complaintId: id, status: 'awaiting_customer', category: 'delivery', description: 'The parcel never arrived.', resolution: null, csat: null, actions: ['reply'] });
    expect(seen.body.messages.map((m: View) => [m.seq, m.from, m.text])).toEqual([
      [1, 'agent', 'We asked the carrier.'],
      [2, 'agent', 'What is your tracking number?'],
    ]);
    // Nothing internal reaches the customer: no internal note, no agent id, no SLA figures.
    expect(seen.text).not.toContain('INTERNAL');
    expect(seen.text).not.toContain('alice');
    expect(Object.keys(seen.body)).not.toEqual(expect.arrayContaining(['sla']));

    const replyKey = uniqueId('reply');
    const replied = await h.viaLink('POST', '/customer-link/reply', issued.token, { body: { message: 'It is 1Z999.' }, key: replyKey });
    expect(replied.status).toBe(200);
    expect(replied.body.status).toBe('in_progress');
    expect(replied.body.messages.at(-1)).toMatchObject({ seq: 3, from: 'customer', text: 'It is 1Z999.' });
    // The same submission again (a double click, a retry): applied once, answered with the view as it is.
    const again = await h.viaLink('POST', '/customer-link/reply', issued.token, { body: { message: 'It is 1Z999.' }, key: replyKey });
    expect(again.status).toBe(200);
    expect(again.body.messages.filter((m: View) => m.from === 'customer')).toHaveLength(1);

    const resolved = await h.must('alice', 'POST', `/complaints/${id}/resolve`, { summary: 'The carrier re-delivered the parcel.' });
    const afterResolve = await h.viaLink('GET', '/customer-link/complaint', issued.token);
    const windows = (await h.state(id)).windows;
    const resolvedAt = Date.parse(resolved.resolvedAt);
    expect(afterResolve.body).toMatchObject({
      status: 'resolved',
      resolution: { summary: 'The carrier re-delivered the parcel.', at: resolved.resolvedAt },
      confirmBy: new Date(resolvedAt + windows.confirmationWindowMinutes * MINUTE).toISOString(),
      reopenBy: new Date(resolvedAt + windows.reopenWindowMinutes * MINUTE).toISOString(),
      askNps: false,
      lowRatingMax: 2,
    });
    expect([...afterResolve.body.actions].sort()).toEqual(['confirm', 'rate', 'reopen']);

    const rated = await h.viaLink('POST', '/customer-link/rate', issued.token, { body: { rating: 4, comment: 'Quick once you found it' }, key: uniqueId('rate') });
    expect(rated.status).toBe(200);
    expect(rated.body.csat).toEqual({ rating: 4, reasons: [], comment: 'Quick once you found it', nps: null, at: expect.any(String) });
    expect([...rated.body.actions].sort()).toEqual(['confirm', 'reopen']);

    const confirmKey = uniqueId('confirm');
    const confirmed = await h.viaLink('POST', '/customer-link/confirm', issued.token, { body: {}, key: confirmKey });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ status: 'closed', actions: [] });
    // Retried after the workflow finished: still applied once, answered from the read model.
    const confirmedAgain = await h.viaLink('POST', '/customer-link/confirm', issued.token, { body: {}, key: confirmKey });
    expect({ status: confirmedAgain.status, complaintStatus: confirmedAgain.body.status }).toEqual({ status: 200, complaintStatus: 'closed' });
    // Anything new on the closed complaint is refused by its rules, and changes nothing.
    const late = await h.viaLink('POST', '/customer-link/reply', issued.token, { body: { message: 'One more thing' }, key: uniqueId('late') });
    expectProblem(late as CallResult<Problem>, 409, 'INVALID_TRANSITION');
    // A closed complaint stays readable through its link.
    expect((await h.viaLink('GET', '/customer-link/complaint', issued.token)).body).toMatchObject({ status: 'closed', csat: { rating: 4 }, actions: [] });

    // The workflow's final state: the reply is the customer's note, the rating recorded by the customer.
    const final: ComplaintState = await stack.client.workflow.getHandle(complaintWorkflowId(id)).result();
    expect(final.status).toBe('closed');
    expect(final.notes.filter((n) => n.visibility === 'customer')).toEqual([expect.objectContaining({ authorId: customerId, text: 'It is 1Z999.' })]);
    expect(final.csat).toMatchObject({ rating: 4, recordedBy: customerId });
    expect(final.customer).toEqual({ id: customerId });
    // The read model (what staff read once it is closed) agrees.
    const doc = await eventually(async () => {
      const d = await stack.models.Complaint.findById(id).lean();
      return d && d.version === final.version ? d : null;
    });
    expect(storedState<ComplaintState>(doc).csat).toMatchObject({ rating: 4, recordedBy: customerId });
    const staffView = await stack.call('GET', `/complaints/${id}`, { key: stack.keys.sam });
    expect(staffView.body).toMatchObject({ status: 'closed', csat: { rating: 4 }, customer: { id: customerId }, customerContact: { name: 'Li Wei', email: 'li.wei@example.com', language: 'zh-CN', erased: false } });

    // The audit trail: the customer's actions are theirs (role customer, id = customer id), each once.
    const events = await stack.models.AuditEvent.find({ stream: `complaint:${id}` }).sort({ seq: 1 }).lean();
    const byCustomer = events.filter((e) => e.actor?.role === 'customer').map((e) => [e.action, e.actor?.id]);
    expect(byCustomer).toEqual([
      ['customer_replied', customerId],
      ['record_csat', customerId],
      ['close', customerId],
    ]);
    // The contact stays out of the chained events; the issued link is audited in the customer's stream.
    expect(JSON.stringify(events)).not.toMatch(/Li Wei|li\.wei@example\.com/);
    const customerEvents = await stack.models.AuditEvent.find({ stream: `customer:${customerId}` }).sort({ seq: 1 }).lean();
    expect(customerEvents.map((e) => [e.action, e.actor, e.details])).toEqual([['customer.link_issued', { id: 'alice', role: 'agent' }, { complaintId: id, linkId: issued.linkId }]]);
    expect(JSON.stringify(customerEvents)).not.toMatch(/Li Wei|li\.wei@example\.com|v1\./);
  });

  it('given a resolved complaint, when its customer reopens it through the link (twice with the same key), then it is reopened once, attributed to the customer; a low rating needs reason codes', async () => {
    const { id, customerId } = await h.complaint();
    await h.must('alice', 'POST', `/complaints/${id}/resolve`, { summary: 'Refunded.' });
    const { token } = await h.link(id);

    const low = await h.viaLink('POST', '/customer-link/rate', token, { body: { rating: 2 }, key: uniqueId('rate') });
    expectProblem(low as CallResult<Problem>, 422);
    expect(errorPaths(low as CallResult<Problem>)).toEqual(['body.reasons']);

    const key = uniqueId('reopen');
    const first = await h.viaLink('POST', '/customer-link/reopen', token, { body: { reason: 'The refund never arrived.' }, key });
    const second = await h.viaLink('POST', '/customer-link/reopen', token, { body: { reason: 'The refund never arrived.' }, key });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.body.status).toBe('reopened');
    expect(second.body.status).toBe('reopened');
    expect(first.body.actions).toEqual(['reply']);
    const state = (await stack.call('GET', `/complaints/${id}`, { key: stack.keys.alice })).body;
    expect({ status: state.status, reopenCount: state.reopenCount }).toEqual({ status: 'reopened', reopenCount: 1 });
    const reopens = await stack.models.AuditEvent.find({ stream: `complaint:${id}`, action: 'reopen' }).lean();
    expect(reopens.map((e) => e.actor)).toEqual([{ id: customerId, role: 'customer' }]);

    // Reopening again, with a new key, is refused by the complaint's rules (it is not resolved any more).
    const refused = await h.viaLink('POST', '/customer-link/reopen', token, { body: { reason: 'again' }, key: uniqueId('reopen') });
    expectProblem(refused as CallResult<Problem>, 409, 'INVALID_TRANSITION');
  });

  it('given a resolved complaint, when the customer confirms with a low rating and reason codes, then it closes with the rating, reasons and comment recorded as theirs', async () => {
    const { id, customerId } = await h.complaint();
    await h.must('alice', 'POST', `/complaints/${id}/resolve`, { summary: 'Replaced the item.' });
    const { token } = await h.link(id);
    const res = await h.viaLink('POST', '/customer-link/confirm', token, { body: { rating: 2, reasons: ['slow_response', 'had_to_repeat'], comment: 'Took three calls' }, key: uniqueId('confirm') });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'closed', csat: { rating: 2, reasons: ['slow_response', 'had_to_repeat'], comment: 'Took three calls', nps: null } });
    const doc = await eventually(async () => {
      const d = await stack.models.Complaint.findById(id).lean();
      return d?.status === 'closed' ? d : null;
    });
    expect(storedState<ComplaintState>(doc).csat).toMatchObject({ rating: 2, reasons: ['slow_response', 'had_to_repeat'], recordedBy: customerId });
  });

  it('given two clicks of the same reply at once (same Idempotency-Key), then both answer 200 and the reply is recorded once; another key records another reply', async () => {
    const { id } = await h.complaint();
    const { token } = await h.link(id);
    const key = uniqueId('double');
    const both = await Promise.all([1, 2].map(() => h.viaLink('POST', '/customer-link/reply', token, { body: { message: 'Any news?' }, key })));
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    const other = await h.viaLink('POST', '/customer-link/reply', token, { body: { message: 'Any news?' }, key: uniqueId('double') });
    expect(other.status).toBe(200);
    const state = (await stack.call('GET', `/complaints/${id}`, { key: stack.keys.alice })).body;
    expect(state.notes.filter((n: View) => n.visibility === 'customer').map((n: View) => n.text)).toEqual(['Any news?', 'Any news?']);
    const events = await stack.models.AuditEvent.countDocuments({ stream: `complaint:${id}`, action: 'customer_replied' });
    expect(events).toBe(2);
  });

  it('given the OpenAPI document, then the customer link routes are public (no API key) and document the X-Customer-Link header, the writes also the Idempotency-Key', async () => {
    const doc = (await stack.call('GET', '/openapi.json')).body as { paths: Record<string, Record<string, { security?: unknown[]; parameters: { name: string; in: string }[] }>> };
    const ops = Object.entries(doc.paths).flatMap(([path, byMethod]) => (path.startsWith('/customer-link') && !path.includes('survey') ? Object.entries(byMethod).map(([method, op]) => ({ route: `${method} ${path}`, op })) : []));
    expect(ops.map((o) => o.route).sort()).toEqual(['get /customer-link', 'get /customer-link/complaint', 'post /customer-link/confirm', 'post /customer-link/rate', 'post /customer-link/reopen', 'post /customer-link/reply']);
    for (const { route, op } of ops) {
      const headers = op.parameters.filter((p) => p.in === 'header').map((p) => p.name);
      expect({ route, security: op.security, headers }).toEqual({ route, security: [], headers: route.startsWith('post') ? ['X-Customer-Link', 'Idempotency-Key'] : ['X-Customer-Link'] });
    }
  });

  describe('refused links', () => {
    const target = { id: '', customerId: '', token: '', linkId: '' };
    const rejected = rejectionChecker(() => stack, () => snapshot(target.id));
    const linkHeader = (token: string | undefined): Record<string, string> => (token !== undefined ? { 'x-customer-link': token } : {});
    const reply = (token: string | undefined): CallOptions => ({ headers: { ...linkHeader(token), 'idempotency-key': uniqueId('k') }, body: { message: 'Hello?' } });
    const read = (token: string | undefined): CallOptions => ({ headers: linkHeader(token) });

    beforeAll(async () => {
      const c = await h.complaint({ email: 'target@example.com' });
      const link = await h.link(c.id);
      Object.assign(target, { id: c.id, customerId: c.customerId, token: link.token, linkId: link.linkId });
    });

    /** Sends a refused reply and a refused read with `token`; both answer `status`/`code` and change nothing. */
    async function refusedBoth(token: string | undefined, status: number, code: string, detail: RegExp) {
      const w = await rejected('POST', '/customer-link/reply', reply(token), status, code);
      expect(w.body.detail).toMatch(detail);
      const r = await rejected('GET', '/customer-link/complaint', read(token), status, code);
      expect(r.body.detail).toMatch(detail);
      await rejected('GET', '/customer-link', read(token), status, code);
    }

    it('given no X-Customer-Link header, then 401 LINK_INVALID and nothing changes', async () => {
      await refusedBoth(undefined, 401, 'LINK_INVALID', /X-Customer-Link/);
    });

    it('given a token signed with another secret (forged), then 401 LINK_INVALID and nothing changes', async () => {
      const forged = signLinkToken(claimsOf(stack, target.token), 'not-the-server-secret-0123456789');
      await refusedBoth(forged, 401, 'LINK_INVALID', /not valid/);
    });

    it('given a token whose claims were altered (one character of the complaint id flipped, re-encoded, the signature kept), then 401 LINK_INVALID and nothing changes', async () => {
      const altered = alteredToken(target.token, (c) => {
        const i = String(c.i);
        c.i = i.slice(0, -1) + (i.endsWith('0') ? '1' : '0');
      });
      expect(altered).not.toBe(target.token);
      await refusedBoth(altered, 401, 'LINK_INVALID', /not valid/);
      // Altering the expiry is caught the same way.
      await refusedBoth(alteredToken(target.token, (c) => (c.e = Number(c.e) + 86_400)), 401, 'LINK_INVALID', /not valid/);
    });

    it('given malformed tokens (garbage, another version, too long), then 401 LINK_INVALID and nothing changes', async () => {
      for (const token of ['garbage', `v2.${target.token.slice(3)}`, `${target.token}.x`, `v1.${'a'.repeat(700)}.b`]) {
        await rejected('GET', '/customer-link/complaint', read(token), 401, 'LINK_INVALID');
      }
    });

    it('given a genuine token signed with an expiry in the past, then 410 LINK_EXPIRED and nothing changes', async () => {
      const expired = signLinkToken({ ...claimsOf(stack, target.token), expiresAt: Math.floor((Date.now() - MINUTE) / 1000) * 1000 }, linkSecretOf(stack.config));
      await refusedBoth(expired, 410, 'LINK_EXPIRED', /expired/);
    });

    it('given a revoked link, then 410 LINK_REVOKED and nothing changes; a link issued after the revocation is a new one and works', async () => {
      const c = await h.complaint();
      const first = await h.link(c.id);
      const revoked = await h.must('sam', 'POST', `/complaints/${c.id}/customer-link/revoke`, undefined);
      expect(revoked).toEqual({ linkId: first.linkId, revokedAt: expect.any(String) });
      const before = await snapshot(c.id);
      for (const [method, path, opts] of [
        ['POST', '/customer-link/reply', reply(first.token)],
        ['GET', '/customer-link/complaint', read(first.token)],
        ['GET', '/customer-link', read(first.token)],
      ] as const) {
        const res = await stack.call<Problem>(method, path, opts);
        expectProblem(res, 410, 'LINK_REVOKED');
        expect(res.body.detail).toMatch(/withdrawn/);
      }
      expect(await snapshot(c.id)).toEqual(before);

      const second = await h.link(c.id);
      expect(second.linkId).not.toBe(first.linkId);
      expect((await h.viaLink('GET', '/customer-link/complaint', second.token)).status).toBe(200);
      expectProblem((await h.viaLink('GET', '/customer-link/complaint', first.token)) as CallResult<Problem>, 410, 'LINK_REVOKED');
      const events = await stack.models.AuditEvent.find({ stream: `customer:${c.customerId}` }).sort({ seq: 1 }).lean();
      expect(events.map((e) => [e.action, e.actor?.id, e.details])).toEqual([
        ['customer.link_issued', 'alice', { complaintId: c.id, linkId: first.linkId }],
        ['customer.link_revoked', 'sam', { complaintId: c.id, linkId: first.linkId }],
        ['customer.link_issued', 'alice', { complaintId: c.id, linkId: second.linkId }],
      ]);
    });

    it("given a genuinely signed token whose link record belongs to another complaint, or to another customer, then 401 LINK_INVALID and nothing changes", async () => {
      const other = await h.complaint();
      const otherLink = await h.link(other.id);
      const secret = linkSecretOf(stack.config);
      const mine = claimsOf(stack, target.token);
      // The other complaint's link record, claimed for this complaint.
      await refusedBoth(signLinkToken({ ...claimsOf(stack, otherLink.token), subjectId: target.id, customerId: target.customerId }, secret), 401, 'LINK_INVALID', /does not match/);
      // This complaint's link record, claimed for another customer.
      await refusedBoth(signLinkToken({ ...mine, customerId: other.customerId }, secret), 401, 'LINK_INVALID', /does not match/);
      // This link record, claimed for the other complaint.
      await refusedBoth(signLinkToken({ ...mine, subjectId: other.id }, secret), 401, 'LINK_INVALID', /does not match/);
      // A link id no record has.
      await refusedBoth(signLinkToken({ ...mine, linkId: 'lnk_000000000000000000000000' }, secret), 401, 'LINK_INVALID', /does not match/);
    });

    it('given a genuine token for a survey invitation, when used on the complaint routes, then 401 LINK_INVALID and nothing changes', async () => {
      const invitation = signLinkToken({ ...claimsOf(stack, target.token), subject: 'invitation', subjectId: 'inv_0123456789abcdef' }, linkSecretOf(stack.config));
      const w = await rejected('POST', '/customer-link/reply', reply(invitation), 401, 'LINK_INVALID');
      expect(w.body.detail).toMatch(/survey invitation, not a complaint/);
      await rejected('GET', '/customer-link/complaint', read(invitation), 401, 'LINK_INVALID');
    });

    it('given a valid link, when a write comes without an Idempotency-Key or with a malformed one, then 400 naming headers.idempotency-key and nothing changes', async () => {
      const keys: Record<string, string>[] = [{}, { 'idempotency-key': 'has spaces in it' }, { 'idempotency-key': 'k'.repeat(201) }];
      for (const key of keys) {
        const headers = { 'x-customer-link': target.token, ...key };
        const res = await rejected('POST', '/customer-link/reply', { headers, body: { message: 'Hello?' } }, 400, 'VALIDATION_FAILED');
        expect(errorPaths(res)).toEqual(['headers.idempotency-key']);
      }
    });

    it('given an action the complaint does not allow now (confirming or rating a complaint that is not resolved), then the workflow refuses it and nothing changes', async () => {
      await rejected('POST', '/customer-link/confirm', { headers: { 'x-customer-link': target.token, 'idempotency-key': uniqueId('k') }, body: {} }, 409, 'INVALID_TRANSITION');
      await rejected('POST', '/customer-link/rate', { headers: { 'x-customer-link': target.token, 'idempotency-key': uniqueId('k') }, body: { rating: 5 } }, 409, 'INVALID_TRANSITION');
    });
  });

  describe('bad input', () => {
    const fixture = { id: '', token: '', resolvedToken: '' };
    const rejected = rejectionChecker(() => stack, () => snapshot(fixture.id));
    beforeAll(async () => {
      const c = await h.complaint();
      fixture.id = c.id;
      fixture.token = (await h.link(c.id)).token;
      const r = await h.complaint();
      await h.must('alice', 'POST', `/complaints/${r.id}/resolve`, { summary: 'Done.' });
      fixture.resolvedToken = (await h.link(r.id)).token;
    });
    const write = (token: string, body: unknown) => ({ headers: { 'x-customer-link': token, 'idempotency-key': uniqueId('k') }, body });

    const cases: [string, string, unknown, string[]][] = [
      ['reply', '/customer-link/reply', {}, ['body.message']],
      ['reply', '/customer-link/reply', { message: '   ' }, ['body.message']],
      ['reply', '/customer-link/reply', { message: 'x'.repeat(5001) }, ['body.message']],
      ['reply', '/customer-link/reply', { message: 'hi', extra: 1 }, ['body.extra']],
      ['reply', '/customer-link/reply', { message: 42 }, ['body.message']],
      ['confirm', '/customer-link/confirm', { rating: 0 }, ['body.rating']],
      ['confirm', '/customer-link/confirm', { rating: 6 }, ['body.rating']],
      ['confirm', '/customer-link/confirm', { rating: 4.5 }, ['body.rating']],
      ['confirm', '/customer-link/confirm', { rating: 1, reasons: ['rude'] }, ['body.reasons.0']],
      ['confirm', '/customer-link/confirm', { rating: 1, reasons: ['other', 'other'] }, ['body.reasons']],
      ['confirm', '/customer-link/confirm', { rating: 5, nps: 11 }, ['body.nps']],
      ['confirm', '/customer-link/confirm', { rating: 5, nps: -1 }, ['body.nps']],
      ['confirm', '/customer-link/confirm', { rating: 5, comment: 'x'.repeat(2001) }, ['body.comment']],
      ['confirm', '/customer-link/confirm', { reasons: ['other'], nps: 3 }, ['body.reasons', 'body.nps']],
      ['confirm', '/customer-link/confirm', { comment: 'great' }, ['body.comment']],
      ['reopen', '/customer-link/reopen', {}, ['body.reason']],
      ['reopen', '/customer-link/reopen', { reason: 'x'.repeat(2001) }, ['body.reason']],
      ['rate', '/customer-link/rate', {}, ['body.rating']],
      ['rate', '/customer-link/rate', { rating: '5' }, ['body.rating']],
      ['rate', '/customer-link/rate', { rating: 5, reasons: 'slow_response' }, ['body.reasons']],
    ];
    it.each(cases)('given POST /customer-link/%s with an invalid body, then 400 naming the fields and nothing changes (%#)', async (_name, path, body, paths) => {
      const res = await rejected('POST', path, write(fixture.resolvedToken, body), 400, 'VALIDATION_FAILED');
      expect(errorPaths(res).sort()).toEqual([...paths].sort());
    });

    it('given a write whose body is not JSON, malformed JSON or too large, then 415, 400 or 413 and nothing changes', async () => {
      const headers = { 'x-customer-link': fixture.token, 'idempotency-key': uniqueId('k') };
      await rejected('POST', '/customer-link/reply', { headers: { ...headers, 'content-type': 'text/plain' }, rawBody: 'hello' }, 415, 'UNSUPPORTED_MEDIA_TYPE');
      await rejected('POST', '/customer-link/reply', { headers, rawBody: '{"message": ' }, 400, 'MALFORMED_JSON');
      await rejected('POST', '/customer-link/reply', { headers, rawBody: JSON.stringify({ message: 'x'.repeat(70_000) }) }, 413, 'BODY_TOO_LARGE');
    });

    it('given query parameters on the link reads, then 400 naming them and nothing changes', async () => {
      for (const path of ['/customer-link?lang=fr', '/customer-link/complaint?id=c_1']) {
        const res = await rejected('GET', path, { headers: { 'x-customer-link': fixture.token } }, 400, 'VALIDATION_FAILED');
        expect(errorPaths(res)[0]).toMatch(/^query\./);
      }
    });

    it("given feedback the complaint's rules refuse (a low rating without reasons, reasons on a high one, NPS where the policy does not ask), then 422 naming the field and nothing changes", async () => {
      const a = await rejected('POST', '/customer-link/rate', write(fixture.resolvedToken, { rating: 1 }), 422);
      expect(errorPaths(a)).toEqual(['body.reasons']);
      const b = await rejected('POST', '/customer-link/rate', write(fixture.resolvedToken, { rating: 5, reasons: ['other'] }), 422);
      expect(errorPaths(b)).toEqual(['body.reasons']);
      const c = await rejected('POST', '/customer-link/confirm', write(fixture.resolvedToken, { rating: 5, nps: 9 }), 422);
      expect(errorPaths(c)).toEqual(['body.nps']);
    });

    it('given the staff link routes with a malformed or unknown complaint id, a query or body field, or a revoke with no live link, then 400 or 404 and nothing changes', async () => {
      const sam = stack.keys.sam!;
      for (const path of [`/complaints/${encodeURIComponent('bad id!')}/customer-link`, `/complaints/${'x'.repeat(65)}/customer-link/revoke`]) {
        const res = await rejected('POST', path, { key: sam }, 400, 'VALIDATION_FAILED');
        expect(errorPaths(res)).toEqual(['params.id']);
      }
      await rejected('POST', '/complaints/c_000000000000000000000000/customer-link', { key: sam }, 404, 'NOT_FOUND');
      await rejected('POST', '/complaints/c_000000000000000000000000/customer-link/revoke', { key: sam }, 404, 'NOT_FOUND');
      const fresh = await h.complaint();
      const res = await rejected('POST', `/complaints/${fresh.id}/customer-link/revoke`, { key: sam }, 404, 'NOT_FOUND');
      expect(res.body.detail).toMatch(/no live customer link/);
      await rejected('POST', `/complaints/${fixture.id}/customer-link?x=1`, { key: sam }, 400, 'VALIDATION_FAILED');
      for (const suffix of ['', '/revoke']) {
        const res = await rejected('POST', `/complaints/${fixture.id}/customer-link${suffix}`, { key: sam, body: { ttlDays: 365 } }, 400, 'VALIDATION_FAILED');
        expect(errorPaths(res)).toEqual(['body.ttlDays']);
      }
    });

    it('given the customer routes with a malformed or unknown customer id or an unknown body field, then 400 or 404 and nothing changes', async () => {
      const ada = stack.keys.ada!;
      for (const [method, suffix] of [['GET', ''], ['POST', '/erase']] as const) {
        const bad = await rejected(method, `/customers/${encodeURIComponent('no spaces!')}${suffix}`, { key: ada }, 400, 'VALIDATION_FAILED');
        expect(errorPaths(bad)).toEqual(['params.id']);
        await rejected(method, `/customers/${'x'.repeat(65)}${suffix}`, { key: ada }, 400, 'VALIDATION_FAILED');
        await rejected(method, `/customers/nobody-${uniqueId('c')}${suffix}`, { key: ada }, 404, 'NOT_FOUND');
      }
      const extra = await rejected('POST', `/customers/nobody/erase`, { key: ada, body: { fields: ['email'] } }, 400, 'VALIDATION_FAILED');
      expect(errorPaths(extra)).toEqual(['body.fields']);
    });

    it('given an intake whose customer language is not offered, then 400 naming body.customer.language and nothing changes', async () => {
      const res = await rejected('POST', '/complaints', { key: stack.keys.intake, body: { customer: { id: uniqueId('cust'), language: 'fr' }, channel: 'web', category: 'delivery', severity: 'P3', description: 'x' } }, 400, 'VALIDATION_FAILED');
      expect(errorPaths(res)).toEqual(['body.customer.language']);
    });
  });
});

describe('customer link rate limits', () => {
  let stack: ApiStack;
  const h = helpers(() => stack);
  const PER_LINK = 4;
  const PER_ADDRESS = 8;

  beforeAll(async () => {
    // One proxy hop trusted: each test speaks from its own address (X-Forwarded-For), as behind a load balancer.
    stack = await startApiStack({
      configure: (c) => ({ ...c, api: { ...c.api, trustProxy: 1 }, customers: { ...c.customers, linkRatePerMinute: PER_LINK, addressRatePerMinute: PER_ADDRESS } }),
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const from = (address: string) => ({ 'x-forwarded-for': address });

  it('given one link, when it sends more requests in a minute than its limit (from different addresses), then the extra ones get 429 RATE_LIMITED with Retry-After and write nothing, while another link is still served', async () => {
    const a = await h.complaint();
    const b = await h.complaint();
    const linkA = await h.link(a.id);
    const linkB = await h.link(b.id);
    for (let i = 0; i < PER_LINK; i++) {
      expect((await h.viaLink('GET', '/customer-link/complaint', linkA.token, { headers: from(`198.51.100.${i + 1}`) })).status).toBe(200);
    }
    const before = await collectionCounts(stack.models);
    const stateBefore = (await stack.call('GET', `/complaints/${a.id}`, { key: stack.keys.sam })).body.version;
    const limited = await h.viaLink('POST', '/customer-link/reply', linkA.token, { body: { message: 'one more' }, key: uniqueId('k'), headers: from('198.51.100.99') });
    expectProblem(limited as CallResult<Problem>, 429, 'RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.body.detail).toMatch(/for this link/);
    expect(await collectionCounts(stack.models)).toEqual(before);
    expect((await stack.call('GET', `/complaints/${a.id}`, { key: stack.keys.sam })).body.version).toBe(stateBefore);
    expect((await h.viaLink('GET', '/customer-link/complaint', linkB.token, { headers: from('198.51.100.99') })).status).toBe(200);
  });

  it('given one address, when it sends more requests in a minute than its limit, then the extra ones get 429 RATE_LIMITED (forged tokens included, before any check), while another address is still served', async () => {
    const c = await h.complaint();
    const { token } = await h.link(c.id);
    const flooder = from('203.0.113.7');
    const forged = signLinkToken(claimsOf(stack, token), 'not-the-server-secret-0123456789');
    // Forged tokens are refused as invalid, and each counts against the address.
    for (let i = 0; i < PER_ADDRESS; i++) expectProblem((await h.viaLink('GET', '/customer-link/complaint', forged, { headers: flooder })) as CallResult<Problem>, 401, 'LINK_INVALID');
    const limitedForged = await h.viaLink('GET', '/customer-link/complaint', forged, { headers: flooder });
    expectProblem(limitedForged as CallResult<Problem>, 429, 'RATE_LIMITED');
    expect(limitedForged.body.detail).toMatch(/from this address/);
    // A genuine link from the flooding address is limited too; from elsewhere it is served.
    expectProblem((await h.viaLink('GET', '/customer-link/complaint', token, { headers: flooder })) as CallResult<Problem>, 429, 'RATE_LIMITED');
    expect((await h.viaLink('GET', '/customer-link/complaint', token, { headers: from('203.0.113.8') })).status).toBe(200);
  });

  it("given forged tokens naming a real link's id, when they are sent many times, then they never use up that link's own limit", async () => {
    const c = await h.complaint();
    const { token } = await h.link(c.id);
    const forged = signLinkToken(claimsOf(stack, token), 'not-the-server-secret-0123456789');
    for (let i = 0; i < PER_LINK * 2; i++) expect((await h.viaLink('GET', '/customer-link/complaint', forged, { headers: from(`192.0.2.${i + 1}`) })).status).toBe(401);
    expect((await h.viaLink('GET', '/customer-link/complaint', token, { headers: from('192.0.2.200') })).status).toBe(200);
  });
});
