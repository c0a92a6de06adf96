/**
 * The survey KPIs (src/domain/kpi.ts): NPS from complaints and campaigns,
 * survey CSAT and SERVQUAL gaps as additive cell sums, merged across days,
 * measured per period, rolled up into the area's series only, and judged by
 * triggers like any KPI.
 *
 * Expected values are computed here from the answers (promoters − detractors
 * over the answers, means of the respondents' gaps) or by hand in comments.
 */
import type { Actor } from '../../src/domain/actors';
import type { BusinessCalendar } from '../../src/domain/calendar';
import { type ComplaintState, applyCommand, openComplaint } from '../../src/domain/complaint';
import { buildControlChart } from '../../src/domain/control-chart';
import type { SeriesPoint } from '../../src/domain/control-chart';
import {
  type ComplaintFact,
  type KpiCell,
  KPIS,
  KPI_IDS,
  type KpiId,
  addFact,
  addSurveyFact,
  complaintFact,
  emptyCell,
  kpiFilterProblem,
  kpiTargetProblem,
  measureKpi,
  mergeCells,
} from '../../src/domain/kpi';
import type { SlaPolicySnapshot } from '../../src/domain/sla-policy';
import { SERVQUAL_DIMENSIONS, type ServqualDimension } from '../../src/domain/survey';
import type { SurveyFact } from '../../src/domain/survey-facts';
import { type TriggerDefinition, type TriggerSignal, completedPeriods, evaluateTrigger, formatKpiValue, triggerProblems } from '../../src/domain/trigger';
import { rollupsOf } from '../../src/db/kpi-rollups';

// ----------------------------------------------------------------- fixtures

const SURVEY_KPIS = ['nps_score', 'survey_csat_average', 'servqual_gap_tangibles', 'servqual_gap_reliability', 'servqual_gap_responsiveness', 'servqual_gap_assurance', 'servqual_gap_empathy', 'servqual_gap_overall'] as const;

const utc = (isoMinute: string): number => Date.parse(`${isoMinute}:00Z`);
const allDay = [{ start: '00:00', end: '24:00' }];
const ALWAYS: BusinessCalendar = { id: 'always', version: 1, name: 'always', timeZone: 'UTC', weeklyHours: { mon: allDay, tue: allDay, wed: allDay, thu: allDay, fri: allDay, sat: allDay, sun: allDay }, holidays: [] };
const policy = (askNps: boolean): SlaPolicySnapshot => ({
  policyId: 'nps-asking',
  version: 1,
  name: 'asks NPS',
  match: { severities: ['P3'] },
  targets: { firstResponseMinutes: 240, nextResponseMinutes: 120, resolutionMinutes: 960 },
  calendarId: ALWAYS.id,
  calendar: ALWAYS,
  pauseOnAwaitingCustomer: true,
  warningThresholds: [50, 75, 90],
  escalation: [],
  reopenWindowMinutes: 7 * 24 * 60,
  confirmationWindowMinutes: 3 * 24 * 60,
  askNps,
});
const agent: Actor = { id: 'agent-a', role: 'agent' };

/** A complaint of area billing opened on 2 April 2026, acknowledged, resolved and closed with a rating (and the NPS given, if any), through the real reducer. */
function closedComplaint(id: string, rating: number, nps: number | undefined): ComplaintState {
  let s = openComplaint(
    {
      complaintId: id,
      customer: { id: `cust-${id}` },
      channel: 'email',
      category: 'billing',
      severity: 'P3',
      description: 'charged twice',
      createdBy: { id: 'intake-1', role: 'intake' },
      serviceArea: { areaId: 'billing', version: 1, name: 'Billing support', timeZone: 'UTC', causes: [] },
    },
    { P3: policy(nps !== undefined) },
    utc('2026-04-02T09:00'),
  ).state;
  s = applyCommand(s, { type: 'acknowledge' }, agent, utc('2026-04-02T09:30')).state;
  s = applyCommand(s, { type: 'resolve', summary: 'refunded' }, agent, utc('2026-04-02T11:00')).state;
  return applyCommand(s, { type: 'close', rating, ...(nps === undefined ? {} : { nps }) }, agent, utc('2026-04-02T12:00')).state;
}

