/**
 * The agent's screens in a real Chromium against the real stack (API, worker,
 * Temporal, FerretDB): the queue and the complaint page, acting as Alice
 * would, then checking what was stored; and an auditor who may read but not
 * act, on the page and against the API.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { ComplaintState } from '../../src/domain/complaint';
import { storedState } from '../../src/db/models';
import { WEEKDAYS } from '../../src/domain/calendar';
import { type ApiStack, startApiStack } from '../helpers/api';
import { expectAccessible, newPage, openBrowser, saveScreenshot, signIn } from '../helpers/browser';

let stack: ApiStack;
let browser: Browser;
/** Complaint ids registered by the intake key in beforeAll. */
const ids = { work: '', fast: '', paused: '', closed: '' };

async function ok<T = any>(p: Promise<{ status: number; body: T; text: string }>, status: number): Promise<T> {
  const res = await p;
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${res.text}`);
  return res.body;
}

async function register(category: string, severity: string, description: string): Promise<string> {
  const body = await ok<{ id: string }>(
    stack.call('POST', '/complaints', { key: stack.keys.intake, body: { customer: { id: `cust-${category}`, name: 'Chloé Martin', email: 'chloe@example.com' }, channel: 'web', category, severity, description } }),
    201,
  );
  return body.id;
}

/** The complaint's state as the read model stores it. */
async function stored(id: string): Promise<ComplaintState> {
  const doc = await stack.models.Complaint.findById(id).lean();
  if (!doc) throw new Error(`no read model for ${id}`);
  return storedState<ComplaintState>(doc);
}

/** Waits until the read model has the complaint registered (its workflow ran the intake). */
async function untilRegistered(id: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await stack.models.Complaint.exists({ _id: id })) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`complaint ${id} never registered`);
}

beforeAll(async () => {
  [stack, browser] = await Promise.all([startApiStack(), openBrowser()]);
  const ada = stack.keys.ada!;
  // A 1-minute first-response target around the clock, without escalation: the "fast" complaint breaches during the test.
  await ok(
    stack.call('POST', '/sla-policies', {
      key: ada,
      body: {
        policyId: 'e2e-fast',
        name: 'E2E: one-minute first response',
        match: { severities: ['P1'], categories: ['e2e-fast'] },
        targets: { firstResponseMinutes: 1, nextResponseMinutes: 60, resolutionMinutes: 240 },
        calendarId: '24x7',
        warningThresholds: [50, 90],
        escalation: [],
      },
    }),
    201,
  );
  // A calendar open only on the weekday two days from now (UTC): its clocks run but do not count during the test.
  const openDay = WEEKDAYS[(new Date().getUTCDay() + 6 + 2) % 7]!;
  await ok(
    stack.call('POST', '/calendars', {
      key: ada,
      body: { calendarId: 'e2e-closed', name: 'Open one day a week', timeZone: 'UTC', weeklyHours: Object.fromEntries(WEEKDAYS.map((d) => [d, d === openDay ? [{ start: '09:00', end: '17:00' }] : []])), holidays: [] },
    }),
    201,
  );
  await ok(
    stack.call('POST', '/sla-policies', {
      key: ada,
      body: { policyId: 'e2e-closed', name: 'E2E: office closed now', match: { severities: ['P4'], categories: ['e2e-closed'] }, targets: { firstResponseMinutes: 60, nextResponseMinutes: 60, resolutionMinutes: 240 }, calendarId: 'e2e-closed' },
    }),
    201,
  );
  // Returns are resolved with a cause from this catalog.
  await ok(
    stack.call('POST', '/service-areas', {
      key: ada,
      body: {
        areaId: 'returns',
        name: 'Returns desk',
        match: { categories: ['returns'] },
        processOwnerId: 'olivia',
        calendarId: 'paris-office',
        volumeUnit: 'orders',
        causes: [
          { code: 'damaged-in-transit', label: 'Damaged in transit' },
          { code: 'wrong-item', label: 'Wrong item sent' },
        ],
      },
    }),
    201,
  );
  ids.fast = await register('e2e-fast', 'P1', 'Card blocked after a double charge, cannot pay rent');
  ids.work = await register('returns', 'P3', 'The parcel arrived crushed and the vase inside is broken');
  ids.paused = await register('delivery', 'P2', 'Delivery missed twice, no call from the courier');
  ids.closed = await register('e2e-closed', 'P4', 'Asked for a paper invoice three weeks ago');
  await Promise.all([untilRegistered(ids.fast), untilRegistered(ids.work), untilRegistered(ids.paused), untilRegistered(ids.closed)]);
  // Alice asks the customer of the third one for information: its resolution clock pauses (the demo policy pauses while awaiting the customer).
  const alice = stack.keys.alice!;
  await ok(stack.call('POST', `/complaints/${ids.paused}/acknowledge`, { key: alice, body: {} }), 200);
  await ok(stack.call('POST', `/complaints/${ids.paused}/request-info`, { key: alice, body: { message: 'Which address should the courier use?' } }), 200);
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const row = (page: Page, id: string) => page.locator(`[data-testid="queue-row"][data-complaint-id="${id}"]`);

describe('agent screens', () => {
  let context: BrowserContext;
  let page: Page;
  let queuePage: Page;
  let errors: string[];

  beforeAll(async () => {
    ({ context, page, errors } = await newPage(browser, stack));
  });
  afterAll(async () => {
    await context?.close();
  });

  it('given alice signed in, when she works a complaint from her queue (acknowledge, an empty note refused with the field message, a public note, resolve with a cause), then the page, the read model and the audit trail show each step by alice, and a queue open in another tab updates by itself', async () => {
    await signIn(page, 'alice');
    await page.waitForURL(/\/app\/queue$/);
    await page.locator('[data-testid="queue-table"][data-loaded="true"]').waitFor();
    await row(page, ids.work).waitFor();
    await expect(row(page, ids.work).getAttribute('data-status')).resolves.toBe('open');
    await expectAccessible(page);

    // A second tab on the queue, never reloaded: it must follow what happens in the first.
    queuePage = await context.newPage();
    queuePage.on('pageerror', (e) => errors.push(`pageerror (queue tab): ${e.message}`));
    await queuePage.goto('/app/queue');
    await row(queuePage, ids.work).waitFor();
    const navigations: string[] = [];
    queuePage.on('framenavigated', (f) => navigations.push(f.url()));

    // Keyboard: focus the complaint's link and press Enter.
    await row(page, ids.work).getByRole('link', { name: ids.work }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/app/complaints/${ids.work}$`));
    await page.getByTestId('complaint-actions').waitFor();

    // Acknowledge with the keyboard (Space on the button): alice becomes owner and first responder.
    const ack = page.waitForResponse((r) => r.url().endsWith(`/complaints/${ids.work}/acknowledge`) && r.request().method() === 'POST');
    await page.getByTestId('action-acknowledge-submit').focus();
    await page.keyboard.press('Space');
    expect((await ack).status()).toBe(200);
    await expect(page.getByTestId('complaint-status').textContent()).resolves.toBe('Acknowledged');
    await page.getByTestId('complaint-owner').getByTestId('first-responder').waitFor();
    await expect(page.getByTestId('complaint-owner').textContent()).resolves.toContain('alice');

    // An empty note: the API's 400 names body.text, and its message shows next to the field.
    await page.getByTestId('action-add_note-open').click();
    const refused = page.waitForResponse((r) => r.url().endsWith(`/complaints/${ids.work}/add-note`));
    await page.getByTestId('action-add_note-submit').click();
    const refusal = await refused;
    expect(refusal.status()).toBe(400);
    const problem = (await refusal.json()) as { errors: { path: string; message: string }[] };
    const textError = problem.errors.find((e) => e.path === 'body.text');
    expect(textError).toBeDefined();
    await expect(page.locator('#action-add_note-text-error').textContent()).resolves.toContain(textError!.message);
    await expect(page.getByTestId('action-add_note-text').getAttribute('aria-invalid')).resolves.toBe('true');

    // A public note, typed and ticked with the keyboard.
    await page.getByTestId('action-add_note-text').focus();
    await page.keyboard.type('We have booked a courier to collect the broken vase.');
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement.id)).resolves.toBe('action-add_note-visibility');
    await page.keyboard.press('Space');
    const noted = page.waitForResponse((r) => r.url().endsWith(`/complaints/${ids.work}/add-note`) && r.status() === 200);
    await page.getByTestId('action-add_note-submit').click();
    await noted;
    const note = page.locator('[data-testid="note"][data-visibility="public"]');
    await note.waitFor();
    await expect(note.textContent()).resolves.toContain('We have booked a courier');
    await page.locator('[data-testid="timeline-audit"]', { hasText: 'Note added' }).waitFor();
    await expectAccessible(page);
    await saveScreenshot(page, 'agent-complaint');

    // Resolve with a cause from the area's catalog (shown by its label) and two tags.
    await page.getByTestId('action-resolve-open').click();
    await page.getByTestId('action-resolve-summary').fill('Courier collected the parcel; refund issued.');
    await page.getByTestId('action-resolve-cause').selectOption({ label: 'Damaged in transit' });
    await page.getByTestId('action-resolve-tags').fill('courier, refund');
    const resolved = page.waitForResponse((r) => r.url().endsWith(`/complaints/${ids.work}/resolve`));
    await page.getByTestId('action-resolve-submit').click();
    expect((await resolved).status()).toBe(200);
    await expect(page.getByTestId('complaint-status').textContent()).resolves.toBe('Resolved');
    await expect(page.getByTestId('complaint-resolution').textContent()).resolves.toContain('damaged-in-transit');

    // The other tab shows the new status without any navigation (it polls).
    await queuePage.locator(`[data-testid="queue-row"][data-complaint-id="${ids.work}"][data-status="resolved"]`).waitFor({ timeout: 15_000 });
    expect(navigations).toEqual([]);

    // Stored: the read model and the audit trail, each step by alice; the refused note left nothing.
    const state = await stored(ids.work);
    expect(state).toMatchObject({ status: 'resolved', ownerId: 'alice', firstResponderId: 'alice' });
    expect(state.notes).toEqual([expect.objectContaining({ authorId: 'alice', visibility: 'public', text: 'We have booked a courier to collect the broken vase.' })]);
    expect(state.resolution).toMatchObject({ by: 'alice', cause: 'damaged-in-transit', tags: ['courier', 'refund'] });
    const events = await stack.models.AuditEvent.find({ stream: `complaint:${ids.work}` }).sort({ seq: 1 }).lean();
    expect(events.map((e) => [e.action, e.actor?.id])).toEqual([
      ['intake', 'webform'],
      ['acknowledge', 'alice'],
      ['add_note', 'alice'],
      ['resolve', 'alice'],
    ]);
    expect(events[2]!.details).toMatchObject({ visibility: 'public' });
    expect(events[3]!.details).toMatchObject({ cause: 'damaged-in-transit' });
    expect(errors).toEqual([]);
  });

  it('given a complaint past its one-minute first-response target, one awaiting the customer and one whose calendar is closed now, when the queue shows them, then the first counts down below zero each second as breached, the second carries a pause mark, and neither the second nor the third ticks', async () => {
    // The API says which clocks count now, and the policy's thresholds the colours follow.
    type View = { sla: { warningThresholds: number[]; clocks: { kind: string; state: string; counting: boolean }[] } };
    const alice = stack.keys.alice!;
    const clocksOf = async (id: string) => (await ok<View>(stack.call('GET', `/complaints/${id}`, { key: alice }), 200)).sla;
    const fastSla = await clocksOf(ids.fast);
    expect(fastSla.warningThresholds).toEqual([50, 90]);
    expect(fastSla.clocks).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'first_response', state: 'running', counting: true })]));
    expect((await clocksOf(ids.paused)).clocks).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'resolution', state: 'paused', counting: false })]));
    const closedSla = await clocksOf(ids.closed);
    expect(closedSla.warningThresholds).toEqual([50, 75, 90]);
    expect(closedSla.clocks.map((c) => [c.kind, c.state, c.counting])).toEqual([
      ['first_response', 'running', false],
      ['resolution', 'running', false],
    ]);

    const fast = queuePage.locator(`[data-testid="queue-row"][data-complaint-id="${ids.fast}"] [data-testid="sla-countdown"]`);
    // The target is one business minute on a 24x7 calendar: breached at most a minute after intake.
    await queuePage.locator(`[data-testid="queue-row"][data-complaint-id="${ids.fast}"] [data-testid="sla-countdown"][data-level="breached"]`).waitFor({ timeout: 90_000 });
    await expect(fast.getAttribute('data-counting')).resolves.toBe('true');
    // Breached from the instant the target is used up; the text shows a minus from the first whole second past it.
    await fast.locator('.queue-clock-time', { hasText: /^-\d+:\d\d:\d\d$/ }).waitFor({ timeout: 5_000 });
    const before = (await fast.locator('.queue-clock-time').textContent())!;
    expect(before).toMatch(/^-\d+:\d\d:\d\d$/);
    // It ticks: the text changes within a few seconds without a reload.
    await queuePage.waitForFunction(
      ([sel, text]) => (globalThis as unknown as { document: { querySelector(s: string): { textContent: string } | null } }).document.querySelector(sel)?.textContent !== text,
      [`[data-complaint-id="${ids.fast}"] .queue-clock-time`, before] as const,
      { timeout: 5_000 },
    );
    expect((await fast.locator('.queue-clock-time').textContent())!).toMatch(/^-\d+:\d\d:\d\d$/);

    const paused = queuePage.locator(`[data-testid="queue-row"][data-complaint-id="${ids.paused}"]`);
    await paused.getByTestId('pause-mark').waitFor();
    await expect(paused.getByTestId('sla-countdown').getAttribute('data-state')).resolves.toBe('paused');
    await expect(paused.getByTestId('sla-countdown').getAttribute('data-counting')).resolves.toBe('false');
    await expect(paused.getByTestId('queue-status').textContent()).resolves.toBe('Awaiting customer');

    // Running outside the calendar's hours: said so, and frozen across two refreshes of the queue.
    const closed = queuePage.locator(`[data-testid="queue-row"][data-complaint-id="${ids.closed}"] [data-testid="sla-countdown"]`);
    await expect(closed.getAttribute('data-counting')).resolves.toBe('false');
    await expect(closed.textContent()).resolves.toContain('outside business hours');
    const frozen = { closed: await closed.locator('.queue-clock-time').textContent(), paused: await paused.locator('.queue-clock-time').textContent() };
    for (let i = 0; i < 2; i++) await queuePage.waitForResponse((r) => new URL(r.url()).pathname === '/complaints' && r.status() === 200);
    expect({ closed: await closed.locator('.queue-clock-time').textContent(), paused: await paused.locator('.queue-clock-time').textContent() }).toEqual(frozen);
    expect(frozen.closed).toBe('1:00:00');
    // Breached, paused and resolved rows: the colours still pass axe's contrast checks.
    await expectAccessible(queuePage);
    await saveScreenshot(queuePage, 'agent-queue');
    expect(errors).toEqual([]);
  });
});

