import { KPIS, KPI_IDS, KPI_PERIODS, DIMENSIONS, SEVERITY_WEIGHTS } from '../../domain/kpi';
import { PARETO_DIMENSIONS } from '../../db/kpi-rollups';
import { type KpiFilter, MAX_PERIODS, MAX_RANGE_DAYS, backlogInScope, createAnalyticsService, filterInScope } from '../../services/analytics';
import {
  backlogQuery,
  backlogView,
  controlChartQuery,
  controlChartView,
  drillDownList,
  drillDownQuery,
  kpiDefinitionList,
  kpiSeriesList,
  kpisQuery,
  paretoQuery,
  paretoView,
} from '../analytics-schemas';
import type { RouteDeps } from '../app';
import { type RouteSpec, defineRoute } from '../route';
import { emptyQuery } from '../schemas';
import { problemResponses } from './common';

const filterOf = (q: { dimension?: KpiFilter['dimension']; value?: string }): KpiFilter | null => (q.dimension && q.value !== undefined ? { dimension: q.dimension, value: q.value } : null);

const AGENT_SCOPE = 'agents: their own figures (no filter = dimension=agent&value=<themselves>) and their queues (dimension=queue); any other filter is 403';

/** KPIs, Pareto tables, control charts, backlog, the complaints behind a figure (docs/analytics.md). */
export function analyticsRoutes(deps: RouteDeps): RouteSpec[] {
  const analytics = createAnalyticsService({ models: deps.models });

  return [
    defineRoute({
      method: 'get',
      path: '/analytics/kpi-definitions',
      tag: 'analytics',
      summary: 'The KPIs (id, label, unit, better direction, control chart), periods, dimensions and limits',
      permission: 'analytics.read',
      query: emptyQuery,
      responses: { 200: { description: 'definitions', schema: kpiDefinitionList }, ...problemResponses(400, 401, 403) },
      handler: async () => ({
        status: 200,
        body: {
          items: KPI_IDS.map((id) => {
            const d = KPIS[id];
            return { id, label: d.label, unit: d.unit, better: d.better, chart: d.chart, needsVolume: d.needsVolume === true };
          }),
          periods: KPI_PERIODS,
          dimensions: DIMENSIONS,
          paretoDimensions: PARETO_DIMENSIONS,
          severityWeights: SEVERITY_WEIGHTS,
          limits: { maxRangeDays: MAX_RANGE_DAYS, maxPeriods: MAX_PERIODS },
        },
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/analytics/kpis',
      tag: 'analytics',
      summary: `KPI series per period (one or more KPIs of one area or all, optionally one dimension value); ${AGENT_SCOPE}`,
      permission: 'analytics.read',
      query: kpisQuery,
      responses: { 200: { description: 'one series per KPI asked', schema: kpiSeriesList }, ...problemResponses(400, 401, 403, 404, 422, 503) },
      handler: async ({ query, user, access }) => {
        const filter = filterInScope(user, access.scope, filterOf(query));
        const items = await analytics.kpiSeriesMany({ kpis: query.kpi, areaId: query.area ?? null, filter, period: query.period, from: query.from, to: query.to });
        return { status: 200, body: { items } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/analytics/pareto',
      tag: 'analytics',
      summary: `Pareto table by category, resolution cause or channel over a range (count or severity-weighted); ${AGENT_SCOPE}`,
      permission: 'analytics.read',
      query: paretoQuery,
      responses: { 200: { description: 'rows largest first, the vital few marked', schema: paretoView }, ...problemResponses(400, 401, 403, 404, 503) },
      handler: async ({ query, user, access }) => {
        const filter = filterInScope(user, access.scope, filterOf(query));
        const table = await analytics.pareto({ areaId: query.area ?? null, filter, by: query.by, from: query.from, to: query.to, weight: query.weight });
        const rows = query.limit === undefined ? table.rows : table.rows.slice(0, query.limit);
        return { status: 200, body: { by: query.by, weight: query.weight, areaId: query.area ?? null, filter, from: query.from, to: query.to, total: table.total, rows } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/analytics/control-chart',
      tag: 'analytics',
      summary: `Control chart of a KPI (p, u or I-MR as the KPI defines), limits from a baseline window, Western Electric signals; too little baseline answers status 'insufficient' with the reason; ${AGENT_SCOPE}`,
      permission: 'analytics.read',
      query: controlChartQuery,
      responses: { 200: { description: 'the chart', schema: controlChartView }, ...problemResponses(400, 401, 403, 404, 422, 503) },
      handler: async ({ query, user, access }) => {
        const filter = filterInScope(user, access.scope, filterOf(query));
        const baseline = query.baselineFrom && query.baselineTo ? { from: query.baselineFrom, to: query.baselineTo } : null;
        const chart = await analytics.controlChart({ kpi: query.kpi, areaId: query.area ?? null, filter, period: query.period, from: query.from, to: query.to, baseline });
        return { status: 200, body: chart };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/analytics/backlog',
      tag: 'analytics',
      summary: 'Open complaints now: by status, by age, at risk and breached (agents: the ones they own, or one of their queues)',
      permission: 'analytics.read',
      query: backlogQuery,
      responses: { 200: { description: 'the backlog', schema: backlogView }, ...problemResponses(400, 401, 403, 404, 503) },
      handler: async ({ query, user, access }) => {
        const scoped = backlogInScope(user, access.scope, query.queue);
        const backlog = await analytics.backlog({ areaId: query.area ?? null, ...scoped, now: Date.now() });
        return { status: 200, body: { areaId: query.area ?? null, queue: scoped.queue ?? null, ownerId: scoped.ownerId ?? null, ...backlog } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/analytics/complaints',
      tag: 'analytics',
      summary: 'The complaints behind a figure (area, dimension value, days), newest intake day first, with their list rows; cursor pagination; agents: only complaints they may read',
      permission: 'analytics.read',
      query: drillDownQuery,
      responses: { 200: { description: 'a page', schema: drillDownList }, ...problemResponses(400, 401, 403, 404, 503) },
      handler: async ({ query, user, access }) => {
        const filter = filterInScope(user, access.scope, filterOf(query));
        const page = await analytics.complaintPage({
          areaId: query.area ?? null,
          filter,
          from: query.from,
          to: query.to,
          limit: query.limit,
          cursor: query.cursor,
          visibleTo: access.scope === 'all' ? undefined : user,
        });
        return { status: 200, body: { items: page.items.map((i) => ({ ...i, createdAt: new Date(i.createdAt).toISOString() })), nextCursor: page.nextCursor } };
      },
    }),
  ];
}
