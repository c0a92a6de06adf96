/**
 * The web app as the API serves it: one origin, strict CSP, hashed assets
 * cached for a year, index.html revalidated, client-side routes answered with
 * the app, and the page running under that CSP in a real Chromium.
 */
import type { Browser } from 'playwright-core';
import { type ApiStack, startApiStack } from '../helpers/api';
import { newPage, openBrowser } from '../helpers/browser';
import { WEB_APP_CSP } from '../../src/api/web-app';

let stack: ApiStack;
let browser: Browser;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startApiStack(), openBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('web app serving', () => {
  it('given the root URL, when requested, then it redirects to /app/', async () => {
    const res = await fetch(`${stack.baseUrl}/`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/app/');
  });

  it('given index.html and a client-side route, when requested, then both answer the app uncached-by-default with the strict CSP, and its hashed assets are immutable for a year', async () => {
    const index = await fetch(`${stack.baseUrl}/app/`);
    const deep = await fetch(`${stack.baseUrl}/app/complaints/C-1`);
    for (const res of [index, deep]) {
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toBe(WEB_APP_CSP);
    }
    const html = await index.text();
    expect(await deep.text()).toBe(html);
    expect(WEB_APP_CSP).toContain("script-src 'self'");
    expect(WEB_APP_CSP).not.toMatch(/script-src[^;]*unsafe-inline/);
    // No inline script in the page: every script has a src under /app/assets/.
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/src="\/app\/assets\/[\w-]+\.js"/);
      expect(body!.trim()).toBe('');
    }
    const asset = /src="(\/app\/assets\/[\w-]+\.js)"/.exec(html)![1]!;
    const res = await fetch(`${stack.baseUrl}${asset}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const missing = await fetch(`${stack.baseUrl}/app/assets/not-there-123.js`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('given a signed-out visitor, when the app opens in Chromium, then it runs under its CSP without errors and shows the sign-in page', async () => {
    const { context, page, errors } = await newPage(browser, stack);
    try {
      await page.goto('/app/');
      await page.waitForURL(/\/app\/sign-in$/);
      await page.getByRole('heading', { level: 1 }).waitFor();
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
