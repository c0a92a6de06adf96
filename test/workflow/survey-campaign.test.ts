/**
 * Survey campaigns end to end on Temporal's time-skipping test server with a
 * real Worker, a real database (FerretDB) and a real SMTP server: the
 * campaign workflow sends the invitations at its start, reminds once (only
 * those without a complete response), closes at its end (or when asked), and
 * computes and stores the results and the survey facts. Days of campaign in
 * seconds. Customers answer through the response service, as the invitation
 * link's route does.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { Config } from '../../src/config';
import { type CampaignProgress, surveyCampaignWorkflowId } from '../../src/contracts/survey';
import type { Models } from '../../src/db/models';
import type { Actor } from '../../src/domain/actors';
import { DomainError } from '../../src/domain/errors';
import type { NpsResults, ServqualResults, SurveyAnswers } from '../../src/domain/survey';
import { linkClaims, linkUrl } from '../../src/services/customer-links';
import {
  type CampaignRequest,
  createSurveyCampaignService,
  createSurveyDefinitionService,
  createSurveyResponseService,
  createSurveyResultsService,
  invitationIdFor,
} from '../../src/services/surveys';
import { ALWAYS, seedCatalog } from '../helpers/fixtures';
import { areaDefinition, seedArea } from '../helpers/review-fixtures';
import { type TestSmtpServer, startTestSmtpServer } from '../helpers/smtp';
import { eventually, openTestDb, startTimeSkippingEnv, startWorker, testConfig, uniqueId } from '../helpers/stack';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const olivia: Actor = { id: 'olivia', role: 'process_owner' };
const AREA = 'survey-area';

let env: TestWorkflowEnvironment;
let models: Models & { drop(): Promise<void> };
let config: Config;
let worker: Worker;
let running: Promise<void>;
let smtp: TestSmtpServer;

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  const base = testConfig();
  config = { ...base, mail: { ...base.mail, smtpUrl: smtp.smtpUrl } };
  [env, models] = await Promise.all([startTimeSkippingEnv(), openTestDb(config)]);
  await seedCatalog(models, {}, { 'paris-office': { ...ALWAYS, name: 'Paris', timeZone: 'Europe/Paris' } });
  await seedArea(models, AREA, areaDefinition({ name: 'Survey area', match: { categories: ['survey-only'] } }));
  worker = await startWorker({ config, models, connection: env.nativeConnection });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
  await models?.drop();
  await smtp?.stop();
});

const definitions = () => createSurveyDefinitionService({ models });
const campaigns = () => createSurveyCampaignService({ client: env.client, models, config });
const responses = () => createSurveyResponseService({ models });
const results = () => createSurveyResultsService({ models });

async function rejection(p: Promise<unknown>): Promise<DomainError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DomainError);
  return err as DomainError;
}

const auditActions = async (campaignId: string) =>
  (await models.AuditEvent.find({ stream: `survey:${campaignId}` }).sort({ seq: 1 }).lean()).map((e) => ({ action: e.action, actor: e.actor, details: e.details as Record<string, unknown> }));

/** What each stored collection says about a campaign. */
async function stored(campaignId: string) {
  const [campaign, invitations, outbox, responseDocs] = await Promise.all([
    models.SurveyCampaign.findById(campaignId).lean(),
    models.SurveyInvitation.find({ campaignId }).lean(),
    models.Outbox.find({ campaignId }).lean(),
    models.SurveyResponse.find({ campaignId }).lean(),
  ]);
  return { campaign: campaign!, invitations, outbox, responses: responseDocs };
}

