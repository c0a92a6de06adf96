import type { Actor } from '../../src/domain/actors';
import {
  type Charter,
  type CycleApplied,
  type CycleCommand,
  type CycleIntake,
  type CycleSettings,
  type CycleState,
  type CycleTransition,
  type DataCollectionItem,
  type NewMeasurement,
  DEFAULT_CYCLE_SETTINGS,
  applyCycleCommand,
  applyCycleEvent,
  artefactHash,
  fireDueCycleTimers,
  intakeProblems,
  linkedCycleIntake,
  missingArtefacts,
  nextCycleTimerAt,
  openCycle,
} from '../../src/domain/cycle';
import { type DataInput, type SmartGoal, goalProblems } from '../../src/domain/cycle-analysis';
import { DomainError, ErrorCode } from '../../src/domain/errors';
import {
  cp,
  cpk,
  dpmo,
  individualsLimits,
  individualsSigma,
  normalCdf,
  processYield,
  sigmaLevel,
  studentTTwoSidedP,
  twoProportionZTest,
  welchTTest,
} from '../../src/domain/statistics';
import { expectDomainError } from '../helpers/domain';

// ----------------------------------------------------------------- fixtures

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Monday 2026-01-05 09:00 UTC; every instant below is "days (+ hours) after T0". */
const T0 = Date.UTC(2026, 0, 5, 9);
const at = (days: number, hours = 0): number => T0 + days * DAY + hours * HOUR;

const olivia: Actor = { id: 'olivia', role: 'process_owner' }; // owner of every cycle below
const simon: Actor = { id: 'simon', role: 'sponsor' }; // sponsor and second approver
const alice: Actor = { id: 'alice', role: 'supervisor' }; // first approver
const tom: Actor = { id: 'tom', role: 'agent' }; // team member, assignee of the plan's action
const tara: Actor = { id: 'tara', role: 'agent' }; // team member
const eve: Actor = { id: 'eve', role: 'agent' }; // not on the team
const paula: Actor = { id: 'paula', role: 'process_owner' }; // DMAIC control-plan process owner

function settings(overrides: Partial<CycleSettings> = {}): CycleSettings {
  return { ...DEFAULT_CYCLE_SETTINGS, approvers: ['alice', 'simon'], ...overrides };
}

/** Lower is better: first-response time from 40 min to 30 min within 60 days. */
const PDCA_GOAL: SmartGoal = { metric: 'first response time', unit: 'min', direction: 'lower_is_better', metricType: 'continuous', baseline: 40, target: 30, deadline: at(60) };

function intake(overrides: Partial<CycleIntake> = {}): CycleIntake {
  return {
    cycleId: 'CY-1',
    type: 'pdca',
    title: 'Faster first response',
    problemStatement: 'Customers wait 40 minutes for a first response',
    area: 'support',
    ownerId: 'olivia',
    sponsorId: 'simon',
    team: ['tom', 'tara'],
    goal: PDCA_GOAL,
    evidence: { complaintIds: ['C-1', 'C-2'], complaintCategory: 'delay', spcSignal: null },
    settings: settings(),
    createdBy: olivia,
    receivedAt: T0,
    ...overrides,
  };
}

const run = (s: CycleState, cmd: CycleCommand, actor: Actor, now: number, runId = 'run-1'): CycleApplied => applyCycleCommand(s, cmd, actor, { now, runId });
const act = (s: CycleState, cmd: CycleCommand, actor: Actor, now: number): CycleState => run(s, cmd, actor, now).state;
const actions = (ts: CycleTransition[]): string[] => ts.map((t) => t.action);
const vals = (...values: number[]): NewMeasurement[] => values.map((value) => ({ value }));
const measure = (measurements: NewMeasurement[]): CycleCommand => ({ type: 'record_measurements', measurements });

const SUBMIT: CycleCommand = { type: 'submit_gate', comment: 'ready' };
const APPROVE: CycleCommand = { type: 'sign_gate', decision: 'approve', comment: 'agreed' };
const reject = (...reasons: string[]): CycleCommand => ({ type: 'sign_gate', decision: 'reject', comment: 'not yet', reasons });

/** Expects the command to be refused with `code` and the input state to be left untouched. */
function expectRejected(s: CycleState, cmd: CycleCommand, actor: Actor, now: number, code: ErrorCode): DomainError {
  const before = structuredClone(s);
  const err = expectDomainError(() => run(s, cmd, actor, now), code);
  expect(s).toEqual(before);
  return err;
}

/** Every number anywhere in `value` is finite (no NaN, no infinity). */
function expectAllFinite(value: unknown): void {
  const walk = (v: unknown, path: string): void => {
    if (typeof v === 'number') expect({ path, finite: Number.isFinite(v) }).toEqual({ path, finite: true });
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
  };
  walk(value, '$');
}

// ------------------------------------------------------- PDCA to each phase

interface PdcaOptions {
  intake?: Partial<CycleIntake>;
  /** Recorded in Plan, i.e. before the change. */
  planValues?: NewMeasurement[];
  /** Recorded in Do, i.e. after the change. Default: 28, 30, 27, 29 (mean 28.5, goal met). */
  doValues?: NewMeasurement[];
}

/** The plan's only action item: tom publishes the triage rota by day 10. */
const ACTION_DUE = at(10);

const pdcaOpen = (o: PdcaOptions = {}): CycleState => openCycle(intake(o.intake), T0).state;

/** Plan artefacts complete at T0 + 1 h (5 whys, fishbone cause, countermeasure, one action), gate still open. */
function pdcaPlanned(o: PdcaOptions = {}): CycleState {
  let s = pdcaOpen(o);
  s = act(s, { type: 'add_five_whys', problem: 'slow first response', whys: ['tickets wait unassigned', 'nobody triages in the morning'], rootCause: 'no triage rota' }, tom, at(0, 1));
  s = act(s, { type: 'add_fishbone_cause', category: 'method', cause: 'no triage rota' }, tom, at(0, 1));
  s = act(s, { type: 'add_countermeasure', description: 'daily triage rota', rootCause: 'no triage rota' }, olivia, at(0, 1));
  s = act(s, { type: 'add_action', title: 'publish the rota', assigneeId: 'tom', dueAt: ACTION_DUE }, olivia, at(0, 1));
  if (o.planValues) s = act(s, measure(o.planValues), tom, at(0, 1));
  return s;
}

/** Plan gate submitted at T0 + 2 h. */
const pdcaPending = (o: PdcaOptions = {}): CycleState => act(pdcaPlanned(o), SUBMIT, olivia, at(0, 2));

/** Plan approved by alice (T0 + 3 h) and simon (T0 + 4 h): phase do. */
const pdcaDo = (o: PdcaOptions = {}): CycleState => act(act(pdcaPending(o), APPROVE, alice, at(0, 3)), APPROVE, simon, at(0, 4));

/** Action completed (day 2), measurements recorded (day 3), do gate submitted (day 4): phase check. */
function pdcaCheck(o: PdcaOptions = {}): CycleState {
  let s = pdcaDo(o);
  s = act(s, { type: 'complete_action', actionId: s.actions[0]!.id, note: 'rota published' }, tom, at(2));
  s = act(s, measure(o.doValues ?? vals(28, 30, 27, 29)), tom, at(3));
  return act(s, SUBMIT, olivia, at(4));
}

/** Check reviewed on day 5: phase act. */
const pdcaAct = (o: PdcaOptions = {}): CycleState => act(pdcaCheck(o), { type: 'review_check', comment: 'reviewed' }, olivia, at(5));

/** Standardized on day 6: effectiveness window until day 36. */
const pdcaStandardized = (o: PdcaOptions = {}): CycleState =>
  act(pdcaAct(o), { type: 'standardize', standard: 'triage rota in the support handbook', trainees: ['tom', 'tara'] }, olivia, at(6));

// ------------------------------------------------------ DMAIC to each phase

/** Invoice field defects in DPMO, from 30,000 down to 10,000. */
const DMAIC_GOAL: SmartGoal = { metric: 'invoice field defects', unit: 'DPMO', direction: 'lower_is_better', metricType: 'continuous', baseline: 30_000, target: 10_000, deadline: at(120) };

const CHARTER: Charter = {
  problem: '3 % of invoice fields are wrong',
  businessCase: 'rework and billing complaints',
  scopeIn: ['B2B invoices'],
  scopeOut: ['credit notes'],
  ctqs: [{ name: 'correct invoice', measure: 'wrong fields per opportunity', specification: 'no wrong field' }],
  sipoc: [{ supplier: 'sales', input: 'order', process: 'invoicing', output: 'invoice', customer: 'B2B customer' }],
  milestones: [{ phase: 'measure', due: at(14) }],
};
const DATA_PLAN: DataCollectionItem[] = [{ metric: 'wrong invoice fields', operationalDefinition: 'a field differing from the order', source: 'billing audit', sampleSize: 1000, frequency: 'weekly' }];
/** 120 defects in 1000 invoices × 4 fields: 30,000 DPMO. */
const DISCRETE_BASELINE: DataInput = { kind: 'discrete', defects: 120, units: 1000, opportunitiesPerUnit: 4 };
/** 30 defects in 1000 × 4: 7,500 DPMO. */
const DISCRETE_PILOT: DataInput = { kind: 'discrete', defects: 30, units: 1000, opportunitiesPerUnit: 4 };
/** Weekly DPMO of the improved process: mean 7500, average moving range 1250/7. */
const IMPROVED = [7400, 7600, 7500, 7300, 7700, 7500, 7450, 7550];

const dmaicIntake = (overrides: Partial<CycleIntake> = {}): CycleIntake =>
  intake({ cycleId: 'DM-1', type: 'dmaic', title: 'Correct invoices', goal: DMAIC_GOAL, team: ['tom'], ...overrides });

/** Submits the current gate at `day` + 2 h; alice and simon approve at + 3 h and + 4 h. */
const approveGate = (s: CycleState, day: number): CycleState => act(act(act(s, SUBMIT, olivia, at(day, 2)), APPROVE, alice, at(day, 3)), APPROVE, simon, at(day, 4));