describe('a role without the permission to act', () => {
  it('given auditor audrey, when she opens a complaint, then she reads it with no action offered, and a cookie-authenticated POST from that page with a valid CSRF token gets 403 and stores nothing', async () => {
    const { context, page, errors } = await newPage(browser, stack);
    try {
      await signIn(page, 'audrey');
      await page.goto(`/app/complaints/${ids.paused}`);
      await page.getByTestId('complaint-page').waitFor();
      await page.getByTestId('no-actions').waitFor();
      await expect(page.getByTestId('complaint-actions').count()).resolves.toBe(0);
      await expect(page.getByRole('button', { name: 'Add a note' }).count()).resolves.toBe(0);
      // She still reads it all: the clocks (the resolution clock paused) and the timeline.
      await page.locator('[data-testid="clock-row"][data-kind="resolution"] [data-testid="pause-mark"]').waitFor();
      await page.locator('[data-testid="timeline-audit"]', { hasText: 'Information requested' }).waitFor();
      await expectAccessible(page);

      const before = await stack.models.AuditEvent.countDocuments({ stream: `complaint:${ids.paused}` });
      const answer = (await page.evaluate(async (path) => {
        const session = (await (await fetch('/auth/session', { credentials: 'same-origin' })).json()) as { csrfToken: string };
        const res = await fetch(path, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
          body: JSON.stringify({ text: 'an auditor should not write here', visibility: 'internal' }),
        });
        return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as { code?: string } };
      }, `/complaints/${ids.paused}/add-note`)) as { status: number; type: string; body: { code?: string } };
      expect(answer.status).toBe(403);
      expect(answer.type).toMatch(/^application\/problem\+json/);
      expect(await stack.models.AuditEvent.countDocuments({ stream: `complaint:${ids.paused}` })).toBe(before);
      expect((await stored(ids.paused)).notes.map((n) => n.text)).not.toContain('an auditor should not write here');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
