import type { Actor, Role } from './actors';
import { SYSTEM_ACTOR } from './actors';
import type { KpiBinding } from './kpi';
import {
  type CheckReport,
  type DataInput,
  type DataStats,
  type IndividualsControlLimits,
  type MeasurementPoint,
  type PilotComparison,
  type SmartGoal,
  checkReport,
  comparePilot,
  controlLimits,
  dataStats,
  goalProblems,
  meetsTarget,
  newSignals,
  seriesMean,
  statistic,
} from './cycle-analysis';
import { MAX_PERIODS_PER_COLLECTION, MEASURE_GRACE_MS, bindingProblems, boundDataInput, nextPeriodKey, periodAt, periodEndsAt } from './cycle-binding';
import { startOfLocalDay } from './calendar';
import { DomainError, ErrorCode } from './errors';
import { hashOf } from './hashing';
import { type CategoryCount, type ParetoRow, pareto, riskPriorityNumber } from './statistics';

/**
 * Improvement cycles (PDCA and DMAIC) as a pure reducer over plain JSON data,
 * the same shape as the complaint state machine: the workflow feeds it
 * commands and due timers and persists the transitions it returns.
 *
 *   PDCA:  plan ─gate(approval)→ do ─gate→ check ─review→ act
 *          act: standardize → effectiveness_check → standardized | back to act
 *               iterate → plan of the next iteration (a new workflow run)
 *   DMAIC: define → measure → analyze → improve → control, each ─gate(approval)→
 *          control approved → monitoring → sustained
 *   any open cycle → abandoned (owner or sponsor, with a reason)
 *
 * A gate is submitted by the owner once its artefacts are complete (the
 * refusal names what is missing), then signed by every configured approver.
 * Each signature binds the SHA-256 of the phase's artefacts as submitted;
 * those artefacts are frozen while the gate is pending. A rejection reopens
 * the phase with reasons.
 */
export const CYCLE_TYPES = ['pdca', 'dmaic'] as const;
export type CycleType = (typeof CYCLE_TYPES)[number];
export const PDCA_PHASES = ['plan', 'do', 'check', 'act'] as const;
export const DMAIC_PHASES = ['define', 'measure', 'analyze', 'improve', 'control'] as const;
export type Phase = (typeof PDCA_PHASES)[number] | (typeof DMAIC_PHASES)[number];
export const PHASES: readonly Phase[] = [...PDCA_PHASES, ...DMAIC_PHASES];
export const CYCLE_STATUSES = ['active', 'effectiveness_check', 'monitoring', 'standardized', 'sustained', 'abandoned'] as const;
export type CycleStatus = (typeof CYCLE_STATUSES)[number];
export const CLOSED_CYCLE_STATUSES: readonly CycleStatus[] = ['standardized', 'sustained', 'abandoned'];
/** The 6M fishbone (Ishikawa) categories; `method` is the process. */
export const FISHBONE_CATEGORIES = ['people', 'method', 'equipment', 'materials', 'measurement', 'environment'] as const;
export type FishboneCategory = (typeof FISHBONE_CATEGORIES)[number];

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface CycleSettings {
  /** User ids who sign every gate; all must approve. Never the owner. */
  approvers: string[];
  /** PDCA: how long a standardized change is watched before the cycle closes. */
  effectivenessWindowDays: number;
  /** Action item chasing, wall-clock hours relative to the due date. */
  actionReminders: { hoursBeforeDue: number; escalateToOwnerAfterHours: number; escalateToSponsorAfterHours: number };
  /** DMAIC Control monitoring after the last gate. */
  control: { periodDays: number; sustainPeriods: number; openPdcaOnSignal: boolean };
}

export const DEFAULT_CYCLE_SETTINGS: Omit<CycleSettings, 'approvers'> = {
  effectivenessWindowDays: 30,
  actionReminders: { hoursBeforeDue: 24, escalateToOwnerAfterHours: 24, escalateToSponsorAfterHours: 72 },
  control: { periodDays: 7, sustainPeriods: 4, openPdcaOnSignal: true },
};

export interface SpcSignalRef {
  cycleId: string;
  measurementSeq: number;
  rules: number[];
  at: number;
}

export interface EvidenceLinks {
  complaintIds: string[];
  complaintCategory: string | null;
  spcSignal: SpcSignalRef | null;
  /** Evidence gathered from the data (a trigger's signal, as it was), newest last; absent on older cycles. */
  items?: EvidenceItem[];
}

/** One piece of evidence from the data: what a trigger saw, frozen when it saw it. */
export interface EvidenceItem {
  /** Unique per cycle (e.g. `${triggerId}:${period}`): the same signal is never added twice. */
  key: string;
  at: number;
  source: { triggerId: string; version: number } | null;
  kind: 'spc' | 'threshold' | 'pareto';
  /** One sentence: which KPI, which periods, the numbers. */
  summary: string;
  /** The chart points or Pareto table as they were. */
  data: unknown;
  /** A sample of the complaints behind it. */
  complaintIds: string[];
}

/** A cycle metric bound to a KPI of the live complaint data (src/domain/kpi.ts), measured each period. */
export interface BoundMetric extends KpiBinding {
  /** The area's time zone: periods end at its midnight. */
  timeZone: string;
}

/** What a cycle is about and who runs it: given at creation, carried in its state. */
export interface CycleDefinition {
  cycleId: string;
  type: CycleType;
  title: string;
  problemStatement: string;
  area: string;
  ownerId: string;
  sponsorId: string;
  team: string[];
  goal: SmartGoal;
  evidence: EvidenceLinks;
  settings: CycleSettings;
  createdBy: Actor;
  /** The KPI the metric is bound to; null/absent = measurements are entered by hand. */
  binding?: BoundMetric | null;
  /** The improvement trigger that opened the cycle, if one did. */
  origin?: { triggerId: string; version: number; subject: string } | null;
}

export interface CycleIntake extends CycleDefinition {
  /** When the API received the request (epoch ms). */
  receivedAt?: number;
  /** A cycle opened automatically from another cycle's control signal. */
  parentCycleId?: string;
  /** Measurements of a bound metric taken from the data before the cycle opened (its baseline). */
  baselineMeasurements?: { period: string; value: number; sampleSize?: number; at: number }[];
}

export interface Measurement {
  seq: number;
  value: number;
  sampleSize: number | null;
  /** When it was measured (epoch ms). */
  at: number;
  note: string | null;
  by: string;
  /** The phase, or `effectiveness_check` / `monitoring` after the project's last gate. */
  stage: Phase | 'effectiveness_check' | 'monitoring';
  iteration: number;
  /** Bound metrics: the KPI period this measurement is (one per period); absent for measurements entered by hand. */
  period?: string | null;
}

export interface ActionItem {
  id: string;
  title: string;
  assigneeId: string;
  dueAt: number;
  status: 'open' | 'done';
  createdAt: number;
  createdBy: string;
  completedAt: number | null;
  completedBy: string | null;
  note: string | null;
  /** Chasing stages already done. */
  alerts: { reminder: boolean; overdue: boolean; ownerEscalation: boolean; sponsorEscalation: boolean };
}

/** An electronic signature on a gate (approval or rejection). */
export interface Signature {
  id: string;
  phase: Phase;
  iteration: number;
  decision: 'approved' | 'rejected';
  signerId: string;
  signerRole: Actor['role'];
  /** What the signer attests, e.g. "approved plan", "rejected Measure phase". */
  meaning: string;
  at: number;
  comment: string;
  reasons: string[];
  /** SHA-256 (RFC 8785 canonical JSON) of the phase's artefacts as submitted. */
  artefactHash: string;
}

export interface Gate {
  phase: Phase;
  status: 'open' | 'pending' | 'rejected';
  submittedAt: number | null;
  submittedBy: string | null;
  artefactHash: string | null;
  approvedBy: string[];
  rejection: { by: string; at: number; reasons: string[] } | null;
}

export interface Charter {
  problem: string;
  businessCase: string;
  scopeIn: string[];
  scopeOut: string[];
  ctqs: { name: string; measure: string; specification: string }[];
  sipoc: { supplier: string; input: string; process: string; output: string; customer: string }[];
  milestones: { phase: (typeof DMAIC_PHASES)[number]; due: number }[];
}

export interface DataCollectionItem {
  metric: string;
  operationalDefinition: string;
  source: string;
  sampleSize: number;
  frequency: string;
}

export interface ControlPlan {
  metric: string;
  chartType: 'individuals';
  limits: IndividualsControlLimits;
  reactionPlan: string;
  processOwnerId: string;
}

export interface Artefacts {
  fiveWhys: { id: string; problem: string; whys: string[]; rootCause: string }[];
  fishbone: { id: string; category: FishboneCategory; cause: string }[];
  countermeasures: { id: string; description: string; rootCause: string | null }[];
  checkReport: CheckReport | null;
  checkReview: { by: string; at: number; comment: string } | null;
  standard: { description: string; trainees: string[]; by: string; at: number } | null;
  /** `fromSeq`: the first measurement that counts (a re-standardization starts a fresh window). */
  effectiveness: { windowEndsAt: number; fromSeq: number; result: 'pending' | 'held' | 'failed'; evaluatedAt: number | null; mean: number | null; n: number; reason: string | null } | null;
  charter: Charter | null;
  dataCollectionPlan: DataCollectionItem[];
  baseline: { input: DataInput; stats: DataStats } | null;
  defectPareto: { categories: CategoryCount[]; rows: ParetoRow[] } | null;
  rootCauses: { id: string; cause: string; verified: boolean; evidence: string | null; verifiedBy: string | null; verifiedAt: number | null }[];
  solutions: { id: string; description: string; rootCauseIds: string[] }[];
  fmea: { id: string; failureMode: string; effect: string; cause: string; severity: number; occurrence: number; detection: number; rpn: number; recommendedAction: string | null }[];
  pilot: { input: DataInput; comparison: PilotComparison } | null;
  controlPlan: ControlPlan | null;
}

