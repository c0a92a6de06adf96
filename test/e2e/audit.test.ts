/**
 * The auditor's screens in a real Chromium against the real stack (API,
 * worker, Temporal, FerretDB): Audrey finds a complaint's events, exports
 * them as CSV, opens its history (business and Temporal events, the SLA
 * timeline with its pause and breach, the chain status), verifies its stream
 * and the whole store against the signed digest she downloaded; then the test
 * tampers with one stored event and the pages show the break at that seq.
 * An agent gets the API's 403 on the audit page.
 */
import fs from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CSV_HEADER } from '../../src/domain/audit-export';
import { ensureDigestSchedule } from '../../src/services/audit-schedule';
import { type ApiStack, startApiStack } from '../helpers/api';
import { expectAccessible, newPage, openBrowser, saveScreenshot, signIn } from '../helpers/browser';
import { eventually, uniqueId } from '../helpers/stack';

let stack: ApiStack;
let browser: Browser;
const scheduleId = uniqueId('e2e-audit-digest');
/** `main`: six events ending in a resolution breach; `other`: intake only (must not match main's filters). */
const ids = { main: '', other: '' };
const stream = () => `complaint:${ids.main}`;
/** The seq the test tampers with (request_info: the event that paused the resolution clock). */
const TAMPERED_SEQ = 3;

