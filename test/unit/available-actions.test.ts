/**
 * "The actions the caller may take now", as the domain judges them
 * (src/domain/complaint.ts `availableComplaintCommands`, src/domain/cycle.ts
 * `availableCycleCommands`): the listing for each status and role, and a
 * property check on random walks that the listing agrees with the decider:
 * a listed command is accepted for at least one representative valid body,
 * and an unlisted one is refused for every one of them.
 */
import { complaintActions, cycleActions } from '../../src/api/views';
import type { Actor, Role } from '../../src/domain/actors';
import { ALWAYS_OPEN } from '../../src/domain/calendar';
import {
  COMMAND_TYPES,
  type CommandType,
  type ComplaintCommand,
  type ComplaintIntake,
  type ComplaintState,
  applyCommand,
  availableComplaintCommands,
  complaintCommandRefusal,
  fireDueTimers,
  openComplaint,
} from '../../src/domain/complaint';
import {
  CYCLE_COMMAND_TYPES,
  type CycleCommand,
  type CycleCommandType,
  type CycleIntake,
  type CycleState,
  DEFAULT_CYCLE_SETTINGS,
  applyCycleCommand,
  applyCycleEvent,
  availableCycleCommands,
  cycleCommandRefusal,
  openCycle,
} from '../../src/domain/cycle';
import { DomainError, ErrorCode } from '../../src/domain/errors';
import type { ServiceAreaRef } from '../../src/domain/service-area';
import { SEVERITIES, type SlaPolicySnapshot } from '../../src/domain/sla-policy';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Monday 2026-03-02 09:00 UTC. */
const T0 = Date.parse('2026-03-02T09:00:00Z');
const at = (minutes: number) => T0 + minutes * MIN;

/** A small deterministic PRNG (mulberry32): the walks are the same on every run. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]! };
}

/** Whether the decider accepts the command (a DomainError is a refusal; anything else is a bug). */
function accepted(apply: () => unknown): boolean {
  try {
    apply();
    return true;
  } catch (err) {
    if (err instanceof DomainError) return false;
    throw err;
  }
}

// =============================================================== complaints

const alice: Actor = { id: 'alice', role: 'agent' };
const bob: Actor = { id: 'bob', role: 'agent' };
const sam: Actor = { id: 'sam', role: 'supervisor' };
const audrey: Actor = { id: 'audrey', role: 'auditor' };
const webform: Actor = { id: 'webform', role: 'intake' };
const ada: Actor = { id: 'ada', role: 'admin' };
const olivia: Actor = { id: 'olivia', role: 'process_owner' };
const COMPLAINT_ACTORS = [alice, bob, sam, audrey, webform, ada, olivia];

/** P3 policy on the always-open calendar: reopen window 60 min, confirmation 3 days. */
const P3: SlaPolicySnapshot = {
  policyId: 'policy-p3',
  version: 1,
  name: 'P3 standard',
  match: { severities: ['P3'] },
  targets: { firstResponseMinutes: 60, nextResponseMinutes: 120, resolutionMinutes: 480 },
  calendarId: ALWAYS_OPEN.id,
  calendar: ALWAYS_OPEN,
  pauseOnAwaitingCustomer: true,
  warningThresholds: [50, 75, 90],
  escalation: [{ afterBreachMinutes: 30, action: 'reassign_queue', queue: 'escalations' }],
  reopenWindowMinutes: 60,
  confirmationWindowMinutes: 3 * 24 * 60,
};

const AREA: ServiceAreaRef = { areaId: 'billing', version: 1, name: 'Billing', timeZone: 'UTC', causes: ['wrong_price', 'late_invoice'] };

function complaint(overrides: Partial<ComplaintIntake> = {}): ComplaintState {
  const intake: ComplaintIntake = {
    complaintId: 'C-1',
    customer: { id: 'cust-1' },
    channel: 'web',
    category: 'billing',
    severity: 'P3',
    description: 'charged twice',
    createdBy: webform,
    receivedAt: T0,
    ...overrides,
  };
  return openComplaint(intake, { P3 }, T0).state;
}

