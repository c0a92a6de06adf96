/**
 * The admin screens in a real Chromium against the real stack: Ada creates an
 * account with a password and that person signs in in another browser
 * context; Ada resets the password (the old one fails, the new one works,
 * the old session ends) and edits and disables the account; Ada issues an API
 * key (shown once, never in the page's storage, working over HTTP) and
 * revokes it (401); Ada saves a new version of an SLA policy (listed, the old
 * version still readable, a bad target refused with its field named); and a
 * supervisor opening the users page sees the API's 403, not a blank page.
 */
import type { Browser, Page } from 'playwright-core';
import { type ApiStack, startApiStack } from '../helpers/api';
import { expectAccessible, newPage, openBrowser, saveScreenshot, signIn } from '../helpers/browser';
import { validatedFetch } from '../helpers/openapi-validation';

let stack: ApiStack;
let browser: Browser;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startApiStack(), openBrowser()]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const FIRST_PASSWORD = 'uma-first-password-1';
const SECOND_PASSWORD = 'uma-second-password-2';

/** Tries a sign-in that must fail: the page stays on sign-in and shows why. */
async function failedSignIn(page: Page, userId: string, password: string): Promise<string | null> {
  await page.goto('/app/sign-in');
  await page.getByTestId('sign-in-username').fill(userId);
  await page.getByTestId('sign-in-password').fill(password);
  const res = page.waitForResponse((r) => r.url().endsWith('/auth/login'));
  await page.getByTestId('sign-in-submit').click();
  expect((await res).status()).toBe(401);
  await page.getByTestId('sign-in-error').waitFor();
  expect(new URL(page.url()).pathname).toBe('/app/sign-in');
  return page.getByTestId('sign-in-error').getAttribute('data-code');
}

