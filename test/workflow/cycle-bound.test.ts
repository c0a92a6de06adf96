/**
 * Cycles bound to live data on Temporal's time-skipping test server, with a
 * real Worker and a real database: complaint facts are written with the
 * persistence activity's own `writeComplaintFact`, the cycle measures its KPI
 * at the end of each week (Paris time) through the analytics service, and a
 * DMAIC Control phase opens its linked PDCA when the data regresses — with
 * nobody typing a number.
 */
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { writeComplaintFact } from '../../activities/complaint';
import type { Config } from '../../src/config';
import { saveAreaVersion } from '../../src/db/catalog';
import { CYCLE_WORKFLOW, type CycleActionRequest, type CycleUpdateResult, type CycleWorkflowInput, cycleSignals, cycleUpdates, cycleWorkflowId, getCycleQuery } from '../../src/contracts/cycle';
import type { Models } from '../../src/db/models';
import type { Actor } from '../../src/domain/actors';
import { startOfLocalDay } from '../../src/domain/calendar';
import { type BoundMetric, type CycleCommand, type CycleCommandType, type CycleIntake, type CycleState, DEFAULT_CYCLE_SETTINGS } from '../../src/domain/cycle';
import { MEASURE_GRACE_MS, nextPeriodKey, periodEndsAt } from '../../src/domain/cycle-binding';
import { type ComplaintFact, addDays, dayInZone, periodBounds, periodOf } from '../../src/domain/kpi';
import { createAnalyticsService } from '../../src/services/analytics';
import { eventually, openTestDb, startTimeSkippingEnv, startWebhookReceiver, startWorker, testConfig, uniqueId } from '../helpers/stack';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const ZONE = 'Europe/Paris';
const olivia: Actor = { id: 'olivia', role: 'process_owner' };
const simon: Actor = { id: 'simon', role: 'sponsor' };
const alice: Actor = { id: 'alice', role: 'agent' };

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

function send<T extends CycleCommandType>(handle: Handle, actor: Actor, command: Extract<CycleCommand, { type: T }>): Promise<CycleUpdateResult> {
  const update = cycleUpdates[command.type] as unknown as UpdateDefinition<CycleUpdateResult, [CycleActionRequest]>;
  return handle.executeUpdate(update, { args: [{ actor, command }] });
}

const state = (handle: Handle): Promise<CycleState> => handle.query(getCycleQuery);

async function audit(cycleId: string) {
  const events = await models.AuditEvent.find({ stream: `cycle:${cycleId}` }).sort({ seq: 1 }).lean();
  return events.map((e) => ({ seq: e.seq, action: e.action, actor: e.actor?.id, at: e.at.getTime(), details: e.details as Record<string, unknown> }));
}

/** Moves the test server's clock to `at` (timers due on the way fire, activities run). */
async function sleepUntil(at: number): Promise<void> {
  const now = await env.currentTimeMs();
  expect(at).toBeGreaterThan(now);
  await env.sleep(at - now);
}

/** Noon on the next Monday in Paris: every test starts at a known point of an ISO week. */
async function nextMondayNoon(): Promise<number> {
  const now = await env.currentTimeMs();
  let day = addDays(dayInZone(now, ZONE), 1);
  while (periodBounds(periodOf(day, 'week'), 'week').first !== day) day = addDays(day, 1);
  return startOfLocalDay(day, ZONE) + 12 * HOUR;
}

/**
 * Complaints of one ISO week in an area, as KPI facts: `met` first responses
 * within target, `missed` breached, `running` still undecided (not in the
 * attainment's denominator). Spread over the week's days.
 */
function weekFacts(areaId: string, week: string, counts: { met: number; missed: number; running?: number }): ComplaintFact[] {
  const first = periodBounds(week, 'week').first;
  const kinds = [...Array(counts.met).fill('met'), ...Array(counts.missed).fill('missed'), ...Array(counts.running ?? 0).fill('running')] as ('met' | 'missed' | 'running')[];
  return kinds.map((kind, i) => {
    const day = addDays(first, i % 7);
    return {
      complaintId: uniqueId('c'),
      version: 3,
      areaId,
      timeZone: ZONE,
      day,
      createdAt: startOfLocalDay(day, ZONE) + 10 * HOUR,
      status: kind === 'running' ? 'in_progress' : 'resolved',
      cancelled: false,
      category: 'billing',
      channel: 'email',
      severity: 'P3',
      queue: 'general',
      agentId: 'alice',
      policy: 'standard@1',
      cause: null,
      tags: [],
      resolved: kind !== 'running',
      firstResponse: kind === 'running' ? { decided: false, met: false, businessMinutes: null } : { decided: true, met: kind === 'met', businessMinutes: kind === 'met' ? 30 : 300 },
      resolution: null,
      nextResponse: { decided: 0, met: 0 },
      breaches: kind === 'missed' ? 1 : 0,
      escalations: 0,
      reopens: 0,
      transfers: 0,
      csat: null,
      csatRequested: false,
    } satisfies ComplaintFact;
  });
}

