/**
 * History for auditors (issue 4): the audit trail merged with the Temporal
 * event history of every run, for complaints and cycles, and a complaint's SLA
 * timeline. Each loads the object first, so access is checked on it and an
 * unknown id is a 404 before any history is read.
 */
import type { z } from 'zod';
import type { SlaTimeline } from '../../domain/sla-timeline';
import { createHistoryService } from '../../services/history';
import type { RouteDeps } from '../app';
import { cycleIdParams } from '../cycle-schemas';
import { historyQuery, historyView, slaTimelineView } from '../history-schemas';
import { type RouteSpec, defineRoute } from '../route';
import { complaintIdParams } from '../schemas';
import { problemResponses } from './common';

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

/** Epoch-ms instants of the domain timeline as ISO 8601. */
function slaTimelineToView(complaintId: string, asOf: number, t: SlaTimeline & { policySource: string }): z.infer<typeof slaTimelineView> {
  return {
    complaintId,
    asOf: iso(asOf),
    sla: t.sla,
    policySource: t.policySource,
    verified: t.verified,
    notes: t.notes,
    clocks: t.clocks.map((c) => ({
      clock: c.clock,
      cycle: c.cycle,
      entries: c.entries.map(({ dueAt, ...e }) => ({ ...e, at: iso(e.at), ...(dueAt !== undefined ? { dueAt: isoOrNull(dueAt) } : {}) })),
      summary: {
        ...c.summary,
        startedAt: iso(c.summary.startedAt),
        stoppedAt: isoOrNull(c.summary.stoppedAt),
        breachedAt: isoOrNull(c.summary.breachedAt),
        dueAt: isoOrNull(c.summary.dueAt),
      },
    })),
  };
}

export function historyRoutes(deps: RouteDeps): RouteSpec[] {
  const service = createHistoryService(deps);
  const historyResponses = { 200: { description: 'one page of the merged timeline', schema: historyView }, ...problemResponses(400, 401, 403, 404, 503) };

  const complaintHistory = defineRoute({
    method: 'get',
    path: '/complaints/:id/history',
    tag: 'history',
    summary: "A complaint's audit trail joined with its workflow's Temporal event history (every run), paginated",
    permission: 'complaint.read',
    params: complaintIdParams,
    query: historyQuery,
    responses: historyResponses,
    handler: async ({ params, query, access }) => {
      const state = await deps.complaints.get(params.id);
      access.check({ kind: 'complaint', view: state });
      return { status: 200, body: await service.history({ type: 'complaint', id: params.id }, query) };
    },
  });

  const cycleHistory = defineRoute({
    method: 'get',
    path: '/cycles/:id/history',
    tag: 'history',
    summary: "A cycle's audit trail joined with its workflow's Temporal event history (every run, iterations included), paginated",
    permission: 'cycle.read',
    params: cycleIdParams,
    query: historyQuery,
    responses: historyResponses,
    handler: async ({ params, query, access }) => {
      const state = await deps.cycles.get(params.id);
      access.check({ kind: 'cycle', view: state });
      return { status: 200, body: await service.history({ type: 'cycle', id: params.id }, query) };
    },
  });

  const slaTimeline = defineRoute({
    method: 'get',
    path: '/complaints/:id/sla-timeline',
    tag: 'history',
    summary: 'Every SLA clock explained from the audit trail: started, paused, resumed, warned, breached, met, with the policy and calendar versions',
    permission: 'complaint.read',
    params: complaintIdParams,
    responses: { 200: { description: 'the SLA timeline', schema: slaTimelineView }, ...problemResponses(400, 401, 403, 404, 503) },
    handler: async ({ params, access }) => {
      const state = await deps.complaints.get(params.id);
      access.check({ kind: 'complaint', view: state });
      const now = Date.now();
      return { status: 200, body: slaTimelineToView(params.id, now, await service.slaTimeline(state, now)) };
    },
  });

  return [complaintHistory, cycleHistory, slaTimeline];
}
