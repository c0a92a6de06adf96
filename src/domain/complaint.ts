import type { Actor, Role } from './actors';
import { SYSTEM_ACTOR } from './actors';
import { LOW_CSAT_MAX, feedbackProblems } from './customer';
import { DomainError, ErrorCode } from './errors';
import {
  type ClockKind,
  type ClockMilestone,
  type ClockStatus,
  type SlaClock,
  clockStatus,
  instantAtElapsed,
  isStopped,
  pauseClock,
  pendingMilestones,
  resumeClock,
  retargetClock,
  startClock,
  stopClock,
} from './sla-clock';
import type { ServiceAreaRef } from './service-area';
import { type Channel, type Severity, type SlaPolicySnapshot, raisedSeverity } from './sla-policy';

/**
 * The complaint state machine: a pure reducer over plain JSON data.
 *
 *   open → acknowledged → in_progress ⇄ awaiting_customer → resolved → closed
 *   resolved → reopened (within the reopen window) → in_progress
 *   open/acknowledged/in_progress/awaiting_customer/reopened → cancelled (supervisor only: duplicate or withdrawn)
 *
 * Staff (agents, supervisors) send every command; the complaint's own
 * customer (actor role `customer`, through their signed link) may only reply,
 * confirm the resolution (`close`), reopen it within the window and rate it
 * (see CUSTOMER_COMMANDS).
 *
 * Every change (an agent's command or a timer the engine fired) yields a
 * `Transition` with a new `version`; the workflow persists each one. Illegal
 * commands throw DomainError and change nothing.
 */
export const STATUSES = [
  'open',
  'acknowledged',
  'in_progress',
  'awaiting_customer',
  'resolved',
  'reopened',
  'closed',
  'cancelled',
] as const;
export type Status = (typeof STATUSES)[number];

const ACTIVE: readonly Status[] = ['open', 'acknowledged', 'in_progress', 'awaiting_customer', 'reopened'];
const WORKING: readonly Status[] = ['acknowledged', 'in_progress', 'awaiting_customer', 'reopened'];
export const TERMINAL: readonly Status[] = ['closed', 'cancelled'];

const MINUTE = 60_000;

/** Used when no SLA policy matches: the complaint still closes and may still be reopened. */
export const DEFAULT_WINDOWS = { reopenWindowMinutes: 7 * 24 * 60, confirmationWindowMinutes: 3 * 24 * 60 } as const;

/**
 * The customer as the workflow knows them: an id. Their contact (email, name,
 * language) lives in the `customers` collection (src/domain/customer.ts) so it
 * can be erased; complaints registered before that kept name and email here.
 */
export interface Customer {
  id: string;
  /** Legacy: complaints registered before contacts moved to `customers`. */
  name?: string;
  /** Legacy, as `name`. */
  email?: string;
}

export interface ComplaintIntake {
  complaintId: string;
  customer: Customer;
  channel: Channel;
  category: string;
  severity: Severity;
  description: string;
  createdBy: Actor;
  /**
   * When the API received the complaint (epoch ms). The SLA clocks start here,
   * not when a worker first ran the workflow, so a worker outage never gives
   * the support team free time.
   */
  receivedAt?: number;
  /** The service area the complaint belongs to, resolved by the API from the catalog at intake. */
  serviceArea?: ServiceAreaRef | null;
}

/** The instant a complaint's clocks start: when it was received, never later than `now`. */
export function intakeInstant(intake: ComplaintIntake, now: number): number {
  return intake.receivedAt === undefined ? now : Math.min(intake.receivedAt, now);
}

export interface Note {
  seq: number;
  authorId: string;
  text: string;
  visibility: 'internal' | 'public' | 'customer';
  at: number;
}

export interface SlaState {
  /** Policy versions frozen at intake, one per severity that had a match. */
  policies: Partial<Record<Severity, SlaPolicySnapshot>>;
  /** The policy the clocks run on now (the current severity's, if it has one). */
  active: SlaPolicySnapshot;
  firstResponse: SlaClock;
  resolution: SlaClock;
  nextResponse: SlaClock | null;
  nextResponseCycles: number;
  escalationLevel: number;
  /** Every breach ever recorded; a breach stays recorded whatever happens later. */
  breaches: { clock: ClockKind; cycle: number; at: number }[];
}

export interface ComplaintState {
  complaintId: string;
  version: number;
  status: Status;
  severity: Severity;
  category: string;
  channel: Channel;
  customer: Customer;
  description: string;
  createdAt: number;
  createdBy: Actor;
  updatedAt: number;
  firstResponderId: string | null;
  ownerId: string | null;
  queue: string | null;
  acknowledgedAt: number | null;
  resolvedAt: number | null;
  closedAt: number | null;
  /** `cause`: a code from the service area's cause catalog; `tags`: free labels (both absent on older complaints). */
  resolution: { summary: string; by: string; cause?: string | null; tags?: string[] } | null;
  cancellation: { reason: 'duplicate' | 'withdrawn'; note?: string; duplicateOf?: string; by: string } | null;
  reopenCount: number;
  notes: Note[];
  /**
   * The customer's rating (1-5), with reason codes on a low one (src/domain/customer.ts) and an
   * NPS score (0-10) where the policy asks for it. `recordedBy` is the customer id when they
   * rated through their link (actor role `customer`), else the agent who typed it in.
   */
  csat: { rating: number; comment?: string; reasons?: string[]; nps?: number; at: number; recordedBy: string } | null;
  csatRequestedAt: number | null;
  windows: { reopenWindowMinutes: number; confirmationWindowMinutes: number };
  sla: SlaState | null;
  /** The service area matched at intake, frozen (absent on complaints older than service areas). */
  serviceArea?: ServiceAreaRef | null;
  /** Times the complaint changed hands: transfers and escalation reassignments (absent on older complaints = 0). */
  transferCount?: number;
}

