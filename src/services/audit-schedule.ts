/**
 * The Temporal Schedule that produces audit digests. Every worker ensures it
 * at start-up (idempotent; the interval follows config), so a deployment needs
 * no extra step. Overlapping runs are skipped: digests are appended one by one.
 */
import { type Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import type { Config } from '../config';
import { AUDIT_DIGEST_SCHEDULE_ID, AUDIT_DIGEST_WORKFLOW } from '../contracts/audit';

export async function ensureDigestSchedule(client: Client, config: Config, scheduleId = AUDIT_DIGEST_SCHEDULE_ID) {
  const spec = { intervals: [{ every: `${config.audit.digestIntervalMinutes}m` as const }] };
  const action = { type: 'startWorkflow' as const, workflowType: AUDIT_DIGEST_WORKFLOW, taskQueue: config.temporal.taskQueue, workflowId: `${scheduleId}-run`, args: [] };
  try {
    await client.schedule.create({ scheduleId, spec, action, policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' } });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action }));
  }
  return client.schedule.getHandle(scheduleId);
}
