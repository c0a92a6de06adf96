/**
 * Signing in and out as a person does, in a real headless Chromium against
 * the real stack (API serving the built web app, worker, Temporal, FerretDB):
 * the sign-in page, a wrong password, the lockout message, sign-out, an
 * expired session, and sign-in through a real OpenID Connect provider
 * (`oidc-provider` in its own process; the API as its own process because
 * `openid-client` is an ES module).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import pino from 'pino';
import { createApp } from '../../src/api/app';
import type { Config } from '../../src/config';
import { sessionId } from '../../src/services/sessions';
import { type ApiStack, startApiStack } from '../helpers/api';
import { demoPassword, expectAccessible, newPage, openBrowser, saveScreenshot, signIn } from '../helpers/browser';
import { type ApiProcess, type OidcProviderProcess, freePort, startApiProcess, startOidcProvider } from '../helpers/oidc';
import { uniqueId } from '../helpers/stack';

let stack: ApiStack;
let browser: Browser;
const servers: http.Server[] = [];

beforeAll(async () => {
  [stack, browser] = await Promise.all([startApiStack(), openBrowser()]);
});
afterAll(async () => {
  for (const s of servers) {
    await new Promise<void>((r) => {
      s.close(() => r());
      s.closeAllConnections();
    });
  }
  await browser?.close();
  await stack?.stop();
});

/** The same app (web app included) on the stack's database and Temporal with other sign-in settings. */
async function appWith(auth: Partial<Config['auth']>): Promise<{ baseUrl: string }> {
  const config: Config = { ...stack.config, auth: { ...stack.config.auth, ...auth } };
  const server = http.createServer(createApp({ config, models: stack.models, client: stack.client, log: pino({ level: 'silent' }) }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function newUser(role: string, password: string): Promise<string> {
  const id = uniqueId(role);
  const res = await stack.call('POST', '/admin/users', { key: stack.keys.admin, body: { id, name: `E2E ${role}`, role, password } });
  expect(res.status).toBe(201);
  return id;
}

describe('sign-in page', () => {
  it('given the sign-in page, when an agent signs in with the demo password, then the queue opens with their name, the page passes axe, and no password or token is left in storage', async () => {
    const { context, page, errors } = await newPage(browser, stack);
    await page.goto('/app/sign-in');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    // Labelled fields, a language switch and no identity provider button (none configured).
    await page.getByLabel('Username').waitFor();
    await page.getByLabel('Password').waitFor();
    await page.getByLabel('Language').waitFor();
    expect(await page.getByTestId('sign-in-oidc').count()).toBe(0);
    await expectAccessible(page);
    await saveScreenshot(page, 'sign-in');

    await signIn(page, 'alice');
    await page.waitForURL('**/app/queue');
    await page.getByTestId('current-user').getByText('Alice Agent').waitFor();
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'ql_session')!;
    expect({ httpOnly: session.httpOnly, sameSite: session.sameSite, path: session.path }).toEqual({ httpOnly: true, sameSite: 'Lax', path: '/' });
    // The page cannot read the cookie, and keeps nothing secret in storage.
    expect(await page.evaluate('document.cookie')).not.toContain('ql_session');
    const storage = (await page.evaluate('JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })')) as string;
    expect(storage).not.toContain(demoPassword('alice'));
    expect(storage).not.toContain(session.value);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('given a page asked for while signed out, when signing in, then the browser goes back to that page', async () => {
    const { context, page } = await newPage(browser, stack);
    await page.goto('/app/audit');
    await page.waitForURL('**/app/sign-in');
    await page.getByTestId('sign-in-username').fill('audrey');
    await page.getByTestId('sign-in-password').fill(demoPassword('audrey'));
    await page.getByTestId('sign-in-submit').click();
    await page.waitForURL('**/app/audit');
    await context.close();
  });

  it('given a wrong password, when signing in, then the page says so, stays on sign-in and clears the password field', async () => {
    const { context, page } = await newPage(browser, stack);
    await page.goto('/app/sign-in');
    await page.getByTestId('sign-in-username').fill('bob');
    await page.getByTestId('sign-in-password').fill('not-bobs-password');
    await page.getByTestId('sign-in-submit').click();
    const error = page.getByTestId('sign-in-error');
    await error.waitFor();
    expect(await error.getAttribute('data-code')).toBe('INVALID_CREDENTIALS');
    expect(await error.innerText()).toContain('Wrong username or password.');
    expect(page.url()).toContain('/app/sign-in');
    expect(await page.getByTestId('sign-in-password').inputValue()).toBe('');
    expect((await context.cookies()).some((c) => c.name === 'ql_session')).toBe(false);
    await expectAccessible(page);
    await context.close();
  });

  it('given five wrong passwords, when signing in again with the right one, then the page shows the account locked until a time, in Chinese after switching language', async () => {
    const user = await newUser('agent', 'the-right-password-1');
    const { context, page } = await newPage(browser, stack);
    await page.goto('/app/sign-in');
    for (let i = 1; i <= 5; i++) {
      await page.getByTestId('sign-in-username').fill(user);
      await page.getByTestId('sign-in-password').fill(`wrong-password-${i}`);
      await page.getByTestId('sign-in-submit').click();
      await page.getByTestId('sign-in-error').waitFor();
      await page.waitForFunction("!document.querySelector('[data-testid=sign-in-submit]').disabled");
    }
    await page.getByTestId('sign-in-username').fill(user);
    await page.getByTestId('sign-in-password').fill('the-right-password-1');
    await page.getByTestId('sign-in-submit').click();
    const error = page.locator('[data-testid=sign-in-error][data-code=SIGN_IN_LOCKED]');
    await error.waitFor();
    const lockedUntil = (await stack.models.Credential.findById(user).lean())!.lockedUntil!;
    expect(lockedUntil.getTime()).toBeGreaterThan(Date.now() + 14 * 60_000);
    // The time the API gave, in the browser's time zone (Europe/Paris; the English UI writes 12-hour times).
    const shown = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Paris', hour: 'numeric', minute: '2-digit' }).format(lockedUntil);
    expect(await error.innerText()).toContain('locked until');
    expect(await error.innerText()).toContain(shown);
    await saveScreenshot(page, 'sign-in-locked');
    await page.getByLabel('Language').selectOption('zh-CN');
    await page.getByRole('heading', { name: '登录' }).waitFor();
    await page.getByTestId('sign-in-username').fill(user);
    await page.getByTestId('sign-in-password').fill('the-right-password-1');
    await page.getByTestId('sign-in-submit').click();
    await page.getByText('此账户已锁定至').waitFor();
    expect((await context.cookies()).some((c) => c.name === 'ql_session')).toBe(false);
    await context.close();
  });

  it('given a signed-in supervisor, when signing out, then the sign-in page shows, the session is gone from the store, and the app asks to sign in again', async () => {
    const { context, page } = await newPage(browser, stack);
    await signIn(page, 'sam');
    const token = (await context.cookies()).find((c) => c.name === 'ql_session')!.value;
    expect(await stack.models.Session.findById(sessionId(token)).lean()).not.toBeNull();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/app/sign-in');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await stack.models.Session.findById(sessionId(token)).lean()).toBeNull();
    expect((await context.cookies()).some((c) => c.name === 'ql_session')).toBe(false);
    await page.goto('/app/dashboard');
    await page.waitForURL('**/app/sign-in');
    await context.close();
  });

  it('given 3-second idle sessions, when a signed-in user leaves the app alone and then acts, then they are sent to sign-in with a notice that the session ended', async () => {
    const app = await appWith({ sessionIdleMinutes: 3 / 60 });
    const { context, page } = await newPage(browser, app);
    await signIn(page, 'olivia');
    await page.waitForURL('**/app/cycles');
    const token = (await context.cookies()).find((c) => c.name === 'ql_session')!.value;
    await new Promise((r) => setTimeout(r, 3500));
    // The next request the app makes (opening the dashboard) finds the session expired.
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.waitForURL('**/app/sign-in', { timeout: 15_000 });
    await page.getByTestId('sign-in-expired').waitFor();
    expect(await page.getByTestId('sign-in-expired').innerText()).toContain('Your session has ended');
    expect(await stack.models.Session.findById(sessionId(token)).lean()).toBeNull();
    await saveScreenshot(page, 'sign-in-expired');
    // Signing in again brings the user back.
    await page.getByTestId('sign-in-username').fill('olivia');
    await page.getByTestId('sign-in-password').fill(demoPassword('olivia'));
    await page.getByTestId('sign-in-submit').click();
    await page.waitForURL((u) => !u.pathname.endsWith('/sign-in'));
    await context.close();
  });
});

describe('sign-in through the identity provider', () => {
  let provider: OidcProviderProcess;
  let api: ApiProcess;
  const login = uniqueId('kim');

  beforeAll(async () => {
    const port = await freePort();
    provider = await startOidcProvider({ [login]: { name: 'Kim Browser', qualityloop_role: 'supervisor' } }, [`http://127.0.0.1:${port}/auth/oidc/callback`]);
    api = await startApiProcess(stack.config, port, { issuer: provider.issuer });
  });
  afterAll(async () => {
    await api?.stop();
    await provider?.stop();
  });

  it('given a configured provider, when the person clicks its button and signs in at the provider, then they land on their role\'s start page as the provisioned user', async () => {
    const { context, page } = await newPage(browser, api);
    await page.goto('/app/sign-in');
    const button = page.getByTestId('sign-in-oidc');
    await button.waitFor();
    expect(await button.innerText()).toBe('Sign in with Test ID');
    await expectAccessible(page);
    await button.click();
    // The provider's own (development) login and consent pages.
    await page.waitForURL((u) => u.origin === provider.issuer);
    await page.locator('input[name=login]').fill(login);
    await page.locator('input[name=password]').fill('any-password');
    await page.locator('button[type=submit]').first().click();
    await page.waitForURL((u) => u.origin !== provider.issuer || /consent|interaction/.test(u.pathname));
    if (new URL(page.url()).origin === provider.issuer) await page.locator('button[type=submit]').first().click();
    await page.waitForURL(`${api.baseUrl}/app/dashboard`);
    await page.getByTestId('current-user').getByText('Kim Browser').waitFor();
    expect(await stack.models.User.findById(login).lean()).toMatchObject({ role: 'supervisor', source: 'oidc' });
    const token = (await context.cookies()).find((c) => c.name === 'ql_session')!.value;
    expect(await stack.models.Session.findById(sessionId(token)).lean()).toMatchObject({ userId: login, method: 'oidc' });
    await context.close();
  });
});
