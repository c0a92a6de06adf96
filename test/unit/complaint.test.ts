import type { Actor } from '../../src/domain/actors';
import { ALWAYS_OPEN, type BusinessCalendar } from '../../src/domain/calendar';
import {
  type Applied,
  type ComplaintCommand,
  type ComplaintIntake,
  type ComplaintState,
  type Status,
  type Transition,
  DEFAULT_WINDOWS,
  applyCommand,
  fireDueTimers,
  nextTimerAt,
  openComplaint,
  slaStatus,
} from '../../src/domain/complaint';
import { ErrorCode } from '../../src/domain/errors';
import type { ServiceAreaRef } from '../../src/domain/service-area';
import type { Severity, SlaPolicySnapshot } from '../../src/domain/sla-policy';
import { expectDomainError } from '../helpers/domain';

// ----------------------------------------------------------------- fixtures

const MIN = 60_000;
/** Monday 2026-03-02 09:00 UTC; every instant below is "minutes after T0". */
const T0 = Date.parse('2026-03-02T09:00:00Z');
const at = (minutes: number): number => T0 + minutes * MIN;
const CONFIRMATION_MINUTES = 3 * 24 * 60; // 4320

const TARGETS = {
  P1: { firstResponseMinutes: 15, nextResponseMinutes: 30, resolutionMinutes: 120 },
  P2: { firstResponseMinutes: 30, nextResponseMinutes: 60, resolutionMinutes: 240 },
  P3: { firstResponseMinutes: 60, nextResponseMinutes: 120, resolutionMinutes: 480 },
  P4: { firstResponseMinutes: 120, nextResponseMinutes: 240, resolutionMinutes: 960 },
} as const;

/** A frozen policy snapshot, built literally. Windows: reopen 60 min, confirmation 3 days. */
function snapshot(severity: Severity, overrides: Partial<SlaPolicySnapshot> = {}): SlaPolicySnapshot {
  return {
    policyId: `policy-${severity.toLowerCase()}`,
    version: 2,
    name: `${severity} standard`,
    match: { severities: [severity] },
    targets: { ...TARGETS[severity] },
    calendarId: ALWAYS_OPEN.id,
    calendar: ALWAYS_OPEN,
    pauseOnAwaitingCustomer: true,
    warningThresholds: [50, 75, 90],
    escalation: [],
    reopenWindowMinutes: 60,
    confirmationWindowMinutes: CONFIRMATION_MINUTES,
    ...overrides,
  };
}

/** P3 and P2 have policies; P1 and P4 do not. */
const POLICIES = { P3: snapshot('P3'), P2: snapshot('P2') };

const agentA: Actor = { id: 'agent-a', role: 'agent' };
const agentB: Actor = { id: 'agent-b', role: 'agent' };
const agentC: Actor = { id: 'agent-c', role: 'agent' };
const supervisor: Actor = { id: 'sup-1', role: 'supervisor' };
const intakeUser: Actor = { id: 'intake-1', role: 'intake' };
const auditor: Actor = { id: 'auditor-1', role: 'auditor' };
const admin: Actor = { id: 'admin-1', role: 'admin' };

function intake(overrides: Partial<ComplaintIntake> = {}): ComplaintIntake {
  return {
    complaintId: 'C-1',
    customer: { id: 'cust-1', name: 'Ada', email: 'ada@example.com' },
    channel: 'email',
    category: 'billing',
    severity: 'P3',
    description: 'charged twice',
    createdBy: intakeUser,
    ...overrides,
  };
}

function open(policies: Partial<Record<Severity, SlaPolicySnapshot>> = POLICIES, overrides: Partial<ComplaintIntake> = {}): ComplaintState {
  return openComplaint(intake(overrides), policies, T0).state;
}

const run = (s: ComplaintState, cmd: ComplaintCommand, actor: Actor, minute: number): Applied => applyCommand(s, cmd, actor, at(minute));
const act = (s: ComplaintState, cmd: ComplaintCommand, actor: Actor, minute: number): ComplaintState => run(s, cmd, actor, minute).state;
const fire = (s: ComplaintState, minute: number): Applied => fireDueTimers(s, at(minute));

const ACK: ComplaintCommand = { type: 'acknowledge' };
const PUBLIC_NOTE: ComplaintCommand = { type: 'add_note', text: 'we are on it', visibility: 'public' };
const INTERNAL_NOTE: ComplaintCommand = { type: 'add_note', text: 'check ledger', visibility: 'internal' };
const REQUEST_INFO: ComplaintCommand = { type: 'request_info', message: 'which invoice?' };
const REPLY: ComplaintCommand = { type: 'customer_replied', message: 'invoice 42' };
const RESOLVE: ComplaintCommand = { type: 'resolve', summary: 'refunded' };
const REOPEN: ComplaintCommand = { type: 'reopen', reason: 'refund missing' };

/** Expects the command to be rejected with `code` and the input state to be left untouched. */
function expectRejected(s: ComplaintState, cmd: ComplaintCommand, actor: Actor, minute: number, code: ErrorCode): void {
  const before = structuredClone(s);
  expectDomainError(() => applyCommand(s, cmd, actor, at(minute)), code);
  expect(s).toEqual(before);
}

const actions = (ts: Transition[]): string[] => ts.map((t) => t.action);

// --------------------------------------------------- one state per status
// Owner and first responder: agent A. Every step before minute 10 and far from any SLA timer
// (the earliest is the first-response 50% warning at minute 30 for an open complaint).

const S_OPEN = open();
const S_ACKNOWLEDGED = act(S_OPEN, ACK, agentA, 1);
const S_IN_PROGRESS = act(S_ACKNOWLEDGED, PUBLIC_NOTE, agentA, 2);
const S_AWAITING = act(S_IN_PROGRESS, REQUEST_INFO, agentA, 3);
const S_RESOLVED = act(S_IN_PROGRESS, RESOLVE, agentA, 3);
const S_REOPENED = act(S_RESOLVED, REOPEN, agentA, 4);
const S_CLOSED = act(S_RESOLVED, { type: 'close' }, agentA, 4);
const S_CANCELLED = act(S_OPEN, { type: 'cancel', reason: 'withdrawn' }, supervisor, 1);

const BY_STATUS: Record<Status, ComplaintState> = {
  open: S_OPEN,
  acknowledged: S_ACKNOWLEDGED,
  in_progress: S_IN_PROGRESS,
  awaiting_customer: S_AWAITING,
  resolved: S_RESOLVED,
  reopened: S_REOPENED,
  closed: S_CLOSED,
  cancelled: S_CANCELLED,
};
const ALL_STATUSES = Object.keys(BY_STATUS) as Status[];
const ACTIVE: Status[] = ['open', 'acknowledged', 'in_progress', 'awaiting_customer', 'reopened'];
const WORKING: Status[] = ['acknowledged', 'in_progress', 'awaiting_customer', 'reopened'];

/**
 * Every command with a payload that is valid in itself, and the statuses it is legal from
 * (for a supervisor, who passes every role check).
 */