export interface Monitoring {
  startedAt: number;
  periodStartedAt: number;
  periodsCompleted: number;
  /** Consecutive periods with data and no signal. */
  inControlPeriods: number;
  pointsInPeriod: number;
  signalsInPeriod: number;
  pointsTotal: number;
  /** The last points (context for the run rules, which look back at most 8 points). */
  recent: number[];
  signals: { seq: number; at: number; value: number; rules: number[] }[];
  /** A regression may open a linked PDCA cycle once until the process is back in control. */
  linkArmed: boolean;
}

export interface LinkedCycle {
  cycleId: string;
  openedAt: number;
  signal: SpcSignalRef;
  baseline: number;
  started: boolean;
}

export interface LineageEntry {
  iteration: number;
  runId: string;
  startedAt: number;
  endedAt: number;
  learnings: string;
  checkReport: CheckReport | null;
  actions: ActionItem[];
}

export interface CycleState extends CycleDefinition {
  version: number;
  iteration: number;
  status: CycleStatus;
  phase: Phase;
  createdAt: number;
  updatedAt: number;
  iterationStartedAt: number;
  phaseStartedAt: number;
  closedAt: number | null;
  closure: { reason: string; by: string } | null;
  /** Set when the goal's deadline passed while the cycle was still in its phases. */
  overdueSince: number | null;
  gate: Gate;
  artefacts: Artefacts;
  actions: ActionItem[];
  measurements: Measurement[];
  nextSeq: number;
  signatures: Signature[];
  monitoring: Monitoring | null;
  linkedCycles: LinkedCycle[];
  lineage: LineageEntry[];
  parentCycleId: string | null;
  /** Bound metrics: the last KPI period measured, with data or without (absent until the first). */
  measuredThrough?: string | null;
}

export type NewMeasurement = { value: number; at?: number; sampleSize?: number; note?: string };

export type CycleCommand =
  | { type: 'record_measurements'; measurements: NewMeasurement[] }
  | { type: 'add_action'; title: string; assigneeId: string; dueAt: number }
  | { type: 'complete_action'; actionId: string; note?: string }
  | { type: 'submit_gate'; comment?: string }
  | { type: 'sign_gate'; decision: 'approve' | 'reject'; comment: string; reasons?: string[] }
  | { type: 'abandon'; reason: string }
  | { type: 'add_five_whys'; problem: string; whys: string[]; rootCause: string }
  | { type: 'add_fishbone_cause'; category: FishboneCategory; cause: string }
  | { type: 'add_countermeasure'; description: string; rootCause?: string }
  | { type: 'run_check' }
  | { type: 'review_check'; comment: string }
  | { type: 'standardize'; standard: string; trainees: string[] }
  | { type: 'iterate'; learnings: string; deadline?: number }
  | { type: 'update_charter'; charter: Charter }
  | { type: 'set_data_collection_plan'; items: DataCollectionItem[] }
  /** `data` omitted on a bound cycle: the bound measurements taken so far (Define and Measure). */
  | { type: 'set_baseline'; data?: DataInput }
  | { type: 'set_defect_categories'; categories: CategoryCount[] }
  | { type: 'add_root_cause'; cause: string }
  | { type: 'verify_root_cause'; rootCauseId: string; evidence: string }
  | { type: 'add_solution'; description: string; rootCauseIds?: string[] }
  | { type: 'add_fmea_row'; failureMode: string; effect: string; cause: string; severity: number; occurrence: number; detection: number; recommendedAction?: string }
  /** `data` omitted on a bound cycle: the bound measurements of the Improve phase. */
  | { type: 'set_pilot_data'; data?: DataInput }
  /** `improvedData` omitted on a bound cycle: the bound values measured since Improve began. */
  | { type: 'set_control_plan'; metric: string; improvedData?: number[]; reactionPlan: string; processOwnerId: string };

export type CycleCommandType = CycleCommand['type'];

/** A bound metric's value for one KPI period, measured from the data (`sampleSize`: the n of a share). */
export interface BoundMeasurement {
  period: string;
  value: number;
  sampleSize?: number;
  at: number;
}

/** Engine-side events the workflow applies (never sent by users). */
export type CycleSystemEvent =
  | { type: 'linked_cycle_started'; cycleId: string }
  /** `periods`: the periods that were measured, with or without data (those without are recorded as such, once). */
  | { type: 'bound_measurements_collected'; measurements: BoundMeasurement[]; periods?: string[] }
  | { type: 'evidence_added'; item: EvidenceItem };

export type CycleNotificationType =
  | 'action.reminder'
  | 'action.overdue'
  | 'action.escalated'
  | 'cycle.overdue'
  | 'gate.submitted'
  | 'gate.approved'
  | 'gate.rejected'
  | 'check.ready'
  | 'effectiveness.held'
  | 'effectiveness.failed'
  | 'control.signal'
  | 'control.no_data'
  | 'cycle.sustained'
  | 'cycle.linked_opened'
  | 'cycle.evidence_added';

export interface CycleNotification {
  type: CycleNotificationType;
  recipients: { userIds: string[]; roles: Role[] };
  data: Record<string, unknown>;
}

export interface CycleSummary {
  status: CycleStatus;
  phase: Phase;
  iteration: number;
  gate: Gate['status'];
  ownerId: string;
}

export interface CycleTransition {
  version: number;
  action: string;
  actor: Actor;
  at: number;
  before: CycleSummary | null;
  after: CycleSummary;
  details: Record<string, unknown>;
  notifications: CycleNotification[];
}

export interface CycleApplied {
  state: CycleState;
  transitions: CycleTransition[];
}

/** Context the workflow supplies with a command: the clock and its own run id (for lineage). */
export interface CycleContext {
  now: number;
  runId: string;
}

// ---------------------------------------------------------------- helpers

function fail(code: ErrorCode, message: string, details?: Record<string, unknown>): never {
  throw new DomainError(code, message, details);
}

const summary = (s: CycleState): CycleSummary => ({ status: s.status, phase: s.phase, iteration: s.iteration, gate: s.gate.status, ownerId: s.ownerId });

function commit(prev: CycleState, next: CycleState, action: string, actor: Actor, at: number, details: Record<string, unknown> = {}, notifications: CycleNotification[] = []): CycleApplied {
  const state = { ...next, version: prev.version + 1, updatedAt: at };
  return { state, transitions: [{ version: state.version, action, actor, at, before: summary(prev), after: summary(state), details, notifications }] };
}

function chain(first: CycleApplied, then: (s: CycleState) => CycleApplied): CycleApplied {
  const second = then(first.state);
  return { state: second.state, transitions: [...first.transitions, ...second.transitions] };
}

const notify = (type: CycleNotificationType, userIds: (string | null | undefined)[], data: Record<string, unknown>): CycleNotification => ({
  type,
  recipients: { userIds: [...new Set(userIds.filter((u): u is string => !!u))], roles: [] },
  data,
});

export function isCycleClosed(s: CycleState): boolean {
  return CLOSED_CYCLE_STATUSES.includes(s.status);
}

const phasesOf = (type: CycleType): readonly Phase[] => (type === 'pdca' ? PDCA_PHASES : DMAIC_PHASES);

const PHASE_TITLES: Record<Phase, string> = {
  plan: 'Plan',
  do: 'Do',
  check: 'Check',
  act: 'Act',
  define: 'Define',
  measure: 'Measure',
  analyze: 'Analyze',
  improve: 'Improve',
  control: 'Control',
};

/** Gates that need approvers' signatures (the others only need their artefacts). */
const APPROVAL_GATES: readonly Phase[] = ['plan', ...DMAIC_PHASES];

export function gateNeedsApproval(phase: Phase): boolean {
  return APPROVAL_GATES.includes(phase);
}

/** What a signature attests: "approved plan" (PDCA) or "approved Measure phase" (DMAIC). */
export function signatureMeaning(phase: Phase, decision: 'approve' | 'reject'): string {
  const verb = decision === 'approve' ? 'approved' : 'rejected';
  return phase === 'plan' ? `${verb} plan` : `${verb} ${PHASE_TITLES[phase]} phase`;
}

const openGate = (phase: Phase): Gate => ({ phase, status: 'open', submittedAt: null, submittedBy: null, artefactHash: null, approvedBy: [], rejection: null });

const EMPTY_ARTEFACTS: Artefacts = {
  fiveWhys: [],
  fishbone: [],
  countermeasures: [],
  checkReport: null,
  checkReview: null,
  standard: null,
  effectiveness: null,
  charter: null,
  dataCollectionPlan: [],
  baseline: null,
  defectPareto: null,
  rootCauses: [],
  solutions: [],
  fmea: [],
  pilot: null,
  controlPlan: null,
};

function nextId(s: CycleState, prefix: string): [string, CycleState] {
  return [`${prefix}${s.nextSeq}`, { ...s, nextSeq: s.nextSeq + 1 }];
}

