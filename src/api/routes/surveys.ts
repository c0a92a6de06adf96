import type { Actor } from '../../domain/actors';
import type { SurveyDefinition } from '../../domain/survey';
import { resultsCsv, resultsMarkdown } from '../../domain/survey-report';
import {
  type Campaign,
  type DefinitionVersionRef,
  createSurveyCampaignService,
  createSurveyDefinitionService,
  createSurveyResultsService,
} from '../../services/surveys';
import type { RouteDeps } from '../app';
import type { AuthUser } from '../auth';
import { type RouteSpec, defineRoute } from '../route';
import { emptyQuery } from '../schemas';
import {
  campaignIdParams,
  campaignList,
  campaignView,
  createCampaignBody,
  definitionBody,
  definitionDetail,
  definitionList,
  definitionView,
  resultsQuery,
  resultsView,
  surveyIdParams,
  surveyVersionParams,
} from '../survey-schemas';
import { creationReply, creationResponses, problemResponses, readIdempotencyKey } from './common';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export const definitionToView = (d: SurveyDefinition) => ({ ...d, kind: d.content.kind, createdAt: iso(d.createdAt)! });
const versionToView = (v: DefinitionVersionRef) => ({ ...v, createdAt: iso(v.createdAt)! });

export const campaignToView = (c: Campaign) => ({
  ...c,
  startsAt: iso(c.startsAt)!,
  remindAt: iso(c.remindAt),
  endsAt: iso(c.endsAt)!,
  openedAt: iso(c.openedAt),
  closedAt: iso(c.closedAt),
  createdAt: iso(c.createdAt)!,
});

/**
 * Surveys for staff: versioned definitions (survey.write defines, survey.read
 * reads), campaigns run by their workflow, early close, and results (JSON,
 * Markdown, CSV). Customers answer through their invitation link
 * (survey-link.ts).
 */