const COMMANDS: Record<string, { cmd: ComplaintCommand; allowed: Status[] }> = {
  acknowledge: { cmd: ACK, allowed: ['open'] },
  'add_note (internal)': { cmd: INTERNAL_NOTE, allowed: [...ACTIVE, 'resolved'] },
  'add_note (public)': { cmd: PUBLIC_NOTE, allowed: [...WORKING, 'resolved'] },
  request_info: { cmd: REQUEST_INFO, allowed: ['acknowledged', 'in_progress', 'reopened'] },
  customer_replied: { cmd: REPLY, allowed: ACTIVE },
  transfer: { cmd: { type: 'transfer', toAgentId: 'agent-z', reason: 'skills' }, allowed: ACTIVE },
  change_severity: { cmd: { type: 'change_severity', severity: 'P2', reason: 'VIP' }, allowed: ACTIVE },
  resolve: { cmd: RESOLVE, allowed: WORKING },
  reopen: { cmd: REOPEN, allowed: ['resolved'] },
  close: { cmd: { type: 'close' }, allowed: ['resolved'] },
  // Documented state machine: "any active status → cancelled (supervisor only)".
  cancel: { cmd: { type: 'cancel', reason: 'withdrawn' }, allowed: ACTIVE },
  record_csat: { cmd: { type: 'record_csat', rating: 4 }, allowed: ['resolved'] },
};

const PAIRS = Object.entries(COMMANDS).flatMap(([name, { cmd, allowed }]) =>
  ALL_STATUSES.map((status) => ({ name, cmd, status, legal: allowed.includes(status) })),
);
const ILLEGAL = PAIRS.filter((p) => !p.legal).map((p) => [p.status, p.name, p.cmd] as const);
const LEGAL = PAIRS.filter((p) => p.legal).map((p) => [p.status, p.name, p.cmd] as const);

// ------------------------------------------------------------------ tests

describe('fixture states', () => {
  it('given the fixture chain, when built, then each state has the status it is filed under and no timer is due before minute 10', () => {
    for (const status of ALL_STATUSES) {
      const s = BY_STATUS[status];
      expect(s.status).toBe(status);
      const next = nextTimerAt(s);
      if (next !== null) expect(next).toBeGreaterThan(at(10));
    }
  });
});

describe('intake', () => {
  it('given an email complaint from the intake desk, when opened, then it is open, unowned, with first-response and resolution clocks running', () => {
    const { state, transitions } = openComplaint(intake(), POLICIES, T0);
    expect(state).toMatchObject({
      complaintId: 'C-1',
      version: 1,
      status: 'open',
      severity: 'P3',
      createdAt: T0,
      updatedAt: T0,
      firstResponderId: null,
      ownerId: null,
      acknowledgedAt: null,
      windows: { reopenWindowMinutes: 60, confirmationWindowMinutes: CONFIRMATION_MINUTES },
    });
    expect(state.sla!.active.policyId).toBe('policy-p3');
    expect(state.sla!.firstResponse).toMatchObject({ kind: 'first_response', targetMs: 60 * MIN, runningSince: T0, stoppedAt: null });
    expect(state.sla!.resolution).toMatchObject({ kind: 'resolution', targetMs: 480 * MIN, runningSince: T0, stoppedAt: null });
    expect(state.sla!.nextResponse).toBeNull();
    expect(transitions).toEqual([
      {
        version: 1,
        action: 'intake',
        actor: intakeUser,
        at: T0,
        before: null,
        after: { status: 'open', severity: 'P3', ownerId: null, firstResponderId: null, queue: null, slaPaused: false, escalationLevel: 0 },
        details: { channel: 'email', category: 'billing', customerId: 'cust-1', slaPolicy: { policyId: 'policy-p3', version: 2, calendar: 'always-open' }, serviceArea: null },
        notifications: [],
      },
    ]);
    // First timer: the first-response 50% warning, 30 min in.
    expect(nextTimerAt(state)).toBe(at(30));
  });

  it('given a phone complaint registered by an agent, when opened, then it is acknowledged with the agent as first responder and owner and the first-response clock stopped', () => {
    const state = open(POLICIES, { channel: 'phone', createdBy: agentB });
    expect(state).toMatchObject({ status: 'acknowledged', firstResponderId: 'agent-b', ownerId: 'agent-b', acknowledgedAt: T0 });
    expect(state.sla!.firstResponse).toMatchObject({ accruedMs: 0, runningSince: null, stoppedAt: T0, breachedAt: null });
    expect(state.sla!.resolution).toMatchObject({ runningSince: T0, stoppedAt: null });
    // The first-response clock never warns; the first timer is the resolution 50% (240 min).
    expect(nextTimerAt(state)).toBe(at(240));
  });

  it('given a phone complaint registered by the intake desk, when opened, then it is still open with nobody responsible', () => {
    const state = open(POLICIES, { channel: 'phone', createdBy: intakeUser });
    expect(state).toMatchObject({ status: 'open', firstResponderId: null, ownerId: null, acknowledgedAt: null });
    expect(state.sla!.firstResponse.runningSince).toBe(T0);
  });

  it('given no policy for the severity, when opened, then there is no SLA, default windows apply and no timer is planned', () => {
    const state = open({});
    expect(state.sla).toBeNull();
    expect(state.windows).toEqual(DEFAULT_WINDOWS);
    expect(nextTimerAt(state)).toBeNull();
    expect(slaStatus(state, at(5))).toBeNull();
  });
});