interface DmaicOptions {
  intake?: Partial<CycleIntake>;
  baseline?: DataInput;
  pilot?: DataInput;
}

const dmaicDefine = (o: DmaicOptions = {}): CycleState => openCycle(dmaicIntake(o.intake), T0).state;
const dmaicMeasure = (o: DmaicOptions = {}): CycleState => approveGate(act(dmaicDefine(o), { type: 'update_charter', charter: CHARTER }, olivia, at(0, 1)), 0);

function dmaicAnalyze(o: DmaicOptions = {}): CycleState {
  let s = dmaicMeasure(o);
  s = act(s, { type: 'set_data_collection_plan', items: DATA_PLAN }, tom, at(1, 1));
  s = act(s, { type: 'set_baseline', data: o.baseline ?? DISCRETE_BASELINE }, tom, at(1, 1));
  return approveGate(s, 1);
}

function dmaicImprove(o: DmaicOptions = {}): CycleState {
  let s = dmaicAnalyze(o);
  s = act(s, { type: 'set_defect_categories', categories: [{ category: 'late', count: 20 }, { category: 'wrong amount', count: 60 }, { category: 'other', count: 10 }, { category: 'duplicate', count: 30 }] }, tom, at(2, 1));
  s = act(s, { type: 'add_fishbone_cause', category: 'materials', cause: 'order form allows free-text prices' }, tom, at(2, 1));
  s = act(s, { type: 'add_root_cause', cause: 'free-text price field' }, tom, at(2, 1));
  s = act(s, { type: 'verify_root_cause', rootCauseId: s.artefacts.rootCauses[0]!.id, evidence: '48 of 60 wrong amounts came from free text' }, tom, at(2, 1));
  return approveGate(s, 2);
}

function dmaicControl(o: DmaicOptions = {}): CycleState {
  let s = dmaicImprove(o);
  s = act(s, { type: 'add_solution', description: 'price picked from the catalogue', rootCauseIds: [s.artefacts.rootCauses[0]!.id] }, tom, at(3, 1));
  s = act(s, { type: 'add_fmea_row', failureMode: 'catalogue price outdated', effect: 'wrong amount', cause: 'late catalogue update', severity: 8, occurrence: 5, detection: 4, recommendedAction: 'nightly sync' }, tom, at(3, 1));
  s = act(s, { type: 'set_pilot_data', data: o.pilot ?? DISCRETE_PILOT }, tom, at(3, 1));
  return approveGate(s, 3);
}

/** Control plan (process owner paula) approved on day 4: monitoring from M0. */
function dmaicMonitoring(o: DmaicOptions = {}): CycleState {
  const s = act(dmaicControl(o), { type: 'set_control_plan', metric: 'weekly invoice DPMO', improvedData: IMPROVED, reactionPlan: 'stop the line and audit', processOwnerId: 'paula' }, olivia, at(4, 1));
  return approveGate(s, 4);
}

const M0 = at(4, 4);
const PERIOD = 7 * DAY;
const LIMITS = individualsLimits(IMPROVED);
const CENTER = LIMITS.individuals.center;
const SIGMA = (LIMITS.individuals.ucl - CENTER) / 3;
/** Above the centre: worse for a lower-is-better metric. */
const REGRESSION = CENTER + 4 * SIGMA;
const FAVOURABLE = CENTER - 4 * SIGMA;
/** Alternating sides, well inside 1σ: no run rule can fire. */
const IN_CONTROL = [CENTER + 0.3 * SIGMA, CENTER - 0.3 * SIGMA];

// ------------------------------------------------------------------ tests

describe('fixture chains', () => {
  it('given the PDCA and DMAIC fixture chains, when built, then each ends in the phase and status it is named after', () => {
    expect([pdcaOpen(), pdcaPlanned(), pdcaPending(), pdcaDo(), pdcaCheck(), pdcaAct(), pdcaStandardized()].map((s) => [s.phase, s.status, s.gate.status])).toEqual([
      ['plan', 'active', 'open'],
      ['plan', 'active', 'open'],
      ['plan', 'active', 'pending'],
      ['do', 'active', 'open'],
      ['check', 'active', 'open'],
      ['act', 'active', 'open'],
      ['act', 'effectiveness_check', 'open'],
    ]);
    expect([dmaicDefine(), dmaicMeasure(), dmaicAnalyze(), dmaicImprove(), dmaicControl()].map((s) => [s.phase, s.status])).toEqual([
      ['define', 'active'],
      ['measure', 'active'],
      ['analyze', 'active'],
      ['improve', 'active'],
      ['control', 'active'],
    ]);
    expect(dmaicMonitoring().status).toBe('monitoring');
  });
});

describe('intake', () => {
  it('given a valid PDCA intake, when opened, then version 1, phase plan, open gate, empty artefacts and a create transition', () => {
    const { state, transitions } = openCycle(intake(), T0);
    expect(state).toMatchObject({ cycleId: 'CY-1', type: 'pdca', version: 1, iteration: 1, status: 'active', phase: 'plan', createdAt: T0, overdueSince: null, actions: [], measurements: [], signatures: [], lineage: [], parentCycleId: null });
    expect(state.gate).toEqual({ phase: 'plan', status: 'open', submittedAt: null, submittedBy: null, artefactHash: null, approvedBy: [], rejection: null });
    expect(transitions).toHaveLength(1);
    expect(transitions[0]).toMatchObject({ version: 1, action: 'create', actor: olivia, at: T0, before: null, after: { status: 'active', phase: 'plan', iteration: 1, gate: 'open', ownerId: 'olivia' } });
  });

  it('given a DMAIC intake, when opened, then it starts in define', () => {
    expect(dmaicDefine()).toMatchObject({ type: 'dmaic', phase: 'define', gate: { phase: 'define', status: 'open' } });
  });

  it('given the owner among the approvers, when opening, then INVALID_ACTION naming settings.approvers', () => {
    const bad = intake({ settings: settings({ approvers: ['alice', 'olivia'] }) });
    expect(intakeProblems(bad)).toEqual([{ path: 'settings.approvers', message: 'the owner cannot approve their own gates' }]);
    const err = expectDomainError(() => openCycle(bad, T0), ErrorCode.INVALID_ACTION);
    expect(err.message).toContain('settings.approvers: the owner cannot approve their own gates');
  });

  it('given the owner as sponsor, when opening, then INVALID_ACTION naming sponsorId', () => {
    const bad = intake({ sponsorId: 'olivia', settings: settings({ approvers: ['alice'] }) });
    expect(intakeProblems(bad)).toEqual([{ path: 'sponsorId', message: 'the sponsor must be someone other than the owner' }]);
    expectDomainError(() => openCycle(bad, T0), ErrorCode.INVALID_ACTION);
  });

  it('given a target not better than the baseline, when opening, then INVALID_ACTION naming goal.target', () => {
    const bad = intake({ goal: { ...PDCA_GOAL, target: 45 } });
    expect(intakeProblems(bad)).toEqual([{ path: 'goal.target', message: 'the target must be below the baseline (lower_is_better)' }]);
    expect(goalProblems(bad.goal)).toEqual([{ path: 'target', message: 'the target must be below the baseline (lower_is_better)' }]);
    expectDomainError(() => openCycle(bad, T0), ErrorCode.INVALID_ACTION);
  });

  it('given no approvers or a sponsor escalation before the owner escalation, when checking the intake, then both are named', () => {
    expect(intakeProblems(intake({ settings: settings({ approvers: [] }) }))).toEqual([{ path: 'settings.approvers', message: 'at least one approver is required' }]);
    const early = settings({ actionReminders: { hoursBeforeDue: 24, escalateToOwnerAfterHours: 48, escalateToSponsorAfterHours: 24 } });
    expect(intakeProblems(intake({ settings: early })).map((p) => p.path)).toEqual(['settings.actionReminders.escalateToSponsorAfterHours']);
    expect(intakeProblems(intake())).toEqual([]);
  });
});

