/**
 * One run of the quality loop: started by its Schedule (daily by default, see
 * src/services/quality-loop-schedule.ts) or by hand. An activity evaluates the
 * improvement triggers and records its decisions; this workflow then acts on
 * them: it starts the cycles to open (children that live on their own) and
 * signals new evidence to the cycles already open. Every step is safe to
 * repeat: cycle ids are derived from (trigger, subject, count), an id already
 * started counts as started, and a cycle adds an evidence item once per key.
 */
import { getExternalWorkflowHandle, isCancellation, proxyActivities } from '@temporalio/workflow';
import type { TriggerActivities } from '../activities';
import { cycleSignals, cycleWorkflowId } from '../src/contracts/cycle';
import type { QualityLoopInput, QualityLoopResult } from '../src/contracts/quality-loop';
import { startCycleWorkflow } from './start-cycle';

const { evaluateTriggers } = proxyActivities<TriggerActivities>({
  // Refreshes the KPI rollups and reads a window of each trigger's series: give it time, and keep retrying.
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

export async function qualityLoopWorkflow(input: QualityLoopInput = {}): Promise<QualityLoopResult> {
  // A scheduled run's start time is its slot; Date.now() is that, replay-safe, and the same on every activity retry.
  const now = input.asOf ?? Date.now();
  const runs = await evaluateTriggers({ now, ...(input.triggerId !== undefined ? { triggerId: input.triggerId } : {}) });
  const result: QualityLoopResult = { evaluated: runs.length, opened: [], evidenceAdded: [], failed: [] };

  for (const { decision } of runs) {
    if (decision.kind === 'open') {
      await startCycleWorkflow({ intake: decision.intake }, { rejectDuplicate: true });
      result.opened.push(decision.cycleId);
    } else if (decision.kind === 'add_evidence') {
      try {
        await getExternalWorkflowHandle(cycleWorkflowId(decision.cycleId)).signal(cycleSignals.addEvidence, { item: decision.item });
        result.evidenceAdded.push(decision.cycleId);
      } catch (err) {
        // The cycle closed since the evaluation: the next signal opens a new one.
        if (isCancellation(err)) throw err;
        result.failed.push({ cycleId: decision.cycleId, reason: err instanceof Error ? err.message : String(err) });
      }
    }
  }
  return result;
}