const act = (s: ComplaintState, cmd: ComplaintCommand, actor: Actor, now: number) => applyCommand(s, cmd, actor, now).state;
const listed = (s: ComplaintState, actor: Actor, now: number) => availableComplaintCommands(s, actor, now);

/** acknowledged by alice at +5 min. */
const acknowledged = () => act(complaint(), { type: 'acknowledge' }, alice, at(5));
/** ... public reply at +10, resolved by alice at +20. */
const resolved = () => act(act(acknowledged(), { type: 'add_note', text: 'on it', visibility: 'public' }, alice, at(10)), { type: 'resolve', summary: 'refunded' }, alice, at(20));

describe('available complaint actions, by status and role', () => {
  it('given a new web complaint, then an agent may acknowledge, note or log a customer reply, a supervisor may also assign, re-grade or cancel, and the other roles may do nothing', () => {
    const s = complaint();
    expect(listed(s, alice, at(1))).toEqual(['acknowledge', 'add_note', 'customer_replied']);
    expect(listed(s, sam, at(1))).toEqual(['acknowledge', 'add_note', 'customer_replied', 'transfer', 'change_severity', 'cancel']);
    for (const other of [audrey, webform, ada, olivia]) expect({ who: other.id, actions: listed(s, other, at(1)) }).toEqual({ who: other.id, actions: [] });
  });

  it('given alice acknowledged it, then alice (owner) may resolve, transfer and ask the customer, bob (another agent) may not, and acknowledge is gone for everyone', () => {
    const s = acknowledged();
    const owner = ['add_note', 'request_info', 'customer_replied', 'transfer', 'change_severity', 'resolve'];
    expect(listed(s, alice, at(6))).toEqual(owner);
    expect(listed(s, bob, at(6))).toEqual(['add_note', 'customer_replied']);
    expect(listed(s, sam, at(6))).toEqual([...owner, 'cancel']);
    expect(listed(s, audrey, at(6))).toEqual([]);
    // The refusal the decider would give bob, and the one it gives: the same rule.
    const refusal = complaintCommandRefusal(s, bob, 'resolve', at(6));
    expect(refusal?.code).toBe(ErrorCode.NOT_PERMITTED);
    expect(() => applyCommand(s, { type: 'resolve', summary: 'done' }, bob, at(6))).toThrow(refusal!.message);
  });

  it('given a complaint waiting for the customer, then asking again is not offered but logging the reply is', () => {
    const waiting = act(acknowledged(), { type: 'request_info', message: 'which invoice?' }, alice, at(8));
    expect(listed(waiting, alice, at(9))).toEqual(['add_note', 'customer_replied', 'transfer', 'change_severity', 'resolve']);
  });

  it('given a resolved complaint within the reopen window, then staff may reopen, close, rate or note it; after the window reopen is gone; after a rating record_csat is gone', () => {
    const s = resolved();
    expect(listed(s, alice, at(30))).toEqual(['add_note', 'reopen', 'close', 'record_csat']);
    expect(listed(s, bob, at(30))).toEqual(['add_note', 'reopen', 'close', 'record_csat']);
    expect(listed(s, sam, at(30))).toEqual(['add_note', 'reopen', 'close', 'record_csat']);
    expect(listed(s, audrey, at(30))).toEqual([]);
    // The window closes 60 min after resolution (+20): at +81 reopen is refused, with its own code.
    expect(listed(s, alice, at(81))).toEqual(['add_note', 'close', 'record_csat']);
    expect(complaintCommandRefusal(s, alice, 'reopen', at(81))?.code).toBe(ErrorCode.REOPEN_WINDOW_CLOSED);
    const rated = act(s, { type: 'record_csat', rating: 4 }, alice, at(30));
    expect(listed(rated, alice, at(31))).toEqual(['add_note', 'reopen', 'close']);
  });

  it('given a closed or a cancelled complaint, then nobody may do anything', () => {
    const closed = act(resolved(), { type: 'close' }, alice, at(30));
    const cancelled = act(complaint(), { type: 'cancel', reason: 'withdrawn' }, sam, at(3));
    for (const s of [closed, cancelled]) {
      for (const who of COMPLAINT_ACTORS) expect({ status: s.status, who: who.id, actions: listed(s, who, at(40)) }).toEqual({ status: s.status, who: who.id, actions: [] });
    }
  });

  it('given the confirmation window elapsed without a command, then the listing sees the auto-close the decider would apply first: nothing is offered', () => {
    const s = resolved();
    const after = at(20) + 3 * DAY + MIN;
    expect(s.status).toBe('resolved');
    expect(fireDueTimers(s, after).state.status).toBe('closed');
    expect(listed(s, alice, after)).toEqual([]);
  });

  it('given an escalation due that moves the complaint to a queue, then the owner loses the owner-only actions the moment it is due', () => {
    const s = acknowledged();
    // Resolution target 480 min from T0, reassignment 30 min after the breach.
    const escalated = at(480 + 30 + 1);
    expect(listed(s, alice, at(480))).toContain('resolve');
    expect(listed(s, alice, escalated)).toEqual(['add_note', 'customer_replied']);
    expect(listed(s, sam, escalated)).toContain('resolve');
  });

  it('given a phone complaint an agent registered, then it is acknowledged on the spot and its creator may work it', () => {
    const s = complaint({ channel: 'phone', createdBy: alice });
    expect(listed(s, alice, at(1))).toEqual(['add_note', 'request_info', 'customer_replied', 'transfer', 'change_severity', 'resolve']);
  });
});