describe('PDCA happy path', () => {
  it('given a team member and the owner, when they add the plan artefacts, then each is recorded with its own id', () => {
    const s = pdcaPlanned();
    expect(s.artefacts.fiveWhys).toEqual([{ id: 'w1', problem: 'slow first response', whys: ['tickets wait unassigned', 'nobody triages in the morning'], rootCause: 'no triage rota' }]);
    expect(s.artefacts.fishbone).toEqual([{ id: 'f2', category: 'method', cause: 'no triage rota' }]);
    expect(s.artefacts.countermeasures).toEqual([{ id: 'm3', description: 'daily triage rota', rootCause: 'no triage rota' }]);
    expect(s.actions).toEqual([
      {
        id: 'a4',
        title: 'publish the rota',
        assigneeId: 'tom',
        dueAt: ACTION_DUE,
        status: 'open',
        createdAt: at(0, 1),
        createdBy: 'olivia',
        completedAt: null,
        completedBy: null,
        note: null,
        alerts: { reminder: false, overdue: false, ownerEscalation: false, sponsorEscalation: false },
      },
    ]);
    expect(missingArtefacts(s)).toEqual([]);
  });

  it('given a complete plan, when the owner submits the gate, then it is pending with the plan artefact hash and the approvers are notified', () => {
    const planned = pdcaPlanned();
    const { state, transitions } = run(planned, SUBMIT, olivia, at(0, 2));
    const hash = artefactHash(planned, 'plan');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(state.gate).toEqual({ phase: 'plan', status: 'pending', submittedAt: at(0, 2), submittedBy: 'olivia', artefactHash: hash, approvedBy: [], rejection: null });
    expect(artefactHash(state, 'plan')).toBe(hash);
    expect(transitions).toHaveLength(1);
    expect(transitions[0]).toMatchObject({ action: 'gate_submitted', details: { phase: 'plan', artefactHash: hash, comment: 'ready' } });
    expect(transitions[0]!.notifications).toEqual([{ type: 'gate.submitted', recipients: { userIds: ['alice', 'simon'], roles: [] }, data: { phase: 'plan', artefactHash: hash } }]);
  });

  it('given two approvers, when only the first approves, then the gate stays pending with one approval', () => {
    const { state, transitions } = run(pdcaPending(), APPROVE, alice, at(0, 3));
    expect(actions(transitions)).toEqual(['gate_signed']);
    expect(state).toMatchObject({ phase: 'plan', gate: { status: 'pending', approvedBy: ['alice'] } });
  });

  it('given both approvers approve, when the second signs, then phase do with signatures binding meaning, signer and hash, and owner and sponsor told', () => {
    const pending = pdcaPending();
    const hash = pending.gate.artefactHash!;
    const afterAlice = act(pending, APPROVE, alice, at(0, 3));
    const { state, transitions } = run(afterAlice, APPROVE, simon, at(0, 4));
    expect(actions(transitions)).toEqual(['gate_signed', 'phase_entered']);
    expect(state).toMatchObject({ phase: 'do', status: 'active', phaseStartedAt: at(0, 4), gate: { phase: 'do', status: 'open', approvedBy: [] } });
    expect(state.signatures).toEqual([
      { id: 'sig1', phase: 'plan', iteration: 1, decision: 'approved', signerId: 'alice', signerRole: 'supervisor', meaning: 'approved plan', at: at(0, 3), comment: 'agreed', reasons: [], artefactHash: hash },
      { id: 'sig2', phase: 'plan', iteration: 1, decision: 'approved', signerId: 'simon', signerRole: 'sponsor', meaning: 'approved plan', at: at(0, 4), comment: 'agreed', reasons: [], artefactHash: hash },
    ]);
    expect(transitions[1]!.details).toEqual({ from: 'plan', to: 'do' });
    expect(transitions[1]!.notifications).toEqual([{ type: 'gate.approved', recipients: { userIds: ['olivia', 'simon'], roles: [] }, data: { phase: 'plan', approvedBy: ['alice', 'simon'] } }]);
  });

  it('given phase do, when the assignee completes the action and measurements are recorded, then the action is done and the measurements carry stage do', () => {
    let s = pdcaDo();
    const id = s.actions[0]!.id;
    const completed = run(s, { type: 'complete_action', actionId: id, note: 'rota published' }, tom, at(2));
    expect(completed.transitions[0]).toMatchObject({ action: 'action_completed', details: { actionId: id, late: false, note: 'rota published' } });
    s = completed.state;
    expect(s.actions[0]).toMatchObject({ status: 'done', completedAt: at(2), completedBy: 'tom', note: 'rota published' });
    s = act(s, measure([{ value: 28, at: at(2, 12), note: 'week 1' }, { value: 30 }]), tom, at(3));
    expect(s.measurements).toEqual([
      { seq: 1, value: 28, sampleSize: null, at: at(2, 12), note: 'week 1', by: 'tom', stage: 'do', iteration: 1 },
      { seq: 2, value: 30, sampleSize: null, at: at(3), note: null, by: 'tom', stage: 'do', iteration: 1 },
    ]);
  });

  it('given the do artefacts complete, when the owner submits the do gate, then phase check at once (no approval) with a check report and check.ready', () => {
    let s = pdcaDo();
    s = act(s, { type: 'complete_action', actionId: s.actions[0]!.id }, tom, at(2));
    s = act(s, measure(vals(28, 30, 27, 29)), tom, at(3));
    const { state, transitions } = run(s, SUBMIT, olivia, at(4));
    expect(actions(transitions)).toEqual(['phase_entered']);
    expect(state).toMatchObject({ phase: 'check', gate: { phase: 'check', status: 'open' } });
    expect(state.signatures).toHaveLength(2); // only the plan's
    // After: 28, 30, 27, 29 → mean 28.5, s = √(5/3); no pre-change data → one-sample t against the goal's baseline 40.
    const t = (28.5 - 40) / (Math.sqrt(5 / 3) / 2);
    expect(state.artefacts.checkReport).toEqual({
      computedAt: at(4),
      baseline: { mean: 40, n: 0, source: 'goal' },
      after: { mean: 28.5, n: 4 },
      target: 30,
      direction: 'lower_is_better',
      improvementPct: expect.closeTo(28.75, 12), // (40 - 28.5) / 40, positive: it went the better way
      goalMet: true,
      test: { name: 'one_sample_t', statistic: expect.closeTo(t, 10), df: 3, pValue: expect.closeTo(studentTTwoSidedP(t, 3), 12), alpha: 0.05, significant: true },
    });
    expect(transitions[0]!.notifications).toEqual([{ type: 'check.ready', recipients: { userIds: ['olivia'], roles: [] }, data: { goalMet: true, improvementPct: state.artefacts.checkReport!.improvementPct } }]);
  });

  it('given phase check, when the owner reviews the report, then phase act with the review recorded', () => {
    const { state, transitions } = run(pdcaCheck(), { type: 'review_check', comment: 'target reached' }, olivia, at(5));
    expect(actions(transitions)).toEqual(['check_reviewed', 'phase_entered']);
    expect(transitions[0]!.details).toEqual({ comment: 'target reached', goalMet: true });
    expect(state).toMatchObject({ phase: 'act', status: 'active' });
    expect(state.artefacts.checkReview).toEqual({ by: 'olivia', at: at(5), comment: 'target reached' });
  });

  it('given phase act with the goal met, when the owner standardizes, then effectiveness_check with a window of effectivenessWindowDays', () => {
    const before = pdcaAct();
    const { state, transitions } = run(before, { type: 'standardize', standard: 'triage rota in the handbook', trainees: ['tom', 'tara'] }, olivia, at(6));
    expect(actions(transitions)).toEqual(['standardized']);
    expect(state).toMatchObject({ status: 'effectiveness_check', phase: 'act' });
    expect(state.artefacts.standard).toEqual({ description: 'triage rota in the handbook', trainees: ['tom', 'tara'], by: 'olivia', at: at(6) });
    // The window counts measurements from the next one recorded on.
    expect(state.artefacts.effectiveness).toEqual({ windowEndsAt: at(6 + 30), fromSeq: before.measurements.length + 1, result: 'pending', evaluatedAt: null, mean: null, n: 0, reason: null });
    expect(nextCycleTimerAt(state)).toBe(at(36));
  });

  it('given measurements meeting the target in the window, when the window ends, then standardized and closed, effectiveness held', () => {
    let s = pdcaStandardized();
    s = act(s, measure(vals(29, 28)), tom, at(10));
    expect(s.measurements.slice(-2).map((m) => m.stage)).toEqual(['effectiveness_check', 'effectiveness_check']);
    expect(fireDueCycleTimers(s, at(36) - 1).transitions).toEqual([]);
    const { state, transitions } = fireDueCycleTimers(s, at(36));
    expect(actions(transitions)).toEqual(['effectiveness_held']);
    expect(transitions[0]).toMatchObject({ at: at(36), actor: { id: 'system', role: 'system' } });
    expect(transitions[0]!.notifications).toEqual([{ type: 'effectiveness.held', recipients: { userIds: ['olivia', 'simon'], roles: [] }, data: { mean: 28.5, n: 2 } }]);
    expect(state).toMatchObject({ status: 'standardized', closedAt: at(36), closure: { by: 'system' } });
    expect(state.artefacts.effectiveness).toEqual({ windowEndsAt: at(36), fromSeq: 5, result: 'held', evaluatedAt: at(36), mean: 28.5, n: 2, reason: null });
    expect(nextCycleTimerAt(state)).toBeNull();
    expectRejected(state, measure(vals(20)), tom, at(37), ErrorCode.INVALID_TRANSITION);
  });

  it('given no measurements in the window, when the window ends, then back to active act with effectiveness failed', () => {
    const { state, transitions } = fireDueCycleTimers(pdcaStandardized(), at(36));
    expect(actions(transitions)).toEqual(['effectiveness_failed']);
    expect(transitions[0]!.notifications).toEqual([
      { type: 'effectiveness.failed', recipients: { userIds: ['olivia', 'simon'], roles: [] }, data: { mean: null, n: 0, reason: 'no measurements during the effectiveness window' } },
    ]);
    expect(state).toMatchObject({ status: 'active', phase: 'act', closedAt: null });
    expect(state.artefacts.effectiveness).toEqual({ windowEndsAt: at(36), fromSeq: 5, result: 'failed', evaluatedAt: at(36), mean: null, n: 0, reason: 'no measurements during the effectiveness window' });
  });

  it('given window measurements not meeting the target, when the window ends, then effectiveness failed with their mean and the owner may iterate', () => {
    const s = act(pdcaStandardized(), measure(vals(35, 36)), tom, at(10));
    const { state } = fireDueCycleTimers(s, at(36));
    expect(state).toMatchObject({ status: 'active', phase: 'act' });
    expect(state.artefacts.effectiveness).toMatchObject({ result: 'failed', mean: 35.5, n: 2, reason: 'the mean 35.5 does not meet the target 30' });
    expect(act(state, { type: 'iterate', learnings: 'the rota slipped' }, olivia, at(37))).toMatchObject({ iteration: 2, phase: 'plan' });
  });

  it('given a failed effectiveness check and a second standardization, when the second window ends, then only that window\'s measurements count', () => {
    // Regression guard: the evaluation once selected every effectiveness_check measurement of the iteration,
    // so the first (failed) window's points leaked into the second window's mean.
    // First window (days 6-36): 35, 36 → failed. Standardized again on day 40; second window (days 40-70): 25 → held.
    let s = act(pdcaStandardized(), measure(vals(35, 36)), tom, at(10));
    s = fireDueCycleTimers(s, at(36)).state;
    s = act(s, { type: 'standardize', standard: 'rota with a named deputy', trainees: ['tom'] }, olivia, at(40));
    s = act(s, measure(vals(25)), tom, at(45));
    const { state } = fireDueCycleTimers(s, at(70));
    expect(state.artefacts.effectiveness).toMatchObject({ windowEndsAt: at(70), n: 1, mean: 25, result: 'held' });
    expect(state.status).toBe('standardized');
  });
});

