/**
 * Hostile and malformed requests against every survey endpoint, the staff
 * routes and the invitation link routes, on the real stack (same pattern as
 * bad-input.test.ts). Each rejected request must answer RFC 9457
 * problem+json with the right status, name the field, and write NOTHING: no
 * definition version, campaign, invitation, response, contact, audit event or
 * outbox message, and no workflow started.
 */
import type { Role } from '../../src/domain/actors';
import { DEFAULT_SERVQUAL_ITEMS } from '../../src/domain/survey';
import { type ApiStack, collectionCounts, errorPaths, rejectionChecker, startApiStack } from '../helpers/api';
import { campaignBody, campaignOpened, invitationToken, npsDefinition } from '../helpers/endpoints-surveys';
import { areaDefinition, seedArea } from '../helpers/review-fixtures';
import { eventually, uniqueId } from '../helpers/stack';

const AREA = 'survey-bad-input-area';
const OP = { $gt: '' };
const DAY = 86_400_000;
const inDays = (n: number) => new Date(Date.now() + n * DAY).toISOString();

interface Case {
  name: string;
  body?: unknown;
  rawBody?: string;
  /** Replaces the endpoint's path (a bad id or query string). */
  path?: string;
  headers?: Record<string, string>;
  errorPath: string;
}

interface Endpoint {
  method: 'GET' | 'POST' | 'PUT';
  route: string;
  path: () => string;
  /** A role holding the permission; null for the public link routes. */
  role: Role | null;
  wrongRoles: Role[];
  body?: () => unknown;
  headers?: () => Record<string, string>;
  invalid: Case[];
}

const fixture = { surveyId: '', campaignId: '', token: '', customerId: '' };

const bad = (name: string, body: unknown, errorPath: string): Case => ({ name, body, errorPath });
const badPath = (name: string, path: string, errorPath: string): Case => ({ name, path, errorPath });
const badSurveyIds = (suffix: string): Case[] => [
  badPath('a malformed survey id', `/survey-definitions/${encodeURIComponent('Bad Id!')}${suffix}`, 'params.id'),
  badPath('an over-long survey id', `/survey-definitions/${'x'.repeat(65)}${suffix}`, 'params.id'),
  badPath('an operator as survey id', `/survey-definitions/${encodeURIComponent('{"$gt":""}')}${suffix}`, 'params.id'),
];
const badCampaignIds = (suffix: string): Case[] => [
  badPath('a malformed campaign id', `/surveys/${encodeURIComponent('bad id!')}${suffix}`, 'params.id'),
  badPath('an over-long campaign id', `/surveys/${'x'.repeat(65)}${suffix}`, 'params.id'),
  badPath('an operator as campaign id', `/surveys/${encodeURIComponent('{"$gt":""}')}${suffix}`, 'params.id'),
];

const servqual = (patch: Record<string, unknown>) => ({ title: 'Quality', content: { kind: 'servqual', ...patch } });
const withContent = (content: unknown) => ({ title: 'A survey', content });
const kanoFeature = { id: 'chat', functional: { en: 'Chat support exists' }, dysfunctional: { en: 'No chat support' } };