describe('legal transitions', () => {
  it('given an open complaint, when taken through acknowledged → in_progress ⇄ awaiting_customer → resolved → closed, then each step has the right status and version', () => {
    let s = S_OPEN;
    const steps: Array<[ComplaintCommand, Actor, number, Status]> = [
      [ACK, agentA, 5, 'acknowledged'],
      [PUBLIC_NOTE, agentA, 10, 'in_progress'],
      [REQUEST_INFO, agentA, 20, 'awaiting_customer'],
      [REPLY, agentB, 30, 'in_progress'],
      [REQUEST_INFO, agentA, 35, 'awaiting_customer'],
      [RESOLVE, agentA, 40, 'resolved'],
      [{ type: 'close', rating: 5, comment: 'thanks' }, agentB, 50, 'closed'],
    ];
    steps.forEach(([cmd, actor, minute, status], i) => {
      const before = s.status;
      const { state, transitions } = run(s, cmd, actor, minute);
      expect(transitions).toHaveLength(1);
      expect(transitions[0]).toMatchObject({ version: i + 2, action: cmd.type, actor, at: at(minute) });
      expect(transitions[0]!.before!.status).toBe(before);
      expect(transitions[0]!.after.status).toBe(status);
      expect(state).toMatchObject({ status, version: i + 2, updatedAt: at(minute) });
      s = state;
    });
    expect(s).toMatchObject({
      acknowledgedAt: at(5),
      resolvedAt: at(40),
      closedAt: at(50),
      resolution: { summary: 'refunded', by: 'agent-a' },
      csat: { rating: 5, comment: 'thanks', at: at(50), recordedBy: 'agent-b' },
    });
    expect(s.notes.map((n) => [n.seq, n.authorId, n.visibility])).toEqual([
      [1, 'agent-a', 'public'],
      [2, 'agent-a', 'public'],
      [3, 'cust-1', 'customer'],
      [4, 'agent-a', 'public'],
    ]);
    // Closed: every clock stopped, nothing left to wake up for.
    expect([s.sla!.firstResponse, s.sla!.resolution, s.sla!.nextResponse].every((c) => c!.stoppedAt !== null)).toBe(true);
    expect(nextTimerAt(s)).toBeNull();
  });

  it('given an in-progress complaint, when resolved, then a CSAT request goes to the customer with the confirmation deadline', () => {
    const { state, transitions } = run(S_IN_PROGRESS, RESOLVE, agentA, 40);
    expect(state).toMatchObject({ status: 'resolved', resolvedAt: at(40), csatRequestedAt: at(40) });
    expect(transitions[0]!.notifications).toEqual([
      {
        type: 'csat.requested',
        recipients: { userIds: ['cust-1'], roles: [] },
        data: { customer: S_IN_PROGRESS.customer, scale: '1-5', confirmBy: at(40 + CONFIRMATION_MINUTES) },
      },
    ]);
  });

  it('given a resolved complaint within the reopen window, when reopened and answered publicly, then it goes reopened → in_progress', () => {
    const resolved = act(S_IN_PROGRESS, RESOLVE, agentA, 40);
    // Any agent may reopen (the customer calls back); window 60 min -> until minute 100.
    const { state: reopened, transitions } = run(resolved, REOPEN, agentB, 70);
    expect(reopened).toMatchObject({ status: 'reopened', reopenCount: 1, resolvedAt: null, resolution: null, csatRequestedAt: null });
    expect(transitions[0]!.details).toEqual({ reason: 'refund missing', reopenCount: 1 });
    const working = act(reopened, PUBLIC_NOTE, agentA, 80);
    expect(working.status).toBe('in_progress');
  });

  it('given a reopened complaint, when a customer reply is recorded, then it stays reopened (only a public reply moves it on)', () => {
    expect(act(S_REOPENED, REPLY, agentA, 10).status).toBe('reopened');
  });

  it.each(ACTIVE)('given a %s complaint, when a supervisor cancels it as a duplicate, then it is cancelled with every clock stopped', (status) => {
    const { state, transitions } = run(BY_STATUS[status], { type: 'cancel', reason: 'duplicate', duplicateOf: 'C-0', note: 'same customer' }, supervisor, 10);
    expect(state).toMatchObject({
      status: 'cancelled',
      closedAt: at(10),
      cancellation: { reason: 'duplicate', duplicateOf: 'C-0', note: 'same customer', by: 'sup-1' },
    });
    expect(transitions[0]!.details).toEqual({ reason: 'duplicate', duplicateOf: 'C-0' });
    expect(state.sla!.firstResponse.stoppedAt).not.toBeNull();
    expect(state.sla!.resolution.stoppedAt).not.toBeNull();
    expect(nextTimerAt(state)).toBeNull();
  });

  it('given a duplicate cancellation without or with its own id, when applied, then it is INVALID_ACTION', () => {
    expectRejected(S_IN_PROGRESS, { type: 'cancel', reason: 'duplicate' }, supervisor, 10, ErrorCode.INVALID_ACTION);
    expectRejected(S_IN_PROGRESS, { type: 'cancel', reason: 'duplicate', duplicateOf: 'C-1' }, supervisor, 10, ErrorCode.INVALID_ACTION);
  });

  it('given an agent, when cancelling, then it is NOT_PERMITTED (supervisor only)', () => {
    expectRejected(S_IN_PROGRESS, { type: 'cancel', reason: 'withdrawn' }, agentA, 10, ErrorCode.NOT_PERMITTED);
  });

  it.each(LEGAL)('given a %s complaint, when a supervisor sends %s, then it applies as one new version', (status, _name, cmd) => {
    const s = BY_STATUS[status];
    const before = structuredClone(s);
    const { state, transitions } = applyCommand(s, cmd, supervisor, at(10));
    expect(actions(transitions)).toEqual([cmd.type]);
    expect(state.version).toBe(s.version + 1);
    expect(s).toEqual(before);
  });
});

describe('illegal transitions', () => {
  it.each(ILLEGAL)('given a %s complaint, when a supervisor sends %s, then INVALID_TRANSITION and the state is untouched', (status, _name, cmd) => {
    expectRejected(BY_STATUS[status], cmd, supervisor, 10, ErrorCode.INVALID_TRANSITION);
  });

  const ROLE_CASES: Array<[string, Status]> = [
    ['acknowledge', 'open'],
    ['add_note (internal)', 'in_progress'],
    ['add_note (public)', 'in_progress'],
    ['request_info', 'in_progress'],
    ['customer_replied', 'in_progress'],
    ['transfer', 'open'],
    ['transfer', 'in_progress'],
    ['change_severity', 'open'],
    ['change_severity', 'in_progress'],
    ['resolve', 'in_progress'],
    ['reopen', 'resolved'],
    ['close', 'resolved'],
    ['cancel', 'in_progress'],
    ['record_csat', 'resolved'],
  ];
  const ROLE_ROWS = [intakeUser, auditor, admin].flatMap((actor) => ROLE_CASES.map(([name, status]) => [actor.role, name, status, actor] as const));

  it.each(ROLE_ROWS)('given the %s role, when sending %s to a %s complaint, then NOT_PERMITTED and the state is untouched', (_role, name, status, actor) => {
    expectRejected(BY_STATUS[status], COMMANDS[name]!.cmd, actor, 10, ErrorCode.NOT_PERMITTED);
  });

  it('given an open complaint, when an agent assigns it or changes its severity, then NOT_PERMITTED (supervisor job)', () => {
    expectRejected(S_OPEN, { type: 'transfer', toAgentId: 'agent-b', reason: 'x' }, agentA, 10, ErrorCode.NOT_PERMITTED);
    expectRejected(S_OPEN, { type: 'change_severity', severity: 'P2', reason: 'x' }, agentA, 10, ErrorCode.NOT_PERMITTED);
  });

  it('given a change to the current severity, when applied, then INVALID_ACTION', () => {
    expectRejected(S_IN_PROGRESS, { type: 'change_severity', severity: 'P3', reason: 'x' }, agentA, 10, ErrorCode.INVALID_ACTION);
  });
});

