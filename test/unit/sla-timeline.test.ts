/**
 * The SLA timeline (src/domain/sla-timeline.ts), fed with transitions produced
 * by the real reducer (src/domain/complaint.ts) and stored the way the audit
 * trail stores them (JSON), so every scenario is one the workflow can record.
 */
import type { Actor } from '../../src/domain/actors';
import { ALWAYS_OPEN, type BusinessCalendar } from '../../src/domain/calendar';
import {
  type Applied,
  type ComplaintCommand,
  type ComplaintIntake,
  type ComplaintState,
  applyCommand,
  fireDueTimers,
  nextTimerAt,
  openComplaint,
} from '../../src/domain/complaint';
import type { Severity, SlaPolicySnapshot } from '../../src/domain/sla-policy';
import { type ClockTimeline, type SlaAuditEvent, buildSlaTimeline } from '../../src/domain/sla-timeline';

const MIN = 60_000;
/** Monday 2026-03-02 09:00 UTC; "minute n" below is n minutes after T0. */
const T0 = Date.parse('2026-03-02T09:00:00Z');
const at = (minute: number) => T0 + minute * MIN;
const iso = (minute: number) => new Date(at(minute)).toISOString();

const TARGETS = {
  P1: { firstResponseMinutes: 15, nextResponseMinutes: 30, resolutionMinutes: 120 },
  P2: { firstResponseMinutes: 30, nextResponseMinutes: 60, resolutionMinutes: 240 },
  P3: { firstResponseMinutes: 60, nextResponseMinutes: 120, resolutionMinutes: 480 },
  P4: { firstResponseMinutes: 120, nextResponseMinutes: 240, resolutionMinutes: 960 },
} as const;

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
    confirmationWindowMinutes: 3 * 24 * 60,
    ...overrides,
  };
}

const nineToFive = [{ start: '09:00', end: '17:00' }];
/** Mon-Fri 09:00-17:00 UTC, version 3. */
const WEEKDAYS: BusinessCalendar = {
  id: 'weekdays',
  version: 3,
  name: 'weekdays 9-17',
  timeZone: 'UTC',
  weeklyHours: { mon: nineToFive, tue: nineToFive, wed: nineToFive, thu: nineToFive, fri: nineToFive, sat: [], sun: [] },
  holidays: [],
};

const agentA: Actor = { id: 'agent-a', role: 'agent' };
const supervisor: Actor = { id: 'sup-1', role: 'supervisor' };

const ACK: ComplaintCommand = { type: 'acknowledge' };
const REQUEST_INFO: ComplaintCommand = { type: 'request_info', message: 'which invoice?' };
const REPLY: ComplaintCommand = { type: 'customer_replied', message: 'invoice 42' };
const RESOLVE: ComplaintCommand = { type: 'resolve', summary: 'refunded' };

const P3_REF = { id: 'policy-p3', version: 2, name: 'P3 standard' };
const P2_REF = { id: 'policy-p2', version: 2, name: 'P2 standard' };
const ALWAYS_REF = { id: 'always-open', version: 1 };

/** A complaint driven through the reducer, with its audit trail as stored (JSON round trip). */
class Story {
  state!: ComplaintState;
  events: SlaAuditEvent[] = [];

  constructor(
    readonly policies: Partial<Record<Severity, SlaPolicySnapshot>>,
    intake: Partial<ComplaintIntake> = {},
  ) {
    const base: ComplaintIntake = {
      complaintId: 'C-1',
      customer: { id: 'cust-1' },
      channel: 'email',
      category: 'billing',
      severity: 'P3',
      description: 'charged twice',
      createdBy: { id: 'webform', role: 'intake' },
    };
    this.record(openComplaint({ ...base, ...intake }, policies, T0));
  }

  private record(applied: Applied): this {
    this.state = applied.state;
    for (const t of applied.transitions) {
      this.events.push(JSON.parse(JSON.stringify({ seq: t.version, at: t.at, action: t.action, before: t.before, after: t.after, details: t.details })));
    }
    return this;
  }

  /** The command at `minute`, after the timers due before it fired on time (as the workflow's timers do). */
  act(cmd: ComplaintCommand, actor: Actor, minute: number): this {
    this.fire(minute);
    return this.record(applyCommand(this.state, cmd, actor, at(minute)));
  }

