import type { Actor } from '../../src/domain/actors';
import { intakeProblems } from '../../src/domain/cycle';
import { ErrorCode } from '../../src/domain/errors';
import { hashOf } from '../../src/domain/hashing';
import { type KpiId, KPIS } from '../../src/domain/kpi';
import {
  type KpiSnapshotRow,
  type NewActionCycle,
  type ReviewApplied,
  type ReviewCommand,
  type ReviewIntake,
  type ReviewSnapshot,
  type ReviewState,
  STANDARD_REVIEW_KPIS,
  actionCycleId,
  actionCycleIntake,
  applyReviewCommand,
  applyReviewEvent,
  kpiRows,
  lastEndedPeriod,
  nextCycleToStart,
  objectiveMet,
  openReview,
  pendingSigners,
  periodEnded,
  reviewContentHash,
  reviewKpis,
  reviewPeriod,
  reviewPeriodOf,
} from '../../src/domain/review';
import { formatKpiValue, reviewMarkdown } from '../../src/domain/review-report';
import type { QualityObjective } from '../../src/domain/service-area';
import { expectDomainError } from '../helpers/domain';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-04-01T06:00:00Z');

const olivia: Actor = { id: 'olivia', role: 'process_owner' };
const simon: Actor = { id: 'simon', role: 'sponsor' };
const sam: Actor = { id: 'sam', role: 'supervisor' };
const bob: Actor = { id: 'bob', role: 'agent' };
const system: Actor = { id: 'system', role: 'system' };

const objectives: QualityObjective[] = [
  { kpi: 'first_response_attainment', comparator: '>=', target: 0.95 },
  { kpi: 'csat_average', comparator: '>=', target: 4.3 },
  { kpi: 'complaint_rate', comparator: '<=', target: 2 },
  { kpi: 'complaint_rate', comparator: '>=', target: 0.1 },
];

/** Every KPI a review of `objectives` measures, with the values given (null elsewhere). */
function measured(values: Partial<Record<KpiId, number>>) {
  return new Map(
    reviewKpis(objectives).map((kpi) => [kpi, { label: KPIS[kpi].label, unit: KPIS[kpi].unit, better: KPIS[kpi].better, value: values[kpi] ?? null, n: values[kpi] === undefined ? null : 40 }]),
  );
}

function snapshot(kpis: KpiSnapshotRow[] = kpiRows(objectives, measured({ first_response_attainment: 0.9, csat_average: 4.5 }))): ReviewSnapshot {
  return {
    area: { areaId: 'billing', version: 3, name: 'Billing support', processOwnerId: 'olivia', timeZone: 'Europe/Paris' },
    period: reviewPeriod('2026-03', 'monthly')!,
    takenAt: T0,
    signalsSince: Date.parse('2026-02-28T23:00:00Z'),
    previousReviewId: null,
    kpis,
    signals: [{ triggerId: 'billing-causes', triggerVersion: 2, subject: 'cause=double_charge', period: '2026-03', outcome: 'opened', cycleId: 'y_1', summary: 'double charge 61 % of complaints', at: T0 - 10 * DAY }],
    cycles: { open: [{ cycleId: 'y_1', title: 'Double charges', type: 'pdca', phase: 'plan', status: 'active', ownerId: 'olivia', closedAt: null }], closedSinceLastReview: [] },
    topCauses: [{ cause: 'double_charge', label: 'Double charge', count: 61, share: 0.61, cumulativeShare: 0.61 }],
  };
}

function intake(overrides: Partial<ReviewIntake> = {}): ReviewIntake {
  return { reviewId: 'billing-2026-03', areaId: 'billing', periodKey: '2026-03', processOwnerId: 'olivia', reviewerIds: ['simon', 'sam'], snapshot: snapshot(), createdBy: system, ...overrides };
}

/** Applies commands in turn, one hour apart; returns the final state and every transition. */
function run(state: ReviewState, ...steps: [Actor, ReviewCommand][]): ReviewApplied {
  let s = state;
  const transitions: ReviewApplied['transitions'] = [];
  steps.forEach(([actor, cmd], i) => {
    const applied = applyReviewCommand(s, cmd, actor, s.updatedAt + (i + 1) * HOUR);
    s = applied.state;
    transitions.push(...applied.transitions);
  });
  return { state: s, transitions };
}