describe('first responder, ownership and permissions', () => {
  it('given an open complaint, when agent B acknowledges, then B becomes first responder and owner and the first-response clock stops', () => {
    const { state, transitions } = run(S_OPEN, ACK, agentB, 5);
    expect(state).toMatchObject({ status: 'acknowledged', firstResponderId: 'agent-b', ownerId: 'agent-b', acknowledgedAt: at(5), queue: null });
    expect(state.sla!.firstResponse).toMatchObject({ accruedMs: 5 * MIN, runningSince: null, stoppedAt: at(5) });
    expect(transitions[0]!.after).toMatchObject({ firstResponderId: 'agent-b', ownerId: 'agent-b' });
    // A second acknowledgement is not a transition from acknowledged.
    expectRejected(state, ACK, agentC, 6, ErrorCode.INVALID_TRANSITION);
  });

  it('given a supervisor assigned the open complaint to A, when B acknowledges, then B is first responder and A stays owner', () => {
    const assigned = act(S_OPEN, { type: 'transfer', toAgentId: 'agent-a', reason: 'billing expert' }, supervisor, 2);
    expect(assigned).toMatchObject({ status: 'open', ownerId: 'agent-a', firstResponderId: null });
    const acked = act(assigned, ACK, agentB, 5);
    expect(acked).toMatchObject({ firstResponderId: 'agent-b', ownerId: 'agent-a' });
  });

  it('given owner A, when A transfers to B, then B owns it, A stays first responder and both are notified', () => {
    const { state, transitions } = run(S_IN_PROGRESS, { type: 'transfer', toAgentId: 'agent-b', reason: 'holiday' }, agentA, 10);
    expect(state).toMatchObject({ ownerId: 'agent-b', firstResponderId: 'agent-a', status: 'in_progress' });
    expect(transitions[0]!.details).toEqual({ from: 'agent-a', to: 'agent-b', reason: 'holiday' });
    expect(transitions[0]!.notifications).toEqual([
      {
        type: 'complaint.transferred',
        recipients: { userIds: ['agent-b', 'agent-a'], roles: [] },
        data: { from: 'agent-a', to: 'agent-b', reason: 'holiday' },
      },
    ]);
  });

  it('given a complaint owned by A, when agent C (not owner) transfers it, then NOT_PERMITTED; a supervisor may', () => {
    expectRejected(S_IN_PROGRESS, { type: 'transfer', toAgentId: 'agent-c', reason: 'x' }, agentC, 10, ErrorCode.NOT_PERMITTED);
    expect(act(S_IN_PROGRESS, { type: 'transfer', toAgentId: 'agent-c', reason: 'x' }, supervisor, 10)).toMatchObject({
      ownerId: 'agent-c',
      firstResponderId: 'agent-a',
    });
  });

  it('given a complaint owned by A, when it is transferred to A, then INVALID_ACTION', () => {
    expectRejected(S_IN_PROGRESS, { type: 'transfer', toAgentId: 'agent-a', reason: 'x' }, supervisor, 10, ErrorCode.INVALID_ACTION);
    expectRejected(S_IN_PROGRESS, { type: 'transfer', toAgentId: 'agent-a', reason: 'x' }, agentA, 10, ErrorCode.INVALID_ACTION);
  });

  it('given a transfer from A to B, when resolution warnings and the breach fire, then both A and B are notified', () => {
    const acked = act(S_OPEN, ACK, agentA, 5);
    const transferred = act(acked, { type: 'transfer', toAgentId: 'agent-b', reason: 'x' }, agentA, 10);
    // Resolution target 480 min: warnings at 240 / 360 / 432 (50/75/90 %), breach at 480.
    const warning = fire(transferred, 240);
    expect(warning.transitions).toHaveLength(1);
    expect(warning.transitions[0]).toMatchObject({ action: 'sla_warning', at: at(240), actor: { id: 'system', role: 'system' } });
    expect(warning.transitions[0]!.details).toEqual({ clock: 'resolution', cycle: 1, threshold: 50, dueAt: at(480) });
    expect(warning.transitions[0]!.notifications).toEqual([
      {
        type: 'sla.warning',
        recipients: { userIds: ['agent-a', 'agent-b'], roles: [] },
        data: { clock: 'resolution', cycle: 1, threshold: 50, dueAt: at(480), severity: 'P3' },
      },
    ]);
    let s = warning.state;
    s = fire(s, 360).state;
    s = fire(s, 432).state;
    const breach = fire(s, 480);
    expect(actions(breach.transitions)).toEqual(['sla_breached']);
    expect(breach.transitions[0]!.notifications).toEqual([
      {
        type: 'sla.breached',
        recipients: { userIds: ['agent-a', 'agent-b'], roles: ['supervisor'] },
        data: { clock: 'resolution', cycle: 1, breachedAt: at(480), severity: 'P3' },
      },
    ]);
  });

  it('given an unowned open complaint, when the first-response warning fires, then supervisors are notified', () => {
    const { transitions } = fire(S_OPEN, 30);
    expect(transitions).toHaveLength(1);
    expect(transitions[0]!.notifications[0]!.recipients).toEqual({ userIds: [], roles: ['supervisor'] });
    expect(transitions[0]!.details).toMatchObject({ clock: 'first_response', threshold: 50, dueAt: at(60) });
  });

  it('given a complaint owned by A, when agent B resolves it, then NOT_PERMITTED; a supervisor may', () => {
    expectRejected(S_IN_PROGRESS, RESOLVE, agentB, 10, ErrorCode.NOT_PERMITTED);
    expect(act(S_IN_PROGRESS, RESOLVE, supervisor, 10)).toMatchObject({ status: 'resolved', resolution: { summary: 'refunded', by: 'sup-1' } });
  });

  it('given a complaint owned by A, when agent B requests information, then NOT_PERMITTED', () => {
    expectRejected(S_IN_PROGRESS, REQUEST_INFO, agentB, 10, ErrorCode.NOT_PERMITTED);
  });
});

describe('SLA: pausing while awaiting the customer', () => {
  it('given pauseOnAwaitingCustomer, when awaiting the customer from minute 60 to 180, then the resolution clock excludes those 2 hours', () => {
    const acked = act(S_OPEN, ACK, agentA, 5);
    const { state: waiting, transitions } = run(acked, REQUEST_INFO, agentA, 60);
    expect(transitions[0]!.after.slaPaused).toBe(true);
    expect(waiting.sla!.resolution).toMatchObject({ accruedMs: 60 * MIN, runningSince: null, stoppedAt: null });
    const status = slaStatus(waiting, at(120))!;
    expect(status.paused).toBe(true);
    expect(status.clocks.find((c) => c.kind === 'resolution')).toMatchObject({ state: 'paused', elapsedBusinessMs: 60 * MIN, dueAt: null });
    // First response stopped, resolution paused, no reply cycle: nothing to wake up for.
    expect(nextTimerAt(waiting)).toBeNull();

    const replied = act(waiting, REPLY, agentA, 180);
    expect(replied.status).toBe('in_progress');
    expect(replied.sla!.resolution).toMatchObject({ accruedMs: 60 * MIN, runningSince: at(180) });
    const after = slaStatus(replied, at(240))!;
    expect(after.paused).toBe(false);
    // 60 min before the pause + 60 min since the reply.
    expect(after.clocks.find((c) => c.kind === 'resolution')).toMatchObject({ state: 'running', elapsedBusinessMs: 120 * MIN, dueAt: at(600) });
    // Resolution due at 180 + (480 - 60) = 600; the reply cycle (120 min) is due at 300.
    expect(after.nextDueAt).toBe(at(300));
    // Earliest timer: the reply cycle's 50% warning (180 + 60).
    expect(nextTimerAt(replied)).toBe(at(240));
  });

  it('given pauseOnAwaitingCustomer false, when awaiting the customer, then the resolution clock keeps running', () => {
    const s = open({ P3: snapshot('P3', { pauseOnAwaitingCustomer: false }) });
    const acked = act(s, ACK, agentA, 5);
    const { state: waiting, transitions } = run(acked, REQUEST_INFO, agentA, 60);
    expect(transitions[0]!.after.slaPaused).toBe(false);
    expect(waiting.sla!.resolution).toMatchObject({ accruedMs: 0, runningSince: T0 });
    const status = slaStatus(waiting, at(120))!;
    expect(status.paused).toBe(false);
    expect(status.clocks.find((c) => c.kind === 'resolution')).toMatchObject({ state: 'running', elapsedBusinessMs: 120 * MIN });
    expect(nextTimerAt(waiting)).toBe(at(240));
  });

  it.each([
    // [pause under P3, pause under P2, expected resolution state at minute 90, expected elapsed minutes]
    // Awaiting from minute 20, severity changed at 30: a policy that does not pause makes the clock run
    // from 30 on (20 + 60 = 80 min at minute 90); a policy that pauses stops it at 30 (30 min).
    [true, false, 'running', 80],
    [false, true, 'paused', 30],
  ] as const)(
    'given pauseOnAwaitingCustomer %s→%s across a severity change while awaiting the customer, when viewed, then the resolution clock follows the new policy',
    (pauseP3, pauseP2, expectedState, elapsedMinutes) => {
      const s = open({ P3: snapshot('P3', { pauseOnAwaitingCustomer: pauseP3 }), P2: snapshot('P2', { pauseOnAwaitingCustomer: pauseP2 }) });
      const waiting = act(act(s, ACK, agentA, 5), REQUEST_INFO, agentA, 20);
      const { state, transitions } = run(waiting, { type: 'change_severity', severity: 'P2', reason: 'VIP' }, agentA, 30);
      expect(transitions[0]!.after.slaPaused).toBe(pauseP2);
      const status = slaStatus(state, at(90))!;
      expect(status.paused).toBe(pauseP2);
      expect(status.clocks.find((c) => c.kind === 'resolution')).toMatchObject({ state: expectedState, elapsedBusinessMs: elapsedMinutes * MIN });
    },
  );
});

