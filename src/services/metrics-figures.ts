/**
 * The figures behind the API's database and Temporal gauges (src/observability/metrics.ts):
 * each is one read of a small, indexed set (never every complaint) followed by a pure tally,
 * so the tallies are testable without a store and the cost of a scrape is the size of what is
 * in hand (open complaints, open cycles, undelivered messages), not of the history.
 *
 * Why queries and not counters kept by the activities: a counter incremented by an activity is
 * wrong after any retry, replay or missed write unless every transition also decrements it
 * exactly once, and "at risk" and "breached" change with the clock, not with a write. A query
 * recomputes the figure from the read model the lists already use, idempotently, and the
 * metrics module caches it for a few seconds so concurrent scrapes make one query.
 */
import { type Client, ScheduleNotFoundError } from '@temporalio/client';
import type { Models } from '../db/models';

/** Counts per `queue`/`severity` of open (not closed or cancelled) complaints. */
export interface ComplaintBacklog {
  queue: string;
  severity: string;
  open: number;
  atRisk: number;
  breached: number;
}

export interface BacklogRow {
  queue: string;
  severity: string;
  breached: boolean;
  atRiskFrom: Date | null;
  nextDueAt: Date | null;
}

/**
 * Breached: a breach was recorded (`breached`, any of the three SLA clocks, as in
 * `GET /complaints?breached=true`), or a running clock's deadline has passed and the workflow
 * has not recorded it yet (a stopped worker must not hide a breach). At risk: not breached and
 * past the first warning threshold (`atRiskFrom`), as in `GET /complaints?atRisk=true`.
 */