// ------------------------------------------------------------------ intake

/** Why cycle settings are unusable (empty when fine). Paths are relative to the intake. */
export function intakeProblems(intake: Pick<CycleIntake, 'ownerId' | 'sponsorId' | 'settings' | 'goal' | 'binding' | 'baselineMeasurements'>): { path: string; message: string }[] {
  const out = goalProblems(intake.goal).map((p) => ({ path: `goal.${p.path}`, message: p.message }));
  if (intake.binding) {
    out.push(...bindingProblems(intake.goal, intake.binding));
    if (!knownTimeZone(intake.binding.timeZone)) out.push({ path: 'binding.timeZone', message: `unknown time zone ${intake.binding.timeZone}` });
  } else if ((intake.baselineMeasurements ?? []).length > 0) {
    out.push({ path: 'baselineMeasurements', message: 'baseline measurements come from the data of a bound metric; this cycle has no binding' });
  }
  if (intake.settings.approvers.includes(intake.ownerId)) out.push({ path: 'settings.approvers', message: 'the owner cannot approve their own gates' });
  if (intake.settings.approvers.length === 0) out.push({ path: 'settings.approvers', message: 'at least one approver is required' });
  if (intake.ownerId === intake.sponsorId) out.push({ path: 'sponsorId', message: 'the sponsor must be someone other than the owner' });
  const r = intake.settings.actionReminders;
  if (r.escalateToSponsorAfterHours < r.escalateToOwnerAfterHours) {
    out.push({ path: 'settings.actionReminders.escalateToSponsorAfterHours', message: 'escalation to the sponsor comes after escalation to the owner' });
  }
  return out;
}

function knownTimeZone(timeZone: string): boolean {
  try {
    startOfLocalDay('2000-01-01', timeZone);
    return true;
  } catch {
    return false;
  }
}

export function openCycle(intake: CycleIntake, now: number): CycleApplied {
  const problems = intakeProblems(intake);
  if (problems.length > 0) fail(ErrorCode.INVALID_ACTION, problems.map((p) => `${p.path}: ${p.message}`).join('; '));
  const phase = phasesOf(intake.type)[0]!;
  const { receivedAt: _receivedAt, parentCycleId, baselineMeasurements, ...definition } = intake;
  const binding = intake.binding ?? null;
  const origin = intake.origin ?? null;
  const state: CycleState = {
    ...definition,
    binding,
    origin,
    version: 1,
    iteration: 1,
    status: 'active',
    phase,
    createdAt: now,
    updatedAt: now,
    iterationStartedAt: now,
    phaseStartedAt: now,
    closedAt: null,
    closure: null,
    overdueSince: null,
    gate: openGate(phase),
    artefacts: EMPTY_ARTEFACTS,
    actions: [],
    measurements: [],
    nextSeq: 1,
    signatures: [],
    monitoring: null,
    linkedCycles: [],
    lineage: [],
    parentCycleId: parentCycleId ?? null,
  };
  // The audit trail shows what the cycle measures and which trigger (id and version) opened it.
  const details = { type: intake.type, title: intake.title, ownerId: intake.ownerId, sponsorId: intake.sponsorId, goal: intake.goal, evidence: intake.evidence, binding, origin, parentCycleId: state.parentCycleId };
  const opened: CycleApplied = { state, transitions: [{ version: 1, action: 'create', actor: intake.createdBy, at: now, before: null, after: summary(state), details, notifications: [] }] };
  // The baseline a trigger measured from the data: the first measurements, so a PDCA Check's "before" and a DMAIC baseline are real data.
  if (!binding || !baselineMeasurements?.length) return opened;
  return chain(opened, (s) => recordBound(s, baselineMeasurements, [], now, 'baseline'));
}

// ------------------------------------------------------------ permissions

type Who = 'owner' | 'contributor' | 'owner_or_sponsor' | 'approver' | 'assignee_or_owner';

function requireWho(s: CycleState, actor: Actor, who: Who, what: string, actionAssignee?: string): void {
  const isOwner = actor.id === s.ownerId;
  const ok =
    who === 'owner'
      ? isOwner
      : who === 'owner_or_sponsor'
        ? isOwner || actor.id === s.sponsorId
        : who === 'assignee_or_owner'
          ? isOwner || actor.id === actionAssignee
          : who === 'contributor'
            ? isOwner || s.team.includes(actor.id) || actor.id === s.artefacts.controlPlan?.processOwnerId
            : true;
  if (!ok) {
    const whom = { owner: 'the owner', owner_or_sponsor: 'the owner or the sponsor', assignee_or_owner: 'the assignee or the owner', contributor: 'the owner or a team member', approver: 'an approver' }[who];
    fail(ErrorCode.NOT_PERMITTED, `only ${whom} may ${what}`);
  }
}

/** Where each command applies: cycle type, phases (while active) or other statuses, and who may send it. */
interface CommandRule {
  types: readonly CycleType[];
  /** Phases in which the command applies while the cycle is active. */
  phases: readonly Phase[];
  /** Non-active statuses in which it also applies. */
  statuses?: readonly CycleStatus[];
  who: Who;
  /** Edits the current phase's artefacts: refused while its gate is pending. */
  editsArtefacts?: boolean;
}

const BOTH = CYCLE_TYPES;
const ALL_PHASES = PHASES;
const RULES: Record<CycleCommandType, CommandRule> = {
  record_measurements: { types: BOTH, phases: ALL_PHASES, statuses: ['effectiveness_check', 'monitoring'], who: 'contributor' },
  add_action: { types: BOTH, phases: ['plan', 'do', 'improve', 'control'], who: 'owner', editsArtefacts: true },
  complete_action: { types: BOTH, phases: ALL_PHASES, statuses: ['effectiveness_check', 'monitoring'], who: 'assignee_or_owner' },
  submit_gate: { types: BOTH, phases: ['plan', 'do', ...DMAIC_PHASES], who: 'owner' },
  sign_gate: { types: BOTH, phases: APPROVAL_GATES, who: 'approver' },
  abandon: { types: BOTH, phases: ALL_PHASES, statuses: ['effectiveness_check', 'monitoring'], who: 'owner_or_sponsor' },
  add_five_whys: { types: BOTH, phases: ['plan', 'analyze'], who: 'contributor', editsArtefacts: true },
  add_fishbone_cause: { types: BOTH, phases: ['plan', 'analyze'], who: 'contributor', editsArtefacts: true },
  add_countermeasure: { types: ['pdca'], phases: ['plan'], who: 'contributor', editsArtefacts: true },
  run_check: { types: ['pdca'], phases: ['check'], who: 'owner' },
  review_check: { types: ['pdca'], phases: ['check'], who: 'owner' },
  standardize: { types: ['pdca'], phases: ['act'], who: 'owner' },
  iterate: { types: ['pdca'], phases: ['act'], who: 'owner' },
  update_charter: { types: ['dmaic'], phases: ['define'], who: 'owner', editsArtefacts: true },
  set_data_collection_plan: { types: ['dmaic'], phases: ['measure'], who: 'contributor', editsArtefacts: true },
  set_baseline: { types: ['dmaic'], phases: ['measure'], who: 'contributor', editsArtefacts: true },
  set_defect_categories: { types: ['dmaic'], phases: ['analyze'], who: 'contributor', editsArtefacts: true },
  add_root_cause: { types: ['dmaic'], phases: ['analyze'], who: 'contributor', editsArtefacts: true },
  verify_root_cause: { types: ['dmaic'], phases: ['analyze'], who: 'contributor', editsArtefacts: true },
  add_solution: { types: ['dmaic'], phases: ['improve'], who: 'contributor', editsArtefacts: true },
  add_fmea_row: { types: ['dmaic'], phases: ['improve'], who: 'contributor', editsArtefacts: true },
  set_pilot_data: { types: ['dmaic'], phases: ['improve'], who: 'contributor', editsArtefacts: true },
  set_control_plan: { types: ['dmaic'], phases: ['control'], who: 'owner', editsArtefacts: true },
};

/** Every command type, in the order the API lists them. */
export const CYCLE_COMMAND_TYPES = Object.keys(RULES) as CycleCommandType[];

/**
 * The preconditions of each command that depend only on the state and the
 * actor: the cycle type, phase or status (RULES), who may send it, frozen
 * artefacts while a gate is pending, then the command's own state rules
 * (manual measurements on a bound metric, a complete gate, a pending gate
 * awaiting this signer, a check report to review, the goal met or not). The
 * decider checks them before reading the body, and the API lists a command
 * only when they hold (see `cycleCommandRefusal`, `availableCycleCommands`).
 *
 * Left to the request (they depend on its body): every field rule (a due date
 * in the future, a proportion in [0, 1] with its sample size, pilot data of
 * the baseline's kind, a rejection's reasons, known root-cause ids, valid
 * statistics input), and the object a body names: completing an action item
 * (`requireCompletable`: the assignee or the owner, not yet done) and
 * verifying a root cause (it must exist). A baseline or pilot from a bound
 * metric needs its measurements (`requireBoundPoints`), checked after the body
 * is found to send no data. For those, the listing asks whether some body
 * could pass (`requireSomeBody`), using the same functions.
 */