const definitionCases = (): Case[] => [
  bad('title missing', { content: { kind: 'nps' } }, 'body.title'),
  bad('a blank title', { title: '   ', content: { kind: 'nps' } }, 'body.title'),
  bad('an over-long title', { title: 'x'.repeat(201), content: { kind: 'nps' } }, 'body.title'),
  bad('content missing', { title: 'x' }, 'body.content'),
  bad('an unknown kind', withContent({ kind: 'ces' }), 'body.content.kind'),
  bad('an operator object as kind', withContent({ kind: OP }), 'body.content.kind'),
  bad('a kano survey without features', withContent({ kind: 'kano' }), 'body.content.features'),
  bad('a kano survey with no feature', withContent({ kind: 'kano', features: [] }), 'body.content.features'),
  bad('a feature without its dysfunctional question', withContent({ kind: 'kano', features: [{ id: 'chat', functional: { en: 'x' } }] }), 'body.content.features.0.dysfunctional'),
  bad('an item in an unknown dimension', servqual({ items: [{ id: 't1', dimension: 'speed', text: { en: 'x' } }] }), 'body.content.items.0.dimension'),
  bad('an item id that is not a slug', servqual({ items: [{ id: 'Item 1', dimension: 'tangibles', text: { en: 'x' } }] }), 'body.content.items.0.id'),
  bad('a text without English', servqual({ items: [{ id: 't1', dimension: 'tangibles', text: { 'zh-CN': '设备' } }] }), 'body.content.items.0.text.en'),
  bad('a text in an unknown language', servqual({ items: [{ id: 't1', dimension: 'tangibles', text: { en: 'x', fr: 'y' } }] }), 'body.content.items.0.text.fr'),
  bad('an over-long item text', servqual({ items: [{ id: 't1', dimension: 'tangibles', text: { en: 'x'.repeat(501) } }] }), 'body.content.items.0.text.en'),
  bad('61 items', servqual({ items: Array.from({ length: 61 }, (_, i) => ({ id: `i${i}`, dimension: 'tangibles', text: { en: 'x' } })) }), 'body.content.items'),
  bad('askImportance of the wrong type', servqual({ askImportance: 'yes' }), 'body.content.askImportance'),
  bad('an unknown field in the content', withContent({ kind: 'nps', scale: 11 }), 'body.content.scale'),
  bad('an unknown field', { ...npsDefinition(), surveyId: 'mine' }, 'body.surveyId'),
  bad('a body that is an array', [npsDefinition()], 'body'),
];

const list = (customers: unknown[]) => ({ source: 'list', customers });
const withAudience = (audience: unknown) => ({ ...campaignBody(fixture.surveyId, AREA, ['x']), audience });
const withCampaign = (patch: Record<string, unknown>) => ({ ...campaignBody(fixture.surveyId, AREA, ['x']), ...patch });
const csvOf = (text: string) => withAudience({ source: 'csv', csv: text });

