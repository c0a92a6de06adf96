import { z } from 'zod';
import type { CycleCommandType } from '../../domain/cycle';
import { cycleReport, reportMarkdown } from '../../domain/cycle-report';
import type { CycleService } from '../../services/cycles';
import { actionSlug } from '../../contracts/actions';
import { cycleActionBodies, cycleComplaints, cycleComplaintsQuery, cycleDetail, cycleIdParams, cycleList, cycleView, createCycleBody, listCyclesQuery, reportQuery } from '../cycle-schemas';
import { type RouteSpec, defineRoute } from '../route';
import { CYCLE_ACTION_PERMISSION, cycleDetailView, cycleToView, isoInstants } from '../views';
import { actionRequestId, creationReply, creationResponses, problemResponses, readIdempotencyKey } from './common';

const ACTION_SUMMARIES: Record<CycleCommandType, string> = {
  record_measurements: 'Record measurements (value, time, note; sampleSize for proportions), at any phase; checked against the control limits while monitoring. Refused (422 METRIC_BOUND) when the metric is bound to live data',
  add_action: 'Add an action item (title, assignee, due date): reminded before, chased when overdue, escalated to owner then sponsor',
  complete_action: 'Complete an action item (its assignee or the owner)',
  submit_gate: 'Submit the current phase gate (owner); refused with the list of missing artefacts, else awaits the approvers',
  sign_gate: 'Sign the pending gate: approve, or reject with reasons (configured approvers only; never the owner)',
  abandon: 'Abandon the cycle with a reason (owner or sponsor)',
  add_five_whys: 'Root-cause analysis: add a 5-whys chain (PDCA Plan, DMAIC Analyze)',
  add_fishbone_cause: 'Root-cause analysis: add a fishbone cause in one of the 6M categories (PDCA Plan, DMAIC Analyze)',
  add_countermeasure: 'PDCA Plan: add a countermeasure',
  run_check: 'PDCA Check: recompute the check report from the measurements',
  review_check: 'PDCA Check: the owner reviews the check report (moves to Act)',
  standardize: 'PDCA Act: standardize (goal met): record the new standard and who must be trained; starts the effectiveness check',
  iterate: 'PDCA Act: start the next iteration with the learnings (goal not met); a new workflow run',
  update_charter: 'DMAIC Define: set the charter (problem, business case, scope, CTQs, SIPOC, milestones)',
  set_data_collection_plan: 'DMAIC Measure: set the data collection plan',
  set_baseline: 'DMAIC Measure: set the baseline (discrete → DPMO and sigma; continuous → mean, sd, Cp/Cpk); on a bound metric, from its measurements (send no data)',
  set_defect_categories: 'DMAIC Analyze: defect counts by category (Pareto)',
  add_root_cause: 'DMAIC Analyze: add a candidate root cause',
  verify_root_cause: 'DMAIC Analyze: mark a root cause verified, with its evidence',
  add_solution: 'DMAIC Improve: add a solution',
  add_fmea_row: 'DMAIC Improve: add an FMEA row (RPN = severity × occurrence × detection)',
  set_pilot_data: 'DMAIC Improve: pilot data, compared with the baseline; on a bound metric, its Improve-phase measurements (send no data)',
  set_control_plan: 'DMAIC Control: control plan; I-chart limits computed from the improved data',
};