const decide = (text = 'Add the tariff explanation to the first bill'): ReviewCommand => ({ type: 'record_decision', text });
const approve = (comment = 'ok', reviewerIds?: string[]): ReviewCommand => ({ type: 'sign', decision: 'approve', comment, ...(reviewerIds ? { reviewerIds } : {}) });
const reject = (reasons: string[] = ['the causes table is missing the March billing run']): ReviewCommand => ({ type: 'sign', decision: 'reject', comment: 'not yet', reasons });

const goodCycle = (overrides: Partial<NewActionCycle> = {}): NewActionCycle => ({
  type: 'pdca',
  title: 'Halve double charges',
  problemStatement: 'Double charges are 61 % of billing complaints in March 2026.',
  sponsorId: 'simon',
  goal: { metric: 'double charges per week', unit: 'complaints', direction: 'lower_is_better', metricType: 'continuous', baseline: 15, target: 7, deadline: T0 + 60 * DAY },
  ...overrides,
});

describe('review periods', () => {
  it('given days, when cut by weekly, monthly and quarterly frequencies, then ISO weeks, months and quarters', () => {
    expect(reviewPeriodOf('2026-03-31', 'monthly')).toBe('2026-03');
    expect(reviewPeriodOf('2026-03-31', 'quarterly')).toBe('2026-Q1');
    expect(reviewPeriodOf('2026-04-01', 'quarterly')).toBe('2026-Q2');
    expect(reviewPeriodOf('2026-12-31', 'quarterly')).toBe('2026-Q4');
    // 2026-01-01 is a Thursday: the ISO week 2026-W01 starts on Monday 2025-12-29.
    expect(reviewPeriodOf('2025-12-29', 'weekly')).toBe('2026-W01');
    expect(reviewPeriodOf('2025-12-28', 'weekly')).toBe('2025-W52');
  });

  it('given period keys, when bounded, then first and last days, a quarter spanning three months, and keys of the wrong format or a week 53 that does not exist are refused', () => {
    expect(reviewPeriod('2026-Q1', 'quarterly')).toEqual({ key: '2026-Q1', frequency: 'quarterly', from: '2026-01-01', to: '2026-03-31' });
    expect(reviewPeriod('2024-Q1', 'quarterly')!.to).toBe('2024-03-31');
    expect(reviewPeriod('2026-Q4', 'quarterly')).toMatchObject({ from: '2026-10-01', to: '2026-12-31' });
    expect(reviewPeriod('2024-02', 'monthly')).toMatchObject({ from: '2024-02-01', to: '2024-02-29' });
    expect(reviewPeriod('2026-W01', 'weekly')).toMatchObject({ from: '2025-12-29', to: '2026-01-04' });
    expect(reviewPeriod('2026-W53', 'weekly')).toMatchObject({ from: '2026-12-28', to: '2027-01-03' });
    expect(reviewPeriod('2025-W53', 'weekly')).toBeNull();
    expect(reviewPeriod('2026-03', 'weekly')).toBeNull();
    expect(reviewPeriod('2026-Q1', 'monthly')).toBeNull();
    expect(reviewPeriod('2026-13', 'monthly')).toBeNull();
    expect(reviewPeriod('2026-Q5', 'quarterly')).toBeNull();
  });

  it('given today, when asking for the last ended period, then the period before today’s, ended only once its last day is behind', () => {
    expect(lastEndedPeriod('2026-04-01', 'monthly')).toMatchObject({ key: '2026-03', from: '2026-03-01', to: '2026-03-31' });
    expect(lastEndedPeriod('2026-03-31', 'monthly').key).toBe('2026-02');
    expect(lastEndedPeriod('2026-04-01', 'quarterly').key).toBe('2026-Q1');
    expect(lastEndedPeriod('2026-01-15', 'quarterly')).toMatchObject({ key: '2025-Q4', from: '2025-10-01', to: '2025-12-31' });
    // Monday 2026-03-30: the week of 23-29 March has just ended.
    expect(lastEndedPeriod('2026-03-30', 'weekly')).toMatchObject({ key: '2026-W13', from: '2026-03-23', to: '2026-03-29' });
    expect(periodEnded(reviewPeriod('2026-03', 'monthly')!, '2026-03-31')).toBe(false);
    expect(periodEnded(reviewPeriod('2026-03', 'monthly')!, '2026-04-01')).toBe(true);
  });
});