// ------------------------------------------------------------ property

/** Representative valid bodies of each command: if any body would pass, one of these does. */
function complaintBodies(type: CommandType, s: ComplaintState): ComplaintCommand[] {
  switch (type) {
    case 'acknowledge':
      return [{ type }];
    case 'add_note':
      return [
        { type, text: 'internal', visibility: 'internal' },
        { type, text: 'public', visibility: 'public' },
      ];
    case 'request_info':
      return [{ type, message: 'which invoice?' }];
    case 'customer_replied':
      return [{ type, message: 'invoice 42' }];
    case 'transfer':
      return ['alice', 'bob', 'carol'].map((toAgentId) => ({ type, toAgentId, reason: 'specialist' }));
    case 'change_severity':
      return SEVERITIES.map((severity) => ({ type, severity, reason: 'impact changed' }));
    case 'resolve':
      return [{ type, summary: 'refunded' }, ...(s.serviceArea?.causes ?? []).map((cause) => ({ type, summary: 'refunded', cause, tags: ['refund'] }))];
    case 'reopen':
      return [{ type, reason: 'not fixed' }];
    case 'close':
      return [{ type }, { type, rating: 5 }];
    case 'cancel':
      return [
        { type, reason: 'withdrawn' },
        { type, reason: 'duplicate', duplicateOf: 'C-0' },
      ];
    case 'record_csat':
      return [{ type, rating: 4, comment: 'ok' }];
  }
}