export type ComplaintCommand =
  | { type: 'acknowledge' }
  | { type: 'add_note'; text: string; visibility: 'internal' | 'public' }
  | { type: 'request_info'; message: string }
  | { type: 'customer_replied'; message: string }
  | { type: 'transfer'; toAgentId: string; reason: string }
  | { type: 'change_severity'; severity: Severity; reason: string }
  | { type: 'resolve'; summary: string; cause?: string; tags?: string[] }
  | { type: 'reopen'; reason: string }
  | { type: 'close'; rating?: number; comment?: string; reasons?: string[]; nps?: number }
  | { type: 'cancel'; reason: 'duplicate' | 'withdrawn'; note?: string; duplicateOf?: string }
  | { type: 'record_csat'; rating: number; comment?: string; reasons?: string[]; nps?: number };

export type CommandType = ComplaintCommand['type'];

const COMMAND_TYPE_SET: Record<CommandType, true> = {
  acknowledge: true,
  add_note: true,
  request_info: true,
  customer_replied: true,
  transfer: true,
  change_severity: true,
  resolve: true,
  reopen: true,
  close: true,
  cancel: true,
  record_csat: true,
};
/** Every command type, in the order the API lists them. */
export const COMMAND_TYPES = Object.keys(COMMAND_TYPE_SET) as CommandType[];

/**
 * What a customer may do on their own complaint: reply, confirm the
 * resolution (`close`), reopen it within the window, rate it. Everything else
 * is staff work.
 */
export const CUSTOMER_COMMANDS: readonly CommandType[] = ['customer_replied', 'close', 'reopen', 'record_csat'];

/** The follow-up a low rating opens: one per transition, so the id is the complaint and the version that rated. */
export const followUpIdOf = (complaintId: string, version: number) => `fu_${complaintId}_${version}`;

/** A message for the outbox; delivery is the adapters' business. */
export interface Notification {
  type: 'sla.warning' | 'sla.breached' | 'sla.escalated' | 'csat.requested' | 'csat.low' | 'complaint.transferred' | 'complaint.reassigned';
  recipients: { userIds: string[]; roles: Role[] };
  data: Record<string, unknown>;
}

/** The fields an auditor compares before and after a transition. */
export interface StateSummary {
  status: Status;
  severity: Severity;
  ownerId: string | null;
  firstResponderId: string | null;
  queue: string | null;
  slaPaused: boolean;
  escalationLevel: number;
}

export interface Transition {
  version: number;
  action: string;
  actor: Actor;
  at: number;
  before: StateSummary | null;
  after: StateSummary;
  details: Record<string, unknown>;
  notifications: Notification[];
}

export interface Applied {
  state: ComplaintState;
  transitions: Transition[];
}

// ---------------------------------------------------------------- helpers

function fail(code: ErrorCode, message: string): never {
  throw new DomainError(code, message);
}

function summary(s: ComplaintState): StateSummary {
  return {
    status: s.status,
    severity: s.severity,
    ownerId: s.ownerId,
    firstResponderId: s.firstResponderId,
    queue: s.queue,
    slaPaused: isSlaPaused(s),
    escalationLevel: s.sla?.escalationLevel ?? 0,
  };
}

export function isSlaPaused(s: ComplaintState): boolean {
  return !!s.sla && s.status === 'awaiting_customer' && s.sla.active.pauseOnAwaitingCustomer;
}

export function isFinished(s: ComplaintState): boolean {
  return TERMINAL.includes(s.status);
}

function targetMs(policy: SlaPolicySnapshot, kind: ClockKind): number {
  const t = policy.targets;
  const minutes =
    kind === 'first_response' ? t.firstResponseMinutes : kind === 'next_response' ? t.nextResponseMinutes : t.resolutionMinutes;
  return minutes * MINUTE;
}

/** The people accountable for a complaint: the first responder stays on every alert until it is closed. */
function accountable(s: ComplaintState): string[] {
  return [...new Set([s.firstResponderId, s.ownerId].filter((x): x is string => !!x))];
}

function commit(
  prev: ComplaintState,
  next: ComplaintState,
  action: string,
  actor: Actor,
  at: number,
  details: Record<string, unknown> = {},
  notifications: Notification[] = [],
): Applied {
  const state = { ...next, version: prev.version + 1, updatedAt: at };
  return {
    state,
    transitions: [{ version: state.version, action, actor, at, before: summary(prev), after: summary(state), details, notifications }],
  };
}

type ClockSlot = 'firstResponse' | 'resolution' | 'nextResponse';

function mapSla(s: ComplaintState, fn: (sla: SlaState) => SlaState): ComplaintState {
  return s.sla ? { ...s, sla: fn(s.sla) } : s;
}

function withClock(sla: SlaState, slot: ClockSlot, fn: (c: SlaClock) => SlaClock): SlaState {
  const clock = sla[slot];
  return clock ? { ...sla, [slot]: fn(clock) } : sla;
}

