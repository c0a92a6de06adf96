/**
 * The quality-review workflows' public contract: names, inputs, query,
 * updates and ids. The API and the schedule import this without the
 * workflow bodies.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../domain/actors';
import type { ReviewCommand, ReviewCommandType, ReviewIntake, ReviewState, ReviewStatus } from '../domain/review';

export const REVIEW_WORKFLOW = 'reviewWorkflow';
export const REVIEW_SCHEDULE_WORKFLOW = 'qualityReviewScheduleWorkflow';
export const REVIEW_SCHEDULE_ID = 'quality-review-schedule';

export interface ReviewWorkflowInput {
  intake: ReviewIntake;
  /** Set when the workflow continues as new (a long history): the state to carry on from. */
  resume?: ReviewState;
  /** Continue as new once the history has this many events (Temporal's own suggestion also counts). */
  maxHistoryEvents?: number;
  /** Request ids already applied, carried across runs (Temporal de-duplicates update ids within one run only). */
  appliedRequestIds?: string[];
}

/** One review per area and period: `review-<areaId>-<periodKey>`. */
export function reviewWorkflowId(reviewId: string): string {
  return `review-${reviewId}`;
}

export const getReviewQuery = defineQuery<ReviewState>('getReview');

export interface ReviewActionRequest<T extends ReviewCommandType = ReviewCommandType> {
  actor: Actor;
  command: Extract<ReviewCommand, { type: T }>;
  /** The caller's idempotency id (from the HTTP Idempotency-Key): applied once, across runs too. */
  requestId?: string;
}

/** What an update answers (small: it is stored in the history). */
export interface ReviewUpdateResult {
  reviewId: string;
  version: number;
  status: ReviewStatus;
}

const update = <T extends ReviewCommandType>(name: T) => defineUpdate<ReviewUpdateResult, [ReviewActionRequest<T>]>(`review.${name}`);

/** One Temporal Update per reviewer command. */
export const reviewUpdates = {
  record_decision: update('record_decision'),
  add_action: update('add_action'),
  sign: update('sign'),
} as const satisfies { [K in ReviewCommandType]: unknown };

/** What one run of the review schedule did. */
export interface ReviewScheduleResult {
  /** Reviews started by this run. */
  started: string[];
  /** Reviews that already existed (an earlier run, or one made by hand). */
  existing: string[];
  /** Areas whose review is due but cannot be made, and why. */
  skipped: { areaId: string; periodKey: string; reason: string }[];
}
