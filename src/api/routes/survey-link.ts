/**
 * A survey invitation through the customer's link (public routes: no key, no
 * cookie; the token travels in `X-Customer-Link`, authenticated and rate
 * limited by src/api/customer-link-auth.ts with subject `invitation`, sharing
 * the limits of the complaint link routes). The customer reads the survey in
 * their language and saves their one response: partially, then complete.
 */
import { createSurveyResponseService, type SurveyInvitationView } from '../../services/surveys';
import type { RouteDeps } from '../app';
import { createLinkAuthenticator } from '../customer-link-auth';
import { type RouteSpec, defineRoute } from '../route';
import { emptyQuery } from '../schemas';
import { invitationView, responseBody } from '../survey-schemas';
import { problemResponses, problemSchema, requiredIdempotencyKey } from './common';

const toView = (v: SurveyInvitationView) => ({ ...v, closesAt: new Date(v.closesAt).toISOString() });

/** The Idempotency-Key a write through a link needs (400 `headers.idempotency-key` when missing). */

const LINK_HEADER = { 'X-Customer-Link': { required: true, description: "the token of the customer's invitation link (the part of the link after #)" } } as const;
const linkRefusals = {
  401: { description: 'LINK_INVALID: the token is missing, malformed, forged or altered, is not for a survey invitation, or matches no link we issued', schema: problemSchema },
  410: { description: 'LINK_EXPIRED or LINK_REVOKED', schema: problemSchema },
  429: { description: 'RATE_LIMITED: too many requests for this link or from this address (Retry-After)', schema: problemSchema },
};

export function surveyLinkRoutes(deps: Pick<RouteDeps, 'models' | 'config' | 'log'>): RouteSpec[] {
  const linkAuth = createLinkAuthenticator({ models: deps.models, config: deps.config, log: deps.log });
  const responses = createSurveyResponseService({ models: deps.models });
  const common = { tag: 'customer link', permission: 'public' } as const;

  return [
    defineRoute({
      ...common,
      method: 'get',
      path: '/customer-link/survey',
      summary: "The survey of the customer's invitation in their language: its questions, their saved answers, and whether it is open",
      query: emptyQuery,
      headers: LINK_HEADER,
      authenticate: (req) => linkAuth.authenticate(req, 'invitation'),
      responses: { 200: { description: 'the invitation', schema: invitationView }, ...problemResponses(400, 503), ...linkRefusals },
      handler: async ({ authenticated: { claims } }) => {
        return { status: 200, body: toView(await responses.view(claims.subjectId, claims.customerId)) };
      },
    }),
    defineRoute({
      ...common,
      method: 'put',
      path: '/customer-link/survey/response',
      summary:
        'Save the response: complete=false keeps partial answers (later saves replace them); complete=true needs every question answered and freezes it. The same completed answers again are accepted; other answers after completion 409 RESPONSE_COMPLETE; a campaign not open 409 SURVEY_CLOSED',
      body: responseBody,
      headers: { ...LINK_HEADER, 'Idempotency-Key': { required: true, description: 'made once per submission; the same key on the same link applies once and answers the current view' } },
      responses: {
        200: { description: 'the invitation with the saved answers', schema: invitationView },
        ...problemResponses(400, 409, 413, 415, 422, 503),
        ...linkRefusals,
      },
      authenticate: (req) => linkAuth.authenticate(req, 'invitation'),
      handler: async ({ body, req, authenticated: { claims } }) => {
        const key = requiredIdempotencyKey(req);
        return { status: 200, body: toView(await responses.respond(claims.subjectId, claims.customerId, body, key)) };
      },
    }),
  ];
}
