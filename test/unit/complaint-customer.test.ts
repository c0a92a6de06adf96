/**
 * The complaint's own customer as an actor (through their signed link): what
 * they may do and from which statuses, their feedback (CSAT with reason codes
 * on a low rating, NPS where the policy asks), and the supervisor callback a
 * low rating asks for.
 */
import { type Actor, customerActor } from '../../src/domain/actors';
import { ALWAYS_OPEN } from '../../src/domain/calendar';
import {
  COMMAND_TYPES,
  type CommandType,
  type ComplaintCommand,
  type ComplaintState,
  type Status,
  applyCommand,
  availableComplaintCommands,
  complaintCommandRefusal,
  openComplaint,
} from '../../src/domain/complaint';
import { CSAT_REASON_CODES } from '../../src/domain/customer';
import { DomainError, ErrorCode } from '../../src/domain/errors';
import type { SlaPolicySnapshot } from '../../src/domain/sla-policy';
import { expectDomainError } from '../helpers/domain';

const MIN = 60_000;
const T0 = Date.parse('2026-03-02T09:00:00Z');
const at = (minutes: number): number => T0 + minutes * MIN;
const REOPEN_WINDOW = 60;

function snapshot(overrides: Partial<SlaPolicySnapshot> = {}): SlaPolicySnapshot {
  return {
    policyId: 'policy-p3',
    version: 1,
    name: 'P3 standard',
    match: { severities: ['P3'] },
    targets: { firstResponseMinutes: 60, nextResponseMinutes: 120, resolutionMinutes: 480 },
    calendarId: ALWAYS_OPEN.id,
    calendar: ALWAYS_OPEN,
    pauseOnAwaitingCustomer: true,
    warningThresholds: [50, 75, 90],
    escalation: [],
    reopenWindowMinutes: REOPEN_WINDOW,
    confirmationWindowMinutes: 3 * 24 * 60,
    ...overrides,
  };
}

const agent: Actor = { id: 'agent-a', role: 'agent' };
const supervisor: Actor = { id: 'sup-1', role: 'supervisor' };
const customer = customerActor('cust-1');
const otherCustomer = customerActor('cust-2');

/** A complaint of customer `cust-1` under a P3 policy (asking NPS or not; `undefined`: a snapshot from before the setting). */
function open(askNps?: boolean): ComplaintState {
  const policy = askNps === undefined ? snapshot() : snapshot({ askNps });
  return openComplaint(
    { complaintId: 'C-1', customer: { id: 'cust-1' }, channel: 'email', category: 'billing', severity: 'P3', description: 'charged twice', createdBy: { id: 'webform', role: 'intake' } },
    { P3: policy },
    T0,
  ).state;
}

const act = (s: ComplaintState, cmd: ComplaintCommand, actor: Actor, minute: number) => applyCommand(s, cmd, actor, at(minute));
const state = (s: ComplaintState, cmd: ComplaintCommand, actor: Actor, minute: number) => act(s, cmd, actor, minute).state;

function expectRejected(s: ComplaintState, cmd: ComplaintCommand, actor: Actor, minute: number, code: ErrorCode): DomainError {
  const before = structuredClone(s);
  const err = expectDomainError(() => applyCommand(s, cmd, actor, at(minute)), code);
  expect(s).toEqual(before);
  return err;
}

/** The field paths a refusal names (`details.errors`), as the API passes them on. */
const errorPaths = (err: DomainError) => ((err.details?.errors ?? []) as { path: string }[]).map((e) => e.path);

// One state per status, every step by agent A (owner and first responder) well before any SLA timer.
const S_OPEN = open(false);
const S_ACKNOWLEDGED = state(S_OPEN, { type: 'acknowledge' }, agent, 1);
const S_IN_PROGRESS = state(S_ACKNOWLEDGED, { type: 'add_note', text: 'on it', visibility: 'public' }, agent, 2);
const S_AWAITING = state(S_IN_PROGRESS, { type: 'request_info', message: 'which invoice?' }, agent, 3);
const S_RESOLVED = state(S_IN_PROGRESS, { type: 'resolve', summary: 'refunded' }, agent, 3);
const S_REOPENED = state(S_RESOLVED, { type: 'reopen', reason: 'refund missing' }, agent, 4);
const S_CLOSED = state(S_RESOLVED, { type: 'close' }, agent, 4);
const S_CANCELLED = state(S_OPEN, { type: 'cancel', reason: 'withdrawn' }, supervisor, 1);
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
const STATUSES = Object.keys(BY_STATUS) as Status[];