describe('admin screens', () => {
  it('given Ada, when she creates a user with a password, resets it and edits the account, then the user signs in with the first, then only with the second, and the account is stored as edited', async () => {
    const ada = await newPage(browser, stack);
    const uma = await newPage(browser, stack);
    try {
      await signIn(ada.page, 'ada');
      await ada.page.waitForURL(/\/app\/admin\/users/);
      await ada.page.getByTestId('admin-users-table').waitFor();

      // Create, submitted with the keyboard (Enter in the password field).
      await ada.page.getByTestId('admin-new-id').fill('uma');
      await ada.page.getByTestId('admin-new-name').fill('Uma Agent');
      await ada.page.getByTestId('admin-new-role').selectOption('agent');
      await ada.page.getByTestId('admin-new-queues').fill('general, billing');
      await ada.page.getByTestId('admin-new-password').fill(FIRST_PASSWORD);
      const created = ada.page.waitForResponse((r) => r.url().endsWith('/admin/users') && r.request().method() === 'POST');
      await ada.page.getByTestId('admin-new-password').press('Enter');
      expect((await created).status()).toBe(201);
      await ada.page.getByTestId('admin-new-done').waitFor();
      await ada.page.getByTestId('admin-user-uma').waitFor();
      const stored = await stack.models.User.findById('uma').lean();
      expect(stored).toMatchObject({ name: 'Uma Agent', role: 'agent', queues: ['general', 'billing'] });
      const credential = await stack.models.Credential.findById('uma').lean();
      expect(credential?.passwordHash).toBeTruthy();
      expect(credential?.passwordHash).not.toContain(FIRST_PASSWORD);
      // The password field is cleared: nothing of it stays in the page.
      expect(await ada.page.getByTestId('admin-new-password').inputValue()).toBe('');

      await expectAccessible(ada.page);
      await saveScreenshot(ada.page, 'admin-users');

      // Uma signs in in her own browser context.
      await signIn(uma.page, 'uma', FIRST_PASSWORD);
      await uma.page.getByTestId('current-user').waitFor();
      expect(await uma.page.getByTestId('current-user').innerText()).toContain('Uma Agent');

      // Ada resets the password.
      await ada.page.getByTestId('admin-edit-uma').click();
      await ada.page.getByTestId('admin-reset-password').fill(SECOND_PASSWORD);
      const reset = ada.page.waitForResponse((r) => r.url().endsWith('/admin/users/uma/password'));
      await ada.page.getByTestId('admin-reset-submit').click();
      const resetRes = await reset;
      expect(resetRes.status()).toBe(200);
      expect((await resetRes.json()).sessionsEnded).toBeGreaterThanOrEqual(1);
      await ada.page.getByTestId('admin-reset-done').waitFor();

      // Uma's session ended; the old password fails, the new one works.
      expect((await uma.page.request.get('/auth/session')).status()).toBe(401);
      const fresh = await newPage(browser, stack);
      try {
        expect(await failedSignIn(fresh.page, 'uma', FIRST_PASSWORD)).toBe('INVALID_CREDENTIALS');
        await signIn(fresh.page, 'uma', SECOND_PASSWORD);
        expect(await fresh.page.getByTestId('current-user').innerText()).toContain('Uma Agent');
        expect(fresh.errors).toEqual([]);
      } finally {
        await fresh.context.close();
      }

      // Edit: other queues, disabled.
      const form = ada.page.getByTestId('admin-edit-form-uma');
      await form.getByTestId('admin-edit-queues').fill('billing');
      await form.getByTestId('admin-edit-disabled').check();
      const saved = ada.page.waitForResponse((r) => r.url().endsWith('/admin/users/uma') && r.request().method() === 'PUT');
      await form.getByTestId('admin-edit-save').click();
      expect((await saved).status()).toBe(200);
      const edited = await stack.models.User.findById('uma').lean();
      expect(edited?.queues).toEqual(['billing']);
      expect(edited?.disabledAt).toBeTruthy();
      await ada.page.getByTestId('admin-user-uma').getByText(/Disabled since/).waitFor();
      expect(ada.errors).toEqual([]);
      expect(uma.errors).toEqual([]);
    } finally {
      await ada.context.close();
      await uma.context.close();
    }
  }, 120_000);

  it('given Ada, when she issues an API key for Bob, then it is shown once, never stored in the page, works over HTTP, and once revoked answers 401', async () => {
    const { context, page, errors } = await newPage(browser, stack);
    try {
      await signIn(page, 'ada');
      await page.goto('/app/admin/keys');
      await page.getByTestId('admin-keys-user').selectOption('bob');
      await page.getByTestId('admin-keys-table').waitFor();
      await page.getByTestId('admin-key-label').fill('crm integration');
      const issued = page.waitForResponse((r) => r.url().endsWith('/admin/users/bob/keys') && r.request().method() === 'POST');
      await page.getByTestId('admin-key-issue').click();
      const issuedRes = await issued;
      expect(issuedRes.status()).toBe(201);
      expect(issuedRes.request().headers()['idempotency-key']).toBeTruthy();
      const key = (await page.getByTestId('admin-key-value').innerText()).trim();
      const { keyId } = await issuedRes.json();
      expect(key.length).toBeGreaterThan(20);

      // Never in storage or cookies.
      const storage = (await page.evaluate('JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage), document.cookie])')) as string;
      expect(storage).not.toContain(key);
      expect(JSON.stringify(await context.cookies())).not.toContain(key);

      // It works for an integration.
      const ok = await validatedFetch(`${stack.baseUrl}/complaints`, { headers: { authorization: `Bearer ${key}` } });
      expect(ok.status).toBe(200);

      // Hidden, then gone from the page; a reload does not bring it back.
      await page.getByTestId('admin-key-hide').click();
      await page.getByTestId('admin-key-issued').waitFor({ state: 'detached' });
      expect(await page.content()).not.toContain(key);
      await page.reload();
      await page.getByTestId(`admin-key-${keyId}`).waitFor();
      expect(await page.content()).not.toContain(key);
      expect(await page.getByTestId(`admin-key-status-${keyId}`).innerText()).toMatch(/Active/);

      // Revoke.
      const revoked = page.waitForResponse((r) => r.url().endsWith(`/admin/keys/${keyId}/revoke`));
      await page.getByTestId(`admin-key-revoke-${keyId}`).click();
      expect((await revoked).status()).toBe(200);
      await page.getByTestId(`admin-key-status-${keyId}`).filter({ hasText: /Revoked/ }).waitFor();
      const refused = await validatedFetch(`${stack.baseUrl}/complaints`, { headers: { authorization: `Bearer ${key}` } });
      expect(refused.status).toBe(401);

      await expectAccessible(page);
      await saveScreenshot(page, 'admin-keys');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);

  it('given Ada, when she edits an SLA policy, then a bad target is refused with its field named, and a good one is saved as a new version while the old one stays readable', async () => {
    const { context, page, errors } = await newPage(browser, stack);
    try {
      await signIn(page, 'ada');
      await page.goto('/app/admin/policies');
      await page.getByTestId('admin-policy-critical-24x7').getByRole('link', { name: 'critical-24x7' }).click();
      await page.getByTestId('admin-policy-details').waitFor();
      expect(await page.getByTestId('admin-policy-firstResponseMinutes').innerText()).toMatch(/^15 min/);
      await page.getByTestId('admin-edit-version').click();
      const input = page.getByTestId('admin-policy-input-firstResponseMinutes');

      await input.fill('0');
      const refused = page.waitForResponse((r) => r.url().endsWith('/sla-policies/critical-24x7') && r.request().method() === 'PUT');
      await page.getByTestId('admin-policy-save').click();
      expect((await refused).status()).toBe(400);
      await page.getByTestId('admin-policy-form').locator('.field-error').first().waitFor();

      await input.fill('20');
      const saved = page.waitForResponse((r) => r.url().endsWith('/sla-policies/critical-24x7') && r.request().method() === 'PUT');
      await page.getByTestId('admin-policy-save').click();
      expect((await saved).status()).toBe(200);
      await page.getByTestId('admin-policy-latest-critical-24x7').filter({ hasText: /^2$/ }).waitFor();
      await page.getByTestId('admin-policy-firstResponseMinutes').filter({ hasText: /^20 min/ }).waitFor();
      const versions = await stack.models.SlaPolicy.find({ policyId: 'critical-24x7' }).lean();
      expect(versions.map((v) => [v.version, v.targets.firstResponseMinutes]).sort()).toEqual([
        [1, 15],
        [2, 20],
      ]);

      // The old version stays readable.
      const old = page.waitForResponse((r) => r.url().endsWith('/sla-policies/critical-24x7?version=1') && r.ok());
      await page.getByTestId('admin-version-select').selectOption('1');
      await old;
      await page.getByTestId('admin-policy-firstResponseMinutes').filter({ hasText: /^15 min/ }).waitFor();
      expect(await page.getByTestId('admin-version-meta').innerText()).toMatch(/Version 1/);

      await page.getByTestId('admin-version-select').selectOption('2');
      await page.getByTestId('admin-policy-firstResponseMinutes').filter({ hasText: /^20 min/ }).waitFor();
      await expectAccessible(page);
      await saveScreenshot(page, 'admin-policies');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);

  it('given a supervisor, when Sam opens the users page, then the page shows the API’s 403 problem, not a blank page', async () => {
    const { context, page, errors } = await newPage(browser, stack);
    try {
      await signIn(page, 'sam');
      const answer = page.waitForResponse((r) => new URL(r.url()).pathname === '/admin/users');
      await page.goto('/app/admin/users');
      expect((await answer).status()).toBe(403);
      const alert = page.getByRole('alert');
      await alert.waitFor();
      expect(await alert.innerText()).toMatch(/not allowed[\s\S]*403/);
      await expectAccessible(page);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