describe('gate refusals: missing artefacts', () => {
  /** Expects submit_gate refused with GATE_INCOMPLETE listing exactly `missing`, as missingArtefacts does. */
  function expectIncomplete(s: CycleState, missing: string[]): void {
    const err = expectRejected(s, SUBMIT, olivia, s.updatedAt + HOUR, ErrorCode.GATE_INCOMPLETE);
    expect(err.details).toEqual({ missing });
    expect(missingArtefacts(s)).toEqual(missing);
  }

  it('given an empty plan, when submitting, then GATE_INCOMPLETE naming analysis, countermeasure and action item', () => {
    expectIncomplete(pdcaOpen(), ['root-cause analysis (a 5-whys chain or a fishbone cause)', 'at least one countermeasure', 'at least one action item']);
  });

  it('given a plan with only a fishbone cause, when submitting, then only countermeasure and action item are missing', () => {
    const s = act(pdcaOpen(), { type: 'add_fishbone_cause', category: 'people', cause: 'new joiners' }, tom, at(0, 1));
    expectIncomplete(s, ['at least one countermeasure', 'at least one action item']);
  });

  it('given phase do with the action open and no measurement, when submitting, then both are missing, naming the open action', () => {
    const s = pdcaDo();
    expectIncomplete(s, [`completed action items (open: ${s.actions[0]!.id})`, 'at least one measurement since the change (recorded in Do)']);
  });

  it('given plan-phase measurements only, when submitting the do gate, then a measurement since the change is still missing', () => {
    let s = pdcaDo({ planValues: vals(41, 39) });
    s = act(s, { type: 'complete_action', actionId: s.actions[0]!.id }, tom, at(2));
    expectIncomplete(s, ['at least one measurement since the change (recorded in Do)']);
  });

  it('given define without charter and team, when submitting, then charter and team are missing', () => {
    expectIncomplete(dmaicDefine({ intake: { team: [] } }), ['a charter', 'a team']);
  });

  it('given define with an empty charter, when submitting, then its scope, CTQ, SIPOC and milestones are missing', () => {
    const empty: Charter = { ...CHARTER, scopeIn: [], ctqs: [], sipoc: [], milestones: [] };
    const s = act(dmaicDefine(), { type: 'update_charter', charter: empty }, olivia, at(0, 1));
    expectIncomplete(s, ['charter scope (in)', 'at least one CTQ', 'at least one SIPOC row', 'charter milestones']);
  });

  it('given measure without artefacts, when submitting, then data collection plan and baseline are missing', () => {
    expectIncomplete(dmaicMeasure(), ['a data collection plan', 'a baseline']);
    const withPlan = act(dmaicMeasure(), { type: 'set_data_collection_plan', items: DATA_PLAN }, tom, at(1, 1));
    expectIncomplete(withPlan, ['a baseline']);
  });

  it('given analyze with an unverified root cause only, when submitting, then Pareto, fishbone and a verified root cause are missing', () => {
    const s = act(dmaicAnalyze(), { type: 'add_root_cause', cause: 'free-text price field' }, tom, at(2, 1));
    expectIncomplete(s, ['a Pareto of defect categories', 'at least one fishbone cause', 'at least one verified root cause']);
  });

  it('given improve without artefacts, when submitting, then solution, FMEA row and pilot are missing', () => {
    expectIncomplete(dmaicImprove(), ['at least one solution', 'at least one FMEA row', 'pilot data compared with the baseline']);
  });

  it('given control without a control plan, when submitting, then the control plan is missing', () => {
    expectIncomplete(dmaicControl(), ['a control plan']);
  });
});

describe('gate signatures', () => {
  it('given a pending gate, when the owner signs, then SELF_APPROVAL_FORBIDDEN, even if listed as an approver', () => {
    const s = pdcaPending();
    expectRejected(s, APPROVE, olivia, at(0, 3), ErrorCode.SELF_APPROVAL_FORBIDDEN);
    const listed: CycleState = { ...s, settings: { ...s.settings, approvers: ['alice', 'simon', 'olivia'] } };
    expectRejected(listed, APPROVE, olivia, at(0, 3), ErrorCode.SELF_APPROVAL_FORBIDDEN);
  });

  it('given a pending gate, when a team member who is not an approver signs, then NOT_PERMITTED', () => {
    expectRejected(pdcaPending(), APPROVE, tom, at(0, 3), ErrorCode.NOT_PERMITTED);
  });

  it('given an approver already approved, when they approve again, then ALREADY_SIGNED', () => {
    const s = act(pdcaPending(), APPROVE, alice, at(0, 3));
    expectRejected(s, APPROVE, alice, at(0, 4), ErrorCode.ALREADY_SIGNED);
  });

  it('given a gate not submitted, when an approver signs, then INVALID_TRANSITION', () => {
    expectRejected(pdcaPlanned(), APPROVE, alice, at(0, 3), ErrorCode.INVALID_TRANSITION);
  });

  it('given a pending gate, when submitted again, then GATE_PENDING', () => {
    expectRejected(pdcaPending(), SUBMIT, olivia, at(0, 3), ErrorCode.GATE_PENDING);
  });

  it('given a rejection without reasons, when signing, then INVALID_ACTION', () => {
    expectRejected(pdcaPending(), reject(), alice, at(0, 3), ErrorCode.INVALID_ACTION);
  });

  it('given a pending gate, when an approver rejects with reasons, then rejected with reasons, phase unchanged, owner notified, earlier approvals void', () => {
    const approvedByAlice = act(pdcaPending(), APPROVE, alice, at(0, 3));
    const { state, transitions } = run(approvedByAlice, reject('no owner for the weekend rota'), simon, at(0, 4));
    expect(actions(transitions)).toEqual(['gate_rejected']);
    expect(state.phase).toBe('plan');
    expect(state.gate).toMatchObject({ status: 'rejected', approvedBy: [], rejection: { by: 'simon', at: at(0, 4), reasons: ['no owner for the weekend rota'] } });
    expect(state.signatures[1]).toMatchObject({ decision: 'rejected', signerId: 'simon', meaning: 'rejected plan', reasons: ['no owner for the weekend rota'], artefactHash: approvedByAlice.gate.artefactHash });
    expect(transitions[0]!.notifications).toEqual([
      { type: 'gate.rejected', recipients: { userIds: ['olivia'], roles: [] }, data: { phase: 'plan', reasons: ['no owner for the weekend rota'], by: 'simon' } },
    ]);
    // Resubmitted unchanged: alice's earlier approval does not count, both must sign again.
    let again = act(state, SUBMIT, olivia, at(0, 5));
    again = act(again, APPROVE, simon, at(0, 6));
    expect(again).toMatchObject({ phase: 'plan', gate: { status: 'pending', approvedBy: ['simon'] } });
    expect(act(again, APPROVE, alice, at(0, 7)).phase).toBe('do');
  });

  it('given a rejected gate, when an artefact is edited, then the gate reopens and the new submission binds a new hash', () => {
    const rejected = act(pdcaPending(), reject('rota lacks a deputy'), alice, at(0, 3));
    const edited = act(rejected, { type: 'add_countermeasure', description: 'named deputy for the rota' }, olivia, at(0, 4));
    expect(edited.gate.status).toBe('open');
    expect(edited.artefacts.countermeasures).toHaveLength(2);
    const resubmitted = act(edited, SUBMIT, olivia, at(0, 5));
    expect(resubmitted.gate.artefactHash).toBe(artefactHash(edited, 'plan'));
    expect(resubmitted.gate.artefactHash).not.toBe(rejected.gate.artefactHash);
  });

  it('given a rejected gate, when an action item is added, then the gate reopens too', () => {
    const rejected = act(pdcaPending(), reject('no training action'), alice, at(0, 3));
    const edited = act(rejected, { type: 'add_action', title: 'train the team', assigneeId: 'tara', dueAt: at(9) }, olivia, at(0, 4));
    expect(edited.gate.status).toBe('open');
  });

  it('given a pending gate, when artefacts are edited, then GATE_PENDING and nothing changes', () => {
    const s = pdcaPending();
    expectRejected(s, { type: 'add_five_whys', problem: 'p', whys: ['w'], rootCause: 'r' }, tom, at(0, 3), ErrorCode.GATE_PENDING);
    expectRejected(s, { type: 'add_fishbone_cause', category: 'people', cause: 'c' }, tom, at(0, 3), ErrorCode.GATE_PENDING);
    expectRejected(s, { type: 'add_countermeasure', description: 'd' }, olivia, at(0, 3), ErrorCode.GATE_PENDING);
    expectRejected(s, { type: 'add_action', title: 't', assigneeId: 'tom', dueAt: at(9) }, olivia, at(0, 3), ErrorCode.GATE_PENDING);
  });
});