/** Commands with a body valid in itself, and the statuses the customer may send each from (the list). */
const CUSTOMER_CASES: { type: CommandType; cmd: ComplaintCommand; allowed: Status[] }[] = [
  { type: 'customer_replied', cmd: { type: 'customer_replied', message: 'invoice 42' }, allowed: ['open', 'acknowledged', 'in_progress', 'awaiting_customer', 'reopened'] },
  { type: 'close', cmd: { type: 'close', rating: 4 }, allowed: ['resolved'] },
  { type: 'reopen', cmd: { type: 'reopen', reason: 'the refund never came' }, allowed: ['resolved'] },
  { type: 'record_csat', cmd: { type: 'record_csat', rating: 5, comment: 'quick' }, allowed: ['resolved'] },
];

/** Every other command, with a body the owner or a supervisor could send somewhere. */
const STAFF_ONLY: ComplaintCommand[] = [
  { type: 'acknowledge' },
  { type: 'add_note', text: 'a note', visibility: 'internal' },
  { type: 'add_note', text: 'a reply', visibility: 'public' },
  { type: 'request_info', message: 'which card?' },
  { type: 'transfer', toAgentId: 'agent-b', reason: 'expert' },
  { type: 'change_severity', severity: 'P2', reason: 'worse' },
  { type: 'resolve', summary: 'done' },
  { type: 'cancel', reason: 'withdrawn' },
];

describe('the customer as an actor on their own complaint', () => {
  describe.each(CUSTOMER_CASES)('$type', ({ cmd, allowed }) => {
    it.each(STATUSES)('from %s: accepted exactly where allowed, else INVALID_TRANSITION with nothing changed', (status) => {
      const s = BY_STATUS[status];
      if (allowed.includes(status)) {
        const applied = act(s, cmd, customer, 10);
        expect(applied.state.version).toBe(s.version + 1);
        const own = applied.transitions.at(-1)!;
        expect({ action: own.action, actor: own.actor }).toEqual({ action: cmd.type, actor: { id: 'cust-1', role: 'customer' } });
      } else {
        expectRejected(s, cmd, customer, 10, ErrorCode.INVALID_TRANSITION);
      }
    });

    it.each(STATUSES)("from %s: another customer is NOT_PERMITTED, whatever the status", (status) => {
      expectRejected(BY_STATUS[status], cmd, otherCustomer, 10, ErrorCode.NOT_PERMITTED);
    });
  });

  it.each(STAFF_ONLY.flatMap((cmd) => STATUSES.map((status) => [cmd, status] as const)))('a staff command (%j) from %s is NOT_PERMITTED for the customer', (cmd, status) => {
    expectRejected(BY_STATUS[status], cmd, customer, 10, ErrorCode.NOT_PERMITTED);
  });

  it('given a reply through the link and the same reply typed in by an agent, then both record the same note: the customer as author, visibility customer, the text', () => {
    const reply: ComplaintCommand = { type: 'customer_replied', message: 'invoice 42, paid twice' };
    const byCustomer = act(S_AWAITING, reply, customer, 10);
    const byAgent = act(S_AWAITING, reply, agent, 10);
    const note = { seq: S_AWAITING.notes.length + 1, authorId: 'cust-1', text: 'invoice 42, paid twice', visibility: 'customer', at: at(10) };
    expect(byCustomer.state.notes.at(-1)).toEqual(note);
    expect(byCustomer.state).toEqual(byAgent.state);
    expect(byCustomer.state.status).toBe('in_progress');
    expect(byCustomer.transitions.map((t) => t.actor)).toEqual([customer]);
  });

  it('given the 60-minute reopen window after resolution at minute 3, when the customer reopens at minute 63 and at minute 64, then the first works and the second is REOPEN_WINDOW_CLOSED', () => {
    expect(state(S_RESOLVED, { type: 'reopen', reason: 'still broken' }, customer, 3 + REOPEN_WINDOW).status).toBe('reopened');
    expectRejected(S_RESOLVED, { type: 'reopen', reason: 'still broken' }, customer, 3 + REOPEN_WINDOW + 1, ErrorCode.REOPEN_WINDOW_CLOSED);
  });

  it('given a customer who confirms with a rating, then the complaint closes and the rating is recorded as theirs', () => {
    const closed = state(S_RESOLVED, { type: 'close', rating: 4, comment: 'thanks' }, customer, 10);
    expect(closed.status).toBe('closed');
    expect(closed.csat).toEqual({ rating: 4, comment: 'thanks', at: at(10), recordedBy: 'cust-1' });
  });

  it('given a rating already recorded, when the customer rates again, then CSAT_ALREADY_RECORDED', () => {
    const rated = state(S_RESOLVED, { type: 'record_csat', rating: 4 }, agent, 10);
    expectRejected(rated, { type: 'record_csat', rating: 5 }, customer, 11, ErrorCode.CSAT_ALREADY_RECORDED);
  });

  it('given staff, when they act on the customer’s behalf as before, then they still may (an agent records the reply, the confirmation and the rating)', () => {
    expect(state(S_AWAITING, { type: 'customer_replied', message: 'ok' }, agent, 10).notes.at(-1)!.authorId).toBe('cust-1');
    expect(state(S_RESOLVED, { type: 'record_csat', rating: 3 }, agent, 10).csat!.recordedBy).toBe('agent-a');
    expect(state(S_RESOLVED, { type: 'close' }, agent, 10).status).toBe('closed');
  });
});

