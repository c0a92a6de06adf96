/**
 * Cycles bound to live data, in the pure reducer: the baseline a trigger
 * measured becomes the first measurements, hand-typed numbers are refused,
 * measurements from the data are recorded once per KPI period, evidence once
 * per key, the KPI periods fall due at the area's local midnight, and the
 * DMAIC baseline, pilot and control limits come from the bound measurements.
 */
import type { Actor } from '../../src/domain/actors';
import { startOfLocalDay } from '../../src/domain/calendar';
import {
  type BoundMeasurement,
  type BoundMetric,
  type Charter,
  type CycleCommand,
  type CycleIntake,
  type CycleState,
  type EvidenceItem,
  DEFAULT_CYCLE_SETTINGS,
  applyCycleCommand,
  applyCycleEvent,
  duePeriods,
  intakeProblems,
  linkedCycleIntake,
  nextCycleTimerAt,
  nextMeasurementAt,
  openCycle,
} from '../../src/domain/cycle';
import { bindingProblems, boundDataInput, filterCovers, periodEndsAt } from '../../src/domain/cycle-binding';
import type { SmartGoal } from '../../src/domain/cycle-analysis';
import { ErrorCode } from '../../src/domain/errors';
import type { ComplaintFact } from '../../src/domain/kpi';
import { individualsLimits } from '../../src/domain/statistics';
import { expectDomainError } from '../helpers/domain';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Monday 2026-01-05 09:00 UTC (10:00 in Paris), in ISO week 2026-W02 (Jan 5-11). */
const T0 = Date.UTC(2026, 0, 5, 9);
const at = (days: number, hours = 0): number => T0 + days * DAY + hours * HOUR;
/** Monday 2026-01-12 00:00 in Paris (UTC+1): the end of 2026-W02 there. */
const W02_END_PARIS = Date.UTC(2026, 0, 11, 23);

const olivia: Actor = { id: 'olivia', role: 'process_owner' };
const simon: Actor = { id: 'simon', role: 'sponsor' };
const tom: Actor = { id: 'tom', role: 'agent' };

/** Share of complaints with an SLA breach, weekly in Paris: lower is better, a proportion (p chart). */
const BREACHES: BoundMetric = { kpi: 'breach_rate', areaId: 'billing', filter: null, period: 'week', timeZone: 'Europe/Paris' };
const BREACH_GOAL: SmartGoal = { metric: 'breach rate', unit: 'share', direction: 'lower_is_better', metricType: 'proportion', baseline: 0.2, target: 0.05, deadline: at(120) };
/** What a trigger measured before opening the cycle: the two completed weeks before T0. */
const BASELINE = [
  { period: '2025-W52', value: 0.2, sampleSize: 100, at: Date.UTC(2025, 11, 28, 23, 15) },
  { period: '2026-W01', value: 0.22, sampleSize: 100, at: Date.UTC(2026, 0, 4, 23, 15) },
];
const ORIGIN = { triggerId: 'billing-breaches', version: 3, subject: 'billing' };

function intake(overrides: Partial<CycleIntake> = {}): CycleIntake {
  return {
    cycleId: 'CY-B',
    type: 'pdca',
    title: 'Fewer SLA breaches in billing',
    problemStatement: 'One billing complaint in five breaches its SLA',
    area: 'billing',
    ownerId: 'olivia',
    sponsorId: 'simon',
    team: ['tom'],
    goal: BREACH_GOAL,
    evidence: { complaintIds: ['C-1'], complaintCategory: null, spcSignal: null },
    settings: { ...DEFAULT_CYCLE_SETTINGS, approvers: ['simon'] },
    createdBy: { id: 'system', role: 'system' },
    receivedAt: T0,
    binding: BREACHES,
    origin: ORIGIN,
    baselineMeasurements: BASELINE,
    ...overrides,
  };
}

const act = (s: CycleState, cmd: CycleCommand, actor: Actor, now: number): CycleState => applyCycleCommand(s, cmd, actor, { now, runId: 'run-1' }).state;
const week = (period: string, value: number, n = 100): BoundMeasurement => ({ period, value, sampleSize: n, at: 0 });
const collect = (s: CycleState, now: number, ...measurements: BoundMeasurement[]) => applyCycleEvent(s, { type: 'bound_measurements_collected', measurements, periods: measurements.map((m) => m.period) }, now);

