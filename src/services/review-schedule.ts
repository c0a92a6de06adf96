/**
 * The Temporal Schedule that creates quality reviews. Every worker ensures it
 * at start-up (idempotent), so a deployment needs no extra step. It runs
 * daily; each run creates the reviews of the periods that have ended since
 * (each area's frequency, in its calendar's time zone) and leaves existing
 * ones alone, so a missed or repeated run does no harm. 01:00 UTC: after
 * midnight in Europe and Africa, so a month's review is there the next
 * morning; areas west of UTC get theirs a day later.
 */
import { type Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import type { Config } from '../config';
import { REVIEW_SCHEDULE_ID, REVIEW_SCHEDULE_WORKFLOW } from '../contracts/review';

export async function ensureReviewSchedule(client: Client, config: Config, scheduleId = REVIEW_SCHEDULE_ID) {
  const spec = { intervals: [{ every: '1d' as const, offset: '1h' as const }] };
  const action = { type: 'startWorkflow' as const, workflowType: REVIEW_SCHEDULE_WORKFLOW, taskQueue: config.temporal.taskQueue, workflowId: `${scheduleId}-run`, args: [] };
  try {
    await client.schedule.create({ scheduleId, spec, action, policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' } });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action }));
  }
  return client.schedule.getHandle(scheduleId);
}
