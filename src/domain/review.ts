/**
 * Quality reviews: the periodic look a service area's reviewers take at its
 * figures, as a pure reducer over plain JSON data (the same shape as the
 * cycle state machine). A schedule creates one review per area and ended
 * period with a snapshot of the data; reviewers record decisions and actions
 * (an action may open an improvement cycle); then the review is signed like
 * a tollgate.
 *
 *   open ─sign(approve, process owner)→ submitted ─sign(approve, every other reviewer)→ signed
 *     ↑                                     │
 *     └──────── sign(reject, reasons) ──────┘
 *
 * Who: the area's process owner and its listed reviewers (sponsor,
 * supervisors). Any of them records decisions and actions while the review
 * is open. The process owner chairs it: their approval submits it, binding
 * the SHA-256 of the review's content (snapshot, decisions, actions), which
 * is frozen from then on; every other reviewer then approves that same hash,
 * or rejects with reasons, which reopens it (the round's approvals lapse,
 * the rejection is kept). The reviewers who sign are the area's as the
 * catalog lists them at submission (the service passes them in), so a review
 * created while the area listed nobody can still be signed once it does.
 * Four eyes, as for gates: the process owner can never sign a review off
 * alone; a submission without another reviewer is refused.
 */
import type { Actor, Role } from './actors';
import { SYSTEM_ACTOR } from './actors';
import { type CycleIntake, type CycleType, DEFAULT_CYCLE_SETTINGS, intakeProblems } from './cycle';
import type { SmartGoal } from './cycle-analysis';
import { DomainError, ErrorCode } from './errors';
import { hashOf } from './hashing';
import { type KpiId, type KpiPeriod, addDays, isoWeek, periodBounds } from './kpi';
import type { Comparator, QualityObjective, ReviewFrequency } from './service-area';