describe('command applicability and permissions', () => {
  it('given commands outside their phase, when sent, then INVALID_TRANSITION', () => {
    expectRejected(pdcaPlanned(), { type: 'standardize', standard: 's', trainees: [] }, olivia, at(0, 2), ErrorCode.INVALID_TRANSITION);
    expectRejected(pdcaPlanned(), { type: 'review_check', comment: 'c' }, olivia, at(0, 2), ErrorCode.INVALID_TRANSITION);
    expectRejected(pdcaDo(), { type: 'add_countermeasure', description: 'd' }, olivia, at(1), ErrorCode.INVALID_TRANSITION);
    expectRejected(pdcaDo(), APPROVE, alice, at(1), ErrorCode.INVALID_TRANSITION);
    expectRejected(pdcaCheck(), { type: 'iterate', learnings: 'l' }, olivia, at(4, 1), ErrorCode.INVALID_TRANSITION);
    expectRejected(pdcaAct(), SUBMIT, olivia, at(5, 1), ErrorCode.INVALID_TRANSITION);
    expectRejected(dmaicDefine(), { type: 'set_baseline', data: DISCRETE_BASELINE }, olivia, at(0, 1), ErrorCode.INVALID_TRANSITION);
    expectRejected(dmaicMonitoring(), SUBMIT, olivia, M0 + HOUR, ErrorCode.INVALID_TRANSITION);
  });

  it('given DMAIC-only commands on a PDCA cycle and PDCA-only ones on DMAIC, when sent, then INVALID_ACTION', () => {
    expectRejected(pdcaOpen(), { type: 'set_baseline', data: DISCRETE_BASELINE }, olivia, at(0, 1), ErrorCode.INVALID_ACTION);
    expectRejected(pdcaOpen(), { type: 'update_charter', charter: CHARTER }, olivia, at(0, 1), ErrorCode.INVALID_ACTION);
    expectRejected(pdcaOpen(), { type: 'add_root_cause', cause: 'c' }, olivia, at(0, 1), ErrorCode.INVALID_ACTION);
    expectRejected(dmaicDefine(), { type: 'add_countermeasure', description: 'd' }, olivia, at(0, 1), ErrorCode.INVALID_ACTION);
    expectRejected(dmaicDefine(), { type: 'run_check' }, olivia, at(0, 1), ErrorCode.INVALID_ACTION);
  });

  it('given someone off the team, when adding a fishbone cause or recording a measurement, then NOT_PERMITTED; a team member may', () => {
    expectRejected(pdcaOpen(), { type: 'add_fishbone_cause', category: 'people', cause: 'c' }, eve, at(0, 1), ErrorCode.NOT_PERMITTED);
    expectRejected(pdcaOpen(), measure(vals(40)), eve, at(0, 1), ErrorCode.NOT_PERMITTED);
    expect(act(pdcaOpen(), { type: 'add_fishbone_cause', category: 'people', cause: 'c' }, tara, at(0, 1)).artefacts.fishbone).toHaveLength(1);
  });

  it('given an action assigned to tom, when another team member completes it, then NOT_PERMITTED; the assignee or the owner may', () => {
    const s = pdcaDo();
    const id = s.actions[0]!.id;
    expectRejected(s, { type: 'complete_action', actionId: id }, tara, at(1), ErrorCode.NOT_PERMITTED);
    expect(act(s, { type: 'complete_action', actionId: id }, tom, at(1)).actions[0]).toMatchObject({ status: 'done', completedBy: 'tom' });
    const byOwner = act(s, { type: 'complete_action', actionId: id }, olivia, at(1));
    expect(byOwner.actions[0]).toMatchObject({ status: 'done', completedBy: 'olivia' });
    expectRejected(byOwner, { type: 'complete_action', actionId: id }, tom, at(2), ErrorCode.INVALID_TRANSITION);
    expectRejected(s, { type: 'complete_action', actionId: 'a999' }, olivia, at(1), ErrorCode.INVALID_ACTION);
  });

  it('given owner-only commands, when a team member sends them, then NOT_PERMITTED', () => {
    expectRejected(pdcaPlanned(), SUBMIT, tom, at(0, 2), ErrorCode.NOT_PERMITTED);
    expectRejected(pdcaPlanned(), { type: 'add_action', title: 't', assigneeId: 'tom', dueAt: at(9) }, tom, at(0, 2), ErrorCode.NOT_PERMITTED);
    expectRejected(pdcaAct(), { type: 'standardize', standard: 's', trainees: [] }, tom, at(5, 1), ErrorCode.NOT_PERMITTED);
  });

  it('given an action due in the past, when added, then INVALID_ACTION', () => {
    expectRejected(pdcaOpen(), { type: 'add_action', title: 't', assigneeId: 'tom', dueAt: at(0, 1) }, olivia, at(0, 1), ErrorCode.INVALID_ACTION);
  });

  it('given an open cycle, when the sponsor abandons it, then abandoned with the reason; a team member may not', () => {
    expectRejected(pdcaDo(), { type: 'abandon', reason: 'r' }, tom, at(1), ErrorCode.NOT_PERMITTED);
    const s = act(pdcaDo(), { type: 'abandon', reason: 'budget cut' }, simon, at(1));
    expect(s).toMatchObject({ status: 'abandoned', closedAt: at(1), closure: { reason: 'budget cut', by: 'simon' } });
    expect(nextCycleTimerAt(s)).toBeNull();
  });
});

describe('action item timers', () => {
  /** Reminder 48 h before due, owner escalation 12 h after, sponsor escalation 96 h after. */
  const REMINDERS = { intake: { settings: settings({ actionReminders: { hoursBeforeDue: 48, escalateToOwnerAfterHours: 12, escalateToSponsorAfterHours: 96 } }) } };

  it('given the plan approved and the action open, when the timers fire, then reminder, overdue, owner and sponsor escalation at their instants', () => {
    let s = pdcaDo(REMINDERS);
    const id = s.actions[0]!.id;
    const stages = [
      { at: ACTION_DUE - 48 * HOUR, action: 'action_reminder', type: 'action.reminder', to: ['tom'], level: null },
      { at: ACTION_DUE, action: 'action_overdue', type: 'action.overdue', to: ['tom', 'olivia'], level: null },
      { at: ACTION_DUE + 12 * HOUR, action: 'action_escalated', type: 'action.escalated', to: ['olivia'], level: 'owner' },
      { at: ACTION_DUE + 96 * HOUR, action: 'action_escalated', type: 'action.escalated', to: ['simon', 'olivia'], level: 'sponsor' },
    ];
    for (const stage of stages) {
      expect(nextCycleTimerAt(s)).toBe(stage.at);
      expect(fireDueCycleTimers(s, stage.at - 1).transitions).toEqual([]);
      const fired = fireDueCycleTimers(s, stage.at);
      expect(fired.transitions).toHaveLength(1);
      const tr = fired.transitions[0]!;
      expect(tr).toMatchObject({ action: stage.action, at: stage.at, actor: { id: 'system', role: 'system' }, details: { actionId: id, level: stage.level } });
      expect(tr.notifications).toEqual([
        { type: stage.type, recipients: { userIds: stage.to, roles: [] }, data: { actionId: id, title: 'publish the rota', assigneeId: 'tom', dueAt: new Date(ACTION_DUE).toISOString(), level: stage.level } },
      ]);
      s = fired.state;
    }
    expect(s.actions[0]!.alerts).toEqual({ reminder: true, overdue: true, ownerEscalation: true, sponsorEscalation: true });
    expect(nextCycleTimerAt(s)).toBe(at(60)); // only the cycle deadline is left
  });

  it('given the plan not yet approved, when the action falls due, then no action timer runs and the next timer is the deadline', () => {
    const s = pdcaPlanned(REMINDERS);
    expect(nextCycleTimerAt(s)).toBe(at(60));
    const { state, transitions } = fireDueCycleTimers(s, ACTION_DUE + 200 * HOUR);
    expect(transitions).toEqual([]);
    expect(state.actions[0]!.alerts).toEqual({ reminder: false, overdue: false, ownerEscalation: false, sponsorEscalation: false });
    expect(nextCycleTimerAt(pdcaPending(REMINDERS))).toBe(at(60));
  });

  it('given the plan approved after every stage fell due, when the timers fire, then all stages are marked and only the latest is announced', () => {
    const late = ACTION_DUE + 100 * HOUR; // past the sponsor escalation (+96 h)
    const s = act(act(pdcaPending(REMINDERS), APPROVE, alice, at(0, 3)), APPROVE, simon, late);
    expect(s.phase).toBe('do');
    expect(nextCycleTimerAt(s)).toBe(ACTION_DUE - 48 * HOUR);
    const { state, transitions } = fireDueCycleTimers(s, late);
    expect(actions(transitions)).toEqual(['action_escalated']);
    expect(transitions[0]!.notifications).toHaveLength(1);
    expect(transitions[0]!.notifications[0]).toMatchObject({ type: 'action.escalated', recipients: { userIds: ['simon', 'olivia'] }, data: { level: 'sponsor' } });
    expect(state.actions[0]!.alerts).toEqual({ reminder: true, overdue: true, ownerEscalation: true, sponsorEscalation: true });
    expect(fireDueCycleTimers(state, late + HOUR).transitions).toEqual([]);
  });

  it('given the plan approved after the stages fell due, when the timers fire, then the notice is dated at the approval, never before it', () => {
    const late = ACTION_DUE + 100 * HOUR;
    const s = act(act(pdcaPending(REMINDERS), APPROVE, alice, at(0, 3)), APPROVE, simon, late);
    const { transitions } = fireDueCycleTimers(s, late + HOUR);
    expect(transitions.map((t) => t.at)).toEqual([late]);
    expect(transitions[0]!.at).toBeGreaterThanOrEqual(s.updatedAt);
  });

  it('given the plan approved between the overdue and escalation stages, when the timers fire, then the overdue notice alone is sent', () => {
    const between = ACTION_DUE + 6 * HOUR;
    const s = act(act(pdcaPending(REMINDERS), APPROVE, alice, at(0, 3)), APPROVE, simon, between);
    const { state, transitions } = fireDueCycleTimers(s, between);
    expect(actions(transitions)).toEqual(['action_overdue']);
    expect(transitions[0]!.notifications.map((n) => n.type)).toEqual(['action.overdue']);
    expect(state.actions[0]!.alerts).toEqual({ reminder: true, overdue: true, ownerEscalation: false, sponsorEscalation: false });
    expect(nextCycleTimerAt(state)).toBe(ACTION_DUE + 12 * HOUR);
  });

  it('given the action completed before its reminder, when time passes, then no action timer fires', () => {
    const s = act(pdcaDo(REMINDERS), { type: 'complete_action', actionId: 'a4' }, tom, at(1));
    expect(nextCycleTimerAt(s)).toBe(at(60));
    expect(fireDueCycleTimers(s, ACTION_DUE + 200 * HOUR).transitions).toEqual([]);
  });

  it('given an action completed after its reminder, when later stages fall due, then they no longer fire', () => {
    let s = fireDueCycleTimers(pdcaDo(REMINDERS), ACTION_DUE - 48 * HOUR).state;
    s = act(s, { type: 'complete_action', actionId: 'a4' }, tom, ACTION_DUE - HOUR);
    expect(nextCycleTimerAt(s)).toBe(at(60));
    expect(fireDueCycleTimers(s, ACTION_DUE + 200 * HOUR).transitions).toEqual([]);
  });

  it('given a DMAIC improve phase, when an action is added, then it is chased from creation', () => {
    const s = act(dmaicImprove(), { type: 'add_action', title: 'sync the catalogue', assigneeId: 'tom', dueAt: at(20) }, olivia, at(3, 1));
    expect(nextCycleTimerAt(s)).toBe(at(20) - 24 * HOUR);
  });
});

