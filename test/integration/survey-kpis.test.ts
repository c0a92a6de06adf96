/**
 * Survey KPIs in the loop, on the real stack (Worker on the Temporal dev
 * server, FerretDB, the API): survey facts written the way a campaign's
 * compute step writes them (`surveyFactsOf` then `writeSurveyFacts`) become
 * NPS and SERVQUAL gap series per area and week; a threshold trigger
 * ("reliability gap below -1.0 for two weeks") and an SPC trigger on NPS
 * open cycles through the quality loop workflow, owned by the area's process
 * owner, bound to the KPI, with the evidence; the area's objective on a survey
 * KPI is what a trigger without a target judges; a dimension filter on a
 * survey KPI is refused; an NPS score given when a complaint is closed
 * reaches nps_score through the complaint's own fact.
 *
 * Expected figures are computed here from the answers, independently of the
 * rollups.
 */
import { QUALITY_LOOP_WORKFLOW, type QualityLoopInput, type QualityLoopResult } from '../../src/contracts/quality-loop';
import { addDays, dayInZone, periodBounds } from '../../src/domain/kpi';
import type { SurveyAnswers, SurveyContent } from '../../src/domain/survey';
import { type CompletedResponse, surveyFactsOf } from '../../src/domain/survey-facts';
import { completedPeriods, triggerCycleId } from '../../src/domain/trigger';
import { writeSurveyFacts } from '../../src/db/survey-facts';
import { type ApiStack, type Problem, errorPaths, expectProblem, startApiStack } from '../helpers/api';
import { PARIS, PARIS_CALENDAR, areaDefinition, seedArea } from '../helpers/review-fixtures';
import { eventually, uniqueId } from '../helpers/stack';

type View = Record<string, any>;

const DAY_MS = 86_400_000;
const NOW0 = Date.now();
/** The twelve completed ISO weeks before this one in Paris, oldest first. */
const WEEKS = completedPeriods('week', PARIS, NOW0, 12).periods;
const FROM = periodBounds(WEEKS[0]!, 'week').first;
const TO = periodBounds(WEEKS[11]!, 'week').last;

const AREA = 'vox-billing';
const CATEGORY = 'vox-billing';
const GAP_TRIGGER = 'vox-reliability-gap';
const NPS_TRIGGER = 'vox-nps-spc';
const OBJECTIVE_TRIGGER = 'vox-nps-objective';

// ------------------------------------------------------------------- answers

const SERVQUAL: Extract<SurveyContent, { kind: 'servqual' }> = {
  kind: 'servqual',
  askImportance: false,
  items: (
    [
      ['t1', 'tangibles'],
      ['t2', 'tangibles'],
      ['rel1', 'reliability'],
      ['rel2', 'reliability'],
      ['res1', 'responsiveness'],
      ['res2', 'responsiveness'],
      ['a1', 'assurance'],
      ['a2', 'assurance'],
      ['e1', 'empathy'],
      ['e2', 'empathy'],
    ] as const
  ).map(([id, dimension]) => ({ id, dimension, text: { en: `item ${id}` } })),
};
const NPS: SurveyContent = { kind: 'nps', question: { en: 'How likely are you to recommend us?' } };
const CSAT: SurveyContent = { kind: 'csat', question: { en: 'How satisfied are you?' } };

/** Reliability perceptions (rel1, rel2) of the four respondents of each week; expectations are 6. About −0.5 for ten weeks, below −1.0 in the last two. */
const USUAL: [number, number][][] = [
  [
    [6, 5],
    [5, 6],
    [6, 6],
    [5, 5],
  ],
  [
    [6, 6],
    [5, 6],
    [6, 6],
    [5, 5],
  ],
];
const RELIABILITY: [number, number][][] = [
  ...Array.from({ length: 10 }, (_, i) => USUAL[i % 2]!),
  [
    [5, 5],
    [4, 5],
    [5, 5],
    [4, 4],
  ],
  [
    [5, 4],
    [4, 5],
    [5, 5],
    [4, 4],
  ],
];