describe('SLA: next-response cycles', () => {
  it('given an acknowledged complaint, when customer replies and agent answers alternate, then cycles are numbered and never restarted while running', () => {
    const acked = act(S_OPEN, ACK, agentA, 5);

    const r1 = run(acked, REPLY, agentB, 10);
    expect(r1.transitions[0]!.details).toEqual({ noteSeq: 1, nextResponseCycle: 1 });
    expect(r1.state.sla!.nextResponseCycles).toBe(1);
    expect(r1.state.sla!.nextResponse).toMatchObject({ kind: 'next_response', cycle: 1, targetMs: 120 * MIN, startedAt: at(10), runningSince: at(10) });

    // A second reply while cycle 1 runs does not restart it.
    const r2 = run(r1.state, REPLY, agentB, 20);
    expect(r2.transitions[0]!.details).toEqual({ noteSeq: 2, nextResponseCycle: 1 });
    expect(r2.state.sla!.nextResponse).toMatchObject({ cycle: 1, startedAt: at(10), runningSince: at(10) });

    // An internal note is not an answer.
    const internal = act(r2.state, INTERNAL_NOTE, agentA, 25);
    expect(internal.sla!.nextResponse!.stoppedAt).toBeNull();

    // A public note answers: cycle 1 stops after 20 min.
    const answered = act(internal, PUBLIC_NOTE, agentA, 30);
    expect(answered.sla!.nextResponse).toMatchObject({ cycle: 1, accruedMs: 20 * MIN, runningSince: null, stoppedAt: at(30) });

    const r3 = act(answered, REPLY, agentB, 40);
    expect(r3.sla!.nextResponseCycles).toBe(2);
    expect(r3.sla!.nextResponse).toMatchObject({ cycle: 2, startedAt: at(40), accruedMs: 0 });

    // request_info also answers: cycle 2 stops after 10 min.
    const asked = act(r3, REQUEST_INFO, agentA, 50);
    expect(asked.sla!.nextResponse).toMatchObject({ cycle: 2, accruedMs: 10 * MIN, stoppedAt: at(50) });

    const r4 = run(asked, REPLY, agentB, 60);
    expect(r4.state.status).toBe('in_progress');
    // Notes so far: 2 replies, the internal note, the public note, a reply, the request -> this is the 7th.
    expect(r4.transitions[0]!.details).toEqual({ noteSeq: 7, nextResponseCycle: 3 });
    expect(r4.state.sla!.nextResponse).toMatchObject({ cycle: 3, startedAt: at(60) });
  });

  it('given an open (unacknowledged) complaint, when the customer writes again, then no next-response cycle starts', () => {
    const s = act(S_OPEN, REPLY, agentA, 10);
    expect(s.status).toBe('open');
    expect(s.sla!.nextResponse).toBeNull();
    expect(s.sla!.nextResponseCycles).toBe(0);
  });
});

