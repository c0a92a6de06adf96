/**
 * Customer email end to end: complaints registered through the API with the
 * customer's email, a real Worker on the Temporal dev server recording the
 * messages in the outbox and sending them over SMTP to a real SMTP server in
 * this process (smtp-server + mailparser, test/helpers/smtp.ts); the customer
 * follows the link in the mail over HTTP. Then the delivery activity alone
 * (MockActivityEnvironment, real FerretDB, real SMTP server) for the outcomes
 * a stack cannot easily force: a relay that is down and back, erasure before
 * sending, no SMTP configured, a revoked link, survey invitations.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MockActivityEnvironment } from '@temporalio/testing';
import { customerMessageId, enqueueCustomerMessage, recordCustomerMessages } from '../../activities/customer-mail';
import { createNotificationDelivery } from '../../activities/notifications';
import { type Config, linkSecretOf } from '../../src/config';
import { complaintWorkflowId } from '../../src/contracts/complaint';
import type { Models } from '../../src/db/models';
import { type ComplaintState, openComplaint } from '../../src/domain/complaint';
import { verifyLinkToken } from '../../src/domain/customer-link';
import { messageIdFor } from '../../src/mail/transport';
import { ensureLink } from '../../src/services/customer-links';
import { upsertContact } from '../../src/services/customers';
import { type ApiStack, startApiStack } from '../helpers/api';
import { type CaughtMessage, type TestSmtpServer, startTestSmtpServer } from '../helpers/smtp';
import { eventually, openTestDb, testConfig, uniqueId } from '../helpers/stack';

const PUBLIC_URL = 'https://support.example.test';
const BOUNCING = 'nobody@bounce.example.test';

/** The customer link in a mail's text body, and the token in its fragment. */
function linkIn(mail: CaughtMessage): { url: string; token: string } {
  const url = mail.links.find((l) => l.startsWith(`${PUBLIC_URL}/app/customer#`));
  if (!url) throw new Error(`no customer link in "${mail.subject}": ${mail.links.join(', ')}`);
  return { url, token: url.slice(url.indexOf('#') + 1) };
}

const deliveryOf = (id: string) => (m: CaughtMessage) => m.headers['x-qualityloop-delivery'] === id;

function withMail(c: Config, smtpUrl: string | undefined): Config {
  return { ...c, mail: { ...c.mail, smtpUrl }, api: { ...c.api, publicUrl: PUBLIC_URL } };
}