describe('available complaint actions agree with the decider (random walks)', () => {
  const reached = new Set<string>();
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('walk %i: at every step, for every actor and command, listed <=> some representative body is accepted', (seed) => {
    const rnd = prng(seed);
    let s = complaint({ serviceArea: seed % 2 === 0 ? AREA : null, channel: seed % 3 === 0 ? 'phone' : 'web', createdBy: seed % 3 === 0 ? alice : webform });
    let now = T0;
    let checks = 0;
    for (let step = 0; step < 40 && s.status !== 'closed' && s.status !== 'cancelled'; step++) {
      // Time passes: usually minutes, sometimes past a window or a breach.
      now += rnd.next() < 0.15 ? rnd.int(5 * DAY) : rnd.int(90 * MIN);
      const possible: { actor: Actor; cmd: ComplaintCommand }[] = [];
      for (const actor of COMPLAINT_ACTORS) {
        const available = listed(s, actor, now);
        for (const type of COMMAND_TYPES) {
          const passing = complaintBodies(type, s).filter((cmd) => accepted(() => applyCommand(s, cmd, actor, now)));
          expect({ step, status: s.status, actor: actor.id, type, listed: available.includes(type) }).toEqual({ step, status: s.status, actor: actor.id, type, listed: passing.length > 0 });
          for (const cmd of passing) possible.push({ actor, cmd });
          checks++;
        }
      }
      reached.add(s.status);
      if (possible.length === 0) break;
      // Reopening is only possible for an hour: taken when offered, half the time. Cancelling ends the walk: only rarely.
      const reopen = possible.filter((p) => p.cmd.type === 'reopen');
      const working = rnd.next() < 0.97 ? possible.filter((p) => p.cmd.type !== 'cancel') : possible;
      const pool = reopen.length > 0 && rnd.next() < 0.5 ? reopen : working.length > 0 ? working : possible;
      const { actor, cmd } = rnd.pick(pool);
      s = applyCommand(s, cmd, actor, now).state;
    }
    expect(checks).toBeGreaterThan(COMPLAINT_ACTORS.length * COMMAND_TYPES.length);
  });

  it('the walks together reach every status a command can be sent from, so the agreement above covers them', () => {
    expect([...reached].sort()).toEqual(expect.arrayContaining(['open', 'acknowledged', 'in_progress', 'awaiting_customer', 'resolved', 'reopened']));
  });
});

// =================================================================== cycles

const owner: Actor = { id: 'olivia', role: 'process_owner' };
const simon: Actor = { id: 'simon', role: 'sponsor' }; // sponsor, approver
const sup: Actor = { id: 'sam', role: 'supervisor' }; // approver
const tom: Actor = { id: 'tom', role: 'agent' }; // team member, assignee
const eve: Actor = { id: 'eve', role: 'agent' }; // no part in the cycle
const paula: Actor = { id: 'paula', role: 'process_owner' }; // control-plan process owner (DMAIC)
const CYCLE_ACTORS = [owner, simon, sup, tom, eve, paula, audrey];

function cycle(overrides: Partial<CycleIntake> = {}): CycleState {
  return openCycle(
    {
      cycleId: 'CY-1',
      type: 'pdca',
      title: 'Faster first response',
      problemStatement: 'customers wait',
      area: 'support',
      ownerId: 'olivia',
      sponsorId: 'simon',
      team: ['tom'],
      goal: { metric: 'first response', unit: 'min', direction: 'lower_is_better', metricType: 'continuous', baseline: 40, target: 30, deadline: T0 + 60 * DAY },
      evidence: { complaintIds: [], complaintCategory: null, spcSignal: null },
      settings: { ...DEFAULT_CYCLE_SETTINGS, approvers: ['sam', 'simon'] },
      createdBy: owner,
      receivedAt: T0,
      ...overrides,
    },
    T0,
  ).state;
}

const cact = (s: CycleState, cmd: CycleCommand, actor: Actor, now: number) => applyCycleCommand(s, cmd, actor, { now, runId: 'run-1' }).state;
const clisted = (s: CycleState, actor: Actor, now: number) => availableCycleCommands(s, actor, now);

function planned(): CycleState {
  let s = cycle();
  const t = T0 + HOUR;
  s = cact(s, { type: 'add_five_whys', problem: 'slow', whys: ['unassigned'], rootCause: 'no rota' }, tom, t);
  s = cact(s, { type: 'add_countermeasure', description: 'rota' }, owner, t);
  s = cact(s, { type: 'add_action', title: 'publish rota', assigneeId: 'tom', dueAt: T0 + 10 * DAY }, owner, t);
  return s;
}

