/**
 * The staff side of the customer's voice in a real Chromium against the real
 * stack: a low rating recorded by an agent opens a callback that Sam finds
 * from his dashboard and completes on the follow-ups page (stored, audited),
 * and the complaint's customer panel shows the contact, the rating's reasons
 * and the follow-up; Alice gets her complaint's customer link, which works,
 * then revokes it, which the API then refuses; Ada erases a customer's
 * contact after a confirmation (stored, unsent emails cancelled, audited
 * without personal data) and the complaint page says "erased"; and Ada's
 * SLA policy form asks for NPS when she ticks it.
 */
import type { Browser } from 'playwright-core';
import { type ApiStack, startApiStack } from '../helpers/api';
import { expectAccessible, newPage, openBrowser, saveScreenshot, signIn } from '../helpers/browser';
import { eventually, uniqueId } from '../helpers/stack';

let stack: ApiStack;
let browser: Browser;

async function ok<T = any>(p: Promise<{ status: number; body: T; text: string }>, status: number): Promise<T> {
  const res = await p;
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${res.text}`);
  return res.body;
}

/** A complaint alice took on the phone (she owns it), with the customer's contact; registered once its workflow ran the intake. */
async function complaintOf(customer: { id: string; name?: string; email?: string; language?: 'en' | 'zh-CN' }, description: string): Promise<string> {
  const { id } = await ok<{ id: string }>(
    stack.call('POST', '/complaints', { key: stack.keys.alice, headers: { 'idempotency-key': uniqueId('intake') }, body: { customer, channel: 'phone', category: 'delivery', severity: 'P3', description } }),
    201,
  );
  await eventually(async () => ((await stack.models.Complaint.findById(id, { version: 1 }).lean())?.version ?? 0) >= 1, 30_000, `complaint ${id} registered`);
  return id;
}

beforeAll(async () => {
  [stack, browser] = await Promise.all([startApiStack({ publicUrlIsServer: true }), openBrowser()]);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('follow-ups and the customer panel', () => {
  it('given a complaint rated 1 with reasons by its agent, when Sam follows the dashboard to the follow-ups and completes the callback with an outcome, then it is stored done by sam and audited, it moves to the done tab, and the complaint’s customer panel shows the contact, the reasons and the follow-up', async () => {
    const customerId = uniqueId('cust-fu');
    const id = await complaintOf({ id: customerId, name: '王芳', email: 'wang.fang@example.com', language: 'zh-CN' }, 'The courier left the parcel in the rain.');
    await ok(stack.call('POST', `/complaints/${id}/resolve`, { key: stack.keys.alice, body: { summary: 'Replacement sent.' } }), 200);
    await ok(stack.call('POST', `/complaints/${id}/record-csat`, { key: stack.keys.alice, body: { rating: 1, reasons: ['slow_response', 'not_resolved'], comment: 'Took a week.' } }), 200);
    const followUp = await eventually(() => stack.models.FollowUp.findOne({ complaintId: id }).lean(), 30_000, 'the follow-up of the low rating');
    expect(followUp).toMatchObject({ status: 'open', rating: 1, reasons: ['slow_response', 'not_resolved'] });

    const { context, page, errors } = await newPage(browser, stack);
    try {
      await signIn(page, 'sam');
      await page.waitForURL(/\/app\/dashboard/);
      const count = page.getByTestId('dash-follow-ups');
      await count.waitFor();
      await expect(count.getAttribute('data-value')).resolves.toBe(String(await stack.models.FollowUp.countDocuments({ status: 'open' })));
      await count.getByRole('link').click();
      await page.waitForURL(/\/app\/follow-ups$/);
      const row = page.getByTestId(`follow-up-${followUp._id}`);
      await row.waitFor();
      await expect(row.textContent()).resolves.toMatch(/1\/5[\s\S]*Slow response, Not resolved/);
      await expect(row.getByRole('link', { name: id }).getAttribute('href')).resolves.toBe(`/app/complaints/${id}`);
      await expectAccessible(page);
      await saveScreenshot(page, 'follow-ups');

      // An empty outcome: the API names the field, shown next to it.
      const refused = page.waitForResponse((r) => new URL(r.url()).pathname === `/follow-ups/${followUp._id}/complete`);
      await row.getByTestId('follow-up-complete').click();
      expect((await refused).status()).toBe(400);
      await row.locator('.field-error').first().waitFor();

      const outcome = 'Called back: apologised, refund of the delivery fee agreed.';
      await row.getByTestId('follow-up-outcome-input').fill(outcome);
      const completed = page.waitForResponse((r) => new URL(r.url()).pathname === `/follow-ups/${followUp._id}/complete`);
      await row.getByTestId('follow-up-complete').click();
      expect((await completed).status()).toBe(200);
      await row.waitFor({ state: 'detached' });
      await page.getByTestId('follow-ups-tab-done').click();
      await page.locator(`[data-testid="follow-up-${followUp._id}"][data-status="done"]`).getByTestId('follow-up-outcome').filter({ hasText: outcome }).waitFor();
      expect(new URL(page.url()).search).toBe('?status=done');
      await expectAccessible(page);

      expect(await stack.models.FollowUp.findById(followUp._id).lean()).toMatchObject({ status: 'done', completedBy: 'sam', outcome });
      const events = await stack.models.AuditEvent.find({ stream: `follow_up:${followUp._id}` }).sort({ seq: 1 }).lean();
      expect(events.map((e) => [e.action, e.actor?.id])).toEqual([
        ['follow_up.opened', expect.any(String)],
        ['follow_up.completed', 'sam'],
      ]);

      // The complaint's customer panel: contact, language, rating, the follow-up with its reasons; Sam may hand out a link.
      await page.goto(`/app/complaints/${id}`);
      const panel = page.getByTestId('customer-panel');
      await panel.waitFor();
      await expect(panel.getByTestId('customer-name').textContent()).resolves.toBe('王芳');
      await expect(panel.getByTestId('customer-email').textContent()).resolves.toBe('wang.fang@example.com');
      await expect(panel.getByTestId('customer-language').textContent()).resolves.toBe('Simplified Chinese');
      await expect(panel.getByTestId('customer-csat').getAttribute('data-rating')).resolves.toBe('1');
      await expect(panel.getByTestId('customer-csat-reasons').textContent()).resolves.toBe('Slow response, Not resolved');
      await expect(panel.getByTestId('customer-csat').textContent()).resolves.toContain('recorded by alice');
      const item = panel.locator('[data-testid="customer-follow-up"][data-status="done"]');
      await item.waitFor();
      await expect(item.textContent()).resolves.toMatch(/rating of 1\/5[\s\S]*Slow response, Not resolved[\s\S]*refund of the delivery fee/);
      await panel.getByTestId('customer-link-issue').click();
      await panel.getByTestId('customer-link-url').waitFor();
      await expectAccessible(page);
      await saveScreenshot(page, 'complaint-customer-panel');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('given alice on her complaint, when she gets the customer link and then revokes it, then the link shown opens the customer API until revoked (then 410 LINK_REVOKED), the link record and audit trail show both by alice, and a second revoke shows that no link is live', async () => {
    const customerId = uniqueId('cust-link');
    const id = await complaintOf({ id: customerId, name: 'Chloé Martin' }, 'My refund has not arrived.');
    const { context, page, errors } = await newPage(browser, stack);
    try {
      await signIn(page, 'alice');
      await page.goto(`/app/complaints/${id}`);
      const panel = page.getByTestId('customer-panel');
      await panel.getByTestId('customer-link').waitFor();
      // Alice may not read follow-ups: the panel does not ask for them.
      await expect(panel.getByTestId('customer-follow-ups').count()).resolves.toBe(0);

      const issued = page.waitForResponse((r) => new URL(r.url()).pathname === `/complaints/${id}/customer-link`);
      await panel.getByTestId('customer-link-issue').click();
      const issuedRes = await issued;
      expect(issuedRes.status()).toBe(200);
      const link = (await issuedRes.json()) as { linkId: string; url: string; expiresAt: string };
      const url = await panel.getByTestId('customer-link-url').inputValue();
      expect(url).toBe(link.url);
      expect(url).toMatch(/\/app\/customer#v1\./);
      await expect(panel.getByTestId('customer-link-expires').getAttribute('data-value')).resolves.toBe(link.expiresAt);
      await panel.getByTestId('customer-link-copy').click();
      await panel.getByRole('status').filter({ hasText: /Copied|selected/ }).waitFor();

      // The token in the link's fragment is what the customer's page sends.
      const token = decodeURIComponent(new URL(url).hash.slice(1));
      expect((await stack.call('GET', '/customer-link', { headers: { 'x-customer-link': token } })).status).toBe(200);
      expect(await stack.models.CustomerLink.findById(link.linkId).lean()).toMatchObject({ subject: 'complaint', subjectId: id, customerId, createdBy: 'alice', revokedAt: null });
      await expectAccessible(page);

      const revoked = page.waitForResponse((r) => new URL(r.url()).pathname === `/complaints/${id}/customer-link/revoke`);
      await panel.getByTestId('customer-link-revoke').click();
      expect((await revoked).status()).toBe(200);
      await panel.locator(`[data-testid="customer-link-revoked"][data-link-id="${link.linkId}"]`).waitFor();
      await expect(panel.getByTestId('customer-link-issued').count()).resolves.toBe(0);
      expect(await stack.models.CustomerLink.findById(link.linkId).lean()).toMatchObject({ revokedBy: 'alice', revokedAt: expect.any(Date) });
      const refused = await stack.call('GET', '/customer-link', { headers: { 'x-customer-link': token } });
      expect([refused.status, refused.body.code]).toEqual([410, 'LINK_REVOKED']);
      const events = await stack.models.AuditEvent.find({ stream: `customer:${customerId}` }).sort({ seq: 1 }).lean();
      expect(events.map((e) => [e.action, e.actor?.id])).toEqual(
        expect.arrayContaining([
          ['customer.link_issued', 'alice'],
          ['customer.link_revoked', 'alice'],
        ]),
      );

      // Nothing live any more: the API's 404 is shown as such.
      const again = page.waitForResponse((r) => new URL(r.url()).pathname === `/complaints/${id}/customer-link/revoke`);
      await panel.getByTestId('customer-link-revoke').click();
      expect((await again).status()).toBe(404);
      await panel.getByRole('alert').filter({ hasText: 'No link to revoke' }).waitFor();
      await expectAccessible(page);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('given a complaint with a customer’s name and email, when Ada looks the customer up and erases the contact after confirming, then the contact is stored erased, unsent emails to them are cancelled, the erasure is audited without personal data, and the complaint page shows “erased”', async () => {
    const customerId = uniqueId('cust-erase');
    const name = 'Chloé Martin';
    const email = 'chloe.martin@example.com';
    const id = await complaintOf({ id: customerId, name, email }, 'Please delete my data after this.');
    // The "registered" email waits in the outbox (no SMTP relay is configured here): the erasure must cancel it.
    const unsent = await eventually(() => stack.models.Outbox.findOne({ complaintId: id, channel: 'email', status: 'pending' }).lean(), 30_000, 'the registered email');
    const { context, page, errors } = await newPage(browser, stack);
    try {
      await signIn(page, 'ada');
      await page.getByRole('navigation').getByRole('link', { name: 'Customers' }).click();
      await page.waitForURL(/\/app\/admin\/customers$/);
      await page.getByTestId('customer-lookup-id').fill(customerId);
      await page.getByTestId('customer-lookup').click();
      await expect(page.getByTestId('customer-contact-name').textContent()).resolves.toBe(name);
      await expect(page.getByTestId('customer-contact-email').textContent()).resolves.toBe(email);
      expect(new URL(page.url()).searchParams.get('id')).toBe(customerId);
      await expectAccessible(page);

      // The confirmation first: cancelling it erases nothing.
      await page.getByTestId('customer-erase').click();
      const dialog = page.getByTestId('customer-erase-dialog');
      await dialog.waitFor();
      await expectAccessible(page);
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'hidden' });
      expect(await stack.models.Customer.findById(customerId).lean()).toMatchObject({ email, name, erasedAt: null });

      await page.getByTestId('customer-erase').click();
      const erased = page.waitForResponse((r) => new URL(r.url()).pathname === `/customers/${customerId}/erase`);
      await dialog.getByTestId('customer-erase-confirm').click();
      const erasedRes = await erased;
      expect(erasedRes.status()).toBe(200);
      const result = (await erasedRes.json()) as { cancelledMessages: number };
      await page.getByTestId('customer-erase-result').waitFor();
      await expect(page.getByTestId('customer-erase-result').getAttribute('data-cancelled')).resolves.toBe(String(result.cancelledMessages));
      await page.locator('[data-testid="customer-contact-view"][data-erased="true"]').waitFor();
      await expect(page.getByTestId('customer-erase').count()).resolves.toBe(0);

      expect(await stack.models.Customer.findById(customerId).lean()).toMatchObject({ email: null, name: null, erasedAt: expect.any(Date) });
      expect(result.cancelledMessages).toBeGreaterThanOrEqual(1);
      expect(await stack.models.Outbox.findById(unsent._id).lean()).toMatchObject({ status: 'cancelled', lastError: 'contact erased' });
      expect(await stack.models.Outbox.countDocuments({ status: 'cancelled', lastError: 'contact erased' })).toBe(result.cancelledMessages);
      const events = await stack.models.AuditEvent.find({ stream: `customer:${customerId}` }).lean();
      const erasure = events.find((e) => e.action === 'customer.contact_erased');
      expect(erasure?.actor?.id).toBe('ada');
      expect(JSON.stringify(events)).not.toContain(email);
      expect(JSON.stringify(events)).not.toContain(name);

      await page.goto(`/app/complaints/${id}`);
      const panel = page.getByTestId('customer-panel');
      await panel.locator('[data-testid="customer-contact"][data-erased="true"]').waitFor();
      await expect(panel.getByTestId('customer-name').textContent()).resolves.toBe('erased');
      await expect(panel.getByTestId('customer-email').textContent()).resolves.toBe('erased');
      expect(await page.content()).not.toContain(email);
      await expectAccessible(page);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('given Ada on an SLA policy, when she ticks “ask for an NPS score” and saves, then the new version stores askNps and the page shows it', async () => {
    const { context, page, errors } = await newPage(browser, stack);
    try {
      await signIn(page, 'ada');
      await page.goto('/app/admin/policies?policy=billing-business-hours');
      await page.getByTestId('admin-policy-details').waitFor();
      await expect(page.getByTestId('admin-policy-askNps').textContent()).resolves.toBe('No');
      await page.getByTestId('admin-edit-version').click();
      await page.getByTestId('admin-policy-input-askNps').check();
      const saved = page.waitForResponse((r) => new URL(r.url()).pathname === '/sla-policies/billing-business-hours' && r.request().method() === 'PUT');
      await page.getByTestId('admin-policy-save').click();
      expect((await saved).status()).toBe(200);
      await page.getByTestId('admin-policy-askNps').filter({ hasText: /^Yes$/ }).waitFor();
      const versions = await stack.models.SlaPolicy.find({ policyId: 'billing-business-hours' }).sort({ version: 1 }).lean();
      expect(versions.map((v) => [v.version, Boolean((v as { askNps?: boolean }).askNps)])).toEqual([
        [1, false],
        [2, true],
      ]);
      await expectAccessible(page);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
