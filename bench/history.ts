/** Where an intake's time goes, from the workflow histories Temporal recorded. */
import type { Client } from '@temporalio/client';
import { complaintWorkflowId } from '../src/contracts/complaint';
import { runPool } from './load';
import { median } from './stats';

type Ts = { seconds?: unknown; nanos?: number | null } | null | undefined;
const ms = (t: Ts) => (t ? Number(t.seconds ?? 0) * 1000 + (t.nanos ?? 0) / 1e6 : Number.NaN);

export interface Breakdown {
  /** Phase name -> median ms over the sampled workflows. */
  phases: [string, number][];
  histories: number;
}

/**
 * Medians over the complaints' histories of: each workflow task and each
 * activity (scheduled -> completed, so queueing is included), up to the SLA
 * timer start.
 */
export async function intakeBreakdown(client: Client, complaintIds: string[]): Promise<Breakdown> {
  const samples = new Map<string, number[]>();
  const add = (k: string, v: number) => {
    if (Number.isFinite(v)) samples.set(k, [...(samples.get(k) ?? []), v]);
  };
  await runPool(complaintIds.length, 8, async (i) => {
    const history = await client.workflow.getHandle(complaintWorkflowId(complaintIds[i]!)).fetchHistory();
    const events = history.events ?? [];
    const t0 = ms(events[0]?.eventTime);
    let wft = 0;
    let wftScheduled = Number.NaN;
    const activityScheduled = new Map<string, { name: string; at: number }>();
    for (const e of events) {
      const at = ms(e.eventTime);
      if (e.workflowTaskScheduledEventAttributes) wftScheduled = at;
      else if (e.workflowTaskCompletedEventAttributes) add(`workflow task ${++wft}`, at - wftScheduled);
      else if (e.activityTaskScheduledEventAttributes) {
        activityScheduled.set(String(e.eventId), { name: e.activityTaskScheduledEventAttributes.activityType?.name ?? '?', at });
      } else if (e.activityTaskCompletedEventAttributes) {
        const s = activityScheduled.get(String(e.activityTaskCompletedEventAttributes.scheduledEventId));
        if (s) add(`activity ${s.name}`, at - s.at);
      } else if (e.timerStartedEventAttributes) {
        add('total: started -> SLA timer', at - t0);
        break;
      }
    }
  });
  // Every history has the same shape, so first-insertion order is event order.
  return { phases: [...samples].map(([k, v]): [string, number] => [k, median(v)]), histories: complaintIds.length };
}