function requirePreconditions(s: CycleState, actor: Actor, type: CycleCommandType): void {
  const rule = RULES[type];
  const what = type.replace(/_/g, ' ');
  if (!rule.types.includes(s.type)) fail(ErrorCode.INVALID_ACTION, `${what} does not apply to a ${s.type.toUpperCase()} cycle`);
  const inPhase = s.status === 'active' && rule.phases.includes(s.phase);
  if (!inPhase && !(rule.statuses ?? []).includes(s.status)) {
    const where = s.status === 'active' ? `in the ${s.phase} phase` : `when the cycle is ${s.status}`;
    fail(ErrorCode.INVALID_TRANSITION, `cannot ${what} ${where}`);
  }
  // Who may complete an action item depends on the item (requireCompletable).
  if (type !== 'complete_action') requireWho(s, actor, rule.who, what);
  if (rule.editsArtefacts && s.gate.status === 'pending') {
    fail(ErrorCode.GATE_PENDING, `the ${s.phase} gate is awaiting signatures; its artefacts are frozen until it is approved or rejected`);
  }
  const a = s.artefacts;
  switch (type) {
    case 'record_measurements':
      if (s.binding) fail(ErrorCode.METRIC_BOUND, `the metric is bound to ${describeBinding(s.binding)}; measurements come from the data`, { binding: s.binding });
      return;
    case 'submit_gate': {
      if (s.gate.status === 'pending') fail(ErrorCode.GATE_PENDING, `the ${s.phase} gate is already awaiting signatures`);
      const missing = missingArtefacts(s);
      if (missing.length > 0) fail(ErrorCode.GATE_INCOMPLETE, `the ${s.phase} gate cannot be submitted; missing: ${missing.join('; ')}`, { missing });
      return;
    }
    case 'sign_gate':
      // The owner is refused first, with its own reason, even if listed as an approver somewhere.
      if (actor.id === s.ownerId) fail(ErrorCode.SELF_APPROVAL_FORBIDDEN, 'the owner cannot sign their own gate');
      if (!s.settings.approvers.includes(actor.id)) fail(ErrorCode.NOT_PERMITTED, `only the configured approvers (${s.settings.approvers.join(', ')}) may sign this gate`);
      if (s.gate.status !== 'pending') fail(ErrorCode.INVALID_TRANSITION, `the ${s.phase} gate has not been submitted for signature`);
      if (s.gate.approvedBy.includes(actor.id)) fail(ErrorCode.ALREADY_SIGNED, `${actor.id} already approved this submission`);
      return;
    case 'review_check':
      if (!a.checkReport) fail(ErrorCode.GATE_INCOMPLETE, 'no check report to review', { missing: ['a check report'] });
      return;
    case 'standardize':
      if (!a.checkReport?.goalMet) fail(ErrorCode.GOAL_NOT_MET, 'the check report does not show the goal met: iterate or abandon instead');
      return;
    case 'iterate':
      if (a.checkReport?.goalMet && a.effectiveness?.result !== 'failed') fail(ErrorCode.INVALID_TRANSITION, 'the goal was met: standardize instead of iterating');
      return;
    case 'set_pilot_data':
      if (!a.baseline) fail(ErrorCode.INVALID_ACTION, 'there is no baseline to compare the pilot with');
      return;
    default:
      return;
  }
}

/** Completing this action item: its assignee or the owner, once. */
function requireCompletable(s: CycleState, actor: Actor, item: ActionItem): void {
  requireWho(s, actor, 'assignee_or_owner', 'complete this action item', item.assigneeId);
  if (item.status === 'done') fail(ErrorCode.INVALID_TRANSITION, `action item ${item.id} is already done`);
}

/**
 * For commands whose body names an object of the cycle or takes its data
 * from the bound metric: why no body at all could pass now (checked with the
 * decider's own functions), or nothing.
 */
function requireSomeBody(s: CycleState, actor: Actor, type: CycleCommandType): void {
  switch (type) {
    case 'complete_action': {
      const refusals = s.actions.map((item) => refusalOf(() => requireCompletable(s, actor, item)));
      if (refusals.length === 0) fail(ErrorCode.INVALID_ACTION, 'the cycle has no action items');
      if (!refusals.includes(null)) throw refusals[0]!;
      return;
    }
    case 'verify_root_cause':
      if (s.artefacts.rootCauses.length === 0) fail(ErrorCode.INVALID_ACTION, 'there is no root cause to verify');
      return;
    case 'set_baseline':
      return requireBoundPoints(s, BASELINE_STAGES);
    case 'set_pilot_data':
      return requireBoundPoints(s, PILOT_STAGES);
    default:
      return;
  }
}