// ------------------------------------------------------------------ intake

/**
 * A new complaint. A complaint registered by an agent from a phone call is
 * acknowledged on the spot: that agent is first responder and owner, and the
 * first-response target is met at intake.
 */
export function openComplaint(
  intake: ComplaintIntake,
  policies: Partial<Record<Severity, SlaPolicySnapshot>>,
  now: number,
): Applied {
  const active = policies[intake.severity];
  const phoneByAgent =
    intake.channel === 'phone' && (intake.createdBy.role === 'agent' || intake.createdBy.role === 'supervisor');
  let sla: SlaState | null = null;
  if (active) {
    const firstResponse = startClock('first_response', 1, targetMs(active, 'first_response'), now);
    sla = {
      policies,
      active,
      firstResponse: phoneByAgent ? stopClock(firstResponse, active.calendar, now) : firstResponse,
      resolution: startClock('resolution', 1, targetMs(active, 'resolution'), now),
      nextResponse: null,
      nextResponseCycles: 0,
      escalationLevel: 0,
      breaches: [],
    };
  }
  const state: ComplaintState = {
    complaintId: intake.complaintId,
    version: 1,
    status: phoneByAgent ? 'acknowledged' : 'open',
    severity: intake.severity,
    category: intake.category,
    channel: intake.channel,
    customer: intake.customer,
    description: intake.description,
    createdAt: now,
    createdBy: intake.createdBy,
    updatedAt: now,
    firstResponderId: phoneByAgent ? intake.createdBy.id : null,
    ownerId: phoneByAgent ? intake.createdBy.id : null,
    queue: null,
    acknowledgedAt: phoneByAgent ? now : null,
    resolvedAt: null,
    closedAt: null,
    resolution: null,
    cancellation: null,
    reopenCount: 0,
    notes: [],
    csat: null,
    csatRequestedAt: null,
    windows: active
      ? { reopenWindowMinutes: active.reopenWindowMinutes, confirmationWindowMinutes: active.confirmationWindowMinutes }
      : { ...DEFAULT_WINDOWS },
    sla,
    serviceArea: intake.serviceArea ?? null,
    transferCount: 0,
  };
  const area = intake.serviceArea ?? null;
  const details = {
    channel: intake.channel,
    category: intake.category,
    customerId: intake.customer.id,
    slaPolicy: active ? { policyId: active.policyId, version: active.version, calendar: active.calendar.id } : null,
    serviceArea: area ? { areaId: area.areaId, version: area.version } : null,
  };
  return {
    state,
    transitions: [{ version: 1, action: 'intake', actor: intake.createdBy, at: now, before: null, after: summary(state), details, notifications: [] }],
  };
}

// -------------------------------------------------------------- permissions

function requireStaff(actor: Actor): void {
  if (actor.role !== 'agent' && actor.role !== 'supervisor') {
    fail(ErrorCode.NOT_PERMITTED, `role ${actor.role} cannot act on complaints`);
  }
}

/**
 * Staff, or the complaint's own customer. Another customer is refused, so a
 * link bound to one customer can never act on someone else's complaint.
 */
function requireStaffOrOwnCustomer(s: ComplaintState, actor: Actor): void {
  if (actor.role !== 'customer') {
    requireStaff(actor);
    return;
  }
  if (actor.id !== s.customer.id) fail(ErrorCode.NOT_PERMITTED, 'a customer may act only on their own complaint');
}

function requireOwnerOrSupervisor(s: ComplaintState, actor: Actor, what: string): void {
  requireStaff(actor);
  if (actor.role === 'supervisor') return;
  if (s.ownerId !== actor.id) {
    fail(ErrorCode.NOT_PERMITTED, `only the owner (${s.ownerId ?? 'none'}) or a supervisor may ${what}`);
  }
}

function requireStatus(s: ComplaintState, allowed: readonly Status[], what: string): void {
  if (!allowed.includes(s.status)) {
    fail(ErrorCode.INVALID_TRANSITION, `cannot ${what} a complaint that is ${s.status} (allowed from: ${allowed.join(', ')})`);
  }
}

function requireNoCsat(s: ComplaintState): void {
  if (s.csat) fail(ErrorCode.CSAT_ALREADY_RECORDED, 'a satisfaction rating was already recorded');
}

/**
 * The preconditions of each command that depend only on the state, the actor
 * and the time: who may send it, from which statuses, and (reopen) within
 * which window. The decider checks them before reading the command's body,
 * and the API lists a command as available exactly when they hold (see
 * `complaintCommandRefusal`, `availableComplaintCommands`): one set of rules.
 *
 * Left to the request (they depend on its body; in every state some body
 * passes them): a public note needs the complaint acknowledged; a transfer
 * names someone other than the owner (the service also checks that user may
 * work complaints); a severity change names another severity; a resolution
 * gives a cause from the service area's catalog exactly when it has one, and
 * valid tags; closing with a rating needs none recorded yet; a duplicate names
 * another complaint; a rating is 1-5, with reason codes exactly when it is
 * low, and an NPS score only where the policy asks for one.
 */