function servqualAnswers([rel1, rel2]: [number, number]): Extract<SurveyAnswers, { kind: 'servqual' }> {
  return {
    kind: 'servqual',
    expectations: { t1: 5, t2: 5, rel1: 6, rel2: 6, res1: 6, res2: 6, a1: 6, a2: 6, e1: 5, e2: 5 },
    perceptions: { t1: 6, t2: 6, rel1, rel2, res1: 5, res2: 5, a1: 6, a2: 6, e1: 5, e2: 5 },
  };
}

/** Promoters and detractors of the ten NPS answers of each week: NPS 40, 40, 50, 30, 40... then a drop to −50 in the last week. */
const NPS_MIX: [promoters: number, detractors: number][] = [
  [6, 2],
  [5, 1],
  [6, 1],
  [5, 2],
  [6, 2],
  [5, 1],
  [6, 2],
  [5, 1],
  [6, 2],
  [5, 2],
  [6, 1],
  [1, 6],
];
const npsScores = ([p, d]: [number, number]) => Array.from({ length: 10 }, (_, i) => (i < p ? 9 + (i % 2) : i < 10 - d ? 7 + (i % 2) : [6, 3, 0, 5][i % 4]!));

/** CSAT campaign ratings, in the last three weeks only. */
const CSAT_RATINGS: Record<number, number[]> = { 9: [5, 4, 4], 10: [3, 4, 5, 5], 11: [2, 3] };

/** Wednesday 10:00 UTC of a week (the same day in Paris): when its responses were completed. */
const completedIn = (week: string, i: number) => Date.parse(`${addDays(periodBounds(week, 'week').first, 2)}T10:00:00Z`) + i * 60_000;

const responses = (week: string, answers: readonly SurveyAnswers[]): CompletedResponse[] =>
  answers.map((a, i) => ({ responseId: `inv_${a.kind}_${week}_${i}`, answers: a, completedAt: completedIn(week, i) }));

/** What each week's campaigns contribute, as the compute step of each campaign would produce it. */
function weekFacts(w: number) {
  const week = WEEKS[w]!;
  const campaign = (kind: string) => ({ campaignId: `cmp_${kind}_${week}`, areaId: AREA, timeZone: PARIS });
  return [
    ...surveyFactsOf(campaign('servqual'), SERVQUAL, responses(week, RELIABILITY[w]!.map(servqualAnswers))),
    ...surveyFactsOf(campaign('nps'), NPS, responses(week, npsScores(NPS_MIX[w]!).map((score) => ({ kind: 'nps', score })))),
    ...surveyFactsOf(campaign('csat'), CSAT, responses(week, (CSAT_RATINGS[w] ?? []).map((rating) => ({ kind: 'csat', rating })))),
  ];
}

// --------------------------------------------------- independent computation

const mean = (list: readonly number[]) => list.reduce((a, b) => a + b, 0) / list.length;
const npsOf = (scores: readonly number[]) => ((scores.filter((s) => s >= 9).length - scores.filter((s) => s <= 6).length) / scores.length) * 100;

/** Each respondent's gap per dimension from the raw answers: mean of P − E over the dimension's items. */
function respondentGaps(a: Extract<SurveyAnswers, { kind: 'servqual' }>): Record<string, number> {
  const byDimension: Record<string, number[]> = {};
  for (const item of SERVQUAL.items) (byDimension[item.dimension] ??= []).push(a.perceptions[item.id]! - a.expectations[item.id]!);
  return Object.fromEntries(Object.entries(byDimension).map(([d, gaps]) => [d, mean(gaps)]));
}
const reliabilityOfWeek = (w: number) => mean(RELIABILITY[w]!.map((r) => respondentGaps(servqualAnswers(r)).reliability!));
const overallOfWeek = (w: number) => mean(RELIABILITY[w]!.map((r) => mean(Object.values(respondentGaps(servqualAnswers(r))))));