/** A webhook receiver that can be told to answer 503 to the next n deliveries about one complaint. */
async function startFlakyReceiver() {
  const received: { type: string; complaintId?: string }[] = [];
  const failing = new Map<string, number>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const msg = JSON.parse(body) as { type: string; complaintId?: string };
      const left = msg.complaintId ? (failing.get(msg.complaintId) ?? 0) : 0;
      if (left > 0) {
        failing.set(msg.complaintId!, left - 1);
        res.writeHead(503).end();
        return;
      }
      received.push(msg);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    failNext: (complaintId: string, n: number) => failing.set(complaintId, n),
    failuresLeft: (complaintId: string) => failing.get(complaintId) ?? 0,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

describe('customer email on the real stack', () => {
  let smtp: TestSmtpServer;
  let hooks: Awaited<ReturnType<typeof startFlakyReceiver>>;
  let stack: ApiStack;
  /** Every email and name given at intake in this block: none may reach the outbox. */
  const personalData: string[] = [];

  beforeAll(async () => {
    smtp = await startTestSmtpServer({ reject: [BOUNCING] });
    hooks = await startFlakyReceiver();
    stack = await startApiStack({ webhookUrls: [hooks.url], configure: (c) => withMail(c, smtp.smtpUrl) });
  });
  afterAll(async () => {
    await stack?.stop();
    await smtp?.stop();
    await hooks?.close();
  });

  async function intake(customer: Record<string, unknown>, description = 'Charged twice for one order.') {
    for (const field of ['email', 'name'] as const) if (typeof customer[field] === 'string') personalData.push(customer[field]);
    const res = await stack.call('POST', '/complaints', {
      key: stack.keys.intake,
      body: { customer, channel: 'email', category: 'billing', severity: 'P3', description },
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  const act = (id: string, slug: string, body: Record<string, unknown> = {}, key = stack.keys.alice!) => stack.call('POST', `/complaints/${id}/${slug}`, { key, body });
  const asCustomer = (method: string, path: string, token: string, body?: unknown, idempotencyKey?: string) =>
    stack.call(method, path, { body, headers: { 'x-customer-link': token, ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) } });

  it('given a zh-CN customer with an email, when their complaint is registered, answered and resolved, then Chinese emails arrive whose link lets them reply, confirm and rate, and the workflow, read model and audit trail show them as the customer', async () => {
    const customerId = uniqueId('cust');
    const email = `${customerId}@example.test`;
    const id = await intake({ id: customerId, name: '王小明', email, language: 'zh-CN' });

    // Registered: in Chinese, to the contact's address, with the link as the call to action.
    const registered = await smtp.waitForMessage(deliveryOf(customerMessageId(id, 1)));
    expect(registered.envelope.to).toEqual([email]);
    expect(registered.subject).toBe(`我们已收到您的投诉（编号 ${id}）`);
    expect(registered.text).toContain('王小明，您好：');
    expect(registered.html).toContain('<html lang="zh-CN">');
    expect(registered.messageId).toBe(messageIdFor(customerMessageId(id, 1), stack.config.mail.from));
    const first = linkIn(registered);

    // The link opens the customer's view of this complaint, no key, no cookie.
    const info = await asCustomer('GET', '/customer-link', first.token);
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ subject: 'complaint', language: 'zh-CN' });
    const view = await asCustomer('GET', '/customer-link/complaint', first.token);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ complaintId: id, status: 'open', category: 'billing' });

    // The customer replies through the link; the agent acknowledges (a second mail) and resolves.
    const replied = await asCustomer('POST', '/customer-link/reply', first.token, { message: '订单号是 A-1001。' }, 'reply-1');
    expect(replied.status).toBe(200);
    expect(replied.body.messages).toEqual([expect.objectContaining({ from: 'customer', text: '订单号是 A-1001。' })]);
    expect((await act(id, 'acknowledge')).status).toBe(200);
    const acknowledged = await smtp.waitForMessage(deliveryOf(customerMessageId(id, 3)));
    expect(acknowledged.subject).toBe(`您的投诉 ${id} 已有专人处理`);
    const resolved = await act(id, 'resolve', { summary: 'Refunded the second charge.' });
    expect(resolved.status).toBe(200);
    const resolvedMail = await smtp.waitForMessage(deliveryOf(customerMessageId(id, resolved.body.version)));
    expect(resolvedMail.subject).toBe(`您的投诉 ${id} 已解决，请确认`);
    expect(resolvedMail.text).toContain('Refunded the second charge.');

    // From the resolved mail's link: confirm with a rating.
    const { token } = linkIn(resolvedMail);
    const confirmed = await asCustomer('POST', '/customer-link/confirm', token, { rating: 5, comment: '很满意' }, 'confirm-1');
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ status: 'closed', csat: { rating: 5, comment: '很满意' } });
    const closedMail = await smtp.waitForMessage(deliveryOf(customerMessageId(id, resolved.body.version + 1)));
    expect(closedMail.subject).toBe(`您的投诉 ${id} 已关闭`);

    // Workflow state as staff see it.
    const detail = await stack.call('GET', `/complaints/${id}`, { key: stack.keys.supervisor });
    expect(detail.body).toMatchObject({ status: 'closed', csat: { rating: 5, comment: '很满意' } });
    expect(detail.body.notes).toEqual(expect.arrayContaining([expect.objectContaining({ visibility: 'customer', text: '订单号是 A-1001。', authorId: customerId })]));
    // Read model.
    const doc = await eventually(async () => {
      const d = await stack.models.Complaint.findById(id).lean();
      return d?.status === 'closed' ? d : null;
    });
    expect(JSON.parse(doc.stateJson as string).csat).toMatchObject({ rating: 5, recordedBy: customerId });
    // Audit trail: the reply and the confirmation by the customer themselves.
    const audit = await stack.models.AuditEvent.find({ entityId: id }).sort({ seq: 1 }).lean();
    expect(audit.map((e) => [e.action, e.actor?.role, e.actor?.id])).toEqual([
      ['intake', 'intake', 'webform'],
      ['customer_replied', 'customer', customerId],
      ['acknowledge', 'agent', 'alice'],
      ['resolve', 'agent', 'alice'],
      ['close', 'customer', customerId],
    ]);
    // Every message of this complaint was sent once, and none went to a webhook.
    const mails = await stack.models.Outbox.find({ complaintId: id, channel: 'email' }).sort({ createdAt: 1 }).lean();
    expect(mails.map((m) => [m.type, m.status, m.attempts])).toEqual([
      ['customer.registered', 'delivered', 1],
      ['customer.acknowledged', 'delivered', 1],
      ['customer.resolved', 'delivered', 1],
      ['customer.closed', 'delivered', 1],
    ]);
    expect(smtp.messages().filter((m) => m.envelope.to.includes(email))).toHaveLength(4);
    expect(hooks.received.filter((h) => h.type.startsWith('customer.'))).toEqual([]);
  });

  it('given an English customer, when registered, then the registered email is in English', async () => {
    const customerId = uniqueId('cust');
    const id = await intake({ id: customerId, name: 'Ada Lovelace', email: `${customerId}@example.test`, language: 'en' });
    const mail = await smtp.waitForMessage(deliveryOf(customerMessageId(id, 1)));
    expect(mail.subject).toBe(`We have received your complaint ${id}`);
    expect(mail.text).toContain('Hello Ada Lovelace,');
    expect(mail.to).toBe(`"Ada Lovelace" <${customerId}@example.test>`);
  });

  it('given a complaint without an email, when it is registered and acknowledged, then no email message is recorded and nothing is sent', async () => {
    const customerId = uniqueId('cust');
    const id = await intake({ id: customerId, name: 'No Mail' });
    expect((await act(id, 'acknowledge')).status).toBe(200);
    // The outbox is written before the read model: version 2 stored means both transitions were recorded.
    await eventually(async () => ((await stack.models.Complaint.findById(id).lean())?.version ?? 0) >= 2);
    expect(await stack.models.Outbox.countDocuments({ complaintId: id, channel: 'email' })).toBe(0);
    expect(smtp.messages().filter((m) => m.subject.includes(id))).toEqual([]);
  });

  it('given an address the relay refuses with 550, when the complaint is registered, then the message stays pending with the SMTP reply, one attempt counted, and the delivery activity completes without retries', async () => {
    const id = await intake({ id: uniqueId('cust'), email: BOUNCING, language: 'en' });
    const msg = await eventually(async () => {
      const m = await stack.models.Outbox.findById(customerMessageId(id, 1)).lean();
      return m?.lastError ? m : null;
    });
    expect(msg).toMatchObject({ status: 'pending', attempts: 1, lastError: '550 5.1.1 mailbox unavailable' });
    expect(msg.gaveUpAt).toBeInstanceOf(Date);
    // Temporal saw the delivery succeed on its first attempt: a permanent rejection does not spend the retry budget.
    const handle = stack.client.workflow.getHandle(complaintWorkflowId(id));
    const deliveries = await eventually(async () => {
      const events = (await handle.fetchHistory()).events ?? [];
      const scheduled = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'deliverNotifications').map((e) => String(e.eventId));
      const ended = events.flatMap((e) => {
        const end = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes;
        return end && scheduled.includes(String(end.scheduledEventId)) ? [e] : [];
      });
      const started = events.filter((e) => e.activityTaskStartedEventAttributes && scheduled.includes(String(e.activityTaskStartedEventAttributes.scheduledEventId)));
      return scheduled.length > 0 && ended.length === scheduled.length ? { ended, started } : null;
    });
    expect(deliveries.ended.every((e) => !!e.activityTaskCompletedEventAttributes)).toBe(true);
    expect(deliveries.started.map((e) => e.activityTaskStartedEventAttributes!.attempt)).toEqual(deliveries.started.map(() => 1));
    expect((await handle.describe()).raw.pendingActivities ?? []).toEqual([]);
    expect((await stack.models.Outbox.findById(customerMessageId(id, 1)).lean())!.attempts).toBe(1);
    expect(smtp.messages().filter((m) => m.envelope.to.includes(BOUNCING))).toEqual([]);
  });

  it('given a webhook that fails twice in the batch carrying a resolved email, when Temporal retries the delivery, then the webhook arrives and the email was sent exactly once', async () => {
    const customerId = uniqueId('cust');
    const id = await intake({ id: customerId, email: `${customerId}@example.test`, language: 'en' });
    await smtp.waitForMessage(deliveryOf(customerMessageId(id, 1)));
    expect((await act(id, 'acknowledge')).status).toBe(200);
    hooks.failNext(id, 2);
    const resolved = await act(id, 'resolve', { summary: 'Refunded.' });
    expect(resolved.status).toBe(200);
    const mailId = customerMessageId(id, resolved.body.version);
    // Attempt 1 sends the email and fails on the webhook; attempts 2 (after 1 s) and 3 (after 2 s more) retry.
    await eventually(async () => hooks.received.some((h) => h.complaintId === id && h.type === 'csat.requested'), 30_000, 'the webhook after two failures');
    expect(hooks.failuresLeft(id)).toBe(0); // both failures were served: the activity ran three times
    expect(smtp.messages().filter(deliveryOf(mailId))).toHaveLength(1);
    expect(await stack.models.Outbox.findById(mailId).lean()).toMatchObject({ status: 'delivered', attempts: 1 });
  });

  it('given every email message this stack recorded, when read from the outbox, then none holds an email address or a name given at intake', async () => {
    const docs = await stack.models.Outbox.find({ channel: 'email' }).lean();
    expect(docs.length).toBeGreaterThanOrEqual(7);
    const stored = JSON.stringify(docs);
    for (const value of personalData) expect(stored).not.toContain(value);
    expect(stored).not.toMatch(/@example\.test|@bounce\.example\.test/);
  });
});