const surveyFact = (responseId: string, values: Partial<Pick<SurveyFact, 'csat' | 'nps' | 'servqualGaps'>>, day = '2026-04-02'): SurveyFact => ({
  responseId,
  campaignId: 'cmp-1',
  areaId: 'billing',
  day,
  kind: values.servqualGaps ? 'servqual' : values.nps !== undefined ? 'nps' : 'csat',
  csat: values.csat ?? null,
  nps: values.nps ?? null,
  servqualGaps: values.servqualGaps ?? null,
});

const cellOfSurvey = (facts: readonly SurveyFact[]): KpiCell => facts.reduce((cell, f) => addSurveyFact(cell, f), emptyCell());

/** NPS computed from the answers: % of 9-10 minus % of 0-6. */
const npsOf = (scores: readonly number[]) => ((scores.filter((s) => s >= 9).length - scores.filter((s) => s <= 6).length) / scores.length) * 100;
const mean = (list: readonly number[]) => list.reduce((a, b) => a + b, 0) / list.length;

/** Three SERVQUAL respondents; the third skipped tangibles and empathy. */
const GAPS: Partial<Record<ServqualDimension, number>>[] = [
  { tangibles: -0.5, reliability: -2, responsiveness: 1, assurance: 0, empathy: -1.5 },
  { tangibles: 0.25, reliability: -1, responsiveness: -0.5, assurance: 0.5, empathy: 0 },
  { reliability: -1.5, responsiveness: -1, assurance: 1 },
];

// ------------------------------------------------------------------- NPS

describe('NPS', () => {
  it('given 5 promoters, 3 passives and 2 detractors, when measured, then NPS = 50 % − 20 % = 30 over 10 answers', () => {
    const scores = [9, 10, 9, 10, 9, 7, 8, 7, 0, 6];
    const cell = cellOfSurvey(scores.map((nps, i) => surveyFact(`inv_${i}`, { nps })));
    expect(cell.nps).toEqual({ count: 10, promoters: 5, detractors: 2 });
    expect(measureKpi('nps_score', cell, null)).toEqual({ value: 30, x: null, n: 10 });
    expect(npsOf(scores)).toBe(30);
  });

  it('given NPS answers given with complaint ratings (policy asks) and from a campaign, when added to one cell, then nps_score counts them all', () => {
    const complaints = [closedComplaint('A', 5, 9), closedComplaint('B', 4, 10), closedComplaint('C', 3, undefined)];
    const facts = complaints.map(complaintFact);
    expect(facts.map((f) => f.nps)).toEqual([9, 10, null]);
    const cell = facts.reduce((c, f) => addFact(c, f), emptyCell());
    for (const f of [surveyFact('inv_1', { nps: 6 }), surveyFact('inv_2', { nps: 7 }), surveyFact('inv_3', { nps: 10 })]) addSurveyFact(cell, f);
    // 9, 10, 6, 7, 10: promoters 3, detractors 1 of 5 = 40.
    expect(measureKpi('nps_score', cell, null)).toEqual({ value: npsOf([9, 10, 6, 7, 10]), x: null, n: 5 });
    expect(npsOf([9, 10, 6, 7, 10])).toBe(40);
    // The complaint ratings stay in the complaint CSAT; the campaign CSAT has none.
    expect(measureKpi('csat_average', cell, null).value).toBe(4);
    expect(measureKpi('survey_csat_average', cell, null).value).toBeNull();
  });

  it('given a complaint fact stored before NPS was recorded (no nps field), when added, then it adds to no NPS sum', () => {
    const { nps: _nps, ...legacy } = complaintFact(closedComplaint('L', 5, 9));
    const cell = addFact(emptyCell(), JSON.parse(JSON.stringify(legacy)) as ComplaintFact);
    expect(cell.nps).toBeUndefined();
    expect(measureKpi('nps_score', cell, null)).toEqual({ value: null, x: null, n: null });
  });
});

// ----------------------------------------------------------- CSAT, SERVQUAL