function requirePreconditions(s: ComplaintState, actor: Actor, type: CommandType, now: number): void {
  if (actor.role === 'customer' && !CUSTOMER_COMMANDS.includes(type)) {
    fail(ErrorCode.NOT_PERMITTED, `a customer may only ${CUSTOMER_COMMANDS.join(', ')}; ${type} is staff work`);
  }
  switch (type) {
    case 'acknowledge':
      requireStaff(actor);
      requireStatus(s, ['open'], 'acknowledge');
      return;
    case 'add_note':
      requireStaff(actor);
      requireStatus(s, [...ACTIVE, 'resolved'], 'add a note to');
      return;
    case 'request_info':
      requireOwnerOrSupervisor(s, actor, 'request information from the customer');
      requireStatus(s, ['acknowledged', 'in_progress', 'reopened'], 'request customer information for');
      return;
    case 'customer_replied':
      requireStaffOrOwnCustomer(s, actor);
      requireStatus(s, ACTIVE, 'record a customer reply on');
      return;
    case 'transfer':
      requireStaff(actor);
      if (s.status === 'open') {
        // Assigning an unacknowledged complaint is a supervisor's job.
        if (actor.role !== 'supervisor') fail(ErrorCode.NOT_PERMITTED, 'only a supervisor may assign an unacknowledged complaint');
      } else {
        requireOwnerOrSupervisor(s, actor, 'transfer the complaint');
        requireStatus(s, WORKING, 'transfer');
      }
      return;
    case 'change_severity':
      if (s.status === 'open') {
        if (actor.role !== 'supervisor') fail(ErrorCode.NOT_PERMITTED, 'only a supervisor may change the severity of an unacknowledged complaint');
      } else {
        requireOwnerOrSupervisor(s, actor, 'change the severity');
      }
      requireStatus(s, ACTIVE, 'change the severity of');
      return;
    case 'resolve':
      requireOwnerOrSupervisor(s, actor, 'resolve the complaint');
      requireStatus(s, WORKING, 'resolve');
      return;
    case 'reopen': {
      requireStaffOrOwnCustomer(s, actor);
      requireStatus(s, ['resolved'], 'reopen');
      const deadline = (s.resolvedAt ?? now) + s.windows.reopenWindowMinutes * MINUTE;
      if (now > deadline) fail(ErrorCode.REOPEN_WINDOW_CLOSED, `the reopen window closed at ${new Date(deadline).toISOString()}`);
      return;
    }
    case 'close':
      requireStaffOrOwnCustomer(s, actor);
      requireStatus(s, ['resolved'], 'close');
      return;
    case 'cancel':
      if (actor.role !== 'supervisor') fail(ErrorCode.NOT_PERMITTED, 'only a supervisor may cancel a complaint');
      requireStatus(s, ACTIVE, 'cancel');
      return;
    case 'record_csat':
      requireStaffOrOwnCustomer(s, actor);
      requireStatus(s, ['resolved'], 'record a satisfaction rating for');
      requireNoCsat(s);
      return;
  }
}

/**
 * Why the decider would refuse a command of this type from `actor` on `s` at
 * `now` whatever its body, or null when it would look at the body. `s` is the
 * state as the decider sees it: after `fireDueTimers(state, now)` (as
 * `availableComplaintCommands` does). Body-dependent rules: see `requirePreconditions`.
 */