describe('available cycle actions, by phase and role', () => {
  const PLAN_EDITS = ['record_measurements', 'add_five_whys', 'add_fishbone_cause', 'add_countermeasure'];

  it('given a new PDCA cycle in Plan, then the owner may edit and abandon but not yet submit (artefacts missing), the team may edit, the sponsor may abandon, approvers may not sign, outsiders and auditors may do nothing', () => {
    const s = cycle();
    expect(clisted(s, owner, T0)).toEqual(['record_measurements', 'add_action', 'abandon', 'add_five_whys', 'add_fishbone_cause', 'add_countermeasure']);
    expect(clisted(s, tom, T0)).toEqual(PLAN_EDITS);
    expect(clisted(s, simon, T0)).toEqual(['abandon']);
    expect(clisted(s, sup, T0)).toEqual([]);
    expect(clisted(s, eve, T0)).toEqual([]);
    expect(clisted(s, audrey, T0)).toEqual([]);
    expect(cycleCommandRefusal(s, owner, 'submit_gate')).toMatchObject({ code: ErrorCode.GATE_INCOMPLETE, details: { missing: expect.arrayContaining(['at least one countermeasure']) } });
  });

  it('given the Plan artefacts complete, then the owner may submit the gate, and tom (assignee) and the owner may complete the action item', () => {
    const s = planned();
    expect(clisted(s, owner, T0 + 2 * HOUR)).toEqual(['record_measurements', 'add_action', 'complete_action', 'submit_gate', 'abandon', 'add_five_whys', 'add_fishbone_cause', 'add_countermeasure']);
    expect(clisted(s, tom, T0 + 2 * HOUR)).toEqual(['record_measurements', 'complete_action', ...PLAN_EDITS.slice(1)]);
  });

  it('given the Plan gate submitted, then each approver sees sign until they have signed, artefact edits are frozen, and the owner never sees sign', () => {
    const pending = cact(planned(), { type: 'submit_gate' }, owner, T0 + 2 * HOUR);
    const t = T0 + 3 * HOUR;
    expect(clisted(pending, sup, t)).toEqual(['sign_gate']);
    expect(clisted(pending, simon, t)).toEqual(['sign_gate', 'abandon']);
    expect(clisted(pending, owner, t)).toEqual(['record_measurements', 'complete_action', 'abandon']);
    expect(clisted(pending, tom, t)).toEqual(['record_measurements', 'complete_action']);
    expect(cycleCommandRefusal(pending, owner, 'sign_gate')?.code).toBe(ErrorCode.SELF_APPROVAL_FORBIDDEN);
    const signedBySam = cact(pending, { type: 'sign_gate', decision: 'approve', comment: 'ok' }, sup, t);
    expect(clisted(signedBySam, sup, t)).toEqual([]);
    expect(cycleCommandRefusal(signedBySam, sup, 'sign_gate')?.code).toBe(ErrorCode.ALREADY_SIGNED);
    expect(clisted(signedBySam, simon, t)).toEqual(['sign_gate', 'abandon']);
  });

  it('given the action item done, then complete_action disappears (no open item), for the assignee and the owner alike', () => {
    const before = planned();
    const s = cact(before, { type: 'complete_action', actionId: before.actions[0]!.id }, tom, T0 + 2 * HOUR);
    expect(s.actions.map((a) => a.status)).toEqual(['done']);
    expect(clisted(s, tom, T0 + 3 * HOUR)).not.toContain('complete_action');
    expect(clisted(s, owner, T0 + 3 * HOUR)).not.toContain('complete_action');
  });

  it('given an abandoned cycle, then nobody may do anything', () => {
    const s = cact(cycle(), { type: 'abandon', reason: 'superseded' }, simon, T0 + HOUR);
    for (const who of CYCLE_ACTORS) expect({ who: who.id, actions: clisted(s, who, T0 + 2 * HOUR) }).toEqual({ who: who.id, actions: [] });
  });

  it('given a DMAIC cycle in Define, then only DMAIC commands are offered (charter to the owner), never PDCA ones', () => {
    const s = cycle({ type: 'dmaic' });
    expect(clisted(s, owner, T0)).toEqual(['record_measurements', 'abandon', 'update_charter']);
    expect(clisted(s, tom, T0)).toEqual(['record_measurements']);
  });
});

