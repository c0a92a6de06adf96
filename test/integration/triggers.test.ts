/**
 * Improvement triggers on the real stack (Worker on the Temporal dev server,
 * FerretDB, the API): a seeded shift in the complaint data opens exactly one
 * cycle through the quality loop workflow, owned by the area's process owner,
 * with the evidence, baseline, goal and binding the data gives; a re-run of
 * the same period (through the Schedule) opens and adds nothing; the next
 * period's signal is added to the open cycle; the dry run writes nothing; a
 * trigger without enough data says why in its last-run status.
 *
 * The complaint data are KPI facts written by the persistence activity's own
 * writer (`writeComplaintFact`), dated in the completed ISO weeks before now
 * in the area's zone (Paris).
 */
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { writeComplaintFact } from '../../activities/complaint';
import { QUALITY_LOOP_WORKFLOW, type QualityLoopInput, type QualityLoopResult } from '../../src/contracts/quality-loop';
import { type ComplaintFact, addDays, periodBounds } from '../../src/domain/kpi';
import { completedPeriods, triggerCycleId } from '../../src/domain/trigger';
import { createAnalyticsService } from '../../src/services/analytics';
import { ensureQualityLoopSchedule } from '../../src/services/quality-loop-schedule';
import { type ApiStack, type Problem, errorPaths, expectProblem, rejectionChecker, startApiStack } from '../helpers/api';
import { PARIS, areaDefinition, fact, seedArea } from '../helpers/review-fixtures';
import { eventually, uniqueId } from '../helpers/stack';

type View = Record<string, any>;

const DAY_MS = 86_400_000;
const NOW0 = Date.now();
/** The twelve completed ISO weeks before this one in Paris, oldest first; the last one holds the shift. */
const WEEKS = completedPeriods('week', PARIS, NOW0, 12).periods;
const SHIFT_WEEK = WEEKS[11]!;
/** This (partial) week: completed as of a week from now. */
const NEXT_WEEK = completedPeriods('week', PARIS, NOW0 + 7 * DAY_MS, 1).periods[0]!;
/** First responses met, of 20 complaints a week: the first eight weeks give p̄ = 144/160 = 0.9 (LCL ≈ 0.70 at n = 20). */
const MET = [18, 19, 17, 18, 18, 19, 17, 18, 18, 18, 19, 8];
/** Complaints resolved as a double charge, of 20 a week: 55 %, 60 %, 65 % in the last three weeks. */
const DOUBLE_CHARGE = [5, 4, 6, 5, 5, 4, 6, 5, 5, 11, 12, 13];

const AREA = 'trg-billing';
const YOUNG_AREA = 'trg-young';
const SPC = 'trg-frt-spc';
const PARETO = 'trg-causes';
const YOUNG = 'trg-young-spc';

interface Seeded {
  id: string;
  areaId: string;
  week: string;
  cause: string;
}

/** 20 complaints in a week (on its Wednesday, Paris): `met` first responses met, `doubleCharge` of them resolved as a double charge. */
function weekFacts(areaId: string, week: string, met: number, doubleCharge: number): { seeded: Seeded; fact: ComplaintFact }[] {
  const day = addDays(periodBounds(week, 'week').first, 2);
  return Array.from({ length: 20 }, (_, i) => {
    const id = `c_${areaId}_${week}_${String(i).padStart(2, '0')}`;
    const cause = i < doubleCharge ? 'double-charge' : i % 2 === 0 ? 'tariff-unclear' : 'invoice-missing';
    return { seeded: { id, areaId, week, cause }, fact: fact({ id, areaId, day, firstResponseMet: i < met, csat: 4, cause }) };
  });
}

/** Writes the facts the way the complaint persistence activity does (which marks their area-days for the rollups). */
async function writeWeek(models: ApiStack['models'], rows: { seeded: Seeded; fact: ComplaintFact }[], into: Seeded[]): Promise<void> {
  await Promise.all(rows.map((r) => writeComplaintFact(models, r.fact)));
  into.push(...rows.map((r) => r.seeded));
}