describe('opening a bound cycle', () => {
  it('given baseline measurements from a trigger, when the cycle opens, then they are its first measurements, in the first phase, by the system, with their periods; the creation names the binding and the trigger', () => {
    const { state, transitions } = openCycle(intake(), T0);
    expect(transitions.map((t) => t.action)).toEqual(['create', 'measurements_recorded']);
    expect(transitions[0]!.details).toMatchObject({ binding: BREACHES, origin: ORIGIN, evidence: intake().evidence });
    expect(transitions[1]).toMatchObject({ version: 2, actor: { id: 'system', role: 'system' }, details: { source: 'baseline', kpi: 'breach_rate', areaId: 'billing' } });
    expect(state).toMatchObject({ version: 2, binding: BREACHES, origin: ORIGIN, measuredThrough: '2026-W01' });
    expect(state.measurements).toEqual([
      { seq: 1, value: 0.2, sampleSize: 100, at: BASELINE[0]!.at, note: null, by: 'system', stage: 'plan', iteration: 1, period: '2025-W52' },
      { seq: 2, value: 0.22, sampleSize: 100, at: BASELINE[1]!.at, note: null, by: 'system', stage: 'plan', iteration: 1, period: '2026-W01' },
    ]);
    expect(state).not.toHaveProperty('baselineMeasurements');
    expect(openCycle(intake({ type: 'dmaic' }), T0).state.measurements.map((m) => m.stage)).toEqual(['define', 'define']);
  });

  it('given an unbound cycle, when it opens, then binding and origin are null, one create transition, no measurement', () => {
    const { state, transitions } = openCycle(intake({ binding: undefined, origin: undefined, baselineMeasurements: undefined }), T0);
    expect(transitions.map((t) => t.action)).toEqual(['create']);
    expect(state).toMatchObject({ binding: null, origin: null, measurements: [] });
    expect(nextMeasurementAt(state)).toBeNull();
    expect(duePeriods(state, at(365))).toEqual([]);
  });

  it('given a goal that does not fit the KPI, or baseline measurements without a binding, when checking the intake, then each is named', () => {
    const continuous = intake({ goal: { ...BREACH_GOAL, metricType: 'continuous', baseline: 20, target: 5 } });
    expect(intakeProblems(continuous).map((p) => p.path)).toEqual(['goal.metricType']);
    const upside = intake({ goal: { ...BREACH_GOAL, direction: 'higher_is_better', baseline: 0.05, target: 0.2 } });
    expect(intakeProblems(upside).map((p) => p.path)).toEqual(['goal.direction']);
    expect(intakeProblems(intake({ binding: undefined })).map((p) => p.path)).toEqual(['baselineMeasurements']);
    expect(intakeProblems(intake({ binding: { ...BREACHES, timeZone: 'Mars/Olympus' } })).map((p) => p.path)).toEqual(['binding.timeZone']);
    expect(bindingProblems({ metricType: 'continuous', direction: 'lower_is_better' }, { kpi: 'first_response_median_minutes' })).toEqual([]);
    expect(bindingProblems({ metricType: 'continuous', direction: 'lower_is_better' }, { kpi: 'complaint_rate' })).toEqual([]);
    expectDomainError(() => openCycle(continuous, T0), ErrorCode.INVALID_ACTION);
  });
});

