/**
 * Surveys over HTTP on the real stack: the Express app, a real Worker on the
 * Temporal dev server running the campaign workflows, FerretDB, and a real
 * SMTP server receiving the invitation emails. Definitions are created and
 * versioned; campaigns run with a list, a CSV and a sample of closed
 * complaints; customers follow the link in their email and answer through
 * the invitation link routes; a process owner closes a campaign early and
 * reads its results as JSON, Markdown and CSV.
 */
import { createHash } from 'node:crypto';
import { DEFAULT_SERVQUAL_ITEMS } from '../../src/domain/survey';
import { dayInZone } from '../../src/domain/kpi';
import { type ApiStack, type Problem, collectionCounts, errorPaths, expectProblem, startApiStack } from '../helpers/api';
import { campaignBody, campaignOpened, invitationToken, npsDefinition } from '../helpers/endpoints-surveys';
import { PARIS, areaDefinition, seedArea } from '../helpers/review-fixtures';
import { type CaughtMessage, type TestSmtpServer, startTestSmtpServer } from '../helpers/smtp';
import { eventually, uniqueId } from '../helpers/stack';

const PUBLIC_URL = 'https://surveys.example.test';
const AREA = 'survey-api-area';
const SAMPLE_AREA = 'survey-sample-area';
const SAMPLE_CATEGORY = 'survey-sample';

/** The token in the customer link of an email (the part after #). */
function tokenIn(mail: CaughtMessage): string {
  const url = mail.links.find((l) => l.startsWith(`${PUBLIC_URL}/app/customer#`));
  if (!url) throw new Error(`no customer link in "${mail.subject}": ${mail.links.join(', ')}`);
  return url.slice(url.indexOf('#') + 1);
}

