/**
 * The quality-review schedule on the real stack (Worker on the Temporal dev
 * server, FerretDB): the Temporal Schedule the worker ensures, triggered,
 * runs `qualityReviewScheduleWorkflow`, whose activity finds the areas whose
 * review period ended and builds each snapshot from the seeded data (KPI
 * facts through the analytics rollups, service volume, trigger events,
 * cycles); one review workflow per area-period is started and persisted.
 * The expected snapshot is computed in this file from the seeded specs. A
 * second run creates nothing; a review whose workflow exists but has not
 * persisted yet is recognised too.
 */
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { REVIEW_SCHEDULE_WORKFLOW, REVIEW_WORKFLOW, type ReviewScheduleResult, reviewWorkflowId } from '../../src/contracts/review';
import { storedState } from '../../src/db/models';
import { startOfLocalDay } from '../../src/domain/calendar';
import { type ReviewState, reviewIdOf } from '../../src/domain/review';
import { ensureReviewSchedule } from '../../src/services/review-schedule';
import { type ApiStack, startApiStack } from '../helpers/api';
import { type FactSpec, PARIS, areaDefinition, dayOf, lastEndedMonth, seedArea, writeFacts } from '../helpers/review-fixtures';
import { eventually, uniqueId } from '../helpers/stack';

const DAY_MS = 86_400_000;
const period = lastEndedMonth();
/** Area ids unique per run: workflow ids (`review-<area>-<period>`) are shared by every test file on the Temporal server. */
const run = uniqueId('r');
const BILLING = `billing-${run}`;
const RETURNS = `returns-${run}`;
const FRESH = `fresh-${run}`;
const PARCELS = `parcels-${run}`;
const reviewId = reviewIdOf(BILLING, period.key);
const periodStart = startOfLocalDay(period.from, PARIS);

/** Ten complaints of billing in the period: 7 first responses met, CSAT on 8, causes 5 / 3 / 1 / none. */
const IN_PERIOD: FactSpec[] = [
  { met: true, csat: 5, cause: 'double-charge' },
  { met: true, csat: 4, cause: 'double-charge' },
  { met: false, csat: 2, cause: 'double-charge' },
  { met: true, csat: 5, cause: 'double-charge' },
  { met: true, csat: 3, cause: 'double-charge' },
  { met: false, csat: 4, cause: 'tariff-unclear' },
  { met: true, csat: null, cause: 'tariff-unclear' },
  { met: true, csat: 5, cause: 'tariff-unclear' },
  { met: false, csat: 1, cause: 'invoice-missing' },
  { met: true, csat: null, cause: null },
].map((s, i) => ({ id: `c_rs_in_${i}`, areaId: BILLING, day: dayOf(period, 1 + (i % 27)), firstResponseMet: s.met, csat: s.csat, cause: s.cause }));

/** Not in the review: the month before, and another area. */
const OUTSIDE: FactSpec[] = [
  { id: 'c_rs_before', areaId: BILLING, day: new Date(Date.parse(`${period.from}T00:00:00Z`) - 2 * DAY_MS).toISOString().slice(0, 10), firstResponseMet: false, csat: 1, cause: 'invoice-missing' },
  { id: 'c_rs_other', areaId: RETURNS, day: dayOf(period, 3), firstResponseMet: false, csat: 1, cause: 'invoice-missing' },
];