describe('measurements of a bound metric', () => {
  it('given a bound cycle, when a team member records a measurement by hand, then METRIC_BOUND naming the KPI and nothing changes', () => {
    const s = openCycle(intake(), T0).state;
    const before = structuredClone(s);
    const err = expectDomainError(() => act(s, { type: 'record_measurements', measurements: [{ value: 0.1, sampleSize: 50 }] }, tom, at(1)), ErrorCode.METRIC_BOUND);
    expect(err.message).toBe('the metric is bound to breach_rate of area billing, per week; measurements come from the data');
    expect(s).toEqual(before);
  });

  it('given a period already recorded, when the same period is collected again (a retry), then nothing changes; a new period is recorded once, at the current stage', () => {
    const s0 = openCycle(intake(), T0).state;
    const once = collect(s0, W02_END_PARIS + 15 * MIN, week('2026-W02', 0.18));
    expect(once.transitions.map((t) => t.action)).toEqual(['measurements_recorded']);
    expect(once.state.measurements.slice(2)).toEqual([{ seq: 3, value: 0.18, sampleSize: 100, at: 0, note: null, by: 'system', stage: 'plan', iteration: 1, period: '2026-W02' }]);
    const again = collect(once.state, W02_END_PARIS + 20 * MIN, week('2026-W02', 0.5));
    expect(again).toEqual({ state: once.state, transitions: [] });
    const more = collect(once.state, at(14), week('2026-W02', 0.5), week('2026-W03', 0.16));
    expect(more.state.measurements.map((m) => [m.period, m.value])).toEqual([
      ['2025-W52', 0.2],
      ['2026-W01', 0.22],
      ['2026-W02', 0.18],
      ['2026-W03', 0.16],
    ]);
    expect(more.transitions[0]!.details.measurements).toEqual([expect.objectContaining({ seq: 4, period: '2026-W03' })]);
  });

  it('given periods measured without data, when collected, then recorded once as missing and not asked for again', () => {
    const s0 = openCycle(intake(), T0).state;
    const missing = applyCycleEvent(s0, { type: 'bound_measurements_collected', measurements: [], periods: ['2026-W02'] }, W02_END_PARIS + 15 * MIN);
    expect(missing.transitions.map((t) => [t.action, t.details.withoutData])).toEqual([['bound_measurement_missing', ['2026-W02']]]);
    expect(missing.state.measuredThrough).toBe('2026-W02');
    expect(duePeriods(missing.state, W02_END_PARIS + 7 * DAY + 15 * MIN)).toEqual(['2026-W03']);
    expect(applyCycleEvent(missing.state, { type: 'bound_measurements_collected', measurements: [], periods: ['2026-W02'] }, at(8)).transitions).toEqual([]);
  });

  it('given a share without its sample size, when collected, then it is left out with the reason and the rest is recorded', () => {
    const s0 = openCycle(intake(), T0).state;
    const { state, transitions } = collect(s0, at(14), { period: '2026-W02', value: 0.1, at: 0 }, week('2026-W03', 0.12));
    expect(state.measurements.map((m) => m.period)).toEqual(['2025-W52', '2026-W01', '2026-W03']);
    expect(transitions[0]!.details.skipped).toEqual([{ period: '2026-W02', reason: 'a proportion needs sampleSize, a whole number >= 1' }]);
  });

  it('given an unbound or a closed cycle, when measurements are collected, then nothing changes', () => {
    const unbound = openCycle(intake({ binding: null, baselineMeasurements: [] }), T0).state;
    expect(collect(unbound, at(8), week('2026-W02', 0.1)).transitions).toEqual([]);
    const closed = act(openCycle(intake(), T0).state, { type: 'abandon', reason: 'merged into another cycle' }, olivia, at(1));
    expect(collect(closed, at(8), week('2026-W02', 0.1)).transitions).toEqual([]);
    expect(duePeriods(closed, at(100))).toEqual([]);
    expect(nextMeasurementAt(closed)).toBeNull();
  });

  it('given a bound PDCA, when the Check report is computed, then "before" is the baseline from the data and "after" the weeks measured since the change', () => {
    let s = openCycle(intake(), T0).state;
    s = act(s, { type: 'add_five_whys', problem: 'breaches', whys: ['tickets wait'], rootCause: 'no triage' }, tom, at(0, 1));
    s = act(s, { type: 'add_countermeasure', description: 'triage rota' }, olivia, at(0, 1));
    s = act(s, { type: 'add_action', title: 'publish the rota', assigneeId: 'tom', dueAt: at(5) }, olivia, at(0, 1));
    s = act(s, { type: 'submit_gate' }, olivia, at(0, 2));
    s = act(s, { type: 'sign_gate', decision: 'approve', comment: 'go' }, simon, at(0, 3));
    s = act(s, { type: 'complete_action', actionId: s.actions[0]!.id }, tom, at(1));
    s = collect(s, W02_END_PARIS + 15 * MIN, week('2026-W02', 0.04, 100)).state;
    s = act(s, { type: 'submit_gate' }, olivia, W02_END_PARIS + HOUR);
    const report = s.artefacts.checkReport!;
    expect(report.baseline).toEqual({ mean: 0.21, n: 2, source: 'measurements' });
    expect(report.after).toEqual({ mean: 0.04, n: 1 });
    expect(report.goalMet).toBe(true);
    expect(report.test).toMatchObject({ name: 'two_proportion_z', significant: true });
  });
});