function refusalOf(check: () => void): DomainError | null {
  try {
    check();
    return null;
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
}

/**
 * Why the decider would refuse a command of this type from `actor` on `s`
 * whatever its body, or null when it would look at the body. `s` is the
 * state as the decider sees it: after `fireDueCycleTimers(state, now)` (as
 * `availableCycleCommands` does). See `requirePreconditions` for what is left to the body.
 */
export function cycleCommandRefusal(s: CycleState, actor: Actor, type: CycleCommandType): DomainError | null {
  return refusalOf(() => requirePreconditions(s, actor, type));
}

/**
 * Why `actor` cannot send this command now with any body: the preconditions
 * (`cycleCommandRefusal`), then, for commands naming an object of the cycle
 * (an action item, a root cause) or taking a bound metric's data, whether any
 * such object or data exists for them. Null: the command is available. `s`
 * as for `cycleCommandRefusal`.
 */
export function cycleCommandUnavailable(s: CycleState, actor: Actor, type: CycleCommandType): DomainError | null {
  return refusalOf(() => {
    requirePreconditions(s, actor, type);
    requireSomeBody(s, actor, type);
  });
}

/**
 * The command types `actor` may send now: the timers due at `now` fire first
 * (as `applyCycleCommand` does), then each type is judged by
 * `cycleCommandUnavailable`. Object-level access (the permission matrix) is
 * the API's business, on top of this.
 */
export function availableCycleCommands(state: CycleState, actor: Actor, now: number): CycleCommandType[] {
  const settled = fireDueCycleTimers(state, now).state;
  return CYCLE_COMMAND_TYPES.filter((type) => cycleCommandUnavailable(settled, actor, type) === null);
}

// ---------------------------------------------------------------- gates

/** The artefacts a gate's signatures bind (hashed at submission). */
export function phaseArtefacts(s: CycleState, phase: Phase): Record<string, unknown> {
  const a = s.artefacts;
  const actions = s.actions.map(({ id, title, assigneeId, dueAt }) => ({ id, title, assigneeId, dueAt }));
  switch (phase) {
    case 'plan':
      return { goal: s.goal, fiveWhys: a.fiveWhys, fishbone: a.fishbone, countermeasures: a.countermeasures, actions };
    case 'do':
      return { actions: s.actions.map(({ id, status, completedAt }) => ({ id, status, completedAt })) };
    case 'check':
      return { checkReport: a.checkReport };
    case 'act':
      return { standard: a.standard };
    case 'define':
      return { goal: s.goal, team: s.team, charter: a.charter };
    case 'measure':
      return { dataCollectionPlan: a.dataCollectionPlan, baseline: a.baseline };
    case 'analyze':
      return { defectPareto: a.defectPareto, fishbone: a.fishbone, fiveWhys: a.fiveWhys, rootCauses: a.rootCauses };
    case 'improve':
      return { solutions: a.solutions, fmea: a.fmea, pilot: a.pilot, actions };
    case 'control':
      return { controlPlan: a.controlPlan };
  }
}

export function artefactHash(s: CycleState, phase: Phase): string {
  return hashOf({ cycleId: s.cycleId, iteration: s.iteration, phase, artefacts: phaseArtefacts(s, phase) });
}

const afterChange = (s: CycleState) => s.measurements.filter((m) => m.iteration === s.iteration && (m.stage === 'do' || m.stage === 'check'));
const beforeChange = (s: CycleState) => s.measurements.filter((m) => m.iteration === s.iteration && m.stage === 'plan');
const points = (ms: readonly Measurement[]): MeasurementPoint[] => ms.map((m) => (m.sampleSize === null ? { value: m.value } : { value: m.value, sampleSize: m.sampleSize }));

/** What the current phase still lacks before its gate can be submitted (empty when complete). */
export function missingArtefacts(s: CycleState, phase: Phase = s.phase): string[] {
  const a = s.artefacts;
  const missing: string[] = [];
  const need = (ok: boolean, what: string) => {
    if (!ok) missing.push(what);
  };
  switch (phase) {
    case 'plan':
      need(a.fiveWhys.length > 0 || a.fishbone.length > 0, 'root-cause analysis (a 5-whys chain or a fishbone cause)');
      need(a.countermeasures.length > 0, 'at least one countermeasure');
      need(s.actions.length > 0, 'at least one action item');
      break;
    case 'do': {
      const open = s.actions.filter((x) => x.status === 'open').map((x) => x.id);
      need(open.length === 0, `completed action items (open: ${open.join(', ')})`);
      need(afterChange(s).length > 0, 'at least one measurement since the change (recorded in Do)');
      break;
    }
    case 'check':
      need(a.checkReport !== null, 'a check report');
      break;
    case 'act':
      break;
    case 'define': {
      const c = a.charter;
      need(c !== null, 'a charter');
      if (c) {
        need(c.scopeIn.length > 0, 'charter scope (in)');
        need(c.ctqs.length > 0, 'at least one CTQ');
        need(c.sipoc.length > 0, 'at least one SIPOC row');
        need(c.milestones.length > 0, 'charter milestones');
      }
      need(s.team.length > 0, 'a team');
      break;
    }
    case 'measure':
      need(a.dataCollectionPlan.length > 0, 'a data collection plan');
      need(a.baseline !== null, 'a baseline');
      break;
    case 'analyze':
      need(a.defectPareto !== null, 'a Pareto of defect categories');
      need(a.fishbone.length > 0, 'at least one fishbone cause');
      need(a.rootCauses.some((r) => r.verified), 'at least one verified root cause');
      break;
    case 'improve':
      need(a.solutions.length > 0, 'at least one solution');
      need(a.fmea.length > 0, 'at least one FMEA row');
      need(a.pilot !== null, 'pilot data compared with the baseline');
      break;
    case 'control':
      need(a.controlPlan !== null, 'a control plan');
      break;
  }
  return missing;
}

function nextPhase(s: CycleState): Phase | null {
  const list = phasesOf(s.type);
  return list[list.indexOf(s.phase) + 1] ?? null;
}

/** The phase's exit is passed: move on (entering Check computes the report; passing Control starts monitoring). */
function passGate(s: CycleState, actor: Actor, now: number): CycleApplied {
  const to = nextPhase(s);
  if (to === null) {
    // DMAIC Control approved: the project is handed over and the metric is watched.
    const c = s.settings.control;
    const monitoring: Monitoring = { startedAt: now, periodStartedAt: now, periodsCompleted: 0, inControlPeriods: 0, pointsInPeriod: 0, signalsInPeriod: 0, pointsTotal: 0, recent: [], signals: [], linkArmed: true };
    return commit(s, { ...s, status: 'monitoring', gate: { ...s.gate, status: 'open' }, monitoring }, 'monitoring_started', actor, now, {
      periodDays: c.periodDays,
      sustainPeriods: c.sustainPeriods,
      limits: s.artefacts.controlPlan?.limits,
    });
  }
  let next: CycleState = { ...s, phase: to, phaseStartedAt: now, gate: openGate(to) };
  const notifications: CycleNotification[] = [];
  const details: Record<string, unknown> = { from: s.phase, to };
  if (to === 'check') {
    const report = checkReport(s.goal, points(beforeChange(s)), points(afterChange(s)), now);
    next = { ...next, artefacts: { ...next.artefacts, checkReport: report } };
    details.checkReport = report;
    notifications.push(notify('check.ready', [s.ownerId], { goalMet: report.goalMet, improvementPct: report.improvementPct }));
  }
  return commit(s, next, 'phase_entered', actor, now, details, notifications);
}

// ---------------------------------------------------------------- commands

/**
 * Applies a user's command at `ctx.now`. Timers already due fire first (so a
 * reminder or the deadline is recorded at its own instant), then the command.
 * Throws DomainError, changing nothing, when the command is illegal.
 */
export function applyCycleCommand(state: CycleState, cmd: CycleCommand, actor: Actor, ctx: CycleContext): CycleApplied {
  const settled = fireDueCycleTimers(state, ctx.now);
  return chain(settled, (s) => {
    requirePreconditions(s, actor, cmd.type);
    return decide(s, cmd, actor, ctx);
  });
}

function editArtefacts(s: CycleState, patch: Partial<Artefacts>, action: string, actor: Actor, now: number, details: Record<string, unknown>): CycleApplied {
  // A rejected gate is reopened by the first change to its artefacts.
  const gate = s.gate.status === 'rejected' ? { ...s.gate, status: 'open' as const } : s.gate;
  return commit(s, { ...s, gate, artefacts: { ...s.artefacts, ...patch } }, action, actor, now, details);
}

function decide(s: CycleState, cmd: CycleCommand, actor: Actor, { now, runId }: CycleContext): CycleApplied {
  const a = s.artefacts;
  switch (cmd.type) {
    case 'record_measurements': {
      if (s.goal.metricType === 'proportion') {
        cmd.measurements.forEach((m, i) => {
          if (m.sampleSize === undefined || !Number.isSafeInteger(m.sampleSize) || m.sampleSize < 1) {
            fail(ErrorCode.INVALID_ACTION, `measurements[${i}]: a proportion metric needs sampleSize, a whole number >= 1`);
          }
          if (m.value < 0 || m.value > 1) fail(ErrorCode.INVALID_ACTION, `measurements[${i}]: a proportion must be in [0, 1]`);
        });
      }
      const stage = currentStage(s);
      const recorded: Measurement[] = cmd.measurements.map((m, i) => ({
        seq: s.measurements.length + i + 1,
        value: m.value,
        sampleSize: m.sampleSize ?? null,
        at: m.at ?? now,
        note: m.note ?? null,
        by: actor.id,
        stage,
        iteration: s.iteration,
      }));
      const next = { ...s, measurements: [...s.measurements, ...recorded] };
      const applied = commit(s, next, 'measurements_recorded', actor, now, { measurements: recorded });
      return s.status === 'monitoring' ? chain(applied, (m) => monitorPoints(m, recorded, now)) : applied;
    }

    case 'add_action': {
      if (cmd.dueAt <= now) fail(ErrorCode.INVALID_ACTION, 'dueAt must be in the future');
      const [id, s1] = nextId(s, 'a');
      const item: ActionItem = {
        id,
        title: cmd.title,
        assigneeId: cmd.assigneeId,
        dueAt: cmd.dueAt,
        status: 'open',
        createdAt: now,
        createdBy: actor.id,
        completedAt: null,
        completedBy: null,
        note: null,
        alerts: { reminder: false, overdue: false, ownerEscalation: false, sponsorEscalation: false },
      };
      const gate = s1.gate.status === 'rejected' ? { ...s1.gate, status: 'open' as const } : s1.gate;
      return commit(s, { ...s1, gate, actions: [...s1.actions, item] }, 'action_added', actor, now, { action: item });
    }

    case 'complete_action': {
      const item = s.actions.find((x) => x.id === cmd.actionId);
      if (!item) fail(ErrorCode.INVALID_ACTION, `no action item ${cmd.actionId}`);
      requireCompletable(s, actor, item);
      const done: ActionItem = { ...item, status: 'done', completedAt: now, completedBy: actor.id, note: cmd.note ?? null };
      return commit(s, { ...s, actions: s.actions.map((x) => (x.id === item.id ? done : x)) }, 'action_completed', actor, now, {
        actionId: item.id,
        late: now > item.dueAt,
        note: done.note,
      });
    }

    case 'submit_gate': {
      if (!gateNeedsApproval(s.phase)) return passGate(s, actor, now);
      const hash = artefactHash(s, s.phase);
      const gate: Gate = { phase: s.phase, status: 'pending', submittedAt: now, submittedBy: actor.id, artefactHash: hash, approvedBy: [], rejection: null };
      return commit(s, { ...s, gate }, 'gate_submitted', actor, now, { phase: s.phase, artefactHash: hash, comment: cmd.comment ?? null }, [
        notify('gate.submitted', s.settings.approvers, { phase: s.phase, artefactHash: hash }),
      ]);
    }

    case 'sign_gate': {
      const reasons = cmd.reasons ?? [];
      if (cmd.decision === 'reject' && reasons.length === 0) fail(ErrorCode.INVALID_ACTION, 'a rejection needs at least one reason');
      const signature: Signature = {
        id: `sig${s.signatures.length + 1}`,
        phase: s.phase,
        iteration: s.iteration,
        decision: cmd.decision === 'approve' ? 'approved' : 'rejected',
        signerId: actor.id,
        signerRole: actor.role,
        meaning: signatureMeaning(s.phase, cmd.decision),
        at: now,
        comment: cmd.comment,
        reasons,
        artefactHash: s.gate.artefactHash!,
      };
      const signed = { ...s, signatures: [...s.signatures, signature] };
      if (cmd.decision === 'reject') {
        const gate: Gate = { ...s.gate, status: 'rejected', approvedBy: [], rejection: { by: actor.id, at: now, reasons } };
        return commit(s, { ...signed, gate }, 'gate_rejected', actor, now, { signature }, [notify('gate.rejected', [s.ownerId], { phase: s.phase, reasons, by: actor.id })]);
      }
      const approvedBy = [...s.gate.approvedBy, actor.id];
      const approved = commit(s, { ...signed, gate: { ...s.gate, approvedBy } }, 'gate_signed', actor, now, { signature });
      if (!s.settings.approvers.every((u) => approvedBy.includes(u))) return approved;
      return chain(approved, (x) => {
        const passed = passGate(x, actor, now);
        passed.transitions[0]!.notifications.push(notify('gate.approved', [s.ownerId, s.sponsorId], { phase: s.phase, approvedBy }));
        return passed;
      });
    }

    case 'abandon':
      return commit(s, { ...s, status: 'abandoned', closedAt: now, closure: { reason: cmd.reason, by: actor.id } }, 'abandoned', actor, now, { reason: cmd.reason });

    case 'add_five_whys': {
      const [id, s1] = nextId(s, 'w');
      const entry = { id, problem: cmd.problem, whys: cmd.whys, rootCause: cmd.rootCause };
      return editArtefacts(s1, { fiveWhys: [...a.fiveWhys, entry] }, 'five_whys_added', actor, now, { fiveWhys: entry });
    }

    case 'add_fishbone_cause': {
      const [id, s1] = nextId(s, 'f');
      const entry = { id, category: cmd.category, cause: cmd.cause };
      return editArtefacts(s1, { fishbone: [...a.fishbone, entry] }, 'fishbone_cause_added', actor, now, { cause: entry });
    }

    case 'add_countermeasure': {
      const [id, s1] = nextId(s, 'm');
      const entry = { id, description: cmd.description, rootCause: cmd.rootCause ?? null };
      return editArtefacts(s1, { countermeasures: [...a.countermeasures, entry] }, 'countermeasure_added', actor, now, { countermeasure: entry });
    }

    case 'run_check': {
      const report = checkReport(s.goal, points(beforeChange(s)), points(afterChange(s)), now);
      return editArtefacts(s, { checkReport: report, checkReview: null }, 'check_run', actor, now, { checkReport: report });
    }

    case 'review_check': {
      const reviewed = editArtefacts(s, { checkReview: { by: actor.id, at: now, comment: cmd.comment } }, 'check_reviewed', actor, now, {
        comment: cmd.comment,
        // Present: requirePreconditions refuses a review without a report.
        goalMet: a.checkReport!.goalMet,
      });
      return chain(reviewed, (x) => passGate(x, actor, now));
    }

    case 'standardize': {
      const windowEndsAt = now + s.settings.effectivenessWindowDays * DAY;
      const next: CycleState = {
        ...s,
        status: 'effectiveness_check',
        artefacts: {
          ...a,
          standard: { description: cmd.standard, trainees: cmd.trainees, by: actor.id, at: now },
          effectiveness: { windowEndsAt, fromSeq: s.measurements.length + 1, result: 'pending', evaluatedAt: null, mean: null, n: 0, reason: null },
        },
      };
      return commit(s, next, 'standardized', actor, now, { standard: cmd.standard, trainees: cmd.trainees, effectivenessWindowEndsAt: windowEndsAt });
    }

    case 'iterate': {
      if (cmd.deadline !== undefined && cmd.deadline <= now) fail(ErrorCode.INVALID_ACTION, 'the new deadline must be in the future');
      const entry: LineageEntry = { iteration: s.iteration, runId, startedAt: s.iterationStartedAt, endedAt: now, learnings: cmd.learnings, checkReport: a.checkReport, actions: s.actions };
      const goal = cmd.deadline === undefined ? s.goal : { ...s.goal, deadline: cmd.deadline };
      const next: CycleState = {
        ...s,
        iteration: s.iteration + 1,
        phase: 'plan',
        status: 'active',
        goal,
        overdueSince: cmd.deadline === undefined ? s.overdueSince : null,
        iterationStartedAt: now,
        phaseStartedAt: now,
        gate: openGate('plan'),
        artefacts: EMPTY_ARTEFACTS,
        actions: [],
        lineage: [...s.lineage, entry],
      };
      return commit(s, next, 'iteration_started', actor, now, { fromIteration: s.iteration, toIteration: s.iteration + 1, learnings: cmd.learnings, previousRunId: runId });
    }

    case 'update_charter':
      return editArtefacts(s, { charter: cmd.charter }, 'charter_updated', actor, now, { charter: cmd.charter });

    case 'set_data_collection_plan':
      return editArtefacts(s, { dataCollectionPlan: cmd.items }, 'data_collection_plan_set', actor, now, { items: cmd.items });

    case 'set_baseline': {
      const data = boundOrTyped(s, cmd.data, BASELINE_STAGES, 'baseline');
      const stats = dataStats(data);
      return editArtefacts(s, { baseline: { input: data, stats } }, 'baseline_set', actor, now, { stats, ...(s.binding ? { fromData: true } : {}) });
    }

    case 'set_defect_categories': {
      const rows = statistic('defect categories', () => pareto(cmd.categories));
      return editArtefacts(s, { defectPareto: { categories: cmd.categories, rows } }, 'defect_pareto_set', actor, now, { rows });
    }

    case 'add_root_cause': {
      const [id, s1] = nextId(s, 'r');
      const entry = { id, cause: cmd.cause, verified: false, evidence: null, verifiedBy: null, verifiedAt: null };
      return editArtefacts(s1, { rootCauses: [...a.rootCauses, entry] }, 'root_cause_added', actor, now, { rootCause: entry });
    }

    case 'verify_root_cause': {
      const rc = a.rootCauses.find((r) => r.id === cmd.rootCauseId);
      if (!rc) fail(ErrorCode.INVALID_ACTION, `no root cause ${cmd.rootCauseId}`);
      const verified = { ...rc, verified: true, evidence: cmd.evidence, verifiedBy: actor.id, verifiedAt: now };
      return editArtefacts(s, { rootCauses: a.rootCauses.map((r) => (r.id === rc.id ? verified : r)) }, 'root_cause_verified', actor, now, { rootCause: verified });
    }

    case 'add_solution': {
      const unknown = (cmd.rootCauseIds ?? []).filter((id) => !a.rootCauses.some((r) => r.id === id));
      if (unknown.length > 0) fail(ErrorCode.INVALID_ACTION, `unknown root causes: ${unknown.join(', ')}`);
      const [id, s1] = nextId(s, 's');
      const entry = { id, description: cmd.description, rootCauseIds: cmd.rootCauseIds ?? [] };
      return editArtefacts(s1, { solutions: [...a.solutions, entry] }, 'solution_added', actor, now, { solution: entry });
    }

    case 'add_fmea_row': {
      const rpn = statistic('FMEA row', () => riskPriorityNumber(cmd.severity, cmd.occurrence, cmd.detection));
      const [id, s1] = nextId(s, 'x');
      const { type: _t, ...row } = cmd;
      const entry = { id, ...row, recommendedAction: cmd.recommendedAction ?? null, rpn };
      return editArtefacts(s1, { fmea: [...a.fmea, entry] }, 'fmea_row_added', actor, now, { row: entry });
    }

    case 'set_pilot_data': {
      // Present: requirePreconditions refuses pilot data without a baseline.
      const baseline = a.baseline!;
      const data = boundOrTyped(s, cmd.data, PILOT_STAGES, 'pilot data');
      const baselineValues = baseline.input.kind === 'continuous' ? baseline.input.values : [];
      const comparison = comparePilot(s.goal, baseline.stats, baselineValues, data);
      return editArtefacts(s, { pilot: { input: data, comparison } }, 'pilot_data_set', actor, now, { comparison, ...(s.binding ? { fromData: true } : {}) });
    }

    case 'set_control_plan': {
      let improvedData = cmd.improvedData;
      if (improvedData === undefined) {
        if (!s.binding) fail(ErrorCode.INVALID_ACTION, 'improvedData is required: the metric is not bound to the data');
        improvedData = boundSince(s, ['improve', 'control']).map((m) => m.value);
      }
      const limits = controlLimits(improvedData);
      const plan: ControlPlan = { metric: cmd.metric, chartType: 'individuals', limits, reactionPlan: cmd.reactionPlan, processOwnerId: cmd.processOwnerId };
      return editArtefacts(s, { controlPlan: plan }, 'control_plan_set', actor, now, { controlPlan: plan });
    }
  }
}

/**
 * Applies an engine-side event: the workflow started a linked cycle, measured
 * a bound metric, or a trigger added evidence. Each is idempotent (a repeat
 * changes nothing) and a no-op on a closed cycle.
 */
export function applyCycleEvent(s: CycleState, event: CycleSystemEvent, now: number): CycleApplied {
  const unchanged: CycleApplied = { state: s, transitions: [] };
  switch (event.type) {
    case 'linked_cycle_started': {
      const link = s.linkedCycles.find((l) => l.cycleId === event.cycleId);
      if (!link || link.started) return unchanged;
      const linkedCycles = s.linkedCycles.map((l) => (l.cycleId === event.cycleId ? { ...l, started: true } : l));
      return commit(s, { ...s, linkedCycles }, 'linked_cycle_opened', SYSTEM_ACTOR, now, { linkedCycleId: event.cycleId, signal: link.signal }, [
        notify('cycle.linked_opened', [s.ownerId, s.artefacts.controlPlan?.processOwnerId], { linkedCycleId: event.cycleId, signal: link.signal }),
      ]);
    }
    case 'bound_measurements_collected':
      if (!s.binding || isCycleClosed(s)) return unchanged;
      return recordBound(s, event.measurements, event.periods ?? [], now, 'data');
    case 'evidence_added': {
      const items = s.evidence.items ?? [];
      if (isCycleClosed(s) || items.some((i) => i.key === event.item.key)) return unchanged;
      const evidence = { ...s.evidence, items: [...items, event.item] };
      return commit(s, { ...s, evidence }, 'evidence_added', SYSTEM_ACTOR, now, { item: event.item }, [
        notify('cycle.evidence_added', [s.ownerId], { key: event.item.key, kind: event.item.kind, summary: event.item.summary, source: event.item.source }),
      ]);
    }
  }
}

// ---------------------------------------------------------- bound metrics

const describeBinding = (b: BoundMetric): string =>
  `${b.kpi} of area ${b.areaId}${b.filter ? ` (${b.filter.dimension} ${b.filter.value})` : ''}, per ${b.period}`;

/** Where a measurement taken now belongs: the phase, or the post-project stage. */
const currentStage = (s: CycleState): Measurement['stage'] => (s.status === 'active' ? s.phase : (s.status as 'effectiveness_check' | 'monitoring'));

/** The bound measurements recorded in the given stages, in order. */
const boundSince = (s: CycleState, stages: readonly Measurement['stage'][]): Measurement[] => s.measurements.filter((m) => m.period && stages.includes(m.stage));

/**
 * DMAIC data for a baseline or a pilot. On a bound cycle it is the bound
 * measurements of those stages and typed data is refused (METRIC_BOUND, as
 * for measurements): before and after must both be the complaint data. On an
 * unbound cycle the data is required.
 */
function boundOrTyped(s: CycleState, data: DataInput | undefined, stages: readonly Phase[], what: string): DataInput {
  if (!s.binding) {
    if (data === undefined) fail(ErrorCode.INVALID_ACTION, `${what} is required: the metric is not bound to the data`);
    return data;
  }
  if (data !== undefined) fail(ErrorCode.METRIC_BOUND, `the metric is bound to ${describeBinding(s.binding)}; the ${what} comes from the data: send no data`, { binding: s.binding });
  requireBoundPoints(s, stages);
  return boundDataInput(s.goal, boundSince(s, stages));
}

/** A baseline or pilot taken from a bound metric needs measurements of its stages. */
function requireBoundPoints(s: CycleState, stages: readonly Phase[]): void {
  const b = s.binding;
  if (b && boundSince(s, stages).length === 0) fail(ErrorCode.INSUFFICIENT_DATA, `no ${b.period} of ${b.kpi} has been measured in ${stages.join(' or ')} yet`);
}

/** The stages whose bound measurements make a DMAIC baseline, and a pilot. */
const BASELINE_STAGES: readonly Phase[] = ['define', 'measure'];
const PILOT_STAGES: readonly Phase[] = ['improve'];

function boundValueProblem(goal: SmartGoal, m: BoundMeasurement): string | null {
  if (!Number.isFinite(m.value) || !Number.isFinite(m.at)) return 'not a finite number';
  if (goal.metricType !== 'proportion') return null;
  if (m.sampleSize === undefined || !Number.isSafeInteger(m.sampleSize) || m.sampleSize < 1) return 'a proportion needs sampleSize, a whole number >= 1';
  if (m.value < 0 || m.value > 1) return 'a proportion must be in [0, 1]';
  return null;
}

const laterPeriod = (a: string | null, b: string | null): string | null => (a === null ? b : b === null || a >= b ? a : b);

/**
 * Records measurements of a bound metric: one per KPI period (a period
 * already recorded is skipped), by the system, at the current stage, checked
 * against the control limits while monitoring. `checked`: every period that
 * was measured, so a period without data is recorded as such, once, and not
 * asked for again.
 */
function recordBound(s: CycleState, input: readonly BoundMeasurement[], checked: readonly string[], now: number, source: 'baseline' | 'data'): CycleApplied {
  const b = s.binding!;
  const seen = new Set(s.measurements.flatMap((m) => (m.period ? [m.period] : [])));
  const stage = currentStage(s);
  const recorded: Measurement[] = [];
  const skipped: { period: string; reason: string }[] = [];
  for (const m of [...input].sort((x, y) => (x.period < y.period ? -1 : x.period > y.period ? 1 : 0))) {
    if (seen.has(m.period)) continue;
    const problem = boundValueProblem(s.goal, m);
    if (problem) {
      skipped.push({ period: m.period, reason: problem });
      continue;
    }
    seen.add(m.period);
    const seq = s.measurements.length + recorded.length + 1;
    recorded.push({ seq, value: m.value, sampleSize: m.sampleSize ?? null, at: m.at, note: null, by: SYSTEM_ACTOR.id, stage, iteration: s.iteration, period: m.period });
  }
  const withData = new Set(input.map((m) => m.period));
  const before = s.measuredThrough ?? null;
  // A period already measured (with data or without) is not reported again.
  const withoutData = [...new Set(checked)].filter((p) => !withData.has(p) && !seen.has(p) && (before === null || p > before)).sort();
  const through = [...checked, ...recorded.map((m) => m.period!)].reduce<string | null>(laterPeriod, before);
  const moved = { ...s, measuredThrough: through };
  const kpi = { kpi: b.kpi, areaId: b.areaId, filter: b.filter, period: b.period };
  if (recorded.length === 0) {
    if (withoutData.length === 0 && skipped.length === 0) return { state: through === before ? s : moved, transitions: [] };
    return commit(s, moved, 'bound_measurement_missing', SYSTEM_ACTOR, now, { ...kpi, withoutData, ...(skipped.length > 0 ? { skipped } : {}) });
  }
  const next = { ...moved, measurements: [...s.measurements, ...recorded] };
  const details = { measurements: recorded, source, ...kpi, ...(withoutData.length > 0 ? { withoutData } : {}), ...(skipped.length > 0 ? { skipped } : {}) };
  const applied = commit(s, next, 'measurements_recorded', SYSTEM_ACTOR, now, details);
  return s.status === 'monitoring' ? chain(applied, (m) => monitorPoints(m, recorded, now)) : applied;
}

/** The first KPI period a bound cycle has not measured: the one it opened in, or the one after the last measured. */
function firstUnmeasured(s: CycleState, b: BoundMetric): string {
  const opened = periodAt(s.createdAt, b.period, b.timeZone);
  const last = s.measurements.reduce<string | null>((acc, m) => laterPeriod(acc, m.period ?? null), s.measuredThrough ?? null);
  return last !== null && last >= opened ? nextPeriodKey(last, b.period) : opened;
}

/** When the next KPI period of a bound, open cycle is due for measurement (its end plus a grace); null otherwise. */
export function nextMeasurementAt(s: CycleState): number | null {
  const b = s.binding;
  if (!b || isCycleClosed(s)) return null;
  return periodEndsAt(firstUnmeasured(s, b), b.period, b.timeZone) + MEASURE_GRACE_MS;
}

/**
 * The KPI periods of a bound, open cycle due for measurement at `now`:
 * completed (end plus grace passed) since it opened or since the last period
 * measured, oldest first, at most MAX_PERIODS_PER_COLLECTION.
 */
export function duePeriods(s: CycleState, now: number): string[] {
  const b = s.binding;
  if (!b || isCycleClosed(s)) return [];
  const due: string[] = [];
  for (let p = firstUnmeasured(s, b); due.length < MAX_PERIODS_PER_COLLECTION && periodEndsAt(p, b.period, b.timeZone) + MEASURE_GRACE_MS <= now; p = nextPeriodKey(p, b.period)) {
    due.push(p);
  }
  return due;
}

// ---------------------------------------------------------- monitoring

/** How many earlier points the run rules need as context (rule 4 looks at 8). */
const RUN_RULE_CONTEXT = 7;

/** Checks newly recorded points against the control limits (Western Electric rules 1-4). */
function monitorPoints(s: CycleState, recorded: Measurement[], now: number): CycleApplied {
  const m = s.monitoring!;
  const plan = s.artefacts.controlPlan!;
  const series = [...m.recent, ...recorded.map((r) => r.value)];
  const signals = newSignals(series, plan.limits, m.recent.length).map((sig) => {
    const point = recorded[sig.index - m.recent.length]!;
    return { seq: point.seq, at: point.at, value: point.value, rules: sig.rules };
  });
  let monitoring: Monitoring = {
    ...m,
    pointsInPeriod: m.pointsInPeriod + recorded.length,
    pointsTotal: m.pointsTotal + recorded.length,
    signalsInPeriod: m.signalsInPeriod + signals.length,
    recent: series.slice(-RUN_RULE_CONTEXT),
    signals: [...m.signals, ...signals],
  };
  if (signals.length === 0) return { state: { ...s, monitoring }, transitions: [] };

  // A regression is a signal on the worse side of the centre line.
  const worse = (v: number) => (s.goal.direction === 'higher_is_better' ? v < plan.limits.center : v > plan.limits.center);
  const regression = signals.find((sig) => worse(sig.value));
  let linkedCycles = s.linkedCycles;
  if (regression && s.settings.control.openPdcaOnSignal && m.linkArmed) {
    const signal: SpcSignalRef = { cycleId: s.cycleId, measurementSeq: regression.seq, rules: regression.rules, at: regression.at };
    linkedCycles = [...linkedCycles, { cycleId: `${s.cycleId}-r${linkedCycles.length + 1}`, openedAt: now, signal, baseline: regression.value, started: false }];
    monitoring = { ...monitoring, linkArmed: false };
  }
  return commit(s, { ...s, monitoring, linkedCycles }, 'control_signal', SYSTEM_ACTOR, now, { signals, limits: plan.limits }, [
    notify('control.signal', [s.ownerId, plan.processOwnerId], { signals, reactionPlan: plan.reactionPlan }),
  ]);
}

/** The PDCA cycle a regression opens: restore the improved level (the control chart's centre line). */
export function linkedCycleIntake(s: CycleState, link: LinkedCycle, now: number): CycleIntake {
  const plan = s.artefacts.controlPlan!;
  const ownerId = plan.processOwnerId;
  const approvers = s.settings.approvers.filter((u) => u !== ownerId);
  const sponsorId = s.sponsorId === ownerId ? s.ownerId : s.sponsorId;
  return {
    cycleId: link.cycleId,
    type: 'pdca',
    title: `Regression of ${plan.metric}: ${s.title}`.slice(0, 200),
    problemStatement: `Control signal (Western Electric rules ${link.signal.rules.join(', ')}) on measurement #${link.signal.measurementSeq} of ${s.cycleId}: ${link.baseline} ${s.goal.unit} against a centre line of ${plan.limits.center.toFixed(4)}.`,
    area: s.area,
    ownerId,
    sponsorId,
    team: [],
    goal: { ...s.goal, baseline: link.baseline, target: plan.limits.center, deadline: now + 30 * DAY },
    evidence: { complaintIds: [], complaintCategory: s.evidence.complaintCategory, spcSignal: link.signal },
    settings: { ...s.settings, approvers: approvers.length > 0 ? approvers : [sponsorId] },
    createdBy: SYSTEM_ACTOR,
    receivedAt: now,
    parentCycleId: s.cycleId,
    // A bound parent's regression is watched on the same KPI, its signalling period as the "before".
    ...(s.binding ? linkedBinding(s, link) : {}),
  };
}

function linkedBinding(s: CycleState, link: LinkedCycle): Pick<CycleIntake, 'binding' | 'baselineMeasurements'> {
  const point = s.measurements.find((m) => m.seq === link.signal.measurementSeq);
  const baseline = point?.period ? [{ period: point.period, value: point.value, at: point.at, ...(point.sampleSize === null ? {} : { sampleSize: point.sampleSize }) }] : [];
  return { binding: s.binding, baselineMeasurements: baseline };
}

// ---------------------------------------------------------------- timers

interface DueItem {
  at: number;
  kind: 'action' | 'deadline' | 'effectiveness' | 'period';
  actionId?: string;
}

/** Action items are chased once commissioned: in PDCA when the plan is approved, in DMAIC from creation. */
function actionsChased(s: CycleState): boolean {
  if (s.status === 'monitoring') return true;
  return s.status === 'active' && !(s.type === 'pdca' && s.phase === 'plan');
}

function actionStages(s: CycleState, x: ActionItem) {
  const r = s.settings.actionReminders;
  return [
    { key: 'reminder' as const, at: x.dueAt - r.hoursBeforeDue * HOUR },
    { key: 'overdue' as const, at: x.dueAt },
    { key: 'ownerEscalation' as const, at: x.dueAt + r.escalateToOwnerAfterHours * HOUR },
    { key: 'sponsorEscalation' as const, at: x.dueAt + r.escalateToSponsorAfterHours * HOUR },
  ];
}

function upcoming(s: CycleState): DueItem[] {
  const items: DueItem[] = [];
  if (actionsChased(s)) {
    for (const x of s.actions) {
      if (x.status !== 'open') continue;
      const next = actionStages(s, x).find((st) => !x.alerts[st.key]);
      if (next) items.push({ at: next.at, kind: 'action', actionId: x.id });
    }
  }
  if (s.status === 'active' && s.overdueSince === null) items.push({ at: s.goal.deadline, kind: 'deadline' });
  if (s.status === 'effectiveness_check' && s.artefacts.effectiveness) items.push({ at: s.artefacts.effectiveness.windowEndsAt, kind: 'effectiveness' });
  if (s.status === 'monitoring' && s.monitoring) items.push({ at: s.monitoring.periodStartedAt + s.settings.control.periodDays * DAY, kind: 'period' });
  return items.sort((x, y) => x.at - y.at);
}

/**
 * The next instant a timer is due, or null when nothing is scheduled. Besides
 * the reducer's own timers, a bound cycle wakes when a KPI period is due for
 * measurement (`nextMeasurementAt`): the workflow measures it (an activity)
 * and applies `bound_measurements_collected`; `fireDueCycleTimers` leaves it alone.
 */
export function nextCycleTimerAt(s: CycleState): number | null {
  const own = upcoming(s)[0]?.at ?? null;
  const measure = nextMeasurementAt(s);
  return own === null ? measure : measure === null ? own : Math.min(own, measure);
}

/** Fires every timer due at or before `now`, each at its own instant, in time order. */
export function fireDueCycleTimers(state: CycleState, now: number): CycleApplied {
  let s = state;
  const transitions: CycleTransition[] = [];
  for (let guard = 0; guard < 10_000; guard++) {
    const item = upcoming(s)[0];
    if (!item || item.at > now) break;
    // A timer that became applicable late (an action commissioned after its reminder was due) is
    // recorded when it fires, never before the transition that made it applicable: the audit trail
    // stays in time order.
    const applied = fireOne(s, { ...item, at: Math.max(item.at, s.updatedAt) }, now);
    s = applied.state;
    transitions.push(...applied.transitions);
  }
  return { state: s, transitions };
}

function fireOne(s: CycleState, item: DueItem, now: number): CycleApplied {
  switch (item.kind) {
    case 'action': {
      const x = s.actions.find((a) => a.id === item.actionId)!;
      // Several stages may be due at once (an action commissioned late): mark them all, announce the latest.
      const due = actionStages(s, x).filter((st) => !x.alerts[st.key] && st.at <= now);
      const alerts = { ...x.alerts };
      for (const st of due) alerts[st.key] = true;
      const last = due[due.length - 1]!;
      const actions = s.actions.map((a) => (a.id === x.id ? { ...a, alerts } : a));
      const data = { actionId: x.id, title: x.title, assigneeId: x.assigneeId, dueAt: new Date(x.dueAt).toISOString() };
      const [type, who, level] =
        last.key === 'reminder'
          ? (['action.reminder', [x.assigneeId], null] as const)
          : last.key === 'overdue'
            ? (['action.overdue', [x.assigneeId, s.ownerId], null] as const)
            : last.key === 'ownerEscalation'
              ? (['action.escalated', [s.ownerId], 'owner'] as const)
              : (['action.escalated', [s.sponsorId, s.ownerId], 'sponsor'] as const);
      // item.at is never before the last transition (see fireDueCycleTimers).
      const when = Math.max(last.at, item.at);
      return commit(s, { ...s, actions }, `action_${last.key === 'reminder' ? 'reminder' : last.key === 'overdue' ? 'overdue' : 'escalated'}`, SYSTEM_ACTOR, when, { ...data, level }, [
        notify(type, [...who], { ...data, level }),
      ]);
    }
    case 'deadline':
      return commit(s, { ...s, overdueSince: item.at }, 'cycle_overdue', SYSTEM_ACTOR, item.at, { deadline: new Date(s.goal.deadline).toISOString(), phase: s.phase }, [
        notify('cycle.overdue', [s.sponsorId, s.ownerId], { phase: s.phase, deadline: new Date(s.goal.deadline).toISOString() }),
      ]);
    case 'effectiveness': {
      const eff = s.artefacts.effectiveness!;
      const window = s.measurements.filter((m) => m.seq >= eff.fromSeq && m.stage === 'effectiveness_check');
      const held = window.length > 0 && meetsTarget(s.goal, seriesMean(s.goal.metricType, points(window)));
      const mean = window.length > 0 ? seriesMean(s.goal.metricType, points(window)) : null;
      const reason = window.length === 0 ? 'no measurements during the effectiveness window' : held ? null : `the mean ${mean} does not meet the target ${s.goal.target}`;
      const effectiveness = { ...eff, result: held ? ('held' as const) : ('failed' as const), evaluatedAt: item.at, mean, n: window.length, reason };
      const artefacts = { ...s.artefacts, effectiveness };
      if (held) {
        return commit(s, { ...s, artefacts, status: 'standardized', closedAt: item.at, closure: { reason: 'standardized; the metric held through the effectiveness check', by: 'system' } }, 'effectiveness_held', SYSTEM_ACTOR, item.at, { effectiveness }, [
          notify('effectiveness.held', [s.ownerId, s.sponsorId], { mean, n: window.length }),
        ]);
      }
      // Back to Act: the owner iterates (or abandons) with what was learnt.
      return commit(s, { ...s, artefacts, status: 'active', phase: 'act' }, 'effectiveness_failed', SYSTEM_ACTOR, item.at, { effectiveness }, [
        notify('effectiveness.failed', [s.ownerId, s.sponsorId], { mean, n: window.length, reason }),
      ]);
    }
    case 'period': {
      const m = s.monitoring!;
      const c = s.settings.control;
      const hadData = m.pointsInPeriod > 0;
      const inControl = hadData && m.signalsInPeriod === 0;
      const inControlPeriods = inControl ? m.inControlPeriods + 1 : hadData ? 0 : m.inControlPeriods;
      const monitoring: Monitoring = { ...m, periodStartedAt: item.at, periodsCompleted: m.periodsCompleted + 1, inControlPeriods, pointsInPeriod: 0, signalsInPeriod: 0, linkArmed: m.linkArmed || inControl };
      const details = { period: m.periodsCompleted + 1, points: m.pointsInPeriod, signals: m.signalsInPeriod, inControl, inControlPeriods };
      if (inControlPeriods >= c.sustainPeriods) {
        return commit(s, { ...s, monitoring, status: 'sustained', closedAt: item.at, closure: { reason: `${inControlPeriods} consecutive in-control periods`, by: 'system' } }, 'sustained', SYSTEM_ACTOR, item.at, details, [
          notify('cycle.sustained', [s.ownerId, s.sponsorId, s.artefacts.controlPlan?.processOwnerId], details),
        ]);
      }
      const notifications = hadData ? [] : [notify('control.no_data', [s.ownerId, s.artefacts.controlPlan?.processOwnerId], details)];
      return commit(s, { ...s, monitoring }, 'control_period_closed', SYSTEM_ACTOR, item.at, details, notifications);
    }
  }
}
