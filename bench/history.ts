/** Temporal's view of the complaint workflows: where an intake's time goes, and when a workflow waits on its SLA timer. */
import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import { complaintWorkflowId } from '../src/contracts/complaint';
import { runPool } from './load';
import { median, sleep } from './stats';

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

/** Running with no pending workflow task and no pending activity: after intake the complaint workflow then only waits on its SLA timer. */
async function waitsOnTimer(client: Client, workflowId: string): Promise<boolean> {
  const { status, raw } = await client.workflow.getHandle(workflowId).describe();
  return status.name === 'RUNNING' && !raw.pendingWorkflowTask && !raw.pendingActivities?.length;
}

/**
 * Waits until every workflow waits on its SLA timer, with one
 * DescribeWorkflowExecution per check (Temporal only; no FerretDB query).
 * Workflows settle roughly in start order, so a pass walks the ids in that
 * order (the first alone, then `chunk` at a time) and stops at the first check
 * that finds a busy one: a pass costs one describe while the oldest is still
 * busy. Once `timeoutMs` has passed, a last pass checks every remaining id.
 * Returns how many settled, the ms taken (NaN when the time ran out first) and
 * the describes made.
 */
export async function waitForTimerWait(client: Client, workflowIds: string[], timeoutMs: number, chunk = 16, everyMs = 500) {
  const t0 = performance.now();
  let pending = workflowIds;
  let describes = 0;
  for (;;) {
    const last = performance.now() - t0 > timeoutMs;
    const busy: string[] = [];
    let i = 0;
    for (let size = 1; i < pending.length && (last || busy.length === 0); i += size, size = chunk) {
      const ids = pending.slice(i, i + size);
      const waiting = await Promise.all(ids.map((id) => waitsOnTimer(client, id)));
      describes += ids.length;
      busy.push(...ids.filter((_, j) => !waiting[j]));
    }
    pending = [...busy, ...pending.slice(i)];
    if (pending.length === 0 || last) {
      return { settled: workflowIds.length - pending.length, ms: pending.length === 0 ? performance.now() - t0 : Number.NaN, describes };
    }
    await sleep(everyMs);
  }
}
