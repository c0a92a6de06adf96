/**
 * The Temporal Schedule that runs the quality loop (workflows/quality-loop.ts):
 * it evaluates the improvement triggers and opens or feeds their cycles. Every
 * worker ensures it at start-up (idempotent; interval and offset follow
 * config), so a deployment needs no extra step. Default: daily at 01:00 UTC,
 * after midnight in Europe and Africa, so yesterday is a completed day in
 * those areas' zones (a trigger only reads completed periods; an area west of
 * UTC sees its day a run later). Overlapping runs are skipped: a run records
 * decisions that the next one reads.
 */
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import { ensureSchedule } from './schedules';
import { QUALITY_LOOP_SCHEDULE_ID, QUALITY_LOOP_WORKFLOW } from '../contracts/quality-loop';

export async function ensureQualityLoopSchedule(client: Client, config: Config, scheduleId = QUALITY_LOOP_SCHEDULE_ID) {
  const { triggerIntervalMinutes, triggerOffsetMinutes } = config.loop;
  const spec = { intervals: [{ every: `${triggerIntervalMinutes}m` as const, offset: `${triggerOffsetMinutes}m` as const }] };
  return ensureSchedule(client, { scheduleId, spec, workflowType: QUALITY_LOOP_WORKFLOW, taskQueue: config.temporal.taskQueue, catchupWindow: '1 day' });
}