export function surveyRoutes(deps: RouteDeps): RouteSpec[] {
  const definitions = createSurveyDefinitionService({ models: deps.models });
  const campaigns = createSurveyCampaignService(deps);
  const results = createSurveyResultsService({ models: deps.models });
  const tag = 'surveys';
  const actor = (user: AuthUser): Actor => ({ id: user.id, role: user.role });

  return [
    defineRoute({
      method: 'get', path: '/survey-definitions', tag, summary: 'Survey definitions (the latest version of each), newest first', permission: 'survey.read', query: emptyQuery,
      responses: { 200: { description: 'definitions', schema: definitionList }, ...problemResponses(400, 401, 403) },
      handler: async () => ({ status: 200, body: { items: (await definitions.list()).map(definitionToView) } }),
    }),
    defineRoute({
      method: 'post', path: '/survey-definitions', tag,
      summary: 'Define a survey (version 1): CSAT, NPS, SERVQUAL (items default to the 22 standard ones) or Kano (features required)',
      permission: 'survey.write', body: definitionBody,
      headers: { 'Idempotency-Key': 'retries with the same key (and the same body) return the same survey instead of defining another' },
      responses: { ...creationResponses(definitionView, 'survey'), ...problemResponses(400, 401, 403, 413, 415, 422) },
      handler: async ({ body, user, req }) => {
        const key = readIdempotencyKey(req.header('idempotency-key'));
        const { created, definition } = await definitions.create(actor(user), body, key);
        return creationReply(created, definitionToView(definition), `/survey-definitions/${definition.surveyId}`);
      },
    }),
    defineRoute({
      method: 'get', path: '/survey-definitions/:id', tag, summary: 'A survey definition: its latest version, and the list of its versions', permission: 'survey.read', params: surveyIdParams,
      responses: { 200: { description: 'latest version', schema: definitionDetail }, ...problemResponses(400, 401, 403, 404) },
      handler: async ({ params }) => {
        const [latest, versions] = await Promise.all([definitions.get(params.id), definitions.versions(params.id)]);
        return { status: 200, body: { ...definitionToView(latest), versions: versions.map(versionToView) } };
      },
    }),
    defineRoute({
      method: 'get', path: '/survey-definitions/:id/versions/:version', tag, summary: 'One version of a survey definition', permission: 'survey.read', params: surveyVersionParams,
      responses: { 200: { description: 'that version', schema: definitionView }, ...problemResponses(400, 401, 403, 404) },
      handler: async ({ params }) => ({ status: 200, body: definitionToView(await definitions.get(params.id, params.version)) }),
    }),
    defineRoute({
      method: 'put', path: '/survey-definitions/:id', tag,
      summary: 'Save a new version (same kind; a SERVQUAL item keeps its dimension; items may be reworded, added or removed). Campaigns keep the version they started with',
      permission: 'survey.write', params: surveyIdParams, body: definitionBody,
      responses: { 200: { description: 'the new version', schema: definitionView }, ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422) },
      handler: async ({ params, body, user }) => ({ status: 200, body: definitionToView(await definitions.update(params.id, actor(user), body)) }),
    }),
    defineRoute({
      method: 'get', path: '/surveys', tag, summary: 'Survey campaigns, newest first (at most 200), with their counts', permission: 'survey.read', query: emptyQuery,
      responses: { 200: { description: 'campaigns', schema: campaignList }, ...problemResponses(400, 401, 403) },
      handler: async () => ({ status: 200, body: { items: (await campaigns.list()).map(campaignToView) } }),
    }),
    defineRoute({
      method: 'post', path: '/surveys', tag,
      summary:
        "Run a campaign of a survey version in a service area: at startsAt invitations (a link each, an email to those with an address), one reminder at remindAt to those without a complete response, closed at endsAt, then results computed and the area's survey KPIs fed. Audience: a list, a CSV, or a sample of the area's complaints closed in a period",
      permission: 'survey.write', body: createCampaignBody,
      headers: { 'Idempotency-Key': 'retries with the same key (and the same body) return the same campaign instead of starting another' },
      responses: { ...creationResponses(campaignView, 'campaign'), ...problemResponses(400, 401, 403, 413, 415, 422, 503) },
      handler: async ({ body, user, req }) => {
        const key = readIdempotencyKey(req.header('idempotency-key'));
        const { created, campaign } = await campaigns.create(actor(user), body, key);
        return creationReply(created, campaignToView(campaign), `/surveys/${campaign.campaignId}`);
      },
    }),
    defineRoute({
      method: 'get', path: '/surveys/:id', tag, summary: 'A campaign: status, dates and counts', permission: 'survey.read', params: campaignIdParams,
      responses: { 200: { description: 'the campaign', schema: campaignView }, ...problemResponses(400, 401, 403, 404) },
      handler: async ({ params }) => ({ status: 200, body: campaignToView(await campaigns.get(params.id)) }),
    }),
    defineRoute({
      method: 'post', path: '/surveys/:id/close', tag,
      summary: 'Close the campaign now (responses stop, results are computed and stored); a closed campaign is answered as it is',
      permission: 'survey.write', params: campaignIdParams, body: emptyQuery,
      responses: { 200: { description: 'the closed campaign', schema: campaignView }, ...problemResponses(400, 401, 403, 404, 413, 415, 503) },
      handler: async ({ params, user }) => ({ status: 200, body: campaignToView(await campaigns.close(params.id, actor(user))) }),
    }),
    defineRoute({
      method: 'get', path: '/surveys/:id/results', tag,
      summary: 'Results: counts, response rate and the scores of the kind (SERVQUAL gaps with 95 % CIs, Kano categories and coefficients, NPS, CSAT); final once closed, else computed now. ?format=md or csv for an export',
      permission: 'survey.read', params: campaignIdParams, query: resultsQuery,
      responses: { 200: { description: 'application/json, text/markdown or text/csv', schema: resultsView, text: ['text/markdown', 'text/csv'] }, ...problemResponses(400, 401, 403, 404) },
      handler: async ({ params, query }) => {
        const summary = await results.results(params.id);
        if (query.format === 'json') return { status: 200, body: summary };
        const md = query.format === 'md';
        return {
          status: 200,
          body: md ? resultsMarkdown(summary) : resultsCsv(summary),
          contentType: md ? 'text/markdown; charset=utf-8' : 'text/csv; charset=utf-8',
          headers: { 'content-disposition': `attachment; filename="survey-${params.id}-results.${query.format}"` },
        };
      },
    }),
  ];
}
