/**
 * The survey screens in a real Chromium against the real stack (API, worker
 * running the campaign workflows, Temporal, FerretDB). Olivia (process owner)
 * defines a SERVQUAL survey, rewords an item into version 2, starts a
 * campaign from a CSV file (a bad row first: its field error shows), the
 * invited customers answer through their own links (the token an invitation
 * email carries, built with linkUrl as the campaign's activity builds it),
 * she closes it now and reads the results: the gap per dimension, the largest
 * negative gap and the overall score equal an independent computation here,
 * and the Markdown export carries them. A Kano survey made with the feature
 * editor flags a must-be feature rated low. A supervisor reads the results
 * but is offered no write control.
 */
import type { Browser } from 'playwright-core';
import type { SurveyContent } from '../../src/domain/survey';
import { linkClaims, linkUrl } from '../../src/services/customer-links';
import { type ApiStack, startApiStack } from '../helpers/api';
import { expectAccessible, newPage, openBrowser, saveScreenshot, signIn } from '../helpers/browser';
import { validatedFetch } from '../helpers/openapi-validation';
import { eventually, uniqueId } from '../helpers/stack';

let stack: ApiStack;
let browser: Browser;
const AREA = 'care-desk';
const DIMENSIONS = ['tangibles', 'reliability', 'responsiveness', 'assurance', 'empathy'] as const;