describe('surveys over HTTP', () => {
  let stack: ApiStack;
  let smtp: TestSmtpServer;

  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    stack = await startApiStack({ configure: (c) => ({ ...c, mail: { ...c.mail, smtpUrl: smtp.smtpUrl }, api: { ...c.api, publicUrl: PUBLIC_URL } }) });
    await seedArea(stack.models, AREA, areaDefinition({ name: 'Survey API area', match: { categories: ['survey-api-only'] } }));
    await seedArea(stack.models, SAMPLE_AREA, areaDefinition({ name: 'Sampled area', match: { categories: [SAMPLE_CATEGORY] } }));
  });
  afterAll(async () => {
    await stack?.stop();
    await smtp?.stop();
  });

  const as = (who: string) => ({ key: stack.keys[who]! });
  const link = (token: string, key?: string) => ({ headers: { 'x-customer-link': token, ...(key ? { 'idempotency-key': key } : {}) } });

  describe('definitions', () => {
    it('given a SERVQUAL survey without items, when defined, retried with its Idempotency-Key and reworded into version 2, then it holds the 22 standard items, the retry answers the same survey, both versions stay readable and the list shows the latest', async () => {
      const body = { title: 'Service quality 2026', intro: { en: 'Five minutes, please.', 'zh-CN': '请花五分钟。' }, content: { kind: 'servqual', askImportance: true } };
      const created = await stack.call('POST', '/survey-definitions', { ...as('olivia'), body, headers: { 'idempotency-key': 'def-1' } });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ version: 1, kind: 'servqual', title: 'Service quality 2026', createdBy: 'olivia', content: { kind: 'servqual', askImportance: true } });
      // With an Idempotency-Key the id derives from it (a retry finds the same survey), without one from the title.
      expect(created.body.surveyId).toMatch(/^srv_[0-9a-f]{24}$/);
      expect(created.body.content.items).toEqual(DEFAULT_SERVQUAL_ITEMS);
      expect(created.headers.location).toBe(`/survey-definitions/${created.body.surveyId}`);
      const id = created.body.surveyId as string;

      const replay = await stack.call('POST', '/survey-definitions', { ...as('olivia'), body, headers: { 'idempotency-key': 'def-1' } });
      expect({ status: replay.status, replayed: replay.headers['idempotent-replayed'], surveyId: replay.body.surveyId }).toEqual({ status: 200, replayed: 'true', surveyId: id });
      expectProblem(await stack.call('POST', '/survey-definitions', { ...as('olivia'), body: { ...body, title: 'Another' }, headers: { 'idempotency-key': 'def-1' } }), 422, 'IDEMPOTENCY_KEY_REUSED');
      expect(await stack.models.SurveyDefinition.countDocuments({ surveyId: id })).toBe(1);

      // Version 2: t1 reworded, t2 removed, a new reliability item; every dimension keeps an item.
      const items = DEFAULT_SERVQUAL_ITEMS.filter((i) => i.id !== 't2').map((i) => (i.id === 't1' ? { ...i, text: { en: 'Our counters look modern and tidy.' } } : i));
      const v2 = await stack.call('PUT', `/survey-definitions/${id}`, { ...as('ada'), body: { ...body, content: { kind: 'servqual', askImportance: true, items: [...items, { id: 'rel6', dimension: 'reliability', text: { en: 'Invoices are correct.' } }] } } });
      expect(v2.status).toBe(200);
      expect(v2.body).toMatchObject({ surveyId: id, version: 2, createdBy: 'ada' });

      const latest = await stack.call('GET', `/survey-definitions/${id}`, as('auditor'));
      expect(latest.body).toMatchObject({ version: 2, versions: [{ version: 2, createdBy: 'ada' }, { version: 1, createdBy: 'olivia' }] });
      expect(latest.body.content.items.find((i: { id: string }) => i.id === 't1').text.en).toBe('Our counters look modern and tidy.');
      const v1 = await stack.call('GET', `/survey-definitions/${id}/versions/1`, as('sponsor'));
      expect(v1.body.content.items).toEqual(DEFAULT_SERVQUAL_ITEMS);
      const list = await stack.call('GET', '/survey-definitions', as('supervisor'));
      expect(list.body.items.filter((d: { surveyId: string }) => d.surveyId === id).map((d: { version: number }) => d.version)).toEqual([2]);
      expectProblem(await stack.call('GET', `/survey-definitions/${id}/versions/3`, as('olivia')), 404, 'NOT_FOUND');
    });

    it('given a SERVQUAL survey, when a new version moves an item to another dimension, changes the kind or repeats an id, then 422 naming the field and no version is added', async () => {
      const created = await stack.call('POST', '/survey-definitions', { ...as('olivia'), body: { title: 'Moving items', content: { kind: 'servqual' } } });
      const id = created.body.surveyId as string;
      const moved = DEFAULT_SERVQUAL_ITEMS.map((i) => (i.id === 'rel1' ? { ...i, dimension: 'empathy' } : i));
      const res = await stack.call<Problem>('PUT', `/survey-definitions/${id}`, { ...as('olivia'), body: { title: 'Moving items', content: { kind: 'servqual', items: moved } } });
      expectProblem(res, 422, 'INVALID_DEFINITION');
      expect(errorPaths(res)).toEqual([`body.content.items.${DEFAULT_SERVQUAL_ITEMS.findIndex((i) => i.id === 'rel1')}.dimension`]);
      expect(errorPaths(await stack.call<Problem>('PUT', `/survey-definitions/${id}`, { ...as('olivia'), body: npsDefinition('Now an NPS') }))).toEqual(['body.content.kind']);
      const twice = [DEFAULT_SERVQUAL_ITEMS[0]!, DEFAULT_SERVQUAL_ITEMS[0]!];
      const dup = await stack.call<Problem>('PUT', `/survey-definitions/${id}`, { ...as('olivia'), body: { title: 'Twice', content: { kind: 'servqual', items: twice } } });
      expectProblem(dup, 422, 'INVALID_DEFINITION');
      expect(errorPaths(dup)).toEqual(['body.content.items.1.id']);
      expect(await stack.models.SurveyDefinition.countDocuments({ surveyId: id })).toBe(1);
    });
  });

  describe('a campaign with a list audience, answered through the emailed links', () => {
    it('given three customers with emails, when each follows the link in their invitation email and answers, and a process owner closes the campaign early, then the responses are stored once, a closed campaign refuses answers, and the results (JSON, Markdown, CSV) hold the counts and an NPS equal to an independent computation', async () => {
      const surveyId = (await stack.call('POST', '/survey-definitions', { ...as('olivia'), body: npsDefinition('Recommend us?') })).body.surveyId as string;
      const customers = [uniqueId('ann'), uniqueId('bo'), uniqueId('chen')];
      const email = (c: string) => `${c}@example.test`;
      const body = {
        ...campaignBody(surveyId, AREA, []),
        title: 'After-sales NPS',
        audience: { source: 'list', customers: customers.map((c, i) => ({ customerId: c, email: email(c), name: `Customer ${i}`, language: i === 2 ? 'zh-CN' : 'en' })) },
      };
      const key = { 'idempotency-key': `campaign-${surveyId}` };
      const created = await stack.call('POST', '/surveys', { ...as('olivia'), headers: key, body });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ status: 'scheduled', kind: 'nps', surveyVersion: 1, areaId: AREA, createdBy: 'olivia', counts: { invited: 0 } });
      const id = created.body.campaignId as string;
      // The reminder defaults to halfway.
      expect(Date.parse(created.body.remindAt)).toBe(Date.parse(created.body.startsAt) + Math.floor((Date.parse(created.body.endsAt) - Date.parse(created.body.startsAt)) / 2));
      // A retry answers the same campaign (one workflow); the same key with another body is refused.
      const retry = await stack.call('POST', '/surveys', { ...as('olivia'), headers: key, body });
      expect({ status: retry.status, replayed: retry.headers['idempotent-replayed'], campaignId: retry.body.campaignId }).toEqual({ status: 200, replayed: 'true', campaignId: id });
      expectProblem(await stack.call('POST', '/surveys', { ...as('olivia'), headers: key, body: { ...body, title: 'Another' } }), 422, 'IDEMPOTENCY_KEY_REUSED');
      expect(await stack.models.SurveyCampaign.countDocuments({ surveyId })).toBe(1);

      // Each customer gets an email with their own link; the Chinese-speaking one in Chinese.
      const mails = await Promise.all(customers.map((c) => smtp.waitForMessage((m) => m.envelope.to.includes(email(c)))));
      const tokens = mails.map(tokenIn);
      expect(new Set(tokens).size).toBe(3);
      const [ann, bo, chen] = tokens as [string, string, string];

      const view = await stack.call('GET', '/customer-link/survey', link(chen));
      expect(view.status).toBe(200);
      expect(view.body).toMatchObject({ campaignId: id, title: 'After-sales NPS', language: 'zh-CN', kind: 'nps', status: 'open', answers: null, complete: false, questions: { question: '您有多大可能向朋友或同事推荐我们？' } });
      expect((await stack.call('GET', '/customer-link/survey', link(ann))).body.questions).toEqual({ question: 'How likely is it that you would recommend us to a friend or colleague?' });

      // Ann saves a comment, then submits; a double click (same key) and a resubmission (new key) change nothing; another score is refused.
      const saved = await stack.call('PUT', '/customer-link/survey/response', { ...link(ann, 'ann-1'), body: { answers: { kind: 'nps', comment: 'thinking' }, complete: false } });
      expect(saved.body).toMatchObject({ complete: false, answers: { kind: 'nps', comment: 'thinking' } });
      const submitted = await stack.call('PUT', '/customer-link/survey/response', { ...link(ann, 'ann-2'), body: { answers: { kind: 'nps', score: 9, comment: 'good' }, complete: true } });
      expect(submitted.body).toMatchObject({ complete: true, answers: { kind: 'nps', score: 9 } });
      const completedAt = (await stack.models.SurveyResponse.findById(submitted.body.invitationId).lean())!.completedAt;
      expect((await stack.call('PUT', '/customer-link/survey/response', { ...link(ann, 'ann-2'), body: { answers: { kind: 'nps', score: 9, comment: 'good' }, complete: true } })).status).toBe(200);
      // A late retry of the first (partial) save is recognised by its key: it does not reopen the response.
      expect((await stack.call('PUT', '/customer-link/survey/response', { ...link(ann, 'ann-1'), body: { answers: { kind: 'nps', comment: 'thinking' }, complete: false } })).body).toMatchObject({ complete: true, answers: { score: 9 } });
      expect((await stack.call('PUT', '/customer-link/survey/response', { ...link(ann, 'ann-3'), body: { answers: { kind: 'nps', score: 9, comment: 'good' }, complete: true } })).status).toBe(200);
      expectProblem(await stack.call('PUT', '/customer-link/survey/response', { ...link(ann, 'ann-4'), body: { answers: { kind: 'nps', score: 2 }, complete: true } }), 409, 'RESPONSE_COMPLETE');
      expect((await stack.models.SurveyResponse.findById(submitted.body.invitationId).lean())!.completedAt).toEqual(completedAt);

      // An incomplete submission is refused with the missing field; an altered token is refused.
      const incomplete = await stack.call<Problem>('PUT', '/customer-link/survey/response', { ...link(bo, 'bo-1'), body: { answers: { kind: 'nps' }, complete: true } });
      expectProblem(incomplete, 422, 'INVALID_ACTION');
      expect(errorPaths(incomplete)).toEqual(['body.answers.score']);
      const altered = `${bo.slice(0, -2)}${bo.endsWith('AA') ? 'BB' : 'AA'}`;
      expectProblem(await stack.call('PUT', '/customer-link/survey/response', { ...link(altered, 'bo-2'), body: { answers: { kind: 'nps', score: 1 }, complete: true } }), 401, 'LINK_INVALID');
      expect(await stack.models.SurveyResponse.countDocuments({ campaignId: id })).toBe(1);
      await stack.call('PUT', '/customer-link/survey/response', { ...link(bo, 'bo-3'), body: { answers: { kind: 'nps', score: 4 }, complete: true } });
      await stack.call('PUT', '/customer-link/survey/response', { ...link(chen, 'chen-1'), body: { answers: { kind: 'nps', score: 10 }, complete: true } });

      const counts = await stack.call('GET', `/surveys/${id}`, as('sponsor'));
      expect(counts.body).toMatchObject({ status: 'open', counts: { invited: 3, emailed: 3, reminded: 0, responded: 3, completed: 3 } });

      // Closed early by the process owner: answered once the results are stored.
      const closed = await stack.call('POST', `/surveys/${id}/close`, { ...as('olivia'), body: {} });
      expect(closed.status).toBe(200);
      expect(closed.body).toMatchObject({ campaignId: id, status: 'closed' });
      expect(Date.parse(closed.body.closedAt)).toBeLessThan(Date.parse(closed.body.endsAt));
      const before = { responses: await stack.models.SurveyResponse.find({ campaignId: id }).lean(), counts: await collectionCounts(stack.models) };
      expectProblem(await stack.call('PUT', '/customer-link/survey/response', { ...link(bo, 'bo-4'), body: { answers: { kind: 'nps', comment: 'too late' }, complete: false } }), 409, 'SURVEY_CLOSED');
      expect((await stack.call('GET', '/customer-link/survey', link(bo))).body).toMatchObject({ status: 'closed', complete: true });
      expect({ responses: await stack.models.SurveyResponse.find({ campaignId: id }).lean(), counts: await collectionCounts(stack.models) }).toEqual(before);

      // Results: NPS of the answers given, computed independently.
      const scores = [9, 4, 10];
      const expectedNps = ((scores.filter((s) => s >= 9).length - scores.filter((s) => s <= 6).length) / scores.length) * 100;
      const json = await stack.call('GET', `/surveys/${id}/results`, as('auditor'));
      expect(json.status).toBe(200);
      expect(json.body).toMatchObject({ campaignId: id, title: 'After-sales NPS', kind: 'nps', final: true, counts: { invited: 3, emailed: 3, responded: 3, completed: 3 }, responseRate: 1, scores: { kind: 'nps', respondents: 3, promoters: 2, passives: 0, detractors: 1 } });
      expect(json.body.scores.score).toBeCloseTo(expectedNps, 10);

      const md = await stack.call('GET', `/surveys/${id}/results?format=md`, as('supervisor'));
      expect(md.status).toBe(200);
      expect(md.headers['content-type']).toBe('text/markdown; charset=utf-8');
      expect(md.headers['content-disposition']).toBe(`attachment; filename="survey-${id}-results.md"`);
      expect(md.text).toContain('After-sales NPS');
      const csv = await stack.call('GET', `/surveys/${id}/results?format=csv`, as('process_owner'));
      expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(csv.headers['content-disposition']).toBe(`attachment; filename="survey-${id}-results.csv"`);
      expect(csv.text.split(/\r?\n/).length).toBeGreaterThan(1);

      // The audit trail: created and closed by olivia, each completion by its customer, no contact data.
      const audit = await stack.models.AuditEvent.find({ stream: `survey:${id}` }).sort({ seq: 1 }).lean();
      expect(audit.filter((e) => e.action !== 'survey.response_completed').map((e) => [e.action, e.actor?.id])).toEqual([
        ['survey.created', 'olivia'],
        ['survey.opened', 'system'],
        ['survey.closed', 'olivia'],
        ['survey.results_computed', 'system'],
      ]);
      expect(audit.filter((e) => e.action === 'survey.response_completed').map((e) => e.actor?.role)).toEqual(['customer', 'customer', 'customer']);
      expect(JSON.stringify(audit)).not.toContain('@example.test');

      // Closing again answers the closed campaign as it is.
      const again = await stack.call('POST', `/surveys/${id}/close`, { ...as('ada'), body: {} });
      expect({ status: again.status, closedAt: again.body.closedAt }).toEqual({ status: 200, closedAt: closed.body.closedAt });
    });
  });

  describe('a campaign with a CSV audience', () => {
    it('given a CSV with a header row and two customers (one without email), when the campaign is created, then their contacts are stored, both are invited and only the one with an address is emailed', async () => {
      const surveyId = (await stack.call('POST', '/survey-definitions', { ...as('olivia'), body: { title: 'How did we do', content: { kind: 'csat' } } })).body.surveyId as string;
      const [dana, eli] = [uniqueId('dana'), uniqueId('eli')];
      const csv = `customerId,email,name,language\r\n${dana},${dana}@example.test,"Dana, D.",zh-CN\r\n${eli},,,\r\n`;
      const created = await stack.call('POST', '/surveys', { ...as('ada'), body: { ...campaignBody(surveyId, AREA, []), audience: { source: 'csv', csv } } });
      expect(created.status).toBe(201);
      const id = created.body.campaignId as string;
      expect(await stack.models.Customer.findById(dana).lean()).toMatchObject({ email: `${dana}@example.test`, name: 'Dana, D.', language: 'zh-CN' });
      expect(await stack.models.Customer.findById(eli).lean()).toMatchObject({ email: null, name: null, language: 'en' });
      await campaignOpened(stack, id);
      const mail = await smtp.waitForMessage((m) => m.envelope.to.includes(`${dana}@example.test`));
      expect(mail.subject).toContain('邀请');
      const view = await stack.call('GET', `/surveys/${id}`, as('olivia'));
      expect(view.body.counts).toMatchObject({ invited: 2, emailed: 1 });
      // Eli has no email: an agent can hand the link over; it opens the survey.
      const token = await invitationToken(stack, id, eli);
      expect((await stack.call('GET', '/customer-link/survey', link(token))).body).toMatchObject({ kind: 'csat', language: 'en', status: 'open' });
    });
  });

  describe('a campaign sampling the closed complaints of an area', () => {
    it("given four complaints of three customers closed today in the area, when campaigns sample 2 and 10 customers with a seed, then the first draws the first two customers in sha256(seed + complaintId) order and the second invites each customer once", async () => {
      const customerOf = [uniqueId('fay'), uniqueId('gus'), uniqueId('hal')];
      const complaintIds: { complaintId: string; customerId: string }[] = [];
      for (const customerId of [...customerOf, customerOf[0]!]) {
        const created = await stack.call('POST', '/complaints', { ...as('alice'), body: { customer: { id: customerId }, channel: 'phone', category: SAMPLE_CATEGORY, severity: 'P3', description: 'Survey sample fixture.' } });
        expect(created.status).toBe(201);
        const complaintId = created.body.id as string;
        await eventually(async () => ((await stack.models.Complaint.findById(complaintId, { version: 1 }).lean())?.version ?? 0) >= 1, 20_000, 'complaint registered');
        expect((await stack.call('POST', `/complaints/${complaintId}/resolve`, { ...as('alice'), body: { summary: 'Sorted.', cause: 'double-charge' } })).status).toBe(200);
        expect((await stack.call('POST', `/complaints/${complaintId}/close`, { ...as('alice'), body: {} })).status).toBe(200);
        complaintIds.push({ complaintId, customerId });
      }
      await eventually(async () => (await stack.models.Complaint.countDocuments({ _id: { $in: complaintIds.map((c) => c.complaintId) }, status: 'closed', areaId: SAMPLE_AREA })) === 4, 20_000, 'complaints closed in the area');

      const today = dayInZone(Date.now(), PARIS);
      const surveyId = (await stack.call('POST', '/survey-definitions', { ...as('olivia'), body: npsDefinition('Sampled') })).body.surveyId as string;
      const sampled = async (sampleSize: number) => {
        const res = await stack.call('POST', '/surveys', { ...as('olivia'), body: { ...campaignBody(surveyId, SAMPLE_AREA, []), audience: { source: 'closed_complaints', from: today, to: today, sampleSize, seed: 'spring' } } });
        expect(res.status).toBe(201);
        await campaignOpened(stack, res.body.campaignId);
        return stack.models.SurveyInvitation.find({ campaignId: res.body.campaignId }).lean();
      };

      // Independent draw: order by sha256(seed + complaintId), first complaint of each customer.
      const order = complaintIds.map((c) => ({ ...c, key: createHash('sha256').update(`spring${c.complaintId}`).digest('hex') })).sort((a, b) => (a.key < b.key ? -1 : 1));
      const firstPerCustomer = order.filter((c, i) => order.findIndex((o) => o.customerId === c.customerId) === i);

      const two = await sampled(2);
      expect(two.map((i) => [i.customerId, i.complaintId]).sort()).toEqual(firstPerCustomer.slice(0, 2).map((c) => [c.customerId, c.complaintId]).sort());
      const all = await sampled(10);
      expect(all.map((i) => [i.customerId, i.complaintId]).sort()).toEqual(firstPerCustomer.map((c) => [c.customerId, c.complaintId]).sort());
    });
  });
});