describe('survey CSAT and SERVQUAL gaps', () => {
  it('given CSAT campaign ratings, when measured, then their mean with the number of answers, apart from the complaint CSAT', () => {
    const ratings = [5, 4, 4, 2];
    const cell = cellOfSurvey(ratings.map((csat, i) => surveyFact(`inv_${i}`, { csat })));
    expect(measureKpi('survey_csat_average', cell, null)).toEqual({ value: mean(ratings), x: null, n: 4 });
    expect(mean(ratings)).toBe(3.75);
    expect(measureKpi('csat_average', cell, null).value).toBeNull();
  });

  it('given three SERVQUAL respondents, when measured, then each dimension gap is the mean of the respondents who answered it, and overall the mean of their own dimension means', () => {
    const cell = cellOfSurvey(GAPS.map((servqualGaps, i) => surveyFact(`inv_${i}`, { servqualGaps })));
    for (const d of SERVQUAL_DIMENSIONS) {
      const answered = GAPS.map((g) => g[d]).filter((g): g is number => g !== undefined);
      expect({ d, ...measureKpi(`servqual_gap_${d}`, cell, null) }).toEqual({ d, value: expect.closeTo(mean(answered), 12), x: null, n: answered.length });
    }
    const overall = GAPS.map((g) => mean(Object.values(g)));
    expect(measureKpi('servqual_gap_overall', cell, null)).toEqual({ value: expect.closeTo(mean(overall), 12), x: null, n: 3 });
    // By hand: reliability (−2 − 1 − 1.5)/3 = −1.5; overall: −3/5 = −0.6, −0.75/5 = −0.15 and −1.5/3 = −0.5 → −1.25/3.
    expect(measureKpi('servqual_gap_reliability', cell, null).value).toBe(-1.5);
    expect(measureKpi('servqual_gap_overall', cell, null).value).toBeCloseTo(-1.25 / 3, 12);
  });

  it('given an empty cell, when the survey KPIs are measured, then no value and no n', () => {
    for (const kpi of SURVEY_KPIS) expect({ kpi, ...measureKpi(kpi, emptyCell(), null) }).toEqual({ kpi, value: null, x: null, n: null });
  });
});

// ------------------------------------------------------------------ cells

