/**
 * The Temporal Schedule that produces audit digests. Every worker ensures it
 * at start-up (idempotent; the interval follows config), so a deployment needs
 * no extra step. Overlapping runs are skipped: digests are appended one by one.
 */
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import { ensureSchedule } from './schedules';
import { AUDIT_DIGEST_SCHEDULE_ID, AUDIT_DIGEST_WORKFLOW } from '../contracts/audit';

export async function ensureDigestSchedule(client: Client, config: Config, scheduleId = AUDIT_DIGEST_SCHEDULE_ID) {
  const spec = { intervals: [{ every: `${config.audit.digestIntervalMinutes}m` as const }] };
  return ensureSchedule(client, { scheduleId, spec, workflowType: AUDIT_DIGEST_WORKFLOW, taskQueue: config.temporal.taskQueue, catchupWindow: '1 hour' });
}