describe('availableComplaintCommands for the customer', () => {
  const listed = (s: ComplaintState, actor: Actor, minute: number) => availableComplaintCommands(s, actor, at(minute));

  it('given each status, then the customer is offered exactly what they may do there: reply while active; reopen, confirm and rate once resolved; nothing once finished', () => {
    const expected: Record<Status, CommandType[]> = {
      open: ['customer_replied'],
      acknowledged: ['customer_replied'],
      in_progress: ['customer_replied'],
      awaiting_customer: ['customer_replied'],
      reopened: ['customer_replied'],
      resolved: ['reopen', 'close', 'record_csat'],
      closed: [],
      cancelled: [],
    };
    for (const status of STATUSES) expect({ status, listed: listed(BY_STATUS[status], customer, 10) }).toEqual({ status, listed: expected[status] });
  });

  it('given a resolved complaint, when the reopen window has passed or a rating was given, then reopen or rate leaves the list', () => {
    expect(listed(S_RESOLVED, customer, 3 + REOPEN_WINDOW + 1)).toEqual(['close', 'record_csat']);
    const rated = state(S_RESOLVED, { type: 'record_csat', rating: 4 }, customer, 10);
    expect(listed(rated, customer, 11)).toEqual(['reopen', 'close']);
  });

  it('given another customer, then nothing is offered in any status, and each refusal says NOT_PERMITTED', () => {
    for (const status of STATUSES) {
      expect({ status, listed: listed(BY_STATUS[status], otherCustomer, 10) }).toEqual({ status, listed: [] });
      for (const type of COMMAND_TYPES) expect(complaintCommandRefusal(BY_STATUS[status], otherCustomer, type, at(10))?.code).toBe(ErrorCode.NOT_PERMITTED);
    }
  });

  it('given the customer and a staff command, then the refusal is NOT_PERMITTED even where the status would allow it', () => {
    expect(complaintCommandRefusal(S_OPEN, customer, 'acknowledge', at(10))?.code).toBe(ErrorCode.NOT_PERMITTED);
    expect(complaintCommandRefusal(S_IN_PROGRESS, customer, 'resolve', at(10))?.code).toBe(ErrorCode.NOT_PERMITTED);
    expect(complaintCommandRefusal(S_RESOLVED, customer, 'add_note', at(10))?.code).toBe(ErrorCode.NOT_PERMITTED);
  });
});