export function tallyBacklog(rows: readonly BacklogRow[], now: number): ComplaintBacklog[] {
  const groups = new Map<string, ComplaintBacklog>();
  for (const r of rows) {
    const key = `${r.queue}\u0000${r.severity}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { queue: r.queue, severity: r.severity, open: 0, atRisk: 0, breached: 0 }));
    g.open++;
    const breached = r.breached || (r.nextDueAt !== null && r.nextDueAt.getTime() <= now);
    if (breached) g.breached++;
    else if (r.atRiskFrom !== null && r.atRiskFrom.getTime() <= now) g.atRisk++;
  }
  return [...groups.values()];
}

/** One equality on the indexed `active` field of the small list rows, five fields read. */
export async function complaintBacklog(models: Models, now: number): Promise<ComplaintBacklog[]> {
  const rows = await models.ComplaintRow.find({ active: true }, { _id: 0, queue: 1, severity: 1, breached: 1, atRiskFrom: 1, nextDueAt: 1 })
    .lean<BacklogRow[]>();
  return tallyBacklog(rows, now);
}

export interface CycleTally {
  phase: string;
  open: number;
  overdue: number;
}

/** Overdue: the goal deadline passed while the cycle is still in its phases (status `active`), as in `GET /cycles?overdue=true`. */
export function tallyCycles(rows: readonly { phase: string; status: string; deadline: Date }[], now: number): CycleTally[] {
  const byPhase = new Map<string, CycleTally>();
  for (const r of rows) {
    let t = byPhase.get(r.phase);
    if (!t) byPhase.set(r.phase, (t = { phase: r.phase, open: 0, overdue: 0 }));
    t.open++;
    if (r.status === 'active' && r.deadline.getTime() < now) t.overdue++;
  }
  return [...byPhase.values()];
}

/** The open cycles (`active`: not standardized, sustained or abandoned) by an equality on an indexed field. */
export async function openCycles(models: Models, now: number): Promise<CycleTally[]> {
  const rows = await models.Cycle.find({ active: true }, { _id: 0, phase: 1, status: 1, deadline: 1 })
    .lean<{ phase: string; status: string; deadline: Date }[]>();
  return tallyCycles(rows, now);
}

export interface OutboxTally {
  target: string;
  pending: number;
  failed: number;
}

export interface PendingMessage {
  channel?: string | null;
  deliveredTo?: string[] | null;
  attempts?: number | null;
  lastError?: string | null;
  gaveUpAt?: Date | null;
}

/**
 * A webhook target is the URL's host (`host:port`): never its path or query, which may carry a
 * receiver's secret, and one series per receiving service however many paths it has.
 */
export function webhookTarget(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid-url';
  }
}

/**
 * Pending messages by target. A webhook message is pending for every configured URL it has
 * not been delivered to (each attempt tries all of them, and a URL is added to `deliveredTo`
 * as soon as it answers 2xx), and failed there once an attempt has been made (`attempts` > 0):
 * the latest attempt reached that URL and it did not accept. An email message is pending until
 * delivered or cancelled, and failed once an attempt failed (`attempts` > 0 with an error) or
 * the relay refused it for good (`gaveUpAt`). A message waiting for SMTP to be configured was
 * never attempted: pending, not failed. Every configured webhook host gets a series, zero
 * included, so an alert on it has data to look at.
 */
export function tallyOutbox(messages: readonly PendingMessage[], webhookUrls: readonly string[]): OutboxTally[] {
  const byTarget = new Map<string, OutboxTally>();
  const at = (target: string) => {
    let t = byTarget.get(target);
    if (!t) byTarget.set(target, (t = { target, pending: 0, failed: 0 }));
    return t;
  };
  for (const url of webhookUrls) at(webhookTarget(url));
  for (const m of messages) {
    const attempted = (m.attempts ?? 0) > 0;
    if (m.channel === 'email') {
      const t = at('email');
      t.pending++;
      if (m.gaveUpAt || (attempted && m.lastError)) t.failed++;
      continue;
    }
    // Two URLs on one host count a message once per URL still owed.
    for (const url of webhookUrls) {
      if (m.deliveredTo?.includes(url)) continue;
      const t = at(webhookTarget(url));
      t.pending++;
      if (attempted) t.failed++;
    }
  }
  return [...byTarget.values()];
}

/** The undelivered messages, by the indexed `status` (normally a handful: delivered ones are not read). */
export async function pendingOutbox(models: Models, webhookUrls: readonly string[]): Promise<OutboxTally[]> {
  const messages = await models.Outbox.find({ status: 'pending' }, { _id: 0, channel: 1, deliveredTo: 1, attempts: 1, lastError: 1, gaveUpAt: 1 })
    .lean<PendingMessage[]>();
  return tallyOutbox(messages, webhookUrls);
}

/** When the latest audit digest was made (epoch ms), or null when there is none yet (one `_id` lookup: `_id` = seq). */
export async function latestAuditDigestAt(models: Models): Promise<number | null> {
  const latest = await models.AuditDigest.findOne({}, { createdAt: 1 }, { sort: { _id: -1 } }).lean<{ createdAt: string }>();
  return latest ? Date.parse(latest.createdAt) : null;
}

export interface ScheduleRun {
  scheduleId: string;
  /** When the run was taken (started), epoch ms. */
  startedAt: number;
  /** The run's workflow ended COMPLETED. */
  succeeded: boolean;
}

/** Workflow statuses that end a run; anything else (RUNNING) has no result yet. */
const FAILED_STATUSES = new Set(['FAILED', 'TIMED_OUT', 'TERMINATED', 'CANCELLED']);

/**
 * The latest finished run of a Schedule: its recent actions newest first, each run's workflow
 * described (the latest run of its chain, so a retried or continued run reports its outcome),
 * skipping runs still going. Null when the Schedule does not exist (yet) or no run has finished.
 * Normally two calls: the Schedule and its latest run.
 */
export async function latestScheduleRun(client: Client, scheduleId: string): Promise<ScheduleRun | null> {
  let description;
  try {
    description = await client.schedule.getHandle(scheduleId).describe();
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return null;
    throw err;
  }
  const actions = [...description.info.recentActions].sort((a, b) => b.takenAt.getTime() - a.takenAt.getTime());
  for (const action of actions) {
    const run = await client.workflow.getHandle(action.action.workflow.workflowId).describe();
    const status = run.status.name;
    if (status === 'COMPLETED') return { scheduleId, startedAt: action.takenAt.getTime(), succeeded: true };
    if (FAILED_STATUSES.has(status)) return { scheduleId, startedAt: action.takenAt.getTime(), succeeded: false };
  }
  return null;
}