async function seed(facts: ComplaintFact[]): Promise<void> {
  for (const f of facts) await writeComplaintFact(models, f);
}

/** First-response attainment of an area's week counted straight from the facts: met over decided (no data without a decided clock). */
function attainmentOf(facts: ComplaintFact[], areaId: string, week: string): { value: number; n: number } | null {
  const decided = facts.filter((f) => f.areaId === areaId && periodOf(f.day, 'week') === week && f.firstResponse?.decided);
  if (decided.length === 0) return null;
  return { value: decided.filter((f) => f.firstResponse!.met).length / decided.length, n: decided.length };
}

const attainment = (areaId: string): BoundMetric => ({ kpi: 'first_response_attainment', areaId, filter: null, period: 'week', timeZone: ZONE });

/** A service area in the catalog (the KPI store answers for known areas only), on the Paris calendar. */
async function newArea(): Promise<string> {
  const areaId = uniqueId('area');
  await saveAreaVersion(models, areaId, 0, { name: areaId, match: {}, processOwnerId: 'olivia', calendarId: 'paris-office', volumeUnit: 'contacts', causes: [], objectives: [], review: { frequency: 'monthly', reviewerIds: [] } }, 'test');
  return areaId;
}

async function startCycle(intake: CycleIntake): Promise<Handle> {
  const input: CycleWorkflowInput = { intake };
  const handle = await env.client.workflow.start(CYCLE_WORKFLOW, { taskQueue: config.temporal.taskQueue, workflowId: cycleWorkflowId(intake.cycleId), args: [input] });
  await eventually(async () => (await audit(intake.cycleId)).length >= 1, 20_000, 'creation persisted');
  return handle;
}

function baseIntake(cycleId: string, binding: BoundMetric, now: number, overrides: Partial<CycleIntake> = {}): CycleIntake {
  return {
    cycleId,
    type: 'pdca',
    title: 'Answer billing complaints on time',
    problemStatement: 'A third of billing complaints miss the first-response target.',
    area: binding.areaId,
    ownerId: 'olivia',
    sponsorId: 'simon',
    team: ['alice'],
    goal: { metric: 'first-response attainment', unit: 'share', direction: 'higher_is_better', metricType: 'proportion', baseline: 0.7, target: 0.9, deadline: now + 120 * DAY },
    evidence: { complaintIds: [], complaintCategory: 'billing', spcSignal: null },
    settings: { ...DEFAULT_CYCLE_SETTINGS, approvers: ['simon'] },
    createdBy: olivia,
    receivedAt: now,
    binding,
    ...overrides,
  };
}

