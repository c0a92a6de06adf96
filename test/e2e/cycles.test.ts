/**
 * The process owner's screens in a real Chromium against the real stack:
 * the improvement board, a new PDCA cycle, its Plan artefacts through the
 * editors, the gate (what is missing, as the API says), the sponsor's
 * signature in another browser context, measurements on the control chart
 * with a Western Electric signal marked; an agent sees no "new cycle" and the
 * API refuses her cookie session.
 */
import type { Browser, Page } from 'playwright-core';
import { type ApiStack, startApiStack } from '../helpers/api';
import { expectAccessible, newPage, openBrowser, saveScreenshot, signIn } from '../helpers/browser';

let stack: ApiStack;
let browser: Browser;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startApiStack(), openBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const DAY = 86_400_000;
/** A datetime-local value (the field the page turns into an ISO instant in the browser's time zone). */
const localInput = (ms: number) => new Date(ms).toISOString().slice(0, 16);

/** A POST from the page's own cookie session (CSRF token from GET /auth/session), as a script in the page could send it. */
async function postFromPage(page: Page, path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  return (await page.evaluate(
    `(async () => {
      const session = await (await fetch('/auth/session')).json();
      const res = await fetch(${JSON.stringify(path)}, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken }, body: ${JSON.stringify(JSON.stringify(body))} });
      return { status: res.status, body: await res.json() };
    })()`,
  )) as { status: number; body: Record<string, unknown> };
}

/** Submits an action form of the cycle page and waits for the API's answer. */
async function submitAction(page: Page, name: string, expectStatus = 200): Promise<void> {
  const slug = name.replace(/_/g, '-');
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname.endsWith(`/${slug}`)),
    page.getByTestId(`submit-${name}`).click(),
  ]);
  expect(res.status()).toBe(expectStatus);
}

const form = (page: Page, name: string) => page.getByTestId(`action-${name}`);
const missingShown = async (page: Page) => (await page.getByTestId('gate-missing').locator('li').allTextContents()).map((s) => s.trim());