export function complaintCommandRefusal(s: ComplaintState, actor: Actor, type: CommandType, now: number): DomainError | null {
  try {
    requirePreconditions(s, actor, type, now);
    return null;
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
}

/**
 * The command types `actor` may send now: the timers due at `now` fire first
 * (as `applyCommand` does), then each type's preconditions are checked by the
 * same function the decider uses. Object-level access (the permission matrix)
 * is the API's business, on top of this.
 */
export function availableComplaintCommands(state: ComplaintState, actor: Actor, now: number): CommandType[] {
  const settled = fireDueTimers(state, now).state;
  return COMMAND_TYPES.filter((type) => complaintCommandRefusal(settled, actor, type, now) === null);
}

// ------------------------------------------------------------ SLA effects

/** Stops the current next-response cycle: an agent answered the customer. */
function agentResponded(s: ComplaintState, now: number): ComplaintState {
  return mapSla(s, (sla) => withClock(sla, 'nextResponse', (c) => stopClock(c, sla.active.calendar, now)));
}

/** Pauses or resumes the resolution clock to match the status (policy decides whether waiting pauses). */
function syncPause(s: ComplaintState, now: number): ComplaintState {
  return mapSla(s, (sla) =>
    withClock(sla, 'resolution', (c) => {
      if (isStopped(c)) return c;
      return isSlaPaused(s) ? pauseClock(c, sla.active.calendar, now) : resumeClock(c, now);
    }),
  );
}

/**
 * Severity change (by an agent or by escalation): clocks switch to the new
 * severity's policy targets with accrued business time kept; recorded breaches
 * stay recorded. Without a policy for the new severity the current one stays.
 */
function applySeverity(s: ComplaintState, severity: Severity, now: number): ComplaintState {
  const next = { ...s, severity };
  // The new policy may pause (or not) while awaiting the customer: re-sync the clock with it.
  return syncPause(retargetAll(next, severity, now), now);
}

function retargetAll(next: ComplaintState, severity: Severity, now: number): ComplaintState {
  return mapSla(next, (sla) => {
    const policy = sla.policies[severity] ?? sla.active;
    const cal = sla.active.calendar;
    // Bank time on the old calendar before switching, then resume on the new one.
    const rebase = (c: SlaClock): SlaClock => {
      // A met or stopped clock keeps the target it was judged against.
      if (isStopped(c)) return c;
      const running = c.runningSince !== null;
      const banked = retargetClock(pauseClock(c, cal, now), targetMs(policy, c.kind));
      return running ? resumeClock(banked, now) : banked;
    };
    return {
      ...sla,
      active: policy,
      firstResponse: rebase(sla.firstResponse),
      resolution: rebase(sla.resolution),
      nextResponse: sla.nextResponse ? rebase(sla.nextResponse) : null,
    };
  });
}

// ---------------------------------------------------------------- commands

export interface ApplyOptions {
  /**
   * Judge a rating by the rules from before reason codes and NPS (a rating
   * 1-5, nothing else checked). For the workflow replaying an update accepted
   * under those rules (`patched()` false): the same update must succeed again.
   */
  legacyFeedback?: boolean;
}

/**
 * Applies a command (an agent's, or the customer's through their link) at
 * `now`. Timers already due at `now` fire first (so a breach that happened
 * before the command is recorded at its exact deadline), then the command
 * itself. Throws DomainError, and changes nothing, when the command is illegal.
 */
export function applyCommand(state: ComplaintState, command: ComplaintCommand, actor: Actor, now: number, options: ApplyOptions = {}): Applied {
  const settled = fireDueTimers(state, now);
  const applied = decide(settled.state, command, actor, now, options);
  return { state: applied.state, transitions: [...settled.transitions, ...applied.transitions] };
}

function decide(s: ComplaintState, cmd: ComplaintCommand, actor: Actor, now: number, options: ApplyOptions): Applied {
  requirePreconditions(s, actor, cmd.type, now);
  switch (cmd.type) {
    case 'acknowledge': {
      // First to acknowledge becomes first responder (unless a supervisor already assigned an owner).
      const next: ComplaintState = mapSla(
        {
          ...s,
          status: 'acknowledged',
          acknowledgedAt: now,
          firstResponderId: actor.id,
          ownerId: s.ownerId ?? actor.id,
          queue: null,
        },
        (sla) => withClock(sla, 'firstResponse', (c) => stopClock(c, sla.active.calendar, now)),
      );
      return commit(s, next, 'acknowledge', actor, now);
    }

    case 'add_note': {
      const note: Note = { seq: s.notes.length + 1, authorId: actor.id, text: cmd.text, visibility: cmd.visibility, at: now };
      let next: ComplaintState = { ...s, notes: [...s.notes, note] };
      if (cmd.visibility === 'public') {
        // A public note is a reply to the customer: it answers the current next-response cycle
        // and, from acknowledged or reopened, means work is under way.
        if (s.status === 'open') fail(ErrorCode.INVALID_TRANSITION, 'acknowledge the complaint before replying to the customer');
        next = agentResponded(next, now);
        if (s.status === 'acknowledged' || s.status === 'reopened') next = { ...next, status: 'in_progress' };
      }
      return commit(s, next, 'add_note', actor, now, { visibility: cmd.visibility, noteSeq: note.seq });
    }

    case 'request_info': {
      const note: Note = { seq: s.notes.length + 1, authorId: actor.id, text: cmd.message, visibility: 'public', at: now };
      const next = syncPause(agentResponded({ ...s, status: 'awaiting_customer', notes: [...s.notes, note] }, now), now);
      return commit(s, next, 'request_info', actor, now, { noteSeq: note.seq });
    }

    case 'customer_replied': {
      const note: Note = { seq: s.notes.length + 1, authorId: s.customer.id, text: cmd.message, visibility: 'customer', at: now };
      let next: ComplaintState = { ...s, notes: [...s.notes, note] };
      if (s.status === 'awaiting_customer') next = { ...next, status: 'in_progress' };
      next = syncPause(next, now);
      // Each customer reply after the first response opens a next-response cycle, unless one is already running.
      next = mapSla(next, (sla) => {
        if (s.status === 'open' || (sla.nextResponse && !isStopped(sla.nextResponse))) return sla;
        const cycle = sla.nextResponseCycles + 1;
        return { ...sla, nextResponseCycles: cycle, nextResponse: startClock('next_response', cycle, targetMs(sla.active, 'next_response'), now) };
      });
      return commit(s, next, 'customer_replied', actor, now, { noteSeq: note.seq, nextResponseCycle: next.sla?.nextResponseCycles ?? null });
    }

    case 'transfer': {
      if (cmd.toAgentId === s.ownerId) fail(ErrorCode.INVALID_ACTION, `${cmd.toAgentId} already owns this complaint`);
      const next: ComplaintState = { ...s, ownerId: cmd.toAgentId, queue: null, transferCount: (s.transferCount ?? 0) + 1 };
      const recipients = [...new Set([cmd.toAgentId, ...accountable(s)])];
      return commit(s, next, 'transfer', actor, now, { from: s.ownerId, to: cmd.toAgentId, reason: cmd.reason }, [
        { type: 'complaint.transferred', recipients: { userIds: recipients, roles: [] }, data: { from: s.ownerId, to: cmd.toAgentId, reason: cmd.reason } },
      ]);
    }

    case 'change_severity': {
      if (cmd.severity === s.severity) fail(ErrorCode.INVALID_ACTION, `severity is already ${cmd.severity}`);
      const next = applySeverity(s, cmd.severity, now);
      return commit(s, next, 'change_severity', actor, now, { from: s.severity, to: cmd.severity, reason: cmd.reason, slaPolicyVersion: next.sla?.active.version ?? null });
    }

    case 'resolve': {
      const cause = checkedCause(s, cmd.cause);
      const tags = checkedTags(cmd.tags ?? []);
      let next: ComplaintState = {
        ...s,
        status: 'resolved',
        resolvedAt: now,
        resolution: { summary: cmd.summary, by: actor.id, cause, tags },
        csatRequestedAt: now,
      };
      next = mapSla(agentResponded(next, now), (sla) => withClock(sla, 'resolution', (c) => stopClock(c, sla.active.calendar, now)));
      return commit(s, next, 'resolve', actor, now, { summary: cmd.summary, cause, tags }, [
        {
          type: 'csat.requested',
          recipients: { userIds: [s.customer.id], roles: [] },
          data: { customer: s.customer, scale: '1-5', confirmBy: now + s.windows.confirmationWindowMinutes * MINUTE },
        },
      ]);
    }

    case 'reopen': {
      // Reopening resumes the resolution clock where it stopped: accrued time and any breach are kept.
      const next = mapSla(
        { ...s, status: 'reopened', resolvedAt: null, resolution: null, csatRequestedAt: null, reopenCount: s.reopenCount + 1 },
        (sla) => withClock(sla, 'resolution', (c) => ({ ...resumeClock(c, now), stoppedAt: null })),
      );
      return commit(s, next, 'reopen', actor, now, { reason: cmd.reason, reopenCount: next.reopenCount });
    }

    case 'close': {
      const next: ComplaintState = { ...s, status: 'closed', closedAt: now };
      if (cmd.rating === undefined) {
        if (cmd.reasons !== undefined || cmd.nps !== undefined) {
          invalidFeedback([{ path: 'rating', message: 'reason codes and an NPS score go with a rating: give one' }]);
        }
        return commit(s, stopAllClocks(next, now), 'close', actor, now, { confirmedByCustomer: true, rating: null });
      }
      const rated = withCsat(next, { ...cmd, rating: cmd.rating }, actor, now, options);
      const low = lowRatingEffects(s, rated.csat!);
      return commit(s, stopAllClocks(rated, now), 'close', actor, now, { confirmedByCustomer: true, ...feedbackDetails(rated.csat!), ...low.details }, low.notifications);
    }

    case 'cancel': {
      if (cmd.reason === 'duplicate' && !cmd.duplicateOf) fail(ErrorCode.INVALID_ACTION, 'a duplicate must name the complaint it duplicates (duplicateOf)');
      if (cmd.duplicateOf === s.complaintId) fail(ErrorCode.INVALID_ACTION, 'a complaint cannot duplicate itself');
      const cancellation = { reason: cmd.reason, note: cmd.note, duplicateOf: cmd.duplicateOf, by: actor.id };
      const next = stopAllClocks({ ...s, status: 'cancelled', closedAt: now, cancellation }, now);
      return commit(s, next, 'cancel', actor, now, { reason: cmd.reason, duplicateOf: cmd.duplicateOf ?? null });
    }

    case 'record_csat': {
      const next = withCsat(s, cmd, actor, now, options);
      const low = lowRatingEffects(s, next.csat!);
      return commit(s, next, 'record_csat', actor, now, { ...feedbackDetails(next.csat!), ...low.details }, low.notifications);
    }
  }
}

/**
 * The cause a resolution records. An area with a cause catalog needs one of
 * its codes (that is what a Pareto of causes counts); without a catalog (no
 * area, or an area listing no causes) there is nothing to count a cause
 * against, so none may be given.
 */
function checkedCause(s: ComplaintState, cause: string | undefined): string | null {
  const allowed = s.serviceArea?.causes ?? [];
  if (allowed.length === 0) {
    if (cause !== undefined) fail(ErrorCode.INVALID_ACTION, `this complaint's service area has no cause catalog: resolve it without a cause (got ${cause})`);
    return null;
  }
  if (cause === undefined) fail(ErrorCode.INVALID_ACTION, `a cause is required to resolve a complaint of service area ${s.serviceArea!.areaId}; pick one of: ${allowed.join(', ')}`);
  if (!allowed.includes(cause)) fail(ErrorCode.INVALID_ACTION, `cause ${cause} is not in the catalog of service area ${s.serviceArea!.areaId}; pick one of: ${allowed.join(', ')}`);
  return cause;
}

export const MAX_RESOLUTION_TAGS = 10;
export const MAX_TAG_LENGTH = 40;

/** Free tags: at most 10, distinct, each 1-40 characters (the API checks the same; updates re-check here). */
function checkedTags(tags: readonly string[]): string[] {
  if (tags.length > MAX_RESOLUTION_TAGS) fail(ErrorCode.INVALID_ACTION, `at most ${MAX_RESOLUTION_TAGS} tags`);
  if (new Set(tags).size !== tags.length) fail(ErrorCode.INVALID_ACTION, 'tags must be distinct');
  if (tags.some((t) => t.trim().length === 0 || t.length > MAX_TAG_LENGTH)) fail(ErrorCode.INVALID_ACTION, `each tag must be 1-${MAX_TAG_LENGTH} characters`);
  return [...tags];
}

type Csat = NonNullable<ComplaintState['csat']>;
type Feedback = { rating: number; comment?: string; reasons?: string[]; nps?: number };

/** Whether the complaint's active policy asks for an NPS score (policies older than the setting do not). */
export function asksNps(s: ComplaintState): boolean {
  return s.sla?.active.askNps === true;
}

/**
 * Refuses feedback with its problems as field errors (`body.<field>`), so
 * an API client can show each one beside its field.
 */
function invalidFeedback(problems: { path: string; message: string }[]): never {
  throw new DomainError(ErrorCode.INVALID_ACTION, problems.map((p) => p.message).join('; '), {
    errors: problems.map((p) => ({ path: `body.${p.path}`, message: p.message })),
  });
}

/** The rating recorded, by whoever gave it: the customer id through their link, else the agent's. Absent fields stay absent (JSON-safe). */
function withCsat(s: ComplaintState, f: Feedback, actor: Actor, now: number, options: ApplyOptions): ComplaintState {
  requireNoCsat(s);
  const problems = options.legacyFeedback ? feedbackProblems(f, true).filter((p) => p.path === 'rating') : feedbackProblems(f, asksNps(s));
  if (problems.length > 0) invalidFeedback(problems);
  const csat: Csat = { rating: f.rating, at: now, recordedBy: actor.id };
  if (f.comment !== undefined) csat.comment = f.comment;
  if (f.reasons !== undefined && f.reasons.length > 0) csat.reasons = [...f.reasons];
  if (f.nps !== undefined) csat.nps = f.nps;
  return { ...s, csat };
}

/** What the audit trail keeps of a rating: the scores and codes, never the free comment. */
function feedbackDetails(csat: Csat): Record<string, unknown> {
  return { rating: csat.rating, ...(csat.reasons ? { reasons: csat.reasons } : {}), ...(csat.nps !== undefined ? { nps: csat.nps } : {}) };
}

/**
 * A low rating (LOW_CSAT_MAX or less, from anyone) asks for a supervisor
 * callback: the transition carries `followUp` (the persistence activity opens
 * the task from it) and supervisors and the first responder are told.
 */
function lowRatingEffects(s: ComplaintState, csat: Csat): { details: Record<string, unknown>; notifications: Notification[] } {
  if (csat.rating > LOW_CSAT_MAX) return { details: {}, notifications: [] };
  const reasons = csat.reasons ?? [];
  const followUpId = followUpIdOf(s.complaintId, s.version + 1);
  return {
    details: { followUp: { kind: 'callback', rating: csat.rating, reasons } },
    notifications: [
      {
        type: 'csat.low',
        recipients: { userIds: s.firstResponderId ? [s.firstResponderId] : [], roles: ['supervisor'] },
        data: { rating: csat.rating, reasons, customerId: s.customer.id, followUpId },
      },
    ],
  };
}

function stopAllClocks(s: ComplaintState, now: number): ComplaintState {
  return mapSla(s, (sla) => {
    const cal = sla.active.calendar;
    return {
      ...sla,
      firstResponse: stopClock(sla.firstResponse, cal, now),
      resolution: stopClock(sla.resolution, cal, now),
      nextResponse: sla.nextResponse ? stopClock(sla.nextResponse, cal, now) : null,
    };
  });
}

// ------------------------------------------------------------------ timers

interface DueItem {
  at: number;
  slot?: ClockSlot;
  milestone?: ClockMilestone;
  autoClose?: true;
}

const CLOCK_SLOTS: readonly ClockSlot[] = ['firstResponse', 'nextResponse', 'resolution'];

function upcoming(s: ComplaintState): DueItem[] {
  const items: DueItem[] = [];
  if (s.sla && !isFinished(s)) {
    const sla = s.sla;
    const offsets = sla.active.escalation.map((step) => step.afterBreachMinutes * MINUTE);
    for (const slot of CLOCK_SLOTS) {
      const clock = sla[slot];
      if (!clock) continue;
      for (const m of pendingMilestones(clock, sla.active.calendar, sla.active.warningThresholds, offsets)) {
        items.push({ at: m.at, slot, milestone: m });
      }
    }
  }
  if (s.status === 'resolved' && s.resolvedAt !== null) {
    items.push({ at: s.resolvedAt + s.windows.confirmationWindowMinutes * MINUTE, autoClose: true });
  }
  return items.sort((a, b) => a.at - b.at);
}

/** The next instant at which the engine must wake up for this complaint, or null. */
export function nextTimerAt(s: ComplaintState): number | null {
  return upcoming(s)[0]?.at ?? null;
}

/** Fires every timer due at or before `now`, in time order, re-planning after each. */
export function fireDueTimers(state: ComplaintState, now: number): Applied {
  let s = state;
  const transitions: Transition[] = [];
  // Bounded: each firing consumes a milestone, and a ladder/threshold list is finite.
  for (let guard = 0; guard < 1000; guard++) {
    const item = upcoming(s)[0];
    if (!item || item.at > now) break;
    const applied = fireOne(s, item, now);
    s = applied.state;
    transitions.push(...applied.transitions);
  }
  return { state: s, transitions };
}

function fireOne(s: ComplaintState, item: DueItem, now: number): Applied {
  if (item.autoClose) {
    return commit(s, stopAllClocks({ ...s, status: 'closed', closedAt: item.at }, item.at), 'auto_close', SYSTEM_ACTOR, item.at, {
      reason: 'confirmation window elapsed',
    });
  }
  const sla = s.sla!;
  const slot = item.slot!;
  const clock = sla[slot]!;
  const m = item.milestone!;
  const cal = sla.active.calendar;
  const clockRef = { clock: clock.kind, cycle: clock.cycle };
  const people = accountable(s);
  const recipients = { userIds: people, roles: people.length ? ([] as Role[]) : (['supervisor'] as Role[]) };

  if (m.kind === 'warning') {
    // Several thresholds may be due at once (e.g. after a severity change): one warning, for the highest.
    const breachAt = instantAtElapsed(clock, cal, clock.targetMs) ?? Infinity;
    const instantOf = (t: number) => instantAtElapsed(clock, cal, (clock.targetMs * t) / 100) ?? Infinity;
    const due = sla.active.warningThresholds.filter((t) => !clock.warned.includes(t) && instantOf(t) <= now);
    const warned = [...clock.warned, ...due];
    const next = { ...s, sla: withClock(sla, slot, (c) => ({ ...c, warned })) };
    if (breachAt <= now) {
      // The breach supersedes the warnings: mark them handled silently, the breach fires next.
      return { state: next, transitions: [] };
    }
    const threshold = Math.max(...due);
    const dueAtMs = instantAtElapsed(clock, cal, clock.targetMs);
    // Dated when the highest threshold was crossed (later than m.at when several were due at once).
    return commit(s, next, 'sla_warning', SYSTEM_ACTOR, instantOf(threshold), { ...clockRef, threshold, dueAt: dueAtMs }, [
      { type: 'sla.warning', recipients, data: { ...clockRef, threshold, dueAt: dueAtMs, severity: s.severity } },
    ]);
  }

  if (m.kind === 'breach') {
    const warned = [...new Set([...clock.warned, ...sla.active.warningThresholds])];
    const next: ComplaintState = {
      ...s,
      sla: {
        ...withClock(sla, slot, (c) => ({ ...c, warned, breachedAt: m.at, breachElapsedMs: c.targetMs })),
        breaches: [...sla.breaches, { ...clockRef, at: m.at }],
      },
    };
    return commit(s, next, 'sla_breached', SYSTEM_ACTOR, m.at, { ...clockRef, breachedAt: m.at }, [
      { type: 'sla.breached', recipients: { userIds: people, roles: ['supervisor'] }, data: { ...clockRef, breachedAt: m.at, severity: s.severity } },
    ]);
  }

  // Escalation step.
  const stepIndex = m.step!;
  const step = sla.active.escalation[stepIndex]!;
  let next: ComplaintState = {
    ...s,
    sla: {
      ...withClock(sla, slot, (c) => ({ ...c, escalationsDone: stepIndex + 1 })),
      escalationLevel: Math.max(sla.escalationLevel, stepIndex + 1),
    },
  };
  const notifyRoles: Role[] = step.action === 'notify_role' && step.role ? [step.role] : ['supervisor'];
  const details: Record<string, unknown> = { ...clockRef, step: stepIndex, action: step.action };
  if (step.action === 'raise_severity') {
    const to = raisedSeverity(s.severity);
    details.severity = { from: s.severity, to };
    if (to !== s.severity) next = applySeverity(next, to, m.at);
  } else if (step.action === 'reassign_queue') {
    // The complaint goes to a supervisor queue; the first responder stays accountable.
    details.queue = step.queue;
    details.previousOwner = s.ownerId;
    next = { ...next, ownerId: null, queue: step.queue ?? null, transferCount: (s.transferCount ?? 0) + 1 };
  } else {
    details.role = step.role;
  }
  return commit(s, next, 'sla_escalated', SYSTEM_ACTOR, m.at, details, [
    { type: 'sla.escalated', recipients: { userIds: people, roles: notifyRoles }, data: { ...details, severity: next.severity, queue: next.queue } },
  ]);
}

// ------------------------------------------------------------------- views

export interface SlaStatus {
  policy: { policyId: string; version: number; name: string; calendarId: string; calendarVersion: number };
  paused: boolean;
  breached: boolean;
  atRisk: boolean;
  escalationLevel: number;
  nextDueAt: number | null;
  atRiskFrom: number | null;
  breaches: SlaState['breaches'];
  clocks: ClockStatus[];
}

/** Live SLA status at `now` (API and read model). */
export function slaStatus(s: ComplaintState, now: number): SlaStatus | null {
  const sla = s.sla;
  if (!sla) return null;
  const cal = sla.active.calendar;
  const clocks = [sla.firstResponse, sla.nextResponse, sla.resolution].filter((c): c is SlaClock => !!c);
  const running = clocks.filter((c) => c.runningSince !== null && c.breachedAt === null);
  const lowest = Math.min(...sla.active.warningThresholds, 100);
  const nextDueAt = min(running.map((c) => instantAtElapsed(c, cal, c.targetMs)));
  const atRiskFrom = min(running.map((c) => instantAtElapsed(c, cal, (c.targetMs * lowest) / 100)));
  return {
    policy: { policyId: sla.active.policyId, version: sla.active.version, name: sla.active.name, calendarId: cal.id, calendarVersion: cal.version },
    paused: isSlaPaused(s),
    breached: sla.breaches.length > 0,
    atRisk: atRiskFrom !== null && atRiskFrom <= now && (nextDueAt === null || now < nextDueAt),
    escalationLevel: sla.escalationLevel,
    nextDueAt,
    atRiskFrom,
    breaches: sla.breaches,
    clocks: clocks.map((c) => clockStatus(c, cal, now)),
  };
}

function min(values: (number | null)[]): number | null {
  const xs = values.filter((v): v is number => v !== null);
  return xs.length ? Math.min(...xs) : null;
}
