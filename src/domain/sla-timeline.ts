/**
 * SLA timeline: every clock of a complaint explained from its audit trail.
 *
 * The audit trail records transitions (action, before/after summary, details),
 * not clock internals. This module replays the clocks' bookkeeping over those
 * transitions with the same primitives the reducer uses (src/domain/sla-clock.ts)
 * and the policy snapshots frozen at intake, so it can say when each clock
 * started, paused, resumed, warned, breached, was re-targeted, escalated and
 * stopped, how much business time it used, and under which policy and calendar
 * versions. Pure: no I/O; `now` is an argument.
 *
 * The replay mirrors the reducer's rules (see src/domain/complaint.ts):
 * - `intake` starts first response and resolution (a phone call taken by an
 *   agent meets first response on the spot);
 * - `acknowledge` stops first response; a public note, `request_info` and
 *   `resolve` stop the running next-response cycle; `resolve` stops resolution;
 * - `customer_replied` starts next-response cycle n when `details.nextResponseCycle` grows;
 * - severity changes (`change_severity`, an escalation's `raise_severity`)
 *   re-target every clock not yet stopped to the new severity's frozen policy
 *   (none frozen for it: the current policy stays), accrued time kept;
 * - `reopen` resumes resolution; `close`, `cancel`, `auto_close` stop all;
 * - after every transition a resolution clock not stopped runs unless
 *   `after.slaPaused` (the reducer keeps that invariant), which yields the
 *   pauses and resumptions whatever action caused them;
 * - `sla_warning`, `sla_breached`, `sla_escalated` carry their clock in `details`.
 *
 * When the final state is given at the same version as the last event, the
 * replayed clocks are compared with the workflow's own: `verified` says
 * whether they agree, and `notes` name every gap or disagreement found.
 */
import type { StateSummary, ComplaintState } from './complaint';
import { businessMsBetween, type BusinessCalendar } from './calendar';
import {
  type ClockKind,
  type SlaClock,
  dueAt as clockDueAt,
  elapsedMs,
  pauseClock,
  resumeClock,
  retargetClock,
  startClock,
  stopClock,
} from './sla-clock';
import type { Severity, SlaPolicySnapshot } from './sla-policy';

const MINUTE = 60_000;

/** What the timeline needs from one audit event (epoch-ms instants). */
export interface SlaAuditEvent {
  seq: number;
  at: number;
  action: string;
  before: StateSummary | null;
  after: StateSummary;
  details: Record<string, unknown>;
}

export const TIMELINE_ENTRY_KINDS = ['started', 'paused', 'resumed', 'warned', 'breached', 'met', 'stopped', 'retargeted', 'escalated'] as const;
export type TimelineEntryKind = (typeof TIMELINE_ENTRY_KINDS)[number];

export interface PolicyRef {
  id: string;
  version: number;
  name: string;
}

export interface CalendarRef {
  id: string;
  version: number;
}

export interface ClockEntry {
  at: number;
  kind: TimelineEntryKind;
  /** The audit event (seq and action) that recorded it. */
  seq: number;
  action: string;
  reason: string;
  /** The clock's target after this entry, in business minutes. */
  targetMinutes: number;
  /** Business minutes on the clock at this instant. */
  elapsedBusinessMinutes: number;
  /** warned: the threshold percent. */
  threshold?: number;
  /** warned: when the clock was due to breach, as the warning said. */
  dueAt?: number | null;
  /** retargeted: the target before. */
  fromTargetMinutes?: number;
  /** retargeted, escalated with raise_severity. */
  severity?: { from: string; to: string };
  /** escalated: step index in the ladder (0-based) and its action. */
  step?: number;
  escalationAction?: string;
  policy: PolicyRef;
  calendar: CalendarRef;
}

export const CLOCK_OUTCOMES = ['pending', 'overdue', 'met', 'breached', 'stopped'] as const;
/**
 * - `pending`: running or paused, within target;
 * - `overdue`: past its target but the breach is not recorded yet (the workflow records it at its next wake-up);
 * - `met`: stopped by its response (or resolution) before breaching;
 * - `breached`: a breach was recorded (whatever happened after);
 * - `stopped`: stopped otherwise (closed, cancelled) without breaching.
 */
export type ClockOutcome = (typeof CLOCK_OUTCOMES)[number];