describe('evidence from the data', () => {
  const item = (key: string): EvidenceItem => ({ key, at: at(7), source: { triggerId: 'billing-breaches', version: 3 }, kind: 'spc', summary: 'breach rate 0.31 in 2026-W02, above the upper limit 0.27', data: { points: [] }, complaintIds: ['C-7', 'C-8'] });

  it('given an evidence item, when added twice with the same key, then it is kept once and the owner told once', () => {
    const s0 = openCycle(intake(), T0).state;
    const first = applyCycleEvent(s0, { type: 'evidence_added', item: item('billing-breaches:2026-W02') }, at(7));
    expect(first.transitions).toEqual([expect.objectContaining({ action: 'evidence_added', actor: { id: 'system', role: 'system' }, details: { item: item('billing-breaches:2026-W02') } })]);
    expect(first.transitions[0]!.notifications).toEqual([expect.objectContaining({ type: 'cycle.evidence_added', recipients: { userIds: ['olivia'], roles: [] } })]);
    expect(applyCycleEvent(first.state, { type: 'evidence_added', item: { ...item('billing-breaches:2026-W02'), summary: 'again' } }, at(8))).toEqual({ state: first.state, transitions: [] });
    const second = applyCycleEvent(first.state, { type: 'evidence_added', item: item('billing-breaches:2026-W03') }, at(14)).state;
    expect(second.evidence.items!.map((i) => i.key)).toEqual(['billing-breaches:2026-W02', 'billing-breaches:2026-W03']);
    expect(second.evidence.complaintIds).toEqual(['C-1']);
  });
});

describe('when a bound metric falls due', () => {
  it('given a weekly metric in Paris, when Monday 00:00 Paris (23:00 UTC on Sunday) plus the grace passes, then the week is due, and the cycle wakes then', () => {
    const s = openCycle(intake(), T0).state;
    expect(periodEndsAt('2026-W02', 'week', 'Europe/Paris')).toBe(W02_END_PARIS);
    expect(nextMeasurementAt(s)).toBe(W02_END_PARIS + 15 * MIN);
    expect(nextCycleTimerAt(s)).toBe(W02_END_PARIS + 15 * MIN); // before the deadline (day 120)
    expect(duePeriods(s, W02_END_PARIS + 15 * MIN - 1)).toEqual([]);
    expect(duePeriods(s, W02_END_PARIS + 15 * MIN)).toEqual(['2026-W02']);
    expect(duePeriods(s, W02_END_PARIS + 14 * DAY + 15 * MIN)).toEqual(['2026-W02', '2026-W03', '2026-W04']);
  });

  it('given a cycle opened at 00:30 on Monday in Paris (still Sunday in UTC), when its first period is due, then it is the Paris week that began that Monday', () => {
    const s = openCycle(intake({ receivedAt: W02_END_PARIS + 30 * MIN, baselineMeasurements: [] }), W02_END_PARIS + 30 * MIN).state;
    expect(duePeriods(s, W02_END_PARIS + 7 * DAY + 15 * MIN)).toEqual(['2026-W03']);
    expect(nextMeasurementAt(s)).toBe(W02_END_PARIS + 7 * DAY + 15 * MIN);
  });

  it('given a daily metric in New York across the start of daylight saving time, when each day ends, then at its local midnight: 05:00 UTC before, 04:00 UTC after', () => {
    const opened = Date.UTC(2026, 2, 7, 12);
    const s = openCycle(intake({ binding: { ...BREACHES, period: 'day', timeZone: 'America/New_York' }, baselineMeasurements: [], receivedAt: opened }), opened).state;
    expect(nextMeasurementAt(s)).toBe(Date.UTC(2026, 2, 8, 5, 15));
    expect(duePeriods(s, Date.UTC(2026, 2, 9, 4, 14))).toEqual(['2026-03-07']);
    expect(duePeriods(s, Date.UTC(2026, 2, 9, 4, 15))).toEqual(['2026-03-07', '2026-03-08']);
  });

  it('given a monthly metric in Tokyo, when January ends there (15:00 UTC on the 31st), then January is due', () => {
    const opened = Date.UTC(2026, 0, 20);
    const s = openCycle(intake({ binding: { ...BREACHES, period: 'month', timeZone: 'Asia/Tokyo' }, baselineMeasurements: [], receivedAt: opened }), opened).state;
    expect(nextMeasurementAt(s)).toBe(Date.UTC(2026, 0, 31, 15, 15));
    expect(duePeriods(s, Date.UTC(2026, 1, 28, 15, 15))).toEqual(['2026-01', '2026-02']);
  });

  it('given local midnights around the DST changes in Paris, then startOfLocalDay is 23:00 UTC in winter and 22:00 UTC in summer', () => {
    expect(startOfLocalDay('2026-03-29', 'Europe/Paris')).toBe(Date.UTC(2026, 2, 28, 23));
    expect(startOfLocalDay('2026-03-30', 'Europe/Paris')).toBe(Date.UTC(2026, 2, 29, 22));
    expect(startOfLocalDay('2026-10-26', 'Europe/Paris')).toBe(Date.UTC(2026, 9, 25, 23));
  });

  it('given the last period recorded, when later periods are due, then they start after it (a period measured is never due again)', () => {
    let s = openCycle(intake(), T0).state;
    s = collect(s, at(30), week('2026-W02', 0.18), week('2026-W03', 0.17)).state;
    expect(duePeriods(s, at(30))).toEqual(['2026-W04', '2026-W05']);
  });
});