describe('cycle deadline', () => {
  it('given an active cycle, when its deadline passes, then cycle_overdue at the deadline, sponsor and owner notified, once', () => {
    const s = pdcaOpen();
    expect(nextCycleTimerAt(s)).toBe(at(60));
    const { state, transitions } = fireDueCycleTimers(s, at(61));
    expect(actions(transitions)).toEqual(['cycle_overdue']);
    expect(transitions[0]).toMatchObject({ at: at(60), details: { phase: 'plan', deadline: new Date(at(60)).toISOString() } });
    expect(transitions[0]!.notifications).toEqual([
      { type: 'cycle.overdue', recipients: { userIds: ['simon', 'olivia'], roles: [] }, data: { phase: 'plan', deadline: new Date(at(60)).toISOString() } },
    ]);
    expect(state.overdueSince).toBe(at(60));
    expect(nextCycleTimerAt(state)).toBeNull();
    expect(fireDueCycleTimers(state, at(90)).transitions).toEqual([]);
  });

  it('given the deadline passed, when the next command arrives, then the overdue transition is recorded first at its own instant', () => {
    const { transitions } = run(pdcaOpen(), { type: 'add_fishbone_cause', category: 'people', cause: 'c' }, tom, at(61));
    expect(transitions.map((t) => [t.action, t.at])).toEqual([
      ['cycle_overdue', at(60)],
      ['fishbone_cause_added', at(61)],
    ]);
  });
});

describe('iterate', () => {
  it('given a check report with the goal met, when the owner iterates, then INVALID_TRANSITION', () => {
    expectRejected(pdcaAct(), { type: 'iterate', learnings: 'l' }, olivia, at(7), ErrorCode.INVALID_TRANSITION);
  });

  it('given the goal not met, when the owner standardizes, then GOAL_NOT_MET', () => {
    expectRejected(pdcaAct({ doValues: vals(38, 37, 39) }), { type: 'standardize', standard: 's', trainees: [] }, olivia, at(7), ErrorCode.GOAL_NOT_MET);
  });

  it('given the goal not met, when the owner iterates, then the next iteration starts in plan with a lineage entry and the measurements kept', () => {
    const before = pdcaAct({ doValues: vals(38, 37, 39) });
    expect(before.artefacts.checkReport!.goalMet).toBe(false);
    const { state, transitions } = run(before, { type: 'iterate', learnings: 'the rota alone is not enough' }, olivia, at(7), 'run-A');
    expect(actions(transitions)).toEqual(['iteration_started']);
    expect(transitions[0]!.details).toEqual({ fromIteration: 1, toIteration: 2, learnings: 'the rota alone is not enough', previousRunId: 'run-A' });
    expect(state).toMatchObject({ iteration: 2, phase: 'plan', status: 'active', iterationStartedAt: at(7), phaseStartedAt: at(7), actions: [] });
    expect(state.gate).toEqual({ phase: 'plan', status: 'open', submittedAt: null, submittedBy: null, artefactHash: null, approvedBy: [], rejection: null });
    expect(state.artefacts).toEqual(pdcaOpen().artefacts);
    expect(state.measurements).toEqual(before.measurements);
    expect(state.lineage).toEqual([
      { iteration: 1, runId: 'run-A', startedAt: T0, endedAt: at(7), learnings: 'the rota alone is not enough', checkReport: before.artefacts.checkReport, actions: before.actions },
    ]);
  });

  it('given a new deadline, when iterating, then the goal deadline moves and the overdue flag clears; a past one is refused', () => {
    const overdue = fireDueCycleTimers(pdcaAct({ doValues: vals(38, 37, 39) }), at(61)).state;
    expect(overdue.overdueSince).toBe(at(60));
    const s = act(overdue, { type: 'iterate', learnings: 'l', deadline: at(120) }, olivia, at(62));
    expect(s.goal.deadline).toBe(at(120));
    expect(s.overdueSince).toBeNull();
    expect(nextCycleTimerAt(s)).toBe(at(120));
    expectRejected(overdue, { type: 'iterate', learnings: 'l', deadline: at(61) }, olivia, at(62), ErrorCode.INVALID_ACTION);
  });
});

describe('check report in the cycle', () => {
  it('given two or more plan-phase measurements, when the check report is computed, then Welch\'s t against them', () => {
    const s = pdcaCheck({ planValues: vals(41, 39, 42, 40), doValues: vals(29, 31, 28, 30) });
    const report = s.artefacts.checkReport!;
    const w = welchTTest([29, 31, 28, 30], [41, 39, 42, 40]);
    expect(report.baseline).toEqual({ mean: 40.5, n: 4, source: 'measurements' });
    expect(report.after).toEqual({ mean: 29.5, n: 4 });
    expect(report.test).toEqual({ name: 'welch_t', statistic: w.t, df: w.df, pValue: w.pValue, alpha: 0.05, significant: true });
    // Equal variances and sizes: t = -11 / √(5/3 · 2/4), df = 6.
    expect(w.t).toBeCloseTo(-11 / Math.sqrt((5 / 3) * 0.5), 10);
    expect(w.df).toBeCloseTo(6, 10);
  });

  it('given no plan-phase measurements, when the check report is computed, then a one-sample t against the goal baseline', () => {
    const report = pdcaCheck().artefacts.checkReport!;
    expect(report.baseline).toEqual({ mean: 40, n: 0, source: 'goal' });
    expect(report.test).toMatchObject({ name: 'one_sample_t', df: 3 });
  });

  it('given a single plan-phase measurement, when the check report is computed, then the one-sample t is against that measured baseline', () => {
    const report = pdcaCheck({ planValues: vals(20), doValues: vals(29, 31) }).artefacts.checkReport!;
    expect(report.baseline).toEqual({ mean: 20, n: 1, source: 'measurements' });
    // t = (30 - 20) / (√2 / √2) = 10 against the baseline the report shows (not the goal's 40).
    expect(report.test).toMatchObject({ name: 'one_sample_t', statistic: expect.closeTo(10, 12), df: 1 });
  });

  it('given post-change values all equal, when the check report is computed, then test none with a reason and no NaN anywhere', () => {
    const report = pdcaCheck({ doValues: vals(30, 30, 30) }).artefacts.checkReport!;
    expect(report.test.name).toBe('none');
    expect(report.test).toEqual({ name: 'none', reason: expect.stringMatching(/zero variance/) });
    expect(report.goalMet).toBe(true);
    expectAllFinite(report);
  });

  it('given a worse mean after the change, when the check report is computed, then improvementPct is negative', () => {
    const report = pdcaCheck({ doValues: vals(44, 46, 45) }).artefacts.checkReport!;
    expect(report.improvementPct).toBeCloseTo(-12.5, 12); // 40 → 45 on a lower-is-better metric
    expect(report.goalMet).toBe(false);
  });

  it('given measurements recorded in check, when run_check is sent, then the report includes them and the review is cleared', () => {
    let s = act(pdcaCheck(), measure(vals(26)), tom, at(4, 1));
    s = act(s, { type: 'run_check' }, olivia, at(4, 2));
    expect(s.artefacts.checkReport).toMatchObject({ computedAt: at(4, 2), after: { mean: (28 + 30 + 27 + 29 + 26) / 5, n: 5 } });
    expect(s.artefacts.checkReview).toBeNull();
  });

  describe('proportion metric', () => {
    const REOPEN_GOAL: SmartGoal = { metric: 'reopen rate', unit: 'share', direction: 'lower_is_better', metricType: 'proportion', baseline: 0.12, target: 0.08, deadline: at(60) };
    const PROPORTION = { intake: { goal: REOPEN_GOAL } };
    // After: 12 of 200 and 7 of 100 → 19 of 300.
    const AFTER: NewMeasurement[] = [{ value: 0.06, sampleSize: 200 }, { value: 0.07, sampleSize: 100 }];

    it('given no plan-phase measurements, when the check report is computed, then a one-proportion z-test against the goal baseline', () => {
      const report = pdcaCheck({ ...PROPORTION, doValues: AFTER }).artefacts.checkReport!;
      const z = (19 / 300 - 0.12) / Math.sqrt((0.12 * 0.88) / 300);
      expect(report.after).toEqual({ mean: 19 / 300, n: 2 });
      expect(report.baseline).toEqual({ mean: 0.12, n: 0, source: 'goal' });
      expect(report.test).toEqual({ name: 'one_proportion_z', statistic: expect.closeTo(z, 12), pValue: expect.closeTo(2 * normalCdf(-Math.abs(z)), 12), alpha: 0.05, significant: true });
      expect(report.goalMet).toBe(true);
    });

    it('given plan-phase measurements, when the check report is computed, then a pooled two-proportion z-test', () => {
      // Before: 24 of 200 and 11 of 100 → 35 of 300; pooled 54 / 600 = 0.09.
      const report = pdcaCheck({ ...PROPORTION, planValues: [{ value: 0.12, sampleSize: 200 }, { value: 0.11, sampleSize: 100 }], doValues: AFTER }).artefacts.checkReport!;
      const z = (19 / 300 - 35 / 300) / Math.sqrt(0.09 * 0.91 * (2 / 300));
      expect(report.baseline).toEqual({ mean: 35 / 300, n: 2, source: 'measurements' });
      expect(report.test).toMatchObject({ name: 'two_proportion_z', statistic: expect.closeTo(z, 12) });
      expect(report.test).toMatchObject({ pValue: twoProportionZTest(19, 300, 35, 300).pValue });
    });

    it('given a proportion measurement without sampleSize or outside [0, 1], when recorded, then INVALID_ACTION', () => {
      const s = pdcaOpen(PROPORTION);
      expectRejected(s, measure([{ value: 0.1, sampleSize: 100 }, { value: 0.1 }]), tom, at(0, 1), ErrorCode.INVALID_ACTION);
      expectRejected(s, measure([{ value: 1.2, sampleSize: 100 }]), tom, at(0, 1), ErrorCode.INVALID_ACTION);
      expectRejected(s, measure([{ value: 0.1, sampleSize: 0 }]), tom, at(0, 1), ErrorCode.INVALID_ACTION);
      expectRejected(s, measure([{ value: 0.1, sampleSize: 2.5 }]), tom, at(0, 1), ErrorCode.INVALID_ACTION);
    });
  });
});

