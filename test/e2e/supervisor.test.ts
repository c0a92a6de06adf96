/**
 * The supervisor dashboard in a real Chromium against the real stack:
 * complaints come in through the intake key and an agent acknowledges one
 * (the persistence activity writes their KPI facts), plus a few earlier
 * complaints' facts written the way that activity writes them. Sam signs in;
 * the figures the page shows equal what the API answers for the very query
 * the page sent (fetched again here with Sam's key) and what was seeded; a
 * drill-down (reached with the keyboard) lists exactly the complaints behind
 * a figure; a transfer from the team queue shows the API's field error, then
 * lands (the stored complaint has the new owner).
 */
import type { Browser, Page } from 'playwright-core';
import { writeComplaintFact } from '../../activities/complaint';
import { type ApiStack, startApiStack } from '../helpers/api';
import { expectAccessible, newPage, openBrowser, saveScreenshot, signIn } from '../helpers/browser';
import { fact } from '../helpers/review-fixtures';
import { eventually, uniqueId } from '../helpers/stack';

let stack: ApiStack;
let browser: Browser;

const DAY_MS = 86_400_000;
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Complaints received now through the intake key. */
const LIVE = [
  { category: 'billing', severity: 'P3' },
  { category: 'billing', severity: 'P2' },
  { category: 'billing', severity: 'P4' },
  { category: 'delivery', severity: 'P3' },
  { category: 'delivery', severity: 'P2' },
] as const;
let live: { id: string; category: string }[] = [];
/** Earlier complaints (three days ago, no service area): their facts only. */
const history = (day: string) => [
  { ...fact({ id: uniqueId('c_hist'), areaId: '-', day, firstResponseMet: true, csat: 5, cause: null }), category: 'billing', timeZone: 'UTC', createdAt: Date.parse(`${day}T09:00:00Z`) },
  { ...fact({ id: uniqueId('c_hist'), areaId: '-', day, firstResponseMet: false, csat: null, cause: null }), category: 'billing', timeZone: 'UTC', createdAt: Date.parse(`${day}T10:00:00Z`) },
  { ...fact({ id: uniqueId('c_hist'), areaId: '-', day, firstResponseMet: true, csat: 4, cause: null }), category: 'delivery', timeZone: 'UTC', createdAt: Date.parse(`${day}T11:00:00Z`), escalations: 1 },
  { ...fact({ id: uniqueId('c_hist'), areaId: '-', day, firstResponseMet: false, csat: null, cause: null }), category: 'network', timeZone: 'UTC', createdAt: Date.parse(`${day}T12:00:00Z`), escalations: 2 },
];
let hist: ReturnType<typeof history> = [];

beforeAll(async () => {
  [stack, browser] = await Promise.all([startApiStack(), openBrowser()]);
  live = [];
  for (const [i, c] of LIVE.entries()) {
    const res = await stack.call('POST', '/complaints', {
      key: stack.keys.intake,
      headers: { 'idempotency-key': uniqueId('intake') },
      body: { customer: { id: `cust-${i}` }, channel: 'email', category: c.category, severity: c.severity, description: `Dashboard test complaint ${i}` },
    });
    expect(res.status).toBe(201);
    live.push({ id: res.body.id, category: c.category });
  }
  const ack = await stack.call('POST', `/complaints/${live[0]!.id}/acknowledge`, { key: stack.keys.alice, body: {} });
  expect(ack.status).toBe(200);
  hist = history(utcDay(Date.now() - 3 * DAY_MS));
  for (const f of hist) await writeComplaintFact(stack.models, f);
  // The persistence activity writes each live complaint's fact (the acknowledged one at its acknowledged version).
  await eventually(async () => {
    const facts = await Promise.all(live.map((c) => stack.models.ComplaintFact.findById(c.id).lean()));
    return facts.every(Boolean) && (JSON.parse(facts[0]!.factJson).agentId === 'alice' ? true : null);
  }, 30_000, 'the live complaints’ KPI facts');
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const pathOf = (url: string) => {
  const u = new URL(url);
  return u.pathname + u.search;
};
const dataValue = async (page: Page, testId: string) => page.getByTestId(testId).getAttribute('data-value');
const asText = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));