const spcTrigger = (overrides: Record<string, unknown> = {}) => ({
  triggerId: SPC,
  name: 'Billing first response out of control',
  areaId: AREA,
  kpi: 'first_response_attainment',
  period: 'week',
  lookbackPeriods: 12,
  condition: { type: 'spc', baselinePeriods: 8 },
  action: { cycleType: 'pdca', sponsorId: 'simon', deadlineDays: 60 },
  ...overrides,
});

describe('improvement triggers', () => {
  let stack: ApiStack;
  const seeded: Seeded[] = [];
  const scheduleId = uniqueId('quality-loop');
  const spcCycle = triggerCycleId(SPC, 'all', 1);

  beforeAll(async () => {
    stack = await startApiStack();
    const { models } = stack;
    await seedArea(models, AREA, areaDefinition({ name: 'Billing support', match: { categories: ['trg-billing'] } }), new Date(NOW0 - 400 * DAY_MS));
    await seedArea(models, YOUNG_AREA, areaDefinition({ name: 'Young area', match: { categories: ['trg-young'] } }), new Date(NOW0 - 400 * DAY_MS));
    const batches = [
      ...WEEKS.map((w, i) => weekFacts(AREA, w, MET[i]!, DOUBLE_CHARGE[i]!)),
      // Three weeks of history only: too few for control limits.
      ...WEEKS.slice(9).map((w) => weekFacts(YOUNG_AREA, w, 17, 5)),
    ];
    for (const batch of batches) await writeWeek(models, batch, seeded);
  });
  afterAll(async () => {
    await stack?.client.schedule
      .getHandle(scheduleId)
      .delete()
      .catch(() => undefined);
    await stack?.stop();
  });

  const runLoop = (input: QualityLoopInput = {}) =>
    stack.client.workflow.execute<(i: QualityLoopInput) => Promise<QualityLoopResult>>(QUALITY_LOOP_WORKFLOW, {
      taskQueue: stack.config.temporal.taskQueue,
      workflowId: uniqueId('quality-loop-run'),
      args: [input],
    });
  const readCycle = async (id: string): Promise<View> => {
    const res = await stack.call('GET', `/cycles/${id}`, { key: stack.keys.ada });
    expect(res.status).toBe(200);
    return res.body as View;
  };
  const statusOf = async (triggerId: string): Promise<View> => {
    const res = await stack.call('GET', `/triggers/${triggerId}`, { key: stack.keys.auditor });
    expect(res.status).toBe(200);
    return res.body.status as View;
  };
  const idsOf = (pred: (s: Seeded) => boolean) => seeded.filter(pred).map((s) => s.id).sort();

  /** Every collection's document count, the status documents and the workflows: what a dry run must leave as it was. */
  async function snapshot() {
    const db = stack.models.connection.db!;
    // Not the rate limiter's counters (src/services/rate-limits.ts): every request moves them, by design.
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).filter((n) => n !== stack.models.RateLimit.collection.collectionName).sort();
    const counts = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await db.collection(n).countDocuments({})] as const)));
    const [statuses, events, workflows] = await Promise.all([
      stack.models.TriggerStatus.find({}).sort({ _id: 1 }).lean(),
      stack.models.TriggerEvent.find({}).sort({ _id: 1 }).lean(),
      stack.workflowCount(),
    ]);
    return { counts, statuses, events, workflows };
  }

  describe('the catalog', () => {
    const triggerWrites = async () => ({ triggers: await stack.models.ImprovementTrigger.countDocuments({}), statuses: await stack.models.TriggerStatus.countDocuments({}) });
    const rejected = rejectionChecker(() => stack, triggerWrites);

    it('given a process owner, when creating a trigger on an area, then version 1 is stored and listed with an empty last-run status', async () => {
      const created = await stack.call('POST', '/triggers', { key: stack.keys.olivia, body: spcTrigger() });
      expect(created.status).toBe(201);
      expect(created.headers.location).toBe(`/triggers/${SPC}`);
      expect(created.body).toMatchObject({ triggerId: SPC, version: 1, enabled: true, filter: null, createdBy: 'olivia', status: { lastRun: null, openCycles: [] } });

      const list = await stack.call('GET', `/triggers?areaId=${AREA}`, { key: stack.keys.sponsor });
      expect(list.status).toBe(200);
      expect(list.body.items.map((t: View) => [t.triggerId, t.version, t.status.lastRun])).toEqual([[SPC, 1, null]]);
      expect((await stack.call('GET', `/triggers?areaId=${YOUNG_AREA}`, { key: stack.keys.sponsor })).body.items).toEqual([]);
      expect((await stack.call('GET', `/triggers/${SPC}?version=1`, { key: stack.keys.supervisor })).body).toMatchObject({ triggerId: SPC, version: 1, kpi: 'first_response_attainment' });
      expect(await stack.models.ImprovementTrigger.findById(`${SPC}@1`).lean()).toMatchObject({ triggerId: SPC, areaId: AREA, version: 1 });
    });

    it.each([
      ['an unknown area', 422, 'INVALID_DEFINITION', 'body.areaId', { areaId: 'atlantis' }],
      ['an unknown sponsor', 422, 'UNKNOWN_USER', 'body.action.sponsorId', { action: { cycleType: 'pdca', sponsorId: 'nobody', deadlineDays: 60 } }],
      ["the area's process owner as sponsor", 422, 'USER_CANNOT_ACT', 'body.action.sponsorId', { action: { cycleType: 'pdca', sponsorId: 'olivia', deadlineDays: 60 } }],
      ['an auditor as approver', 422, 'USER_CANNOT_ACT', 'body.action.approvers.0', { action: { cycleType: 'dmaic', sponsorId: 'simon', approvers: ['audrey'], deadlineDays: 60 } }],
      ['an unknown KPI', 400, 'VALIDATION_FAILED', 'body.kpi', { kpi: 'happiness' }],
      ['a name missing', 400, 'VALIDATION_FAILED', 'body.name', { name: undefined }],
      ['an unknown condition', 400, 'VALIDATION_FAILED', 'body.condition.type', { condition: { type: 'astrology' } }],
      ['too short an SPC baseline', 400, 'VALIDATION_FAILED', 'body.condition.baselinePeriods', { condition: { type: 'spc', baselinePeriods: 5 } }],
      ['an SPC baseline as long as the lookback', 400, 'VALIDATION_FAILED', 'body.condition.baselinePeriods', { lookbackPeriods: 8 }],
      ['a threshold over more periods than are read', 400, 'VALIDATION_FAILED', 'body.condition.periods', { lookbackPeriods: 4, condition: { type: 'threshold', periods: 6 } }],
      ['a share target above 100 %', 400, 'VALIDATION_FAILED', 'body.condition.target', { condition: { type: 'threshold', periods: 3, target: 95 } }],
      ['a Pareto share of 150 %', 400, 'VALIDATION_FAILED', 'body.condition.share', { condition: { type: 'pareto', by: 'cause', share: 1.5, periods: 3 } }],
      ['a Pareto trigger with a filter', 400, 'VALIDATION_FAILED', 'body.filter', { filter: { dimension: 'category', value: 'billing' }, condition: { type: 'pareto', by: 'cause', share: 0.5, periods: 3 } }],
      ['four years of months', 400, 'VALIDATION_FAILED', 'body.lookbackPeriods', { period: 'month', lookbackPeriods: 48 }],
      ['a deadline of 0 days', 400, 'VALIDATION_FAILED', 'body.action.deadlineDays', { action: { cycleType: 'pdca', sponsorId: 'simon', deadlineDays: 0 } }],
      ['an operator object as area', 400, 'VALIDATION_FAILED', 'body.areaId', { areaId: { $gt: '' } }],
      ['an unknown field', 400, 'VALIDATION_FAILED', 'body.owner', { owner: 'olivia' }],
    ] as const)('given %s, when creating a trigger, then %i %s on %s and nothing is written', async (_what, status, code, path, change) => {
      const res = await rejected('POST', '/triggers', { key: stack.keys.admin, body: spcTrigger({ triggerId: uniqueId('bad'), ...change }) }, status, code);
      expect(errorPaths(res)).toContain(path);
    });

    it('given bad versions, ids and queries, when reading or saving, then 400, 404 or 409 and nothing is written', async () => {
      const { triggerId: _id, ...def } = spcTrigger();
      await rejected('PUT', `/triggers/${SPC}`, { key: stack.keys.olivia, body: { expectedVersion: 5, ...def } }, 409, 'VERSION_CONFLICT');
      await rejected('POST', '/triggers', { key: stack.keys.olivia, body: spcTrigger() }, 409, 'VERSION_CONFLICT');
      expect(errorPaths(await rejected('PUT', `/triggers/${SPC}`, { key: stack.keys.olivia, body: def }, 400, 'VALIDATION_FAILED'))).toContain('body.expectedVersion');
      expect(errorPaths(await rejected('PUT', `/triggers/${SPC}`, { key: stack.keys.olivia, body: { expectedVersion: 1, ...def, triggerId: SPC } }, 400, 'VALIDATION_FAILED'))).toContain('body.triggerId');
      await rejected('GET', '/triggers/no-such-trigger', { key: stack.keys.auditor }, 404, 'NOT_FOUND');
      await rejected('GET', `/triggers/${SPC}?version=2`, { key: stack.keys.auditor }, 404, 'NOT_FOUND');
      expect(errorPaths(await rejected('GET', `/triggers/${SPC}?version=0`, { key: stack.keys.auditor }, 400, 'VALIDATION_FAILED'))).toContain('query.version');
      expect(errorPaths(await rejected('GET', '/triggers?areaId=Not%20A%20Slug', { key: stack.keys.auditor }, 400, 'VALIDATION_FAILED'))).toContain('query.areaId');
      await rejected('POST', '/analytics/triggers/no-such-trigger/evaluate', { key: stack.keys.auditor, body: {} }, 404, 'NOT_FOUND');
      expect(errorPaths(await rejected('POST', `/analytics/triggers/${SPC}/evaluate`, { key: stack.keys.auditor, body: { asOf: 0 } }, 400, 'VALIDATION_FAILED'))).toContain('body.asOf');
      expectProblem(await stack.call<Problem>('POST', '/triggers', { key: stack.keys.sponsor, body: spcTrigger({ triggerId: 'by-a-sponsor' }) }), 403, 'NOT_PERMITTED');
    });
  });

  describe('the quality loop', () => {
    it('given a week far below the control limits, when the quality loop runs, then exactly one cycle opens, owned by the process owner, with the evidence, baseline, goal and binding from the data', async () => {
      const result = await runLoop();
      expect(result).toEqual({ evaluated: 1, opened: [spcCycle], evidenceAdded: [], failed: [] });
      await eventually(async () => (await stack.models.Cycle.findById(spcCycle).lean())?.version, 20_000, 'opened cycle stored');
      expect(await stack.models.Cycle.countDocuments({})).toBe(1);

      const c = await readCycle(spcCycle);
      expect(c).toMatchObject({
        type: 'pdca',
        status: 'active',
        phase: 'plan',
        area: AREA,
        ownerId: 'olivia',
        sponsorId: 'simon',
        createdBy: { id: `trigger:${SPC}`, role: 'system' },
        origin: { triggerId: SPC, version: 1, subject: 'all' },
        binding: { kpi: 'first_response_attainment', areaId: AREA, filter: null, period: 'week', timeZone: PARIS },
        goal: { direction: 'higher_is_better', metricType: 'proportion', baseline: 0.4, target: 0.9 },
      });
      expect(c.settings.approvers).toEqual(['simon']);
      expect(c.problemStatement).toContain(`${SHIFT_WEEK}`);
      expect(c.problemStatement).toContain('40.0 %');

      // The evidence: what the trigger saw, and the complaints of that week behind it.
      const shiftIds = idsOf((s) => s.areaId === AREA && s.week === SHIFT_WEEK);
      expect(c.evidence.items).toHaveLength(1);
      const item = c.evidence.items[0];
      expect(item).toMatchObject({ key: `${SPC}:${SHIFT_WEEK}`, source: { triggerId: SPC, version: 1 }, kind: 'spc' });
      for (const text of ['40.0 %', 'centre line of 90.0 %', 'rule 1', SHIFT_WEEK, `baseline ${WEEKS[0]} to ${WEEKS[7]}`]) expect(item.summary).toContain(text);
      expect([...item.complaintIds].sort()).toEqual(shiftIds);
      expect([...c.evidence.complaintIds].sort()).toEqual(shiftIds);
      expect(item.data.points.map((p: View) => [p.period, p.value])).toEqual(WEEKS.map((w, i) => [w, MET[i]! / 20]));

      // The baseline from the data: the shifted week, 8 of 20, as the first measurement.
      expect(c.measurements.map((m: View) => ({ period: m.period, value: m.value, sampleSize: m.sampleSize }))).toEqual([{ period: SHIFT_WEEK, value: 0.4, sampleSize: 20 }]);

      // The audit trail: the system actor named after the trigger, with its id and version.
      const created = await stack.models.AuditEvent.findOne({ stream: `cycle:${spcCycle}`, seq: 1 }).lean();
      expect(created).toMatchObject({ action: 'create', actor: { id: `trigger:${SPC}`, role: 'system' }, details: { origin: { triggerId: SPC, version: 1, subject: 'all' } } });

      // What the loop recorded.
      const status = await statusOf(SPC);
      expect(status.lastRun).toMatchObject({ version: 1, outcome: 'signal', action: 'open', cycleId: spcCycle, subject: 'all', period: SHIFT_WEEK, reason: null });
      expect(status.openCycles).toEqual([{ subject: 'all', cycleId: spcCycle, openedAt: status.lastRun.at, opened: 1 }]);
      expect(await stack.models.TriggerEvent.find({}).lean()).toEqual([
        expect.objectContaining({ _id: `${SPC}|all|${SHIFT_WEEK}`, triggerId: SPC, triggerVersion: 1, areaId: AREA, subject: 'all', period: SHIFT_WEEK, outcome: 'opened', cycleId: spcCycle }),
      ]);
    });

    it('given the same week, when the Schedule the worker ensures runs the loop again, then nothing opens and nothing is added, and the last run says why', async () => {
      const { client, config } = stack;
      await ensureQualityLoopSchedule(client, config, scheduleId);
      const handle = await ensureQualityLoopSchedule(client, config, scheduleId);
      const described = await handle.describe();
      expect(described.spec.intervals).toEqual([{ every: DAY_MS, offset: 3_600_000 }]);
      expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: QUALITY_LOOP_WORKFLOW, taskQueue: config.temporal.taskQueue });
      expect(described.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);

      const before = (await statusOf(SPC)).lastRun.at;
      await handle.trigger();
      const started = await eventually(async () => (await handle.describe()).info.recentActions[0]?.action.workflow.workflowId, 20_000, 'scheduled run started');
      expect(await client.workflow.getHandle(started).result()).toEqual({ evaluated: 1, opened: [], evidenceAdded: [], failed: [] });

      const status = await statusOf(SPC);
      expect(status.lastRun.at).not.toBe(before);
      expect(status.lastRun).toMatchObject({ outcome: 'signal', action: 'none', cycleId: null, period: SHIFT_WEEK, reason: `the signal of ${SHIFT_WEEK} was already acted on (opened, cycle ${spcCycle})` });
      expect(status.openCycles).toHaveLength(1);
      expect(await stack.models.TriggerEvent.countDocuments({})).toBe(1);
      expect(await stack.models.Cycle.countDocuments({})).toBe(1);
      expect((await readCycle(spcCycle)).evidence.items).toHaveLength(1);
    });

    it('given the next week below the limits too, when the loop evaluates as of a week later, then its evidence is added to the open cycle and no cycle opens', async () => {
      await writeWeek(stack.models, weekFacts(AREA, NEXT_WEEK, 6, 5), seeded);

      const result = await runLoop({ triggerId: SPC, asOf: NOW0 + 7 * DAY_MS });
      expect(result).toEqual({ evaluated: 1, opened: [], evidenceAdded: [spcCycle], failed: [] });
      const items = await eventually(async () => {
        const list = (await readCycle(spcCycle)).evidence.items as View[];
        return list.length === 2 ? list : null;
      }, 20_000, 'evidence added');
      expect(items.map((i) => i.key)).toEqual([`${SPC}:${SHIFT_WEEK}`, `${SPC}:${NEXT_WEEK}`]);
      expect(items[1]!.summary).toContain('30.0 %');
      expect([...items[1]!.complaintIds].sort()).toEqual(idsOf((s) => s.areaId === AREA && s.week === NEXT_WEEK));

      expect(await stack.models.Cycle.countDocuments({})).toBe(1);
      expect((await stack.models.TriggerEvent.find({}).sort({ period: 1 }).lean()).map((e) => [e.period, e.outcome, e.cycleId])).toEqual([
        [SHIFT_WEEK, 'opened', spcCycle],
        [NEXT_WEEK, 'evidence_added', spcCycle],
      ]);
      expect((await statusOf(SPC)).lastRun).toMatchObject({ outcome: 'signal', action: 'add_evidence', cycleId: spcCycle, period: NEXT_WEEK });
    });

    it('given a disabled Pareto trigger, when dry-run, then it answers the cycle it would open and why, and writes nothing', async () => {
      const created = await stack.call('POST', '/triggers', {
        key: stack.keys.admin,
        body: {
          triggerId: PARETO,
          name: 'Billing causes',
          areaId: AREA,
          enabled: false,
          kpi: 'complaint_volume',
          period: 'week',
          lookbackPeriods: 12,
          condition: { type: 'pareto', by: 'cause', share: 0.5, periods: 3, minComplaints: 5 },
          action: { cycleType: 'dmaic', sponsorId: 'simon', approvers: ['simon', 'sam'], deadlineDays: 90 },
        },
      });
      expect(created.status).toBe(201);
      // Rollups up to date first: the dry run's own refresh then has nothing to recompute.
      await createAnalyticsService({ models: stack.models }).refreshRollups();
      const before = await snapshot();

      const res = await stack.call('POST', `/analytics/triggers/${PARETO}/evaluate`, { key: stack.keys.auditor, body: {} });
      expect(res.status).toBe(200);
      const subject = 'cause=double-charge';
      expect(res.body).toMatchObject({ dryRun: true, triggerId: PARETO, version: 1, enabled: false, outcome: 'signal', subject, period: SHIFT_WEEK, decision: { kind: 'open', cycleId: triggerCycleId(PARETO, subject, 1) } });
      expect(res.body.summary).toContain(`55.0 % (11 of 20) in ${WEEKS[9]}, 60.0 % (12 of 20) in ${WEEKS[10]} and 65.0 % (13 of 20) in ${WEEKS[11]}`);
      expect(res.body.decision.intake).toMatchObject({
        type: 'dmaic',
        ownerId: 'olivia',
        sponsorId: 'simon',
        settings: { approvers: ['simon', 'sam'] },
        binding: { kpi: 'complaint_volume', areaId: AREA, filter: { dimension: 'cause', value: 'double-charge' }, period: 'week' },
        goal: { baseline: 12, target: 6, direction: 'lower_is_better' },
        baselineMeasurements: WEEKS.slice(9).map((period, i) => expect.objectContaining({ period, value: DOUBLE_CHARGE[9 + i] })),
      });
      // The spc trigger's week was acted on: its dry run says so.
      const spc = await stack.call('POST', `/analytics/triggers/${SPC}/evaluate`, { key: stack.keys.supervisor, body: {} });
      expect(spc.body).toMatchObject({ outcome: 'signal', decision: { kind: 'none', reason: expect.stringContaining('already acted on') } });

      expect(await snapshot()).toEqual(before);
      expect(await stack.models.TriggerStatus.findById(PARETO).lean()).toBeNull();
    });

    it('given the Pareto trigger enabled (version 2), when the loop runs, then it opens a DMAIC cycle bound to the dominating cause, with a sample of those complaints', async () => {
      const { triggerId: _t, ...def } = (await stack.call('GET', `/triggers/${PARETO}`, { key: stack.keys.admin })).body as View;
      const saved = await stack.call('PUT', `/triggers/${PARETO}`, {
        key: stack.keys.olivia,
        body: { expectedVersion: 1, name: def.name, areaId: def.areaId, enabled: true, kpi: def.kpi, filter: null, period: def.period, lookbackPeriods: def.lookbackPeriods, condition: def.condition, action: def.action },
      });
      expect(saved.status).toBe(200);
      expect(saved.body).toMatchObject({ version: 2, enabled: true });

      const subject = 'cause=double-charge';
      const id = triggerCycleId(PARETO, subject, 1);
      expect(await runLoop({ triggerId: PARETO })).toEqual({ evaluated: 1, opened: [id], evidenceAdded: [], failed: [] });
      await eventually(async () => (await stack.models.Cycle.findById(id).lean())?.version, 20_000, 'Pareto cycle stored');
      const c = await readCycle(id);
      expect(c).toMatchObject({ type: 'dmaic', phase: 'define', ownerId: 'olivia', origin: { triggerId: PARETO, version: 2, subject }, binding: { filter: { dimension: 'cause', value: 'double-charge' } } });
      expect(c.measurements.map((m: View) => [m.period, m.value])).toEqual(WEEKS.slice(9).map((w, i) => [w, DOUBLE_CHARGE[9 + i]]));
      // The sample: the newest double-charge complaints of the three weeks (36 of them; 20 sampled).
      const behind = new Set(idsOf((s) => s.areaId === AREA && WEEKS.slice(9).includes(s.week) && s.cause === 'double-charge'));
      expect(c.evidence.complaintIds).toHaveLength(20);
      expect(c.evidence.complaintIds.filter((i: string) => !behind.has(i))).toEqual([]);
      expect(c.evidence.items[0].data.periods.map((p: View) => [p.period, p.total, p.rows[0].key, p.rows[0].count])).toEqual(WEEKS.slice(9).map((w, i) => [w, 20, 'double-charge', DOUBLE_CHARGE[9 + i]]));
      expect(await stack.models.AuditEvent.findOne({ stream: `cycle:${id}`, seq: 1 }).lean()).toMatchObject({ actor: { id: `trigger:${PARETO}`, role: 'system' }, details: { origin: { triggerId: PARETO, version: 2 } } });
      expect(await stack.models.Cycle.countDocuments({})).toBe(2);
    });

    it('given a trigger on an area with three weeks of data, when the loop runs, then it cannot evaluate, says why in its last-run status and opens nothing', async () => {
      const created = await stack.call('POST', '/triggers', { key: stack.keys.olivia, body: spcTrigger({ triggerId: YOUNG, name: 'Young area first response', areaId: YOUNG_AREA }) });
      expect(created.status).toBe(201);
      const cycles = await stack.models.Cycle.countDocuments({});

      expect(await runLoop({ triggerId: YOUNG })).toEqual({ evaluated: 1, opened: [], evidenceAdded: [], failed: [] });
      const status = await statusOf(YOUNG);
      expect(status.lastRun).toMatchObject({ version: 1, outcome: 'cannot_evaluate', action: 'none', cycleId: null });
      expect(status.lastRun.reason).toBe(`the baseline (${WEEKS[0]} to ${WEEKS[7]}) has 0 periods with data; a control chart needs at least 8 to set its limits`);
      expect(status.openCycles).toEqual([]);
      expect(await stack.models.TriggerEvent.countDocuments({ triggerId: YOUNG })).toBe(0);
      expect(await stack.models.Cycle.countDocuments({})).toBe(cycles);

      const listed = await stack.call('GET', '/triggers', { key: stack.keys.auditor });
      expect(listed.body.items.map((t: View) => [t.triggerId, t.status.lastRun?.outcome ?? null])).toEqual([
        [PARETO, 'signal'],
        [SPC, 'signal'],
        [YOUNG, 'cannot_evaluate'],
      ]);
    });
  });
});