describe('available cycle actions on a metric bound to the complaint data', () => {
  const BREACHES = { kpi: 'breach_rate', areaId: 'billing', filter: null, period: 'week', timeZone: 'Europe/Paris' } as const;
  const GOAL = { metric: 'breach rate', unit: 'share', direction: 'lower_is_better', metricType: 'proportion', baseline: 0.2, target: 0.05, deadline: T0 + 120 * DAY } as const;

  /** A bound DMAIC through Define (charter, approved by simon) into Measure, with no measurement yet. */
  function inMeasure(): CycleState {
    let s = cycle({ type: 'dmaic', goal: GOAL, binding: BREACHES, baselineMeasurements: [], settings: { ...DEFAULT_CYCLE_SETTINGS, approvers: ['simon'] } });
    s = cact(s, { type: 'update_charter', charter: CHARTER }, owner, T0 + HOUR);
    s = cact(s, { type: 'submit_gate' }, owner, T0 + 2 * HOUR);
    s = cact(s, { type: 'sign_gate', decision: 'approve', comment: 'ok' }, simon, T0 + 3 * HOUR);
    expect(s.phase).toBe('measure');
    return s;
  }

  it('given no week measured yet, then neither manual measurements nor a baseline are offered (there is no body that could pass), while the plan is', () => {
    const s = inMeasure();
    const t = T0 + 4 * HOUR;
    expect(clisted(s, tom, t)).toEqual(['set_data_collection_plan']);
    expect(cycleCommandRefusal(s, tom, 'record_measurements')?.code).toBe(ErrorCode.METRIC_BOUND);
    // The decider refuses both possible bodies: typed data (bound) and no data (nothing measured).
    expect(() => cact(s, { type: 'set_baseline' }, tom, t)).toThrow(DomainError);
    expect(() => cact(s, { type: 'set_baseline', data: { kind: 'discrete', defects: 1, units: 10, opportunitiesPerUnit: 1 } }, tom, t)).toThrow(DomainError);
  });

  it('given a week measured from the data, then the baseline is offered, and setting it without data is accepted', () => {
    const measured = applyCycleEvent(inMeasure(), { type: 'bound_measurements_collected', measurements: [{ period: '2026-W10', value: 0.19, sampleSize: 100, at: T0 + 7 * DAY }], periods: ['2026-W10'] }, T0 + 7 * DAY).state;
    const t = T0 + 7 * DAY + HOUR;
    expect(clisted(measured, tom, t)).toEqual(['set_data_collection_plan', 'set_baseline']);
    expect(cact(measured, { type: 'set_baseline' }, tom, t).artefacts.baseline).not.toBeNull();
  });
});

// ================================================== the API's two halves