describe('improvement cycles in the browser', () => {
  it('given olivia, when she creates a PDCA cycle, fills in Plan, submits the gate, simon signs it in his own session and she records a point beyond 3σ, then the chart marks the signal', async () => {
    const owner = await newPage(browser, stack);
    const sponsor = await newPage(browser, stack);
    try {
      const { page, errors } = owner;
      await signIn(page, 'olivia');
      await page.goto('/app/cycles');
      await page.getByRole('heading', { level: 1, name: 'Improvement board' }).waitFor();
      await page.getByTestId('new-cycle').click();
      await page.waitForURL(/\/app\/cycles\/new$/);
      await page.getByRole('heading', { level: 1, name: 'New improvement cycle' }).waitFor();

      // Keyboard: type into the title, Tab to the next field, Enter on the submit button.
      await page.locator('#new-cycle-title').focus();
      await page.keyboard.type('Faster first response on billing');
      await page.keyboard.press('Tab');
      await page.keyboard.type('customer support / billing');
      expect(await page.locator('#new-cycle-area').inputValue()).toBe('customer support / billing');
      await page.locator('#new-cycle-problemStatement').fill('Billing complaints wait about 10 hours for a first response.');
      await page.locator('#new-cycle-sponsorId').fill('simon');
      await page.locator('#new-cycle-team').fill('alice');
      await page.locator('#new-cycle-metric').fill('first response time');
      await page.locator('#new-cycle-unit').fill('h');
      await page.locator('#new-cycle-baseline').fill('10');
      await page.locator('#new-cycle-target').fill('6');
      await expectAccessible(page);
      await saveScreenshot(page, 'cycles-new');

      // No deadline: the API's field error appears next to the deadline field, and nothing is created.
      const [refused] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/cycles'), page.getByTestId('create-cycle').click()]);
      expect(refused.status()).toBe(400);
      await expect(page.locator('#new-cycle-deadline-error').textContent()).resolves.toBeTruthy();
      expect(await stack.models.Cycle.countDocuments()).toBe(0);

      await page.locator('#new-cycle-deadline').fill(localInput(Date.now() + 60 * DAY));
      await page.getByTestId('create-cycle').focus();
      const [created] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/cycles'), page.keyboard.press('Enter')]);
      expect(created.status()).toBe(201);
      const cycleId = ((await created.json()) as { id: string }).id;
      await page.waitForURL(new RegExp(`/app/cycles/${cycleId}$`));
      await page.getByTestId('cycle-page').waitFor();
      const stored = await stack.call('GET', `/cycles/${cycleId}`, { key: stack.keys.olivia });
      expect(stored.body).toMatchObject({ type: 'pdca', phase: 'plan', ownerId: 'olivia', sponsorId: 'simon', title: 'Faster first response on billing', goal: { baseline: 10, target: 6 } });

      // What the gate still needs is the API's list, shown as is; the owner is not offered a submission the API would refuse...
      expect(await missingShown(page)).toEqual(stored.body.gate.missing);
      expect(stored.body.gate.missing).toHaveLength(3);
      expect(await form(page, 'submit_gate').count()).toBe(0);
      // ...and the API, asked anyway from her session, refuses it naming the same artefacts.
      const early = await postFromPage(page, `/cycles/${cycleId}/submit-gate`, {});
      expect(early.status).toBe(422);
      expect(early.body.code).toBe('GATE_INCOMPLETE');
      expect(early.body.missing).toEqual(stored.body.gate.missing);

      // 5 whys: a missing root cause is named by the API next to its field; then it is saved.
      await form(page, 'add_five_whys').locator('[name=problem]').fill('slow first response');
      await form(page, 'add_five_whys').locator('[name=whys]').fill('queue unsorted\nno triage rule');
      await submitAction(page, 'add_five_whys', 400);
      await expect(form(page, 'add_five_whys').locator('.field-error').first().textContent()).resolves.toBeTruthy();
      await form(page, 'add_five_whys').locator('[name=rootCause]').fill('no triage rule for billing');
      await submitAction(page, 'add_five_whys');
      await page.getByTestId('artefact-five-whys').getByText('no triage rule for billing').waitFor();
      expect(await missingShown(page)).toEqual(['at least one countermeasure', 'at least one action item']);

      await form(page, 'add_fishbone_cause').locator('[name=category]').selectOption('method');
      await form(page, 'add_fishbone_cause').locator('[name=cause]').fill('billing complaints are not triaged');
      await submitAction(page, 'add_fishbone_cause');
      await form(page, 'add_countermeasure').locator('[name=description]').fill('triage billing complaints first');
      await submitAction(page, 'add_countermeasure');
      await form(page, 'add_action').locator('[name=title]').fill('Add a billing triage script');
      await form(page, 'add_action').locator('[name=assigneeId]').fill('alice');
      await form(page, 'add_action').locator('[name=dueAt]').fill(localInput(Date.now() + 7 * DAY));
      await submitAction(page, 'add_action');
      await page.getByTestId('gate-complete').waitFor();
      await page.getByTestId('action-items').getByText('Add a billing triage script').waitFor();

      // A stable baseline before the change (Plan), recorded in bulk through the API.
      const baseline = [10.1, 9.8, 10.3, 9.9, 10.0, 10.2, 9.7, 10.1, 9.9, 10.0, 10.2, 9.8];
      const bulk = await stack.call('POST', `/cycles/${cycleId}/record-measurements`, { key: stack.keys.olivia, body: { measurements: baseline.map((value) => ({ value })) } });
      expect(bulk.status).toBe(200);

      await form(page, 'submit_gate').locator('[name=comment]').fill('plan ready for review');
      await submitAction(page, 'submit_gate');
      await page.getByTestId('gate-pending').getByText('Awaiting signature of simon').waitFor();
      expect(await form(page, 'sign_gate').count()).toBe(0); // the owner never signs her own gate
      expect(await form(page, 'add_five_whys').count()).toBe(0); // artefacts frozen while pending

      // simon, in his own browser context, signs with its meaning.
      await signIn(sponsor.page, 'simon');
      await sponsor.page.goto(`/app/cycles/${cycleId}`);
      await form(sponsor.page, 'sign_gate').waitFor();
      expect(await sponsor.page.getByTestId('sign-meaning').textContent()).toContain('approved Plan');
      await form(sponsor.page, 'sign_gate').locator('[name=comment]').fill('countermeasure and baseline look right');
      await submitAction(sponsor.page, 'sign_gate');
      await sponsor.page.getByTestId('cycle-phase').getByText('Do').waitFor();
      await sponsor.page.getByTestId('signatures').first().getByText('approved plan').waitFor();
      const signed = await stack.call('GET', `/cycles/${cycleId}`, { key: stack.keys.olivia });
      expect(signed.body.phase).toBe('do');
      expect(signed.body.signatures).toEqual([expect.objectContaining({ signerId: 'simon', decision: 'approved', meaning: 'approved plan', comment: 'countermeasure and baseline look right' })]);
      expect(sponsor.errors).toEqual([]);

      // olivia records, through the page's form, a point far beyond 3σ of the baseline.
      await page.reload();
      await page.getByTestId('cycle-phase').getByText('Do').waitFor();
      await page.locator('[data-testid=measurement-chart][data-points="12"]').waitFor();
      expect(await page.getByTestId('measurement-chart').getAttribute('data-signals')).toBe('0');
      await form(page, 'record_measurements').locator('[name=value]').fill('16');
      await form(page, 'record_measurements').locator('[name=note]').fill('after the triage change');
      await submitAction(page, 'record_measurements');
      await page.locator('[data-testid=measurement-chart][data-points="13"]').waitFor();
      expect(await page.getByTestId('measurement-chart').getAttribute('data-signals')).toBe('1');
      const rows = page.getByTestId('signal-table').locator('tbody tr');
      expect(await rows.count()).toBe(1);
      expect(await rows.first().getAttribute('data-seq')).toBe('13');
      expect(await rows.first().textContent()).toContain('1: a point beyond 3σ');
      expect(await rows.first().textContent()).toContain('worse');
      const after = await stack.call('GET', `/cycles/${cycleId}`, { key: stack.keys.olivia });
      expect(after.body.measurements.at(-1)).toMatchObject({ seq: 13, value: 16, stage: 'do', by: 'olivia', note: 'after the triage change' });
      await expectAccessible(page);
      await saveScreenshot(page, 'cycles-cycle');

      // The board shows the cycle in its phase column.
      await page.goto('/app/cycles');
      const card = page.locator(`[data-phase=do] [data-cycle-id="${cycleId}"]`);
      await card.waitFor();
      expect(await card.textContent()).toContain('Faster first response on billing');
      await expectAccessible(page);
      await saveScreenshot(page, 'cycles-board');
      expect(errors).toEqual([]);
    } finally {
      await owner.context.close();
      await sponsor.context.close();
    }
  });

  it('given a cycle with 1,000 measurements, when its page opens, then the control chart draws all of them', async () => {
    const created = await stack.call('POST', '/cycles', {
      key: stack.keys.olivia,
      body: {
        type: 'pdca',
        title: 'A thousand points',
        problemStatement: 'Chart load',
        area: 'billing',
        sponsorId: 'simon',
        goal: { metric: 'handling time', unit: 'min', direction: 'lower_is_better', baseline: 30, target: 20, deadline: new Date(Date.now() + 90 * DAY).toISOString() },
      },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    for (let batch = 0; batch < 2; batch++) {
      const measurements = Array.from({ length: 500 }, (_, i) => ({ value: 30 + Math.sin(batch * 500 + i) }));
      expect((await stack.call('POST', `/cycles/${id}/record-measurements`, { key: stack.keys.olivia, body: { measurements } })).status).toBe(200);
    }
    const { context, page, errors } = await newPage(browser, stack);
    try {
      await signIn(page, 'olivia');
      await page.goto(`/app/cycles/${id}`);
      await page.locator('[data-testid=measurement-chart][data-points="1000"]').waitFor({ timeout: 15_000 });
      expect(await page.getByTestId('recent-measurements').locator('tbody tr').count()).toBe(10);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('given alice (agent), when she opens the board, then there is no "new cycle" and a POST /cycles from her session is refused with 403', async () => {
    const teamCycle = await stack.call('POST', '/cycles', {
      key: stack.keys.olivia,
      body: {
        type: 'dmaic',
        title: 'Fewer invoice re-issues',
        problemStatement: 'Invoices are re-issued too often.',
        area: 'billing',
        sponsorId: 'simon',
        team: ['alice'],
        goal: { metric: 're-issues', unit: 'per 1000', direction: 'lower_is_better', baseline: 14, target: 5, deadline: new Date(Date.now() + 90 * DAY).toISOString() },
      },
    });
    expect(teamCycle.status).toBe(201);
    const { context, page, errors } = await newPage(browser, stack);
    try {
      await signIn(page, 'alice');
      await page.goto('/app/cycles');
      await page.getByRole('heading', { level: 1, name: 'Improvement board' }).waitFor();
      // She is on the team of a cycle: she may read it (its card, in its phase), not start one.
      await page.locator(`[data-phase=define] [data-cycle-id="${teamCycle.body.id}"]`).waitFor();
      expect(await page.getByTestId('new-cycle').count()).toBe(0);
      const before = await stack.models.Cycle.countDocuments();
      const res = await postFromPage(page, '/cycles', {
        type: 'pdca',
        title: 'Not mine to start',
        problemStatement: 'x',
        area: 'billing',
        sponsorId: 'simon',
        goal: { metric: 'm', unit: 'h', direction: 'lower_is_better', baseline: 10, target: 6, deadline: new Date(Date.now() + 30 * DAY).toISOString() },
      });
      expect(res.status).toBe(403);
      expect(await stack.models.Cycle.countDocuments()).toBe(before);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