const r10 = (v: number | null) => (v === null ? null : Number(v.toPrecision(10)));

// ---------------------------------------------------------------------- test

describe('survey KPIs in the loop', () => {
  let stack: ApiStack;

  beforeAll(async () => {
    stack = await startApiStack();
    await seedArea(stack.models, AREA, areaDefinition({ name: 'Billing voice', match: { categories: [CATEGORY] }, causes: [], objectives: [] }), new Date(NOW0 - 400 * DAY_MS));
    for (let w = 0; w < WEEKS.length; w++) await writeSurveyFacts(stack.models, weekFacts(w));
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const runLoop = (input: QualityLoopInput) =>
    stack.client.workflow.execute<(i: QualityLoopInput) => Promise<QualityLoopResult>>(QUALITY_LOOP_WORKFLOW, {
      taskQueue: stack.config.temporal.taskQueue,
      workflowId: uniqueId('quality-loop-run'),
      args: [input],
    });
  const must = async (path: string, key = stack.keys.olivia): Promise<View> => {
    const res = await stack.call('GET', path, { key });
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${res.text.slice(0, 600)}`);
    return res.body as View;
  };
  const readCycle = (id: string) => must(`/cycles/${id}`, stack.keys.ada);
  const writes = async () => ({
    cycles: await stack.models.Cycle.countDocuments({}),
    events: await stack.models.TriggerEvent.countDocuments({}),
    statuses: await stack.models.TriggerStatus.countDocuments({}),
    workflows: await stack.workflowCount(),
  });
  const range = `area=${AREA}&period=week&from=${FROM}&to=${TO}`;

  it('given twelve weeks of survey facts, when the KPIs are read through the API, then each weekly point equals the figure computed from the answers', async () => {
    const body = await must(`/analytics/kpis?kpi=nps_score,servqual_gap_reliability,servqual_gap_overall,survey_csat_average,complaint_volume&${range}`);
    const series = (kpi: string) => body.items.find((s: View) => s.kpi === kpi);
    const points = (kpi: string) => series(kpi).points.map((p: View) => [p.period, r10(p.value), p.n]);

    expect(points('nps_score')).toEqual(WEEKS.map((w, i) => [w, r10(npsOf(npsScores(NPS_MIX[i]!))), 10]));
    expect(points('servqual_gap_reliability')).toEqual(WEEKS.map((w, i) => [w, r10(reliabilityOfWeek(i)), 4]));
    expect(points('servqual_gap_overall')).toEqual(WEEKS.map((w, i) => [w, r10(overallOfWeek(i)), 4]));
    expect(points('survey_csat_average')).toEqual(WEEKS.map((w, i) => (CSAT_RATINGS[i] ? [w, r10(mean(CSAT_RATINGS[i])), CSAT_RATINGS[i].length] : [w, null, null])));
    // The last two weeks are the ones below −1.0.
    expect(WEEKS.map((_, i) => reliabilityOfWeek(i) < -1)).toEqual([...Array(10).fill(false), true, true]);
    // Over the whole range: all 120 NPS answers pooled.
    expect(r10(series('nps_score').total.value)).toBe(r10(npsOf(NPS_MIX.flatMap(npsScores))));
    expect(series('nps_score')).toMatchObject({ unit: 'NPS points', better: 'higher', chart: 'imr' });
    // Survey answers are not complaints.
    expect(series('complaint_volume').points.every((p: View) => p.value === 0)).toBe(true);
  });

  it('given the same facts written again (a retried compute step), when read, then nothing is counted twice', async () => {
    const before = await must(`/analytics/kpis?kpi=nps_score,servqual_gap_reliability&${range}`);
    const stored = await stack.models.SurveyFact.countDocuments({});
    for (let w = 0; w < WEEKS.length; w++) await writeSurveyFacts(stack.models, weekFacts(w));
    expect(await stack.models.SurveyFact.countDocuments({})).toBe(stored);
    expect(stored).toBe(WEEKS.length * (4 + 10) + 9);
    expect(await stack.models.KpiDirty.countDocuments({})).toBeGreaterThan(0);
    expect(await must(`/analytics/kpis?kpi=nps_score,servqual_gap_reliability&${range}`)).toEqual(before);
    expect(await stack.models.KpiDirty.countDocuments({})).toBe(0);
  });

  it('given a dimension filter on a survey KPI, when a series or chart is asked (or an agent asks, whose filter is their own), then 422 naming query.dimension', async () => {
    for (const path of [`/analytics/kpis?kpi=complaint_volume,nps_score&${range}&dimension=category&value=${CATEGORY}`, `/analytics/control-chart?kpi=servqual_gap_reliability&${range}&dimension=agent&value=alice`]) {
      const res = await stack.call<Problem>('GET', path, { key: stack.keys.sam });
      expectProblem(res, 422, 'INVALID_ACTION');
      expect(errorPaths(res)).toEqual(['query.dimension']);
      expect(res.body.detail).toContain('per service area only');
    }
    expectProblem(await stack.call<Problem>('GET', `/analytics/kpis?kpi=nps_score&${range}`, { key: stack.keys.alice }), 422, 'INVALID_ACTION');
    // The complaint KPI alone still takes the filter.
    expect((await stack.call('GET', `/analytics/kpis?kpi=complaint_volume&${range}&dimension=category&value=${CATEGORY}`, { key: stack.keys.sam })).status).toBe(200);
  });

  it('given the NPS drop in the last week, when its control chart is read, then the last week is a signal on the worse side against the first eight weeks', async () => {
    const chart = await must(`/analytics/control-chart?kpi=nps_score&${range}&baselineFrom=${FROM}&baselineTo=${periodBounds(WEEKS[7]!, 'week').last}`);
    expect(chart).toMatchObject({ status: 'ok', chart: 'imr' });
    const baseline = NPS_MIX.slice(0, 8).map((m) => npsOf(npsScores(m)));
    expect(r10(chart.center)).toBe(r10(mean(baseline)));
    const last = chart.points[chart.points.length - 1];
    expect(last).toMatchObject({ period: WEEKS[11], value: -50, worse: true });
    expect(last.signals).toContain(1);
  });

  it('given a trigger "reliability gap below -1.0 for two weeks" created through the API, when dry-run and then run by the quality loop, then one cycle opens, owned by the process owner, bound to the KPI, with the evidence', async () => {
    const created = await stack.call('POST', '/triggers', {
      key: stack.keys.olivia,
      body: {
        triggerId: GAP_TRIGGER,
        name: 'Reliability gap below -1.0',
        areaId: AREA,
        kpi: 'servqual_gap_reliability',
        period: 'week',
        lookbackPeriods: 12,
        condition: { type: 'threshold', comparator: '>=', target: -1, periods: 2 },
        action: { cycleType: 'pdca', sponsorId: 'simon', deadlineDays: 60 },
      },
    });
    expect(created.status).toBe(201);
    const cycleId = triggerCycleId(GAP_TRIGGER, 'all', 1);
    const baseline = mean([reliabilityOfWeek(10), reliabilityOfWeek(11)]);

    // The dry run: what the loop would do, and nothing written.
    const before = await writes();
    const dry = await stack.call('POST', `/analytics/triggers/${GAP_TRIGGER}/evaluate`, { key: stack.keys.auditor, body: {} });
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, outcome: 'signal', subject: 'all', period: WEEKS[11], decision: { kind: 'open', cycleId } });
    expect(dry.body.decision.intake).toMatchObject({ ownerId: 'olivia', binding: { kpi: 'servqual_gap_reliability', areaId: AREA, filter: null, period: 'week' }, goal: { baseline, target: -1 } });
    expect(await writes()).toEqual(before);

    // The path the Schedule takes: the quality loop workflow.
    expect(await runLoop({ triggerId: GAP_TRIGGER })).toEqual({ evaluated: 1, opened: [cycleId], evidenceAdded: [], failed: [] });
    await eventually(async () => (await stack.models.Cycle.findById(cycleId).lean())?.version, 20_000, 'cycle stored');
    const c = await readCycle(cycleId);
    expect(c).toMatchObject({
      type: 'pdca',
      status: 'active',
      area: AREA,
      ownerId: 'olivia',
      sponsorId: 'simon',
      createdBy: { id: `trigger:${GAP_TRIGGER}`, role: 'system' },
      origin: { triggerId: GAP_TRIGGER, version: 1, subject: 'all' },
      binding: { kpi: 'servqual_gap_reliability', areaId: AREA, filter: null, period: 'week', timeZone: PARIS },
      goal: { direction: 'higher_is_better', metricType: 'continuous', baseline, target: -1, unit: 'gap points' },
    });
    // The evidence: the two weeks that missed, with their values, as the trigger saw them.
    const item = c.evidence.items[0];
    expect(item).toMatchObject({ key: `${GAP_TRIGGER}:${WEEKS[11]}`, kind: 'threshold', source: { triggerId: GAP_TRIGGER, version: 1 } });
    expect(item.data.points.map((p: View) => [p.period, r10(p.value)])).toEqual([10, 11].map((w) => [WEEKS[w], r10(reliabilityOfWeek(w))]));
    expect(item.summary).toContain(`-1.5 points in ${WEEKS[11]}`);
    expect(item.summary).toContain('>= -1 points');
    expect(c.problemStatement).toContain('bound to servqual_gap_reliability');
    // Its first measurements: the two weeks, from the survey data.
    expect(c.measurements.map((m: View) => [m.period, r10(m.value)])).toEqual([10, 11].map((w) => [WEEKS[w], r10(reliabilityOfWeek(w))]));
    expect((await stack.call('GET', `/triggers/${GAP_TRIGGER}`, { key: stack.keys.auditor })).body.status.lastRun).toMatchObject({ outcome: 'signal', action: 'open', cycleId, period: WEEKS[11] });
  });

  it('given an SPC trigger on nps_score, when the quality loop runs, then the drop opens a cycle whose goal is half way from the drop to an NPS of 100', async () => {
    const created = await stack.call('POST', '/triggers', {
      key: stack.keys.olivia,
      body: {
        triggerId: NPS_TRIGGER,
        name: 'NPS out of control',
        areaId: AREA,
        kpi: 'nps_score',
        period: 'week',
        lookbackPeriods: 12,
        condition: { type: 'spc', baselinePeriods: 8 },
        action: { cycleType: 'dmaic', sponsorId: 'simon', deadlineDays: 90 },
      },
    });
    expect(created.status).toBe(201);
    const cycleId = triggerCycleId(NPS_TRIGGER, 'all', 1);
    expect(await runLoop({ triggerId: NPS_TRIGGER })).toEqual({ evaluated: 1, opened: [cycleId], evidenceAdded: [], failed: [] });
    await eventually(async () => (await stack.models.Cycle.findById(cycleId).lean())?.version, 20_000, 'NPS cycle stored');
    const c = await readCycle(cycleId);
    expect(c).toMatchObject({ type: 'dmaic', ownerId: 'olivia', binding: { kpi: 'nps_score', areaId: AREA, filter: null }, goal: { baseline: -50, target: 25, direction: 'higher_is_better' } });
    expect(c.evidence.items[0]).toMatchObject({ kind: 'spc', key: `${NPS_TRIGGER}:${WEEKS[11]}` });
    expect(c.evidence.items[0].summary).toContain('NPS -50');
    expect(c.measurements.map((m: View) => [m.period, m.value])).toEqual([[WEEKS[11], -50]]);
  });

  it("given the area's objective on nps_score set through the API, when a threshold trigger without a target is dry-run, then it judges the last week against that objective", async () => {
    const area = await must(`/service-areas/${AREA}`, stack.keys.admin);
    const { areaId: _a, version, createdAt: _c, createdBy: _b, ...def } = area;
    const saved = await stack.call('PUT', `/service-areas/${AREA}`, { key: stack.keys.admin, body: { ...def, expectedVersion: version, objectives: [{ kpi: 'nps_score', comparator: '>=', target: 30 }] } });
    expect(saved.status).toBe(200);
    expect(saved.body.objectives).toEqual([{ kpi: 'nps_score', comparator: '>=', target: 30 }]);

    const created = await stack.call('POST', '/triggers', {
      key: stack.keys.olivia,
      body: { triggerId: OBJECTIVE_TRIGGER, name: 'NPS below objective', areaId: AREA, kpi: 'nps_score', period: 'week', lookbackPeriods: 4, condition: { type: 'threshold', periods: 1 }, action: { cycleType: 'pdca', sponsorId: 'simon', deadlineDays: 30 } },
    });
    expect(created.status).toBe(201);
    const dry = await stack.call('POST', `/analytics/triggers/${OBJECTIVE_TRIGGER}/evaluate`, { key: stack.keys.olivia, body: {} });
    expect(dry.body).toMatchObject({ outcome: 'signal', period: WEEKS[11], decision: { kind: 'open', intake: { goal: { baseline: -50, target: 30 } } } });
    expect(dry.body.summary).toContain('missed its objective >= NPS 30');
  });

  it('given a complaint closed with an NPS score under a policy that asks for it, when nps_score of its intake day is read, then the score counts', async () => {
    const policy = await stack.call('POST', '/sla-policies', {
      key: stack.keys.admin,
      body: { policyId: 'vox-nps', name: 'Billing voice, asks NPS', match: { severities: ['P3'], categories: [CATEGORY] }, targets: { firstResponseMinutes: 240, nextResponseMinutes: 120, resolutionMinutes: 960 }, calendarId: PARIS_CALENDAR, askNps: true },
    });
    expect(policy.status).toBe(201);
    const created = await stack.call('POST', '/complaints', { key: stack.keys.alice, body: { customer: { id: uniqueId('cust') }, channel: 'phone', category: CATEGORY, severity: 'P3', description: 'Charged twice for March.' } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await eventually(async () => ((await stack.models.Complaint.findById(id, { version: 1 }).lean())?.version ?? 0) >= 1, 20_000, 'complaint stored');
    for (const [action, body] of [
      ['resolve', { summary: 'Refunded the second charge.' }],
      ['close', { rating: 5, nps: 10 }],
    ] as const) {
      const res = await stack.call('POST', `/complaints/${id}/${action}`, { key: stack.keys.alice, body });
      if (res.status !== 200) throw new Error(`${action} answered ${res.status}: ${res.text.slice(0, 600)}`);
    }
    const fact = await eventually(async () => {
      const doc = await stack.models.ComplaintFact.findById(id).lean();
      const parsed = doc ? (JSON.parse(doc.factJson) as { nps?: number | null; status: string }) : null;
      return parsed?.status === 'closed' ? parsed : null;
    }, 20_000, 'closed fact stored');
    expect(fact.nps).toBe(10);

    const today = dayInZone(Date.now(), PARIS);
    const body = await must(`/analytics/kpis?kpi=nps_score,csat_average&area=${AREA}&period=day&from=${today}&to=${today}`);
    expect(body.items.map((s: View) => [s.kpi, s.points[0].value, s.points[0].n])).toEqual([
      ['nps_score', 100, 1],
      ['csat_average', 5, null],
    ]);
  });
});
