import { pendingSigners, type ReviewCommand, type ReviewState } from '../../domain/review';
import { reviewMarkdown } from '../../domain/review-report';
import { createReviewService } from '../../services/reviews';
import type { RouteDeps } from '../app';
import { actionBody, createReviewBody, decisionBody, listReviewsQuery, reviewIdParams, reviewList, reviewView, signatureBody } from '../review-schemas';
import { type RouteSpec, defineRoute } from '../route';
import { isoInstants } from '../views';
import { actionRequestId, creationReply, creationResponses, problemResponses } from './common';

/** The API's view of a review: its state with ISO instants and who still has to sign. */
export function reviewToView(s: ReviewState) {
  const { reviewId, nextSeq: _nextSeq, ...rest } = s;
  return isoInstants({ id: reviewId, ...rest, pendingSigners: pendingSigners(s) }) as Record<string, unknown>;
}

/** Quality reviews: create (or let the schedule create), list, read, decisions, actions, signatures, Markdown export. */
export function reviewRoutes(deps: RouteDeps): RouteSpec[] {
  const service = createReviewService(deps);
  const actorOf = (user: { id: string; role: ReviewState['createdBy']['role'] }) => ({ id: user.id, role: user.role });
  const actionResponses = { 200: { description: 'the review after the command', schema: reviewView }, ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422, 503) };

  const create = defineRoute({
    method: 'post',
    path: '/reviews',
    tag: 'quality reviews',
    summary: "Create the review of an ended period now, with its snapshot (the daily schedule creates the latest one anyway); the area's process owner or a reviewer; one review per area and period",
    permission: 'review.act',
    body: createReviewBody,
    responses: creationResponses(reviewView, 'review'),
    handler: async ({ body, user }) => {
      const { created, state } = await service.create(actorOf(user), body);
      return creationReply(created, reviewToView(state), `/reviews/${state.reviewId}`);
    },
  });

  const list = defineRoute({
    method: 'get',
    path: '/reviews',
    tag: 'quality reviews',
    summary: 'Quality reviews, newest first; filters: area, status; cursor pagination',
    permission: 'review.read',
    query: listReviewsQuery,
    responses: { 200: { description: 'a page', schema: reviewList }, ...problemResponses(400, 401, 403, 503) },
    handler: async ({ query }) => {
      const page = await service.list(query);
      return { status: 200, body: { items: page.items.map(reviewToView), nextCursor: page.nextCursor } };
    },
  });

  const get = defineRoute({
    method: 'get',
    path: '/reviews/:id',
    tag: 'quality reviews',
    summary: 'A review: snapshot (KPIs against objectives, signals, cycles, top causes), decisions, actions, signatures',
    permission: 'review.read',
    params: reviewIdParams,
    responses: { 200: { description: 'the review', schema: reviewView }, ...problemResponses(400, 401, 403, 404, 503) },
    handler: async ({ params }) => ({ status: 200, body: reviewToView(await service.get(params.id)) }),
  });

  const report = defineRoute({
    method: 'get',
    path: '/reviews/:id/report.md',
    tag: 'quality reviews',
    summary: 'The review as Markdown: KPI table against objectives, signals, cycles, causes, decisions, actions, signatures',
    permission: 'review.read',
    params: reviewIdParams,
    responses: { 200: { description: 'text/markdown', text: ['text/markdown'] }, ...problemResponses(400, 401, 403, 404, 503) },
    handler: async ({ params }) => ({ status: 200, body: reviewMarkdown(await service.get(params.id)), contentType: 'text/markdown; charset=utf-8' }),
  });

  const command = <T extends ReviewCommand['type']>(type: T, path: string, summary: string, body: RouteSpec['body']) =>
    defineRoute({
      method: 'post',
      path: `/reviews/:id/${path}`,
      tag: 'quality reviews',
      summary,
      permission: 'review.act',
      params: reviewIdParams,
      body,
      headers: { 'Idempotency-Key': 'a retried command with the same key is applied once' },
      responses: actionResponses,
      handler: async ({ params, body: parsed, user, req }) => {
        const state = await service.act(params.id, actorOf(user), { type, ...(parsed as object) } as Extract<ReviewCommand, { type: T }>, actionRequestId(req, user));
        return { status: 200, body: reviewToView(state) };
      },
    });

  return [
    create,
    list,
    get,
    report,
    command('record_decision', 'decisions', "Record a decision (the area's process owner or a reviewer, while the review is open)", decisionBody),
    command(
      'add_action',
      'actions',
      "Add an action (title, assignee, due date); with openCycle it opens an improvement cycle owned by the area's process owner, the review as its evidence",
      actionBody,
    ),
    command(
      'sign',
      'signatures',
      "Sign: the process owner's approval submits the review (content hash frozen), then every other reviewer approves it, or rejects it with reasons (back to open)",
      signatureBody,
    ),
  ];
}
