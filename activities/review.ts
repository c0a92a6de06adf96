/**
 * Activities of the quality reviews: only I/O, each idempotent. The
 * persistence activity appends the review's audit stream `review:<id>` and
 * its outbox messages (keyed by version), then writes the read model forward
 * in version; `dueReviews` only reads (the snapshots of the reviews due).
 */
import type { Models } from '../src/db/models';
import type { ReviewState, ReviewTransition } from '../src/domain/review';
import { type DueReviews, createReviewPlanner } from '../src/services/reviews';
import { recordAuditAndOutbox, writeReadModel } from './records';

export const reviewStream = (reviewId: string) => `review:${reviewId}`;

export function createReviewActivities({ models }: { models: Models }) {
  const planner = createReviewPlanner({ models });

  async function recordReviewTransitions(input: { snapshot: ReviewState; transitions: ReviewTransition[] }): Promise<{ outboxIds: string[] }> {
    const { snapshot: s, transitions } = input;
    const { outboxIds } = await recordAuditAndOutbox(models, { entityType: 'review', entityId: s.reviewId, stream: reviewStream(s.reviewId) }, transitions);
    await writeReadModel(models.QualityReview, s.reviewId, s.version, {
      version: s.version,
      areaId: s.areaId,
      period: s.periodKey,
      status: s.status,
      createdAt: new Date(s.createdAt),
      updatedAt: new Date(s.updatedAt),
      stateJson: JSON.stringify(s),
    });
    return { outboxIds };
  }

  /** The reviews due at `now`, with their snapshots (see ReviewPlanner.dueReviews). */
  async function dueReviews(input: { now: number }): Promise<DueReviews> {
    return planner.dueReviews(input.now);
  }

  return { recordReviewTransitions, dueReviews };
}

export type ReviewActivities = ReturnType<typeof createReviewActivities>;
