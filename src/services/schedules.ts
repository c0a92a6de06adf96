/**
 * The Temporal Schedules the worker keeps (audit digests, the quality loop,
 * quality reviews): each is ensured at worker start, created when missing and
 * otherwise updated to the spec and action of this version and config, so a
 * deployment needs no extra step. Overlapping runs are skipped: every
 * scheduled job records what the next run reads.
 */
import { type Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy, type ScheduleSpec } from '@temporalio/client';
import type { Duration } from '@temporalio/common';

export async function ensureSchedule(
  client: Client,
  opts: { scheduleId: string; spec: ScheduleSpec; workflowType: string; taskQueue: string; catchupWindow: Duration },
) {
  const { scheduleId, spec } = opts;
  const action = { type: 'startWorkflow' as const, workflowType: opts.workflowType, taskQueue: opts.taskQueue, workflowId: `${scheduleId}-run`, args: [] };
  try {
    await client.schedule.create({ scheduleId, spec, action, policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: opts.catchupWindow } });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action }));
  }
  return client.schedule.getHandle(scheduleId);
}