describe('customer email delivery activity (FerretDB, real SMTP server)', () => {
  let smtp: TestSmtpServer;
  let config: Config;
  let models: Models & { drop(): Promise<void> };
  const run = <T>(fn: () => Promise<T>): Promise<T> => new MockActivityEnvironment().run(fn) as Promise<T>;
  const deliver = (outboxIds: string[], customerMail: Config = config) =>
    run(() => createNotificationDelivery({ models, webhookUrls: [], webhookSecret: config.secrets.webhookSecret, customerMail })({ outboxIds }));

  beforeAll(async () => {
    smtp = await startTestSmtpServer({ reject: [BOUNCING] });
    config = withMail(testConfig(), smtp.smtpUrl);
    models = await openTestDb(config);
  });
  afterAll(async () => {
    await smtp?.stop();
    await models?.drop();
  });

  /** A registered complaint of a customer with `contact`; its messages recorded as the persistence activity does. */
  async function registered(contact: { email?: string; name?: string; language?: 'en' | 'zh-CN' }): Promise<{ state: ComplaintState; ids: string[] }> {
    const customerId = uniqueId('cust');
    await upsertContact(models, customerId, contact);
    const t0 = Date.UTC(2026, 10, 2, 9);
    const opened = openComplaint({ complaintId: uniqueId('c'), customer: { id: customerId }, channel: 'email', category: 'billing', severity: 'P3', description: 'd', createdBy: { id: 'w', role: 'intake' } }, {}, t0);
    const ids = await run(() => recordCustomerMessages(models, config, opened.state, opened.transitions));
    return { state: opened.state, ids };
  }

  it('given a delivered message, when delivery runs again for it (a retried activity), then nothing is sent again', async () => {
    const { ids } = await registered({ email: 'twice@example.test' });
    expect(await deliver(ids)).toEqual({ delivered: 1 });
    expect(await deliver(ids)).toEqual({ delivered: 0 });
    expect(smtp.messages().filter(deliveryOf(ids[0]!))).toHaveLength(1);
    expect(await models.Outbox.findById(ids[0]).lean()).toMatchObject({ status: 'delivered', attempts: 1, lastError: null });
  });

  it('given the same transitions recorded twice (persistence retry), when recorded, then the same outbox id comes back and one message exists', async () => {
    const { state, ids } = await registered({ email: 'retry@example.test' });
    const opened = openComplaint({ complaintId: state.complaintId, customer: state.customer, channel: 'email', category: 'billing', severity: 'P3', description: 'd', createdBy: { id: 'w', role: 'intake' } }, {}, state.createdAt);
    expect(await run(() => recordCustomerMessages(models, config, opened.state, opened.transitions))).toEqual(ids);
    expect(await models.Outbox.countDocuments({ complaintId: state.complaintId })).toBe(1);
  });

  it('given the relay is unreachable, when delivering, then the message stays pending with the error and the activity throws; when the relay is back, the retry delivers it once with the same Message-ID', async () => {
    const { ids } = await registered({ email: 'later@example.test' });
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));

    await expect(deliver(ids, withMail(config, `smtp://127.0.0.1:${deadPort}`))).rejects.toThrow(/notification delivery failed/);
    const failed = (await models.Outbox.findById(ids[0]).lean())!;
    expect(failed).toMatchObject({ status: 'pending', attempts: 1 });
    expect(failed.lastError).toMatch(/ECONNREFUSED/);
    expect(failed.gaveUpAt).toBeNull();

    expect(await deliver(ids)).toEqual({ delivered: 1 });
    expect(await models.Outbox.findById(ids[0]).lean()).toMatchObject({ status: 'delivered', attempts: 2, lastError: null });
    const sent = smtp.messages().filter(deliveryOf(ids[0]!));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.messageId).toBe(messageIdFor(ids[0]!, config.mail.from));
  });

  it('given a 550 rejection, when delivering twice, then it is recorded once without throwing and never retried', async () => {
    const { ids } = await registered({ email: BOUNCING });
    expect(await deliver(ids)).toEqual({ delivered: 0 });
    expect(await deliver(ids)).toEqual({ delivered: 0 });
    expect(await models.Outbox.findById(ids[0]).lean()).toMatchObject({ status: 'pending', attempts: 1, lastError: '550 5.1.1 mailbox unavailable' });
  });

  it('given the contact was erased after the message was recorded, when delivering, then it is cancelled with the reason and nothing is sent', async () => {
    const { state, ids } = await registered({ email: 'erase-me@example.test', name: 'Erased' });
    await models.Customer.updateOne({ _id: state.customer.id }, { $set: { email: null, name: null, erasedAt: new Date(), erasedBy: 'ada' } });
    expect(await deliver(ids)).toEqual({ delivered: 0 });
    expect(await models.Outbox.findById(ids[0]).lean()).toMatchObject({ status: 'cancelled', lastError: 'contact erased', attempts: 0 });
    expect(smtp.messages().filter(deliveryOf(ids[0]!))).toEqual([]);
  });

  it('given no SMTP configured, when delivering, then the message stays pending with the reason, no attempt is counted and nothing throws', async () => {
    const { ids } = await registered({ email: 'nosmtp@example.test' });
    expect(await deliver(ids, withMail(config, undefined))).toEqual({ delivered: 0 });
    expect(await models.Outbox.findById(ids[0]).lean()).toMatchObject({ status: 'pending', attempts: 0, lastError: 'QL_SMTP_URL is not set' });
  });

  it('given a customer without an email, when messages are recorded or enqueued, then there is none', async () => {
    const { state, ids } = await registered({ name: 'Only a name' });
    expect(ids).toEqual([]);
    expect(await models.Outbox.countDocuments({ complaintId: state.complaintId })).toBe(0);
    const linkId = await ensureLink(models, 'invitation', 'inv_x', state.customer.id, 'system');
    const queued = await enqueueCustomerMessage(models, config, {
      outboxId: uniqueId('inv'),
      kind: 'survey_invitation',
      customerId: state.customer.id,
      campaignId: 'camp_x',
      link: { linkId, subject: 'invitation', subjectId: 'inv_x' },
      data: { title: 'T', closesAt: '2026-12-01T00:00:00Z' },
      at: new Date(),
    });
    expect(queued).toBeNull();
  });

  it('given the link was revoked after the message was recorded, when delivering, then the email carries a token of the complaint current link', async () => {
    const { state, ids } = await registered({ email: 'revoked@example.test' });
    const recorded = (await models.Outbox.findById(ids[0]).lean())!.data as { link: { linkId: string } };
    await models.CustomerLink.updateOne({ _id: recorded.link.linkId }, { $set: { revokedAt: new Date(), revokedBy: 'sam' } });
    await deliver(ids);
    const mail = smtp.messages().find(deliveryOf(ids[0]!))!;
    const check = verifyLinkToken(linkIn(mail).token, linkSecretOf(config), Date.UTC(2026, 10, 3));
    expect(check.ok).toBe(true);
    const claims = check.ok ? check.claims : null;
    expect(claims!.linkId).not.toBe(recorded.link.linkId);
    expect(await models.CustomerLink.findById(claims!.linkId).lean()).toMatchObject({ subjectId: state.complaintId, customerId: state.customer.id, revokedAt: null });
  });

  it('given a survey invitation for a zh-CN customer, when enqueued and delivered, then the Chinese email names the survey, links to the invitation and the outbox holds no address', async () => {
    const customerId = uniqueId('cust');
    await upsertContact(models, customerId, { email: `${customerId}@example.test`, name: '李雷', language: 'zh-CN' });
    const invitationId = uniqueId('inv');
    const linkId = await ensureLink(models, 'invitation', invitationId, customerId, 'system');
    const outboxId = `${invitationId}:invitation`;
    const at = new Date(Date.UTC(2026, 10, 2, 9));
    const queued = await enqueueCustomerMessage(models, config, {
      outboxId,
      kind: 'survey_invitation',
      customerId,
      campaignId: 'camp_1',
      link: { linkId, subject: 'invitation', subjectId: invitationId },
      data: { title: '服务质量调查', intro: { en: 'Five minutes.', 'zh-CN': '只需五分钟。' }, closesAt: '2026-12-01T00:00:00Z' },
      at,
    });
    expect(queued).toBe(outboxId);
    const doc = (await models.Outbox.findById(outboxId).lean())!;
    expect(doc).toMatchObject({ channel: 'email', type: 'customer.survey_invitation', campaignId: 'camp_1', complaintId: null, status: 'pending' });
    expect(JSON.stringify(doc)).not.toMatch(/example\.test|李雷/);

    expect(await deliver([outboxId])).toEqual({ delivered: 1 });
    const mail = smtp.messages().find(deliveryOf(outboxId))!;
    expect(mail.subject).toBe('邀请您参与调查：服务质量调查');
    expect(mail.text).toContain('只需五分钟。');
    const check = verifyLinkToken(linkIn(mail).token, linkSecretOf(config), at.getTime());
    expect(check.ok && check.claims).toMatchObject({ linkId, subject: 'invitation', subjectId: invitationId, customerId });
    // Valid for the configured time from when the message was recorded.
    expect(check.ok && check.claims.expiresAt).toBe(at.getTime() + config.customers.linkTtlDays * 86_400_000);
  });
});