describe('SLA: resolve, reopen and breaches', () => {
  it('given a running reply cycle, when resolved at minute 60, then resolution and reply clocks stop and only auto-close is planned', () => {
    const replied = act(act(S_OPEN, ACK, agentA, 5), REPLY, agentB, 10);
    const resolved = act(replied, RESOLVE, agentA, 60);
    expect(resolved.sla!.resolution).toMatchObject({ accruedMs: 60 * MIN, runningSince: null, stoppedAt: at(60) });
    expect(resolved.sla!.nextResponse).toMatchObject({ accruedMs: 50 * MIN, stoppedAt: at(60) });
    expect(slaStatus(resolved, at(200))!.clocks.find((c) => c.kind === 'resolution')).toMatchObject({ state: 'stopped', elapsedBusinessMs: 60 * MIN });
    expect(nextTimerAt(resolved)).toBe(at(60 + CONFIRMATION_MINUTES));
  });

  it('given a resolution breach at 480 and resolution at 500, when reopened at 530, then accrued time and the breach are kept', () => {
    const acked = act(S_OPEN, ACK, agentA, 5);
    const resolvedRun = run(acked, RESOLVE, agentA, 500);
    // The breach at 480 is recorded before the resolve (timers first; the warnings it supersedes are silent).
    expect(actions(resolvedRun.transitions)).toEqual(['sla_breached', 'resolve']);
    const reopened = act(resolvedRun.state, REOPEN, agentB, 530);
    expect(reopened.sla!.resolution).toMatchObject({ accruedMs: 500 * MIN, runningSince: at(530), stoppedAt: null, breachedAt: at(480) });
    expect(reopened.sla!.breaches).toEqual([{ clock: 'resolution', cycle: 1, at: at(480) }]);
    const status = slaStatus(reopened, at(560))!;
    expect(status.breached).toBe(true);
    // 500 accrued + 30 since reopening.
    expect(status.clocks.find((c) => c.kind === 'resolution')).toMatchObject({ state: 'running', elapsedBusinessMs: 530 * MIN, breached: true, breachedAt: at(480) });
    // Already breached and no escalation ladder: nothing left to fire.
    expect(nextTimerAt(reopened)).toBeNull();
  });

  it('given an unacknowledged complaint, when acknowledged at minute 90 after the 60-minute deadline, then the breach transition comes first, dated at the deadline', () => {
    const { state, transitions } = run(S_OPEN, ACK, agentA, 90);
    expect(transitions.map((t) => [t.version, t.action, t.at])).toEqual([
      [2, 'sla_breached', at(60)],
      [3, 'acknowledge', at(90)],
    ]);
    expect(transitions[0]!.details).toEqual({ clock: 'first_response', cycle: 1, breachedAt: at(60) });
    expect(transitions[0]!.notifications[0]!.recipients).toEqual({ userIds: [], roles: ['supervisor'] });
    expect(state.version).toBe(3);
    expect(state.sla!.firstResponse).toMatchObject({ breachedAt: at(60), warned: [50, 75, 90], accruedMs: 90 * MIN, stoppedAt: at(90) });
    expect(state.sla!.breaches).toEqual([{ clock: 'first_response', cycle: 1, at: at(60) }]);
  });

  it('given a Mon-Fri 09:00-17:00 calendar, when timers fire Monday 11:00 for a complaint opened Friday 16:00, then the breach is dated Monday 10:00', () => {
    const nineToFive = [{ start: '09:00', end: '17:00' }];
    const office: BusinessCalendar = {
      id: 'office',
      version: 4,
      name: 'weekdays',
      timeZone: 'UTC',
      weeklyHours: { mon: nineToFive, tue: nineToFive, wed: nineToFive, thu: nineToFive, fri: nineToFive, sat: [], sun: [] },
      holidays: [],
    };
    const policy = snapshot('P3', { calendarId: 'office', calendar: office, targets: { firstResponseMinutes: 120, nextResponseMinutes: 120, resolutionMinutes: 480 } });
    const friday1600 = Date.parse('2026-03-06T16:00:00Z');
    const s = openComplaint(intake(), { P3: policy }, friday1600).state;
    // First response 120 business minutes: Fri 16:00-17:00 + Mon 09:00-10:00.
    const { state, transitions } = fireDueTimers(s, Date.parse('2026-03-09T11:00:00Z'));
    expect(transitions.map((t) => [t.action, t.at])).toEqual([['sla_breached', Date.parse('2026-03-09T10:00:00Z')]]);
    // Resolution 50% = 240 business minutes: Fri 1h + Mon 09:00-12:00.
    expect(nextTimerAt(state)).toBe(Date.parse('2026-03-09T12:00:00Z'));
    expect(slaStatus(state, Date.parse('2026-03-09T11:00:00Z'))!.policy).toEqual({
      policyId: 'policy-p3',
      version: 2,
      name: 'P3 standard',
      calendarId: 'office',
      calendarVersion: 4,
    });
  });

  it('given timers fired one by one as the workflow does, when all first-response and resolution milestones pass, then versions are consecutive and dated at each milestone', () => {
    let s = S_OPEN;
    const fired: Transition[] = [];
    for (let next = nextTimerAt(s); next !== null && next <= at(600); next = nextTimerAt(s)) {
      const applied = fireDueTimers(s, next);
      fired.push(...applied.transitions);
      s = applied.state;
    }
    expect(fired.map((t) => [t.version, t.action, (t.details.threshold as number | undefined) ?? null, (t.at - T0) / MIN, t.details.clock])).toEqual([
      // first response, 60 min: 50/75/90 % at 30/45/54, breach at 60
      [2, 'sla_warning', 50, 30, 'first_response'],
      [3, 'sla_warning', 75, 45, 'first_response'],
      [4, 'sla_warning', 90, 54, 'first_response'],
      [5, 'sla_breached', null, 60, 'first_response'],
      // resolution, 480 min: 240/360/432, breach at 480
      [6, 'sla_warning', 50, 240, 'resolution'],
      [7, 'sla_warning', 75, 360, 'resolution'],
      [8, 'sla_warning', 90, 432, 'resolution'],
      [9, 'sla_breached', null, 480, 'resolution'],
    ]);
    expect(s.version).toBe(9);
    expect(s.sla!.breaches).toEqual([
      { clock: 'first_response', cycle: 1, at: at(60) },
      { clock: 'resolution', cycle: 1, at: at(480) },
    ]);
  });
});

describe('SLA: severity changes', () => {
  it('given 200 min accrued on P3, when raised to P2 (240 min), then targets switch, time is kept and one warning (75 %) fires at once', () => {
    const acked = act(S_OPEN, ACK, agentA, 5);
    const { state, transitions } = run(acked, { type: 'change_severity', severity: 'P2', reason: 'VIP customer' }, agentA, 200);
    expect(transitions[0]!.details).toEqual({ from: 'P3', to: 'P2', reason: 'VIP customer', slaPolicyVersion: 2 });
    expect(state.severity).toBe('P2');
    expect(state.sla!.active.policyId).toBe('policy-p2');
    expect(state.sla!.resolution).toMatchObject({ targetMs: 240 * MIN, accruedMs: 200 * MIN, runningSince: at(200) });
    // The stopped first-response clock is retargeted too (60 -> 30 min), its 5 min kept.
    // The first response was met at 5 min: a stopped clock keeps the target it was judged against.
    expect(state.sla!.firstResponse).toMatchObject({ targetMs: 60 * MIN, accruedMs: 5 * MIN });
    // 50 % (120 min) and 75 % (180 min) of the new target are already behind: due right away.
    expect(nextTimerAt(state)).toBe(at(200));

    const warned = fireDueTimers(state, at(200));
    expect(warned.transitions).toHaveLength(1);
    expect(warned.transitions[0]).toMatchObject({ version: state.version + 1, action: 'sla_warning', at: at(200) });
    expect(warned.transitions[0]!.details).toEqual({ clock: 'resolution', cycle: 1, threshold: 75, dueAt: at(240) });
    expect(warned.state.sla!.resolution.warned).toEqual([50, 75]);
    // 90 % of 240 = 216 min: 16 more minutes from minute 200.
    expect(nextTimerAt(warned.state)).toBe(at(216));
    expect(actions(fire(warned.state, 216).transitions)).toEqual(['sla_warning']);
  });

  it('given 300 min accrued, when moved to P2 (240 min), then warnings and breach are due together and only the breach is emitted', () => {
    const acked = act(S_OPEN, ACK, agentA, 5);
    const changed = act(acked, { type: 'change_severity', severity: 'P2', reason: 'x' }, agentA, 300);
    const { state, transitions } = fire(changed, 300);
    expect(transitions.map((t) => [t.action, t.at, t.version])).toEqual([['sla_breached', at(300), changed.version + 1]]);
    expect(state.sla!.resolution).toMatchObject({ warned: [50, 75, 90], breachedAt: at(300) });
    expect(state.sla!.breaches).toEqual([{ clock: 'resolution', cycle: 1, at: at(300) }]);
  });

  it('given no policy for the new severity, when the severity changes, then the current policy and targets stay', () => {
    const s = act(S_IN_PROGRESS, { type: 'change_severity', severity: 'P4', reason: 'minor' }, agentA, 10);
    expect(s.severity).toBe('P4');
    expect(s.sla!.active.policyId).toBe('policy-p3');
    expect(s.sla!.resolution).toMatchObject({ targetMs: 480 * MIN, accruedMs: 10 * MIN, runningSince: at(10) });
  });
});