describe('cells with survey sums', () => {
  const facts = [
    ...[9, 3, 10, 7].map((nps, i) => surveyFact(`n${i}`, { nps }, i < 2 ? '2026-04-01' : '2026-04-02')),
    ...[4, 5, 1].map((csat, i) => surveyFact(`c${i}`, { csat }, i < 1 ? '2026-04-01' : '2026-04-02')),
    ...GAPS.map((servqualGaps, i) => surveyFact(`s${i}`, { servqualGaps }, i < 2 ? '2026-04-01' : '2026-04-02')),
  ];

  it('given the answers split into two days, when the cells are merged, then the same sums as adding them all at once', () => {
    const merged = mergeCells([cellOfSurvey(facts.filter((f) => f.day === '2026-04-01')), cellOfSurvey(facts.filter((f) => f.day === '2026-04-02'))]);
    const all = cellOfSurvey(facts);
    expect(merged.nps).toEqual(all.nps);
    expect(merged.surveyCsat).toEqual(all.surveyCsat);
    for (const key of [...SERVQUAL_DIMENSIONS, 'overall'] as const) {
      expect({ key, count: merged.servqual![key]!.count, sum: merged.servqual![key]!.sum }).toEqual({ key, count: all.servqual![key]!.count, sum: expect.closeTo(all.servqual![key]!.sum, 12) });
    }
    for (const kpi of SURVEY_KPIS) expect({ kpi, value: measureKpi(kpi, merged, null).value }).toEqual({ kpi, value: expect.closeTo(measureKpi(kpi, all, null).value!, 12) });
  });

  it('given a rollup cell stored before the survey sums existed, when merged with one that has them, then it reads as "no answers" and the sums are kept', () => {
    const legacy = JSON.parse(JSON.stringify({ ...emptyCell(), complaints: 3 })) as KpiCell;
    for (const key of ['nps', 'surveyCsat', 'servqual']) expect(legacy).not.toHaveProperty(key);
    const merged = mergeCells([legacy, cellOfSurvey(facts)]);
    expect(merged.complaints).toBe(3);
    expect(measureKpi('nps_score', merged, null)).toEqual({ value: npsOf([9, 3, 10, 7]), x: null, n: 4 });
    expect(measureKpi('nps_score', mergeCells([legacy]), null).value).toBeNull();
  });

  it('given only complaint facts, when added to a cell, then it has no survey sums: its stored JSON is the same as before them', () => {
    const cell = addFact(emptyCell(), complaintFact(closedComplaint('A', 5, undefined)));
    expect(Object.keys(cell)).not.toEqual(expect.arrayContaining(['nps']));
    expect(Object.keys(mergeCells([cell, cell])).filter((k) => ['nps', 'surveyCsat', 'servqual'].includes(k))).toEqual([]);
  });

  it('given complaint and survey facts of one area-day, when rolled up, then the survey sums are in the area series only, and a survey-only day makes that one series', () => {
    const complaintFacts = [closedComplaint('A', 5, 9), closedComplaint('B', 4, undefined)].map(complaintFact);
    const docs = rollupsOf('billing', '2026-04-02', complaintFacts, facts);
    const area = docs.find((d) => d.series === 'billing|all|*')!;
    const areaCell = JSON.parse(area.cellJson) as KpiCell;
    // The complaint's NPS 9 plus the campaign's 9, 3, 10, 7.
    expect(measureKpi('nps_score', areaCell, null)).toEqual({ value: npsOf([9, 9, 3, 10, 7]), x: null, n: 5 });
    expect(measureKpi('servqual_gap_reliability', areaCell, null).n).toBe(3);
    for (const d of docs.filter((x) => x.series !== 'billing|all|*')) {
      const c = JSON.parse(d.cellJson) as KpiCell;
      expect({ series: d.series, surveyCsat: c.surveyCsat, servqual: c.servqual, npsAnswers: c.nps?.count ?? 0 }).toEqual({ series: d.series, surveyCsat: undefined, servqual: undefined, npsAnswers: expect.any(Number) });
      // A dimension series holds the complaints' NPS only (the one of complaint A, where A belongs).
      expect(c.nps?.count ?? 0).toBeLessThanOrEqual(1);
    }

    const surveyOnly = rollupsOf('billing', '2026-04-03', [], facts);
    expect(surveyOnly.map((d) => d._id)).toEqual(['billing|all|*|2026-04-03']);
    expect(JSON.parse(surveyOnly[0]!.cellJson)).toMatchObject({ complaints: 0, surveyCsat: { count: 3, sum: 10 } });
    // The store's order does not change what is stored.
    expect(rollupsOf('billing', '2026-04-03', [], [...facts].reverse())).toEqual(surveyOnly);
  });
});

// ------------------------------------------------------------ definitions

describe('survey KPI definitions', () => {
  it('given the KPI catalogue, then the eight survey KPIs are listed with I-MR charts, higher better, per area only', () => {
    expect(KPI_IDS.filter((k) => KPIS[k].areaOnly)).toEqual([...SURVEY_KPIS]);
    for (const kpi of SURVEY_KPIS) expect({ kpi, chart: KPIS[kpi].chart, better: KPIS[kpi].better }).toEqual({ kpi, chart: 'imr', better: 'higher' });
    expect([KPIS.nps_score.unit, KPIS.survey_csat_average.unit, KPIS.servqual_gap_reliability.unit]).toEqual(['NPS points', 'rating', 'gap points']);
  });

  it('given targets, when checked against each KPI scale, then negative gaps and NPS are accepted and values off the scale are not', () => {
    expect(kpiTargetProblem('servqual_gap_reliability', -1)).toBeNull();
    expect(kpiTargetProblem('nps_score', -20)).toBeNull();
    expect(kpiTargetProblem('servqual_gap_reliability', -7)).toContain('between -6 and 6');
    expect(kpiTargetProblem('nps_score', 150)).toContain('between -100 and 100');
    expect(kpiTargetProblem('survey_csat_average', 0)).toContain('rating from 1 to 5');
    expect(kpiTargetProblem('complaint_volume', -1)).toContain('cannot be negative');
    expect(kpiTargetProblem('first_response_attainment', 95)).toContain('share');
  });

  it('given a dimension filter, when asked for a survey KPI, then it is refused with why; a complaint KPI takes it', () => {
    expect(kpiFilterProblem('nps_score', { dimension: 'category' })).toContain('per service area only');
    expect(kpiFilterProblem('nps_score', null)).toBeNull();
    expect(kpiFilterProblem('csat_average', { dimension: 'category' })).toBeNull();
  });

  it('given the values, when formatted for sentences, then NPS and signed gaps read as such', () => {
    expect(formatKpiValue('nps_score', 30)).toBe('NPS 30');
    expect(formatKpiValue('servqual_gap_reliability', -1.25)).toBe('-1.25 points');
    expect(formatKpiValue('servqual_gap_reliability', 0.5)).toBe('+0.5 points');
  });
});