describe('quality review schedule', () => {
  let stack: ApiStack;
  const scheduleId = uniqueId('review-schedule');
  let previousWorkflowCount = 0;

  beforeAll(async () => {
    stack = await startApiStack();
    const { models } = stack;
    const longAgo = new Date(Date.now() - 400 * DAY_MS);
    await seedArea(models, BILLING, areaDefinition(), longAgo);
    // An area whose period-ended review exists as a workflow that has not persisted yet (see the last test).
    await seedArea(models, RETURNS, areaDefinition({ name: 'Returns', match: { categories: ['returns-review-test'] }, review: { frequency: 'monthly', reviewerIds: ['sam'] } }), longAgo);
    // Created today: it did not exist during the period that ended, so it has no review of it.
    await seedArea(models, FRESH, areaDefinition({ name: 'Fresh area', match: { categories: ['fresh-review-test'] } }));
    await writeFacts(models, [...IN_PERIOD, ...OUTSIDE]);
    for (const [day, volume] of [
      [dayOf(period, 2), 2000],
      [dayOf(period, 9), 3000],
    ] as const) {
      await models.ServiceVolume.create({ _id: `${BILLING}|${day}`, areaId: BILLING, day, volume, updatedAt: new Date(), updatedBy: 'sam' });
    }
    const event = (id: string, areaId: string, at: number, outcome: 'opened' | 'evidence_added') => ({
      _id: id,
      triggerId: 'billing-causes',
      triggerVersion: 2,
      areaId,
      subject: 'cause=double-charge',
      period: period.key,
      outcome,
      cycleId: 'y_rs_named',
      summary: `double-charge held ${id}`,
      at: new Date(at),
    });
    await models.TriggerEvent.insertMany([
      event('ev-in', BILLING, periodStart + 2 * DAY_MS, 'opened'),
      event('ev-before', BILLING, periodStart - 3 * DAY_MS, 'evidence_added'),
      event('ev-other', RETURNS, periodStart + 2 * DAY_MS, 'opened'),
    ]);
    // Cycle read-model rows as the cycle activity writes them (only the fields a snapshot reads matter here).
    const cycle = (id: string, fields: Record<string, unknown>) => ({
      _id: id,
      title: `Cycle ${id}`,
      type: 'pdca',
      phase: 'plan',
      status: 'active',
      ownerId: 'olivia',
      closedAt: null,
      boundAreaId: null,
      createdAt: new Date(periodStart),
      ...fields,
    });
    await models.Cycle.collection.insertMany([
      cycle('y_rs_named', { area: BILLING }),
      cycle('y_rs_bound', { area: 'Billing support desk', boundAreaId: BILLING, type: 'dmaic', phase: 'measure' }),
      cycle('y_rs_closed', { area: BILLING, phase: 'act', status: 'standardized', closedAt: new Date(periodStart + 5 * DAY_MS) }),
      cycle('y_rs_closed_before', { area: BILLING, phase: 'act', status: 'abandoned', closedAt: new Date(periodStart - 5 * DAY_MS) }),
      cycle('y_rs_other', { area: RETURNS }),
    ] as never[]);
    previousWorkflowCount = await stack.workflowCount();
  });
  afterAll(async () => {
    await stack?.client.schedule
      .getHandle(scheduleId)
      .delete()
      .catch(() => undefined);
    await stack?.stop();
  });

  it('given the Schedule the worker ensures, when ensured twice and triggered, then it runs daily and its run creates the review of the ended month with the snapshot computed from the seeded data', async () => {
    const { models, client, config } = stack;
    await ensureReviewSchedule(client, config, scheduleId);
    const handle = await ensureReviewSchedule(client, config, scheduleId);
    const described = await handle.describe();
    expect(described.spec.intervals).toEqual([{ every: DAY_MS, offset: 3_600_000 }]);
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: REVIEW_SCHEDULE_WORKFLOW, taskQueue: config.temporal.taskQueue });

    await handle.trigger();
    const doc = await eventually(async () => models.QualityReview.findById(reviewId).lean(), 30_000, 'review created by the scheduled run');
    expect(doc).toMatchObject({ areaId: BILLING, period: period.key, status: 'open', version: 1 });
    const s = storedState<ReviewState>(doc);
    const snap = s.snapshot;

    expect(s).toMatchObject({ reviewId, processOwnerId: 'olivia', reviewerIds: ['simon', 'sam'], createdBy: { id: 'system', role: 'system' }, decisions: [], actions: [], signatures: [] });
    expect(snap.area).toEqual({ areaId: BILLING, version: 1, name: 'Billing support', processOwnerId: 'olivia', timeZone: PARIS });
    expect(snap.period).toEqual(period);
    expect(snap.previousReviewId).toBeNull();
    expect(snap.signalsSince).toBe(periodStart);

    // The figures, computed here from the seeded specs.
    const met = IN_PERIOD.filter((f) => f.firstResponseMet).length;
    const ratings = IN_PERIOD.map((f) => f.csat).filter((c): c is number => c !== null);
    const csat = ratings.reduce((a, b) => a + b, 0) / ratings.length;
    const row = (kpi: string, i = 0) => snap.kpis.filter((k) => k.kpi === kpi)[i]!;
    expect(snap.kpis.slice(0, 2).map((k) => k.kpi)).toEqual(['first_response_attainment', 'csat_average']);
    expect(row('first_response_attainment')).toMatchObject({ value: met / IN_PERIOD.length, n: IN_PERIOD.length, objective: { comparator: '>=', target: 0.9 }, met: false });
    expect(row('csat_average').value).toBeCloseTo(csat, 10);
    expect(row('csat_average')).toMatchObject({ objective: { comparator: '>=', target: 4 }, met: csat >= 4 });
    expect(row('complaint_volume')).toMatchObject({ value: IN_PERIOD.length, objective: null, met: null });
    expect(row('complaint_rate').value).toBeCloseTo((IN_PERIOD.length * 1000) / 5000, 10);
    expect(row('resolution_attainment')).toMatchObject({ value: 1, n: IN_PERIOD.length });
    expect(row('reopen_rate').value).toBe(0);

    const byCause = new Map<string, number>();
    for (const f of IN_PERIOD) if (f.cause) byCause.set(f.cause, (byCause.get(f.cause) ?? 0) + 1);
    const withCause = [...byCause.values()].reduce((a, b) => a + b, 0);
    expect(snap.topCauses.map((c) => [c.cause, c.label, c.count])).toEqual([
      ['double-charge', 'Double charge', 5],
      ['tariff-unclear', 'Tariff not explained', 3],
      ['invoice-missing', 'Invoice not received', 1],
    ]);
    expect(snap.topCauses[0]!.share).toBeCloseTo(5 / withCause, 10);
    expect(snap.topCauses[2]!.cumulativeShare).toBeCloseTo(1, 10);

    expect(snap.signals.map((x) => [x.triggerId, x.outcome, x.cycleId, x.at])).toEqual([['billing-causes', 'opened', 'y_rs_named', periodStart + 2 * DAY_MS]]);
    expect(snap.cycles.open.map((c) => [c.cycleId, c.type, c.phase, c.status])).toEqual([
      ['y_rs_bound', 'dmaic', 'measure', 'active'],
      ['y_rs_named', 'pdca', 'plan', 'active'],
    ]);
    expect(snap.cycles.closedSinceLastReview.map((c) => [c.cycleId, c.status, c.closedAt])).toEqual([['y_rs_closed', 'standardized', periodStart + 5 * DAY_MS]]);

    // Persisted like every entity: an attributed, chained audit event and a notification to the reviewers.
    const events = await models.AuditEvent.find({ stream: `review:${reviewId}` }).sort({ seq: 1 }).lean();
    expect(events.map((e) => [e.seq, e.action, e.actor?.id, e.entityType, e.entityId])).toEqual([[1, 'create', 'system', 'review', reviewId]]);
    expect(await models.Outbox.find({ reviewId }, { type: 1, 'recipients.userIds': 1 }).lean()).toEqual([
      expect.objectContaining({ type: 'review.opened', recipients: expect.objectContaining({ userIds: ['olivia', 'simon', 'sam'] }) }),
    ]);
    // The area created today has no review of a month it did not exist in.
    expect(await models.QualityReview.exists({ areaId: FRESH })).toBeNull();
  });

  it('given the reviews of the ended month exist, when the schedule runs again, then it starts nothing: one review per area and period', async () => {
    const { models, client, config } = stack;
    // The first run started two reviews; wait until both have persisted, so the count below is settled.
    for (const id of [reviewId, reviewIdOf(RETURNS, period.key)]) {
      await eventually(async () => models.AuditEvent.exists({ stream: `review:${id}` }), 30_000, `review ${id} persisted`);
    }
    const before = await models.AuditEvent.countDocuments({});
    const result = await client.workflow.execute<() => Promise<ReviewScheduleResult>>(REVIEW_SCHEDULE_WORKFLOW, { taskQueue: config.temporal.taskQueue, workflowId: uniqueId('review-schedule-again') });
    expect(result.started).toEqual([]);
    expect(result.existing).toEqual(expect.arrayContaining([reviewId, reviewIdOf(RETURNS, period.key)]));
    expect(result.skipped).toEqual([]);
    expect(await models.QualityReview.countDocuments({ areaId: BILLING })).toBe(1);
    expect(await models.AuditEvent.countDocuments({})).toBe(before);
    // Workflows ever started since the seeding: the triggered run, its two reviews, this run.
    await eventually(async () => (await stack.workflowCount()) === previousWorkflowCount + 4, 20_000, 'workflows visible');
  });

  it('given a review workflow that exists but has not persisted yet, when the schedule runs, then the start is refused by its id and counted as existing, not duplicated', async () => {
    const { models, client, config } = stack;
    // A period-ended review of a third area, started on a queue no worker polls: it exists, but wrote nothing.
    await seedArea(models, PARCELS, areaDefinition({ name: 'Parcels', match: { categories: ['parcels-review-test'] } }), new Date(Date.now() - 400 * DAY_MS));
    const pendingId = reviewIdOf(PARCELS, period.key);
    const pending = await client.workflow.start(REVIEW_WORKFLOW, {
      taskQueue: uniqueId('nobody-polls'),
      workflowId: reviewWorkflowId(pendingId),
      args: [{ intake: { reviewId: pendingId } }],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
    try {
      const result = await client.workflow.execute<() => Promise<ReviewScheduleResult>>(REVIEW_SCHEDULE_WORKFLOW, { taskQueue: config.temporal.taskQueue, workflowId: uniqueId('review-schedule-race') });
      expect(result.started).toEqual([]);
      expect(result.existing).toEqual(expect.arrayContaining([reviewId, pendingId]));
      expect(await models.QualityReview.exists({ _id: pendingId })).toBeNull();
    } finally {
      await pending.terminate('test done');
    }
  });
});