describe('the API listing: permission matrix and object scope on top of the reducer', () => {
  const principal = (a: Actor, queues = ['general']) => ({ id: a.id, role: a.role as Role, queues });

  it('given a complaint alice owns, then bob (agent) gets nothing although the reducer alone would let any agent add a note: he is outside his assigned scope', () => {
    const s = acknowledged();
    expect(availableComplaintCommands(s, bob, at(6))).toContain('add_note');
    expect(complaintActions(s, principal(bob), at(6))).toEqual([]);
    expect(complaintActions(s, principal(alice), at(6)).map((a) => a.name)).toEqual(availableComplaintCommands(s, alice, at(6)));
  });

  it('given a new complaint in the escalations queue only, then an agent of the general queue gets nothing and an agent of that queue gets acknowledge; cancel carries complaint.cancel for a supervisor', () => {
    const s = { ...complaint(), queue: 'escalations' };
    expect(complaintActions(s, principal(alice), at(1))).toEqual([]);
    expect(complaintActions(s, principal(alice, ['escalations']), at(1))[0]).toEqual({ name: 'acknowledge', method: 'POST', path: '/complaints/C-1/acknowledge', permission: 'complaint.act' });
    expect(complaintActions(s, principal(sam), at(1)).find((a) => a.name === 'cancel')).toEqual({ name: 'cancel', method: 'POST', path: '/complaints/C-1/cancel', permission: 'complaint.cancel' });
  });

  it('given an admin named sponsor of a cycle, then the reducer alone would let them abandon it, but admins lack cycle.act: nothing is listed', () => {
    const adminSponsor = cycle({ sponsorId: 'ada' });
    expect(availableCycleCommands(adminSponsor, ada, T0)).toEqual(['abandon']);
    expect(cycleActions(adminSponsor, principal(ada), T0)).toEqual([]);
    expect(cycleActions(adminSponsor, principal(owner), T0).map((a) => a.name)).toEqual(availableCycleCommands(adminSponsor, owner, T0));
  });
});

// ------------------------------------------------------------ property

const CHARTER = {
  problem: 'slow',
  businessCase: 'churn',
  scopeIn: ['billing'],
  scopeOut: [],
  ctqs: [{ name: 'time', measure: 'min', specification: '<30' }],
  sipoc: [{ supplier: 'customer', input: 'mail', process: 'triage', output: 'reply', customer: 'customer' }],
  milestones: [{ phase: 'measure' as const, due: T0 + 20 * DAY }],
};

/** Representative valid bodies of each cycle command at `now`: if any body would pass, one of these does. */
function cycleBodies(type: CycleCommandType, s: CycleState, now: number, rnd: ReturnType<typeof prng>): CycleCommand[] {
  switch (type) {
    case 'record_measurements':
      return [{ type, measurements: [{ value: 20 + rnd.int(25) }, { value: 20 + rnd.int(25) }] }];
    case 'add_action':
      return [{ type, title: 'do it', assigneeId: rnd.pick(['tom', 'olivia']), dueAt: now + 5 * DAY }];
    case 'complete_action':
      return s.actions.map((a) => ({ type, actionId: a.id }));
    case 'submit_gate':
      return [{ type }];
    case 'sign_gate':
      return [
        { type, decision: 'approve', comment: 'ok' },
        { type, decision: 'reject', comment: 'no', reasons: ['unclear'] },
      ];
    case 'abandon':
      return [{ type, reason: 'stop' }];
    case 'add_five_whys':
      return [{ type, problem: 'slow', whys: ['w'], rootCause: 'rc' }];
    case 'add_fishbone_cause':
      return [{ type, category: 'method', cause: 'c' }];
    case 'add_countermeasure':
      return [{ type, description: 'd' }];
    case 'run_check':
      return [{ type }];
    case 'review_check':
      return [{ type, comment: 'seen' }];
    case 'standardize':
      return [{ type, standard: 'rota', trainees: ['tom'] }];
    case 'iterate':
      return [{ type, learnings: 'more', deadline: now + 30 * DAY }];
    case 'update_charter':
      return [{ type, charter: CHARTER }];
    case 'set_data_collection_plan':
      return [{ type, items: [{ metric: 'm', operationalDefinition: 'd', source: 's', sampleSize: 10, frequency: 'daily' }] }];
    case 'set_baseline':
    case 'set_pilot_data':
      return [
        { type, data: { kind: 'continuous', values: [40, 42, 38, 41, 39] } },
        { type, data: { kind: 'discrete', defects: 40, units: 1000, opportunitiesPerUnit: 1 } },
        { type },
      ];
    case 'set_defect_categories':
      return [{ type, categories: [{ category: 'a', count: 5 }, { category: 'b', count: 3 }] }];
    case 'add_root_cause':
      return [{ type, cause: 'rc' }];
    case 'verify_root_cause':
      return s.artefacts.rootCauses.map((r) => ({ type, rootCauseId: r.id, evidence: 'data' }));
    case 'add_solution':
      return [{ type, description: 'fix' }];
    case 'add_fmea_row':
      return [{ type, failureMode: 'f', effect: 'e', cause: 'c', severity: 5, occurrence: 3, detection: 2 }];
    case 'set_control_plan':
      return [{ type, metric: 'm', improvedData: [30, 29, 31, 30, 28, 30], reactionPlan: 'call', processOwnerId: 'paula' }];
  }
}