async function ok<T = any>(p: Promise<{ status: number; body: T; text: string }>, status: number): Promise<T> {
  const res = await p;
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${res.text}`);
  return res.body;
}

const storedEvents = () => stack.models.AuditEvent.find({ stream: stream() }).sort({ seq: 1 }).lean();

beforeAll(async () => {
  [stack, browser] = await Promise.all([startApiStack(), openBrowser()]);
  const alice = stack.keys.alice!;
  // One-minute targets around the clock, no warnings or escalations: the responses below meet the response clocks, the
  // resolution clock breaches while the test sets up.
  await ok(
    stack.call('POST', '/sla-policies', {
      key: stack.keys.ada!,
      body: {
        policyId: 'e2e-audit',
        name: 'E2E: one-minute targets',
        match: { severities: ['P3'], categories: ['e2e-audit'] },
        targets: { firstResponseMinutes: 1, nextResponseMinutes: 1, resolutionMinutes: 1 },
        calendarId: '24x7',
        warningThresholds: [],
        escalation: [],
      },
    }),
    201,
  );
  const register = async (category: string) =>
    (await ok<{ id: string }>(stack.call('POST', '/complaints', { key: stack.keys.intake, body: { customer: { id: uniqueId('cust') }, channel: 'email', category, severity: 'P3', description: 'Charged twice for one order.' } }), 201)).id;
  [ids.main, ids.other] = await Promise.all([register('e2e-audit'), register('billing')]);
  await eventually(() => stack.models.AuditEvent.findById(`${stream()}:1`).lean(), 20_000, 'intake persisted');
  await ok(stack.call('POST', `/complaints/${ids.main}/acknowledge`, { key: alice, body: {} }), 200);
  // Awaiting the customer pauses the resolution clock; the reply resumes it (and opens a next-response cycle the public note answers).
  await ok(stack.call('POST', `/complaints/${ids.main}/request-info`, { key: alice, body: { message: 'Which card was charged?' } }), 200);
  await ok(stack.call('POST', `/complaints/${ids.main}/customer-replied`, { key: alice, body: { message: 'The Visa one.' } }), 200);
  await ok(stack.call('POST', `/complaints/${ids.main}/add-note`, { key: alice, body: { text: 'The refund is on its way.', visibility: 'public' } }), 200);
  // The workflow records the breach itself a minute of (unpaused) business time after intake.
  await eventually(() => stack.models.AuditEvent.findOne({ stream: stream(), action: 'sla_breached' }).lean(), 150_000, 'the resolution breach recorded');
  await eventually(() => stack.models.AuditEvent.findById(`complaint:${ids.other}:1`).lean(), 20_000, 'other intake persisted');
  // A digest covers events recorded a minute before its run: date them back, then run the digest schedule once.
  await stack.models.AuditEvent.collection.updateMany({}, { $set: { recordedAt: new Date(Date.now() - 5 * 60_000) } });
  const handle = await ensureDigestSchedule(stack.client, stack.config, scheduleId);
  await handle.trigger();
  await eventually(() => stack.models.AuditDigest.findOne({}).lean(), 30_000, 'a signed digest');
}, 240_000);

afterAll(async () => {
  await stack?.client.schedule.getHandle(scheduleId).delete().catch(() => undefined);
  await browser?.close();
  await stack?.stop();
});

describe('auditor screens', () => {
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    ({ context, page, errors } = await newPage(browser, stack));
  });
  afterAll(async () => {
    await context?.close();
  });

  it("given audrey signed in, when she filters the audit trail by the complaint's id with the keyboard, then she sees exactly its events as the API lists them, the filter is in the address, and the CSV export downloads those rows", async () => {
    await signIn(page, 'audrey');
    await page.waitForURL(/\/app\/audit$/);
    await page.getByTestId('audit-results').waitFor();

    const filter = page.getByTestId('audit-filter-entityId');
    await filter.focus();
    await page.keyboard.type(ids.main);
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.searchParams.get('entityId') === ids.main);
    const rows = page.locator('[data-testid="audit-row"]');
    const stored = await storedEvents();
    expect(stored.map((e) => e.action)).toEqual(['intake', 'acknowledge', 'request_info', 'customer_replied', 'add_note', 'sla_breached']);
    await eventually(async () => (await rows.count()) === stored.length && !(await page.locator(`[data-stream="complaint:${ids.other}"]`).count()), 15_000, 'only the filtered rows');

    const api = await ok(stack.call('GET', `/audit/events?entityId=${ids.main}`, { key: stack.keys.auditor }), 200);
    const shown = await rows.evaluateAll((trs) => trs.map((tr) => `${tr.getAttribute('data-stream')}:${tr.getAttribute('data-seq')}`));
    expect(shown).toEqual(api.items.map((e: { id: string }) => e.id));
    expect(new Set(shown)).toEqual(new Set(stored.map((e) => e._id)));
    await expect(rows.nth(0).textContent()).resolves.toContain('intake');
    await expectAccessible(page);
    await saveScreenshot(page, 'audit-search');

    // The export link carries the same filters; the browser downloads it with the session cookie.
    await expect(page.getByTestId('audit-export-csv').getAttribute('href')).resolves.toBe(`/audit/export?format=csv&entityId=${ids.main}`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('audit-export-csv').click()]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const csv = await fs.readFile((await download.path())!, 'utf8');
    const lines = csv.split('\r\n').filter((l) => l.length > 0);
    expect(lines[0]).toBe(CSV_HEADER.replace(/\r\n$/, ''));
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(api.items.map((e: { id: string }) => e.id));
    expect(errors).toEqual([]);
  });

  it('given the search results, when she opens the complaint from a row, then its history shows the business events beside the Temporal events, the SLA timeline with the pause, the breach point and why, and the chain verified with its count', async () => {
    const link = page.getByRole('link', { name: `History of Complaint ${ids.main}` }).first();
    await link.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/app/audit/history/complaint/${ids.main}$`));

    const stored = await storedEvents();
    await expect(page.getByTestId('chain-verified').textContent()).resolves.toContain(`Chain verified: ${stored.length} events intact`);
    const business = page.getByTestId('history-business-event');
    await eventually(async () => (await business.count()) === stored.length, 15_000, 'every business event');
    expect(await business.evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-seq'))))).toEqual(stored.map((e) => e.seq));
    const engineTypes = await page.getByTestId('history-engine-event').locator('.audit-engine-type').allTextContents();
    expect(engineTypes).toContain('WorkflowExecutionStarted');
    expect(engineTypes.some((t) => t.startsWith('WorkflowExecutionUpdate'))).toBe(true);

    // The SLA timeline as the API explains it: the resolution clock paused once, then breached.
    const timeline = await ok(stack.call('GET', `/complaints/${ids.main}/sla-timeline`, { key: stack.keys.auditor }), 200);
    const resolution = timeline.clocks.find((c: { clock: string }) => c.clock === 'resolution');
    expect(resolution.summary.outcome).toBe('breached');
    const clock = page.locator('[data-testid="sla-clock"][data-clock="resolution"]');
    await expect(clock.getAttribute('data-outcome')).resolves.toBe('breached');
    // The line ends with the minutes used "so far", which grow between the two reads: compare up to there.
    const why = resolution.summary.why as string;
    expect(why).toContain('exceeded at');
    await expect(clock.getByTestId('sla-why').textContent()).resolves.toContain(why.slice(0, why.lastIndexOf(';')));
    await expect(clock.getByTestId('sla-breach-point').isVisible()).resolves.toBe(true);
    const segments = await clock.locator('.audit-segments li').allTextContents();
    expect(segments.filter((s) => s.startsWith('Paused:'))).toHaveLength(1);
    expect(segments.filter((s) => s.startsWith('Running:'))).toHaveLength(2);
    await expectAccessible(page);
    await saveScreenshot(page, 'audit-history');
    expect(errors).toEqual([]);
  });

  it('given the verify page, when she verifies the stream, downloads the latest signed digest and verifies everything against that file, then both verify; after an event is tampered with in the database, the same check names the break at its seq, and the history shows the chain broken', async () => {
    await page.getByRole('link', { name: 'Verify this stream' }).click();
    await page.waitForURL(/\/app\/audit\/verify\?stream=/);
    await expect(page.getByTestId('verify-stream').inputValue()).resolves.toBe(stream());
    await page.getByTestId('verify-submit').click();
    const stored = await storedEvents();
    await expect(page.getByTestId('verify-status').textContent()).resolves.toContain(`Verified: ${stored.length} events in 1 stream, no broken link`);

    // A time range that ends before it starts: the API's message shows next to the field it names.
    await page.getByTestId('verify-scope-range').check();
    await page.getByTestId('verify-from').fill('2026-03-02T10:00');
    await page.getByTestId('verify-to').fill('2026-03-01T10:00');
    const refused = page.waitForResponse((r) => r.url().endsWith('/audit/verify') && r.request().method() === 'POST');
    await page.getByTestId('verify-submit').click();
    expect((await refused).status()).toBe(400);
    await expect(page.locator('label:has([data-testid="verify-to"]) .field-error').textContent()).resolves.toBe('must be after from');

    // The latest signed digest, downloaded as a file, then pasted back as a saved copy.
    const latest = await ok(stack.call('GET', '/audit/digests/latest', { key: stack.keys.auditor }), 200);
    await expect(page.getByTestId('latest-digest-seq').textContent()).resolves.toBe(String(latest.seq));
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('latest-digest-download').click()]);
    const saved = await fs.readFile((await download.path())!, 'utf8');
    expect(JSON.parse(saved)).toMatchObject({ seq: latest.seq, hash: latest.hash, signature: latest.signature });

    await page.getByTestId('verify-scope-all').focus();
    await page.keyboard.press('Space');
    await expect(page.getByTestId('verify-scope-all').isChecked()).resolves.toBe(true);
    await page.getByTestId('verify-digest').fill(saved);
    const verified = page.waitForResponse((r) => r.url().endsWith('/audit/verify') && r.request().method() === 'POST');
    await page.getByTestId('verify-submit').click();
    expect(JSON.parse((await verified).request().postData()!)).toEqual({ digest: { seq: latest.seq, hash: latest.hash } });
    const whole = await ok(stack.call('POST', '/audit/verify', { key: stack.keys.auditor, body: { digest: { seq: latest.seq, hash: latest.hash } } }), 200);
    expect(whole).toMatchObject({ ok: true, scope: { kind: 'all' } });
    expect(whole.checkedStreams).toBeGreaterThanOrEqual(2);
    await expect(page.getByTestId('verify-status').textContent()).resolves.toBe(`✔ Verified: ${whole.checkedEvents} events in ${whole.checkedStreams} streams, no broken link`);
    const digestCheck = page.getByTestId('verify-digest-check');
    await expect(digestCheck.textContent()).resolves.toContain(`Digest ${latest.seq} (your saved digest)`);

    // Someone with database access rewrites what the paused-clock event says.
    const tampered = await stack.models.AuditEvent.updateOne({ _id: `${stream()}:${TAMPERED_SEQ}` }, { $set: { 'details.noteSeq': 99 } });
    expect(tampered.modifiedCount).toBe(1);
    const api = await ok(stack.call('POST', '/audit/verify', { key: stack.keys.auditor, body: { digest: { seq: latest.seq, hash: latest.hash } } }), 200);
    expect(api.firstBreak).toMatchObject({ stream: stream(), seq: TAMPERED_SEQ, kind: 'modified' });

    const again = page.waitForResponse((r) => r.url().endsWith('/audit/verify') && r.request().method() === 'POST');
    await page.getByTestId('verify-submit').click();
    await again;
    await expect(page.getByTestId('verify-status').textContent()).resolves.toContain('Broken: 1 stream with a broken link');
    const brk = page.getByTestId('verify-first-break');
    await expect(brk.getByTestId('verify-break-seq').textContent()).resolves.toBe(String(TAMPERED_SEQ));
    await expect(brk.getByTestId('verify-break-kind').textContent()).resolves.toBe('modified');
    await expect(brk.textContent()).resolves.toContain(stream());
    await expect(brk.textContent()).resolves.toContain(api.firstBreak.detail);
    await page.locator('[data-testid="verify-stored"] tr.audit-break-row').waitFor();
    await expectAccessible(page);
    await saveScreenshot(page, 'audit-verify');

    // The same report in Simplified Chinese.
    await page.getByRole('combobox', { name: 'Language' }).selectOption('zh-CN');
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('校验审计存储');
    await expect(page.getByTestId('verify-status').textContent()).resolves.toContain('已断裂');
    await page.getByRole('combobox', { name: '语言' }).selectOption('en');
    await page.getByRole('heading', { level: 1, name: 'Verify the audit store' }).waitFor();

    // The record's own page no longer shows it verified.
    await brk.getByRole('link', { name: stream() }).click();
    await page.waitForURL(new RegExp(`/app/audit/history/complaint/${ids.main}$`));
    await page.getByTestId('chain-broken').waitFor();
    await expect(page.getByTestId('chain-status').getByTestId('verify-break-seq').textContent()).resolves.toBe(String(TAMPERED_SEQ));
    await expect(page.getByTestId('chain-verified').count()).resolves.toBe(0);
    expect(errors).toEqual([]);
  });
});

describe('an agent on the audit pages', () => {
  it('given alice (an agent) signed in, when she opens /app/audit, then the page shows the API 403 problem, not a blank page, and her navigation has no audit entry', async () => {
    const { context, page, errors } = await newPage(browser, stack);
    try {
      await signIn(page, 'alice');
      const refused = page.waitForResponse((r) => new URL(r.url()).pathname === '/audit/events');
      await page.goto('/app/audit');
      expect((await refused).status()).toBe(403);
      const alert = page.getByRole('alert');
      await expect(alert.textContent()).resolves.toContain('You are not allowed to do this');
      await expect(alert.textContent()).resolves.toContain('403');
      await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).count()).resolves.toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