describe('feedback: reason codes on a low rating, NPS where the policy asks', () => {
  const resolvedAsking = (askNps?: boolean) => {
    const s = open(askNps);
    const acked = state(s, { type: 'acknowledge' }, agent, 1);
    return state(acked, { type: 'resolve', summary: 'refunded' }, agent, 2);
  };

  it.each([1, 2])('given rating %s without reason codes, then INVALID_ACTION naming body.reasons (record_csat and close)', (rating) => {
    expect(errorPaths(expectRejected(S_RESOLVED, { type: 'record_csat', rating }, customer, 10, ErrorCode.INVALID_ACTION))).toEqual(['body.reasons']);
    expect(errorPaths(expectRejected(S_RESOLVED, { type: 'close', rating }, customer, 10, ErrorCode.INVALID_ACTION))).toEqual(['body.reasons']);
  });

  it.each([3, 5])('given rating %s with reason codes, then INVALID_ACTION naming body.reasons (they are asked only on a low rating)', (rating) => {
    const err = expectRejected(S_RESOLVED, { type: 'record_csat', rating, reasons: ['slow_response'] }, agent, 10, ErrorCode.INVALID_ACTION);
    expect(errorPaths(err)).toEqual(['body.reasons']);
  });

  it('given an unknown or a repeated reason code, then INVALID_ACTION naming body.reasons', () => {
    expect(errorPaths(expectRejected(S_RESOLVED, { type: 'record_csat', rating: 1, reasons: ['rude_robot'] }, customer, 10, ErrorCode.INVALID_ACTION))).toEqual(['body.reasons']);
    expect(errorPaths(expectRejected(S_RESOLVED, { type: 'record_csat', rating: 1, reasons: ['other', 'other'] }, customer, 10, ErrorCode.INVALID_ACTION))).toEqual(['body.reasons']);
  });

  it('given a low rating with every known reason code, then it is recorded with them', () => {
    const rated = state(S_RESOLVED, { type: 'record_csat', rating: 1, reasons: [...CSAT_REASON_CODES] }, customer, 10);
    expect(rated.csat).toEqual({ rating: 1, reasons: [...CSAT_REASON_CODES], at: at(10), recordedBy: 'cust-1' });
  });

  it('given a policy that does not ask for NPS (askNps false, or a snapshot from before the setting), when an NPS score is sent, then INVALID_ACTION naming body.nps and nothing is recorded', () => {
    for (const s of [resolvedAsking(false), resolvedAsking(undefined)]) {
      expect(errorPaths(expectRejected(s, { type: 'record_csat', rating: 4, nps: 9 }, customer, 10, ErrorCode.INVALID_ACTION))).toEqual(['body.nps']);
      expect(errorPaths(expectRejected(s, { type: 'close', rating: 4, nps: 9 }, customer, 10, ErrorCode.INVALID_ACTION))).toEqual(['body.nps']);
    }
  });

  it('given a policy that asks for NPS, when scores 0 and 10 are sent they are recorded, and 11 or 7.5 is INVALID_ACTION naming body.nps', () => {
    const s = resolvedAsking(true);
    expect(state(s, { type: 'record_csat', rating: 4, nps: 0 }, customer, 10).csat).toEqual({ rating: 4, nps: 0, at: at(10), recordedBy: 'cust-1' });
    expect(state(s, { type: 'close', rating: 5, nps: 10 }, customer, 10).csat).toEqual({ rating: 5, nps: 10, at: at(10), recordedBy: 'cust-1' });
    for (const nps of [11, 7.5]) expect(errorPaths(expectRejected(s, { type: 'record_csat', rating: 4, nps }, customer, 10, ErrorCode.INVALID_ACTION))).toEqual(['body.nps']);
  });

  it('given a policy that asks for NPS, when a rating is recorded without one, then it is accepted (NPS is optional)', () => {
    expect(state(resolvedAsking(true), { type: 'record_csat', rating: 4 }, customer, 10).csat).toEqual({ rating: 4, at: at(10), recordedBy: 'cust-1' });
  });

  it('given a confirmation with reason codes or an NPS score but no rating, then INVALID_ACTION naming body.rating', () => {
    expect(errorPaths(expectRejected(resolvedAsking(true), { type: 'close', reasons: ['other'] }, customer, 10, ErrorCode.INVALID_ACTION))).toEqual(['body.rating']);
    expect(errorPaths(expectRejected(resolvedAsking(true), { type: 'close', nps: 8 }, customer, 10, ErrorCode.INVALID_ACTION))).toEqual(['body.rating']);
  });

  it('given several problems at once, then each is named with its field', () => {
    const err = expectRejected(resolvedAsking(false), { type: 'record_csat', rating: 2, nps: 3 }, customer, 10, ErrorCode.INVALID_ACTION);
    expect(errorPaths(err).sort()).toEqual(['body.nps', 'body.reasons']);
  });

  it('given a recorded rating, then the state is plain JSON (no undefined fields) and the transition keeps scores and codes but not the comment', () => {
    const applied = act(resolvedAsking(true), { type: 'record_csat', rating: 2, reasons: ['slow_response'], comment: 'my number is 555-0101', nps: 3 }, customer, 10);
    expect(JSON.parse(JSON.stringify(applied.state))).toEqual(applied.state);
    expect(Object.keys(applied.state.csat!).sort()).toEqual(['at', 'comment', 'nps', 'rating', 'reasons', 'recordedBy']);
    expect(JSON.stringify(applied.transitions)).not.toContain('555-0101');
    expect(applied.transitions[0]!.details).toMatchObject({ rating: 2, reasons: ['slow_response'], nps: 3 });
  });
});