const ENDPOINTS: Endpoint[] = [
  { method: 'GET', route: 'GET /survey-definitions', path: () => '/survey-definitions', role: 'auditor', wrongRoles: ['agent', 'intake'], invalid: [badPath('a query parameter', '/survey-definitions?kind=nps', 'query.kind')] },
  {
    method: 'POST',
    route: 'POST /survey-definitions',
    path: () => '/survey-definitions',
    role: 'process_owner',
    wrongRoles: ['agent', 'supervisor', 'sponsor', 'auditor', 'intake'],
    body: () => npsDefinition('Never defined'),
    invalid: [...definitionCases(), { name: 'a malformed Idempotency-Key', body: npsDefinition(), headers: { 'idempotency-key': 'has spaces in it' }, errorPath: 'headers.idempotency-key' }],
  },
  {
    method: 'GET',
    route: 'GET /survey-definitions/:id',
    path: () => `/survey-definitions/${fixture.surveyId}`,
    role: 'sponsor',
    wrongRoles: ['agent', 'intake'],
    invalid: [...badSurveyIds(''), badPath('a query parameter', `/survey-definitions/${'s'}?version=1`, 'query.version')],
  },
  {
    method: 'GET',
    route: 'GET /survey-definitions/:id/versions/:version',
    path: () => `/survey-definitions/${fixture.surveyId}/versions/1`,
    role: 'supervisor',
    wrongRoles: ['agent', 'intake'],
    invalid: [
      ...badSurveyIds('/versions/1'),
      badPath('version zero', '/survey-definitions/s/versions/0', 'params.version'),
      badPath('a version in words', '/survey-definitions/s/versions/one', 'params.version'),
      badPath('a fractional version', '/survey-definitions/s/versions/1.5', 'params.version'),
    ],
  },
  {
    method: 'PUT',
    route: 'PUT /survey-definitions/:id',
    path: () => `/survey-definitions/${fixture.surveyId}`,
    role: 'admin',
    wrongRoles: ['agent', 'supervisor', 'sponsor', 'auditor', 'intake'],
    body: () => npsDefinition('Never saved'),
    invalid: [...badSurveyIds('').map((c) => ({ ...c, body: npsDefinition() })), ...definitionCases()],
  },
  { method: 'GET', route: 'GET /surveys', path: () => '/surveys', role: 'supervisor', wrongRoles: ['agent', 'intake'], invalid: [badPath('a query parameter', '/surveys?status=open', 'query.status')] },
  {
    method: 'POST',
    route: 'POST /surveys',
    path: () => '/surveys',
    role: 'process_owner',
    wrongRoles: ['agent', 'supervisor', 'sponsor', 'auditor', 'intake'],
    body: () => campaignBody(fixture.surveyId, AREA, ['never-invited']),
    invalid: [
      bad('surveyId missing', { ...withCampaign({}), surveyId: undefined }, 'body.surveyId'),
      bad('an operator object as surveyId', withCampaign({ surveyId: OP }), 'body.surveyId'),
      bad('surveyVersion zero', withCampaign({ surveyVersion: 0 }), 'body.surveyVersion'),
      bad('a blank title', withCampaign({ title: ' ' }), 'body.title'),
      bad('an areaId that is not a slug', withCampaign({ areaId: 'Area One' }), 'body.areaId'),
      bad('endsAt missing', { ...withCampaign({}), endsAt: undefined }, 'body.endsAt'),
      bad('endsAt without a time zone', withCampaign({ endsAt: '2030-01-01T00:00:00' }), 'body.endsAt'),
      bad('startsAt not a date', withCampaign({ startsAt: 'tomorrow' }), 'body.startsAt'),
      bad('remindAt as a number', withCampaign({ remindAt: 1_900_000_000_000 }), 'body.remindAt'),
      bad('audience missing', { ...withCampaign({}), audience: undefined }, 'body.audience'),
      bad('an unknown audience source', withAudience({ source: 'crm' }), 'body.audience.source'),
      bad('an empty list', withAudience(list([])), 'body.audience.customers'),
      bad('a malformed customer id', withAudience(list([{ customerId: 'a b' }])), 'body.audience.customers.0.customerId'),
      bad('a malformed email', withAudience(list([{ customerId: 'c1', email: 'not-an-email' }])), 'body.audience.customers.0.email'),
      bad('an unknown language', withAudience(list([{ customerId: 'c1', language: 'fr' }])), 'body.audience.customers.0.language'),
      bad('an unknown recipient field', withAudience(list([{ customerId: 'c1', phone: '123' }])), 'body.audience.customers.0.phone'),
      bad('an operator object as customer id', withAudience(list([{ customerId: OP }])), 'body.audience.customers.0.customerId'),
      bad('an empty CSV', csvOf(''), 'body.audience.csv'),
      bad('a CSV with only a header', csvOf('customerId,email,name,language\n'), 'body.audience.csv'),
      bad('a CSV with a bad email', csvOf('customerId,email\nc1,c1@example.test\nc2,nope\n'), 'body.audience.csv.rows.1.email'),
      bad('a CSV with an unknown column', csvOf('customerId,phone\nc1,123\n'), 'body.audience.csv.rows.0.phone'),
      bad('a CSV without customerId', csvOf('email\nc1@example.test\n'), 'body.audience.csv.rows.0.customerId'),
      bad('a CSV with an unknown language', csvOf('customerId,language\nc1,fr\n'), 'body.audience.csv.rows.0.language'),
      bad('a CSV with a row of the wrong width', csvOf('customerId,email\nc1\n'), 'body.audience.csv.rows.0'),
      bad('a CSV with a stray quote', csvOf('customerId,name\nc1,Dana "D"\n'), 'body.audience.csv.rows.0'),
      bad('a period that is not a day', withAudience({ source: 'closed_complaints', from: '2026-13-01', to: '2026-01-31', sampleSize: 10 }), 'body.audience.from'),
      bad('a sample of zero', withAudience({ source: 'closed_complaints', from: '2026-01-01', to: '2026-01-31', sampleSize: 0 }), 'body.audience.sampleSize'),
      bad('a sample above 5000', withAudience({ source: 'closed_complaints', from: '2026-01-01', to: '2026-01-31', sampleSize: 5001 }), 'body.audience.sampleSize'),
      bad('a seed with spaces', withAudience({ source: 'closed_complaints', from: '2026-01-01', to: '2026-01-31', sampleSize: 5, seed: 'a b' }), 'body.audience.seed'),
      bad('a status set by the caller', withCampaign({ status: 'closed' }), 'body.status'),
      { name: 'a malformed Idempotency-Key', body: campaignBody('s', AREA, ['x']), headers: { 'idempotency-key': 'has spaces in it' }, errorPath: 'headers.idempotency-key' },
    ],
  },
  { method: 'GET', route: 'GET /surveys/:id', path: () => `/surveys/${fixture.campaignId}`, role: 'auditor', wrongRoles: ['agent', 'intake'], invalid: [...badCampaignIds(''), badPath('a query parameter', '/surveys/sv_1?x=1', 'query.x')] },
  {
    method: 'POST',
    route: 'POST /surveys/:id/close',
    path: () => `/surveys/${fixture.campaignId}/close`,
    role: 'admin',
    wrongRoles: ['agent', 'supervisor', 'sponsor', 'auditor', 'intake'],
    body: () => ({}),
    invalid: [...badCampaignIds('/close').map((c) => ({ ...c, body: {} })), bad('a body field', { reason: 'done' }, 'body.reason')],
  },
  {
    method: 'GET',
    route: 'GET /surveys/:id/results',
    path: () => `/surveys/${fixture.campaignId}/results`,
    role: 'sponsor',
    wrongRoles: ['agent', 'intake'],
    invalid: [
      ...badCampaignIds('/results'),
      badPath('an unknown format', '/surveys/sv_1/results?format=pdf', 'query.format'),
      badPath('a repeated format', '/surveys/sv_1/results?format=md&format=csv', 'query.format'),
      badPath('an unknown parameter', '/surveys/sv_1/results?lang=en', 'query.lang'),
    ],
  },
  {
    method: 'GET',
    route: 'GET /customer-link/survey',
    path: () => '/customer-link/survey',
    role: null,
    wrongRoles: [],
    headers: () => ({ 'x-customer-link': fixture.token }),
    invalid: [badPath('a query parameter', '/customer-link/survey?token=abc', 'query.token')],
  },
  {
    method: 'PUT',
    route: 'PUT /customer-link/survey/response',
    path: () => '/customer-link/survey/response',
    role: null,
    wrongRoles: [],
    headers: () => ({ 'x-customer-link': fixture.token, 'idempotency-key': uniqueId('bad-input') }),
    body: () => ({ answers: { kind: 'nps', score: 8 }, complete: false }),
    invalid: [
      bad('answers missing', { complete: false }, 'body.answers'),
      bad('complete missing', { answers: { kind: 'nps', score: 8 } }, 'body.complete'),
      bad('complete as text', { answers: { kind: 'nps' }, complete: 'yes' }, 'body.complete'),
      bad('an unknown kind', { answers: { kind: 'ces', score: 3 }, complete: false }, 'body.answers.kind'),
      bad('a score above 10', { answers: { kind: 'nps', score: 11 }, complete: false }, 'body.answers.score'),
      bad('a fractional score', { answers: { kind: 'nps', score: 7.5 }, complete: false }, 'body.answers.score'),
      bad('a score as text', { answers: { kind: 'nps', score: '8' }, complete: false }, 'body.answers.score'),
      bad('an operator object as score', { answers: { kind: 'nps', score: OP }, complete: false }, 'body.answers.score'),
      bad('an over-long comment', { answers: { kind: 'nps', comment: 'x'.repeat(2001) }, complete: false }, 'body.answers.comment'),
      bad('a rating 8 on a 7-point scale', { answers: { kind: 'servqual', expectations: { t1: 8 }, perceptions: {} }, complete: false }, 'body.answers.expectations.t1'),
      bad('an operator as an item id', { answers: { kind: 'servqual', expectations: { $gt: 1 }, perceptions: {} }, complete: false }, 'body.answers.expectations.$gt'),
      bad('an importance for an unknown dimension', { answers: { kind: 'servqual', expectations: {}, perceptions: {}, importance: { speed: 100 } }, complete: false }, 'body.answers.importance.speed'),
      bad('an unknown Kano answer', { answers: { kind: 'kano', answers: { chat: { functional: 'love' } } }, complete: false }, 'body.answers.answers.chat.functional'),
      bad('an unknown field', { answers: { kind: 'nps' }, complete: false, customerId: 'someone-else' }, 'body.customerId'),
      { name: 'no Idempotency-Key', body: { answers: { kind: 'nps' }, complete: false }, headers: { 'idempotency-key': '' }, errorPath: 'headers.idempotency-key' },
      { name: 'a malformed Idempotency-Key', body: { answers: { kind: 'nps' }, complete: false }, headers: { 'idempotency-key': 'has spaces in it' }, errorPath: 'headers.idempotency-key' },
    ],
  },
];