// ------------------------------------------------------------------ DMAIC

const CHARTER: Charter = {
  problem: 'breaches',
  businessCase: 'churn',
  scopeIn: ['billing'],
  scopeOut: [],
  ctqs: [{ name: 'on time', measure: 'share breached', specification: '<= 5 %' }],
  sipoc: [{ supplier: 'customers', input: 'complaints', process: 'handling', output: 'answers', customer: 'customers' }],
  milestones: [{ phase: 'measure', due: at(14) }],
};

const approve = (s: CycleState, now: number): CycleState => act(act(s, { type: 'submit_gate' }, olivia, now), { type: 'sign_gate', decision: 'approve', comment: 'ok' }, simon, now + MIN);

/** A bound DMAIC driven by data: baseline W52, W01 (define), W02 (measure), pilot W03, W04 (improve), W05 (control). */
function boundDmaic() {
  let s = openCycle(intake({ cycleId: 'DM-B', type: 'dmaic' }), T0).state;
  s = act(s, { type: 'update_charter', charter: CHARTER }, olivia, at(0, 1));
  s = approve(s, at(0, 2));
  s = collect(s, at(7, 1), week('2026-W02', 0.19)).state;
  s = act(s, { type: 'set_data_collection_plan', items: [{ metric: 'breach rate', operationalDefinition: 'breached / complaints', source: 'KPI store', sampleSize: 100, frequency: 'weekly' }] }, tom, at(7, 2));
  const measured = s;
  s = act(s, { type: 'set_baseline' }, tom, at(7, 2));
  s = approve(s, at(7, 3));
  s = act(s, { type: 'set_defect_categories', categories: [{ category: 'late', count: 40 }, { category: 'lost', count: 21 }] }, tom, at(8));
  s = act(s, { type: 'add_fishbone_cause', category: 'method', cause: 'no triage' }, tom, at(8));
  s = act(s, { type: 'add_root_cause', cause: 'no triage' }, tom, at(8));
  s = act(s, { type: 'verify_root_cause', rootCauseId: s.artefacts.rootCauses[0]!.id, evidence: 'data' }, tom, at(8));
  s = approve(s, at(8, 1));
  s = act(s, { type: 'add_solution', description: 'triage rota' }, tom, at(9));
  s = act(s, { type: 'add_fmea_row', failureMode: 'rota gap', effect: 'breach', cause: 'holiday', severity: 5, occurrence: 3, detection: 2 }, tom, at(9));
  s = collect(s, at(21, 1), week('2026-W03', 0.06), week('2026-W04', 0.05)).state;
  const improving = s;
  s = act(s, { type: 'set_pilot_data' }, tom, at(21, 2));
  s = approve(s, at(21, 3));
  s = collect(s, at(28, 1), week('2026-W05', 0.04)).state;
  s = act(s, { type: 'set_control_plan', metric: 'weekly breach rate', reactionPlan: 'review the rota', processOwnerId: 'olivia' }, olivia, at(28, 2));
  s = approve(s, at(28, 3));
  return { measured, improving, monitoring: s };
}