export const REVIEW_STATUSES = ['open', 'submitted', 'signed'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

// ---------------------------------------------------------------- periods

/** The KPI period a review's figures are cut by (a quarter is three months). */
export const SERIES_PERIOD: Readonly<Record<ReviewFrequency, KpiPeriod>> = { weekly: 'week', monthly: 'month', quarterly: 'month' };

const PERIOD_KEY: Readonly<Record<ReviewFrequency, RegExp>> = {
  weekly: /^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$/,
  monthly: /^\d{4}-(0[1-9]|1[0-2])$/,
  quarterly: /^\d{4}-Q[1-4]$/,
};

/** What a period key of each frequency looks like (for messages). */
export const PERIOD_KEY_FORMAT: Readonly<Record<ReviewFrequency, string>> = { weekly: 'YYYY-Www (ISO week)', monthly: 'YYYY-MM', quarterly: 'YYYY-Qn' };

export interface ReviewPeriod {
  /** `2026-W14`, `2026-03` or `2026-Q1`. */
  key: string;
  frequency: ReviewFrequency;
  /** First and last day, YYYY-MM-DD in the area's time zone. */
  from: string;
  to: string;
}

/** The key of the review period a day (YYYY-MM-DD) falls in. */
export function reviewPeriodOf(day: string, frequency: ReviewFrequency): string {
  if (frequency === 'weekly') return isoWeek(day);
  if (frequency === 'monthly') return day.slice(0, 7);
  return `${day.slice(0, 4)}-Q${Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1}`;
}

/** A period key of the frequency's format (an ISO week that exists, a month, a quarter); null when malformed. */
export function reviewPeriod(key: string, frequency: ReviewFrequency): ReviewPeriod | null {
  if (!PERIOD_KEY[frequency].test(key)) return null;
  if (frequency === 'quarterly') {
    const year = key.slice(0, 4);
    const q = Number(key.slice(6));
    const first = `${year}-${String((q - 1) * 3 + 1).padStart(2, '0')}`;
    const last = `${year}-${String(q * 3).padStart(2, '0')}`;
    return { key, frequency, from: periodBounds(first, 'month').first, to: periodBounds(last, 'month').last };
  }
  const { first, last } = periodBounds(key, SERIES_PERIOD[frequency]);
  // Week 53 exists only in some years: its Monday must fall in that ISO week.
  if (frequency === 'weekly' && isoWeek(first) !== key) return null;
  return { key, frequency, from: first, to: last };
}

/** The latest period that has ended by `today` (YYYY-MM-DD in the area's time zone): the one before today's. */
export function lastEndedPeriod(today: string, frequency: ReviewFrequency): ReviewPeriod {
  const current = reviewPeriod(reviewPeriodOf(today, frequency), frequency)!;
  return reviewPeriod(reviewPeriodOf(addDays(current.from, -1), frequency), frequency)!;
}

/** Whether the period is over on `today` (its last day is behind). */
export const periodEnded = (period: ReviewPeriod, today: string): boolean => period.to < today;

/** At most one review per area and period: the id says which. */
export const reviewIdOf = (areaId: string, periodKey: string): string => `${areaId}-${periodKey}`;

// ---------------------------------------------------------------- snapshot

/**
 * KPIs every review shows, besides those its objectives name: SLA attainment,
 * times, breaches, reopen rate, satisfaction and volume.
 */
export const STANDARD_REVIEW_KPIS: readonly KpiId[] = [
  'first_response_attainment',
  'resolution_attainment',
  'breach_rate',
  'resolution_median_minutes',
  'reopen_rate',
  'csat_average',
  'complaint_volume',
  'complaint_rate',
];

export interface KpiSnapshotRow {
  kpi: KpiId;
  label: string;
  unit: string;
  better: 'higher' | 'lower';
  /** The KPI over the whole period; null without data. */
  value: number | null;
  /** The denominator behind it (clocks decided, complaints, thousand units...), null where the KPI has none. */
  n: number | null;
  objective: { comparator: Comparator; target: number } | null;
  /** Against the objective: null without an objective or without data. */
  met: boolean | null;
}

export interface SignalRef {
  triggerId: string;
  triggerVersion: number;
  subject: string;
  period: string;
  outcome: 'opened' | 'evidence_added';
  cycleId: string;
  summary: string;
  at: number;
}

export interface CycleRef {
  cycleId: string;
  title: string;
  type: string;
  phase: string;
  status: string;
  ownerId: string;
  closedAt: number | null;
}

export interface CauseRow {
  cause: string;
  /** The cause's label in the area's catalog (the code when it is no longer there). */
  label: string;
  count: number;
  share: number;
  cumulativeShare: number;
}

/** What the data said when the review was created; never changes afterwards. */
export interface ReviewSnapshot {
  area: { areaId: string; version: number; name: string; processOwnerId: string; timeZone: string };
  period: ReviewPeriod;
  takenAt: number;
  /** Signals and closed cycles are those after this instant: the previous review's creation, or the period's start for the first review. */
  signalsSince: number;
  previousReviewId: string | null;
  kpis: KpiSnapshotRow[];
  signals: SignalRef[];
  cycles: { open: CycleRef[]; closedSinceLastReview: CycleRef[] };
  /** The Pareto of resolution causes of the period, top rows. */
  topCauses: CauseRow[];
}

/** At most this many signals and cycles of each kind are kept in a snapshot (the newest). */
export const SNAPSHOT_LIST_LIMIT = 50;
export const TOP_CAUSES = 5;

/** Whether a value meets an objective; null when there is no value. */
export function objectiveMet(objective: Pick<QualityObjective, 'comparator' | 'target'>, value: number | null): boolean | null {
  if (value === null) return null;
  return objective.comparator === '>=' ? value >= objective.target : value <= objective.target;
}

/**
 * The KPIs a review shows: one row per objective (a KPI with a floor and a
 * ceiling gets two), then the standard KPIs no objective named, each
 * measured over the period (`measured` has every KPI asked for).
 */
export function kpiRows(
  objectives: readonly QualityObjective[],
  measured: ReadonlyMap<KpiId, { label: string; unit: string; better: 'higher' | 'lower'; value: number | null; n: number | null }>,
): KpiSnapshotRow[] {
  const row = (kpi: KpiId, objective: QualityObjective | null): KpiSnapshotRow => {
    const m = measured.get(kpi);
    if (!m) throw new Error(`KPI ${kpi} was not measured`);
    return {
      kpi,
      label: m.label,
      unit: m.unit,
      better: m.better,
      value: m.value,
      n: m.n,
      objective: objective && { comparator: objective.comparator, target: objective.target },
      met: objective ? objectiveMet(objective, m.value) : null,
    };
  };
  const named = new Set(objectives.map((o) => o.kpi));
  return [...objectives.map((o) => row(o.kpi as KpiId, o)), ...STANDARD_REVIEW_KPIS.filter((k) => !named.has(k)).map((k) => row(k, null))];
}

/** Every KPI a review of these objectives measures. */
export function reviewKpis(objectives: readonly QualityObjective[]): KpiId[] {
  return [...new Set([...objectives.map((o) => o.kpi as KpiId), ...STANDARD_REVIEW_KPIS])];
}

/** The newest `limit` items by time, newest first. */
export function newest<T extends { at: number }>(items: readonly T[], limit = SNAPSHOT_LIST_LIMIT): T[] {
  return [...items].sort((a, b) => b.at - a.at).slice(0, limit);
}

// ------------------------------------------------------------------- state

/** What creating a review takes (built by the schedule's activity, or by the API for a review made by hand). */
export interface ReviewIntake {
  reviewId: string;
  areaId: string;
  periodKey: string;
  processOwnerId: string;
  /** The area's reviewers besides the process owner (refreshed at each submission: those must approve). */
  reviewerIds: string[];
  snapshot: ReviewSnapshot;
  createdBy: Actor;
}

export interface Decision {
  id: string;
  text: string;
  by: string;
  at: number;
}

/** A cycle an action opens: owned by the area's process owner, sponsor and goal from the reviewer. */
export interface ActionCycle {
  cycleId: string;
  type: CycleType;
  title: string;
  problemStatement: string;
  sponsorId: string;
  goal: SmartGoal;
  /** The workflow started it (the cycle exists). */
  started: boolean;
}

export interface ReviewAction {
  id: string;
  title: string;
  assigneeId: string;
  dueAt: number;
  by: string;
  byRole: Actor['role'];
  at: number;
  cycle: ActionCycle | null;
}

/** An electronic signature on a review, like a gate's (src/domain/cycle.ts `Signature`). */
export interface ReviewSignature {
  id: string;
  decision: 'approved' | 'rejected';
  signerId: string;
  signerRole: Actor['role'];
  /** What the signer attests, e.g. "approved quality review Billing support 2026-03". */
  meaning: string;
  at: number;
  comment: string;
  reasons: string[];
  /** SHA-256 (RFC 8785 canonical JSON) of the review's content as submitted. */
  contentHash: string;
}

export interface ReviewState {
  reviewId: string;
  areaId: string;
  periodKey: string;
  processOwnerId: string;
  reviewerIds: string[];
  snapshot: ReviewSnapshot;
  createdBy: Actor;
  version: number;
  status: ReviewStatus;
  createdAt: number;
  updatedAt: number;
  decisions: Decision[];
  actions: ReviewAction[];
  nextSeq: number;
  /** The content hash every approval of the current round binds; null while open. */
  submission: { by: string; at: number; contentHash: string } | null;
  /** Who approved the current submission (the process owner first). */
  approvedBy: string[];
  rejection: { by: string; at: number; reasons: string[] } | null;
  signatures: ReviewSignature[];
  signedAt: number | null;
}

export type NewActionCycle = Omit<ActionCycle, 'cycleId' | 'started'>;

export type ReviewCommand =
  | { type: 'record_decision'; text: string }
  | { type: 'add_action'; title: string; assigneeId: string; dueAt: number; openCycle?: NewActionCycle }
  /**
   * `reviewerIds`: the area's reviewers now (besides the process owner), supplied by the service, not
   * the signer; taken on the process owner's submission and ignored otherwise.
   */
  | { type: 'sign'; decision: 'approve' | 'reject'; comment: string; reasons?: string[]; reviewerIds?: string[] };

export type ReviewCommandType = ReviewCommand['type'];

/** Engine-side event: the workflow started the cycle an action asked for. */
export type ReviewSystemEvent = { type: 'action_cycle_started'; actionId: string };

export type ReviewNotificationType = 'review.opened' | 'review.action_assigned' | 'review.submitted' | 'review.rejected' | 'review.signed';

export interface ReviewNotification {
  type: ReviewNotificationType;
  recipients: { userIds: string[]; roles: Role[] };
  data: Record<string, unknown>;
}

export interface ReviewSummary {
  status: ReviewStatus;
  decisions: number;
  actions: number;
  approvedBy: string[];
}

export interface ReviewTransition {
  version: number;
  action: string;
  actor: Actor;
  at: number;
  before: ReviewSummary | null;
  after: ReviewSummary;
  details: Record<string, unknown>;
  notifications: ReviewNotification[];
}

export interface ReviewApplied {
  state: ReviewState;
  transitions: ReviewTransition[];
}

// ---------------------------------------------------------------- helpers

function fail(code: ErrorCode, message: string, details?: Record<string, unknown>): never {
  throw new DomainError(code, message, details);
}

const summary = (s: ReviewState): ReviewSummary => ({ status: s.status, decisions: s.decisions.length, actions: s.actions.length, approvedBy: s.approvedBy });

const notify = (type: ReviewNotificationType, userIds: string[], data: Record<string, unknown>): ReviewNotification => ({
  type,
  recipients: { userIds: [...new Set(userIds)], roles: [] },
  data,
});

function commit(prev: ReviewState, next: ReviewState, action: string, actor: Actor, at: number, details: Record<string, unknown> = {}, notifications: ReviewNotification[] = []): ReviewApplied {
  const state = { ...next, version: prev.version + 1, updatedAt: at };
  return { state, transitions: [{ version: state.version, action, actor, at, before: summary(prev), after: summary(state), details, notifications }] };
}

/** Everyone who takes part: the process owner and the reviewers. */
export const participantsOf = (s: Pick<ReviewState, 'processOwnerId' | 'reviewerIds'>): string[] => [s.processOwnerId, ...s.reviewerIds];

/** Reviewers who still have to approve the current submission (all of them while open). */
export function pendingSigners(s: ReviewState): string[] {
  if (s.status === 'signed') return [];
  return participantsOf(s).filter((u) => !s.approvedBy.includes(u));
}

/** What a signature attests. */
export function reviewSignatureMeaning(s: Pick<ReviewState, 'snapshot' | 'periodKey'>, decision: 'approve' | 'reject', asProcessOwner: boolean): string {
  const verb = decision === 'approve' ? (asProcessOwner ? 'submitted and approved' : 'approved') : asProcessOwner ? 'withdrew' : 'rejected';
  return `${verb} quality review ${s.snapshot.area.name} ${s.periodKey}${asProcessOwner ? ' as process owner' : ''}`;
}

/** The content signatures bind: what the data said and what the reviewers decided. */
export function reviewContent(s: ReviewState) {
  return {
    reviewId: s.reviewId,
    snapshot: s.snapshot,
    decisions: s.decisions.map(({ id, text, by }) => ({ id, text, by })),
    actions: s.actions.map(({ id, title, assigneeId, dueAt, by, cycle }) => ({
      id,
      title,
      assigneeId,
      dueAt,
      by,
      // Whether the cycle has started yet is the engine's business, not the reviewers'.
      cycle: cycle && { cycleId: cycle.cycleId, type: cycle.type, title: cycle.title, problemStatement: cycle.problemStatement, sponsorId: cycle.sponsorId, goal: cycle.goal },
    })),
  };
}

export const reviewContentHash = (s: ReviewState): string => hashOf(reviewContent(s));

/** The id of the cycle an action opens: derived from the review and the action, so a restarted workflow starts the same one. */
export function actionCycleId(reviewId: string, actionId: string): string {
  return `rc_${hashOf({ reviewId, actionId }).slice(0, 24)}`;
}

// ------------------------------------------------------------------ intake

/** The reviewers who sign besides the process owner: the area's list without the owner, each once. */
export function signersBesidesOwner(processOwnerId: string, reviewerIds: readonly string[]): string[] {
  return [...new Set(reviewerIds)].filter((u) => u !== processOwnerId);
}

export function openReview(intake: ReviewIntake, now: number): ReviewApplied {
  const state: ReviewState = {
    ...intake,
    reviewerIds: signersBesidesOwner(intake.processOwnerId, intake.reviewerIds),
    version: 1,
    status: 'open',
    createdAt: now,
    updatedAt: now,
    decisions: [],
    actions: [],
    nextSeq: 1,
    submission: null,
    approvedBy: [],
    rejection: null,
    signatures: [],
    signedAt: null,
  };
  const missed = intake.snapshot.kpis.filter((k) => k.met === false).map((k) => k.kpi);
  const details = { areaId: intake.areaId, period: intake.snapshot.period, processOwnerId: intake.processOwnerId, reviewerIds: intake.reviewerIds, objectivesMissed: missed };
  return {
    state,
    transitions: [
      {
        version: 1,
        action: 'create',
        actor: intake.createdBy,
        at: now,
        before: null,
        after: summary(state),
        details,
        notifications: [notify('review.opened', participantsOf(intake), { reviewId: intake.reviewId, areaId: intake.areaId, period: intake.periodKey, objectivesMissed: missed })],
      },
    ],
  };
}

// ---------------------------------------------------------------- commands

function requireParticipant(s: ReviewState, actor: Actor, what: string): void {
  if (!participantsOf(s).includes(actor.id)) fail(ErrorCode.NOT_PERMITTED, `only the review's process owner and reviewers (${participantsOf(s).join(', ')}) may ${what}`);
}

function requireOpen(s: ReviewState, what: string): void {
  if (s.status === 'submitted') fail(ErrorCode.INVALID_TRANSITION, `cannot ${what}: the review is submitted and awaiting signatures; its content is frozen until it is signed or rejected`);
  if (s.status === 'signed') fail(ErrorCode.INVALID_TRANSITION, `cannot ${what}: the review is signed`);
}

/** Why a cycle an action would open cannot run (empty when fine); paths relative to `openCycle`. */
export function actionCycleProblems(s: Pick<ReviewState, 'processOwnerId'>, cycle: NewActionCycle, now: number): { path: string; message: string }[] {
  const settings = { ...DEFAULT_CYCLE_SETTINGS, approvers: [cycle.sponsorId] };
  const out = intakeProblems({ ownerId: s.processOwnerId, sponsorId: cycle.sponsorId, settings, goal: cycle.goal })
    // The approver is the sponsor: one message about the sponsor says it all.
    .filter((p) => !p.path.startsWith('settings.'));
  if (cycle.goal.deadline <= now) out.push({ path: 'goal.deadline', message: 'the deadline must be in the future' });
  return out;
}

/**
 * Applies a reviewer's command at `now`. Throws DomainError, changing
 * nothing, when the command is not allowed.
 */
export function applyReviewCommand(s: ReviewState, cmd: ReviewCommand, actor: Actor, now: number): ReviewApplied {
  switch (cmd.type) {
    case 'record_decision': {
      requireParticipant(s, actor, 'record decisions');
      requireOpen(s, 'record a decision');
      const decision: Decision = { id: `d${s.nextSeq}`, text: cmd.text, by: actor.id, at: now };
      return commit(s, { ...s, nextSeq: s.nextSeq + 1, decisions: [...s.decisions, decision] }, 'decision_recorded', actor, now, { decision });
    }

    case 'add_action': {
      requireParticipant(s, actor, 'add actions');
      requireOpen(s, 'add an action');
      if (cmd.dueAt <= now) fail(ErrorCode.INVALID_ACTION, 'dueAt must be in the future');
      const id = `a${s.nextSeq}`;
      let cycle: ActionCycle | null = null;
      if (cmd.openCycle) {
        const problems = actionCycleProblems(s, cmd.openCycle, now);
        if (problems.length > 0) fail(ErrorCode.INVALID_ACTION, `the cycle cannot be opened: ${problems.map((p) => `openCycle.${p.path}: ${p.message}`).join('; ')}`);
        cycle = { ...cmd.openCycle, cycleId: actionCycleId(s.reviewId, id), started: false };
      }
      const action: ReviewAction = { id, title: cmd.title, assigneeId: cmd.assigneeId, dueAt: cmd.dueAt, by: actor.id, byRole: actor.role, at: now, cycle };
      return commit(s, { ...s, nextSeq: s.nextSeq + 1, actions: [...s.actions, action] }, 'action_added', actor, now, { action }, [
        notify('review.action_assigned', [cmd.assigneeId], { reviewId: s.reviewId, actionId: id, title: cmd.title, dueAt: new Date(cmd.dueAt).toISOString(), cycleId: cycle?.cycleId ?? null }),
      ]);
    }

    case 'sign':
      return sign(s, cmd, actor, now);
  }
}

function sign(s: ReviewState, cmd: Extract<ReviewCommand, { type: 'sign' }>, actor: Actor, now: number): ReviewApplied {
  requireParticipant(s, actor, 'sign this review');
  const chair = actor.id === s.processOwnerId;
  if (s.status === 'signed') fail(ErrorCode.INVALID_TRANSITION, 'the review is already signed');
  if (s.status === 'open' && !chair) fail(ErrorCode.INVALID_TRANSITION, `the review has not been submitted: its process owner (${s.processOwnerId}) signs first`);
  if (s.status === 'open' && cmd.decision === 'reject') fail(ErrorCode.INVALID_TRANSITION, 'the review has not been submitted: there is nothing to reject');
  if (s.approvedBy.includes(actor.id)) fail(ErrorCode.ALREADY_SIGNED, `${actor.id} already approved this submission`);
  const reasons = cmd.reasons ?? [];
  if (cmd.decision === 'reject' && reasons.length === 0) fail(ErrorCode.INVALID_ACTION, 'a rejection needs at least one reason');
  // Who signs is settled at submission: the area's reviewers as the catalog lists them now.
  const others = s.status === 'open' && cmd.reviewerIds ? signersBesidesOwner(s.processOwnerId, cmd.reviewerIds) : s.reviewerIds;
  if (s.status === 'open') {
    if (s.decisions.length === 0) fail(ErrorCode.GATE_INCOMPLETE, 'the review cannot be submitted without a decision (record "no action needed" if that is the decision)', { missing: ['at least one decision'] });
    if (others.length === 0) fail(ErrorCode.SELF_APPROVAL_FORBIDDEN, `the process owner cannot sign a review off alone: the area ${s.areaId} lists no other reviewer (review.reviewerIds)`);
  }

  const contentHash = s.submission?.contentHash ?? reviewContentHash(s);
  const signature: ReviewSignature = {
    id: `sig${s.signatures.length + 1}`,
    decision: cmd.decision === 'approve' ? 'approved' : 'rejected',
    signerId: actor.id,
    signerRole: actor.role,
    meaning: reviewSignatureMeaning(s, cmd.decision, chair),
    at: now,
    comment: cmd.comment,
    reasons,
    contentHash,
  };
  const signed = { ...s, signatures: [...s.signatures, signature] };

  if (cmd.decision === 'reject') {
    // Back to open: the content may change again, so the approvals of this round lapse.
    const next: ReviewState = { ...signed, status: 'open', submission: null, approvedBy: [], rejection: { by: actor.id, at: now, reasons } };
    return commit(s, next, 'rejected', actor, now, { signature }, [notify('review.rejected', participantsOf(s).filter((u) => u !== actor.id), { reviewId: s.reviewId, reasons, by: actor.id })]);
  }

  if (s.status === 'open') {
    const next: ReviewState = { ...signed, reviewerIds: others, status: 'submitted', submission: { by: actor.id, at: now, contentHash }, approvedBy: [actor.id], rejection: null };
    return commit(s, next, 'submitted', actor, now, { signature, reviewerIds: others }, [notify('review.submitted', others, { reviewId: s.reviewId, contentHash })]);
  }

  const approvedBy = [...s.approvedBy, actor.id];
  const approved = commit(s, { ...signed, approvedBy }, 'signature_recorded', actor, now, { signature });
  if (!participantsOf(s).every((u) => approvedBy.includes(u))) return approved;
  const closed = commit(approved.state, { ...approved.state, status: 'signed', signedAt: now }, 'signed', actor, now, { approvedBy, contentHash }, [
    notify('review.signed', participantsOf(s), { reviewId: s.reviewId, approvedBy, contentHash }),
  ]);
  return { state: closed.state, transitions: [...approved.transitions, ...closed.transitions] };
}

/** Applies an engine-side event (the workflow started an action's cycle). */
export function applyReviewEvent(s: ReviewState, event: ReviewSystemEvent, now: number): ReviewApplied {
  const action = s.actions.find((a) => a.id === event.actionId);
  if (!action?.cycle || action.cycle.started) return { state: s, transitions: [] };
  const actions = s.actions.map((a) => (a.id === action.id ? { ...a, cycle: { ...action.cycle!, started: true } } : a));
  return commit(s, { ...s, actions }, 'action_cycle_opened', SYSTEM_ACTOR, now, { actionId: action.id, cycleId: action.cycle.cycleId });
}

/** The next action whose cycle is still to be started, if any. */
export function nextCycleToStart(s: ReviewState): ReviewAction | null {
  return s.actions.find((a) => a.cycle && !a.cycle.started) ?? null;
}

/**
 * The improvement cycle an action opens: owned by the area's process owner,
 * sponsored (and its gates signed) by the sponsor the reviewer named, in the
 * area, created by the reviewer who added the action, with the review as
 * evidence (its top causes as they were).
 */
export function actionCycleIntake(s: ReviewState, action: ReviewAction): CycleIntake {
  const c = action.cycle!;
  return {
    cycleId: c.cycleId,
    type: c.type,
    title: c.title,
    problemStatement: c.problemStatement,
    area: s.areaId,
    ownerId: s.processOwnerId,
    sponsorId: c.sponsorId,
    team: [],
    goal: c.goal,
    evidence: {
      complaintIds: [],
      complaintCategory: null,
      spcSignal: null,
      items: [
        {
          key: `review:${s.reviewId}:${action.id}`,
          at: action.at,
          source: null,
          kind: 'pareto',
          summary: `Opened by action ${action.id} ("${action.title}") of quality review ${s.reviewId} (${s.snapshot.area.name}, ${s.periodKey}); the period's top causes.`,
          data: { reviewId: s.reviewId, actionId: action.id, period: s.snapshot.period, topCauses: s.snapshot.topCauses },
          complaintIds: [],
        },
      ],
    },
    settings: { ...DEFAULT_CYCLE_SETTINGS, approvers: [c.sponsorId] },
    createdBy: { id: action.by, role: action.byRole },
    receivedAt: action.at,
  };
}
