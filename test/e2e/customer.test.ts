/**
 * The customer's own page (/app/customer#<token>) in a real Chromium against
 * the real stack (API, worker, Temporal, FerretDB), at phone size and on a
 * desktop: a complaint's customer replies, confirms with a low rating, and
 * the workflow state, read model and audit trail show it as theirs; the page
 * speaks Simplified Chinese to a zh-CN customer; a link that does not work
 * gets a clear page; a SERVQUAL invitation is answered in two sittings.
 */
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { complaintWorkflowId, getComplaintQuery } from '../../src/contracts/complaint';
import type { ComplaintState } from '../../src/domain/complaint';
import { storedState } from '../../src/db/models';
import { linkClaims, linkUrl } from '../../src/services/customer-links';
import { type ApiStack, startApiStack } from '../helpers/api';
import { expectAccessible, newPage, openBrowser, saveScreenshot } from '../helpers/browser';

let stack: ApiStack;
let browser: Browser;

const AREA = 'e2e-customer';
const PHONE = { width: 390, height: 844 };
const DAY_MS = 24 * 60 * 60 * 1000;

async function ok<T = any>(p: Promise<{ status: number; body: T; text: string }>, status: number): Promise<T> {
  const res = await p;
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${res.text}`);
  return res.body;
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The complaint's state as the read model stores it. */
async function stored(id: string): Promise<ComplaintState> {
  const doc = await stack.models.Complaint.findById(id).lean();
  if (!doc) throw new Error(`no read model for ${id}`);
  return storedState<ComplaintState>(doc);
}

/** The complaint's state as its workflow holds it. */
const workflowState = (id: string) => stack.client.workflow.getHandle(complaintWorkflowId(id)).query(getComplaintQuery);

/** Registers a complaint for `customer` (contact with language) and waits for its read model. */
async function register(customer: { id: string; name: string; email: string; language: 'en' | 'zh-CN' }, description: string): Promise<string> {
  const { id } = await ok<{ id: string }>(stack.call('POST', '/complaints', { key: stack.keys.intake, body: { customer, channel: 'web', category: AREA, severity: 'P3', description } }), 201);
  await until(`complaint ${id} registered`, () => stack.models.Complaint.exists({ _id: id }));
  return id;
}

/** What the email would carry: the staff endpoint's link, opened on this stack's origin (path and fragment). */
async function complaintLink(complaintId: string): Promise<{ path: string; token: string }> {
  const link = await ok<{ url: string }>(stack.call('POST', `/complaints/${complaintId}/customer-link`, { key: stack.keys.supervisor, body: {} }), 200);
  const url = new URL(link.url);
  expect(url.pathname).toBe('/app/customer');
  return { path: `${url.pathname}${url.hash}`, token: url.hash.slice(1) };
}

/** A phone-sized (or desktop) browser context: one customer's tab. */
function customerPage(opts: { phone?: boolean; locale?: string } = {}): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  return newPage(browser, stack, { locale: opts.locale ?? 'en-GB' }).then(async (p) => {
    if (opts.phone) await p.page.setViewportSize(PHONE);
    return p;
  });
}

/**
 * No horizontal scroll, and every control of the customer page at least
 * 44 × 44 CSS pixels (WCAG 2.5.5 target size).
 */
async function expectPhoneFriendly(page: Page): Promise<void> {
  const found = (await page.evaluate(`(() => {
    const doc = document.documentElement;
    const controls = document.querySelectorAll('.customer-page button, .customer-page .customer-choice, .customer-page .customer-check, .customer-page textarea, .customer-page input[type=number]');
    const small = [];
    for (const e of controls) {
      if (!e.getClientRects().length) continue;
      const b = e.getBoundingClientRect();
      if (b.width < 44 || b.height < 44) small.push((e.getAttribute('data-testid') || e.className) + ' ' + Math.round(b.width) + 'x' + Math.round(b.height));
    }
    return { overflow: doc.scrollWidth - doc.clientWidth, small };
  })()`)) as { overflow: number; small: string[] };
  expect(found).toEqual({ overflow: 0, small: [] });
}

/** The writes the page sends through the link, with the headers that went with them. */
function recordWrites(page: Page): { method: string; path: string; headers: Record<string, string> }[] {
  const writes: { method: string; path: string; headers: Record<string, string> }[] = [];
  page.on('request', (r: Request) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith('/customer-link') && r.method() !== 'GET') writes.push({ method: r.method(), path, headers: r.headers() });
  });
  return writes;
}

beforeAll(async () => {
  [stack, browser] = await Promise.all([startApiStack({ publicUrlIsServer: true }), openBrowser()]);
  const ada = stack.keys.ada!;
  // This area's complaints fall under a policy that asks for NPS with the rating.
  await ok(
    stack.call('POST', '/sla-policies', {
      key: ada,
      body: {
        policyId: 'e2e-customer',
        name: 'E2E: customer page (asks NPS)',
        match: { severities: ['P3'], categories: [AREA] },
        targets: { firstResponseMinutes: 60, nextResponseMinutes: 60, resolutionMinutes: 480 },
        calendarId: '24x7',
        askNps: true,
      },
    }),
    201,
  );
  await ok(
    stack.call('POST', '/service-areas', {
      key: ada,
      body: { areaId: AREA, name: 'Customer page desk', match: { categories: [AREA] }, processOwnerId: 'olivia', calendarId: 'paris-office', volumeUnit: 'orders' },
    }),
    201,
  );
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('a complaint through its customer link', () => {
  it('given a complaint awaiting the customer, when they open the emailed link on a phone, reply (a double click), and after the agent resolves it reload, say it is solved and rate it low, then reasons are required, and the workflow state, read model and audit trail show the reply and the closing as the customer’s with the rating, reasons and NPS', async () => {
    const customerId = 'cust-e2e-mei';
    const id = await register({ id: customerId, name: 'Mei Lin', email: 'mei@example.com', language: 'en' }, 'My refund has not arrived after three weeks.');
    const alice = stack.keys.alice!;
    await ok(stack.call('POST', `/complaints/${id}/acknowledge`, { key: alice, body: {} }), 200);
    await ok(stack.call('POST', `/complaints/${id}/request-info`, { key: alice, body: { message: 'Could you tell us the order number?' } }), 200);
    const link = await complaintLink(id);

    const { context, page, errors } = await customerPage({ phone: true });
    try {
      const writes = recordWrites(page);
      await page.goto(link.path);
      await page.locator(`[data-testid="customer-complaint"][data-status="awaiting_customer"]`).waitFor();
      // The token left the address bar (kept for this tab only), and the page speaks the customer's language.
      expect(new URL(page.url()).hash).toBe('');
      await expect(page.evaluate('document.documentElement.lang')).resolves.toBe('en');
      await expect(page.getByTestId('customer-steps').getAttribute('data-step')).resolves.toBe('waiting');
      await expect(page.locator('[aria-current="step"]').textContent()).resolves.toContain('Waiting for you');
      await expect(page.locator('[data-testid="customer-message"][data-from="agent"]').textContent()).resolves.toContain('Could you tell us the order number?');
      await expectPhoneFriendly(page);
      await expectAccessible(page);

      // An empty reply: the API names the field, and the page says so beside it in words.
      await page.getByTestId('customer-reply-submit').click();
      await page.getByTestId('customer-reply-error').waitFor();
      await expect(page.getByTestId('customer-reply-error').textContent()).resolves.toBe('Please write your reply (up to 5,000 characters).');
      await expect(page.getByTestId('customer-reply').getAttribute('aria-invalid')).resolves.toBe('true');

      const reply = 'The order number is 88-1204. Thank you for checking.';
      await page.getByTestId('customer-reply').fill(reply);
      const replied = page.waitForResponse((r) => r.url().endsWith('/customer-link/reply') && r.status() === 200);
      await page.getByTestId('customer-reply-submit').dblclick();
      await replied;
      await page.locator('[data-testid="customer-message"][data-from="customer"]', { hasText: reply }).waitFor();
      await saveScreenshot(page, 'customer-complaint-phone');

      // Every write carried the link and an Idempotency-Key, never the staff CSRF header; the double click reused its key.
      const replies = writes.filter((w) => w.path === '/customer-link/reply');
      expect(replies.length).toBeGreaterThanOrEqual(2); // the refused empty one, then the double-clicked one (once or twice)
      for (const w of writes) {
        expect(w.headers['x-customer-link']).toBe(link.token);
        expect(w.headers['idempotency-key']).toMatch(/^[\x21-\x7e]{1,200}$/);
        expect(w.headers['x-csrf-token']).toBeUndefined();
      }
      const sent = replies.slice(1).map((w) => w.headers['idempotency-key']);
      expect(new Set(sent).size).toBe(1);
      expect(replies[0]!.headers['idempotency-key']).not.toBe(sent[0]);

      // Stored once, as the customer's: the note, the status, and the audit actor.
      const afterReply = await until('the reply in the read model', async () => {
        const s = await stored(id);
        return s.notes.some((n) => n.visibility === 'customer') ? s : null;
      });
      expect(afterReply.status).toBe('in_progress');
      expect(afterReply.notes.filter((n) => n.visibility === 'customer')).toEqual([expect.objectContaining({ authorId: customerId, text: reply })]);
      const inWorkflow = await workflowState(id);
      expect(inWorkflow.status).toBe('in_progress');
      expect(inWorkflow.notes.filter((n) => n.visibility === 'customer')).toEqual([expect.objectContaining({ authorId: customerId, text: reply })]);
      const replyEvents = await stack.models.AuditEvent.find({ stream: `complaint:${id}`, action: 'customer_replied' }).lean();
      expect(replyEvents.map((e) => e.actor)).toEqual([expect.objectContaining({ id: customerId, role: 'customer' })]);

      // The agent resolves; the customer reloads the page (the token is still there for this tab).
      await ok(stack.call('POST', `/complaints/${id}/resolve`, { key: alice, body: { summary: 'The refund was sent again to the right account.' } }), 200);
      await page.reload();
      await page.locator('[data-testid="customer-complaint"][data-status="resolved"]').waitFor();
      await expect(page.getByTestId('customer-resolution').textContent()).resolves.toContain('The refund was sent again');
      await page.getByTestId('customer-solved-yes').click();

      // One star: the reasons appear; sent without one, the API refuses and the page asks for one beside them.
      await expect(page.getByTestId('customer-confirm-reasons').count()).resolves.toBe(0);
      await page.getByTestId('customer-confirm-rating-1').click();
      await page.getByTestId('customer-confirm-reasons').waitFor();
      await page.getByTestId('customer-confirm-nps-3').click();
      await page.getByTestId('customer-confirm-comment').fill('It took three weeks and two calls.');
      await expectPhoneFriendly(page);
      await expectAccessible(page);
      const refused = page.waitForResponse((r) => r.url().endsWith('/customer-link/confirm'));
      await page.getByTestId('customer-confirm-submit').click();
      expect((await refused).status()).toBe(422);
      await expect(page.getByTestId('customer-confirm-reasons-error').textContent()).resolves.toBe('Please choose at least one reason.');
      expect((await stored(id)).status).toBe('resolved');

      await page.getByTestId('customer-confirm-reason-slow_response').click();
      await page.getByTestId('customer-confirm-reason-had_to_repeat').click();
      const confirmed = page.waitForResponse((r) => r.url().endsWith('/customer-link/confirm') && r.status() === 200);
      await page.getByTestId('customer-confirm-submit').click();
      await confirmed;
      await page.locator('[data-testid="customer-complaint"][data-status="closed"]').waitFor();
      await page.getByTestId('customer-closed').waitFor();
      await expect(page.getByTestId('customer-given-rating').getAttribute('data-rating')).resolves.toBe('1');
      await expect(page.getByTestId('customer-given-reasons').textContent()).resolves.toBe('It took too long, I had to explain things several times');
      await expect(page.getByTestId('customer-reply-form').count()).resolves.toBe(0);
      await expectAccessible(page);

      // Stored: closed by the customer with the rating, its reasons and the NPS score.
      const closed = await until('the closing in the read model', async () => {
        const s = await stored(id);
        return s.status === 'closed' ? s : null;
      });
      expect(closed.csat).toMatchObject({ rating: 1, reasons: ['slow_response', 'had_to_repeat'], nps: 3, comment: 'It took three weeks and two calls.' });
      const closeEvents = await stack.models.AuditEvent.find({ stream: `complaint:${id}`, action: 'close' }).lean();
      expect(closeEvents.map((e) => e.actor)).toEqual([expect.objectContaining({ id: customerId, role: 'customer' })]);
      // The workflow itself (not only the read model) holds the customer's closing.
      expect(await workflowState(id)).toMatchObject({ status: 'closed', csat: { rating: 1, reasons: ['slow_response', 'had_to_repeat'], nps: 3 } });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('given a customer whose language is Simplified Chinese, when they open the link on a desktop, then the page, its step names and the rating form are in Chinese with <html lang="zh-CN">, the EN / 中文 switch changes the language for the tab, and "not solved" reopens it as the customer', async () => {
    const id = await register({ id: 'cust-e2e-wang', name: '王芳', email: 'wang@example.com', language: 'zh-CN' }, '快递把包裹放错了楼，至今没有找到。');
    const alice = stack.keys.alice!;
    await ok(stack.call('POST', `/complaints/${id}/acknowledge`, { key: alice, body: {} }), 200);
    await ok(stack.call('POST', `/complaints/${id}/add-note`, { key: alice, body: { text: 'We are contacting the courier today.', visibility: 'public' } }), 200);
    await ok(stack.call('POST', `/complaints/${id}/resolve`, { key: alice, body: { summary: 'The parcel was found and delivered.' } }), 200);
    const link = await complaintLink(id);

    const { context, page, errors } = await customerPage({ locale: 'en-GB' });
    try {
      await page.goto(link.path);
      await page.locator('[data-testid="customer-complaint"][data-status="resolved"]').waitFor();
      await expect(page.evaluate('document.documentElement.lang')).resolves.toBe('zh-CN');
      await expect(page.locator('h1').textContent()).resolves.toBe('您的投诉');
      await expect(page.locator('[aria-current="step"]').textContent()).resolves.toContain('已解决');
      await expect(page.getByTestId('customer-solved-yes').textContent()).resolves.toBe('是的，已经解决');
      await page.getByTestId('customer-solved-yes').click();
      await page.getByTestId('customer-confirm-rating-2').click();
      await expect(page.getByTestId('customer-confirm-reasons').locator('legend').textContent()).resolves.toContain('哪些方面让您不满意？');
      await expect(page.getByTestId('customer-confirm-reason-not_resolved').textContent()).resolves.toBe('问题并没有真正解决');
      await expect(page.getByTestId('customer-confirm-submit').textContent()).resolves.toBe('确认并结案');
      await expectPhoneFriendly(page);
      await expectAccessible(page);
      await saveScreenshot(page, 'customer-rating-zh');

      // The switch: English for this tab, then back.
      await page.getByTestId('customer-language-en').click();
      await expect(page.locator('h1').textContent()).resolves.toBe('Your complaint');
      await expect(page.evaluate('document.documentElement.lang')).resolves.toBe('en');
      await expect(page.getByTestId('customer-language-en').getAttribute('aria-pressed')).resolves.toBe('true');
      await page.reload();
      await expect(page.locator('h1').textContent()).resolves.toBe('Your complaint');
      await page.getByTestId('customer-language-zh-CN').click();
      await expect(page.locator('h1').textContent()).resolves.toBe('您的投诉');
      await expect(page.evaluate('document.documentElement.lang')).resolves.toBe('zh-CN');
      // The staff language preference is left alone.
      await expect(page.evaluate('localStorage.getItem("ql.language")')).resolves.toBeNull();
      expect((await stored(id)).status).toBe('resolved');

      // Not solved after all: the customer reopens it, with a reason, inside the reopen window.
      await page.getByTestId('customer-solved-no').click();
      await page.getByTestId('customer-reopen-reason').fill('包裹里少了一件东西。');
      const reopened = page.waitForResponse((r) => r.url().endsWith('/customer-link/reopen') && r.status() === 200);
      await page.getByTestId('customer-reopen-submit').click();
      await reopened;
      await page.locator('[data-testid="customer-complaint"][data-status="reopened"]').waitFor();
      await expect(page.getByTestId('customer-status-text').textContent()).resolves.toBe('您已要求重新处理，我们正在继续跟进。');
      await expect(page.getByTestId('customer-solved').count()).resolves.toBe(0);
      await expectAccessible(page);
      const reopenEvents = await stack.models.AuditEvent.find({ stream: `complaint:${id}`, action: 'reopen' }).lean();
      expect(reopenEvents.map((e) => e.actor)).toEqual([expect.objectContaining({ id: 'cust-e2e-wang', role: 'customer' })]);
      expect((await workflowState(id)).status).toBe('reopened');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('given a page opened without a token, with an altered token, an expired one, a revoked one, and one over its rate limit, then each shows its own clear page (no API call without a token) and nothing about the complaint', async () => {
    const customerId = 'cust-e2e-omar';
    const id = await register({ id: customerId, name: 'Omar Haddad', email: 'omar@example.com', language: 'en' }, 'The invoice shows the wrong VAT number.');
    const link = await complaintLink(id);

    const { context, page, errors } = await customerPage({ phone: true });
    try {
      const linkCalls: string[] = [];
      page.on('request', (r) => {
        if (new URL(r.url()).pathname.startsWith('/customer-link')) linkCalls.push(r.url());
      });
      // No token at all: the invalid-link page, and not a single request to the link API.
      await page.goto('/app/customer');
      await page.locator('[data-testid="customer-link-problem"][data-reason="invalid"]').waitFor();
      await expect(page.locator('h1').textContent()).resolves.toBe('This link does not work');
      expect(linkCalls).toEqual([]);
      await expectAccessible(page);

      // One character of the signature changed.
      const [v, claims, sig] = link.token.split('.');
      const altered = `${v}.${claims}.${sig!.startsWith('A') ? 'B' : 'A'}${sig!.slice(1)}`;
      const refused = page.waitForResponse((r) => new URL(r.url()).pathname === '/customer-link');
      await page.goto(`/app/customer#${altered}`);
      expect((await refused).status()).toBe(401);
      await page.locator('[data-testid="customer-link-problem"][data-reason="invalid"]').waitFor();
      await expect(page.getByTestId('customer-complaint').count()).resolves.toBe(0);
      await expectPhoneFriendly(page);

      // A link issued 31 days ago (the default lifetime is 30): what an old email would carry.
      const record = await stack.models.CustomerLink.findOne({ subject: 'complaint', subjectId: id, revokedAt: null }).lean();
      const old = linkUrl(stack.config, linkClaims(stack.config, { linkId: record!._id, subject: 'complaint', subjectId: id, customerId }, Date.now() - 31 * DAY_MS));
      await page.goto(`/app/customer#${old.token}`);
      await page.locator('[data-testid="customer-link-problem"][data-reason="expired"]').waitFor();
      await expect(page.locator('h1').textContent()).resolves.toBe('This link has expired');
      await expectAccessible(page);

      // Staff revoke the link: the page the customer has open says so on reload.
      await page.goto(link.path);
      await page.getByTestId('customer-complaint').waitFor();
      await ok(stack.call('POST', `/complaints/${id}/customer-link/revoke`, { key: stack.keys.supervisor, body: {} }), 200);
      await page.reload();
      await page.locator('[data-testid="customer-link-problem"][data-reason="revoked"]').waitFor();
      await expect(page.locator('h1').textContent()).resolves.toBe('This link is no longer active');
      await expectAccessible(page);

      // The link's requests used up (config.customers.linkRatePerMinute): 429 with the time to try again.
      for (let i = 0; i < stack.config.customers.linkRatePerMinute + 1; i++) {
        const res = await stack.call('GET', '/customer-link', { headers: { 'x-customer-link': link.token } });
        if (res.status === 429) break;
      }
      await page.reload();
      await page.locator('[data-testid="customer-link-problem"][data-reason="rateLimited"]').waitFor();
      await expect(page.locator('[data-testid="customer-link-problem"] p').first().textContent()).resolves.toMatch(/^There were too many requests with this link\. Try again in \d+ seconds \(after .+\)\.$/);
      await expectAccessible(page);
      // Nothing was written to the complaint by any of it.
      expect((await stored(id)).notes).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

/**
 * A campaign of `content` sent now to one customer, and what their email
 * carries: the invitation's link as linkUrl builds it, on this stack's origin.
 */
async function invitationFor(title: string, content: unknown, customer: { customerId: string; language: 'en' | 'zh-CN' }) {
  const owner = stack.keys.process_owner;
  const definition = await ok<{ surveyId: string }>(stack.call('POST', '/survey-definitions', { key: owner, body: { title, content } }), 201);
  const campaign = await ok<{ campaignId: string }>(
    stack.call('POST', '/surveys', {
      key: owner,
      body: {
        surveyId: definition.surveyId,
        title,
        areaId: AREA,
        startsAt: new Date().toISOString(),
        endsAt: new Date(Date.now() + 14 * DAY_MS).toISOString(),
        audience: { source: 'list', customers: [{ ...customer, email: `${customer.customerId}@example.com`, name: 'Survey Customer' }] },
      },
    }),
    201,
  );
  // The campaign's workflow creates the invitation and its link.
  const invitation = await until('the invitation', () => stack.models.SurveyInvitation.findOne({ campaignId: campaign.campaignId, customerId: customer.customerId }).lean(), 60_000);
  const link = linkUrl(stack.config, linkClaims(stack.config, { linkId: invitation.linkId, subject: 'invitation', subjectId: invitation._id, customerId: customer.customerId }, Date.now()));
  const url = new URL(link.url);
  return { campaignId: campaign.campaignId, invitationId: invitation._id, token: link.token, path: `${url.pathname}${url.hash}` };
}

describe('a survey invitation through its link', () => {
  it('given a SERVQUAL campaign with importance sent to a list, when the customer answers half on a phone, saves, reloads, tries to submit, then finishes with the 100 points and submits, then the saved answers come back, missing ones are named beside their statements, and the response is stored complete with every answer', async () => {
    const invitation = await invitationFor('How are we doing?', { kind: 'servqual', askImportance: true }, { customerId: 'cust-e2e-survey', language: 'en' });

    const { context, page, errors } = await customerPage({ phone: true });
    try {
      const writes = recordWrites(page);
      await page.goto(invitation.path);
      await page.locator('[data-testid="customer-survey"][data-kind="servqual"][data-status="open"]').waitFor();
      const itemIds = await page.locator('[data-item-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-item-id')!));
      expect(itemIds).toHaveLength(22);
      await expectPhoneFriendly(page);
      await expectAccessible(page);

      // Half: the first 11 statements, both scales (expectation 7 - i % 3, perception 4 + i % 3).
      const half = itemIds.slice(0, 11);
      const rest = itemIds.slice(11);
      const expectation = (i: number) => 7 - (i % 3);
      const perception = (i: number) => 4 + (i % 3);
      const answer = async (ids: string[], offset: number) => {
        for (const [j, itemId] of ids.entries()) {
          await page.getByTestId(`servqual-${itemId}-expectation-${expectation(offset + j)}`).click();
          await page.getByTestId(`servqual-${itemId}-perception-${perception(offset + j)}`).click();
        }
      };
      await answer(half, 0);
      await expect(page.getByTestId('servqual-progress').textContent()).resolves.toBe('22 of 44 answers given');
      const saved = page.waitForResponse((r) => r.url().endsWith('/customer-link/survey/response') && r.status() === 200);
      await page.getByTestId('customer-survey-save').click();
      await saved;
      await page.getByTestId('customer-survey-saved').waitFor();
      const partial = await stack.models.SurveyResponse.findById(invitation.invitationId).lean();
      expect(partial?.complete).toBe(false);
      expect(Object.keys(JSON.parse(partial!.answersJson).expectations).sort()).toEqual([...half].sort());

      // Reload: the saved answers are there again.
      await page.reload();
      await page.locator('[data-testid="customer-survey"][data-complete="false"]').waitFor();
      for (const [i, itemId] of half.entries()) {
        await expect(page.locator(`#servqual-${itemId}-e-${expectation(i)}`).isChecked()).resolves.toBe(true);
        await expect(page.locator(`#servqual-${itemId}-p-${perception(i)}`).isChecked()).resolves.toBe(true);
      }
      await expect(page.getByTestId('servqual-progress').textContent()).resolves.toBe('22 of 44 answers given');

      // Submitting now: the API names what is missing, and the page marks those statements.
      const incomplete = page.waitForResponse((r) => r.url().endsWith('/customer-link/survey/response'));
      await page.getByTestId('customer-survey-submit').click();
      expect((await incomplete).status()).toBe(422);
      await page.getByTestId(`servqual-${rest[0]}-error`).waitFor();
      await expect(page.getByTestId(`servqual-${rest[0]}-error`).textContent()).resolves.toBe('Please answer both scales for this statement.');
      await expect(page.getByTestId(`servqual-${half[0]}-error`).count()).resolves.toBe(0);
      await page.getByTestId('servqual-importance-error').waitFor();
      await expectAccessible(page);

      // The rest, and 100 points of importance (the running total says when they add up).
      await answer(rest, 11);
      const points = { tangibles: 10, reliability: 30, responsiveness: 25, assurance: 20, empathy: 15 };
      for (const [dimension, value] of Object.entries(points)) await page.getByTestId(`servqual-importance-${dimension}`).fill(String(value));
      await expect(page.getByTestId('servqual-importance-total').getAttribute('data-total')).resolves.toBe('100');
      // What the refusal named is answered now: its marks are gone until the next submission.
      await expect(page.getByTestId(`servqual-${rest[0]}-error`).count()).resolves.toBe(0);
      await expect(page.getByTestId('servqual-importance-error').count()).resolves.toBe(0);
      await expect(page.getByTestId('customer-survey-problem').count()).resolves.toBe(0);
      await saveScreenshot(page, 'customer-survey-phone');
      const submitted = page.waitForResponse((r) => r.url().endsWith('/customer-link/survey/response') && r.status() === 200);
      await page.getByTestId('customer-survey-submit').click();
      await submitted;
      await page.getByTestId('customer-survey-thanks').waitFor();
      await expect(page.getByTestId('customer-survey-submit').count()).resolves.toBe(0);
      await expect(page.locator(`#servqual-${rest[0]}-e-${expectation(11)}`).isDisabled()).resolves.toBe(true);
      await expectAccessible(page);

      // Stored complete, with every answer as clicked.
      const response = await stack.models.SurveyResponse.findById(invitation.invitationId).lean();
      expect(response?.complete).toBe(true);
      const answers = JSON.parse(response!.answersJson);
      expect(answers).toEqual({
        kind: 'servqual',
        expectations: Object.fromEntries(itemIds.map((itemId, i) => [itemId, expectation(i)])),
        perceptions: Object.fromEntries(itemIds.map((itemId, i) => [itemId, perception(i)])),
        importance: points,
      });
      // Each write: the link, an Idempotency-Key, no staff CSRF header; three submissions, three keys.
      expect(writes.map((w) => w.method)).toEqual(['PUT', 'PUT', 'PUT']);
      for (const w of writes) {
        expect(w.headers['x-customer-link']).toBe(invitation.token);
        expect(w.headers['x-csrf-token']).toBeUndefined();
      }
      expect(new Set(writes.map((w) => w.headers['idempotency-key'])).size).toBe(3);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
  it('given a Kano survey in Simplified Chinese (one feature also asking how well we do it), when the customer answers both questions of each feature and submits, then the answers are stored complete and the page thanks them, read-only', async () => {
    const invitation = await invitationFor(
      'Which features matter?',
      {
        kind: 'kano',
        features: [
          {
            id: 'sms-updates',
            functional: { en: 'If you got a text message at each step, how would you feel?', 'zh-CN': '如果每个处理环节都发短信通知您，您会有什么感受？' },
            dysfunctional: { en: 'If you got no text messages, how would you feel?', 'zh-CN': '如果不发短信通知您，您会有什么感受？' },
            performance: { en: 'How well do we keep you informed today?', 'zh-CN': '目前我们让您及时了解进展的情况如何？' },
          },
          {
            id: 'callback',
            functional: { en: 'If an agent called you back within an hour, how would you feel?', 'zh-CN': '如果客服在一小时内给您回电，您会有什么感受？' },
            dysfunctional: { en: 'If nobody called you back, how would you feel?', 'zh-CN': '如果没有人给您回电，您会有什么感受？' },
          },
        ],
      },
      { customerId: 'cust-e2e-kano', language: 'zh-CN' },
    );
    const { context, page, errors } = await customerPage({ phone: true });
    try {
      await page.goto(invitation.path);
      await page.locator('[data-testid="customer-survey"][data-kind="kano"]').waitFor();
      await expect(page.evaluate('document.documentElement.lang')).resolves.toBe('zh-CN');
      await expect(page.getByTestId('kano-sms-updates-functional').locator('legend').textContent()).resolves.toBe('如果每个处理环节都发短信通知您，您会有什么感受？');
      await expect(page.getByTestId('kano-sms-updates-functional-expect').textContent()).resolves.toBe('理应如此');
      await expect(page.getByTestId('kano-callback-performance').count()).resolves.toBe(0);
      await page.getByTestId('kano-sms-updates-functional-like').click();
      await page.getByTestId('kano-sms-updates-dysfunctional-live_with').click();
      await page.getByTestId('kano-sms-updates-performance-3').click();
      await page.getByTestId('kano-callback-functional-expect').click();
      await page.getByTestId('kano-callback-dysfunctional-dislike').click();
      await expectPhoneFriendly(page);
      await expectAccessible(page);
      const submitted = page.waitForResponse((r) => r.url().endsWith('/customer-link/survey/response') && r.status() === 200);
      await page.getByTestId('customer-survey-submit').click();
      await submitted;
      await page.getByTestId('customer-survey-thanks').waitFor();
      await expect(page.locator('#kano-callback-d-dislike').isChecked()).resolves.toBe(true);
      await expect(page.locator('#kano-callback-d-dislike').isDisabled()).resolves.toBe(true);
      const response = await stack.models.SurveyResponse.findById(invitation.invitationId).lean();
      expect(response?.complete).toBe(true);
      expect(JSON.parse(response!.answersJson)).toEqual({
        kind: 'kano',
        answers: { 'sms-updates': { functional: 'like', dysfunctional: 'live_with', performance: 3 }, callback: { functional: 'expect', dysfunctional: 'dislike' } },
      });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('given an NPS survey open on the customer’s page, when the campaign is closed before they submit, then the refusal (409 SURVEY_CLOSED) turns the page into the closed-survey message, read-only, and no response is stored', async () => {
    const invitation = await invitationFor('Would you recommend us?', { kind: 'nps' }, { customerId: 'cust-e2e-nps', language: 'en' });
    const { context, page, errors } = await customerPage({ phone: true });
    try {
      await page.goto(invitation.path);
      await page.locator('[data-testid="customer-survey"][data-kind="nps"][data-status="open"]').waitFor();
      await page.getByTestId('survey-single-9').click();
      await expectPhoneFriendly(page);
      await expectAccessible(page);
      await ok(stack.call('POST', `/surveys/${invitation.campaignId}/close`, { key: stack.keys.process_owner, body: {} }), 200);
      const refused = page.waitForResponse((r) => r.url().endsWith('/customer-link/survey/response'));
      await page.getByTestId('customer-survey-submit').click();
      const refusal = await refused;
      expect(refusal.status()).toBe(409);
      expect(((await refusal.json()) as { code: string }).code).toBe('SURVEY_CLOSED');
      await page.locator('[data-testid="customer-survey"][data-status="closed"]').waitFor();
      await expect(page.getByTestId('customer-survey-closed').textContent()).resolves.toBe('This survey is closed. Thank you for your interest.');
      await expect(page.getByTestId('customer-survey-submit').count()).resolves.toBe(0);
      await expect(page.locator('#survey-single-9').isDisabled()).resolves.toBe(true);
      await expectAccessible(page);
      expect(await stack.models.SurveyResponse.findById(invitation.invitationId).lean()).toBeNull();
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
