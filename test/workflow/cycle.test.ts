/**
 * The improvement-cycle workflow (PDCA and DMAIC) on Temporal's time-skipping
 * test server with a real Worker, a real database (FerretDB) and a real
 * webhook receiver: phase gates with signatures, action-item chasing and the
 * cycle deadline at their exact instants, the effectiveness window, iteration
 * by continue-as-new, DMAIC Control monitoring with a linked PDCA cycle, and a
 * long cycle whose history stays bounded. Weeks of business time in seconds.
 */
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import type { Config } from '../../src/config';
import { CYCLE_WORKFLOW, type CycleActionRequest, type CycleUpdateResult, type CycleWorkflowInput, cycleUpdates, cycleWorkflowId, getCycleQuery } from '../../src/contracts/cycle';
import { type Models, storedState } from '../../src/db/models';
import type { Actor } from '../../src/domain/actors';
import {
  type CycleCommand,
  type CycleCommandType,
  type CycleIntake,
  type CycleSettings,
  type CycleState,
  type CycleType,
  DEFAULT_CYCLE_SETTINGS,
  type Phase,
} from '../../src/domain/cycle';
import type { SmartGoal } from '../../src/domain/cycle-analysis';
import { eventually, openTestDb, startTimeSkippingEnv, startWebhookReceiver, startWorker, testConfig, uniqueId } from '../helpers/stack';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const olivia: Actor = { id: 'olivia', role: 'process_owner' };
const simon: Actor = { id: 'simon', role: 'sponsor' };
const alice: Actor = { id: 'alice', role: 'agent' };

/** Before the change (Plan) and after it (Do): lower is better, baseline 10 h, target 6 h. */
const BEFORE = [10.2, 9.8, 10.5, 9.9, 10.1];
const AFTER_GOAL_MET = [5.6, 5.9, 5.4, 5.8, 5.7];
const AFTER_GOAL_MISSED = [8.9, 9.2, 8.7, 9.0, 9.1];

let env: TestWorkflowEnvironment;
let models: Models & { drop(): Promise<void> };
let config: Config;
let worker: Worker;
let running: Promise<void>;
let hooks: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeAll(async () => {
  hooks = await startWebhookReceiver();
  config = testConfig({ webhookUrls: [hooks.url] });
  [env, models] = await Promise.all([startTimeSkippingEnv(), openTestDb(config)]);
  worker = await startWorker({ config, models, connection: env.nativeConnection });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await env?.teardown();
  await models?.drop();
  await hooks?.close();
});

type Handle = WorkflowHandle;
type History = temporal.api.history.v1.IHistory;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

interface StartOptions {
  type?: CycleType;
  goal?: Partial<SmartGoal>;
  settings?: Partial<CycleSettings>;
  team?: string[];
  maxHistoryEvents?: number;
}

async function start(opts: StartOptions = {}) {
  const cycleId = uniqueId('cy');
  const now = await env.currentTimeMs();
  const intake: CycleIntake = {
    cycleId,
    type: opts.type ?? 'pdca',
    title: 'Cut the first-response time on the billing queue',
    problemStatement: 'Billing tickets wait 10 hours for a first answer; customers complain.',
    area: 'support/billing',
    ownerId: 'olivia',
    sponsorId: 'simon',
    team: opts.team ?? ['alice'],
    goal: { metric: 'first-response time', unit: 'h', direction: 'lower_is_better', metricType: 'continuous', baseline: 10, target: 6, deadline: now + 90 * DAY, ...opts.goal },
    evidence: { complaintIds: [], complaintCategory: 'billing', spcSignal: null },
    settings: { ...DEFAULT_CYCLE_SETTINGS, approvers: ['simon'], ...opts.settings },
    createdBy: olivia,
  };
  const input: CycleWorkflowInput = opts.maxHistoryEvents === undefined ? { intake } : { intake, maxHistoryEvents: opts.maxHistoryEvents };
  const handle = await env.client.workflow.start(CYCLE_WORKFLOW, { taskQueue: config.temporal.taskQueue, workflowId: cycleWorkflowId(cycleId), args: [input] });
  const first = await eventually(async () => {
    const s = await handle.query(getCycleQuery);
    return s.version >= 1 ? s : null;
  }, 20_000, 'cycle created');
  // The query answers from memory at once; the creation is persisted by an activity right after.
  await eventually(async () => (await audit(cycleId)).length >= 1, 20_000, 'creation persisted');
  return { handle, cycleId, intake, createdAt: first.createdAt, firstRunId: handle.firstExecutionRunId };
}

function send<T extends CycleCommandType>(handle: Handle, actor: Actor, command: Extract<CycleCommand, { type: T }>): Promise<CycleUpdateResult> {
  const update = cycleUpdates[command.type] as unknown as UpdateDefinition<CycleUpdateResult, [CycleActionRequest]>;
  return handle.executeUpdate(update, { args: [{ actor, command }] });
}

const state = (handle: Handle): Promise<CycleState> => handle.query(getCycleQuery);

/** Waits for a rejected update and returns its ApplicationFailure (typed with the error code). */
async function rejected(p: Promise<unknown>, code: string): Promise<ApplicationFailure> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect((cause as ApplicationFailure).type).toBe(code);
  return cause as ApplicationFailure;
}