describe('DMAIC path', () => {
  it('given a charter and a team, when the define gate is approved, then phase measure with signatures meaning "approved Define phase"', () => {
    const s = dmaicMeasure();
    expect(s.phase).toBe('measure');
    expect(s.signatures.map((x) => [x.signerId, x.meaning, x.phase])).toEqual([
      ['alice', 'approved Define phase', 'define'],
      ['simon', 'approved Define phase', 'define'],
    ]);
    expect(s.artefacts.charter).toEqual(CHARTER);
  });

  it('given discrete baseline data, when set, then DPMO, yield and sigma level as statistics.ts computes them', () => {
    const s = act(dmaicMeasure(), { type: 'set_baseline', data: DISCRETE_BASELINE }, tom, at(1, 1));
    expect(s.artefacts.baseline).toEqual({
      input: DISCRETE_BASELINE,
      stats: { kind: 'discrete', defects: 120, units: 1000, opportunitiesPerUnit: 4, dpmo: dpmo(120, 1000, 4), yield: processYield(120, 1000, 4), sigmaLevel: sigmaLevel(dpmo(120, 1000, 4)) },
    });
    expect(dpmo(120, 1000, 4)).toBeCloseTo(30_000, 9); // 120 / 4000 × 10⁶
  });

  it('given continuous baseline data with spec limits, when set, then Cp and Cpk from the moving-range sigma', () => {
    const values = [10, 12, 11, 13, 12];
    const s = act(dmaicMeasure(), { type: 'set_baseline', data: { kind: 'continuous', values, lsl: 8, usl: 15 } }, tom, at(1, 1));
    const stats = s.artefacts.baseline!.stats;
    if (stats.kind !== 'continuous') throw new Error('expected continuous stats');
    // MR̄ = (2 + 1 + 2 + 1) / 4 = 1.5, σ_within = 1.5 / 1.128; mean 11.6.
    const sigma = 1.5 / 1.128;
    expect(stats.mean).toBeCloseTo(11.6, 12);
    expect(stats.cp).toBeCloseTo((15 - 8) / (6 * sigma), 12);
    expect(stats.cpk).toBeCloseTo(Math.min(15 - 11.6, 11.6 - 8) / (3 * sigma), 12);
    expect(stats.cp).toBe(cp({ lsl: 8, usl: 15 }, individualsSigma(values)));
    expect(stats.cpk).toBe(cpk({ lsl: 8, usl: 15 }, stats.mean, individualsSigma(values)));
  });

  it('given constant continuous data, when set as baseline, then INVALID_ACTION naming the data', () => {
    const err = expectRejected(dmaicMeasure(), { type: 'set_baseline', data: { kind: 'continuous', values: [5, 5, 5] } }, tom, at(1, 1), ErrorCode.INVALID_ACTION);
    expect(err.message).toMatch(/^continuous data: .*zero variance/);
  });

  it('given defect categories, when set, then Pareto rows sorted with the vital few up to 80 %', () => {
    const s = act(dmaicAnalyze(), { type: 'set_defect_categories', categories: [{ category: 'late', count: 20 }, { category: 'wrong amount', count: 60 }, { category: 'other', count: 10 }, { category: 'duplicate', count: 30 }] }, tom, at(2, 1));
    const rows = s.artefacts.defectPareto!.rows;
    expect(rows.map((r) => [r.category, r.count, r.vital])).toEqual([
      ['wrong amount', 60, true],
      ['duplicate', 30, true],
      ['late', 20, true], // cumulative 110 / 120 = 91.7 %: the first to reach 80 %
      ['other', 10, false],
    ]);
    expect(rows.map((r) => r.cumulativePercentage)).toEqual([50, 75, expect.closeTo((110 / 120) * 100, 12), 100]);
  });

  it('given a root cause, when verified with evidence, then it records who and when', () => {
    let s = act(dmaicAnalyze(), { type: 'add_root_cause', cause: 'free-text price field' }, tom, at(2, 1));
    const rc = s.artefacts.rootCauses[0]!;
    expect(rc).toMatchObject({ cause: 'free-text price field', verified: false, evidence: null });
    s = act(s, { type: 'verify_root_cause', rootCauseId: rc.id, evidence: 'audit sample' }, tom, at(2, 2));
    expect(s.artefacts.rootCauses[0]).toEqual({ id: rc.id, cause: 'free-text price field', verified: true, evidence: 'audit sample', verifiedBy: 'tom', verifiedAt: at(2, 2) });
  });

  it('given an unknown root cause, when verifying it or linking a solution to it, then INVALID_ACTION', () => {
    expectRejected(dmaicAnalyze(), { type: 'verify_root_cause', rootCauseId: 'r999', evidence: 'e' }, tom, at(2, 1), ErrorCode.INVALID_ACTION);
    expectRejected(dmaicImprove(), { type: 'add_solution', description: 'd', rootCauseIds: ['r999'] }, tom, at(3, 1), ErrorCode.INVALID_ACTION);
  });

  it('given an FMEA row, when added, then RPN = severity × occurrence × detection; ratings out of range are refused', () => {
    const s = act(dmaicImprove(), { type: 'add_fmea_row', failureMode: 'fm', effect: 'e', cause: 'c', severity: 8, occurrence: 5, detection: 4 }, tom, at(3, 1));
    expect(s.artefacts.fmea[0]).toMatchObject({ failureMode: 'fm', severity: 8, occurrence: 5, detection: 4, rpn: 8 * 5 * 4, recommendedAction: null });
    expectRejected(dmaicImprove(), { type: 'add_fmea_row', failureMode: 'fm', effect: 'e', cause: 'c', severity: 11, occurrence: 5, detection: 4 }, tom, at(3, 1), ErrorCode.INVALID_ACTION);
  });

  it('given discrete pilot data, when set, then a two-proportion comparison and the DPMO improvement', () => {
    const s = act(dmaicImprove(), { type: 'set_pilot_data', data: DISCRETE_PILOT }, tom, at(3, 1));
    const c = s.artefacts.pilot!.comparison;
    expect(c.pilot).toMatchObject({ kind: 'discrete', dpmo: dpmo(30, 1000, 4) });
    expect(c.improvementPct).toBeCloseTo(75, 9); // 30,000 → 7,500 DPMO
    const z = twoProportionZTest(30, 4000, 120, 4000);
    expect(c.test).toEqual({ name: 'two_proportion_z', statistic: z.z, pValue: z.pValue, alpha: 0.05, significant: true });
  });

  it('given continuous baseline and pilot, when the pilot is set, then Welch\'s t against the baseline values', () => {
    const base = [12.1, 11.8, 12.5, 12.0, 11.6];
    const pilot = [9.2, 8.9, 9.4, 9.1];
    const s = act(dmaicImprove({ baseline: { kind: 'continuous', values: base } }), { type: 'set_pilot_data', data: { kind: 'continuous', values: pilot } }, tom, at(3, 1));
    const w = welchTTest(pilot, base);
    const c = s.artefacts.pilot!.comparison;
    expect(c.test).toEqual({ name: 'welch_t', statistic: w.t, df: w.df, pValue: w.pValue, alpha: 0.05, significant: true });
    const baseMean = base.reduce((a, b) => a + b) / base.length;
    const pilotMean = pilot.reduce((a, b) => a + b) / pilot.length;
    expect(c.improvementPct).toBeCloseTo(((baseMean - pilotMean) / baseMean) * 100, 10);
  });

  it('given pilot data of another kind than the baseline, when set, then INVALID_ACTION', () => {
    expectRejected(dmaicImprove(), { type: 'set_pilot_data', data: { kind: 'continuous', values: [1, 2] } }, tom, at(3, 1), ErrorCode.INVALID_ACTION);
  });

  it('given improved data, when the control plan is set, then its limits are the I-MR limits of that data', () => {
    const s = act(dmaicControl(), { type: 'set_control_plan', metric: 'weekly invoice DPMO', improvedData: IMPROVED, reactionPlan: 'audit', processOwnerId: 'paula' }, olivia, at(4, 1));
    const l = individualsLimits(IMPROVED);
    expect(s.artefacts.controlPlan).toEqual({
      metric: 'weekly invoice DPMO',
      chartType: 'individuals',
      limits: { chart: 'individuals', center: l.individuals.center, ucl: l.individuals.ucl, lcl: l.individuals.lcl, sigma: expect.closeTo(1250 / 7 / 1.128, 9), movingRange: { center: l.movingRange.center, ucl: l.movingRange.ucl }, n: 8 },
      reactionPlan: 'audit',
      processOwnerId: 'paula',
    });
    expect(l.individuals.center).toBeCloseTo(7500, 9);
  });

  it('given the control gate approved, when the last signature lands, then status monitoring with a fresh armed monitor', () => {
    const s = dmaicMonitoring();
    expect(s).toMatchObject({ status: 'monitoring', phase: 'control', closedAt: null });
    expect(s.monitoring).toEqual({ startedAt: M0, periodStartedAt: M0, periodsCompleted: 0, inControlPeriods: 0, pointsInPeriod: 0, signalsInPeriod: 0, pointsTotal: 0, recent: [], signals: [], linkArmed: true });
    expect(s.signatures.map((x) => x.meaning)).toEqual(['Define', 'Measure', 'Analyze', 'Improve', 'Control'].flatMap((p) => [`approved ${p} phase`, `approved ${p} phase`]));
    expect(nextCycleTimerAt(s)).toBe(M0 + PERIOD);
  });
});