describe('replaying a rating accepted under the rules before reason codes (legacyFeedback)', () => {
  it('given a low rating without reason codes, when applied with legacyFeedback (as the workflow replays an old update), then it is recorded as it was then; without the option it is refused', () => {
    const cmd: ComplaintCommand = { type: 'record_csat', rating: 2, comment: 'slow' };
    expect(applyCommand(S_RESOLVED, cmd, agent, at(10), { legacyFeedback: true }).state.csat).toEqual({ rating: 2, comment: 'slow', at: at(10), recordedBy: 'agent-a' });
    expectRejected(S_RESOLVED, cmd, agent, 10, ErrorCode.INVALID_ACTION);
  });

  it('given a rating out of 1-5, then it is refused under the old rules too', () => {
    expectDomainError(() => applyCommand(S_RESOLVED, { type: 'close', rating: 6 }, agent, at(10), { legacyFeedback: true }), ErrorCode.INVALID_ACTION);
  });
});

describe('a low rating asks for a supervisor callback', () => {
  it.each([
    ['the customer records', customer, { type: 'record_csat', rating: 2, reasons: ['slow_response', 'had_to_repeat'] }],
    ['an agent records', agent, { type: 'record_csat', rating: 1, reasons: ['not_resolved'] }],
    ['the customer confirms with', customer, { type: 'close', rating: 1, reasons: ['unfriendly'] }],
  ] as [string, Actor, ComplaintCommand & { rating: number; reasons: string[] }][])(
    'given %s a low rating, then the transition carries followUp (callback, rating, reasons) and a csat.low notification goes to supervisors and the first responder',
    (_who, actor, cmd) => {
      const { state: next, transitions } = act(S_RESOLVED, cmd, actor, 10);
      expect(transitions).toHaveLength(1);
      const t = transitions[0]!;
      expect(t.version).toBe(S_RESOLVED.version + 1);
      expect(t.details.followUp).toEqual({ kind: 'callback', rating: cmd.rating, reasons: cmd.reasons });
      expect(t.notifications).toEqual([
        {
          type: 'csat.low',
          recipients: { userIds: ['agent-a'], roles: ['supervisor'] },
          data: { rating: cmd.rating, reasons: cmd.reasons, customerId: 'cust-1', followUpId: `fu_C-1_${next.version}` },
        },
      ]);
    },
  );

  it.each([3, 4, 5])('given rating %s, then no follow-up and no csat.low', (rating) => {
    for (const type of ['record_csat', 'close'] as const) {
      const t = act(S_RESOLVED, { type, rating }, customer, 10).transitions[0]!;
      expect({ type, followUp: t.details.followUp, notifications: t.notifications }).toEqual({ type, followUp: undefined, notifications: [] });
    }
  });

  it('given a confirmation without a rating, then no follow-up', () => {
    const t = act(S_RESOLVED, { type: 'close' }, customer, 10).transitions[0]!;
    expect(t.details).toEqual({ confirmedByCustomer: true, rating: null });
    expect(t.notifications).toEqual([]);
  });
});