describe('an NPS campaign (start, remind, close at its end)', () => {
  it('given six customers (five with an email), when the campaign runs its course with partial, complete and repeated responses, then invitations go out at the start, one reminder goes only to those without a complete response, it closes at endsAt and the stored results, counts and survey facts match the answers', async () => {
    const t0 = await env.currentTimeMs();
    const { definition } = await definitions().create(olivia, { title: 'Would you recommend us', content: { kind: 'nps' } });
    const customers = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'].map((c) => uniqueId(c));
    const email = (c: string) => `${c}@example.test`;
    const request: CampaignRequest = {
      surveyId: definition.surveyId,
      title: 'Spring NPS',
      areaId: AREA,
      startsAt: t0 + HOUR,
      remindAt: t0 + 2 * DAY,
      endsAt: t0 + 4 * DAY,
      // The sixth customer has no email address: invited (a link an agent can hand over), never emailed.
      audience: { source: 'list', customers: customers.map((c, i) => ({ customerId: c, ...(i < 5 ? { email: email(c) } : {}), language: i === 1 ? ('zh-CN' as const) : ('en' as const) })) },
    };
    const { created, campaign } = await campaigns().create(olivia, request);
    expect(created).toBe(true);
    expect(campaign).toMatchObject({ status: 'scheduled', kind: 'nps', surveyVersion: 1, startsAt: t0 + HOUR, remindAt: t0 + 2 * DAY, endsAt: t0 + 4 * DAY, counts: { invited: 0, emailed: 0, reminded: 0, responded: 0, completed: 0 } });
    const id = campaign.campaignId;
    // Contacts are stored with the customers, never in the campaign.
    expect((await models.Customer.findById(customers[0]).lean())?.email).toBe(email(customers[0]!));
    expect((await stored(id)).campaign.audienceJson).not.toContain('@example.test');
    const handle = env.client.workflow.getHandle(surveyCampaignWorkflowId(id));

    // Before the start: nothing sent.
    await env.sleep(30 * MIN);
    expect((await stored(id)).invitations).toHaveLength(0);

    // The start: six invitations with a link each, five invitation emails delivered over SMTP.
    await env.sleep(31 * MIN);
    const opened = await eventually(async () => {
      const s = await stored(id);
      return s.campaign.status === 'open' && s.invitations.length === 6 ? s : null;
    }, 30_000, 'campaign opened');
    expect(opened.invitations.map((i) => i._id).sort()).toEqual(customers.map((c) => invitationIdFor(id, c)).sort());
    const links = await models.CustomerLink.find({ subject: 'invitation', subjectId: { $in: opened.invitations.map((i) => i._id) } }).lean();
    expect(links.map((l) => [l.subjectId, l.customerId]).sort()).toEqual(opened.invitations.map((i) => [i._id, i.customerId]).sort());
    expect(opened.outbox.map((m) => m._id).sort()).toEqual(customers.slice(0, 5).map((c) => `${invitationIdFor(id, c)}:invitation`).sort());
    // Opened when its start timer fired (the workflow's clock); every step after keys on that instant.
    const openedAt = opened.campaign.openedAt!.getTime();
    expect(openedAt).toBeGreaterThanOrEqual(t0 + HOUR);
    expect(openedAt).toBeLessThan(t0 + HOUR + 5 * MIN);
    for (const c of customers.slice(0, 5)) {
      const mail = await smtp.waitForMessage((m) => m.envelope.to.includes(email(c)) && m.subject.includes('Spring NPS'));
      // The email carries this customer's own invitation link (signed at send time from the claims stored at the start).
      const link = links.find((l) => l.customerId === c)!;
      const expected = linkUrl(config, linkClaims(config, { linkId: link._id, subject: 'invitation', subjectId: invitationIdFor(id, c), customerId: c }, openedAt)).url;
      expect({ c, links: mail.links }).toEqual({ c, links: expect.arrayContaining([expected]) });
    }

    // Answers: c1 saves a comment, then completes; c2 completes, repeats, then tries to change; c3 and c6 complete; c4 saves a partial answer only.
    const [c1, c2, c3, c4, c5, c6] = customers.map((c) => ({ customerId: c, invitationId: invitationIdFor(id, c) }));
    const answer = (who: { customerId: string; invitationId: string }, answers: SurveyAnswers, complete: boolean, key = uniqueId('k')) => responses().respond(who.invitationId, who.customerId, { answers, complete }, key);
    expect(await answer(c1!, { kind: 'nps', comment: 'thinking about it' }, false)).toMatchObject({ complete: false, answers: { kind: 'nps', comment: 'thinking about it' } });
    expect(await answer(c1!, { kind: 'nps', score: 10, comment: 'great' }, true)).toMatchObject({ complete: true, status: 'open' });
    await answer(c2!, { kind: 'nps', score: 9 }, true);
    expect(await answer(c2!, { kind: 'nps', score: 9 }, true)).toMatchObject({ complete: true, answers: { kind: 'nps', score: 9 } });
    expect((await rejection(answer(c2!, { kind: 'nps', score: 2 }, true))).code).toBe('RESPONSE_COMPLETE');
    expect((await rejection(answer(c3!, { kind: 'nps' }, true))).code).toBe('INVALID_ACTION');
    await answer(c3!, { kind: 'nps', score: 3 }, true);
    await answer(c6!, { kind: 'nps', score: 7 }, true);
    await answer(c4!, { kind: 'nps', comment: 'later' }, false);

    // The reminder: once, to c4 (partial) and c5 (nothing), not to the completers nor to c6 (no email).
    await env.sleep(2 * DAY - HOUR + MIN);
    const reminded = await eventually(async () => {
      const s = await stored(id);
      return s.invitations.filter((i) => i.remindedAt).length === 2 ? s : null;
    }, 30_000, 'reminders recorded');
    expect(reminded.invitations.filter((i) => i.remindedAt).map((i) => i.customerId).sort()).toEqual([c4!.customerId, c5!.customerId].sort());
    expect(reminded.outbox.filter((m) => m._id.endsWith(':reminder')).map((m) => m._id).sort()).toEqual([`${c4!.invitationId}:reminder`, `${c5!.invitationId}:reminder`].sort());
    await smtp.waitForMessage((m) => m.envelope.to.includes(email(c5!.customerId)) && m.subject.startsWith('Reminder'));

    // After the reminder c4 completes; a day later still no second reminder.
    await answer(c4!, { kind: 'nps', score: 6 }, true);
    await env.sleep(DAY);
    expect((await stored(id)).outbox.filter((m) => m._id.endsWith(':reminder'))).toHaveLength(2);
    expect(smtp.messages().filter((m) => m.subject.startsWith('Reminder') || m.subject.startsWith('提醒'))).toHaveLength(2);

    // The end: closed at endsAt, results computed and stored.
    await env.sleep(DAY);
    const progress: CampaignProgress = await handle.result();
    expect(progress).toMatchObject({ phase: 'computed', invited: 6, reminded: 2, closedAt: t0 + 4 * DAY, closedBy: { id: 'system', role: 'system' } });
    const closed = await stored(id);
    expect(closed.campaign).toMatchObject({ status: 'closed' });
    expect(closed.campaign.closedAt?.getTime()).toBe(t0 + 4 * DAY);

    // An independent NPS over the complete responses: % promoters (9-10) − % detractors (0-6).
    const scores = closed.responses.filter((r) => r.complete).map((r) => (JSON.parse(r.answersJson) as { score: number }).score);
    expect(scores.sort((a, b) => a - b)).toEqual([3, 6, 7, 9, 10]);
    const promoters = scores.filter((s) => s >= 9).length;
    const detractors = scores.filter((s) => s <= 6).length;
    const result = await results().results(id);
    expect(result).toMatchObject({
      campaignId: id,
      kind: 'nps',
      final: true,
      counts: { invited: 6, emailed: 5, reminded: 2, responded: 5, completed: 5 },
      responseRate: 5 / 6,
    });
    const nps = result.scores as NpsResults;
    expect(nps).toMatchObject({ kind: 'nps', respondents: 5, promoters, passives: 5 - promoters - detractors, detractors });
    expect(nps.score).toBeCloseTo(((promoters - detractors) / scores.length) * 100, 10);
    expect(await models.SurveyResult.countDocuments({ _id: id })).toBe(1);

    // The survey facts (KPIs): one per complete response, with its score.
    const facts = await models.SurveyFact.find({ campaignId: id }).lean();
    expect(facts.map((f) => [f._id, f.nps]).sort()).toEqual(closed.responses.filter((r) => r.complete).map((r) => [r._id, (JSON.parse(r.answersJson) as { score: number }).score]).sort());
    expect(new Set(facts.map((f) => f.areaId))).toEqual(new Set([AREA]));

    // After the close: a response writes nothing (the campaign is closed), and closing again changes nothing.
    const before = await stored(id);
    expect((await rejection(answer(c5!, { kind: 'nps', score: 8 }, true))).code).toBe('SURVEY_CLOSED');
    expect(await campaigns().close(id, olivia)).toMatchObject({ status: 'closed', closedAt: t0 + 4 * DAY });
    expect(await stored(id)).toEqual(before);

    // The audit trail: each step once, the customers' completions as theirs, no personal data.
    const audit = await auditActions(id);
    const once = audit.filter((e) => e.action !== 'survey.response_completed').map((e) => e.action);
    expect(once).toEqual(['survey.created', 'survey.opened', 'survey.reminded', 'survey.closed', 'survey.results_computed']);
    const completions = audit.filter((e) => e.action === 'survey.response_completed');
    const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
    expect(completions.map((e) => ({ id: e.actor!.id, role: e.actor!.role })).sort(byId)).toEqual([c1, c2, c3, c4, c6].map((c) => ({ id: c!.customerId, role: 'customer' })).sort(byId));
    expect(JSON.stringify(audit)).not.toContain('@example.test');
  });
});

