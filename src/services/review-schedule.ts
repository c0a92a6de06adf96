/**
 * The Temporal Schedule that creates quality reviews. Every worker ensures it
 * at start-up (idempotent), so a deployment needs no extra step. It runs
 * daily; each run creates the reviews of the periods that have ended since
 * (each area's frequency, in its calendar's time zone) and leaves existing
 * ones alone, so a missed or repeated run does no harm. 01:00 UTC: after
 * midnight in Europe and Africa, so a month's review is there the next
 * morning; areas west of UTC get theirs a day later.
 */
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import { ensureSchedule } from './schedules';
import { REVIEW_SCHEDULE_ID, REVIEW_SCHEDULE_WORKFLOW } from '../contracts/review';

export async function ensureReviewSchedule(client: Client, config: Config, scheduleId = REVIEW_SCHEDULE_ID) {
  const spec = { intervals: [{ every: '1d' as const, offset: '1h' as const }] };
  return ensureSchedule(client, { scheduleId, spec, workflowType: REVIEW_SCHEDULE_WORKFLOW, taskQueue: config.temporal.taskQueue, catchupWindow: '1 day' });
}