describe('review snapshot: KPIs against objectives', () => {
  it('given values on both sides of objectives, when judged, then met, missed, and null without data', () => {
    expect(objectiveMet({ comparator: '>=', target: 0.95 }, 0.95)).toBe(true);
    expect(objectiveMet({ comparator: '>=', target: 0.95 }, 0.9499)).toBe(false);
    expect(objectiveMet({ comparator: '<=', target: 2 }, 1.5)).toBe(true);
    expect(objectiveMet({ comparator: '<=', target: 2 }, 2.5)).toBe(false);
    expect(objectiveMet({ comparator: '>=', target: 4.3 }, null)).toBeNull();
  });

  it('given objectives (one KPI with a floor and a ceiling), when the rows are built, then one row per objective first, then the standard KPIs no objective names, unjudged', () => {
    const rows = kpiRows(objectives, measured({ first_response_attainment: 0.9, csat_average: 4.5, complaint_rate: 2.4 }));
    expect(rows.slice(0, 4).map((r) => [r.kpi, r.objective, r.value, r.met])).toEqual([
      ['first_response_attainment', { comparator: '>=', target: 0.95 }, 0.9, false],
      ['csat_average', { comparator: '>=', target: 4.3 }, 4.5, true],
      ['complaint_rate', { comparator: '<=', target: 2 }, 2.4, false],
      ['complaint_rate', { comparator: '>=', target: 0.1 }, 2.4, true],
    ]);
    const named = new Set(objectives.map((o) => o.kpi));
    const standard = rows.slice(4);
    expect(standard.map((r) => r.kpi)).toEqual(STANDARD_REVIEW_KPIS.filter((k) => !named.has(k)));
    expect(standard.every((r) => r.objective === null && r.met === null)).toBe(true);
    expect(rows.find((r) => r.kpi === 'resolution_attainment')).toMatchObject({ value: null, n: null, met: null });
    expect(reviewKpis(objectives)).toEqual(['first_response_attainment', 'csat_average', 'complaint_rate', ...STANDARD_REVIEW_KPIS.filter((k) => !named.has(k))]);
  });

  it('given a KPI that was not measured, when the rows are built, then it fails loudly instead of reporting no data', () => {
    expect(() => kpiRows([{ kpi: 'transfer_count', comparator: '<=', target: 3 }], measured({}))).toThrow(/transfer_count was not measured/);
  });
});