  /** Time passes until `minute`: the workflow wakes at each timer instant and fires what is due. */
  fire(minute: number): this {
    for (let wake = nextTimerAt(this.state); wake !== null && wake <= at(minute); wake = nextTimerAt(this.state)) {
      this.record(fireDueTimers(this.state, wake));
    }
    return this;
  }

  timeline(nowMinute: number) {
    return buildSlaTimeline({ events: this.events, policies: this.policies, now: at(nowMinute), state: this.state });
  }
}

const clock = (clocks: ClockTimeline[], kind: string, cycle = 1): ClockTimeline => {
  const found = clocks.find((c) => c.clock === kind && c.cycle === cycle);
  if (!found) throw new Error(`no ${kind} clock ${cycle}; got ${clocks.map((c) => `${c.clock}#${c.cycle}`).join(', ')}`);
  return found;
};
const kinds = (c: ClockTimeline) => c.entries.map((e) => `${e.kind}@${(e.at - T0) / MIN}`);

describe('sla timeline: pause and resume', () => {
  // ack 10, ask the customer 30, customer replies 65, resolved 100 (P3, 24x7).
  const story = new Story({ P3: snapshot('P3') }).act(ACK, agentA, 10).act(REQUEST_INFO, agentA, 30).act(REPLY, agentA, 65).act(RESOLVE, agentA, 100);
  const t = story.timeline(120);

  it('given a complaint that waited for the customer, when its timeline is built, then the resolution clock shows started, paused, resumed and met at the instants of the transitions, with business time frozen while paused', () => {
    const res = clock(t.clocks, 'resolution');
    const common = { policy: P3_REF, calendar: ALWAYS_REF, targetMinutes: 480 };
    expect(res.entries).toEqual([
      { at: at(0), kind: 'started', seq: 1, action: 'intake', reason: 'complaint received', elapsedBusinessMinutes: 0, ...common },
      { at: at(30), kind: 'paused', seq: 3, action: 'request_info', reason: 'awaiting the customer (policy policy-p3 v2 pauses the resolution clock)', elapsedBusinessMinutes: 30, ...common },
      { at: at(65), kind: 'resumed', seq: 4, action: 'customer_replied', reason: 'the customer replied', elapsedBusinessMinutes: 30, ...common },
      { at: at(100), kind: 'met', seq: 5, action: 'resolve', reason: 'resolved within target', elapsedBusinessMinutes: 65, ...common },
    ]);
    expect(res.summary).toEqual({
      state: 'stopped',
      outcome: 'met',
      targetMinutes: 480,
      businessMinutesUsed: 65,
      remainingBusinessMinutes: 415,
      startedAt: at(0),
      stoppedAt: at(100),
      breachedAt: null,
      dueAt: null,
      pauses: { count: 1, wallMinutes: 35, businessMinutes: 35 },
      escalationsDone: 0,
      policy: P3_REF,
      calendar: ALWAYS_REF,
      why: null,
    });
  });

  it('given the same complaint, when its timeline is built, then first response is met at the acknowledgement and the customer reply opens next-response cycle 1, met by the resolution', () => {
    expect(t.clocks.map((c) => `${c.clock}#${c.cycle}`)).toEqual(['first_response#1', 'next_response#1', 'resolution#1']);
    expect(kinds(clock(t.clocks, 'first_response'))).toEqual(['started@0', 'met@10']);
    expect(clock(t.clocks, 'first_response').summary).toMatchObject({ outcome: 'met', businessMinutesUsed: 10, targetMinutes: 60, pauses: { count: 0, wallMinutes: 0, businessMinutes: 0 } });
    const next = clock(t.clocks, 'next_response', 1);
    expect(kinds(next)).toEqual(['started@65', 'met@100']);
    expect(next.entries[0]).toMatchObject({ seq: 4, action: 'customer_replied', targetMinutes: 120 });
    expect(next.summary).toMatchObject({ outcome: 'met', businessMinutesUsed: 35 });
  });

  it('given the final state at the last audited version, when the timeline is built, then the replayed clocks are verified against the workflow state and nothing is noted', () => {
    expect(t.sla).toBe(true);
    expect(t.verified).toBe(true);
    expect(t.notes).toEqual([]);
  });

  it('given the audit events in any order, when the timeline is built, then it is the same (events are replayed by seq)', () => {
    const shuffled = [...story.events].reverse();
    expect(buildSlaTimeline({ events: shuffled, policies: story.policies, now: at(120), state: story.state })).toEqual(t);
  });

  it('given a complaint still waiting for the customer, when the timeline is built, then the open pause counts up to now and the clock is paused with no due time', () => {
    const waiting = new Story({ P3: snapshot('P3') }).act(ACK, agentA, 10).act(REQUEST_INFO, agentA, 30);
    const res = clock(waiting.timeline(90).clocks, 'resolution');
    expect(res.summary).toMatchObject({ state: 'paused', outcome: 'pending', businessMinutesUsed: 30, dueAt: null, pauses: { count: 1, wallMinutes: 60, businessMinutes: 60 } });
  });

  it('given a policy that does not pause while awaiting the customer, when the complaint waits, then the resolution clock has no pause and keeps running', () => {
    const story2 = new Story({ P3: snapshot('P3', { pauseOnAwaitingCustomer: false }) }).act(ACK, agentA, 10).act(REQUEST_INFO, agentA, 30).act(REPLY, agentA, 65);
    const t2 = story2.timeline(80);
    const res = clock(t2.clocks, 'resolution');
    expect(kinds(res)).toEqual(['started@0']);
    expect(res.summary).toMatchObject({ state: 'running', businessMinutesUsed: 80, dueAt: at(480), pauses: { count: 0 } });
    expect(t2.verified).toBe(true);
  });
});

describe('sla timeline: breaches explained', () => {
  it('given a resolution clock that breached after a pause, when the timeline is built, then it shows the warnings with their due time, the breach at the exact deadline, and a one-line why naming target, policy, calendar and the pause', () => {
    const policies = { P3: snapshot('P3', { targets: { firstResponseMinutes: 60, nextResponseMinutes: 600, resolutionMinutes: 120 } }) };
    // Paused 20 → 55 (35 min): 120 business minutes are used up at minute 155, not 120.
    const story = new Story(policies).act(ACK, agentA, 5).act(REQUEST_INFO, agentA, 20).act(REPLY, agentA, 55).fire(160).act(RESOLVE, agentA, 170);
    const t = story.timeline(180);
    const res = clock(t.clocks, 'resolution');
    expect(kinds(res)).toEqual(['started@0', 'paused@20', 'resumed@55', 'warned@95', 'warned@125', 'warned@143', 'breached@155', 'stopped@170']);
    expect(res.entries.filter((e) => e.kind === 'warned').map((e) => ({ threshold: e.threshold, dueAt: e.dueAt, used: e.elapsedBusinessMinutes }))).toEqual([
      { threshold: 50, dueAt: at(155), used: 60 },
      { threshold: 75, dueAt: at(155), used: 90 },
      { threshold: 90, dueAt: at(155), used: 108 },
    ]);
    expect(res.entries.find((e) => e.kind === 'breached')).toMatchObject({ at: at(155), action: 'sla_breached', elapsedBusinessMinutes: 120, targetMinutes: 120 });
    expect(res.entries.at(-1)).toMatchObject({ kind: 'stopped', action: 'resolve', reason: `resolved after the breach at ${iso(155)}` });
    expect(res.summary).toMatchObject({ outcome: 'breached', breachedAt: at(155), businessMinutesUsed: 135, state: 'stopped' });
    expect(res.summary.why).toBe(
      `resolution target 120 business minutes (policy policy-p3 v2, calendar always-open v1) exceeded at ${iso(155)}; paused 35 min while awaiting the customer; stopped at ${iso(170)} (resolve) after 135 business minutes`,
    );
    expect(t.verified).toBe(true);
  });

  it('given a business-hours calendar and a pause over the night, when the clock breaches the next morning, then the why separates wall-clock pause from the business minutes it did not count, and the calendar version is named', () => {
    const policies = { P3: snapshot('P3', { calendarId: 'weekdays', calendar: WEEKDAYS }) };
    // Mon 09:00 received; ack 09:30; asked the customer Mon 16:00 (420 business min used);
    // reply Tue 10:00; 60 business minutes left -> breach Tue 11:00.
    const story = new Story(policies).act(ACK, agentA, 30).act(REQUEST_INFO, agentA, 420).act(REPLY, agentA, 1500).fire(1600);
    const t = story.timeline(1620);
    const res = clock(t.clocks, 'resolution');
    expect(kinds(res)).toEqual(['started@0', 'warned@240', 'warned@360', 'paused@420', 'resumed@1500', 'warned@1512', 'breached@1560']);
    expect(res.entries.find((e) => e.kind === 'paused')).toMatchObject({ calendar: { id: 'weekdays', version: 3 }, elapsedBusinessMinutes: 420 });
    expect(res.summary).toMatchObject({ outcome: 'breached', state: 'running', businessMinutesUsed: 540, pauses: { count: 1, wallMinutes: 1080, businessMinutes: 120 } });
    expect(res.summary.why).toBe(
      `resolution target 480 business minutes (policy policy-p3 v2, calendar weekdays v3) exceeded at ${iso(1560)}; paused 1080 min while awaiting the customer (120 business min not counted); 540 business minutes used so far`,
    );
    expect(t.verified).toBe(true);
  });

  it('given a severity raised by an agent, when the shorter target is then missed, then the clock shows the retarget with old and new targets and policies, keeps its accrued time, and the why names the change', () => {
    const story = new Story({ P3: snapshot('P3'), P2: snapshot('P2') })
      .act(ACK, agentA, 10)
      .act({ type: 'change_severity', severity: 'P2', reason: 'VIP customer' }, agentA, 50)
      .fire(300);
    const t = story.timeline(300);
    const res = clock(t.clocks, 'resolution');
    expect(res.entries.find((e) => e.kind === 'retargeted')).toEqual({
      at: at(50),
      kind: 'retargeted',
      seq: 3,
      action: 'change_severity',
      reason: 'severity changed P3 → P2 (VIP customer): target 480 → 240 business minutes (policy policy-p2 v2)',
      targetMinutes: 240,
      fromTargetMinutes: 480,
      elapsedBusinessMinutes: 50,
      severity: { from: 'P3', to: 'P2' },
      policy: P2_REF,
      calendar: ALWAYS_REF,
    });
    expect(kinds(res)).toEqual(['started@0', 'retargeted@50', 'warned@120', 'warned@180', 'warned@216', 'breached@240']);
    expect(res.summary.why).toBe(
      `resolution target 240 business minutes (policy policy-p2 v2, calendar always-open v1) exceeded at ${iso(240)}; target changed 480 → 240 min at ${iso(50)} (severity P3 → P2); never paused; 300 business minutes used so far`,
    );
    // A met clock keeps the policy and target it was judged against.
    expect(clock(t.clocks, 'first_response').summary).toMatchObject({ outcome: 'met', targetMinutes: 60, policy: P3_REF });
    expect(kinds(clock(t.clocks, 'first_response'))).toEqual(['started@0', 'met@10']);
    expect(t.verified).toBe(true);
    expect(t.notes).toEqual([]);
  });

  it('given an escalation ladder that notifies and then raises severity, when the breached clock runs on, then the timeline shows each escalation step and the retarget the raise caused', () => {
    const ladder: SlaPolicySnapshot['escalation'] = [
      { afterBreachMinutes: 0, action: 'notify_role', role: 'supervisor' },
      { afterBreachMinutes: 30, action: 'raise_severity' },
    ];
    const policies = {
      P3: snapshot('P3', { targets: { firstResponseMinutes: 600, nextResponseMinutes: 600, resolutionMinutes: 60 }, escalation: ladder }),
      P2: snapshot('P2', { targets: { firstResponseMinutes: 600, nextResponseMinutes: 600, resolutionMinutes: 90 }, escalation: ladder }),
    };
    const story = new Story(policies).act(ACK, agentA, 5).fire(200);
    const t = story.timeline(200);
    const res = clock(t.clocks, 'resolution');
    expect(res.entries.filter((e) => ['breached', 'escalated', 'retargeted'].includes(e.kind)).map((e) => ({ kind: e.kind, minute: (e.at - T0) / MIN, reason: e.reason, step: e.step, policy: e.policy.id }))).toEqual([
      { kind: 'breached', minute: 60, reason: 'target of 60 business minutes reached', step: undefined, policy: 'policy-p3' },
      { kind: 'escalated', minute: 60, reason: 'escalation step 1: notify supervisor', step: 0, policy: 'policy-p3' },
      { kind: 'escalated', minute: 90, reason: 'escalation step 2: raise severity P3 → P2', step: 1, policy: 'policy-p3' },
      { kind: 'retargeted', minute: 90, reason: 'escalation raised severity P3 → P2: target 60 → 90 business minutes (policy policy-p2 v2)', step: undefined, policy: 'policy-p2' },
    ]);
    expect(res.summary).toMatchObject({ outcome: 'breached', escalationsDone: 2, targetMinutes: 90, policy: P2_REF });
    // The breach is explained by the target it was judged against, not the later one.
    expect(res.summary.why).toMatch(/^resolution target 60 business minutes \(policy policy-p3 v2, calendar always-open v1\) exceeded at/);
    expect(t.verified).toBe(true);
  });

  it('given a next-response cycle nobody answered, when it breaches and the complaint later auto-closes, then that cycle breached and every clock still open is stopped by the auto-close', () => {
    const policies = { P3: snapshot('P3', { targets: { firstResponseMinutes: 60, nextResponseMinutes: 30, resolutionMinutes: 6000 } }) };
    const story = new Story(policies).act(ACK, agentA, 5).act(REPLY, agentA, 10).fire(45).act(RESOLVE, agentA, 60).fire(60 + 3 * 24 * 60);
    const t = story.timeline(60 + 3 * 24 * 60);
    const next = clock(t.clocks, 'next_response', 1);
    expect(kinds(next)).toEqual(['started@10', 'warned@25', 'warned@32.5', 'warned@37', 'breached@40', 'stopped@60']);
    expect(next.summary.why).toBe(
      `next-response (cycle 1) target 30 business minutes (policy policy-p3 v2, calendar always-open v1) exceeded at ${iso(40)}; stopped at ${iso(60)} (resolve) after 50 business minutes`,
    );
    expect(story.events.at(-1)!.action).toBe('auto_close');
    expect(clock(t.clocks, 'resolution').summary).toMatchObject({ outcome: 'met', state: 'stopped' });
    expect(t.verified).toBe(true);
  });

  it('given a clock past its target whose breach the workflow has not recorded yet, when the timeline is built, then it is overdue, not breached, and the why says so', () => {
    const story = new Story({ P3: snapshot('P3') });
    const t = story.timeline(70);
    const fr = clock(t.clocks, 'first_response');
    expect(fr.summary).toMatchObject({ outcome: 'overdue', breachedAt: null, businessMinutesUsed: 70, remainingBusinessMinutes: -10 });
    expect(fr.summary.why).toBe('first-response target 60 business minutes (policy policy-p3 v2, calendar always-open v1) used up; the breach is not recorded yet; 70 business minutes used so far');
  });
});

describe('sla timeline: other lifecycles', () => {
  it('given a phone call taken by an agent, when the timeline is built, then first response is met at intake', () => {
    const story = new Story({ P3: snapshot('P3') }, { channel: 'phone', createdBy: agentA });
    const fr = clock(story.timeline(5).clocks, 'first_response');
    expect(fr.entries.map((e) => [e.kind, e.at, e.reason])).toEqual([
      ['started', T0, 'complaint received'],
      ['met', T0, 'acknowledged at intake (phone call taken by an agent)'],
    ]);
    expect(fr.summary).toMatchObject({ outcome: 'met', businessMinutesUsed: 0 });
    expect(story.timeline(5).verified).toBe(true);
  });

  it('given a resolved complaint that is reopened and resolved again, when the timeline is built, then resolution resumes with its accrued time and is met again, time spent resolved not counting', () => {
    const story = new Story({ P3: snapshot('P3') }).act(ACK, agentA, 10).act(RESOLVE, agentA, 40).act({ type: 'reopen', reason: 'refund missing' }, agentA, 55).act(RESOLVE, agentA, 70);
    const t = story.timeline(80);
    const res = clock(t.clocks, 'resolution');
    expect(res.entries.map((e) => [e.kind, (e.at - T0) / MIN, e.elapsedBusinessMinutes])).toEqual([
      ['started', 0, 0],
      ['met', 40, 40],
      ['resumed', 55, 40],
      ['met', 70, 55],
    ]);
    expect(res.entries[2]!.reason).toBe('reopened: the resolution clock resumes with the time it had accrued');
    expect(res.summary).toMatchObject({ outcome: 'met', businessMinutesUsed: 55 });
    expect(t.verified).toBe(true);
  });

  it('given a complaint cancelled before anyone acknowledged it, when the timeline is built, then both clocks are stopped (not met) by the cancellation', () => {
    const story = new Story({ P3: snapshot('P3') }).act({ type: 'cancel', reason: 'withdrawn' }, supervisor, 20);
    const t = story.timeline(30);
    for (const kind of ['first_response', 'resolution']) {
      const c = clock(t.clocks, kind);
      expect(c.entries.at(-1)).toMatchObject({ kind: 'stopped', at: at(20), reason: 'complaint cancelled (withdrawn)' });
      expect(c.summary).toMatchObject({ outcome: 'stopped', businessMinutesUsed: 20, why: null });
    }
    expect(t.verified).toBe(true);
  });

  it('given no SLA policy matched at intake, when the timeline is built, then it says no SLA applied and has no clocks', () => {
    const story = new Story({});
    expect(story.timeline(10)).toEqual({ sla: false, clocks: [], verified: true, notes: [] });
  });
});

describe('sla timeline: gaps and disagreements', () => {
  it('given the frozen policy snapshot is unavailable, when the timeline is built, then it names the missing policy and does not invent clocks', () => {
    const story = new Story({ P3: snapshot('P3') }).act(ACK, agentA, 10);
    const t = buildSlaTimeline({ events: story.events, policies: {}, now: at(20) });
    expect(t).toEqual({ sla: true, clocks: [], verified: null, notes: ['the frozen snapshot of policy policy-p3 v2 (severity P3) is not available; clocks cannot be reconstructed'] });
  });

  it('given a snapshot that is not the one the intake recorded, when the timeline is built, then the disagreement is noted', () => {
    const story = new Story({ P3: snapshot('P3') });
    const t = buildSlaTimeline({ events: story.events, policies: { P3: snapshot('P3', { version: 7 }) }, now: at(5) });
    expect(t.notes).toEqual(['the intake recorded policy policy-p3 v2 (calendar always-open) but the frozen snapshot for P3 is policy-p3 v7 (calendar always-open)']);
  });

  it('given an audit trail with an event missing, when the timeline is built against the final state, then the gap is noted and the replay disagrees with the workflow clocks', () => {
    const story = new Story({ P3: snapshot('P3') }).act(ACK, agentA, 10).act(REQUEST_INFO, agentA, 30).act(REPLY, agentA, 65);
    const withoutRequestInfo = story.events.filter((e) => e.action !== 'request_info');
    const t = buildSlaTimeline({ events: withoutRequestInfo, policies: story.policies, now: at(70), state: story.state });
    expect(t.notes[0]).toBe('audit event 3 is missing; the timeline may be incomplete');
    // Without the pause, the replay counts the waiting time.
    expect(t.verified).toBe(false);
    expect(t.notes).toContain(`resolution: runningSince is ${at(65)} in the workflow state, ${at(0)} in the replay`);
  });

  it('given several events missing, when the timeline is built, then one note names them', () => {
    const story = new Story({ P3: snapshot('P3') }).act(ACK, agentA, 10).act(REQUEST_INFO, agentA, 30).act(REPLY, agentA, 65).act(RESOLVE, agentA, 100);
    const t = buildSlaTimeline({ events: story.events.filter((e) => e.seq !== 2 && e.seq !== 4), policies: story.policies, now: at(120) });
    expect(t.notes[0]).toBe('audit events 2, 4 are missing; the timeline may be incomplete');
  });

  it('given a state newer than the last audit event (persistence still under way), when the timeline is built, then it is not verified rather than reported as different', () => {
    const story = new Story({ P3: snapshot('P3') }).act(ACK, agentA, 10);
    const t = buildSlaTimeline({ events: story.events.slice(0, 1), policies: story.policies, now: at(20), state: story.state });
    expect(t.verified).toBeNull();
    expect(t.notes).toEqual([]);
  });

  it('given no audit events yet (the workflow has not registered the complaint), when the timeline is built, then it says so and has no clocks', () => {
    expect(buildSlaTimeline({ events: [], policies: {}, now: at(0) })).toEqual({ sla: false, clocks: [], verified: null, notes: ['no audit events yet (the complaint is still being registered)'] });
  });

  it('given an audit trail that does not start at the intake, when the timeline is built, then it says so and has no clocks', () => {
    const story = new Story({ P3: snapshot('P3') }).act(ACK, agentA, 10);
    const t = buildSlaTimeline({ events: story.events.slice(1).map((e) => ({ ...e, seq: 1 })), policies: story.policies, now: at(20) });
    expect(t).toEqual({ sla: false, clocks: [], verified: null, notes: ['the audit trail does not start with the intake; clocks cannot be reconstructed'] });
  });
});