export interface ClockSummary {
  state: 'running' | 'paused' | 'stopped';
  outcome: ClockOutcome;
  targetMinutes: number;
  businessMinutesUsed: number;
  remainingBusinessMinutes: number;
  startedAt: number;
  stoppedAt: number | null;
  breachedAt: number | null;
  /** When a running clock will breach (null once breached, paused or stopped). */
  dueAt: number | null;
  pauses: { count: number; wallMinutes: number; businessMinutes: number };
  escalationsDone: number;
  policy: PolicyRef;
  calendar: CalendarRef;
  /** One line explaining a breach (or an overdue clock); null otherwise. */
  why: string | null;
}

export interface ClockTimeline {
  clock: ClockKind;
  cycle: number;
  entries: ClockEntry[];
  summary: ClockSummary;
}

export interface SlaTimeline {
  /** Whether an SLA policy applied to the complaint at all. */
  sla: boolean;
  /** First response, next-response cycles in order, resolution. */
  clocks: ClockTimeline[];
  /** true: the replayed clocks equal the workflow's own; false: they differ (see notes); null: not checked. */
  verified: boolean | null;
  notes: string[];
}

export interface SlaTimelineInput {
  events: readonly SlaAuditEvent[];
  /** The policy snapshots frozen at intake, per severity (see SlaState.policies). */
  policies: Partial<Record<Severity, SlaPolicySnapshot>>;
  /** Running clocks are measured up to here. */
  now: number;
  /** The complaint's current state, to verify the replay against (optional). */
  state?: ComplaintState | null;
}

// ------------------------------------------------------------------ replay

interface Pause {
  from: number;
  to: number | null;
  calendar: BusinessCalendar;
}

interface SimClock {
  clock: SlaClock;
  /** The policy whose target the clock runs on (a stopped clock keeps the one it was judged against). */
  policy: SlaPolicySnapshot;
  entries: ClockEntry[];
  pauses: Pause[];
  met: boolean;
}

const policyRef = (p: SlaPolicySnapshot): PolicyRef => ({ id: p.policyId, version: p.version, name: p.name });
const calendarRef = (p: SlaPolicySnapshot): CalendarRef => ({ id: p.calendar.id, version: p.calendar.version });
const minutes = (ms: number) => Math.round((ms / MINUTE) * 100) / 100;
const iso = (ms: number) => new Date(ms).toISOString();

function targetMinutesOf(p: SlaPolicySnapshot, kind: ClockKind): number {
  const t = p.targets;
  return kind === 'first_response' ? t.firstResponseMinutes : kind === 'next_response' ? t.nextResponseMinutes : t.resolutionMinutes;
}