describe('review state machine', () => {
  const created = () => openReview(intake(), T0);

  it('given an intake, when opened, then version 1, open, reviewers without the process owner, one attributed creation transition naming the missed objectives, reviewers notified', () => {
    const { state, transitions } = openReview(intake({ reviewerIds: ['simon', 'olivia', 'sam', 'simon'] }), T0);
    expect(state).toMatchObject({ version: 1, status: 'open', createdAt: T0, reviewerIds: ['simon', 'sam'], decisions: [], actions: [], signatures: [] });
    expect(pendingSigners(state)).toEqual(['olivia', 'simon', 'sam']);
    expect(transitions).toHaveLength(1);
    expect(transitions[0]).toMatchObject({ version: 1, action: 'create', actor: system, before: null, details: { objectivesMissed: ['first_response_attainment'] } });
    expect(transitions[0]!.notifications[0]).toMatchObject({ type: 'review.opened', recipients: { userIds: ['olivia', 'simon', 'sam'] } });
  });

  it('given an open review, when reviewers record decisions and actions, then each is one attributed transition and the version grows by one; a non-reviewer is refused', () => {
    const { state, transitions } = run(created().state, [olivia, decide()], [simon, { type: 'add_action', title: 'Rewrite the tariff letter', assigneeId: 'bob', dueAt: T0 + 14 * DAY }], [sam, decide('Watch CSAT next month')]);
    expect(state.version).toBe(4);
    expect(transitions.map((t) => [t.version, t.action, t.actor.id])).toEqual([
      [2, 'decision_recorded', 'olivia'],
      [3, 'action_added', 'simon'],
      [4, 'decision_recorded', 'sam'],
    ]);
    expect(state.decisions.map((d) => [d.id, d.by])).toEqual([
      ['d1', 'olivia'],
      ['d3', 'sam'],
    ]);
    expect(state.actions[0]).toMatchObject({ id: 'a2', assigneeId: 'bob', by: 'simon', byRole: 'sponsor', cycle: null });
    expect(transitions[1]!.notifications[0]).toMatchObject({ type: 'review.action_assigned', recipients: { userIds: ['bob'] } });
    expectDomainError(() => applyReviewCommand(state, decide(), bob, T0 + DAY), ErrorCode.NOT_PERMITTED);
    expectDomainError(() => applyReviewCommand(state, { type: 'add_action', title: 'x', assigneeId: 'bob', dueAt: T0 - HOUR }, olivia, T0), ErrorCode.INVALID_ACTION);
  });

  it('given an open review, when a reviewer signs before the process owner, or the owner submits without a decision or without another reviewer, then refused with nothing changed', () => {
    const s = created().state;
    expectDomainError(() => applyReviewCommand(s, approve(), simon, T0 + HOUR), ErrorCode.INVALID_TRANSITION);
    expectDomainError(() => applyReviewCommand(s, reject(), olivia, T0 + HOUR), ErrorCode.INVALID_TRANSITION);
    expectDomainError(() => applyReviewCommand(s, approve(), olivia, T0 + HOUR), ErrorCode.GATE_INCOMPLETE);
    const decided = run(s, [olivia, decide()]).state;
    // Four eyes: the area lists nobody else (now), so the process owner cannot sign it off alone.
    const alone = expectDomainError(() => applyReviewCommand(decided, approve('ok', ['olivia']), olivia, T0 + 2 * HOUR), ErrorCode.SELF_APPROVAL_FORBIDDEN);
    expect(alone.message).toMatch(/alone/);
    // A review of an area without other reviewers is still created and worked on; only its sign-off waits.
    expect(applyReviewCommand(openReview(intake({ reviewerIds: [] }), T0).state, decide(), olivia, T0 + HOUR).state.decisions).toHaveLength(1);
  });

  it('given a submitted review, when every other reviewer approves, then it is signed, every signature binding the content hash of the submission, with meanings that say what each attests', () => {
    const decided = run(created().state, [olivia, decide()], [sam, { type: 'add_action', title: 'Rewrite the tariff letter', assigneeId: 'bob', dueAt: T0 + 14 * DAY }]).state;
    const hash = reviewContentHash(decided);
    const submitted = run(decided, [olivia, approve('chaired')]);
    expect(submitted.state).toMatchObject({ status: 'submitted', approvedBy: ['olivia'], submission: { by: 'olivia', contentHash: hash } });
    expect(submitted.transitions[0]).toMatchObject({ action: 'submitted', actor: olivia });
    expect(submitted.transitions[0]!.notifications[0]).toMatchObject({ type: 'review.submitted', recipients: { userIds: ['simon', 'sam'] } });
    expect(pendingSigners(submitted.state)).toEqual(['simon', 'sam']);

    // The content is frozen while submitted.
    expectDomainError(() => applyReviewCommand(submitted.state, decide(), sam, T0 + DAY), ErrorCode.INVALID_TRANSITION);
    expectDomainError(() => applyReviewCommand(submitted.state, approve(), olivia, T0 + DAY), ErrorCode.ALREADY_SIGNED);

    const half = run(submitted.state, [simon, approve()]);
    expect(half.state.status).toBe('submitted');
    expect(half.transitions.map((t) => t.action)).toEqual(['signature_recorded']);
    expectDomainError(() => applyReviewCommand(half.state, approve(), simon, T0 + DAY), ErrorCode.ALREADY_SIGNED);

    const done = run(half.state, [sam, approve('agreed')]);
    expect(done.state).toMatchObject({ status: 'signed', approvedBy: ['olivia', 'simon', 'sam'] });
    expect(done.state.signedAt).toBe(done.transitions[1]!.at);
    expect(done.transitions.map((t) => [t.action, t.actor.id, t.version])).toEqual([
      ['signature_recorded', 'sam', done.state.version - 1],
      ['signed', 'sam', done.state.version],
    ]);
    expect(done.transitions[1]!.notifications[0]).toMatchObject({ type: 'review.signed', recipients: { userIds: ['olivia', 'simon', 'sam'] } });
    expect(done.state.signatures.map((x) => [x.signerId, x.signerRole, x.decision, x.contentHash, x.meaning])).toEqual([
      ['olivia', 'process_owner', 'approved', hash, 'submitted and approved quality review Billing support 2026-03 as process owner'],
      ['simon', 'sponsor', 'approved', hash, 'approved quality review Billing support 2026-03'],
      ['sam', 'supervisor', 'approved', hash, 'approved quality review Billing support 2026-03'],
    ]);
    // The hash is reproducible from the review's content alone.
    expect(hash).toBe(hashOf({ reviewId: decided.reviewId, snapshot: decided.snapshot, decisions: [{ id: 'd1', text: decided.decisions[0]!.text, by: 'olivia' }], actions: [{ id: 'a2', title: 'Rewrite the tariff letter', assigneeId: 'bob', dueAt: T0 + 14 * DAY, by: 'sam', cycle: null }] }));
    expectDomainError(() => applyReviewCommand(done.state, decide(), olivia, T0 + 2 * DAY), ErrorCode.INVALID_TRANSITION);
    expectDomainError(() => applyReviewCommand(done.state, approve(), sam, T0 + 2 * DAY), ErrorCode.INVALID_TRANSITION);
  });

  it('given a submitted review, when a reviewer rejects with reasons, then it is open again, the round’s approvals lapse and the rejection is kept; a rejection without reasons is refused', () => {
    const submitted = run(created().state, [olivia, decide()], [olivia, approve()], [simon, approve()]).state;
    expectDomainError(() => applyReviewCommand(submitted, { type: 'sign', decision: 'reject', comment: 'no' }, sam, T0 + DAY), ErrorCode.INVALID_ACTION);
    const rejected = run(submitted, [sam, reject()]);
    expect(rejected.state).toMatchObject({ status: 'open', approvedBy: [], submission: null, rejection: { by: 'sam', reasons: ['the causes table is missing the March billing run'] } });
    expect(rejected.transitions[0]).toMatchObject({ action: 'rejected', actor: sam });
    expect(rejected.transitions[0]!.notifications[0]!.recipients.userIds).toEqual(['olivia', 'simon']);

    // Changed, resubmitted with a new hash, approved by both again.
    const again = run(rejected.state, [olivia, decide('Include the March billing run')], [olivia, approve()], [simon, approve()], [sam, approve()]);
    expect(again.state.status).toBe('signed');
    const hashes = again.state.signatures.map((x) => x.contentHash);
    expect(new Set(hashes.slice(0, 3)).size).toBe(1);
    expect(new Set(hashes.slice(3)).size).toBe(1);
    expect(hashes[0]).not.toBe(hashes[3]);
    expect(again.state.signatures.map((x) => x.decision)).toEqual(['approved', 'approved', 'rejected', 'approved', 'approved', 'approved']);
  });

  it('given reviewers listed in the area at submission, when the process owner submits, then those sign (the list at creation is replaced), still never the owner', () => {
    const s = run(openReview(intake({ reviewerIds: [] }), T0).state, [olivia, decide()]).state;
    const submitted = run(s, [olivia, approve('ok', ['olivia', 'simon'])]).state;
    expect(submitted.reviewerIds).toEqual(['simon']);
    expect(run(submitted, [simon, approve()]).state.status).toBe('signed');
  });
});

