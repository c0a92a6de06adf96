/**
 * The survey routes in the access matrix (test/integration/access-matrix.test.ts),
 * and what survey tests share: definition and campaign bodies, and the token
 * of an invitation's link as its email would carry it.
 */
import { linkClaims, linkUrl } from '../../src/services/customer-links';
import { areaDefinition, seedArea } from './review-fixtures';
import type { ApiStack } from './api';
import type { EndpointEntry, EndpointRequest, MatrixContext } from './endpoint-requests';
import { eventually, uniqueId } from './stack';

type View = Record<string, any>;

async function must(stack: ApiStack, who: string, method: string, path: string, body: unknown, status: number): Promise<View> {
  const res = await stack.call(method, path, { key: stack.keys[who]!, body });
  if (res.status !== status) throw new Error(`fixture: ${method} ${path} answered ${res.status}: ${res.text.slice(0, 600)}`);
  return res.body as View;
}

const DAY = 86_400_000;

/** A NPS survey definition (the standard question). */
export const npsDefinition = (title = 'Would you recommend us') => ({ title, content: { kind: 'nps' } });

/** A campaign of `surveyId` in `areaId` starting now, ending in 30 days, for the customers given. */
export const campaignBody = (surveyId: string, areaId: string, customerIds: string[], extra: Record<string, unknown> = {}) => ({
  surveyId,
  title: 'Matrix campaign',
  areaId,
  endsAt: new Date(Date.now() + 30 * DAY).toISOString(),
  audience: { source: 'list', customers: customerIds.map((customerId) => ({ customerId })) },
  ...extra,
});

/** Waits until the campaign's workflow opened it (invitations and links written). */
export async function campaignOpened(stack: ApiStack, campaignId: string): Promise<void> {
  await eventually(async () => (await stack.models.SurveyCampaign.findById(campaignId, { status: 1 }).lean())?.status === 'open', 30_000, `campaign ${campaignId} open`);
}

/** The token of a customer's invitation link, signed as the invitation email signs it. */
export async function invitationToken(stack: ApiStack, campaignId: string, customerId: string): Promise<string> {
  const invitation = await eventually(async () => stack.models.SurveyInvitation.findOne({ campaignId, customerId }).lean(), 30_000, `invitation of ${customerId}`);
  return linkUrl(stack.config, linkClaims(stack.config, { linkId: invitation.linkId, subject: 'invitation', subjectId: invitation._id, customerId }, Date.now())).token;
}

interface SurveyMatrix {
  areaId: string;
  surveyId: string;
  /** An open campaign of two customers: one whose link reads, one whose link saves (each link has its own rate limit). */
  campaignId: string;
  readToken: string;
  writeToken: string;
}

const matrices = new WeakMap<MatrixContext, Promise<SurveyMatrix>>();

/**
 * The survey fixtures, made on first use (a probe, before any snapshot is
 * taken) and settled: the campaign open and its workflow visible, so a
 * snapshot taken afterwards stays still.
 */
function surveyMatrix(ctx: MatrixContext): Promise<SurveyMatrix> {
  let m = matrices.get(ctx);
  if (!m) {
    m = (async () => {
      const { stack } = ctx;
      const areaId = uniqueId('matrix-survey-area');
      await seedArea(stack.models, areaId, areaDefinition({ name: 'Matrix survey area', match: { categories: ['matrix-survey-only'] } }));
      const surveyId = (await must(stack, 'olivia', 'POST', '/survey-definitions', npsDefinition(), 201)).surveyId as string;
      const [reader, writer] = [uniqueId('matrix-reader'), uniqueId('matrix-writer')];
      const workflows = await stack.workflowCount();
      const campaignId = (await must(stack, 'olivia', 'POST', '/surveys', campaignBody(surveyId, areaId, [reader, writer], { remindAt: null }), 201)).campaignId as string;
      await campaignOpened(stack, campaignId);
      await eventually(async () => (await stack.workflowCount()) === workflows + 1, 20_000, 'matrix campaign workflow visible');
      return { areaId, surveyId, campaignId, readToken: await invitationToken(stack, campaignId, reader), writeToken: await invitationToken(stack, campaignId, writer) };
    })();
    matrices.set(ctx, m);
  }
  return m;
}

const get = (path: string): EndpointRequest => ({ method: 'GET', path, status: 200 });
const send = (method: 'POST' | 'PUT', path: string, body: unknown, status: 200 | 201 = 200): EndpointRequest => ({ method, path, body, status });