describe('survey bad input', () => {
  let stack: ApiStack;

  beforeAll(async () => {
    stack = await startApiStack();
    await seedArea(stack.models, AREA, areaDefinition({ name: 'Bad input area', match: { categories: ['survey-bad-input-only'] } }));
    const def = await stack.call('POST', '/survey-definitions', { key: stack.keys.olivia, body: npsDefinition() });
    fixture.surveyId = def.body.surveyId;
    fixture.customerId = uniqueId('fixture-customer');
    const campaign = await stack.call('POST', '/surveys', { key: stack.keys.olivia, body: campaignBody(fixture.surveyId, AREA, [fixture.customerId], { remindAt: null }) });
    expect(campaign.status).toBe(201);
    fixture.campaignId = campaign.body.campaignId;
    await campaignOpened(stack, fixture.campaignId);
    fixture.token = await invitationToken(stack, fixture.campaignId, fixture.customerId);
    await eventually(async () => (await stack.workflowCount()) === 1, 20_000, 'fixture workflow visible');
  });
  afterAll(async () => {
    await stack?.stop();
  });

  /** Everything a request could change. */
  async function snapshot() {
    const m = stack.models;
    const [counts, workflows, definitions, campaigns, invitations, responses, customers, links, response] = await Promise.all([
      collectionCounts(m),
      stack.workflowCount(),
      m.SurveyDefinition.countDocuments({}),
      m.SurveyCampaign.find({}, { status: 1, closedAt: 1 }).lean(),
      m.SurveyInvitation.countDocuments({}),
      m.SurveyResponse.countDocuments({}),
      m.Customer.countDocuments({}),
      m.CustomerLink.countDocuments({}),
      m.SurveyResponse.findOne({ campaignId: fixture.campaignId }).lean(),
    ]);
    return { ...counts, workflows, definitions, campaigns, invitations, responses, customers, links, response };
  }

  const rejected = rejectionChecker(() => stack, snapshot);
  const keyOf = (role: Role | null) => (role ? stack.keys[role] : undefined);

  it('given the endpoint table, then it covers every survey route', () => {
    expect(ENDPOINTS.map((e) => e.route).sort()).toEqual([
      'GET /customer-link/survey',
      'GET /survey-definitions',
      'GET /survey-definitions/:id',
      'GET /survey-definitions/:id/versions/:version',
      'GET /surveys',
      'GET /surveys/:id',
      'GET /surveys/:id/results',
      'POST /survey-definitions',
      'POST /surveys',
      'POST /surveys/:id/close',
      'PUT /customer-link/survey/response',
      'PUT /survey-definitions/:id',
    ]);
  });

  describe.each(ENDPOINTS.map((e) => [e.route, e] as const))('%s', (_route, ep) => {
    const headers = () => ep.headers?.() ?? {};

    if (ep.method !== 'GET') {
      it('given malformed JSON, when sent, then 400 MALFORMED_JSON', async () => {
        const res = await rejected(ep.method, ep.path(), { key: keyOf(ep.role), headers: headers(), rawBody: '{"title": "x",' }, 400, 'MALFORMED_JSON');
        expect(errorPaths(res)).toContain('body');
      });

      it('given a body over 64kb, when sent, then 413', async () => {
        await rejected(ep.method, ep.path(), { key: keyOf(ep.role), headers: headers(), rawBody: JSON.stringify({ ...(ep.body?.() as object), title: 'x'.repeat(70 * 1024) }) }, 413, 'BODY_TOO_LARGE');
      });

      it('given a text/plain body, when sent, then 415', async () => {
        await rejected(ep.method, ep.path(), { key: keyOf(ep.role), rawBody: JSON.stringify(ep.body?.()), headers: { ...headers(), 'content-type': 'text/plain' } }, 415, 'UNSUPPORTED_MEDIA_TYPE');
      });
    }

    if (ep.role) {
      it.each(ep.wrongRoles)('given the %s role, when calling with a valid request, then 403 NOT_PERMITTED', async (role) => {
        await rejected(ep.method, ep.path(), { key: keyOf(role), body: ep.body?.() }, 403, 'NOT_PERMITTED');
      });

      it('given no API key, when calling, then 401', async () => {
        await rejected(ep.method, ep.path(), { body: ep.body?.() }, 401, 'UNAUTHENTICATED');
      });
    } else {
      it('given no link token, or an altered one, when calling with a valid request, then 401 LINK_INVALID', async () => {
        const { 'x-customer-link': _token, ...rest } = headers();
        await rejected(ep.method, ep.path(), { body: ep.body?.(), headers: rest }, 401, 'LINK_INVALID');
        const altered = `${fixture.token.slice(0, -3)}${fixture.token.endsWith('AAA') ? 'BBB' : 'AAA'}`;
        await rejected(ep.method, ep.path(), { body: ep.body?.(), headers: { ...rest, 'x-customer-link': altered } }, 401, 'LINK_INVALID');
        // A staff key is no substitute for the link.
        await rejected(ep.method, ep.path(), { key: stack.keys.admin, body: ep.body?.(), headers: rest }, 401, 'LINK_INVALID');
      });
    }

    it.each(ep.invalid.map((c) => [c.name, c] as const))('given %s, when sent, then 400 naming the field and nothing is written', async (_name, c) => {
      const caseHeaders = c.headers ? { ...headers(), ...c.headers } : headers();
      // An empty value in a case stands for a header left out.
      if (caseHeaders['idempotency-key'] === '') delete caseHeaders['idempotency-key'];
      const res = await rejected(ep.method, c.path ?? ep.path(), { key: keyOf(ep.role), body: c.body ?? (c.path ? ep.body?.() : undefined), rawBody: c.rawBody, headers: caseHeaders }, 400, 'VALIDATION_FAILED');
      expect(errorPaths(res)).toContain(c.errorPath);
    });
  });

  describe('rules checked against the stored data', () => {
    const olivia = () => ({ key: stack.keys.olivia });

    it('given campaign dates out of order, an unknown area, survey or version, a duplicate customer or too many CSV rows, when a campaign is created, then 400 naming each field and nothing is written', async () => {
      const cases: [string, unknown, string[]][] = [
        ['an end in the past', withCampaign({ endsAt: inDays(-1) }), ['body.endsAt']],
        ['an end before the start', withCampaign({ startsAt: inDays(5), endsAt: inDays(4) }), ['body.endsAt']],
        ['a reminder after the end', withCampaign({ startsAt: inDays(1), remindAt: inDays(9), endsAt: inDays(8) }), ['body.remindAt']],
        ['a reminder before the start', withCampaign({ startsAt: inDays(2), remindAt: inDays(1), endsAt: inDays(8) }), ['body.remindAt']],
        ['an unknown area', withCampaign({ areaId: 'no-such-area' }), ['body.areaId']],
        ['an unknown survey', withCampaign({ surveyId: 'no-such-survey' }), ['body.surveyId']],
        ['an unknown version', withCampaign({ surveyVersion: 9 }), ['body.surveyVersion']],
        ['a period ending before it starts', withAudience({ source: 'closed_complaints', from: '2026-02-01', to: '2026-01-31', sampleSize: 5 }), ['body.audience.to']],
        ['a customer listed twice', withAudience(list([{ customerId: 'c1' }, { customerId: 'c2' }, { customerId: 'c1' }])), ['body.audience.customers.2.customerId']],
        ['a customer twice in the CSV', csvOf('customerId\nc1\nc1\n'), ['body.audience.csv.rows.1.customerId']],
        ['5001 CSV rows', csvOf(`customerId\n${Array.from({ length: 5001 }, (_, i) => `c${i}`).join('\n')}\n`), ['body.audience.csv']],
      ];
      for (const [what, body, paths] of cases) {
        const res = await rejected('POST', '/surveys', { ...olivia(), body }, 400, 'VALIDATION_FAILED');
        expect({ what, paths: errorPaths(res) }).toEqual({ what, paths });
      }
    });

    it('given definitions that break a content rule, when created or versioned, then 422 INVALID_DEFINITION naming the field and nothing is written', async () => {
      const twice = { kind: 'kano', features: [kanoFeature, kanoFeature] };
      let res = await rejected('POST', '/survey-definitions', { ...olivia(), body: withContent(twice) }, 422, 'INVALID_DEFINITION');
      expect(errorPaths(res)).toEqual(['body.content.features.1.id']);
      // Importance needs every dimension asked about.
      res = await rejected('POST', '/survey-definitions', { ...olivia(), body: servqual({ askImportance: true, items: DEFAULT_SERVQUAL_ITEMS.filter((i) => i.dimension !== 'empathy') }) }, 422, 'INVALID_DEFINITION');
      expect(errorPaths(res)).toEqual(['body.content.items']);
      res = await rejected('PUT', `/survey-definitions/${fixture.surveyId}`, { ...olivia(), body: withContent({ kind: 'kano', features: [kanoFeature] }) }, 422, 'INVALID_DEFINITION');
      expect(errorPaths(res)).toEqual(['body.content.kind']);
    });

    it('given answers that do not fit the survey, when saved through the link, then 422 naming the answer and nothing is written', async () => {
      const put = (answers: unknown, complete: boolean) =>
        rejected('PUT', '/customer-link/survey/response', { body: { answers, complete }, headers: { 'x-customer-link': fixture.token, 'idempotency-key': uniqueId('k') } }, 422, 'INVALID_ACTION');
      expect(errorPaths(await put({ kind: 'servqual', expectations: { t1: 5 }, perceptions: {} }, false))).toEqual(['body.answers.kind']);
      expect(errorPaths(await put({ kind: 'nps' }, true))).toEqual(['body.answers.score']);
    });

    it('given ids of the right shape that do not exist, when read or acted on, then 404 and nothing is written', async () => {
      for (const [method, path, body] of [
        ['GET', '/survey-definitions/no-such-survey', undefined],
        ['GET', `/survey-definitions/${fixture.surveyId}/versions/7`, undefined],
        ['PUT', '/survey-definitions/no-such-survey', npsDefinition()],
        ['GET', '/surveys/sv_000000000000000000000000', undefined],
        ['POST', '/surveys/sv_000000000000000000000000/close', {}],
        ['GET', '/surveys/sv_000000000000000000000000/results', undefined],
      ] as const) {
        await rejected(method, path, { ...olivia(), body }, 404, 'NOT_FOUND');
      }
    });
  });
});