describe('review actions that open a cycle', () => {
  const open = () => run(openReview(intake(), T0).state, [olivia, decide()]).state;

  it('given an action with a cycle, when added, then the cycle id is derived from review and action, it is to be started, and its intake is owned by the process owner with the sponsor as approver and the review as evidence', () => {
    const { state } = run(open(), [simon, { type: 'add_action', title: 'Fix double charges', assigneeId: 'olivia', dueAt: T0 + 30 * DAY, openCycle: goodCycle() }]);
    const action = state.actions[0]!;
    expect(action.cycle).toMatchObject({ cycleId: actionCycleId('billing-2026-03', 'a2'), started: false, sponsorId: 'simon' });
    expect(action.cycle!.cycleId).toMatch(/^rc_[0-9a-f]{24}$/);
    expect(nextCycleToStart(state)?.id).toBe('a2');
    const cycle = actionCycleIntake(state, action);
    expect(cycle).toMatchObject({ cycleId: action.cycle!.cycleId, type: 'pdca', area: 'billing', ownerId: 'olivia', sponsorId: 'simon', createdBy: simon, receivedAt: action.at, settings: { approvers: ['simon'] } });
    expect(cycle.evidence.items![0]).toMatchObject({ key: `review:billing-2026-03:a2`, kind: 'pareto', data: { reviewId: 'billing-2026-03', actionId: 'a2', topCauses: state.snapshot.topCauses } });
    expect(intakeProblems(cycle)).toEqual([]);

    const started = applyReviewEvent(state, { type: 'action_cycle_started', actionId: 'a2' }, T0 + DAY);
    expect(started.transitions).toEqual([expect.objectContaining({ action: 'action_cycle_opened', actor: system, details: { actionId: 'a2', cycleId: action.cycle!.cycleId } })]);
    expect(nextCycleToStart(started.state)).toBeNull();
    // Started once: the event again changes nothing.
    expect(applyReviewEvent(started.state, { type: 'action_cycle_started', actionId: 'a2' }, T0 + DAY).transitions).toEqual([]);
  });

  it('given a cycle the process owner would sponsor, a goal that is not an improvement or a past deadline, when the action is added, then refused', () => {
    const s = open();
    const add = (openCycle: NewActionCycle) => applyReviewCommand(s, { type: 'add_action', title: 'x', assigneeId: 'olivia', dueAt: T0 + DAY, openCycle }, simon, T0 + HOUR);
    expect(expectDomainError(() => add(goodCycle({ sponsorId: 'olivia' })), ErrorCode.INVALID_ACTION).message).toMatch(/openCycle\.sponsorId/);
    expect(expectDomainError(() => add(goodCycle({ goal: { ...goodCycle().goal, target: 20 } })), ErrorCode.INVALID_ACTION).message).toMatch(/openCycle\.goal\.target/);
    expect(expectDomainError(() => add(goodCycle({ goal: { ...goodCycle().goal, deadline: T0 } })), ErrorCode.INVALID_ACTION).message).toMatch(/openCycle\.goal\.deadline/);
  });

  it('given a started cycle, when the review is submitted, then the content hash does not depend on whether the engine has started it yet', () => {
    const { state } = run(open(), [simon, { type: 'add_action', title: 'Fix double charges', assigneeId: 'olivia', dueAt: T0 + 30 * DAY, openCycle: goodCycle() }]);
    const started = applyReviewEvent(state, { type: 'action_cycle_started', actionId: 'a2' }, T0 + DAY).state;
    expect(reviewContentHash(started)).toBe(reviewContentHash(state));
  });
});

