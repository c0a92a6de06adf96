import { z } from 'zod';
import type { CommandType } from '../../domain/complaint';
import type { ComplaintService } from '../../services/complaints';
import { type RouteSpec, defineRoute } from '../route';
import { actionSlug } from '../../contracts/actions';
import { actionBodies, complaintDetail, complaintIdParams, complaintList, complaintView, createComplaintBody, listComplaintsQuery } from '../schemas';
import { complaintActionPermission, complaintDetailView, complaintToView } from '../views';
import { actionRequestId, creationReply, creationResponses, problemResponses, readIdempotencyKey } from './common';

/** URL segment of each action: `add_note` -> `add-note` (defined with the actions contract). */
export { actionSlug };

const ACTION_SUMMARIES: Record<CommandType, string> = {
  acknowledge: 'Acknowledge: the first agent to do so becomes first responder and owner',
  add_note: 'Add a note (internal, or public = a reply to the customer)',
  request_info: 'Ask the customer for information (status awaiting_customer; may pause the resolution clock)',
  customer_replied: 'Record a customer reply (starts a next-response cycle)',
  transfer: 'Transfer to another agent (owner or supervisor; the first responder stays accountable)',
  change_severity: 'Change severity (new SLA targets, accrued business time kept)',
  resolve: 'Resolve (owner or supervisor); requests a CSAT rating',
  reopen: 'Reopen a resolved complaint within the reopen window',
  close: 'Close on customer confirmation (optionally with a CSAT rating)',
  cancel: 'Cancel as duplicate or withdrawn (supervisor only)',
  record_csat: 'Record the customer satisfaction rating (1-5)',
};

export function complaintRoutes(service: ComplaintService): RouteSpec[] {
  const create = defineRoute({
    method: 'post',
    path: '/complaints',
    tag: 'complaints',
    summary: 'Register a complaint (starts its workflow)',
    permission: 'complaint.create',
    body: createComplaintBody,
    headers: { 'Idempotency-Key': 'retries with the same key (and the same body) return the same complaint instead of creating another' },
    responses: creationResponses(complaintView, 'complaint'),
    handler: async ({ body, user, req }) => {
      const key = readIdempotencyKey(req.header('idempotency-key'));
      const { created, state } = await service.create({ id: user.id, role: user.role }, body, key);
      return creationReply(created, complaintToView(state, Date.now()), `/complaints/${state.complaintId}`);
    },
  });

  const list = defineRoute({
    method: 'get',
    path: '/complaints',
    tag: 'complaints',
    summary: 'Queue: complaints by next SLA due time, filtered; cursor pagination (items carry no `actions`: GET /complaints/:id has them)',
    permission: 'complaint.read',
    query: listComplaintsQuery,
    responses: { 200: { description: 'a page', schema: complaintList }, ...problemResponses(400, 401, 403, 503) },
    handler: async ({ query, user, access }) => {
      const now = Date.now();
      const page = await service.list(query, now, access.scope === 'assigned' ? user : undefined);
      return { status: 200, body: { items: page.items.map((s) => complaintToView(s, now)), nextCursor: page.nextCursor } };
    },
  });

  const get = defineRoute({
    method: 'get',
    path: '/complaints/:id',
    tag: 'complaints',
    summary: 'A complaint with its live SLA status and the actions the caller may take now',
    permission: 'complaint.read',
    params: complaintIdParams,
    responses: { 200: { description: 'the complaint', schema: complaintDetail }, ...problemResponses(400, 401, 403, 404, 503) },
    handler: async ({ params, user, access }) => {
      const state = await service.get(params.id);
      access.check({ kind: 'complaint', view: state });
      const [improvementCycles, customerContact] = await Promise.all([service.improvementCycles(state), service.customerContact(state)]);
      return { status: 200, body: complaintDetailView(state, Date.now(), user, { improvementCycles, customerContact }) };
    },
  });

  const actions = (Object.keys(actionBodies) as CommandType[]).map((type) =>
    defineRoute({
      method: 'post',
      path: `/complaints/:id/${actionSlug(type)}`,
      tag: 'complaint actions',
      summary: ACTION_SUMMARIES[type],
      permission: complaintActionPermission(type),
      params: complaintIdParams,
      body: actionBodies[type] as z.ZodType<Record<string, unknown>>,
      headers: { 'Idempotency-Key': 'a retried action with the same key is applied once' },
      responses: {
        200: { description: 'the complaint after the action, with the actions the caller may take next', schema: complaintDetail },
        ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422, 503),
      },
      handler: async ({ params, body, user, access, req }) => {
        await access.checkLoaded('complaint', () => service.get(params.id));
        const state = await service.act(params.id, { id: user.id, role: user.role }, { type, ...body } as never, actionRequestId(req, user));
        return { status: 200, body: complaintDetailView(state, Date.now(), user) };
      },
    }),
  );

  return [create, list, get, ...actions];
}
