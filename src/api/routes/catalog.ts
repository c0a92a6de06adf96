import { z } from 'zod';
import { calendarVersions, latestCalendars, latestPolicies, policyVersions, saveCalendarVersion, savePolicyVersion } from '../../db/catalog';
import type { Models } from '../../db/models';
import { problems } from '../problem';
import { type RouteSpec, defineRoute } from '../route';
import { createCalendarBody, createPolicyBody, emptyQuery, updateCalendarBody, updatePolicyBody, versionQuery, versionedIdParams } from '../schemas';
import { problemResponses } from './common';

const anyObject = z.object({}).passthrough();

/** Versioned SLA policies and business calendars: POST creates version 1, PUT adds a version. */
export function catalogRoutes(models: Models): RouteSpec[] {
  const pick = <T extends { version: number }>(versions: T[], version: number | undefined, what: string): T => {
    const found = version === undefined ? versions[0] : versions.find((v) => v.version === version);
    if (!found) throw problems.notFound(`${what}${version ? ` version ${version}` : ''} does not exist`);
    return found;
  };

  async function requireCalendar(calendarId: string) {
    if (!(await latestCalendars(models)).has(calendarId)) {
      throw problems.unprocessable(`calendar ${calendarId} does not exist`, 'INVALID_DEFINITION', [{ path: 'body.calendarId', message: 'unknown calendar' }]);
    }
  }

  return [
    defineRoute({
      method: 'get', path: '/calendars', tag: 'configuration', summary: 'Business calendars (latest versions)', permission: 'catalog.read', query: emptyQuery,
      responses: { 200: { description: 'calendars', schema: z.object({ items: z.array(anyObject) }) }, ...problemResponses(401, 403) },
      handler: async () => ({ status: 200, body: { items: [...(await latestCalendars(models)).values()] } }),
    }),
    defineRoute({
      method: 'get', path: '/calendars/:id', tag: 'configuration', summary: 'A calendar (latest, or ?version=n)', permission: 'catalog.read', params: versionedIdParams, query: versionQuery,
      responses: { 200: { description: 'calendar version', schema: anyObject }, ...problemResponses(400, 401, 403, 404) },
      handler: async ({ params, query }) => ({ status: 200, body: pick(await calendarVersions(models, params.id), query.version, `calendar ${params.id}`) }),
    }),
    defineRoute({
      method: 'post', path: '/calendars', tag: 'configuration', summary: 'Create a business calendar (version 1)', permission: 'catalog.write', body: createCalendarBody,
      responses: { 201: { description: 'created', schema: anyObject }, ...problemResponses(400, 401, 403, 409, 413, 415) },
      handler: async ({ body, user }) => {
        const { calendarId, ...def } = body;
        const saved = await saveCalendarVersion(models, calendarId, 0, def, user.id);
        return { status: 201, body: saved, headers: { location: `/calendars/${calendarId}` } };
      },
    }),
    defineRoute({
      method: 'put', path: '/calendars/:id', tag: 'configuration', summary: 'Save a new version of a calendar (running complaints keep theirs)', permission: 'catalog.write', params: versionedIdParams, body: updateCalendarBody,
      responses: { 200: { description: 'new version', schema: anyObject }, ...problemResponses(400, 401, 403, 409, 413, 415) },
      handler: async ({ params, body, user }) => {
        const { expectedVersion, ...def } = body;
        return { status: 200, body: await saveCalendarVersion(models, params.id, expectedVersion, def, user.id) };
      },
    }),
    defineRoute({
      method: 'get', path: '/sla-policies', tag: 'configuration', summary: 'SLA policies (latest versions)', permission: 'catalog.read', query: emptyQuery,
      responses: { 200: { description: 'policies', schema: z.object({ items: z.array(anyObject) }) }, ...problemResponses(401, 403) },
      handler: async () => ({ status: 200, body: { items: await latestPolicies(models) } }),
    }),
    defineRoute({
      method: 'get', path: '/sla-policies/:id', tag: 'configuration', summary: 'An SLA policy (latest, or ?version=n)', permission: 'catalog.read', params: versionedIdParams, query: versionQuery,
      responses: { 200: { description: 'policy version', schema: anyObject }, ...problemResponses(400, 401, 403, 404) },
      handler: async ({ params, query }) => ({ status: 200, body: pick(await policyVersions(models, params.id), query.version, `policy ${params.id}`) }),
    }),
    defineRoute({
      method: 'post', path: '/sla-policies', tag: 'configuration', summary: 'Create an SLA policy (version 1)', permission: 'catalog.write', body: createPolicyBody,
      responses: { 201: { description: 'created', schema: anyObject }, ...problemResponses(400, 401, 403, 409, 413, 415, 422) },
      handler: async ({ body, user }) => {
        const { policyId, ...def } = body;
        await requireCalendar(def.calendarId);
        const saved = await savePolicyVersion(models, policyId, 0, def, user.id);
        return { status: 201, body: saved, headers: { location: `/sla-policies/${policyId}` } };
      },
    }),
    defineRoute({
      method: 'put', path: '/sla-policies/:id', tag: 'configuration', summary: 'Save a new version of an SLA policy (running complaints keep theirs)', permission: 'catalog.write', params: versionedIdParams, body: updatePolicyBody,
      responses: { 200: { description: 'new version', schema: anyObject }, ...problemResponses(400, 401, 403, 409, 413, 415, 422) },
      handler: async ({ params, body, user }) => {
        const { expectedVersion, ...def } = body;
        await requireCalendar(def.calendarId);
        return { status: 200, body: await savePolicyVersion(models, params.id, expectedVersion, def, user.id) };
      },
    }),
  ];
}