// --------------------------------------------------------------- triggers

/** Wednesday 4 March 2026: 2026-W10 is under way. */
const NOW = Date.parse('2026-03-04T10:00:00Z');
const WEEKS = completedPeriods('week', 'UTC', NOW, 12).periods;
const plain = (period: string, value: number | null, n: number | null = 20): SeriesPoint => ({ period, value, x: null, n: value === null ? null : n });

function trigger(kpi: KpiId, overrides: Partial<TriggerDefinition> = {}): TriggerDefinition {
  return {
    name: 'Voice of the customer',
    areaId: 'billing',
    enabled: true,
    kpi,
    filter: null,
    period: 'week',
    lookbackPeriods: 12,
    condition: { type: 'threshold', target: -1, comparator: '>=', periods: 2 },
    action: { cycleType: 'pdca', sponsorId: 'simon', deadlineDays: 60 },
    ...overrides,
  };
}

describe('triggers on survey KPIs', () => {
  it('given survey KPI triggers, when checked, then a filter and a Pareto condition are refused, a gap target of -1 is fine and -7 is not', () => {
    expect(triggerProblems(trigger('servqual_gap_reliability'))).toEqual([]);
    expect(triggerProblems(trigger('servqual_gap_reliability', { filter: { dimension: 'category', value: 'billing' } })).map((p) => p.path)).toEqual(['filter']);
    expect(triggerProblems(trigger('nps_score', { condition: { type: 'pareto', by: 'cause', share: 0.5, periods: 2, minComplaints: 1 } })).map((p) => p.path)).toEqual(['kpi']);
    expect(triggerProblems(trigger('servqual_gap_reliability', { condition: { type: 'threshold', target: -7, periods: 2 } })).map((p) => p.path)).toEqual(['condition.target']);
    expect(triggerProblems(trigger('complaint_volume', { condition: { type: 'threshold', target: -1, periods: 2 } })).map((p) => p.path)).toEqual(['condition.target']);
  });

  it('given the reliability gap below -1.0 in the last two weeks, when the threshold trigger (target -1, two periods) evaluates, then it signals with its target as the goal', () => {
    const values = [-0.4, -0.6, -0.5, -0.8, -0.3, -0.7, -0.5, -0.6, -0.9, -0.95, -1.25, -1.5];
    const e = evaluateTrigger(trigger('servqual_gap_reliability'), { objectives: [], timeZone: 'UTC', series: WEEKS.map((w, i) => plain(w, values[i]!)) }, NOW);
    expect(e.outcome).toBe('signal');
    const s = e as TriggerSignal;
    expect(s.periods).toEqual(WEEKS.slice(10));
    expect(s.summary).toContain('-1.25 points in ' + WEEKS[10]);
    expect(s.summary).toContain('-1.5 points in ' + WEEKS[11]);
    // Baseline: the mean of the two weeks (I-MR KPI) = −1.375; the trigger's target −1 is better, so it is the goal.
    expect(s.baseline.value).toBe(mean([-1.25, -1.5]));
    expect(s.objective).toEqual({ comparator: '>=', target: -1, source: 'trigger' });
    expect(s.proposedGoal).toMatchObject({ baseline: -1.375, target: -1, direction: 'higher_is_better', metricType: 'continuous', unit: 'gap points' });
    expect(s.targetSource).toBe('objective');

    // One week at -1.0 meets ">= -1": no signal.
    const met = evaluateTrigger(trigger('servqual_gap_reliability'), { objectives: [], timeZone: 'UTC', series: WEEKS.map((w, i) => plain(w, i === 10 ? -1 : values[i]!)) }, NOW);
    expect(met.outcome).toBe('quiet');
  });

  it('given a reliability gap steady around -0.5 and a drop to -2, when an SPC trigger without objective evaluates, then the goal closes half the gap to expectations met (0)', () => {
    // Centre line −0.5 (the first eight weeks); the week before the drop is above it, so the drop alone is the baseline.
    const values = [-0.4, -0.6, -0.5, -0.45, -0.55, -0.5, -0.6, -0.4, -0.5, -0.55, -0.45, -2];
    const s = evaluateTrigger(trigger('servqual_gap_reliability', { condition: { type: 'spc', baselinePeriods: 8 } }), { objectives: [], timeZone: 'UTC', series: WEEKS.map((w, i) => plain(w, values[i]!)) }, NOW) as TriggerSignal;
    expect(s.outcome).toBe('signal');
    // −2 + (0 − (−2))/2 = −1 (not half way to the top of the scale, +6).
    expect(s.proposedGoal).toMatchObject({ baseline: -2, target: -1 });
    expect(s.targetSource).toBe('half_gap');
  });

  it("given the area's objective on the overall gap, when a threshold trigger without a target evaluates, then it judges against the objective and proposes it as the goal", () => {
    const values = [-0.2, -0.1, -0.3, -0.2, -0.1, -0.2, -0.3, -0.1, -0.2, -0.4, -0.6, -0.7];
    const def = trigger('servqual_gap_overall', { condition: { type: 'threshold', periods: 2 } });
    const s = evaluateTrigger(def, { objectives: [{ kpi: 'servqual_gap_overall', comparator: '>=', target: -0.25 }], timeZone: 'UTC', series: WEEKS.map((w, i) => plain(w, values[i]!)) }, NOW) as TriggerSignal;
    expect(s.outcome).toBe('signal');
    expect(s.objective).toEqual({ comparator: '>=', target: -0.25, source: 'objective' });
    expect(s.proposedGoal.target).toBe(-0.25);
    expect(s.targetSource).toBe('objective');
  });

  it('given an NPS steady around 40 and a drop to -10, when the SPC trigger evaluates, then the drop is a signal on the worse side and the goal is half way to 100', () => {
    const values = [40, 35, 45, 38, 42, 36, 44, 40, 41, 39, 43, -10];
    const e = evaluateTrigger(trigger('nps_score', { condition: { type: 'spc', baselinePeriods: 8 } }), { objectives: [], timeZone: 'UTC', series: WEEKS.map((w, i) => plain(w, values[i]!)) }, NOW);
    // I-MR limits from the first eight weeks, computed here: centre = mean, UCL/LCL = centre ± 2.66 × mean moving range.
    const base = values.slice(0, 8);
    const centre = mean(base);
    const mrBar = mean(base.slice(1).map((v, i) => Math.abs(v - base[i]!)));
    expect(-10).toBeLessThan(centre - 2.66 * mrBar);
    const chart = buildControlChart('imr', WEEKS.map((w, i) => plain(w, values[i]!)), { from: WEEKS[0]!, to: WEEKS[7]! }, 'higher');
    expect(chart.status).toBe('ok');

    expect(e.outcome).toBe('signal');
    const s = e as TriggerSignal;
    expect(s.kind).toBe('spc');
    expect(s.period).toBe(WEEKS[11]);
    expect(s.summary).toContain('NPS -10');
    expect(s.summary).toContain(`centre line of NPS ${Math.round(centre * 10) / 10}`);
    expect(s.proposedGoal).toMatchObject({ baseline: -10, target: 45, direction: 'higher_is_better' });

    // The same drop upwards (a jump to 90) is on the better side: quiet.
    const up = evaluateTrigger(trigger('nps_score', { condition: { type: 'spc', baselinePeriods: 8 } }), { objectives: [], timeZone: 'UTC', series: WEEKS.map((w, i) => plain(w, i === 11 ? 90 : values[i]!)) }, NOW);
    expect(up.outcome).toBe('quiet');
  });
});