function label(kind: ClockKind, cycle: number): string {
  return kind === 'first_response' ? 'first-response' : kind === 'next_response' ? `next-response (cycle ${cycle})` : 'resolution';
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Builds the timeline of every SLA clock of one complaint from its audit events (any order; replayed by seq). */
export function buildSlaTimeline(input: SlaTimelineInput): SlaTimeline {
  const events = [...input.events].sort((a, b) => a.seq - b.seq);
  const notes: string[] = [];
  const missing = missingSeqs(events);
  if (missing.count > 0) {
    const listed = missing.first.join(', ') + (missing.count > missing.first.length ? ` and ${missing.count - missing.first.length} more` : '');
    notes.push(`audit event${missing.count > 1 ? 's' : ''} ${listed} ${missing.count > 1 ? 'are' : 'is'} missing; the timeline may be incomplete`);
  }

  const intake = events[0];
  if (!intake || intake.action !== 'intake') {
    notes.push(events.length > 0 ? 'the audit trail does not start with the intake; clocks cannot be reconstructed' : 'no audit events yet (the complaint is still being registered)');
    return { sla: false, clocks: [], verified: null, notes };
  }
  const ref = intake.details.slaPolicy as { policyId?: unknown; version?: unknown; calendar?: unknown } | null | undefined;
  if (!ref) return { sla: false, clocks: [], verified: input.state ? input.state.sla === null : null, notes };

  const intakeSeverity = intake.after.severity;
  let active = input.policies[intakeSeverity];
  if (!active) {
    notes.push(`the frozen snapshot of policy ${String(ref.policyId)} v${String(ref.version)} (severity ${intakeSeverity}) is not available; clocks cannot be reconstructed`);
    return { sla: true, clocks: [], verified: null, notes };
  }
  if (active.policyId !== ref.policyId || active.version !== ref.version || active.calendar.id !== ref.calendar) {
    notes.push(
      `the intake recorded policy ${String(ref.policyId)} v${String(ref.version)} (calendar ${String(ref.calendar)}) but the frozen snapshot for ${intakeSeverity} is ${active.policyId} v${active.version} (calendar ${active.calendar.id})`,
    );
  }

  const startSim = (kind: ClockKind, cycle: number, at: number, ev: SlaAuditEvent, reason: string): SimClock => {
    const sim: SimClock = { clock: startClock(kind, cycle, targetMinutesOf(active!, kind) * MINUTE, at), policy: active!, entries: [], pauses: [], met: false };
    push(sim, 'started', ev, reason);
    return sim;
  };

  /** Appends an entry for `sim` at the event's instant (or `at`). */
  function push(sim: SimClock, kind: TimelineEntryKind, ev: SlaAuditEvent, reason: string, extra: Partial<ClockEntry> = {}, at = ev.at): void {
    sim.entries.push({
      at,
      kind,
      seq: ev.seq,
      action: ev.action,
      reason,
      targetMinutes: minutes(sim.clock.targetMs),
      elapsedBusinessMinutes: minutes(elapsedMs(sim.clock, active!.calendar, at)),
      ...extra,
      policy: policyRef(sim.policy),
      calendar: calendarRef(sim.policy),
    });
  }

  const closePause = (sim: SimClock, at: number) => {
    const open = sim.pauses[sim.pauses.length - 1];
    if (open && open.to === null) open.to = at;
  };

  const firstResponse = startSim('first_response', 1, intake.at, intake, 'complaint received');
  const resolution = startSim('resolution', 1, intake.at, intake, 'complaint received');
  const nextResponses: SimClock[] = [];
  if (intake.after.status === 'acknowledged') {
    // A phone call taken by an agent is acknowledged at intake.
    firstResponse.clock = stopClock(firstResponse.clock, active.calendar, intake.at);
    firstResponse.met = true;
    push(firstResponse, 'met', intake, 'acknowledged at intake (phone call taken by an agent)');
  }

  const all = (): SimClock[] => [firstResponse, ...nextResponses, resolution];
  const currentNext = (): SimClock | undefined => nextResponses[nextResponses.length - 1];
  const find = (kind: unknown, cycle: unknown): SimClock | undefined => {
    if (kind === 'first_response') return firstResponse;
    if (kind === 'resolution') return resolution;
    if (kind === 'next_response') return nextResponses.find((c) => c.clock.cycle === cycle);
    return undefined;
  };

  /** The clock's own goal was reached (a response, the resolution). */
  function respond(sim: SimClock | undefined, ev: SlaAuditEvent, what: string): void {
    if (!sim || sim.clock.stoppedAt !== null) return;
    sim.clock = stopClock(sim.clock, active!.calendar, ev.at);
    closePause(sim, ev.at);
    if (sim.clock.breachedAt === null) {
      sim.met = true;
      push(sim, 'met', ev, `${what} within target`);
    } else {
      push(sim, 'stopped', ev, `${what} after the breach at ${iso(sim.clock.breachedAt)}`);
    }
  }

  function stopAll(ev: SlaAuditEvent, why: string): void {
    for (const sim of all()) {
      if (sim.clock.stoppedAt !== null) continue;
      sim.clock = stopClock(sim.clock, active!.calendar, ev.at);
      closePause(sim, ev.at);
      push(sim, 'stopped', ev, why);
    }
  }

  /** Severity change: every clock not stopped switches to the new severity's frozen policy, accrued time kept. */
  function retarget(ev: SlaAuditEvent, from: string, to: string, why: string): void {
    const frozen = input.policies[to as Severity];
    const next = frozen ?? active!;
    if (!frozen) notes.push(`seq ${ev.seq}: no frozen policy for severity ${to}; the clocks stay on ${active!.policyId} v${active!.version} (as the reducer does when no policy matched)`);
    const oldCal = active!.calendar;
    for (const sim of all()) {
      if (sim.clock.stoppedAt !== null) continue;
      const running = sim.clock.runningSince !== null;
      const fromTarget = sim.clock.targetMs;
      const fromPolicy = sim.policy;
      // Bank time on the old calendar, then run on the new one (as the reducer does).
      let c = retargetClock(pauseClock(sim.clock, oldCal, ev.at), targetMinutesOf(next, sim.clock.kind) * MINUTE);
      if (running) c = resumeClock(c, ev.at);
      sim.clock = c;
      sim.policy = next;
      if (fromTarget !== c.targetMs || fromPolicy.policyId !== next.policyId || fromPolicy.version !== next.version) {
        push(sim, 'retargeted', ev, `${why}: target ${minutes(fromTarget)} → ${minutes(c.targetMs)} business minutes (policy ${next.policyId} v${next.version})`, {
          fromTargetMinutes: minutes(fromTarget),
          severity: { from, to },
        });
      }
    }
    active = next;
  }

  /** A resolution clock not stopped runs unless the complaint is paused (awaiting the customer under a pausing policy). */
  function syncPause(ev: SlaAuditEvent): void {
    if (resolution.clock.stoppedAt !== null) return;
    const running = resolution.clock.runningSince !== null;
    if (ev.after.slaPaused && running) {
      resolution.clock = pauseClock(resolution.clock, active!.calendar, ev.at);
      resolution.pauses.push({ from: ev.at, to: null, calendar: active!.calendar });
      push(resolution, 'paused', ev, `awaiting the customer (policy ${active!.policyId} v${active!.version} pauses the resolution clock)`);
    } else if (!ev.after.slaPaused && !running) {
      resolution.clock = resumeClock(resolution.clock, ev.at);
      closePause(resolution, ev.at);
      push(resolution, 'resumed', ev, ev.action === 'customer_replied' ? 'the customer replied' : `no longer paused after ${ev.action}`);
    }
  }

  for (const ev of events.slice(1)) {
    const d = ev.details ?? {};
    switch (ev.action) {
      case 'acknowledge':
        respond(firstResponse, ev, 'acknowledged');
        break;
      case 'add_note':
        if (d.visibility === 'public') respond(currentNext(), ev, 'public reply to the customer');
        break;
      case 'request_info':
        respond(currentNext(), ev, 'asked the customer for information');
        break;
      case 'customer_replied': {
        const cycle = num(d.nextResponseCycle);
        if (cycle !== undefined && cycle > nextResponses.length) {
          nextResponses.push(startSim('next_response', cycle, ev.at, ev, 'customer replied'));
        }
        break;
      }
      case 'change_severity': {
        const from = str(d.from) ?? ev.before?.severity ?? '?';
        const to = str(d.to) ?? ev.after.severity;
        retarget(ev, from, to, `severity changed ${from} → ${to}${str(d.reason) ? ` (${str(d.reason)})` : ''}`);
        const recorded = num(d.slaPolicyVersion);
        if (recorded !== undefined && recorded !== active.version) {
          notes.push(`seq ${ev.seq}: the workflow recorded policy version ${recorded} after the severity change, the frozen snapshot used here is ${active.policyId} v${active.version}`);
        }
        break;
      }
      case 'resolve':
        respond(currentNext(), ev, 'resolved');
        respond(resolution, ev, 'resolved');
        break;
      case 'reopen':
        if (resolution.clock.stoppedAt !== null) {
          resolution.clock = { ...resumeClock(resolution.clock, ev.at), stoppedAt: null };
          resolution.met = false;
          push(resolution, 'resumed', ev, 'reopened: the resolution clock resumes with the time it had accrued');
        }
        break;
      case 'close':
      case 'cancel':
      case 'auto_close':
        stopAll(ev, ev.action === 'close' ? 'complaint closed' : ev.action === 'cancel' ? `complaint cancelled${str(d.reason) ? ` (${str(d.reason)})` : ''}` : 'complaint closed automatically (confirmation window elapsed)');
        break;
      case 'sla_warning': {
        const sim = find(d.clock, d.cycle);
        const threshold = num(d.threshold);
        if (!sim || threshold === undefined) {
          notes.push(`seq ${ev.seq}: a warning for an unknown clock (${String(d.clock)} ${String(d.cycle)})`);
          break;
        }
        sim.clock = { ...sim.clock, warned: [...new Set([...sim.clock.warned, threshold])] };
        push(sim, 'warned', ev, `${threshold}% of the target used`, { threshold, dueAt: num(d.dueAt) ?? null });
        break;
      }
      case 'sla_breached': {
        const sim = find(d.clock, d.cycle);
        if (!sim) {
          notes.push(`seq ${ev.seq}: a breach of an unknown clock (${String(d.clock)} ${String(d.cycle)})`);
          break;
        }
        const at = num(d.breachedAt) ?? ev.at;
        sim.clock = { ...sim.clock, breachedAt: at, breachElapsedMs: sim.clock.targetMs };
        push(sim, 'breached', ev, `target of ${minutes(sim.clock.targetMs)} business minutes reached`, {}, at);
        const used = elapsedMs(sim.clock, active.calendar, at);
        if (Math.abs(used - sim.clock.targetMs) > 1000) {
          notes.push(`seq ${ev.seq}: the replay counts ${minutes(used)} business minutes at the ${label(sim.clock.kind, sim.clock.cycle)} breach, the target was ${minutes(sim.clock.targetMs)}`);
        }
        break;
      }
      case 'sla_escalated': {
        const sim = find(d.clock, d.cycle);
        const step = num(d.step);
        if (!sim || step === undefined) {
          notes.push(`seq ${ev.seq}: an escalation of an unknown clock (${String(d.clock)} ${String(d.cycle)})`);
          break;
        }
        const action = str(d.action) ?? 'unknown';
        const sev = d.severity as { from?: unknown; to?: unknown } | undefined;
        const what =
          action === 'notify_role' ? `notify ${str(d.role) ?? 'a role'}` : action === 'reassign_queue' ? `reassign to queue ${str(d.queue) ?? '?'}` : action === 'raise_severity' ? `raise severity ${String(sev?.from)} → ${String(sev?.to)}` : action;
        sim.clock = { ...sim.clock, escalationsDone: Math.max(sim.clock.escalationsDone, step + 1) };
        push(sim, 'escalated', ev, `escalation step ${step + 1}: ${what}`, {
          step,
          escalationAction: action,
          ...(sev && typeof sev.from === 'string' && typeof sev.to === 'string' ? { severity: { from: sev.from, to: sev.to } } : {}),
        });
        if (action === 'raise_severity' && typeof sev?.from === 'string' && typeof sev.to === 'string' && sev.from !== sev.to) {
          retarget(ev, sev.from, sev.to, `escalation raised severity ${sev.from} → ${sev.to}`);
        }
        break;
      }
      default:
        break;
    }
    syncPause(ev);
  }

  const clocks = all().map((sim) => ({
    clock: sim.clock.kind,
    cycle: sim.clock.cycle,
    entries: sim.entries,
    summary: summarize(sim, active!.calendar, input.now),
  }));
  const verified = verify(input.state, events, { firstResponse, resolution, next: currentNext() }, notes);
  return { sla: true, clocks, verified, notes };
}

/** Gaps in 1..last seq (the first few named), found between consecutive events so a huge seq costs nothing. */
function missingSeqs(sorted: readonly SlaAuditEvent[]): { first: number[]; count: number } {
  const first: number[] = [];
  let count = 0;
  let prev = 0;
  for (const e of sorted) {
    if (e.seq > prev + 1) {
      count += e.seq - prev - 1;
      for (let s = prev + 1; s < e.seq && first.length < 10; s++) first.push(s);
    }
    prev = Math.max(prev, e.seq);
  }
  return { first, count };
}

// ----------------------------------------------------------------- summary

function summarize(sim: SimClock, calendar: BusinessCalendar, now: number): ClockSummary {
  const c = sim.clock;
  const used = elapsedMs(c, calendar, now);
  const state = c.stoppedAt !== null ? 'stopped' : c.runningSince !== null ? 'running' : 'paused';
  const outcome: ClockOutcome =
    c.breachedAt !== null ? 'breached' : c.stoppedAt !== null ? (sim.met ? 'met' : 'stopped') : used >= c.targetMs ? 'overdue' : 'pending';
  // Pauses before `until` (a pause starting exactly at a breach did not delay it; one starting now counts).
  const pauseTotals = (until: number) =>
    sim.pauses
      .filter((p) => p.from < until || (until === now && p.from === now))
      .reduce(
        (acc, p) => {
          const end = Math.min(p.to ?? now, until);
          return { count: acc.count + 1, wallMs: acc.wallMs + Math.max(0, end - p.from), businessMs: acc.businessMs + businessMsBetween(p.calendar, p.from, Math.max(p.from, end)) };
        },
        { count: 0, wallMs: 0, businessMs: 0 },
      );
  const all = pauseTotals(now);
  return {
    state,
    outcome,
    targetMinutes: minutes(c.targetMs),
    businessMinutesUsed: minutes(used),
    remainingBusinessMinutes: minutes(c.targetMs - used),
    startedAt: c.startedAt,
    stoppedAt: c.stoppedAt,
    breachedAt: c.breachedAt,
    dueAt: state === 'running' && c.breachedAt === null ? clockDueAt(c, calendar) : null,
    pauses: { count: all.count, wallMinutes: minutes(all.wallMs), businessMinutes: minutes(all.businessMs) },
    escalationsDone: c.escalationsDone,
    policy: policyRef(sim.policy),
    calendar: calendarRef(sim.policy),
    why: explain(sim, outcome, used, pauseTotals),
  };
}

/** One line for an auditor asking "why did this breach?". */
function explain(sim: SimClock, outcome: ClockOutcome, usedMs: number, pauseTotals: (until: number) => { count: number; wallMs: number; businessMs: number }): string | null {
  if (outcome !== 'breached' && outcome !== 'overdue') return null;
  const c = sim.clock;
  const name = label(c.kind, c.cycle);
  const breach = sim.entries.find((e) => e.kind === 'breached');
  const judgedBy = breach ?? { targetMinutes: minutes(c.targetMs), policy: policyRef(sim.policy), calendar: calendarRef(sim.policy) };
  const until = c.breachedAt ?? Infinity;
  const parts = [
    outcome === 'breached'
      ? `${name} target ${judgedBy.targetMinutes} business minutes (policy ${judgedBy.policy.id} v${judgedBy.policy.version}, calendar ${judgedBy.calendar.id} v${judgedBy.calendar.version}) exceeded at ${iso(c.breachedAt!)}`
      : `${name} target ${judgedBy.targetMinutes} business minutes (policy ${judgedBy.policy.id} v${judgedBy.policy.version}, calendar ${judgedBy.calendar.id} v${judgedBy.calendar.version}) used up; the breach is not recorded yet`,
  ];
  const retargets = sim.entries.filter((e) => e.kind === 'retargeted' && e.at <= until);
  for (const r of retargets) parts.push(`target changed ${r.fromTargetMinutes} → ${r.targetMinutes} min at ${iso(r.at)}${r.severity ? ` (severity ${r.severity.from} → ${r.severity.to})` : ''}`);
  const p = pauseTotals(until);
  if (p.count > 0) {
    const wall = minutes(p.wallMs);
    const biz = minutes(p.businessMs);
    parts.push(`paused ${p.count > 1 ? `${p.count} times, ` : ''}${wall} min while awaiting the customer${biz !== wall ? ` (${biz} business min not counted)` : ''}`);
  } else if (c.kind === 'resolution') {
    parts.push('never paused');
  }
  const stop = [...sim.entries].reverse().find((e) => e.kind === 'stopped' || e.kind === 'met');
  if (c.stoppedAt !== null && stop) parts.push(`stopped at ${iso(stop.at)} (${stop.action}) after ${minutes(usedMs)} business minutes`);
  else parts.push(`${minutes(usedMs)} business minutes used so far`);
  return parts.join('; ');
}

// ------------------------------------------------------------ verification

const COMPARED = ['targetMs', 'accruedMs', 'runningSince', 'startedAt', 'stoppedAt', 'breachedAt', 'escalationsDone'] as const;

function verify(
  state: ComplaintState | null | undefined,
  events: readonly SlaAuditEvent[],
  replayed: { firstResponse: SimClock; resolution: SimClock; next: SimClock | undefined },
  notes: string[],
): boolean | null {
  const last = events[events.length - 1];
  if (!state || !last || state.version !== last.seq) return null;
  if (!state.sla) {
    notes.push('the workflow state has no SLA but the intake recorded a policy');
    return false;
  }
  const pairs: [string, SlaClock | null, SimClock | undefined][] = [
    ['first_response', state.sla.firstResponse, replayed.firstResponse],
    ['resolution', state.sla.resolution, replayed.resolution],
    ['next_response', state.sla.nextResponse, replayed.next],
  ];
  let ok = true;
  for (const [name, actual, sim] of pairs) {
    if (!actual && !sim) continue;
    if (!actual || !sim) {
      notes.push(`${name}: the workflow ${actual ? 'has' : 'has no'} such clock, the replay ${sim ? 'has' : 'has none'}`);
      ok = false;
      continue;
    }
    for (const field of COMPARED) {
      if (actual[field] !== sim.clock[field]) {
        notes.push(`${name}: ${field} is ${String(actual[field])} in the workflow state, ${String(sim.clock[field])} in the replay`);
        ok = false;
      }
    }
  }
  return ok;
}
