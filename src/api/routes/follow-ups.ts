import type { Models } from '../../db/models';
import { completeFollowUp, listFollowUps } from '../../services/follow-ups';
import { completeFollowUpBody, followUpIdParams, followUpList, followUpView, listFollowUpsQuery } from '../follow-up-schemas';
import { type RouteSpec, defineRoute } from '../route';
import { problemResponses } from './common';

/**
 * Follow-up tasks: the supervisor callbacks a low satisfaction rating opens
 * (src/services/follow-ups.ts). Supervisors list and complete them; admins
 * and auditors read them.
 */
export function followUpRoutes(models: Models): RouteSpec[] {
  const tag = 'follow-ups';
  return [
    defineRoute({
      method: 'get', path: '/follow-ups', tag, summary: 'Follow-up tasks (callbacks after a low satisfaction rating), newest first, at most 500', permission: 'followup.read', query: listFollowUpsQuery,
      responses: { 200: { description: 'follow-ups', schema: followUpList }, ...problemResponses(400, 401, 403) },
      handler: async ({ query }) => ({ status: 200, body: { items: await listFollowUps(models, query) } }),
    }),
    defineRoute({
      method: 'post', path: '/follow-ups/:id/complete', tag,
      summary: 'Complete a follow-up with the outcome of the callback (audited; the same outcome again answers the task as it is, another one 409)',
      permission: 'followup.act', params: followUpIdParams, body: completeFollowUpBody,
      responses: { 200: { description: 'the completed follow-up', schema: followUpView }, ...problemResponses(400, 401, 403, 404, 409, 413, 415) },
      handler: async ({ params, body, user }) => ({ status: 200, body: await completeFollowUp(models, params.id, body.outcome, { id: user.id, role: user.role }) }),
    }),
  ];
}