async function ok<T = any>(p: Promise<{ status: number; body: T; text: string }>, status: number): Promise<T> {
  const res = await p;
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${res.text}`);
  return res.body;
}

beforeAll(async () => {
  [stack, browser] = await Promise.all([startApiStack(), openBrowser()]);
  await ok(
    stack.call('POST', '/service-areas', {
      key: stack.keys.ada,
      body: { areaId: AREA, name: 'Customer care', match: { categories: ['care'] }, processOwnerId: 'olivia', calendarId: 'paris-office', volumeUnit: 'contacts', causes: [] },
    }),
    201,
  );
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** The invitations of a campaign once its workflow opened it, with the token each customer's email carries. */
async function invitationTokens(campaignId: string, expected: number): Promise<{ customerId: string; token: string }[]> {
  const invitations = await eventually(
    async () => {
      // The opening activity writes the invitations, then marks the campaign open: answers are accepted from then on.
      const campaign = await stack.models.SurveyCampaign.findById(campaignId).lean();
      const docs = await stack.models.SurveyInvitation.find({ campaignId }).lean();
      return campaign?.status === 'open' && docs.length === expected ? docs : null;
    },
    60_000,
    `the ${expected} invitations of ${campaignId}`,
  );
  return invitations.map((inv) => ({
    customerId: inv.customerId,
    token: linkUrl(stack.config, linkClaims(stack.config, { linkId: inv.linkId, subject: 'invitation', subjectId: inv._id, customerId: inv.customerId }, Date.now())).token,
  }));
}

/** A customer's answers through their link, as their page sends them. */
async function respond(token: string, answers: unknown, complete: boolean): Promise<void> {
  await ok(stack.call('PUT', '/customer-link/survey/response', { headers: { 'x-customer-link': token, 'idempotency-key': uniqueId('answer') }, body: { answers, complete } }), 200);
}

/** A local date-time value for <input type="datetime-local"> `days` from now, in the browser's zone (Europe/Paris). */
function localDateTime(days: number): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(Date.now() + days * 86_400_000));
  const p = (t: string) => parts.find((x) => x.type === t)!.value;
  return `${p('year')}-${p('month')}-${p('day')}T${p('hour')}:${p('minute')}`;
}

describe('surveys', () => {
  it('given olivia, when she defines a SERVQUAL survey, rewords an item into version 2, starts a campaign from a CSV file, customers answer through their links and she closes it now, then the results show the gap chart, the largest negative gap (named in Chinese too) and overall score of an independent computation, and the Markdown export carries them', async () => {
    const { context, page, errors } = await newPage(browser, stack);
    try {
      await signIn(page, 'olivia');
      await page.getByRole('navigation').getByRole('link', { name: 'Surveys' }).click();
      await page.waitForURL(/\/app\/surveys$/);
      await page.getByTestId('surveys-new-definition').waitFor();
      await expectAccessible(page);
      await page.getByTestId('surveys-new-definition').click();

      // A SERVQUAL definition: the 22 standard items, filled in by the API.
      const title = `Service quality ${uniqueId('sq')}`;
      await page.getByTestId('definition-title').fill(title);
      await expect(page.getByTestId('definition-kind').inputValue()).resolves.toBe('servqual');
      await page.getByTestId('editor-standard-items').waitFor();
      await expectAccessible(page);
      const created = page.waitForResponse((r) => new URL(r.url()).pathname === '/survey-definitions' && r.request().method() === 'POST');
      await page.getByTestId('definition-create').click();
      const createdRes = await created;
      expect(createdRes.status()).toBe(201);
      expect(createdRes.request().headers()['idempotency-key']).toBeTruthy();
      const surveyId = ((await createdRes.json()) as { surveyId: string }).surveyId;
      await page.waitForURL(new RegExp(`/app/survey-definitions/${surveyId}`));
      await page.getByTestId('definition-item-rel1').waitFor();
      await expect(page.getByTestId('definition-items').locator('tbody tr').count()).resolves.toBe(22);

      // Version 2: rel1 reworded; an existing item's dimension is shown, not editable.
      await page.getByTestId('definition-edit').click();
      await expect(page.getByTestId('editor-item-dimension-rel1').evaluate((el) => el.tagName)).resolves.toBe('SPAN');
      const reworded = 'When our desk promises a call back by a certain time, it calls back.';
      await page.getByTestId('editor-item-text-rel1-en').fill(reworded);
      await expectAccessible(page);
      const saved = page.waitForResponse((r) => new URL(r.url()).pathname === `/survey-definitions/${surveyId}` && r.request().method() === 'PUT');
      await page.getByTestId('definition-save').click();
      expect((await saved).status()).toBe(200);
      await page.locator('[data-testid="definition-latest-version"][data-version="2"]').waitFor();
      await page.getByTestId('definition-item-rel1').filter({ hasText: reworded }).waitFor();
      const versions = await stack.models.SurveyDefinition.find({ surveyId }).sort({ version: 1 }).lean();
      const contentOf = (v: (typeof versions)[number]) => (JSON.parse(v.definitionJson) as { content: SurveyContent }).content as Extract<SurveyContent, { kind: 'servqual' }>;
      expect(versions.map((v) => v.version)).toEqual([1, 2]);
      expect(contentOf(versions[1]!).items.find((i) => i.id === 'rel1')).toMatchObject({ dimension: 'reliability', text: { en: reworded } });
      expect(contentOf(versions[0]!).items.find((i) => i.id === 'rel1')!.text.en).not.toBe(reworded);
      const items = contentOf(versions[1]!).items;

      // A campaign from this survey, first with a CSV whose second row has a bad email: the API names the cell, shown by the file field.
      await page.getByTestId('definition-new-campaign').click();
      await page.waitForURL(/\/app\/surveys\/new\?survey=/);
      await page.getByTestId('campaign-title').fill(`Spring ${title}`);
      await expect(page.getByTestId('campaign-area').inputValue()).resolves.toBe(AREA);
      await page.getByTestId('campaign-endsAt').fill(localDateTime(2));
      const customers = Array.from({ length: 5 }, (_, i) => ({ id: uniqueId(`sq-cust${i}`), email: `customer${i}@example.com` }));
      const csv = (rows: { id: string; email: string }[]) => ['customerId,email,name,language', ...rows.map((c, i) => `${c.id},${c.email},Customer ${i},${i % 2 ? 'zh-CN' : 'en'}`)].join('\n');
      await page.getByTestId('campaign-csv').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(csv([customers[0]!, { id: customers[1]!.id, email: 'not-an-email' }])) });
      await page.getByTestId('campaign-csv-read').filter({ hasText: 'bad.csv: 2 rows' }).waitFor();
      const refused = page.waitForResponse((r) => new URL(r.url()).pathname === '/surveys' && r.request().method() === 'POST');
      await page.getByTestId('campaign-create').click();
      const refusal = await refused;
      expect(refusal.status()).toBe(400);
      const problem = (await refusal.json()) as { errors: { path: string; message: string }[] };
      const cell = problem.errors.find((e) => e.path === 'body.audience.csv.rows.1.email');
      expect(cell).toBeDefined();
      await expect(page.locator('#campaign-csv-error').textContent()).resolves.toContain(cell!.message);
      expect(await stack.models.SurveyCampaign.countDocuments({ surveyId })).toBe(0);

      await page.getByTestId('campaign-csv').setInputFiles({ name: 'customers.csv', mimeType: 'text/csv', buffer: Buffer.from(csv(customers)) });
      await page.getByTestId('campaign-csv-read').filter({ hasText: 'customers.csv: 5 rows' }).waitFor();
      await expectAccessible(page);
      const started = page.waitForResponse((r) => new URL(r.url()).pathname === '/surveys' && r.request().method() === 'POST');
      await page.getByTestId('campaign-create').click();
      const startedRes = await started;
      expect(startedRes.status()).toBe(201);
      const campaignId = ((await startedRes.json()) as { campaignId: string }).campaignId;
      await page.waitForURL(new RegExp(`/app/surveys/${campaignId}$`));
      expect(await stack.models.SurveyCampaign.findById(campaignId).lean()).toMatchObject({ surveyId, surveyVersion: 2, areaId: AREA });

      // Four customers answer completely, one saves half and never finishes.
      const tokens = await invitationTokens(campaignId, 5);
      expect(tokens.map((x) => x.customerId).sort()).toEqual(customers.map((c) => c.id).sort());
      /** Perception below expectation by this much per dimension (reliability worst), plus one point for every other respondent. */
      const shortfall: Record<(typeof DIMENSIONS)[number], number> = { tangibles: 0, reliability: 3, responsiveness: 2, assurance: 1, empathy: 1 };
      const answersOf = (r: number) => ({
        kind: 'servqual',
        expectations: Object.fromEntries(items.map((i) => [i.id, 7])),
        perceptions: Object.fromEntries(items.map((i) => [i.id, 7 - shortfall[i.dimension] - (r % 2) - (i.id.endsWith('1') && r === 0 ? 1 : 0)])),
      });
      for (const [r, { token }] of tokens.slice(0, 4).entries()) await respond(token, answersOf(r), true);
      const half = answersOf(4);
      await respond(tokens[4]!.token, { ...half, perceptions: Object.fromEntries(Object.entries(half.perceptions).slice(0, 5)) }, false);

      // Independently: per respondent the mean gap of each dimension's items, then the mean over respondents.
      const expectedGap: Record<string, number> = {};
      for (const d of DIMENSIONS) {
        const ids = items.filter((i) => i.dimension === d).map((i) => i.id);
        let sum = 0;
        for (let r = 0; r < 4; r++) {
          const a = answersOf(r);
          let own = 0;
          for (const id of ids) own += a.perceptions[id]! - a.expectations[id]!;
          sum += own / ids.length;
        }
        expectedGap[d] = sum / 4;
      }
      const expectedOverall = DIMENSIONS.reduce((s, d) => s + expectedGap[d]!, 0) / DIMENSIONS.length;
      const worst = [...DIMENSIONS].sort((a, b) => expectedGap[a]! - expectedGap[b]!)[0];
      expect(worst).toBe('reliability');

      // The page follows the answers (it polls), then Olivia closes the campaign now.
      await page.locator('[data-testid="campaign-count-completed"][data-value="4"]').waitFor({ timeout: 30_000 });
      await page.locator('[data-testid="campaign-count-responded"][data-value="5"]').waitFor({ timeout: 30_000 });
      await page.getByTestId('campaign-close').click();
      const closed = page.waitForResponse((r) => new URL(r.url()).pathname === `/surveys/${campaignId}/close`);
      await page.getByTestId('campaign-close-confirm').click();
      expect((await closed).status()).toBe(200);
      await page.locator('[data-testid="campaign-page"][data-status="closed"]').waitFor();
      await page.locator('[data-testid="results-final"][data-final="true"]').waitFor({ timeout: 30_000 });
      await expect(page.getByTestId('campaign-close').count()).resolves.toBe(0);
      expect(await stack.models.SurveyCampaign.findById(campaignId).lean()).toMatchObject({ status: 'closed' });

      // The results equal the independent computation; the largest negative gap is called out.
      const value = async (testId: string) => Number(await page.getByTestId(testId).getAttribute('data-value'));
      await expect(page.getByTestId('results-largest-gap').getAttribute('data-dimension')).resolves.toBe(worst);
      await expect(page.getByTestId('results-largest-gap').textContent()).resolves.toContain('Reliability');
      for (const d of DIMENSIONS) expect(await value(`results-gap-${d}`)).toBeCloseTo(expectedGap[d]!, 6);
      expect(await value('results-overall-unweighted')).toBeCloseTo(expectedOverall, 6);
      expect(await value('results-respondents')).toBe(4);
      expect(Number(await page.getByTestId('campaign-response-rate').getAttribute('data-value'))).toBeCloseTo(4 / 5, 6);
      // The chart is drawn (SVG: one bar per dimension and the error bars' lines are in the DOM).
      const chart = page.getByTestId('results-gap-chart');
      await chart.locator('svg path').first().waitFor({ state: 'attached' });
      expect(await chart.locator('svg path').count()).toBeGreaterThanOrEqual(10);
      await expect(chart.getAttribute('aria-label')).resolves.toMatch(/confidence intervals/);

      // The Markdown export, with the session cookie the link sends (and refused without it).
      const href = (await page.getByTestId('results-export-md').getAttribute('href'))!;
      expect(href).toBe(`/surveys/${campaignId}/results?format=md`);
      const md = await page.request.get(href);
      expect(md.status()).toBe(200);
      expect(md.headers()['content-type']).toMatch(/^text\/markdown/);
      const text = await md.text();
      expect(text).toContain(`Spring ${title}`);
      expect(text).toMatch(/reliability/i);
      expect((await validatedFetch(`${stack.baseUrl}${href}`)).status).toBe(401);

      await expectAccessible(page);
      await saveScreenshot(page, 'survey-results-servqual');

      // In Simplified Chinese the same results read in Chinese (the dimension names are the page's, the figures the API's).
      await page.getByRole('combobox', { name: 'Language' }).selectOption('zh-CN');
      await page.getByTestId('results-largest-gap').filter({ hasText: '负差距最大的维度：可靠性' }).waitFor();
      await expect(page.getByTestId('results-dimension-reliability').locator('th').textContent()).resolves.toBe('可靠性');
      await expect(page.evaluate('document.documentElement.lang')).resolves.toBe('zh-CN');
      await expectAccessible(page);
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('given olivia, when she defines a Kano survey in the feature editor and its customers take the first feature for granted (must-be) but rate how it is done low, then the results flag that feature beside the category chart, and Sam (supervisor) reads them without any write control', async () => {
    const { context, page, errors } = await newPage(browser, stack);
    try {
      await signIn(page, 'olivia');
      await page.goto('/app/survey-definitions/new');
      const title = `Desk features ${uniqueId('kano')}`;
      await page.getByTestId('definition-title').fill(title);
      await page.getByTestId('definition-kind').selectOption('kano');
      await page.getByTestId('editor-feature-functional-feature1-en').fill('If your complaint were acknowledged within an hour, how would you feel?');
      await page.getByTestId('editor-feature-functional-feature1-zh').fill('如果您的投诉在一小时内得到受理，您会有什么感受？');
      await page.getByTestId('editor-feature-dysfunctional-feature1-en').fill('If your complaint were not acknowledged within an hour, how would you feel?');
      await page.getByTestId('editor-feature-performance-feature1-en').fill('How well do we acknowledge complaints quickly today?');
      await page.getByTestId('editor-feature-add').click();
      await page.getByTestId('editor-feature-functional-feature2-en').fill('If you could follow your complaint online, how would you feel?');
      await page.getByTestId('editor-feature-dysfunctional-feature2-en').fill('If you could not follow your complaint online, how would you feel?');
      await expectAccessible(page);
      const created = page.waitForResponse((r) => new URL(r.url()).pathname === '/survey-definitions' && r.request().method() === 'POST');
      await page.getByTestId('definition-create').click();
      const createdRes = await created;
      expect(createdRes.status()).toBe(201);
      const surveyId = ((await createdRes.json()) as { surveyId: string }).surveyId;
      await page.getByTestId('definition-feature-feature2').waitFor();
      const stored = JSON.parse((await stack.models.SurveyDefinition.findOne({ surveyId, version: 1 }).lean())!.definitionJson) as { content: Extract<SurveyContent, { kind: 'kano' }> };
      expect(stored.content.features.map((f) => [f.id, Boolean(f.performance), f.functional['zh-CN'] ?? null])).toEqual([
        ['feature1', true, '如果您的投诉在一小时内得到受理，您会有什么感受？'],
        ['feature2', false, null],
      ]);

      // The campaign through the API (the form is covered above), four customers answering.
      const customers = Array.from({ length: 4 }, (_, i) => ({ customerId: uniqueId(`kano-cust${i}`) }));
      const campaign = await ok<{ campaignId: string }>(
        stack.call('POST', '/surveys', { key: stack.keys.olivia, body: { surveyId, title: `Kano ${title}`, areaId: AREA, endsAt: new Date(Date.now() + 86_400_000).toISOString(), audience: { source: 'list', customers } } }),
        201,
      );
      // Feature 1: neutral if present, dislike if absent = Must-be in Kano's evaluation table (Berger et al. 1993, table 1), performance 2 of 7.
      // Feature 2: like if present, neutral if absent = Attractive in the same table.
      for (const { token } of await invitationTokens(campaign.campaignId, 4)) {
        await respond(token, { kind: 'kano', answers: { feature1: { functional: 'neutral', dysfunctional: 'dislike', performance: 2 }, feature2: { functional: 'like', dysfunctional: 'neutral' } } }, true);
      }
      await ok(stack.call('POST', `/surveys/${campaign.campaignId}/close`, { key: stack.keys.olivia, body: {} }), 200);

      await page.goto(`/app/surveys/${campaign.campaignId}`);
      await page.locator('[data-testid="results-final"][data-final="true"]').waitFor({ timeout: 30_000 });
      await page.getByTestId('results-kano-flagged').getByTestId('results-flag-feature1').waitFor();
      await expect(page.getByTestId('results-flag-feature2').count()).resolves.toBe(0);
      await expect(page.getByTestId('results-category-feature1').getAttribute('data-value')).resolves.toBe('must_be');
      await expect(page.getByTestId('results-category-feature2').getAttribute('data-value')).resolves.toBe('attractive');
      await expect(page.getByTestId('results-feature-feature1').getAttribute('data-flagged')).resolves.toBe('true');
      await page.getByTestId('results-kano-chart').locator('svg path').first().waitFor({ state: 'attached' });
      await expectAccessible(page);
      await saveScreenshot(page, 'survey-results-kano');
      expect(errors).toEqual([]);

      // Sam may read surveys, not write them: no creation links, no edit, no close button on a campaign still open.
      const open = await ok<{ campaignId: string }>(
        stack.call('POST', '/surveys', { key: stack.keys.olivia, body: { surveyId, title: `Still open ${title}`, areaId: AREA, endsAt: new Date(Date.now() + 86_400_000).toISOString(), audience: { source: 'list', customers: [{ customerId: uniqueId('kano-late') }] } } }),
        201,
      );
      const sam = await newPage(browser, stack);
      try {
        await signIn(sam.page, 'sam');
        await sam.page.goto('/app/surveys');
        await sam.page.getByTestId(`surveys-campaign-${campaign.campaignId}`).waitFor();
        await expect(sam.page.getByTestId('surveys-new-definition').count()).resolves.toBe(0);
        await expect(sam.page.getByTestId('surveys-new-campaign').count()).resolves.toBe(0);
        await expectAccessible(sam.page);
        await sam.page.getByTestId(`surveys-campaign-${campaign.campaignId}`).getByRole('link').click();
        await sam.page.getByTestId('results-kano-flagged').waitFor();
        await sam.page.goto(`/app/surveys/${open.campaignId}`);
        await sam.page.locator('[data-testid="campaign-page"][data-status="open"]').waitFor({ timeout: 30_000 });
        await expect(sam.page.getByTestId('campaign-close').count()).resolves.toBe(0);
        await expectAccessible(sam.page);
        await sam.page.goto(`/app/survey-definitions/${surveyId}`);
        await sam.page.getByTestId('definition-feature-feature1').waitFor();
        await expect(sam.page.getByTestId('definition-edit').count()).resolves.toBe(0);
        await expect(sam.page.getByTestId('definition-new-campaign').count()).resolves.toBe(0);
        expect(sam.errors).toEqual([]);
      } finally {
        await sam.context.close();
      }
    } finally {
      await context.close();
    }
  });
});