describe('available cycle actions agree with the decider (random walks)', () => {
  /** `type:status:phase` reached by any walk. */
  const reached = new Set<string>();
  const run = (s: CycleState, cmd: CycleCommand, actor: Actor, now: number) => applyCycleCommand(s, cmd, actor, { now, runId: 'run-1' });

  it.each([
    ['pdca', 1],
    ['pdca', 2],
    ['pdca', 3],
    ['pdca', 4],
    ['dmaic', 5],
    ['dmaic', 6],
    ['dmaic', 7],
    ['dmaic', 8],
  ] as const)('%s walk %i: at every step, for every actor and command, listed <=> some representative body is accepted', (type, seed) => {
    const rnd = prng(seed);
    let s = cycle({ type });
    let now = T0;
    for (let step = 0; step < 70; step++) {
      now += rnd.next() < 0.1 ? rnd.int(20 * DAY) : rnd.int(6 * HOUR);
      const possible: { actor: Actor; cmd: CycleCommand }[] = [];
      for (const actor of CYCLE_ACTORS) {
        const available = clisted(s, actor, now);
        for (const t of CYCLE_COMMAND_TYPES) {
          const passing = cycleBodies(t, s, now, rnd).filter((cmd) => accepted(() => run(s, cmd, actor, now)));
          expect({ step, phase: s.phase, status: s.status, actor: actor.id, type: t, listed: available.includes(t) }).toEqual({
            step,
            phase: s.phase,
            status: s.status,
            actor: actor.id,
            type: t,
            listed: passing.length > 0,
          });
          for (const cmd of passing) possible.push({ actor, cmd });
        }
      }
      reached.add(`${type}:${s.status}:${s.phase}`);
      if (possible.length === 0) break;
      // Progress is likelier than a random edit; abandoning ends the walk, so it is rare.
      const progress = possible.filter((p) => ['submit_gate', 'review_check', 'standardize', 'complete_action'].includes(p.cmd.type) || (p.cmd.type === 'sign_gate' && p.cmd.decision === 'approve'));
      const edits = possible.filter((p) => p.cmd.type !== 'abandon');
      const pool = progress.length > 0 && rnd.next() < 0.5 ? progress : rnd.next() < 0.99 && edits.length > 0 ? edits : possible;
      const { actor, cmd } = rnd.pick(pool);
      s = run(s, cmd, actor, now).state;
    }
  });

  it('the walks together reach every PDCA and DMAIC phase and the post-project statuses, so the agreement above covers them', () => {
    const phases = [...['plan', 'do', 'check', 'act'].map((p) => `pdca:active:${p}`), ...['define', 'measure', 'analyze', 'improve', 'control'].map((p) => `dmaic:active:${p}`)];
    expect([...reached].sort()).toEqual(expect.arrayContaining([...phases, 'pdca:effectiveness_check:act', 'dmaic:monitoring:control']));
  });
});