describe('SLA: escalation ladder', () => {
  it('given notify_role 30 min after breach, when the unacknowledged first response breaches, then admins are notified 30 min later', () => {
    const s = open({ P3: snapshot('P3', { escalation: [{ afterBreachMinutes: 30, action: 'notify_role', role: 'admin' }] }) });
    const breached = fire(s, 60).state;
    expect(nextTimerAt(breached)).toBe(at(90));
    const { state, transitions } = fire(breached, 90);
    expect(transitions).toHaveLength(1);
    expect(transitions[0]).toMatchObject({ action: 'sla_escalated', at: at(90), version: breached.version + 1 });
    expect(transitions[0]!.details).toEqual({ clock: 'first_response', cycle: 1, step: 0, action: 'notify_role', role: 'admin' });
    expect(transitions[0]!.notifications).toEqual([
      {
        type: 'sla.escalated',
        recipients: { userIds: [], roles: ['admin'] },
        data: { clock: 'first_response', cycle: 1, step: 0, action: 'notify_role', role: 'admin', severity: 'P3', queue: null },
      },
    ]);
    expect(transitions[0]!.after.escalationLevel).toBe(1);
    expect(state.sla!.escalationLevel).toBe(1);
    expect(state.sla!.firstResponse.escalationsDone).toBe(1);
    // Next: the resolution 50 % warning.
    expect(nextTimerAt(state)).toBe(at(240));
  });

  it('given raise_severity 60 min after breach, when the P3 resolution breaches, then the complaint becomes P2 on P2 targets with time kept', () => {
    const s = open({ P3: snapshot('P3', { escalation: [{ afterBreachMinutes: 60, action: 'raise_severity' }] }), P2: snapshot('P2') });
    const breached = fire(act(s, ACK, agentA, 5), 480).state;
    // Fired late (minute 600): the step is still dated at its own instant, 480 + 60.
    const { state, transitions } = fire(breached, 600);
    expect(transitions.map((t) => [t.action, t.at])).toEqual([['sla_escalated', at(540)]]);
    expect(transitions[0]!.details).toEqual({ clock: 'resolution', cycle: 1, step: 0, action: 'raise_severity', severity: { from: 'P3', to: 'P2' } });
    expect(transitions[0]!.after).toMatchObject({ severity: 'P2', escalationLevel: 1 });
    expect(transitions[0]!.notifications[0]!.recipients).toEqual({ userIds: ['agent-a'], roles: ['supervisor'] });
    expect(state.severity).toBe('P2');
    expect(state.sla!.active.policyId).toBe('policy-p2');
    expect(state.sla!.resolution).toMatchObject({ targetMs: 240 * MIN, accruedMs: 540 * MIN, runningSince: at(540), breachedAt: at(480) });
    // The first response was already met: its clock keeps the target it was judged against.
    expect(state.sla!.firstResponse.targetMs).toBe(60 * MIN);
    expect(state.sla!.breaches).toEqual([{ clock: 'resolution', cycle: 1, at: at(480) }]);
  });

  it('given raise_severity on a P1 complaint, when it fires, then the severity stays P1', () => {
    const s = open({ P1: snapshot('P1', { escalation: [{ afterBreachMinutes: 60, action: 'raise_severity' }] }) }, { severity: 'P1' });
    const breached = fire(act(s, ACK, agentA, 5), 120).state; // P1 resolution: 120 min
    const { state, transitions } = fire(breached, 180);
    expect(transitions[0]!.details).toMatchObject({ action: 'raise_severity', severity: { from: 'P1', to: 'P1' } });
    expect(state.severity).toBe('P1');
    expect(state.sla!.escalationLevel).toBe(1);
  });

  it('given reassign_queue 60 min after breach, when it fires, then the queue takes over, the owner is cleared and the first responder stays', () => {
    const s = open({ P3: snapshot('P3', { escalation: [{ afterBreachMinutes: 60, action: 'reassign_queue', queue: 'tier-2' }] }) });
    const transferred = act(act(s, ACK, agentA, 5), { type: 'transfer', toAgentId: 'agent-b', reason: 'x' }, agentA, 10);
    const breached = fire(transferred, 480).state;
    const { state, transitions } = fire(breached, 540);
    expect(state).toMatchObject({ ownerId: null, queue: 'tier-2', firstResponderId: 'agent-a' });
    expect(transitions[0]!.details).toEqual({ clock: 'resolution', cycle: 1, step: 0, action: 'reassign_queue', queue: 'tier-2', previousOwner: 'agent-b' });
    expect(transitions[0]!.after).toMatchObject({ ownerId: null, queue: 'tier-2', firstResponderId: 'agent-a', escalationLevel: 1 });
    expect(transitions[0]!.notifications[0]).toMatchObject({
      type: 'sla.escalated',
      recipients: { userIds: ['agent-a', 'agent-b'], roles: ['supervisor'] },
      data: { queue: 'tier-2' },
    });
    // The former owner may no longer resolve; a supervisor hands it on, which clears the queue.
    expectRejected(state, RESOLVE, agentB, 545, ErrorCode.NOT_PERMITTED);
    expect(act(state, { type: 'transfer', toAgentId: 'agent-c', reason: 'tier 2' }, supervisor, 545)).toMatchObject({
      ownerId: 'agent-c',
      queue: null,
      firstResponderId: 'agent-a',
    });
  });
});

describe('resolution window: auto-close, reopen, CSAT', () => {
  const resolvedAt100 = act(act(S_OPEN, ACK, agentA, 5), RESOLVE, agentA, 100);

  it('given a resolved complaint, when the 3-day confirmation window passes, then it closes itself at resolvedAt + 4320 min', () => {
    expect(nextTimerAt(resolvedAt100)).toBe(at(100 + CONFIRMATION_MINUTES));
    expect(fire(resolvedAt100, 100 + CONFIRMATION_MINUTES - 1).transitions).toEqual([]);
    const { state, transitions } = fire(resolvedAt100, 5000);
    expect(transitions).toHaveLength(1);
    expect(transitions[0]).toMatchObject({
      version: resolvedAt100.version + 1,
      action: 'auto_close',
      actor: { id: 'system', role: 'system' },
      at: at(4420),
      details: { reason: 'confirmation window elapsed' },
    });
    expect(state).toMatchObject({ status: 'closed', closedAt: at(4420) });
    expect(nextTimerAt(state)).toBeNull();
  });

  it('given the 60-minute reopen window, when reopening at its last minute and one minute later, then the first works and the second is REOPEN_WINDOW_CLOSED', () => {
    expect(act(resolvedAt100, REOPEN, agentA, 160).status).toBe('reopened');
    expectRejected(resolvedAt100, REOPEN, agentA, 161, ErrorCode.REOPEN_WINDOW_CLOSED);
  });

  it('given a resolved complaint, when a rating is recorded twice, then the second is CSAT_ALREADY_RECORDED', () => {
    const { state, transitions } = run(resolvedAt100, { type: 'record_csat', rating: 4, comment: 'ok' }, agentB, 110);
    expect(state.csat).toEqual({ rating: 4, comment: 'ok', at: at(110), recordedBy: 'agent-b' });
    expect(state.status).toBe('resolved');
    expect(transitions[0]!.details).toEqual({ rating: 4 });
    expectRejected(state, { type: 'record_csat', rating: 5 }, agentB, 120, ErrorCode.CSAT_ALREADY_RECORDED);
    expectRejected(state, { type: 'close', rating: 5 }, agentB, 120, ErrorCode.CSAT_ALREADY_RECORDED);
  });

  it.each([0, 6, -1, 3.5])('given rating %s, when recorded or given on close, then INVALID_ACTION', (rating) => {
    expectRejected(resolvedAt100, { type: 'record_csat', rating }, agentA, 110, ErrorCode.INVALID_ACTION);
    expectRejected(resolvedAt100, { type: 'close', rating }, agentA, 110, ErrorCode.INVALID_ACTION);
  });

  it.each([1, 5])('given the boundary rating %s, when recorded, then it is accepted', (rating) => {
    // A low rating comes with its reason codes (test/unit/complaint-customer.test.ts covers the rule).
    const reasons = rating <= 2 ? { reasons: ['not_resolved'] } : {};
    expect(act(resolvedAt100, { type: 'record_csat', rating, ...reasons }, agentA, 110).csat!.rating).toBe(rating);
  });
});

