/**
 * A real headless Chromium (Debian's /usr/bin/chromium, installed by
 * scripts/provision.sh) driven by playwright-core, against the API stack of
 * test/helpers/api.ts, which serves the built web app under /app/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import type { ApiStack } from './api';
import { isApiPath, validateResponse } from './openapi-validation';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.resolve(__dirname, '../../docs/screenshots');

/** The demo password of a seeded demo user (src/db/seed.ts). */
export const demoPassword = (userId: string) => `demo-${userId}-password`;

export function openBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
}

export interface PageOptions {
  /** Browser locale (default en-GB) and time zone (default Europe/Paris): dates on the page follow them. */
  locale?: string;
  timezoneId?: string;
}

/** A fresh browser context (its own cookies: one "person") and page on the stack's origin. */
export async function newPage(browser: Browser, stack: Pick<ApiStack, 'baseUrl'>, opts: PageOptions = {}): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ baseURL: stack.baseUrl, locale: opts.locale ?? 'en-GB', timezoneId: opts.timezoneId ?? 'Europe/Paris', viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  // Uncaught exceptions and CSP violations (console errors) are collected: a page that breaks must fail its test.
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of (4\d\d)/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  // The app's API calls are checked against the OpenAPI document like call()'s (test/helpers/openapi-validation.ts).
  const origin = new URL(stack.baseUrl).origin;
  page.on('response', async (r) => {
    const url = new URL(r.url());
    if (url.origin !== origin || !isApiPath(url.pathname)) return;
    const headers = r.headers();
    const method = r.request().method();
    // undefined: the page navigated on before the body was read (sign-in, a report link); status and headers are still checked.
    const text = await r.text().catch(() => undefined);
    let body: unknown = text;
    if (text && /^application\/([\w.-]+\+)?json/.test(headers['content-type'] ?? '')) {
      try {
        body = JSON.parse(text);
      } catch {
        errors.push(`OpenAPI contract: ${method} ${url.pathname} sent invalid JSON`);
        return;
      }
    }
    const problems = validateResponse({ method, path: url.pathname + url.search, status: r.status(), headers, body, bodyUnread: text === undefined });
    if (problems.length > 0) errors.push(`OpenAPI contract: ${method} ${url.pathname}${url.search} -> ${r.status()}: ${problems.join('; ')}`);
  });
  return { context, page, errors };
}

/** Signs in through the sign-in page with the demo password (or `password`), and waits until the app has left it. */
export async function signIn(page: Page, userId: string, password = demoPassword(userId)): Promise<void> {
  await page.goto('/app/sign-in');
  await page.getByTestId('sign-in-username').fill(userId);
  await page.getByTestId('sign-in-password').fill(password);
  await page.getByTestId('sign-in-submit').click();
  await page.waitForURL((url) => !url.pathname.endsWith('/sign-in'), { timeout: 15_000 });
}

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * Runs axe-core in the page (evaluated through the DevTools protocol, so the
 * page's CSP stays as strict as it is) and returns the serious and critical
 * violations: tests expect none.
 */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  // A string, evaluated in the page (this file is compiled without the DOM library).
  const result = (await page.evaluate(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) })))`,
  )) as AxeViolation[];
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Fails with the list of serious/critical axe violations, if any. */
export async function expectAccessible(page: Page): Promise<void> {
  const violations = await seriousA11yViolations(page);
  if (violations.length) throw new Error(`accessibility violations on ${page.url()}:\n${violations.map((v) => `- ${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`).join('\n')}`);
}

/** A full-page screenshot under docs/screenshots/ (README links them). */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