describe('DMAIC monitoring', () => {
  it('given monitoring, when a point beyond 3σ on the worse side arrives, then a control_signal with rule 1, owner and process owner notified, one linked cycle', () => {
    const s = dmaicMonitoring();
    const seq = s.measurements.length + 1;
    const { state, transitions } = run(s, measure([{ value: REGRESSION, at: M0 + DAY }]), paula, M0 + DAY);
    expect(actions(transitions)).toEqual(['measurements_recorded', 'control_signal']);
    const signal = { seq, at: M0 + DAY, value: REGRESSION, rules: [1] };
    expect(transitions[1]!.details).toEqual({ signals: [signal], limits: s.artefacts.controlPlan!.limits });
    expect(transitions[1]!.notifications).toEqual([{ type: 'control.signal', recipients: { userIds: ['olivia', 'paula'], roles: [] }, data: { signals: [signal], reactionPlan: 'stop the line and audit' } }]);
    expect(state.measurements[seq - 1]).toMatchObject({ stage: 'monitoring', value: REGRESSION, by: 'paula' });
    expect(state.monitoring).toMatchObject({ pointsInPeriod: 1, signalsInPeriod: 1, pointsTotal: 1, recent: [REGRESSION], signals: [signal], linkArmed: false });
    expect(state.linkedCycles).toEqual([{ cycleId: 'DM-1-r1', openedAt: M0 + DAY, signal: { cycleId: 'DM-1', measurementSeq: seq, rules: [1], at: M0 + DAY }, baseline: REGRESSION, started: false }]);
  });

  it('given a linked cycle already opened this episode, when another regression arrives, then no second linked cycle', () => {
    let s = act(dmaicMonitoring(), measure(vals(REGRESSION)), paula, M0 + DAY);
    s = act(s, measure(vals(REGRESSION + SIGMA)), paula, M0 + 2 * DAY);
    expect(s.monitoring!.signals).toHaveLength(2);
    expect(s.linkedCycles).toHaveLength(1);
  });

  it('given a signal on the favourable side, when it arrives, then a control signal but no linked cycle', () => {
    const { state, transitions } = run(dmaicMonitoring(), measure(vals(FAVOURABLE)), paula, M0 + DAY);
    expect(actions(transitions)).toEqual(['measurements_recorded', 'control_signal']);
    expect(state.monitoring!.signals[0]!.rules).toEqual([1]);
    expect(state.linkedCycles).toEqual([]);
    expect(state.monitoring!.linkArmed).toBe(true);
  });

  it('given openPdcaOnSignal off, when a regression arrives, then no linked cycle', () => {
    const off = { intake: { settings: settings({ control: { periodDays: 7, sustainPeriods: 4, openPdcaOnSignal: false } }) } };
    const s = act(dmaicMonitoring(off), measure(vals(REGRESSION)), paula, M0 + DAY);
    expect(s.monitoring!.signals).toHaveLength(1);
    expect(s.linkedCycles).toEqual([]);
  });

  it('given a regression linked, when a period with a signal and then an in-control period end, then the link re-arms and the next regression opens a second cycle', () => {
    let s = act(dmaicMonitoring(), measure(vals(REGRESSION)), paula, M0 + DAY);
    s = fireDueCycleTimers(s, M0 + PERIOD).state; // period 1: data with a signal → not in control
    expect(s.monitoring).toMatchObject({ periodsCompleted: 1, inControlPeriods: 0, linkArmed: false });
    s = act(s, measure(vals(...IN_CONTROL)), paula, M0 + PERIOD + DAY);
    s = fireDueCycleTimers(s, M0 + 2 * PERIOD).state; // period 2: in control → re-armed
    expect(s.monitoring).toMatchObject({ periodsCompleted: 2, inControlPeriods: 1, linkArmed: true });
    s = act(s, measure(vals(REGRESSION)), paula, M0 + 2 * PERIOD + DAY);
    expect(s.linkedCycles.map((l) => l.cycleId)).toEqual(['DM-1-r1', 'DM-1-r2']);
  });

  it('given a linked cycle, when its intake is built, then a valid PDCA intake owned by the process owner, who is not an approver', () => {
    const s = act(dmaicMonitoring(), measure(vals(REGRESSION)), paula, M0 + DAY);
    const link = s.linkedCycles[0]!;
    const li = linkedCycleIntake(s, link, M0 + 2 * DAY);
    expect(li).toMatchObject({
      cycleId: 'DM-1-r1',
      type: 'pdca',
      ownerId: 'paula',
      sponsorId: 'simon',
      parentCycleId: 'DM-1',
      evidence: { complaintIds: [], complaintCategory: 'delay', spcSignal: link.signal },
      goal: { direction: 'lower_is_better', baseline: REGRESSION, target: CENTER, deadline: M0 + 2 * DAY + 30 * DAY },
    });
    expect(li.settings.approvers).toEqual(['alice', 'simon']);
    expect(li.settings.approvers).not.toContain(li.ownerId);
    expect(goalProblems(li.goal)).toEqual([]);
    expect(intakeProblems(li)).toEqual([]);
    expect(openCycle(li, M0 + 2 * DAY).state).toMatchObject({ cycleId: 'DM-1-r1', type: 'pdca', phase: 'plan', ownerId: 'paula', parentCycleId: 'DM-1' });
  });

  it('given the process owner is the only approver, when the linked intake is built, then the sponsor approves instead', () => {
    const signalled = act(dmaicMonitoring(), measure(vals(REGRESSION)), paula, M0 + DAY);
    const s: CycleState = { ...signalled, settings: { ...signalled.settings, approvers: ['paula'] } };
    const li = linkedCycleIntake(s, s.linkedCycles[0]!, M0 + 2 * DAY);
    expect(li.settings.approvers).toEqual(['simon']);
    expect(intakeProblems(li)).toEqual([]);
  });

  it('given a linked cycle started by the workflow, when the event is applied, then it is marked started and owner and process owner told, once', () => {
    const s = act(dmaicMonitoring(), measure(vals(REGRESSION)), paula, M0 + DAY);
    const { state, transitions } = applyCycleEvent(s, { type: 'linked_cycle_started', cycleId: 'DM-1-r1' }, M0 + 2 * DAY);
    expect(actions(transitions)).toEqual(['linked_cycle_opened']);
    expect(transitions[0]!.notifications).toEqual([
      { type: 'cycle.linked_opened', recipients: { userIds: ['olivia', 'paula'], roles: [] }, data: { linkedCycleId: 'DM-1-r1', signal: s.linkedCycles[0]!.signal } },
    ]);
    expect(state.linkedCycles[0]!.started).toBe(true);
    const again = applyCycleEvent(state, { type: 'linked_cycle_started', cycleId: 'DM-1-r1' }, M0 + 3 * DAY);
    expect(again.transitions).toEqual([]);
    expect(again.state).toBe(state);
  });

  it('given in-control data in a period, when the period ends, then one in-control period is counted without notification', () => {
    const s = act(dmaicMonitoring(), measure(vals(...IN_CONTROL)), paula, M0 + DAY);
    expect(s.monitoring!.signals).toEqual([]);
    const { state, transitions } = fireDueCycleTimers(s, M0 + PERIOD);
    expect(actions(transitions)).toEqual(['control_period_closed']);
    expect(transitions[0]).toMatchObject({ at: M0 + PERIOD, details: { period: 1, points: 2, signals: 0, inControl: true, inControlPeriods: 1 }, notifications: [] });
    expect(state.monitoring).toMatchObject({ periodStartedAt: M0 + PERIOD, periodsCompleted: 1, inControlPeriods: 1, pointsInPeriod: 0, signalsInPeriod: 0, pointsTotal: 2 });
    expect(nextCycleTimerAt(state)).toBe(M0 + 2 * PERIOD);
  });

  it('given sustainPeriods consecutive in-control periods, when the last ends, then status sustained and closed', () => {
    let s = dmaicMonitoring();
    const n = s.settings.control.sustainPeriods;
    for (let k = 1; k <= n; k++) {
      s = act(s, measure(vals(...IN_CONTROL)), paula, M0 + (k - 1) * PERIOD + DAY);
      const fired = fireDueCycleTimers(s, M0 + k * PERIOD);
      s = fired.state;
      expect(s.status).toBe(k < n ? 'monitoring' : 'sustained');
      if (k === n) {
        expect(actions(fired.transitions)).toEqual(['sustained']);
        expect(fired.transitions[0]!.notifications.map((x) => [x.type, x.recipients.userIds])).toEqual([['cycle.sustained', ['olivia', 'simon', 'paula']]]);
      }
    }
    expect(s).toMatchObject({ closedAt: M0 + n * PERIOD, closure: { reason: `${n} consecutive in-control periods`, by: 'system' } });
    expect(nextCycleTimerAt(s)).toBeNull();
  });

  it('given a period without data, when it ends, then control.no_data and the in-control count neither grows nor resets', () => {
    let s = act(dmaicMonitoring(), measure(vals(...IN_CONTROL)), paula, M0 + DAY);
    s = fireDueCycleTimers(s, M0 + PERIOD).state;
    const { state, transitions } = fireDueCycleTimers(s, M0 + 2 * PERIOD);
    expect(actions(transitions)).toEqual(['control_period_closed']);
    expect(transitions[0]!.notifications).toEqual([
      { type: 'control.no_data', recipients: { userIds: ['olivia', 'paula'], roles: [] }, data: { period: 2, points: 0, signals: 0, inControl: false, inControlPeriods: 1 } },
    ]);
    expect(state.monitoring).toMatchObject({ periodsCompleted: 2, inControlPeriods: 1 });
  });

  it('given two in-control periods, when a period with a signal ends, then the in-control count resets to 0', () => {
    let s = dmaicMonitoring();
    for (let k = 1; k <= 2; k++) {
      s = act(s, measure(vals(...IN_CONTROL)), paula, M0 + (k - 1) * PERIOD + DAY);
      s = fireDueCycleTimers(s, M0 + k * PERIOD).state;
    }
    expect(s.monitoring!.inControlPeriods).toBe(2);
    s = act(s, measure(vals(FAVOURABLE)), paula, M0 + 2 * PERIOD + DAY);
    const { state, transitions } = fireDueCycleTimers(s, M0 + 3 * PERIOD);
    expect(transitions[0]!.details).toMatchObject({ inControl: false, inControlPeriods: 0, signals: 1 });
    expect(state.monitoring!.inControlPeriods).toBe(0);
    expect(state.status).toBe('monitoring');
  });

  it('given monitoring, when someone off the team records a point, then NOT_PERMITTED', () => {
    expectRejected(dmaicMonitoring(), measure(vals(CENTER)), eve, M0 + DAY, ErrorCode.NOT_PERMITTED);
  });
});