async function audit(cycleId: string) {
  const events = await models.AuditEvent.find({ stream: `cycle:${cycleId}` }).sort({ seq: 1 }).lean();
  return events.map((e) => ({ seq: e.seq, action: e.action, actor: e.actor?.id, at: e.at.getTime(), details: e.details as Record<string, unknown> }));
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Audit events of the cycle's stream are exactly seq 1..version, no gap, no duplicate. */
async function expectContiguousAudit(cycleId: string, version: number) {
  const events = await eventually(async () => {
    const ev = await audit(cycleId);
    return ev.length >= version ? ev : null;
  }, 20_000, `audit events up to version ${version}`);
  expect(events.map((e) => e.seq)).toEqual(range(1, version));
  return events;
}

const cycleHook = (cycleId: string, type: string, pred: (data: Record<string, unknown>) => boolean = () => true) =>
  hooks.waitFor((d) => d.cycleId === cycleId && d.type === type && pred(d.data));

const hooksOf = (cycleId: string, type: string) => hooks.deliveries.filter((d) => d.cycleId === cycleId && d.type === type);

/** Advances the test server's clock to `at` plus a minute (the timers due by then fire on the way). */
async function jumpPast(at: number): Promise<void> {
  const now = await env.currentTimeMs();
  expect(at + MIN).toBeGreaterThan(now);
  await env.sleep(at + MIN - now);
}

/** Plan artefacts: a 5-whys chain, a fishbone cause, a countermeasure and one action item for alice. */
async function planArtefacts(handle: Handle, dueAt: number): Promise<void> {
  await send(handle, alice, { type: 'add_five_whys', problem: 'Billing tickets wait 10 h', whys: ['They sit in the general queue', 'Nobody routes them', 'There are no routing rules'], rootCause: 'no routing rules for billing' });
  await send(handle, olivia, { type: 'add_fishbone_cause', category: 'method', cause: 'manual triage once a day' });
  await send(handle, alice, { type: 'add_countermeasure', description: 'Route billing tickets automatically by category', rootCause: 'no routing rules for billing' });
  await send(handle, olivia, { type: 'add_action', title: 'Configure the routing rules', assigneeId: 'alice', dueAt });
}

const values = (vs: number[]) => vs.map((value) => ({ value }));

/** Drives a fresh PDCA cycle to Act: plan, approval, the change done and measured, check reviewed. */
async function driveToAct(handle: Handle, after: number[]): Promise<CycleState> {
  await planArtefacts(handle, (await env.currentTimeMs()) + 10 * DAY);
  await send(handle, alice, { type: 'record_measurements', measurements: values(BEFORE) });
  await send(handle, olivia, { type: 'submit_gate' });
  await send(handle, simon, { type: 'sign_gate', decision: 'approve', comment: 'go ahead' });
  const actionId = (await state(handle)).actions[0]!.id;
  await send(handle, alice, { type: 'complete_action', actionId, note: 'rules live' });
  await send(handle, alice, { type: 'record_measurements', measurements: values(after) });
  await send(handle, olivia, { type: 'submit_gate' });
  const reviewed = await send(handle, olivia, { type: 'review_check', comment: 'reviewed with the team' });
  expect(reviewed).toMatchObject({ phase: 'act', status: 'active' });
  return state(handle);
}

/** Waits (real time, the clock held) until the cycle reaches a closed or given status, so a wrong outcome fails fast instead of hanging in result(). */
async function settledStatus(handle: Handle, done: (s: CycleState) => boolean, what: string): Promise<CycleState> {
  return eventually(async () => {
    const st = await state(handle);
    return done(st) ? st : null;
  }, 20_000, what);
}

/** Every run of a workflow id, following the continue-as-new chain from the first run. */
async function runsOf(workflowId: string, firstRunId: string): Promise<{ runId: string; events: number }[]> {
  const runs: { runId: string; events: number }[] = [];
  let runId: string | undefined = firstRunId;
  while (runId) {
    const history: History = await env.client.workflow.getHandle(workflowId, runId).fetchHistory();
    const events: HistoryEvent[] = history.events ?? [];
    runs.push({ runId, events: events.length });
    runId = events[events.length - 1]?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return runs;
}

describe('PDCA phases end to end', () => {
  it('given a PDCA cycle, when the plan is approved, the change done, the check reviewed and the standard held through the effectiveness window, then every phase transition is recorded, the cycle is standardized and the workflow completes', async () => {
    const { handle, cycleId } = await start();

    // Plan
    const dueAt = (await env.currentTimeMs()) + 10 * DAY;
    await planArtefacts(handle, dueAt);
    await send(handle, alice, { type: 'record_measurements', measurements: values(BEFORE) });
    const submitted = await send(handle, olivia, { type: 'submit_gate', comment: 'plan ready' });
    expect(submitted).toMatchObject({ cycleId, phase: 'plan', status: 'active', iteration: 1 });
    let s = await state(handle);
    expect(s.gate).toMatchObject({ phase: 'plan', status: 'pending', submittedBy: 'olivia', approvedBy: [] });
    const planHash = s.gate.artefactHash!;
    expect(planHash).toMatch(/^[0-9a-f]{64}$/);

    // Signed by the sponsor -> Do
    const signed = await send(handle, simon, { type: 'sign_gate', decision: 'approve', comment: 'go ahead' });
    expect(signed).toMatchObject({ phase: 'do', status: 'active' });
    s = await state(handle);
    expect(s.signatures).toEqual([
      expect.objectContaining({ phase: 'plan', iteration: 1, decision: 'approved', signerId: 'simon', signerRole: 'sponsor', meaning: 'approved plan', artefactHash: planHash, comment: 'go ahead' }),
    ]);
    expect(s.gate).toMatchObject({ phase: 'do', status: 'open' });

    // Do: the action is done and the change measured
    const actionId = s.actions[0]!.id;
    const completed = await send(handle, alice, { type: 'complete_action', actionId, note: 'rules live' });
    expect(completed.phase).toBe('do');
    await send(handle, alice, { type: 'record_measurements', measurements: values(AFTER_GOAL_MET) });

    // Do gate (artefacts only) -> Check, with the report computed
    const checked = await send(handle, olivia, { type: 'submit_gate' });
    expect(checked).toMatchObject({ phase: 'check', status: 'active' });
    s = await state(handle);
    const report = s.artefacts.checkReport!;
    expect(report).toMatchObject({
      baseline: { n: BEFORE.length, source: 'measurements' },
      after: { n: AFTER_GOAL_MET.length },
      target: 6,
      direction: 'lower_is_better',
      goalMet: true,
      test: { name: 'welch_t', significant: true },
    });
    expect(report.baseline.mean).toBeCloseTo(10.1, 10);
    expect(report.after.mean).toBeCloseTo(5.68, 10);
    expect(report.improvementPct).toBeCloseTo(((10.1 - 5.68) / 10.1) * 100, 8);
    const readModel = await models.Cycle.findById(cycleId).lean();
    expect(readModel).toMatchObject({ version: s.version, type: 'pdca', phase: 'check', status: 'active', iteration: 1, gateStatus: 'open', measurementCount: 10, ownerId: 'olivia', sponsorId: 'simon' });
    expect(storedState<CycleState>(readModel!).artefacts.checkReport).toEqual(report);
    expect(storedState<CycleState>(readModel!).measurements).toEqual([]); // they live in cycle_measurements
    const ready = await cycleHook(cycleId, 'check.ready');
    expect(ready.recipients.userIds).toEqual(['olivia']);
    expect(ready.data).toMatchObject({ goalMet: true });

    // Check reviewed -> Act
    const acting = await send(handle, olivia, { type: 'review_check', comment: 'goal met, significant' });
    expect(acting).toMatchObject({ phase: 'act', status: 'active' });

    // Act: standardize -> effectiveness window
    const standardized = await send(handle, olivia, { type: 'standardize', standard: 'Billing routing rules are part of the queue set-up', trainees: ['alice'] });
    expect(standardized).toMatchObject({ phase: 'act', status: 'effectiveness_check' });
    s = await state(handle);
    const windowEndsAt = s.artefacts.effectiveness!.windowEndsAt;
    expect(windowEndsAt).toBe(s.artefacts.standard!.at + 30 * DAY);

    // Measurements meeting the target during the window
    await env.sleep(10 * DAY);
    await send(handle, alice, { type: 'record_measurements', measurements: values([5.5, 5.8, 5.2]) });
    expect((await state(handle)).status).toBe('effectiveness_check');
    await jumpPast(windowEndsAt);

    const evaluated = await settledStatus(handle, (st) => st.artefacts.effectiveness?.result !== 'pending', 'effectiveness evaluated');
    expect(evaluated.artefacts.effectiveness).toMatchObject({ result: 'held' });
    const final: CycleState = await handle.result();
    expect(final).toMatchObject({ status: 'standardized', phase: 'act', closedAt: windowEndsAt });
    expect(final.artefacts.effectiveness).toMatchObject({ result: 'held', evaluatedAt: windowEndsAt, n: 3, reason: null });
    expect(final.artefacts.effectiveness!.mean).toBeCloseTo(5.5, 10);
    expect(final.measurements.map((m) => m.stage)).toEqual([...BEFORE.map(() => 'plan'), ...AFTER_GOAL_MET.map(() => 'do'), 'effectiveness_check', 'effectiveness_check', 'effectiveness_check']);
    expect((await env.client.workflow.getHandle(cycleWorkflowId(cycleId)).describe()).status.name).toBe('COMPLETED');

    // What is stored
    const doc = await eventually(async () => {
      const d = await models.Cycle.findById(cycleId).lean();
      return d?.version === final.version ? d : null;
    }, 20_000, 'read model at the final version');
    expect(doc).toMatchObject({ status: 'standardized', phase: 'act', measurementCount: 13, closedAt: new Date(windowEndsAt) });
    expect(await models.CycleMeasurement.countDocuments({ cycleId })).toBe(13);
    const events = await expectContiguousAudit(cycleId, final.version);
    expect(events.map((e) => e.action)).toEqual([
      'create',
      'five_whys_added',
      'fishbone_cause_added',
      'countermeasure_added',
      'action_added',
      'measurements_recorded',
      'gate_submitted',
      'gate_signed',
      'phase_entered',
      'action_completed',
      'measurements_recorded',
      'phase_entered',
      'check_reviewed',
      'phase_entered',
      'standardized',
      'measurements_recorded',
      'effectiveness_held',
    ]);
    expect(events.filter((e) => e.action === 'phase_entered').map((e) => [e.details.from, e.details.to])).toEqual([
      ['plan', 'do'],
      ['do', 'check'],
      ['check', 'act'],
    ]);
    const submission = events.find((e) => e.action === 'gate_submitted')!;
    expect(submission.details.artefactHash).toBe(planHash);
    const signature = events.find((e) => e.action === 'gate_signed')!;
    expect(signature.actor).toBe('simon');
    expect(signature.details.signature).toMatchObject({ signerId: 'simon', decision: 'approved', meaning: 'approved plan', artefactHash: planHash });
    expect(events[events.length - 1]!.at).toBe(windowEndsAt);
    const held = await cycleHook(cycleId, 'effectiveness.held');
    expect(held.recipients.userIds.sort()).toEqual(['olivia', 'simon']);
  });
});

describe('gates', () => {
  it('given a plan with missing artefacts, when the owner submits the gate, then it is refused with GATE_INCOMPLETE naming what is missing; and when the owner signs, SELF_APPROVAL_FORBIDDEN; refused updates write nothing and never reach history', async () => {
    const { handle, cycleId } = await start();
    const accepted: string[] = [];
    const ok = async <T extends CycleCommandType>(actor: Actor, command: Extract<CycleCommand, { type: T }>) => {
      const r = await send(handle, actor, command);
      accepted.push(command.type);
      return r;
    };
    const auditCount = async () => (await audit(cycleId)).length;
    expect(await auditCount()).toBe(1);

    const empty = await rejected(send(handle, olivia, { type: 'submit_gate' }), 'GATE_INCOMPLETE');
    expect(empty.details).toEqual([{ missing: ['root-cause analysis (a 5-whys chain or a fishbone cause)', 'at least one countermeasure', 'at least one action item'] }]);
    expect(await auditCount()).toBe(1);

    await ok(alice, { type: 'add_five_whys', problem: 'Billing tickets wait', whys: ['no routing'], rootCause: 'no routing rules' });
    const partial = await rejected(send(handle, olivia, { type: 'submit_gate' }), 'GATE_INCOMPLETE');
    expect(partial.details).toEqual([{ missing: ['at least one countermeasure', 'at least one action item'] }]);
    expect(await auditCount()).toBe(2);

    await ok(alice, { type: 'add_countermeasure', description: 'route automatically' });
    await ok(olivia, { type: 'add_action', title: 'Configure routing', assigneeId: 'alice', dueAt: (await env.currentTimeMs()) + 5 * DAY });
    await ok(olivia, { type: 'submit_gate' });
    expect((await state(handle)).gate.status).toBe('pending');
    const versionPending = (await state(handle)).version;
    expect(await auditCount()).toBe(versionPending);

    // The owner may not sign their own gate; a team member who is no approver may not either.
    const self = await rejected(send(handle, olivia, { type: 'sign_gate', decision: 'approve', comment: 'looks good to me' }), 'SELF_APPROVAL_FORBIDDEN');
    expect(self.message).toMatch(/owner cannot sign/);
    await rejected(send(handle, alice, { type: 'sign_gate', decision: 'approve', comment: 'fine' }), 'NOT_PERMITTED');
    // Frozen while pending; a second submission is refused too.
    await rejected(send(handle, alice, { type: 'add_countermeasure', description: 'sneaked in' }), 'GATE_PENDING');
    await rejected(send(handle, olivia, { type: 'submit_gate' }), 'GATE_PENDING');

    let s = await state(handle);
    expect(s.version).toBe(versionPending);
    expect(s.signatures).toEqual([]);
    expect(s.artefacts.countermeasures).toHaveLength(1);
    expect(await auditCount()).toBe(versionPending);

    await ok(simon, { type: 'sign_gate', decision: 'approve', comment: 'approved' });
    s = await state(handle);
    expect(s.phase).toBe('do');
    const events = await expectContiguousAudit(cycleId, s.version);
    expect(events.map((e) => e.action)).toEqual(['create', 'five_whys_added', 'countermeasure_added', 'action_added', 'gate_submitted', 'gate_signed', 'phase_entered']);

    // History holds the accepted updates only, in order: validator rejections are never written.
    const history = await handle.fetchHistory();
    const acceptedNames = (history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).map((e) => e.workflowExecutionUpdateAcceptedEventAttributes!.acceptedRequest!.input!.name);
    expect(acceptedNames).toEqual(accepted);
    expect((history.events ?? []).filter((e) => e.workflowExecutionUpdateCompletedEventAttributes)).toHaveLength(accepted.length);

    await send(handle, simon, { type: 'abandon', reason: 'test over' });
  });
});

describe('action item chasing and the cycle deadline', () => {
  it('given an action due in 3 days with default reminders and a deadline in 5 days, when time passes after plan approval, then reminder, overdue, owner and sponsor escalations and cycle.overdue reach the webhook at their exact instants', async () => {
    const t0 = await env.currentTimeMs();
    const dueAt = t0 + 3 * DAY;
    const deadline = t0 + 5 * DAY;
    const { handle, cycleId } = await start({ goal: { deadline } });
    await planArtefacts(handle, dueAt);
    await send(handle, olivia, { type: 'submit_gate' });
    const approved = await send(handle, simon, { type: 'sign_gate', decision: 'approve', comment: 'go' });
    expect(approved.phase).toBe('do');
    const actionId = (await state(handle)).actions[0]!.id;
    const iso = (ms: number) => new Date(ms).toISOString();

    const reminderAt = dueAt - 24 * HOUR;
    await jumpPast(reminderAt);
    const reminder = await cycleHook(cycleId, 'action.reminder');
    expect(reminder.recipients.userIds).toEqual(['alice']);
    expect(reminder.data).toMatchObject({ actionId, assigneeId: 'alice', dueAt: iso(dueAt), at: iso(reminderAt), level: null });
    expect(hooksOf(cycleId, 'action.overdue')).toEqual([]);

    await jumpPast(dueAt);
    const overdue = await cycleHook(cycleId, 'action.overdue');
    expect(overdue.recipients.userIds).toEqual(['alice', 'olivia']);
    expect(overdue.data).toMatchObject({ actionId, at: iso(dueAt) });
    expect(hooksOf(cycleId, 'action.escalated')).toEqual([]);

    const ownerAt = dueAt + 24 * HOUR;
    await jumpPast(ownerAt);
    const toOwner = await cycleHook(cycleId, 'action.escalated', (d) => d.level === 'owner');
    expect(toOwner.recipients.userIds).toEqual(['olivia']);
    expect(toOwner.data).toMatchObject({ actionId, at: iso(ownerAt) });
    expect(hooksOf(cycleId, 'cycle.overdue')).toEqual([]);

    await jumpPast(deadline);
    const late = await cycleHook(cycleId, 'cycle.overdue');
    expect(late.recipients.userIds).toEqual(['simon', 'olivia']);
    expect(late.data).toMatchObject({ phase: 'do', deadline: iso(deadline), at: iso(deadline) });
    expect(hooksOf(cycleId, 'action.escalated').filter((d) => d.data.level === 'sponsor')).toEqual([]);

    const sponsorAt = dueAt + 72 * HOUR;
    await jumpPast(sponsorAt);
    const toSponsor = await cycleHook(cycleId, 'action.escalated', (d) => d.level === 'sponsor');
    expect(toSponsor.recipients.userIds).toEqual(['simon', 'olivia']);
    expect(toSponsor.data).toMatchObject({ actionId, at: iso(sponsorAt) });

    // Each stage announced once, and the audit trail has them at the same instants.
    expect(hooksOf(cycleId, 'action.reminder')).toHaveLength(1);
    expect(hooksOf(cycleId, 'action.overdue')).toHaveLength(1);
    expect(hooksOf(cycleId, 'action.escalated')).toHaveLength(2);
    const s = await eventually(async () => {
      const st = await state(handle);
      return st.actions[0]!.alerts.sponsorEscalation ? st : null;
    }, 20_000, 'sponsor escalation in state');
    expect(s.actions[0]!.alerts).toEqual({ reminder: true, overdue: true, ownerEscalation: true, sponsorEscalation: true });
    expect(s.overdueSince).toBe(deadline);
    const events = await expectContiguousAudit(cycleId, s.version);
    expect(events.filter((e) => e.actor === 'system').map((e) => [e.action, e.at, e.details.level ?? null])).toEqual([
      ['action_reminder', reminderAt, null],
      ['action_overdue', dueAt, null],
      ['action_escalated', ownerAt, 'owner'],
      ['cycle_overdue', deadline, null],
      ['action_escalated', sponsorAt, 'sponsor'],
    ]);
    const outbox = await models.Outbox.find({ cycleId, type: { $in: ['action.reminder', 'action.overdue', 'action.escalated', 'cycle.overdue'] } }).lean();
    expect(outbox.map((o) => (o.data as { at: string }).at).sort()).toEqual([reminderAt, dueAt, ownerAt, deadline, sponsorAt].map(iso));

    await send(handle, simon, { type: 'abandon', reason: 'test over' });
  });
});

describe('effectiveness check', () => {
  it('given a standardized change, when no measurement is recorded during the effectiveness window, then after the window the cycle is back to active/act with effectiveness failed', async () => {
    const { handle, cycleId } = await start();
    await driveToAct(handle, AFTER_GOAL_MET);
    await send(handle, olivia, { type: 'standardize', standard: 'Routing rules', trainees: ['alice'] });
    const windowEndsAt = (await state(handle)).artefacts.effectiveness!.windowEndsAt;

    await jumpPast(windowEndsAt);
    const s = await eventually(async () => {
      const st = await state(handle);
      return st.artefacts.effectiveness?.result !== 'pending' ? st : null;
    }, 20_000, 'effectiveness evaluated');
    expect(s.status).toBe('active');
    expect(s.phase).toBe('act');
    expect(s.closedAt).toBeNull();
    expect(s.artefacts.effectiveness).toMatchObject({ windowEndsAt, result: 'failed', evaluatedAt: windowEndsAt, mean: null, n: 0, reason: 'no measurements during the effectiveness window' });

    const failed = await cycleHook(cycleId, 'effectiveness.failed');
    expect(failed.recipients.userIds.sort()).toEqual(['olivia', 'simon']);
    expect(failed.data).toMatchObject({ n: 0, at: new Date(windowEndsAt).toISOString() });
    const doc = await eventually(async () => {
      const d = await models.Cycle.findById(cycleId).lean();
      return d?.version === s.version ? d : null;
    }, 20_000, 'read model after the window');
    expect(doc).toMatchObject({ status: 'active', phase: 'act', closedAt: null });
    expect(storedState<CycleState>(doc!).artefacts.effectiveness).toMatchObject({ result: 'failed' });
    const events = await expectContiguousAudit(cycleId, s.version);
    expect(events[events.length - 1]).toMatchObject({ action: 'effectiveness_failed', at: windowEndsAt });
    expect((await env.client.workflow.getHandle(cycleWorkflowId(cycleId)).describe()).status.name).toBe('RUNNING');

    await send(handle, olivia, { type: 'abandon', reason: 'test over' });
  });

  it('given an effectiveness window that failed on its measurements, when the owner standardizes again, then only the new window\'s measurements count and the cycle is standardized', async () => {
    const { handle, cycleId } = await start();
    await driveToAct(handle, AFTER_GOAL_MET);
    await send(handle, olivia, { type: 'standardize', standard: 'Routing rules v1', trainees: ['alice'] });
    const first = (await state(handle)).artefacts.effectiveness!.windowEndsAt;
    await send(handle, alice, { type: 'record_measurements', measurements: values([8.5, 9.0]) });
    await jumpPast(first);
    const failed = await eventually(async () => {
      const st = await state(handle);
      return st.artefacts.effectiveness?.result === 'failed' ? st : null;
    }, 20_000, 'first window failed');
    expect(failed).toMatchObject({ status: 'active', phase: 'act' });
    expect(failed.artefacts.effectiveness).toMatchObject({ evaluatedAt: first, n: 2, mean: 8.75, reason: 'the mean 8.75 does not meet the target 6' });

    // Standardized again (the check still shows the goal met): a fresh window, judged on its own measurements.
    const again = await send(handle, olivia, { type: 'standardize', standard: 'Routing rules v2 with a morning rota', trainees: ['alice'] });
    expect(again.status).toBe('effectiveness_check');
    const second = (await state(handle)).artefacts.effectiveness!.windowEndsAt;
    expect(second).toBeGreaterThan(first);
    await send(handle, alice, { type: 'record_measurements', measurements: values([5.0, 5.5]) });
    await jumpPast(second);
    const evaluated = await settledStatus(handle, (st) => st.artefacts.effectiveness?.result !== 'pending', 'second window evaluated');
    expect(evaluated.artefacts.effectiveness).toMatchObject({ result: 'held', n: 2 });
    const final: CycleState = await handle.result();
    expect(final).toMatchObject({ status: 'standardized', closedAt: second });
    expect(final.artefacts.effectiveness).toMatchObject({ result: 'held', evaluatedAt: second, n: 2, mean: 5.25, reason: null });
    expect(final.measurements.filter((m) => m.stage === 'effectiveness_check').map((m) => m.value)).toEqual([8.5, 9.0, 5.0, 5.5]); // all kept
    const events = await expectContiguousAudit(cycleId, final.version);
    expect(events.filter((e) => e.actor === 'system').map((e) => [e.action, e.at])).toEqual([
      ['effectiveness_failed', first],
      ['effectiveness_held', second],
    ]);
  });
});

describe('iteration', () => {
  it('given a check that does not meet the goal, when the owner iterates, then the workflow continues as new into iteration 2 (plan) keeping the lineage, the learnings and every measurement', async () => {
    const { handle, cycleId, firstRunId } = await start();
    const acting = await driveToAct(handle, AFTER_GOAL_MISSED);
    expect(acting.artefacts.checkReport!.goalMet).toBe(false);
    await rejected(send(handle, olivia, { type: 'standardize', standard: 'x', trainees: [] }), 'GOAL_NOT_MET');

    const learnings = 'Routing alone does not cut the wait: the queue is understaffed in the morning.';
    const iterated = await send(handle, olivia, { type: 'iterate', learnings });
    expect(iterated).toMatchObject({ iteration: 2, phase: 'plan', status: 'active' });

    const latest = env.client.workflow.getHandle(cycleWorkflowId(cycleId)); // no run id: follows the newest run
    const described = await eventually(async () => {
      const d = await latest.describe();
      return d.runId !== firstRunId ? d : null;
    }, 20_000, 'a new run');
    expect(described.status.name).toBe('RUNNING');
    expect((await env.client.workflow.getHandle(cycleWorkflowId(cycleId), firstRunId).describe()).status.name).toBe('CONTINUED_AS_NEW');

    const s = await state(latest);
    expect(s).toMatchObject({ iteration: 2, phase: 'plan', status: 'active', version: iterated.version });
    expect(s.gate).toMatchObject({ phase: 'plan', status: 'open' });
    expect(s.actions).toEqual([]);
    expect(s.artefacts.checkReport).toBeNull();
    expect(s.lineage).toHaveLength(1);
    expect(s.lineage[0]).toMatchObject({ iteration: 1, runId: firstRunId, learnings, checkReport: acting.artefacts.checkReport });
    expect(s.lineage[0]!.actions.map((a) => a.status)).toEqual(['done']);
    expect(s.measurements).toEqual(acting.measurements);
    expect(s.measurements).toHaveLength(BEFORE.length + AFTER_GOAL_MISSED.length);
    expect(s.signatures).toEqual(acting.signatures); // the signature record is kept across iterations

    // The new run carries on: the next measurement continues the sequence, in iteration 2.
    const more = await send(latest, alice, { type: 'record_measurements', measurements: [{ value: 9.5 }] });
    expect(more.iteration).toBe(2);
    const after = await state(latest);
    expect(after.measurements[after.measurements.length - 1]).toMatchObject({ seq: 11, value: 9.5, stage: 'plan', iteration: 2 });
    const events = await expectContiguousAudit(cycleId, after.version);
    expect(events.find((e) => e.action === 'iteration_started')!.details).toMatchObject({ fromIteration: 1, toIteration: 2, learnings, previousRunId: firstRunId });
    const doc = await eventually(async () => {
      const d = await models.Cycle.findById(cycleId).lean();
      return d?.version === after.version ? d : null;
    }, 20_000, 'read model of iteration 2');
    expect(doc).toMatchObject({ iteration: 2, phase: 'plan', measurementCount: 11 });
    expect(await models.CycleMeasurement.countDocuments({ cycleId })).toBe(11);

    await send(latest, olivia, { type: 'abandon', reason: 'test over' });
  });
});

describe('DMAIC', () => {
  it('given a DMAIC project, when all five gates are approved with real data and the control chart then signals a regression, then a linked PDCA cycle is started, and after two in-control periods the project is sustained and the workflow completes', async () => {
    const t0 = await env.currentTimeMs();
    const { handle, cycleId } = await start({
      type: 'dmaic',
      goal: { metric: 'average handling time', unit: 'min', baseline: 12, target: 8, deadline: t0 + 120 * DAY },
      settings: { control: { periodDays: 1, sustainPeriods: 2, openPdcaOnSignal: true } },
    });
    expect((await state(handle)).phase).toBe('define');
    const approve = async (phase: Phase, next: Phase) => {
      const submitted = await send(handle, olivia, { type: 'submit_gate' });
      expect(submitted.phase).toBe(phase);
      expect((await state(handle)).gate.status).toBe('pending');
      const signed = await send(handle, simon, { type: 'sign_gate', decision: 'approve', comment: `${phase} approved` });
      expect(signed).toMatchObject({ phase: next, status: 'active' });
    };

    // Define
    await rejected(send(handle, olivia, { type: 'submit_gate' }), 'GATE_INCOMPLETE');
    await send(handle, olivia, {
      type: 'update_charter',
      charter: {
        problem: 'Billing tickets take 12 minutes to handle',
        businessCase: 'Two FTE of rework per month',
        scopeIn: ['billing queue'],
        scopeOut: ['sales queue'],
        ctqs: [{ name: 'handling time', measure: 'minutes per ticket', specification: '<= 8 min' }],
        sipoc: [{ supplier: 'customers', input: 'tickets', process: 'triage and resolve', output: 'answers', customer: 'customers' }],
        milestones: [
          { phase: 'measure', due: t0 + 14 * DAY },
          { phase: 'control', due: t0 + 90 * DAY },
        ],
      },
    });
    await approve('define', 'measure');

    // Measure: a discrete baseline (150 defects in 1000 tickets x 3 opportunities)
    await send(handle, alice, { type: 'set_data_collection_plan', items: [{ metric: 'handling time', operationalDefinition: 'open to first resolution, minutes', source: 'ticketing system', sampleSize: 200, frequency: 'daily' }] });
    await send(handle, alice, { type: 'set_baseline', data: { kind: 'discrete', defects: 150, units: 1000, opportunitiesPerUnit: 3 } });
    let s = await state(handle);
    expect(s.artefacts.baseline!.stats).toMatchObject({ kind: 'discrete', dpmo: 50_000 });
    expect((s.artefacts.baseline!.stats as { yield: number }).yield).toBeCloseTo(0.95, 12);
    expect((s.artefacts.baseline!.stats as { sigmaLevel: number }).sigmaLevel).toBeCloseTo(3.1449, 3);
    await approve('measure', 'analyze');

    // Analyze: Pareto, fishbone, a verified root cause
    await send(handle, alice, {
      type: 'set_defect_categories',
      categories: [
        { category: 'missing info', count: 45 },
        { category: 'wrong routing', count: 80 },
        { category: 'system timeout', count: 15 },
        { category: 'other', count: 10 },
      ],
    });
    await send(handle, alice, { type: 'add_fishbone_cause', category: 'method', cause: 'no routing rules' });
    await send(handle, alice, { type: 'add_root_cause', cause: 'tickets are routed by hand' });
    await rejected(send(handle, olivia, { type: 'submit_gate' }), 'GATE_INCOMPLETE'); // root cause not verified yet
    const rootCauseId = (await state(handle)).artefacts.rootCauses[0]!.id;
    await send(handle, alice, { type: 'verify_root_cause', rootCauseId, evidence: '68% of slow tickets were re-routed at least once' });
    s = await state(handle);
    expect(s.artefacts.defectPareto!.rows.map((r) => [r.category, r.vital])).toEqual([
      ['wrong routing', true],
      ['missing info', true],
      ['system timeout', false],
      ['other', false],
    ]);
    expect(s.artefacts.rootCauses[0]).toMatchObject({ verified: true, verifiedBy: 'alice' });
    await approve('analyze', 'improve');

    // Improve: a solution, an FMEA row, pilot data
    await send(handle, alice, { type: 'add_solution', description: 'Rule-based routing by category', rootCauseIds: [rootCauseId] });
    await send(handle, alice, { type: 'add_fmea_row', failureMode: 'rule misroutes a ticket', effect: 'customer waits longer', cause: 'stale category list', severity: 7, occurrence: 4, detection: 3, recommendedAction: 'weekly rule review' });
    await send(handle, alice, { type: 'set_pilot_data', data: { kind: 'discrete', defects: 45, units: 1000, opportunitiesPerUnit: 3 } });
    s = await state(handle);
    expect(s.artefacts.fmea[0]!.rpn).toBe(84);
    expect(s.artefacts.pilot!.comparison.improvementPct).toBeCloseTo(70, 8);
    expect(s.artefacts.pilot!.comparison.test).toMatchObject({ name: 'two_proportion_z', significant: true });
    await approve('improve', 'control');

    // Control: the control plan from the improved process's data; approval starts monitoring
    const improvedData = [8.1, 7.6, 8.4, 7.9, 8.2, 7.7, 8.0, 8.3, 7.8, 8.0];
    await send(handle, olivia, { type: 'set_control_plan', metric: 'handling time', improvedData, reactionPlan: 'Review the routing rules within a day', processOwnerId: 'alice' });
    await send(handle, olivia, { type: 'submit_gate' });
    const monitoringStarted = await send(handle, simon, { type: 'sign_gate', decision: 'approve', comment: 'hand over' });
    expect(monitoringStarted).toMatchObject({ status: 'monitoring', phase: 'control' });
    s = await state(handle);
    expect(s.signatures.map((x) => [x.phase, x.meaning, x.signerId])).toEqual([
      ['define', 'approved Define phase', 'simon'],
      ['measure', 'approved Measure phase', 'simon'],
      ['analyze', 'approved Analyze phase', 'simon'],
      ['improve', 'approved Improve phase', 'simon'],
      ['control', 'approved Control phase', 'simon'],
    ]);
    const limits = s.artefacts.controlPlan!.limits;
    expect(limits.center).toBeCloseTo(8.0, 10);
    const monitoringStart = s.monitoring!.startedAt;

    // A point beyond the upper limit (worse, as lower is better): a control signal and a linked PDCA cycle.
    const outlier = Math.round((limits.ucl + 2) * 100) / 100;
    await send(handle, alice, { type: 'record_measurements', measurements: [{ value: outlier }] });
    s = await state(handle);
    expect(s.monitoring!.signals).toEqual([{ seq: 1, at: expect.any(Number), value: outlier, rules: [1] }]);
    const signalHook = await cycleHook(cycleId, 'control.signal');
    expect(signalHook.recipients.userIds).toContain('olivia');
    expect(signalHook.recipients.userIds).toContain('alice');
    expect(signalHook.data).toMatchObject({ signals: [{ seq: 1, value: outlier, rules: [1] }], reactionPlan: 'Review the routing rules within a day' });

    const linkedId = `${cycleId}-r1`;
    const linked = env.client.workflow.getHandle(cycleWorkflowId(linkedId));
    expect(cycleWorkflowId(linkedId)).toBe(`cycle-${cycleId}-r1`);
    const child = await eventually(async () => {
      try {
        const st = await linked.query(getCycleQuery);
        return st.version >= 1 ? st : null;
      } catch {
        return null; // not started yet
      }
    }, 20_000, 'linked cycle started');
    expect(child).toMatchObject({ cycleId: linkedId, type: 'pdca', phase: 'plan', status: 'active', parentCycleId: cycleId, ownerId: 'alice', sponsorId: 'simon' });
    expect(child.evidence.spcSignal).toEqual({ cycleId, measurementSeq: 1, rules: [1], at: s.monitoring!.signals[0]!.at });
    expect(child.goal).toMatchObject({ baseline: outlier, target: limits.center, direction: 'lower_is_better' });
    expect(child.settings.approvers).toEqual(['simon']);
    s = await eventually(async () => {
      const st = await state(handle);
      return st.linkedCycles[0]?.started ? st : null;
    }, 20_000, 'linked cycle marked started');
    expect(s.linkedCycles).toEqual([expect.objectContaining({ cycleId: linkedId, started: true, baseline: outlier })]);
    const opened = await cycleHook(cycleId, 'cycle.linked_opened');
    expect(opened.data).toMatchObject({ linkedCycleId: linkedId });
    expect(await eventually(async () => (await models.Cycle.findById(linkedId).lean())?.parentCycleId === cycleId || null, 20_000, 'linked cycle read model')).toBe(true);

    // Period 1 had the signal. Periods 2 and 3 have in-control points only: sustained at the end of period 3.
    const inControl = (n: number) => Array.from({ length: n }, (_, i) => ({ value: limits.center + (i % 2 === 0 ? 0.3 : -0.3) * limits.sigma }));
    await jumpPast(monitoringStart + DAY);
    s = await eventually(async () => {
      const st = await state(handle);
      return st.monitoring!.periodsCompleted >= 1 ? st : null;
    }, 20_000, 'period 1 closed');
    expect(s.monitoring).toMatchObject({ periodsCompleted: 1, inControlPeriods: 0, periodStartedAt: monitoringStart + DAY });
    await send(handle, alice, { type: 'record_measurements', measurements: inControl(4) });
    await jumpPast(monitoringStart + 2 * DAY);
    s = await eventually(async () => {
      const st = await state(handle);
      return st.monitoring!.periodsCompleted >= 2 ? st : null;
    }, 20_000, 'period 2 closed');
    expect(s).toMatchObject({ status: 'monitoring', monitoring: { periodsCompleted: 2, inControlPeriods: 1 } });
    await send(handle, alice, { type: 'record_measurements', measurements: inControl(4) });
    await jumpPast(monitoringStart + 3 * DAY);

    const closed = await settledStatus(handle, (st) => st.monitoring!.periodsCompleted >= 3, 'period 3 closed');
    expect(closed.status).toBe('sustained');
    const final: CycleState = await handle.result();
    expect(final).toMatchObject({ status: 'sustained', closedAt: monitoringStart + 3 * DAY, monitoring: { periodsCompleted: 3, inControlPeriods: 2, pointsTotal: 9 } });
    expect(final.monitoring!.signals).toHaveLength(1);
    const events = await expectContiguousAudit(cycleId, final.version);
    expect(events.filter((e) => e.actor === 'system').map((e) => [e.action, e.at])).toEqual([
      ['control_signal', s.monitoring!.signals[0]!.at],
      ['linked_cycle_opened', expect.any(Number)],
      ['control_period_closed', monitoringStart + DAY],
      ['control_period_closed', monitoringStart + 2 * DAY],
      ['sustained', monitoringStart + 3 * DAY],
    ]);
    expect(events.filter((e) => e.action === 'gate_signed')).toHaveLength(5);
    const sustained = await cycleHook(cycleId, 'cycle.sustained');
    expect(sustained.recipients.userIds.sort()).toEqual(['alice', 'olivia', 'simon']);
    const doc = await eventually(async () => {
      const d = await models.Cycle.findById(cycleId).lean();
      return d?.version === final.version ? d : null;
    }, 20_000, 'read model sustained');
    expect(doc).toMatchObject({ status: 'sustained', type: 'dmaic', measurementCount: 9 });

    await send(linked, alice, { type: 'abandon', reason: 'test over' });
  });
});

describe('long cycles', () => {
  it('given a cycle bounded to 300 history events, when 3000 measurements are recorded in 60 batches, then it continues as new and keeps every measurement in order, in the query, the DB and the read model', async () => {
    const { handle, cycleId, firstRunId } = await start({ maxHistoryEvents: 300 });
    const BATCHES = 60;
    const PER = 50;
    const TOTAL = BATCHES * PER;
    const valueOf = (seq: number) => seq / 8;
    for (let b = 0; b < BATCHES; b++) {
      const measurements = Array.from({ length: PER }, (_, i) => ({ value: valueOf(b * PER + i + 1) }));
      const r = await send(handle, alice, { type: 'record_measurements', measurements });
      expect(r.version).toBe(b + 2);
    }

    const runs = await runsOf(cycleWorkflowId(cycleId), firstRunId);
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect((await env.client.workflow.getHandle(cycleWorkflowId(cycleId)).describe()).runId).toBe(runs[runs.length - 1]!.runId);
    expect(runs[runs.length - 1]!.runId).not.toBe(firstRunId);
    // Each finished run stopped close to the bound (the update that crossed it, and one more in flight, may land first);
    // unbounded, the 60 updates would make one history of 700+ events.
    for (const run of runs.slice(0, -1)) expect(run.events).toBeLessThan(360);

    const s = await state(handle);
    expect(s.version).toBe(BATCHES + 1);
    expect(s.measurements).toHaveLength(TOTAL);
    expect(s.measurements.map((m) => m.seq)).toEqual(range(1, TOTAL));
    expect(s.measurements.every((m) => m.value === valueOf(m.seq) && m.by === 'alice' && m.stage === 'plan' && m.iteration === 1)).toBe(true);

    expect(await models.CycleMeasurement.countDocuments({ cycleId })).toBe(TOTAL);
    const stored = await models.CycleMeasurement.find({ cycleId }).sort({ seq: 1 }).lean();
    expect(stored.map((m) => m.seq)).toEqual(range(1, TOTAL));
    expect(stored.every((m) => m.value === valueOf(m.seq))).toBe(true);
    const doc = await eventually(async () => {
      const d = await models.Cycle.findById(cycleId).lean();
      return d?.version === s.version ? d : null;
    }, 20_000, 'read model at the last batch');
    expect(doc!.measurementCount).toBe(TOTAL);
    const events = await expectContiguousAudit(cycleId, s.version);
    expect(events.slice(1).every((e) => e.action === 'measurements_recorded')).toBe(true);

    await send(handle, olivia, { type: 'abandon', reason: 'test over' });
  });
});
