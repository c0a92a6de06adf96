/**
 * Language and time zone as a user meets them, and a session that ends under
 * an open page:
 * - switching to 简体中文 changes the navigation, the page's text and
 *   `<html lang>`, survives a reload, and dates follow the language and the
 *   browser's time zone; switching back restores English;
 * - a 401 from the API (the session deleted while the page is open) brings the
 *   sign-in page with "your session has ended", not a blank page, and signing
 *   in again returns to the page the user was on.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { type ApiStack, startApiStack } from '../helpers/api';
import { expectAccessible, newPage, openBrowser, signIn } from '../helpers/browser';

const LOCALES = path.resolve(__dirname, '../../web/src/locales');
type Messages = Record<string, unknown>;
const messages = (lang: string, ns: string) => JSON.parse(fs.readFileSync(path.join(LOCALES, lang, `${ns}.json`), 'utf8')) as Messages;
/** A message by its dotted key, e.g. `nav.queue`. */
const msg = (m: Messages, key: string): string => {
  const v = key.split('.').reduce<unknown>((o, k) => (o as Messages | undefined)?.[k], m);
  if (typeof v !== 'string') throw new Error(`no message ${key}`);
  return v;
};
const en = { common: messages('en', 'common'), agent: messages('en', 'agent'), auth: messages('en', 'auth') };
const zh = { common: messages('zh-CN', 'common'), agent: messages('zh-CN', 'agent'), auth: messages('zh-CN', 'auth') };

/** How web/src/format.ts shows an instant (formatDateTime), in a locale and time zone, computed here by Node's Intl. */
const dateTime = (locale: string, timeZone: string, iso: string) => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(iso));

/** The wall-clock hour and minute of an instant in Shanghai (UTC+8 all year), by arithmetic, not Intl. */
const shanghaiHourMinute = (iso: string) => {
  const d = new Date(new Date(iso).getTime() + 8 * 3_600_000);
  return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
};

let stack: ApiStack;
let browser: Browser;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startApiStack(), openBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const navTexts = (page: Page) => page.getByRole('navigation').getByRole('link').allTextContents();
const htmlLang = (page: Page) => page.evaluate('document.documentElement.lang') as Promise<string>;

describe('language switch', () => {
  it('given an agent in Shanghai, when they switch to 简体中文 and back, then navigation, page text, <html lang> and dates follow, and the choice survives a reload', async () => {
    const created = await stack.call('POST', '/complaints', {
      key: stack.keys.intake,
      headers: { 'idempotency-key': `lang-${Date.now()}` },
      body: { customer: { id: 'cust-lang' }, channel: 'email', category: 'billing', severity: 'P3', description: 'Invoice sent twice' },
    });
    expect(created.status).toBe(201);
    const complaintId = created.body.id as string;
    const createdAt = created.body.createdAt as string;

    const { context, page, errors } = await newPage(browser, stack, { locale: 'en-GB', timezoneId: 'Asia/Shanghai' });
    try {
      await signIn(page, 'alice');
      await page.goto('/app/queue');
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(msg(en.agent, 'queue.title'));
      expect(await htmlLang(page)).toBe('en');
      expect(await navTexts(page)).toContain(msg(en.common, 'nav.queue'));

      // To Chinese, with the switch in the header.
      await page.getByLabel(msg(en.common, 'language')).selectOption('zh-CN');
      await page.getByRole('heading', { level: 1, name: msg(zh.agent, 'queue.title') }).waitFor();
      expect(await htmlLang(page)).toBe('zh-CN');
      const zhNav = await navTexts(page);
      expect(zhNav).toContain(msg(zh.common, 'nav.queue'));
      // Every navigation entry is a Chinese label: none is left in English.
      const zhNavLabels = Object.values(zh.common.nav as Messages);
      for (const label of zhNav) expect(zhNavLabels).toContain(label);
      await expect(page.getByRole('button', { name: msg(zh.common, 'signOut') }).count()).resolves.toBe(1);
      await expectAccessible(page);

      // The choice survives a reload.
      await page.reload();
      await page.getByRole('heading', { level: 1, name: msg(zh.agent, 'queue.title') }).waitFor();
      expect(await htmlLang(page)).toBe('zh-CN');
      expect(await navTexts(page)).toContain(msg(zh.common, 'nav.queue'));

      // Dates: zh-CN format, in the browser's time zone (Asia/Shanghai, UTC+8), not the server's or Paris'.
      await page.goto(`/app/complaints/${complaintId}`);
      const createdCell = page.locator('dd', { hasText: 'webform' }).first();
      await createdCell.waitFor();
      const zhText = (await createdCell.textContent()) ?? '';
      expect(zhText).toContain(dateTime('zh-CN', 'Asia/Shanghai', createdAt));
      expect(zhText).toMatch(/\d{4}年\d{1,2}月\d{1,2}日/);
      expect(zhText).toContain(shanghaiHourMinute(createdAt));
      expect(zhText).not.toContain(dateTime('zh-CN', 'Europe/Paris', createdAt));

      // Back to English.
      await page.getByLabel(msg(zh.common, 'language')).selectOption('en');
      const navQueue = page.getByRole('navigation').getByRole('link', { name: msg(en.common, 'nav.queue'), exact: true });
      await navQueue.waitFor();
      expect(await htmlLang(page)).toBe('en');
      const enText = (await createdCell.textContent()) ?? '';
      expect(enText).toContain(dateTime('en', 'Asia/Shanghai', createdAt));
      expect(enText).not.toMatch(/[年月日]/);
      await navQueue.click();
      await page.getByRole('heading', { level: 1, name: msg(en.agent, 'queue.title') }).waitFor();
      expect(await page.evaluate("localStorage.getItem('ql.language')")).toBe('en');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('a session that ends under an open page', () => {
  it('given an agent on the queue, when their session is deleted, then the next API call (401) shows the sign-in page saying the session ended, and signing in again returns to the queue', async () => {
    const { context, page, errors } = await newPage(browser, stack);
    try {
      await signIn(page, 'alice');
      await page.goto('/app/queue');
      await page.getByRole('heading', { level: 1, name: msg(en.agent, 'queue.title') }).waitFor();
      const before = await stack.models.Session.countDocuments({ userId: 'alice' });
      expect(before).toBeGreaterThan(0);

      // Ended behind the page's back (an admin, expiry housekeeping): the queue's next refresh gets a 401.
      const unauthorized = page.waitForResponse((r) => new URL(r.url()).pathname === '/complaints' && r.status() === 401, { timeout: 20_000 });
      await stack.models.Session.deleteMany({ userId: 'alice' });
      await unauthorized;

      await page.waitForURL(/\/app\/sign-in$/);
      await page.getByRole('heading', { level: 1, name: msg(en.auth, 'title') }).waitFor();
      await expect(page.getByTestId('sign-in-expired').textContent()).resolves.toBe(msg(en.auth, 'expired'));
      await expect(page.getByTestId('sign-in-username').isVisible()).resolves.toBe(true);
      await expectAccessible(page);

      // Signing in again goes back where the user was.
      await page.getByTestId('sign-in-username').fill('alice');
      await page.getByTestId('sign-in-password').fill('demo-alice-password');
      await page.getByTestId('sign-in-password').press('Enter');
      await page.waitForURL(/\/app\/queue$/);
      await page.getByRole('heading', { level: 1, name: msg(en.agent, 'queue.title') }).waitFor();
      await expect(page.getByTestId('sign-in-expired').count()).resolves.toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