/** A partial save: repeatable, so every caller's request is accepted. */
const partialSave = (token: string): EndpointRequest => ({
  ...send('PUT', '/customer-link/survey/response', { answers: { kind: 'nps', comment: 'still deciding' }, complete: false }),
  headers: { 'x-customer-link': token, 'idempotency-key': uniqueId('matrix-save') },
});

export const surveyEntries: EndpointEntry[] = [
  { route: 'GET /survey-definitions', accepted: async () => get('/survey-definitions'), probe: async () => get('/survey-definitions') },
  {
    route: 'POST /survey-definitions',
    accepted: async () => send('POST', '/survey-definitions', npsDefinition('Matrix survey'), 201),
    probe: async () => send('POST', '/survey-definitions', npsDefinition('Never defined'), 201),
  },
  {
    route: 'GET /survey-definitions/:id',
    accepted: async (ctx) => get(`/survey-definitions/${(await surveyMatrix(ctx)).surveyId}`),
    probe: async (ctx) => get(`/survey-definitions/${(await surveyMatrix(ctx)).surveyId}`),
  },
  {
    route: 'GET /survey-definitions/:id/versions/:version',
    accepted: async (ctx) => get(`/survey-definitions/${(await surveyMatrix(ctx)).surveyId}/versions/1`),
    probe: async (ctx) => get(`/survey-definitions/${(await surveyMatrix(ctx)).surveyId}/versions/1`),
  },
  {
    route: 'PUT /survey-definitions/:id',
    accepted: async (ctx) => send('PUT', `/survey-definitions/${(await surveyMatrix(ctx)).surveyId}`, npsDefinition('Would you recommend us, reworded')),
    probe: async (ctx) => send('PUT', `/survey-definitions/${(await surveyMatrix(ctx)).surveyId}`, npsDefinition('Never saved')),
  },
  { route: 'GET /surveys', accepted: async () => get('/surveys'), probe: async () => get('/surveys') },
  {
    route: 'POST /surveys',
    accepted: async (ctx) => {
      const m = await surveyMatrix(ctx);
      return send('POST', '/surveys', campaignBody(m.surveyId, m.areaId, [uniqueId('matrix-cust')]), 201);
    },
    probe: async (ctx) => {
      const m = await surveyMatrix(ctx);
      return send('POST', '/surveys', campaignBody(m.surveyId, m.areaId, ['never-invited']), 201);
    },
  },
  {
    route: 'GET /surveys/:id',
    accepted: async (ctx) => get(`/surveys/${(await surveyMatrix(ctx)).campaignId}`),
    probe: async (ctx) => get(`/surveys/${(await surveyMatrix(ctx)).campaignId}`),
  },
  {
    route: 'POST /surveys/:id/close',
    // Each accepted call closes a campaign of its own (the shared one stays open for the link routes).
    accepted: async (ctx) => {
      const m = await surveyMatrix(ctx);
      const { campaignId } = await must(ctx.stack, 'olivia', 'POST', '/surveys', campaignBody(m.surveyId, m.areaId, [uniqueId('matrix-cust')]), 201);
      return { ...send('POST', `/surveys/${campaignId}/close`, {}), verify: (res) => expect(res.body).toMatchObject({ campaignId, status: 'closed' }) };
    },
    probe: async (ctx) => send('POST', `/surveys/${(await surveyMatrix(ctx)).campaignId}/close`, {}),
  },
  {
    route: 'GET /surveys/:id/results',
    accepted: async (ctx) => get(`/surveys/${(await surveyMatrix(ctx)).campaignId}/results`),
    probe: async (ctx) => get(`/surveys/${(await surveyMatrix(ctx)).campaignId}/results`),
  },
  // Public: the invitation link is the credential; an API key changes nothing.
  {
    route: 'GET /customer-link/survey',
    accepted: async (ctx) => ({ ...get('/customer-link/survey'), headers: { 'x-customer-link': (await surveyMatrix(ctx)).readToken } }),
    probe: async (ctx) => ({ ...get('/customer-link/survey'), headers: { 'x-customer-link': (await surveyMatrix(ctx)).readToken } }),
  },
  {
    route: 'PUT /customer-link/survey/response',
    accepted: async (ctx) => partialSave((await surveyMatrix(ctx)).writeToken),
    probe: async (ctx) => partialSave((await surveyMatrix(ctx)).writeToken),
  },
];