describe('slaStatus', () => {
  it('given an acknowledged P3 complaint, when viewed before and after the 50 % mark, then atRisk flips and due instants are reported', () => {
    const acked = act(S_OPEN, ACK, agentA, 5);
    const early = slaStatus(acked, at(100))!;
    expect(early).toMatchObject({
      policy: { policyId: 'policy-p3', version: 2, name: 'P3 standard', calendarId: 'always-open', calendarVersion: 1 },
      paused: false,
      breached: false,
      atRisk: false,
      escalationLevel: 0,
      // Only the resolution clock still runs: due at 480, at risk from its lowest threshold (50 % = 240).
      nextDueAt: at(480),
      atRiskFrom: at(240),
      breaches: [],
    });
    expect(early.clocks.map((c) => [c.kind, c.state])).toEqual([
      ['first_response', 'stopped'],
      ['resolution', 'running'],
    ]);
    expect(slaStatus(acked, at(250))!.atRisk).toBe(true);
    // Past the deadline it is breached, no longer "at risk".
    const late = slaStatus(acked, at(500))!;
    expect(late.atRisk).toBe(false);
    expect(late.clocks[1]).toMatchObject({ breached: true, remainingBusinessMs: -20 * MIN });
  });
});

describe('service area, resolution codes and transfer count', () => {
  const BILLING: ServiceAreaRef = { areaId: 'billing', version: 2, name: 'Billing support', timeZone: 'Europe/Paris', causes: ['double-charge', 'invoice-not-received'] };
  const NO_CAUSES: ServiceAreaRef = { ...BILLING, areaId: 'web', causes: [] };
  /** In progress under agent A, in the given area (or none). */
  const working = (serviceArea: ServiceAreaRef | null) => act(act(open(POLICIES, { serviceArea }), ACK, agentA, 1), PUBLIC_NOTE, agentA, 2);

  it('given an intake with a service area, when opened, then the state keeps the area as given, no transfers yet, and the audit names area and version', () => {
    const { state, transitions } = openComplaint(intake({ serviceArea: BILLING }), POLICIES, T0);
    expect(state).toMatchObject({ serviceArea: BILLING, transferCount: 0 });
    expect(transitions[0]!.details).toMatchObject({ serviceArea: { areaId: 'billing', version: 2 } });
  });

  it('given an intake without an area (matched none, or sent before areas existed), when opened, then serviceArea is null', () => {
    expect(open(POLICIES).serviceArea).toBeNull();
    expect(open(POLICIES, { serviceArea: undefined }).serviceArea).toBeNull();
  });

  it("given an area with a cause catalog, when resolved without a cause or with one outside it, then INVALID_ACTION naming the allowed codes, and nothing changes", () => {
    const s = working(BILLING);
    const missing = expectDomainError(() => applyCommand(s, RESOLVE, agentA, at(10)), ErrorCode.INVALID_ACTION);
    expect(missing.message).toContain('double-charge, invoice-not-received');
    expectRejected(s, { ...RESOLVE, cause: 'tariff-not-explained' }, agentA, 10, ErrorCode.INVALID_ACTION);
  });

  it('given an area with a cause catalog, when resolved with one of its causes and tags, then the resolution and the audit record both', () => {
    const { state, transitions } = run(working(BILLING), { type: 'resolve', summary: 'refunded', cause: 'double-charge', tags: ['refund', 'vip'] }, agentA, 10);
    expect(state.resolution).toEqual({ summary: 'refunded', by: 'agent-a', cause: 'double-charge', tags: ['refund', 'vip'] });
    expect(transitions[0]!.details).toEqual({ summary: 'refunded', cause: 'double-charge', tags: ['refund', 'vip'] });
  });

  it('given no area or an area without causes, when resolved without a cause, then it resolves with cause null; with a cause, then INVALID_ACTION (nothing to count it against)', () => {
    for (const area of [null, NO_CAUSES]) {
      const s = working(area);
      expect(act(s, RESOLVE, agentA, 10).resolution).toEqual({ summary: 'refunded', by: 'agent-a', cause: null, tags: [] });
      expectRejected(s, { ...RESOLVE, cause: 'double-charge' }, agentA, 10, ErrorCode.INVALID_ACTION);
    }
  });

  it('given a complaint stored before areas existed (no serviceArea, no transferCount), when resolved and transferred, then it behaves as having no area and no transfers', () => {
    const { serviceArea: _a, transferCount: _t, ...legacy } = working(null);
    const old = legacy as ComplaintState;
    expect(act(old, RESOLVE, agentA, 10).resolution).toMatchObject({ cause: null });
    expect(act(old, { type: 'transfer', toAgentId: 'agent-b', reason: 'x' }, agentA, 10).transferCount).toBe(1);
  });

  it('given tags that repeat, are too many, blank or too long, when resolving, then INVALID_ACTION', () => {
    const s = working(null);
    for (const tags of [['a', 'a'], Array.from({ length: 11 }, (_, i) => `t${i}`), [' '], ['x'.repeat(41)]]) {
      expectRejected(s, { ...RESOLVE, tags }, agentA, 10, ErrorCode.INVALID_ACTION);
    }
  });

  it('given a reopened complaint, when resolved again, then the new cause replaces the old', () => {
    const first = act(working(BILLING), { ...RESOLVE, cause: 'double-charge' }, agentA, 10);
    const reopened = act(first, REOPEN, agentA, 20);
    expect(reopened.resolution).toBeNull();
    expect(act(reopened, { ...RESOLVE, cause: 'invoice-not-received' }, agentA, 30).resolution).toMatchObject({ cause: 'invoice-not-received' });
  });

  it('given transfers, a supervisor assignment and an escalation that reassigns to a queue, when applied, then each counts one change of hands', () => {
    const s = open({ P3: snapshot('P3', { escalation: [{ afterBreachMinutes: 60, action: 'reassign_queue', queue: 'tier-2' }] }) });
    const assigned = act(s, { type: 'transfer', toAgentId: 'agent-a', reason: 'billing expert' }, supervisor, 1);
    expect(assigned.transferCount).toBe(1);
    const handedOn = act(act(assigned, ACK, agentA, 2), { type: 'transfer', toAgentId: 'agent-b', reason: 'holiday' }, agentA, 3);
    expect(handedOn.transferCount).toBe(2);
    const escalated = fire(fire(handedOn, 480).state, 540).state;
    expect(escalated).toMatchObject({ ownerId: null, queue: 'tier-2', transferCount: 3 });
    // Other actions leave the count alone.
    expect(act(escalated, { type: 'change_severity', severity: 'P2', reason: 'x' }, supervisor, 545).transferCount).toBe(3);
  });

  it('given an escalation that only notifies or raises severity, when it fires, then the count stays', () => {
    const s = open({ P3: snapshot('P3', { escalation: [{ afterBreachMinutes: 0, action: 'notify_role', role: 'supervisor' }, { afterBreachMinutes: 10, action: 'raise_severity' }] }) });
    const escalated = fire(act(s, ACK, agentA, 2), 600).state;
    expect(escalated.sla!.escalationLevel).toBe(2);
    expect(escalated.transferCount).toBe(0);
  });
});
