import { createServiceAreaService } from '../../services/service-areas';
import type { RouteDeps } from '../app';
import {
  areaList,
  areaVersionQuery,
  areaView,
  createAreaBody,
  importResult,
  updateAreaBody,
  volumeBody,
  volumeDayParams,
  volumeImportBody,
  volumeList,
  volumeRangeQuery,
  volumeView,
} from '../area-schemas';
import { type RouteSpec, defineRoute } from '../route';
import { emptyQuery, versionedIdParams } from '../schemas';
import { problemResponses, problemSchema } from './common';

const isoDates = <T extends { createdAt: Date }>(v: T) => ({ ...v, createdAt: v.createdAt.toISOString() });

/**
 * Service areas (versioned catalog: POST creates version 1, PUT adds a
 * version; complaints keep the version they matched at intake) and service
 * volume per area and day.
 */
export function serviceAreaRoutes(deps: RouteDeps): RouteSpec[] {
  const service = createServiceAreaService({ models: deps.models });
  const tag = 'service areas';

  return [
    defineRoute({
      method: 'get', path: '/service-areas', tag, summary: 'Service areas (latest versions)', permission: 'area.read', query: emptyQuery,
      responses: { 200: { description: 'areas', schema: areaList }, ...problemResponses(401, 403) },
      handler: async () => ({ status: 200, body: { items: (await service.list()).map(isoDates) } }),
    }),
    defineRoute({
      method: 'get', path: '/service-areas/:id', tag, summary: 'A service area (latest, or ?version=n)', permission: 'area.read', params: versionedIdParams, query: areaVersionQuery,
      responses: { 200: { description: 'area version', schema: areaView }, ...problemResponses(400, 401, 403, 404) },
      handler: async ({ params, query }) => ({ status: 200, body: isoDates(await service.get(params.id, query.version)) }),
    }),
    defineRoute({
      method: 'post', path: '/service-areas', tag, summary: 'Create a service area (version 1)', permission: 'area.write', body: createAreaBody,
      responses: { 201: { description: 'created', schema: areaView }, ...problemResponses(400, 401, 403, 409, 413, 415, 422) },
      handler: async ({ body, user }) => {
        const { areaId, ...def } = body;
        const saved = await service.create(areaId, def, user.id);
        return { status: 201, body: isoDates(saved), headers: { location: `/service-areas/${areaId}` } };
      },
    }),
    defineRoute({
      method: 'put', path: '/service-areas/:id', tag, summary: 'Save a new version of a service area (complaints keep the version they matched at intake)', permission: 'area.write', params: versionedIdParams, body: updateAreaBody,
      responses: { 200: { description: 'new version', schema: areaView }, ...problemResponses(400, 401, 403, 409, 413, 415, 422) },
      handler: async ({ params, body, user }) => {
        const { expectedVersion, ...def } = body;
        return { status: 200, body: isoDates(await service.update(params.id, expectedVersion, def, user.id)) };
      },
    }),
    defineRoute({
      method: 'put', path: '/service-areas/:id/volume/:day', tag, summary: 'Set the service volume of one day (replaces the figure; the same figure again writes nothing)', permission: 'volume.write', params: volumeDayParams, body: volumeBody,
      responses: { 200: { description: 'the figure stored for that day', schema: volumeView }, ...problemResponses(400, 401, 403, 404, 413, 415) },
      handler: async ({ params, body, user }) => ({ status: 200, body: await service.putVolume(params.id, { day: params.day, volume: body.volume }, user.id) }),
    }),
    defineRoute({
      method: 'post', path: '/service-areas/:id/volume/import', tag, summary: 'Import daily service volume from CSV (header day,volume; all rows checked before any is written; a retry writes nothing more)', permission: 'volume.write', params: versionedIdParams, body: volumeImportBody, bodyType: 'csv',
      responses: {
        200: { description: 'what the import wrote', schema: importResult },
        ...problemResponses(400, 401, 403, 404, 413),
        415: { description: 'body is not text/csv', schema: problemSchema },
      },
      handler: async ({ params, body, user }) => ({ status: 200, body: await service.importVolume(params.id, body.rows, user.id) }),
    }),
    defineRoute({
      // Volume is a figure of the area, not of anyone's complaints: the agents' `assigned` scope of analytics.read sees it whole.
      method: 'get', path: '/service-areas/:id/volume', tag, summary: 'Service volume of the days in [from, to] that have a figure', permission: 'analytics.read', params: versionedIdParams, query: volumeRangeQuery,
      responses: { 200: { description: 'the recorded days, in order', schema: volumeList }, ...problemResponses(400, 401, 403, 404) },
      handler: async ({ params, query }) => ({ status: 200, body: await service.listVolume(params.id, query.from, query.to) }),
    }),
  ];
}
