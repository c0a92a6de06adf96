import { createTriggerService } from '../../services/triggers';
import type { RouteDeps } from '../app';
import { type RouteSpec, defineRoute } from '../route';
import { versionedIdParams } from '../schemas';
import {
  createTriggerBody,
  dryRunView,
  evaluateTriggerBody,
  listTriggersQuery,
  triggerList,
  triggerVersionQuery,
  triggerView,
  updateTriggerBody,
} from '../trigger-schemas';
import { problemResponses } from './common';

const isoDates = <T extends { createdAt: Date }>(v: T) => ({ ...v, createdAt: v.createdAt.toISOString() });

/**
 * Improvement triggers (versioned catalog: POST creates version 1, PUT adds a
 * version; the loop always evaluates the latest), their last-run status, and
 * the dry run: what the loop would do now, writing nothing.
 */
export function triggerRoutes(deps: RouteDeps): RouteSpec[] {
  const service = createTriggerService({ models: deps.models });
  const tag = 'improvement triggers';

  return [
    defineRoute({
      method: 'get', path: '/triggers', tag, summary: 'Improvement triggers (latest versions), each with its last-run status', permission: 'trigger.read', query: listTriggersQuery,
      responses: { 200: { description: 'triggers', schema: triggerList }, ...problemResponses(400, 401, 403) },
      handler: async ({ query }) => ({ status: 200, body: { items: (await service.list(query.areaId)).map(isoDates) } }),
    }),
    defineRoute({
      method: 'get', path: '/triggers/:id', tag, summary: 'An improvement trigger (latest, or ?version=n) with its last-run status', permission: 'trigger.read', params: versionedIdParams, query: triggerVersionQuery,
      responses: { 200: { description: 'trigger version', schema: triggerView }, ...problemResponses(400, 401, 403, 404) },
      handler: async ({ params, query }) => ({ status: 200, body: isoDates(await service.get(params.id, query.version)) }),
    }),
    defineRoute({
      method: 'post', path: '/triggers', tag, summary: 'Create an improvement trigger (version 1)', permission: 'trigger.write', body: createTriggerBody,
      responses: { 201: { description: 'created', schema: triggerView }, ...problemResponses(400, 401, 403, 409, 413, 415, 422) },
      handler: async ({ body, user }) => {
        const { triggerId, ...def } = body;
        const saved = await service.create(triggerId, def, user.id);
        return { status: 201, body: isoDates(saved), headers: { location: `/triggers/${triggerId}` } };
      },
    }),
    defineRoute({
      method: 'put', path: '/triggers/:id', tag, summary: 'Save a new version of an improvement trigger (the next evaluation uses it)', permission: 'trigger.write', params: versionedIdParams, body: updateTriggerBody,
      responses: { 200: { description: 'new version', schema: triggerView }, ...problemResponses(400, 401, 403, 409, 413, 415, 422) },
      handler: async ({ params, body, user }) => {
        const { expectedVersion, ...def } = body;
        return { status: 200, body: isoDates(await service.update(params.id, expectedVersion, def, user.id)) };
      },
    }),
    defineRoute({
      method: 'post', path: '/analytics/triggers/:id/evaluate', tag,
      summary: 'Dry run: evaluate the latest version now and answer what the loop would do (open a cycle, with its intake; add evidence to an open cycle; nothing; or why it cannot evaluate). Writes nothing: no status, no event, no cycle (only the KPI rollups, a cache of the complaint data, may be refreshed)',
      permission: 'trigger.read', params: versionedIdParams, body: evaluateTriggerBody,
      responses: { 200: { description: 'what would happen, and why', schema: dryRunView }, ...problemResponses(400, 401, 403, 404, 413, 415) },
      handler: async ({ params }) => ({ status: 200, body: await service.dryRun(params.id) }),
    }),
  ];
}