describe('supervisor dashboard', () => {
  it('given seeded complaints, when Sam opens the dashboard, then its figures equal the API’s answer to the same queries and the seeded data, and a drill-down lists exactly the complaints behind a figure', async () => {
    const { context, page, errors } = await newPage(browser, stack);
    try {
      const overview = page.waitForResponse((r) => r.url().includes('/analytics/kpis?') && r.url().includes('first_response_attainment') && r.ok());
      const backlog = page.waitForResponse((r) => r.url().includes('/analytics/backlog') && r.ok());
      const billing = page.waitForResponse((r) => r.url().includes('/analytics/kpis?') && r.url().includes('dimension=category') && r.url().includes('value=billing') && r.ok());
      await signIn(page, 'sam');
      await page.waitForURL(/\/app\/dashboard/);
      const [overviewRes, backlogRes, billingRes] = await Promise.all([overview, backlog, billing]);

      // The same queries, asked by the test with Sam's API key.
      const api = await stack.call('GET', pathOf(overviewRes.url()), { key: stack.keys.sam });
      expect(api.status).toBe(200);
      const totals = Object.fromEntries((api.body.items as { kpi: string; total: { value: number | null } }[]).map((s) => [s.kpi, s.total.value]));
      await page.getByTestId('dash-kpi-complaint_volume').waitFor();
      for (const kpi of ['first_response_attainment', 'next_response_attainment', 'resolution_attainment', 'first_response_median_minutes', 'first_response_p90_minutes', 'resolution_median_minutes', 'resolution_p90_minutes', 'complaint_volume', 'breach_count', 'escalation_count', 'breach_rate']) {
        expect([kpi, await dataValue(page, `dash-kpi-${kpi}`)]).toEqual([kpi, asText(totals[kpi])]);
      }
      // And the seeded data: 5 live + 4 earlier complaints; breaches and escalations only in the earlier ones.
      expect(totals.complaint_volume).toBe(LIVE.length + hist.length);
      expect(totals.breach_count).toBe(hist.reduce((s, f) => s + f.breaches, 0));
      expect(totals.escalation_count).toBe(3);
      expect((await page.getByTestId('dash-kpi-complaint_volume').innerText()).trim()).toMatch(/^9\b/);

      const apiBacklog = await stack.call('GET', pathOf(backlogRes.url()), { key: stack.keys.sam });
      expect(await dataValue(page, 'dash-backlog-open')).toBe(String(apiBacklog.body.open));
      expect(apiBacklog.body.open).toBe(LIVE.length);
      expect(await dataValue(page, 'dash-backlog-breached')).toBe(String(apiBacklog.body.breached));
      for (const a of apiBacklog.body.byAge as { bucket: string; count: number }[]) expect(await dataValue(page, `dash-age-${a.bucket}`)).toBe(String(a.count));

      const apiBilling = await stack.call('GET', pathOf(billingRes.url()), { key: stack.keys.sam });
      const billingTotals = Object.fromEntries((apiBilling.body.items as { kpi: string; total: { value: number | null } }[]).map((s) => [s.kpi, s.total.value]));
      const billingIds = [...live.filter((c) => c.category === 'billing').map((c) => c.id), ...hist.filter((f) => f.category === 'billing').map((f) => f.complaintId)];
      expect(billingTotals.complaint_volume).toBe(billingIds.length);
      expect(await dataValue(page, 'dash-by-category-complaint_volume-billing')).toBe(String(billingTotals.complaint_volume));
      expect(await dataValue(page, 'dash-by-category-breach_count-billing')).toBe(String(billingTotals.breach_count));
      expect(await page.getByTestId('dash-by-category-row-network').count()).toBe(1);

      await expectAccessible(page);
      await saveScreenshot(page, 'supervisor-dashboard');

      // Drill down with the keyboard: focus the billing complaints figure and press Enter.
      const drill = page.waitForResponse((r) => r.url().includes('/analytics/complaints?') && r.ok());
      await page.getByTestId('dash-by-category-complaint_volume-billing').focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/app\/dashboard\/complaints\?/);
      const drillRes = await drill;
      expect(new URL(drillRes.url()).searchParams.get('dimension')).toBe('category');
      expect(new URL(drillRes.url()).searchParams.get('value')).toBe('billing');
      await page.getByTestId('drill-table').waitFor();
      const listed = await page.getByTestId('drill-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-complaint-id')));
      expect([...listed].sort()).toEqual([...billingIds].sort());
      // Each complaint links to its page.
      expect(await page.getByRole('link', { name: live[0]!.id, exact: true }).getAttribute('href')).toBe(`/app/complaints/${live[0]!.id}`);
      await expectAccessible(page);
      await saveScreenshot(page, 'supervisor-drilldown');

      // A backlog figure drills into the open complaints now.
      await page.goto('/app/dashboard');
      await page.getByTestId('dash-backlog-open').click();
      await page.getByTestId('drill-table').waitFor();
      const open = await page.getByTestId('drill-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-complaint-id')));
      expect([...open].sort()).toEqual(live.map((c) => c.id).sort());
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('given a complaint Alice owns, when Sam reassigns it from the team queue, then a missing reason shows the API’s field error, and with one the stored complaint belongs to Bob', async () => {
    const { context, page, errors } = await newPage(browser, stack);
    const target = live[0]!.id;
    try {
      await signIn(page, 'sam');
      await page.waitForURL(/\/app\/dashboard/);
      await page.getByTestId(`dash-team-owner-${target}`).waitFor();
      expect(await page.getByTestId(`dash-team-owner-${target}`).innerText()).toBe('alice');
      // The form appears only because the complaint's view lists `transfer` among Sam's actions.
      const view = page.waitForResponse((r) => pathOf(r.url()) === `/complaints/${target}` && r.ok());
      await page.getByTestId(`dash-reassign-${target}`).click();
      const detail = await (await view).json();
      expect(detail.availableActions.map((a: { name: string }) => a.name)).toContain('transfer');
      const form = page.getByTestId(`dash-transfer-form-${target}`);
      await form.getByTestId('dash-transfer-to').fill('bob');
      const refused = page.waitForResponse((r) => r.url().endsWith(`/complaints/${target}/transfer`));
      await form.getByTestId('dash-transfer-submit').click();
      expect((await refused).status()).toBe(400);
      await expect(form.locator('.field-error').first().innerText()).resolves.toMatch(/\S/);
      await form.getByTestId('dash-transfer-reason').fill('Alice is on leave');
      const sent = page.waitForResponse((r) => r.url().endsWith(`/complaints/${target}/transfer`));
      await form.getByTestId('dash-transfer-reason').press('Enter');
      const res = await sent;
      expect(res.status()).toBe(200);
      expect(res.request().headers()['idempotency-key']).toBeTruthy();
      await page.getByTestId('dash-transfer-done').waitFor();
      const stored = await eventually(async () => {
        const row = await stack.models.ComplaintRow.findById(target).lean();
        return row?.ownerId === 'bob' ? row : null;
      }, 20_000, 'the transfer stored');
      expect(stored.ownerId).toBe('bob');
      expect((await stack.call('GET', `/complaints/${target}`, { key: stack.keys.sam })).body.ownerId).toBe('bob');
      // The team queue shows the new owner (it is read again after the transfer).
      await page.getByTestId(`dash-team-owner-${target}`).filter({ hasText: /^bob$/ }).waitFor();
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);
});