describe('a SERVQUAL campaign closed early', () => {
  const content = {
    kind: 'servqual' as const,
    askImportance: false,
    items: [
      { id: 'rel1', dimension: 'reliability' as const, text: { en: 'Does what it promises by the time it promises.' } },
      { id: 'rel2', dimension: 'reliability' as const, text: { en: 'Gets it right the first time.' } },
      { id: 'emp1', dimension: 'empathy' as const, text: { en: 'Gives customers individual attention.' } },
    ],
  };
  /** Expectation and perception per item of three respondents. */
  const ANSWERS: Record<string, { e: number; p: number }>[] = [
    { rel1: { e: 7, p: 4 }, rel2: { e: 6, p: 5 }, emp1: { e: 5, p: 6 } },
    { rel1: { e: 6, p: 3 }, rel2: { e: 7, p: 4 }, emp1: { e: 4, p: 4 } },
    { rel1: { e: 7, p: 5 }, rel2: { e: 7, p: 6 }, emp1: { e: 6, p: 7 } },
  ];

  it('given a campaign without a reminder whose three customers answered, when a process owner closes it before its end, then it closes at once, sends no reminder, and the stored results hold the P − E gaps of an independent computation', async () => {
    const { definition } = await definitions().create(olivia, { title: 'Service quality', content });
    const customers = ANSWERS.map(() => uniqueId('sq'));
    const t0 = await env.currentTimeMs();
    const { campaign } = await campaigns().create(olivia, {
      surveyId: definition.surveyId,
      title: 'Quality check',
      areaId: AREA,
      remindAt: null,
      endsAt: t0 + 30 * DAY,
      audience: { source: 'list', customers: customers.map((customerId) => ({ customerId })) },
    });
    const id = campaign.campaignId;
    // Starts at once (no startsAt): open without waiting; no emails (no addresses).
    await eventually(async () => (await models.SurveyCampaign.findById(id).lean())?.status === 'open', 30_000, 'campaign opened');
    for (const [i, customerId] of customers.entries()) {
      const answers: SurveyAnswers = {
        kind: 'servqual',
        expectations: Object.fromEntries(Object.entries(ANSWERS[i]!).map(([item, v]) => [item, v.e])),
        perceptions: Object.fromEntries(Object.entries(ANSWERS[i]!).map(([item, v]) => [item, v.p])),
      };
      await responses().respond(invitationIdFor(id, customerId), customerId, { answers, complete: true }, uniqueId('k'));
    }
    // Live results before the close are not final.
    expect(await results().results(id)).toMatchObject({ final: false, counts: { completed: 3 } });

    const closedView = await campaigns().close(id, olivia);
    expect(closedView).toMatchObject({ status: 'closed', counts: { invited: 3, emailed: 0, reminded: 0, responded: 3, completed: 3 } });
    expect(closedView.closedAt).toBeLessThan(t0 + 30 * DAY);
    const progress: CampaignProgress = await env.client.workflow.getHandle(surveyCampaignWorkflowId(id)).result();
    expect(progress).toMatchObject({ phase: 'computed', reminded: 0, closedBy: olivia });
    // Closing again answers the same campaign.
    expect(await campaigns().close(id, olivia)).toEqual(closedView);

    // Independent computation: item gap = mean P − mean E; dimension gap = mean over respondents of their mean item gap in it.
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const itemGap = (item: string) => mean(ANSWERS.map((a) => a[item]!.p)) - mean(ANSWERS.map((a) => a[item]!.e));
    const dimensionGap = (items: string[]) => mean(ANSWERS.map((a) => mean(items.map((item) => a[item]!.p - a[item]!.e))));
    const result = await results().results(id);
    expect(result).toMatchObject({ final: true, responseRate: 1 });
    const scores = result.scores as ServqualResults;
    expect(scores.respondents).toBe(3);
    for (const item of ['rel1', 'rel2', 'emp1']) expect({ item, gap: scores.items.find((x) => x.itemId === item)!.gap.mean }).toEqual({ item, gap: expect.closeTo(itemGap(item), 10) });
    expect(scores.dimensions.find((d) => d.dimension === 'reliability')!.gap.mean).toBeCloseTo(dimensionGap(['rel1', 'rel2']), 10);
    expect(scores.dimensions.find((d) => d.dimension === 'empathy')!.gap.mean).toBeCloseTo(dimensionGap(['emp1']), 10);
    expect(scores.largestNegativeGap).toBe('reliability');

    // The facts carry each respondent's reliability gap; the audit names who closed it early.
    const facts = await models.SurveyFact.find({ campaignId: id }).lean();
    const ascending = (a: number, b: number) => a - b;
    expect(facts.map((f) => (f.servqualGaps as Record<string, number>).reliability!).sort(ascending)).toEqual(ANSWERS.map((a) => (a.rel1!.p - a.rel1!.e + a.rel2!.p - a.rel2!.e) / 2).sort(ascending));
    const closedEvent = (await auditActions(id)).find((e) => e.action === 'survey.closed');
    expect(closedEvent).toMatchObject({ actor: olivia, details: { early: true } });
    expect((await auditActions(id)).filter((e) => e.action === 'survey.reminded')).toEqual([]);
  });
});