describe('review Markdown export', () => {
  it('given a signed review, when exported, then the KPI table shows values in their units against objectives, and signals, cycles, causes, decisions, actions and signatures follow', () => {
    const rows = kpiRows(objectives, measured({ first_response_attainment: 0.9, csat_average: 4.5, complaint_rate: 2.4, complaint_volume: 120 }));
    const s = run(
      openReview(intake({ snapshot: snapshot(rows) }), T0).state,
      [olivia, decide('Fix | pipes in text')],
      [simon, { type: 'add_action', title: 'Fix double charges', assigneeId: 'olivia', dueAt: T0 + 30 * DAY, openCycle: goodCycle() }],
      [olivia, approve('chaired')],
      [simon, approve()],
      [sam, approve()],
    ).state;
    const md = reviewMarkdown(s);
    expect(md).toContain('# Quality review: Billing support, 2026-03');
    expect(md).toContain('| First-response SLA attainment | 90 % | 40 | >= 95 % | **missed** |');
    expect(md).toContain('| CSAT average (1-5) | 4.5 | 40 | >= 4.3 | met |');
    expect(md).toContain('| Complaints per 1,000 units of service volume | 2.4 | 40 | <= 2 | **missed** |');
    expect(md).toContain('| Resolution SLA attainment | — | — | — | — |');
    expect(md).toContain('| Complaints | 120 | 40 | — | — |');
    expect(md).toMatch(/2 of 4 objectives with data met\./);
    expect(md).toContain('trigger billing-causes v2 (cause=double_charge, 2026-03): opened cycle y_1');
    expect(md).toContain('`y_1` Double charges (PDCA, plan, active; owner olivia)');
    expect(md).toContain('| Double charge (`double_charge`) | 61 | 61 % | 61 % |');
    expect(md).toContain('Fix | pipes in text (olivia)');
    expect(md).toContain(`opens PDCA cycle \`${s.actions[0]!.cycle!.cycleId}\` "Halve double charges" (starting)`);
    for (const sig of s.signatures) expect(md).toContain(`${sig.signerId} (${sig.signerRole}) ${sig.meaning}`);
    expect(md).toContain(`content sha256 ${s.signatures[0]!.contentHash}`);
    expect(md).toContain('Signed off');
    expect(formatKpiValue({ unit: 'business minutes' }, 12.3456)).toBe('12.35');
  });
});