describe('a bound DMAIC', () => {
  it('given bound measurements, when the baseline and the pilot are set without data, then they are the measured breaches (defects) out of the complaints (units)', () => {
    const { monitoring: s } = boundDmaic();
    expect(s.artefacts.baseline!.input).toEqual({ kind: 'discrete', defects: 20 + 22 + 19, units: 300, opportunitiesPerUnit: 1 });
    expect(s.artefacts.pilot!.input).toEqual({ kind: 'discrete', defects: 6 + 5, units: 200, opportunitiesPerUnit: 1 });
    expect(s.artefacts.pilot!.comparison.test).toMatchObject({ name: 'two_proportion_z', significant: true });
    const limits = individualsLimits([0.06, 0.05, 0.04]);
    expect(s.artefacts.controlPlan!.limits.center).toBeCloseTo(limits.individuals.center, 12);
    expect(s.artefacts.controlPlan!.limits.ucl).toBeCloseTo(limits.individuals.ucl, 12);
    expect(s.status).toBe('monitoring');
  });

  it('given a bound DMAIC, when typed baseline or pilot data is sent, then METRIC_BOUND; an unbound one without data gets INVALID_ACTION', () => {
    const { measured, improving } = boundDmaic();
    expectDomainError(() => act(measured, { type: 'set_baseline', data: { kind: 'discrete', defects: 1, units: 10, opportunitiesPerUnit: 1 } }, tom, at(7, 2)), ErrorCode.METRIC_BOUND);
    expectDomainError(() => act(improving, { type: 'set_pilot_data', data: { kind: 'discrete', defects: 1, units: 10, opportunitiesPerUnit: 1 } }, tom, at(21, 2)), ErrorCode.METRIC_BOUND);
    let unbound = openCycle(intake({ cycleId: 'DM-U', type: 'dmaic', binding: null, baselineMeasurements: [] }), T0).state;
    unbound = approve(act(unbound, { type: 'update_charter', charter: CHARTER }, olivia, at(0, 1)), at(0, 2));
    expectDomainError(() => act(unbound, { type: 'set_baseline' }, tom, at(1)), ErrorCode.INVALID_ACTION);
  });

  it('given Control monitoring on a bound KPI, when a week regresses in the data, then a control signal and a linked PDCA bound to the same KPI, its "before" the regressing week', () => {
    const { monitoring } = boundDmaic();
    const { state, transitions } = collect(monitoring, at(35, 1), week('2026-W06', 0.3));
    expect(transitions.map((t) => t.action)).toEqual(['measurements_recorded', 'control_signal']);
    const point = state.measurements[state.measurements.length - 1]!;
    expect(point).toMatchObject({ stage: 'monitoring', period: '2026-W06', by: 'system' });
    expect(state.monitoring!.signals).toEqual([{ seq: point.seq, at: point.at, value: 0.3, rules: [1] }]);
    expect(state.linkedCycles).toEqual([expect.objectContaining({ cycleId: 'DM-B-r1', baseline: 0.3, started: false })]);
    const child = linkedCycleIntake(state, state.linkedCycles[0]!, at(35, 2));
    expect(child).toMatchObject({ type: 'pdca', binding: BREACHES, baselineMeasurements: [{ period: '2026-W06', value: 0.3, sampleSize: 100, at: point.at }] });
    const opened = openCycle(child, at(35, 2)).state;
    expect(opened.measurements.map((m) => [m.stage, m.period])).toEqual([['plan', '2026-W06']]);
    expect(duePeriods(opened, at(60))[0]).toBe('2026-W07');
  });
});

describe('DMAIC data from bound measurements', () => {
  it('given shares with their n, then defects are the outcomes on the worse side: misses of an attainment, hits of a breach rate; other KPIs give their values', () => {
    const points = [
      { value: 0.9, sampleSize: 50 },
      { value: 0.8, sampleSize: 20 },
    ];
    expect(boundDataInput({ metricType: 'proportion', direction: 'higher_is_better' }, points)).toEqual({ kind: 'discrete', defects: 5 + 4, units: 70, opportunitiesPerUnit: 1 });
    expect(boundDataInput({ metricType: 'proportion', direction: 'lower_is_better' }, points)).toEqual({ kind: 'discrete', defects: 45 + 16, units: 70, opportunitiesPerUnit: 1 });
    expect(boundDataInput({ metricType: 'continuous', direction: 'lower_is_better' }, [{ value: 42, sampleSize: null }, { value: 38.5, sampleSize: null }])).toEqual({ kind: 'continuous', values: [42, 38.5] });
  });

  it('given a filter, then a complaint is covered when its value of the dimension matches; no filter covers the whole area', () => {
    const fact = { category: 'billing', cause: 'double_charge', channel: 'email', severity: 'P2', queue: 'general', agentId: 'tom', policy: null } as unknown as ComplaintFact;
    expect(filterCovers(null, fact)).toBe(true);
    expect(filterCovers({ dimension: 'cause', value: 'double_charge' }, fact)).toBe(true);
    expect(filterCovers({ dimension: 'cause', value: 'tariff' }, fact)).toBe(false);
    expect(filterCovers({ dimension: 'policy', value: 'p@1' }, fact)).toBe(false);
  });
});