export function cycleRoutes(service: CycleService): RouteSpec[] {
  const create = defineRoute({
    method: 'post',
    path: '/cycles',
    tag: 'cycles',
    summary: 'Start an improvement cycle (PDCA or DMAIC)',
    permission: 'cycle.create',
    body: createCycleBody,
    headers: { 'Idempotency-Key': 'retries with the same key (and the same body) return the same cycle instead of creating another' },
    responses: creationResponses(cycleView, 'cycle'),
    handler: async ({ body, user, req }) => {
      const key = readIdempotencyKey(req.header('idempotency-key'));
      const { created, state } = await service.create({ id: user.id, role: user.role }, body, key);
      return creationReply(created, cycleToView(state, Date.now()), `/cycles/${state.cycleId}`);
    },
  });

  const list = defineRoute({
    method: 'get',
    path: '/cycles',
    tag: 'cycles',
    summary: 'Cycles, newest first; filters: type, phase, status, owner, sponsor, overdue; cursor pagination (items carry no `availableActions`: GET /cycles/:id has them)',
    permission: 'cycle.read',
    query: listCyclesQuery,
    responses: { 200: { description: 'a page', schema: cycleList }, ...problemResponses(400, 401, 403, 503) },
    handler: async ({ query, user, access }) => {
      const now = Date.now();
      const page = await service.list(query, now, access.scope === 'involved' ? user.id : undefined);
      return { status: 200, body: { items: page.items.map((i) => cycleToView(i.state, now, { measurementCount: i.measurementCount })), nextCursor: page.nextCursor } };
    },
  });

  const get = defineRoute({
    method: 'get',
    path: '/cycles/:id',
    tag: 'cycles',
    summary: 'A cycle: phase, artefacts, action items, measurements, statistics, gate status, and the actions the caller may take now (availableActions)',
    permission: 'cycle.read',
    params: cycleIdParams,
    responses: { 200: { description: 'the cycle', schema: cycleDetail }, ...problemResponses(400, 401, 403, 404, 503) },
    handler: async ({ params, user, access }) => {
      const state = await service.get(params.id);
      access.check({ kind: 'cycle', view: state });
      return { status: 200, body: cycleDetailView(state, Date.now(), user) };
    },
  });

  const report = defineRoute({
    method: 'get',
    path: '/cycles/:id/report',
    tag: 'cycles',
    summary: 'Readable summary: goal, baseline vs now, statistics, decisions, signatures (?format=json|markdown)',
    permission: 'cycle.read',
    params: cycleIdParams,
    query: reportQuery,
    // The JSON report's members are not described yet: documented as an object.
    responses: { 200: { description: 'the report (JSON, or text/markdown)', schema: z.record(z.string(), z.unknown()), text: ['text/markdown'] }, ...problemResponses(400, 401, 403, 404, 503) },
    handler: async ({ params, query, access }) => {
      const state = await service.get(params.id);
      access.check({ kind: 'cycle', view: state });
      if (query.format === 'markdown') return { status: 200, body: reportMarkdown(state), contentType: 'text/markdown; charset=utf-8' };
      return { status: 200, body: isoInstants(cycleReport(state)) };
    },
  });

  const complaints = defineRoute({
    method: 'get',
    path: '/cycles/:id/complaints',
    tag: 'cycles',
    summary: 'The complaints a cycle works on: its evidence sample; for a bound metric, the live count and newest complaints in its scope since it opened',
    permission: 'cycle.read',
    params: cycleIdParams,
    query: cycleComplaintsQuery,
    responses: { 200: { description: 'the complaints', schema: cycleComplaints }, ...problemResponses(400, 401, 403, 404, 503) },
    handler: async ({ params, query, access }) => {
      const state = await service.get(params.id);
      access.check({ kind: 'cycle', view: state });
      return { status: 200, body: await service.complaints(state, query.limit) };
    },
  });

  const actions = (Object.keys(cycleActionBodies) as CycleCommandType[]).map((type) =>
    defineRoute({
      method: 'post',
      path: `/cycles/:id/${actionSlug(type)}`,
      tag: 'cycle actions',
      summary: ACTION_SUMMARIES[type],
      permission: CYCLE_ACTION_PERMISSION,
      params: cycleIdParams,
      body: cycleActionBodies[type] as z.ZodType<Record<string, unknown>>,
      headers: { 'Idempotency-Key': 'a retried action with the same key is applied once' },
      responses: {
        200: { description: 'the cycle after the action, with the actions the caller may take next', schema: cycleDetail },
        ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422, 503),
      },
      handler: async ({ params, body, user, access, req }) => {
        await access.checkLoaded('cycle', () => service.get(params.id));
        const state = await service.act(params.id, { id: user.id, role: user.role }, { type, ...body } as never, actionRequestId(req, user));
        return { status: 200, body: cycleDetailView(state, Date.now(), user) };
      },
    }),
  );

  return [create, list, get, report, complaints, ...actions];
}