describe('a cycle bound to a KPI', () => {
  it('given complaint facts for the coming weeks, when a bound PDCA runs through them, then it records one measurement per week equal to the KPI (met over decided, n as sample size), records a week without data as such, and refuses a hand-typed measurement', async () => {
    const areaId = await newArea();
    const binding = attainment(areaId);
    const start = await nextMondayNoon();
    const w0 = periodOf(dayInZone(start, ZONE), 'week');
    const w1 = nextPeriodKey(w0, 'week');
    const w2 = nextPeriodKey(w1, 'week');
    const facts = [
      ...weekFacts(areaId, w0, { met: 7, missed: 3 }),
      ...weekFacts(areaId, w1, { met: 0, missed: 0, running: 4 }), // no clock decided: no data
      ...weekFacts(areaId, w2, { met: 9, missed: 3, running: 2 }),
      ...weekFacts(await newArea(), w0, { met: 0, missed: 5 }), // another area: not counted
    ];
    await seed(facts);
    await sleepUntil(start);

    const cycleId = uniqueId('cy');
    const handle = await startCycle(baseIntake(cycleId, binding, await env.currentTimeMs()));
    const refused = await send(handle, alice, { type: 'record_measurements', measurements: [{ value: 0.95, sampleSize: 20 }] }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(((refused as WorkflowUpdateFailedError).cause as ApplicationFailure).type).toBe('METRIC_BOUND');

    await sleepUntil(periodEndsAt(w2, 'week', ZONE) + MEASURE_GRACE_MS + MIN);
    const s = await eventually(async () => {
      const st = await state(handle);
      return st.measuredThrough === w2 ? st : null;
    }, 30_000, `${w2} measured`);

    // Independently: counted from the facts written above.
    const expected = [w0, w2].map((week) => ({ week, ...attainmentOf(facts, areaId, week)! }));
    expect(expected.map((e) => [e.week, e.value, e.n])).toEqual([
      [w0, 0.7, 10],
      [w2, 0.75, 12],
    ]);
    expect(s.measurements.map((m) => ({ period: m.period, value: m.value, sampleSize: m.sampleSize, by: m.by, stage: m.stage, at: m.at }))).toEqual(
      expected.map((e) => ({ period: e.week, value: e.value, sampleSize: e.n, by: 'system', stage: 'plan', at: periodEndsAt(e.week, 'week', ZONE) })),
    );
    // The same figures as the analytics service (GET /analytics/kpis) gives.
    const series = await createAnalyticsService({ models }).kpiSeries({ kpi: 'first_response_attainment', areaId, filter: null, period: 'week', from: periodBounds(w0, 'week').first, to: periodBounds(w2, 'week').last });
    expect(series.points.map((p) => [p.period, p.value, p.n])).toEqual([
      [w0, 0.7, 10],
      [w1, null, 0],
      [w2, 0.75, 12],
    ]);

    const events = await eventually(async () => {
      const ev = await audit(cycleId);
      return ev.length >= s.version ? ev : null;
    }, 20_000, 'audit up to date');
    expect(events.filter((e) => e.actor === 'system').map((e) => [e.action, e.details.withoutData ?? (e.details.measurements as { period: string }[]).map((m) => m.period)])).toEqual([
      ['measurements_recorded', [w0]],
      ['bound_measurement_missing', [w1]],
      ['measurements_recorded', [w2]],
    ]);
    expect(events[0]!.details).toMatchObject({ binding });
    const stored = await models.CycleMeasurement.find({ cycleId }).sort({ seq: 1 }).lean();
    expect(stored.map((m) => [m.seq, m.period, m.value, m.sampleSize, m.by])).toEqual([
      [1, w0, 0.7, 10, 'system'],
      [2, w2, 0.75, 12, 'system'],
    ]);
    const doc = await eventually(async () => {
      const d = await models.Cycle.findById(cycleId).lean();
      return d?.version === s.version ? d : null;
    }, 20_000, 'read model up to date');
    expect(doc).toMatchObject({ boundAreaId: areaId, boundDimension: null, boundValue: null, active: true, measurementCount: 2 });

    await send(handle, olivia, { type: 'abandon', reason: 'test over' });
    const closed = await eventually(async () => (await models.Cycle.findById(cycleId).lean())?.active === false || null, 20_000, 'read model closed');
    expect(closed).toBe(true);
  });

  it('given an open cycle, when a trigger signals the same evidence twice and then a new one, then each key is added once, by the system, and the owner is told', async () => {
    const cycleId = uniqueId('cy');
    const now = await env.currentTimeMs();
    const handle = await startCycle(baseIntake(cycleId, attainment(await newArea()), now));
    const item = (key: string) => ({ key, at: now, source: { triggerId: 'fr-attainment', version: 2 }, kind: 'threshold' as const, summary: `attainment below 0.9 (${key})`, data: { points: [{ period: key, value: 0.7 }] }, complaintIds: ['c-1', 'c-2'] });
    await handle.signal(cycleSignals.addEvidence, { item: item('2026-W01') });
    await handle.signal(cycleSignals.addEvidence, { item: item('2026-W01') });
    await handle.signal(cycleSignals.addEvidence, { item: item('2026-W02') });
    const s = await eventually(async () => {
      const st = await state(handle);
      return (st.evidence.items ?? []).length >= 2 ? st : null;
    }, 20_000, 'evidence added');
    expect(s.evidence.items!.map((i) => i.key)).toEqual(['2026-W01', '2026-W02']);
    const events = await eventually(async () => {
      const ev = await audit(cycleId);
      return ev.filter((e) => e.action === 'evidence_added').length >= 2 ? ev : null;
    }, 20_000, 'evidence in the audit trail');
    expect(events.filter((e) => e.action === 'evidence_added').map((e) => [e.actor, (e.details.item as { key: string }).key])).toEqual([
      ['system', '2026-W01'],
      ['system', '2026-W02'],
    ]);
    const told = await hooks.waitFor((d) => d.cycleId === cycleId && d.type === 'cycle.evidence_added');
    expect(told.recipients.userIds).toEqual(['olivia']);
    await send(handle, olivia, { type: 'abandon', reason: 'test over' });
  });

  it('given a bound DMAIC in Control monitoring, when the seeded complaint data regresses in a later week, then the control chart signals and the linked PDCA is started, bound to the same KPI with the regressing week as its "before", with nobody typing a number', async () => {
    const areaId = await newArea();
    const binding = attainment(areaId);
    const start = await nextMondayNoon();
    const w0 = periodOf(dayInZone(start, ZONE), 'week');
    const w1 = nextPeriodKey(w0, 'week');
    const before2 = periodOf(addDays(periodBounds(w0, 'week').first, -14), 'week');
    const before1 = nextPeriodKey(before2, 'week');
    const facts = [
      ...weekFacts(areaId, before2, { met: 14, missed: 6 }),
      ...weekFacts(areaId, before1, { met: 15, missed: 5 }),
      ...weekFacts(areaId, w0, { met: 19, missed: 1 }), // the pilot week: the change works
      ...weekFacts(areaId, w1, { met: 10, missed: 10 }), // the regression
    ];
    await seed(facts);
    await sleepUntil(start);

    // What a trigger would hand over: the baseline weeks measured from the data.
    const analytics = createAnalyticsService({ models });
    const baselineSeries = await analytics.kpiSeries({ kpi: 'first_response_attainment', areaId, filter: null, period: 'week', from: periodBounds(before2, 'week').first, to: periodBounds(before1, 'week').last });
    const baselineMeasurements = baselineSeries.points.map((p) => ({ period: p.period, value: p.value!, sampleSize: p.n!, at: periodEndsAt(p.period, 'week', ZONE) }));
    expect(baselineMeasurements.map((m) => [m.period, m.value, m.sampleSize])).toEqual([
      [before2, 0.7, 20],
      [before1, 0.75, 20],
    ]);

    const cycleId = uniqueId('dm');
    const now = await env.currentTimeMs();
    const handle = await startCycle(
      baseIntake(cycleId, binding, now, { type: 'dmaic', settings: { ...DEFAULT_CYCLE_SETTINGS, approvers: ['simon'], control: { periodDays: 7, sustainPeriods: 4, openPdcaOnSignal: true } }, baselineMeasurements }),
    );
    const approve = async () => {
      await send(handle, olivia, { type: 'submit_gate' });
      await send(handle, simon, { type: 'sign_gate', decision: 'approve', comment: 'approved' });
    };

    await send(handle, olivia, {
      type: 'update_charter',
      charter: {
        problem: 'Billing complaints miss their first-response target',
        businessCase: 'Repeat contacts and churn',
        scopeIn: ['billing'],
        scopeOut: [],
        ctqs: [{ name: 'first response on time', measure: 'share met', specification: '>= 90 %' }],
        sipoc: [{ supplier: 'customers', input: 'complaints', process: 'first response', output: 'answers', customer: 'customers' }],
        milestones: [{ phase: 'control', due: now + 60 * DAY }],
      },
    });
    await approve();
    await send(handle, alice, { type: 'set_data_collection_plan', items: [{ metric: 'first-response attainment', operationalDefinition: 'met / decided first-response clocks per ISO week', source: 'KPI store', sampleSize: 20, frequency: 'weekly' }] });
    await send(handle, alice, { type: 'set_baseline' });
    let s = await state(handle);
    expect(s.artefacts.baseline!.input).toEqual({ kind: 'discrete', defects: 6 + 5, units: 40, opportunitiesPerUnit: 1 });
    await approve();
    await send(handle, alice, { type: 'set_defect_categories', categories: [{ category: 'no triage', count: 8 }, { category: 'holidays', count: 3 }] });
    await send(handle, alice, { type: 'add_fishbone_cause', category: 'method', cause: 'no triage rota' });
    await send(handle, alice, { type: 'add_root_cause', cause: 'no triage rota' });
    await send(handle, alice, { type: 'verify_root_cause', rootCauseId: (await state(handle)).artefacts.rootCauses[0]!.id, evidence: 'missed clocks cluster on mornings' });
    await approve();
    await send(handle, alice, { type: 'add_solution', description: 'daily triage rota' });
    await send(handle, alice, { type: 'add_fmea_row', failureMode: 'rota gap', effect: 'late answer', cause: 'sick leave', severity: 5, occurrence: 3, detection: 2 });

    // The pilot week is measured from the data at its end, in Improve.
    await sleepUntil(periodEndsAt(w0, 'week', ZONE) + MEASURE_GRACE_MS + MIN);
    s = await eventually(async () => {
      const st = await state(handle);
      return st.measuredThrough === w0 ? st : null;
    }, 30_000, 'pilot week measured');
    expect(s.measurements.map((m) => [m.period, m.stage, m.value])).toEqual([
      [before2, 'define', 0.7],
      [before1, 'define', 0.75],
      [w0, 'improve', 0.95],
    ]);
    await send(handle, alice, { type: 'set_pilot_data' });
    s = await state(handle);
    expect(s.artefacts.pilot!.input).toEqual({ kind: 'discrete', defects: 1, units: 20, opportunitiesPerUnit: 1 });
    await approve();

    const improvedData = [0.95, 0.93, 0.96, 0.94, 0.95, 0.92, 0.96, 0.94];
    await send(handle, olivia, { type: 'set_control_plan', metric: 'weekly first-response attainment', improvedData, reactionPlan: 'Restore the triage rota within a day', processOwnerId: 'alice' });
    await approve();
    s = await state(handle);
    expect(s.status).toBe('monitoring');
    const lcl = s.artefacts.controlPlan!.limits.lcl;
    const regression = attainmentOf(facts, areaId, w1)!;
    expect(regression.value).toBeLessThan(lcl); // below the lower limit: worse, as higher is better

    await sleepUntil(periodEndsAt(w1, 'week', ZONE) + MEASURE_GRACE_MS + MIN);
    const linkedId = `${cycleId}-r1`;
    s = await eventually(async () => {
      const st = await state(handle);
      return st.linkedCycles[0]?.started ? st : null;
    }, 30_000, 'linked cycle started');
    const point = s.measurements.find((m) => m.period === w1)!;
    expect(point).toMatchObject({ stage: 'monitoring', by: 'system', value: regression.value, sampleSize: regression.n });
    expect(s.monitoring!.signals).toEqual([{ seq: point.seq, at: point.at, value: regression.value, rules: [1] }]);

    const child = await env.client.workflow.getHandle(cycleWorkflowId(linkedId)).query(getCycleQuery);
    expect(child).toMatchObject({ type: 'pdca', phase: 'plan', status: 'active', parentCycleId: cycleId, ownerId: 'alice', binding });
    expect(child.evidence.spcSignal).toMatchObject({ cycleId, measurementSeq: point.seq, rules: [1] });
    expect(child.measurements).toEqual([expect.objectContaining({ period: w1, value: regression.value, sampleSize: regression.n, stage: 'plan', by: 'system' })]);
    expect(child.goal).toMatchObject({ baseline: regression.value, direction: 'higher_is_better', metricType: 'proportion' });
    const childDoc = await eventually(async () => models.Cycle.findById(linkedId).lean(), 20_000, 'linked cycle read model');
    expect(childDoc).toMatchObject({ parentCycleId: cycleId, boundAreaId: areaId, active: true });

    // Every measurement came from the data: none was sent by a person.
    const events = await eventually(async () => {
      const ev = await audit(cycleId);
      return ev.some((e) => e.action === 'linked_cycle_opened') ? ev : null;
    }, 20_000, 'linked cycle in the audit trail');
    expect(events.filter((e) => e.action === 'measurements_recorded').map((e) => e.actor)).toEqual(['system', 'system', 'system']);
    // (A Control period may close on the way, depending on where the week's end falls against it.)
    const systemActions = events.filter((e) => e.actor === 'system' && e.action !== 'control_period_closed').map((e) => e.action);
    expect(systemActions).toEqual(['measurements_recorded', 'measurements_recorded', 'measurements_recorded', 'control_signal', 'linked_cycle_opened']);
    const signalHook = await hooks.waitFor((d) => d.cycleId === cycleId && d.type === 'control.signal');
    expect(signalHook.data).toMatchObject({ reactionPlan: 'Restore the triage rota within a day' });

    await send(env.client.workflow.getHandle(cycleWorkflowId(linkedId)), alice, { type: 'abandon', reason: 'test over' });
    await send(handle, olivia, { type: 'abandon', reason: 'test over' });
  });
});