describe('a campaign closed before it starts', () => {
  it('given a campaign starting tomorrow, when it is closed today, then it never opens: no invitation, no email, closed at once with final results over nobody, and its start passing changes nothing', async () => {
    const { definition } = await definitions().create(olivia, { title: 'Cancelled before start', content: { kind: 'csat' } });
    const t0 = await env.currentTimeMs();
    const customerId = uniqueId('early');
    const { campaign } = await campaigns().create(olivia, {
      surveyId: definition.surveyId,
      title: 'Never sent',
      areaId: AREA,
      startsAt: t0 + DAY,
      endsAt: t0 + 10 * DAY,
      audience: { source: 'list', customers: [{ customerId, email: `${customerId}@example.test` }] },
    });
    const id = campaign.campaignId;
    const closed = await campaigns().close(id, olivia);
    expect(closed).toMatchObject({ status: 'closed', openedAt: null, counts: { invited: 0, emailed: 0, reminded: 0, responded: 0, completed: 0 } });
    expect(await env.client.workflow.getHandle(surveyCampaignWorkflowId(id)).result()).toMatchObject({ phase: 'computed', invited: 0, closedBy: olivia });
    await env.sleep(2 * DAY);
    const after = await stored(id);
    expect({ invitations: after.invitations.length, outbox: after.outbox.length, status: after.campaign.status }).toEqual({ invitations: 0, outbox: 0, status: 'closed' });
    expect(await results().results(id)).toMatchObject({ final: true, responseRate: null, scores: { kind: 'csat', respondents: 0 } });
    expect(smtp.messages().filter((m) => m.envelope.to.includes(`${customerId}@example.test`))).toEqual([]);
  });
});
