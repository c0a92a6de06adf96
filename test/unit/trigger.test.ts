import type { SeriesPoint } from '../../src/domain/control-chart';
import { intakeProblems } from '../../src/domain/cycle';
import type { QualityObjective } from '../../src/domain/service-area';
import {
  type TriggerDefinition,
  type TriggerSignal,
  type TriggerVersion,
  completedPeriods,
  cycleIntakeFromSignal,
  evaluateTrigger,
  pooledValue,
  triggerCycleId,
  triggerProblems,
} from '../../src/domain/trigger';

// ----------------------------------------------------------------- fixtures

/** Wednesday 4 March 2026, 11:00 in Paris: ISO week 2026-W10 is under way (partial). */
const NOW = Date.parse('2026-03-04T10:00:00Z');
const ZONE = 'Europe/Paris';
/** The 12 completed weeks before 2026-W10 (2025 has 52 ISO weeks). */
const WEEKS = ['2025-W50', '2025-W51', '2025-W52', '2026-W01', '2026-W02', '2026-W03', '2026-W04', '2026-W05', '2026-W06', '2026-W07', '2026-W08', '2026-W09'];

const OBJECTIVES: QualityObjective[] = [
  { kpi: 'first_response_attainment', comparator: '>=', target: 0.9 },
  { kpi: 'complaint_volume', comparator: '<=', target: 100 },
];

const share = (period: string, x: number | null, n: number | null): SeriesPoint => ({ period, value: x === null || n === null ? null : x / n, x, n });
const count = (period: string, x: number | null): SeriesPoint => ({ period, value: x, x, n: null });

function trigger(overrides: Partial<TriggerDefinition> = {}): TriggerDefinition {
  return {
    name: 'Billing first response',
    areaId: 'billing',
    enabled: true,
    kpi: 'first_response_attainment',
    filter: null,
    period: 'week',
    lookbackPeriods: 12,
    condition: { type: 'spc', baselinePeriods: 8 },
    action: { cycleType: 'pdca', sponsorId: 'simon', deadlineDays: 60 },
    ...overrides,
  };
}

/** Eight baseline weeks at p̄ = 720/800 = 0.9 (σ = 0.03 at n = 100, LCL 0.81, UCL 0.99), then three weeks at or above the centre. */
const BASELINE: [number, number][] = [
  [90, 100],
  [45, 50],
  [92, 100],
  [180, 200],
  [88, 100],
  [44, 50],
  [90, 100],
  [91, 100],
  [92, 100],
  [90, 100],
  [93, 100],
];
const spcSeries = (latest: [number, number]) => [...BASELINE, latest].map(([x, n], i) => share(WEEKS[i]!, x, n));

const signalOf = (e: ReturnType<typeof evaluateTrigger>): TriggerSignal => {
  expect(e.outcome).toBe('signal');
  return e as TriggerSignal;
};

// ------------------------------------------------------------------ window

describe('completedPeriods', () => {
  it('given a Wednesday, when listing 12 completed weeks, then the current (partial) ISO week is left out and the window spans the year boundary', () => {
    expect(completedPeriods('week', ZONE, NOW, 12)).toEqual({ periods: WEEKS, from: '2025-12-08', to: '2026-03-01', current: '2026-W10' });
  });

  it('given 23:30 UTC on a Sunday, when the area is in Paris (already Monday), then the week that just ended there counts; in UTC it is still running', () => {
    const sundayNight = Date.parse('2026-03-01T23:30:00Z');
    expect(completedPeriods('week', 'Europe/Paris', sundayNight, 1).periods).toEqual(['2026-W09']);
    expect(completedPeriods('week', 'UTC', sundayNight, 1).periods).toEqual(['2026-W08']);
  });

  it('given the first half hour of April in Paris, when listing completed months and days, then March and 31 March are the latest', () => {
    const april = Date.parse('2026-03-31T22:30:00Z');
    expect(completedPeriods('month', ZONE, april, 3)).toEqual({ periods: ['2026-01', '2026-02', '2026-03'], from: '2026-01-01', to: '2026-03-31', current: '2026-04' });
    expect(completedPeriods('day', ZONE, april, 2).periods).toEqual(['2026-03-30', '2026-03-31']);
  });
});

// --------------------------------------------------------------------- spc

describe('evaluateTrigger: SPC signal', () => {
  it('given a week far below the lower control limit, when evaluated, then it signals with the chart, the numbers and a goal from the objective', () => {
    const s = signalOf(evaluateTrigger(trigger(), { objectives: OBJECTIVES, timeZone: ZONE, series: spcSeries([60, 100]) }, NOW));
    expect(s).toMatchObject({ kind: 'spc', subject: 'all', filter: null, period: '2026-W09', periods: ['2026-W09'], targetSource: 'objective' });
    expect(s.summary).toContain('60.0 %');
    expect(s.summary).toContain('centre line of 90.0 %');
    expect(s.summary).toContain('lower control limit of 81.0 %');
    expect(s.summary).toContain('rule 1');
    expect(s.summary).toContain('2025-W50 to 2026-W05');
    expect((s.data as { points: unknown[] }).points).toHaveLength(12);
    // The signal week alone is the baseline: 60 of 100.
    expect(s.baseline).toEqual({ value: 0.6, periods: ['2026-W09'], points: [share('2026-W09', 60, 100)] });
    expect(s.proposedGoal).toEqual({
      metric: 'First-response SLA attainment, per week',
      unit: 'share',
      direction: 'higher_is_better',
      metricType: 'proportion',
      baseline: 0.6,
      target: 0.9,
    });
  });

  it('given the process inside its limits, when evaluated, then quiet', () => {
    const e = evaluateTrigger(trigger(), { objectives: OBJECTIVES, timeZone: ZONE, series: spcSeries([92, 100]) }, NOW);
    expect(e).toEqual({ outcome: 'quiet', reason: expect.stringContaining('no Western Electric rule fired') });
  });

  it('given a signal on the better side (100 % attainment), when evaluated, then quiet and it says why', () => {
    const e = evaluateTrigger(trigger(), { objectives: OBJECTIVES, timeZone: ZONE, series: spcSeries([100, 100]) }, NOW);
    expect(e).toEqual({ outcome: 'quiet', reason: expect.stringContaining('on the better side') });
  });

  it('given a shift that lasts, when evaluated, then the baseline is every week worse than the centre line since the shift', () => {
    // Eight weeks at 0.9, then three weeks at 0.85 and 0.84 below the centre, ending below the LCL (rule 1) or on a 2-of-3 run.
    const series = [...BASELINE.slice(0, 8), [85, 100], [84, 100], [83, 100], [70, 100]].map(([x, n], i) => share(WEEKS[i]!, x!, n!));
    const s = signalOf(evaluateTrigger(trigger(), { objectives: OBJECTIVES, timeZone: ZONE, series }, NOW));
    expect(s.periods).toEqual(['2026-W06', '2026-W07', '2026-W08', '2026-W09']);
    expect(s.baseline.value).toBeCloseTo((85 + 84 + 83 + 70) / 400, 12);
    expect(s.summary).toContain('worse than the centre line since 2026-W06');
  });

  it('given only five weeks of data, when evaluated, then cannot_evaluate with the chart reason', () => {
    const series = BASELINE.slice(0, 5).map(([x, n], i) => share(WEEKS[i + 7]!, x, n));
    const e = evaluateTrigger(trigger(), { objectives: OBJECTIVES, timeZone: ZONE, series }, NOW);
    expect(e).toEqual({ outcome: 'cannot_evaluate', reason: expect.stringMatching(/baseline \(2025-W50 to 2026-W05\) has 1 period with data; a control chart needs at least 8/) });
  });

  it('given no data at all, when evaluated, then cannot_evaluate naming the KPI and area', () => {
    const e = evaluateTrigger(trigger(), { objectives: OBJECTIVES, timeZone: ZONE, series: [] }, NOW);
    expect(e).toEqual({ outcome: 'cannot_evaluate', reason: 'no First-response SLA attainment data in area billing in 2025-W50 to 2026-W09' });
  });

  it('given a terrible partial current week, when evaluated, then it is ignored', () => {
    const series = [...spcSeries([92, 100]), share('2026-W10', 10, 100)];
    expect(evaluateTrigger(trigger(), { objectives: OBJECTIVES, timeZone: ZONE, series }, NOW).outcome).toBe('quiet');
  });
});

// --------------------------------------------------------------- threshold

describe('evaluateTrigger: threshold missed N periods in a row', () => {
  const threshold = (values: (number | null)[], condition: Partial<{ target: number; comparator: '>=' | '<=' }> = {}, kpi: TriggerDefinition['kpi'] = 'first_response_attainment') =>
    evaluateTrigger(
      trigger({ kpi, lookbackPeriods: 6, condition: { type: 'threshold', periods: 3, ...condition } }),
      { objectives: OBJECTIVES, timeZone: ZONE, series: values.map((v, i) => share(WEEKS[6 + i]!, v, v === null ? null : 100)) },
      NOW,
    );

  it('given the 90 % objective missed in each of the last three weeks, when evaluated, then it signals with the three values and a pooled baseline', () => {
    const s = signalOf(threshold([95, 93, 91, 85, 80, 82]));
    expect(s).toMatchObject({ kind: 'threshold', subject: 'all', period: '2026-W09', periods: ['2026-W07', '2026-W08', '2026-W09'] });
    expect(s.summary).toBe(
      'First-response SLA attainment (all) in area billing missed its objective >= 90.0 % in 3 weeks in a row: 85.0 % in 2026-W07, 80.0 % in 2026-W08 and 82.0 % in 2026-W09.',
    );
    expect(s.baseline.value).toBeCloseTo(247 / 300, 12);
    expect(s.proposedGoal).toMatchObject({ baseline: s.baseline.value, target: 0.9, metricType: 'proportion' });
    expect(s.objective).toEqual({ comparator: '>=', target: 0.9, source: 'objective' });
  });

  it('given a week in the run that met the objective, when evaluated, then quiet naming it', () => {
    expect(threshold([95, 93, 91, 85, 91, 82])).toEqual({ outcome: 'quiet', reason: expect.stringContaining('2026-W08 met it with 91.0 %') });
  });

  it('given a week without data inside the run, when evaluated, then the run is broken (quiet)', () => {
    expect(threshold([95, 93, 91, 85, null, 82])).toEqual({ outcome: 'quiet', reason: expect.stringContaining('2026-W08 has no data') });
  });

  it('given the latest week without data, when evaluated, then cannot_evaluate', () => {
    expect(threshold([95, 93, 91, 85, 80, null]).outcome).toBe('cannot_evaluate');
  });

  it("given the trigger's own target, when evaluated, then it is used instead of the objective", () => {
    expect(threshold([95, 93, 91, 85, 80, 82], { target: 0.8 }).outcome).toBe('quiet');
    expect(signalOf(threshold([95, 93, 91, 85, 80, 82], { target: 0.86 })).objective).toEqual({ comparator: '>=', target: 0.86, source: 'trigger' });
  });

  it('given no objective for the KPI and no target, when evaluated, then cannot_evaluate', () => {
    expect(threshold([1, 2, 3, 4, 5, 6], {}, 'resolution_median_minutes')).toEqual({
      outcome: 'cannot_evaluate',
      reason: 'area billing has no objective for resolution_median_minutes and the trigger sets no target',
    });
  });

  it('given a complaint rate without service volume, when evaluated, then cannot_evaluate says the volume is missing', () => {
    const series = WEEKS.slice(6).map((period) => ({ period, value: null, x: 12, n: null }));
    const e = evaluateTrigger(trigger({ kpi: 'complaint_rate', lookbackPeriods: 6, condition: { type: 'threshold', periods: 3, target: 2 } }), { objectives: OBJECTIVES, timeZone: ZONE, series }, NOW);
    expect(e).toEqual({ outcome: 'cannot_evaluate', reason: expect.stringContaining('needs the service volume, and none is recorded in area billing for 2026-W04 to 2026-W09') });
  });

  it('given a partial current week that misses too, when only two completed weeks missed, then quiet', () => {
    const series = [85, 95, 80, 82].map((v, i) => share(WEEKS[8 + i]!, v, 100));
    series.push(share('2026-W10', 10, 100));
    const e = evaluateTrigger(trigger({ lookbackPeriods: 6, condition: { type: 'threshold', periods: 3 } }), { objectives: OBJECTIVES, timeZone: ZONE, series }, NOW);
    expect(e.outcome).toBe('quiet');
  });
});

// ------------------------------------------------------------------ pareto

describe('evaluateTrigger: Pareto concentration', () => {
  const paretoTrigger = (share = 0.4, minComplaints = 5) =>
    trigger({ kpi: 'complaint_volume', lookbackPeriods: 4, condition: { type: 'pareto', by: 'cause', share, periods: 3, minComplaints } });
  const PARETO = [
    { period: '2026-W07', total: 50, counts: [{ key: 'double_charge', count: 23 }, { key: 'tariff_unclear', count: 17 }, { key: 'invoice_missing', count: 10 }] },
    { period: '2026-W08', total: 40, counts: [{ key: 'double_charge', count: 20 }, { key: 'tariff_unclear', count: 14 }, { key: 'invoice_missing', count: 6 }] },
    { period: '2026-W09', total: 60, counts: [{ key: 'double_charge', count: 27 }, { key: 'tariff_unclear', count: 21 }, { key: 'invoice_missing', count: 12 }] },
  ];
  const keySeries = [count('2026-W07', 23), count('2026-W08', 20), count('2026-W09', 27)];

  it('given one cause above 40 % in each of three weeks, when evaluated, then it signals for that cause with the Pareto tables and a half-gap goal', () => {
    const s = signalOf(evaluateTrigger(paretoTrigger(), { objectives: OBJECTIVES, timeZone: ZONE, series: keySeries, pareto: PARETO }, NOW));
    expect(s).toMatchObject({ kind: 'pareto', subject: 'cause=double_charge', filter: { dimension: 'cause', value: 'double_charge' }, period: '2026-W09', periods: ['2026-W07', '2026-W08', '2026-W09'] });
    expect(s.summary).toBe(
      'Cause double_charge made up 46.0 % (23 of 50) in 2026-W07, 50.0 % (20 of 40) in 2026-W08 and 45.0 % (27 of 60) in 2026-W09 of the complaints resolved with a cause in area billing: at least 40.0 % in each of the last 3 weeks.',
    );
    const data = s.data as { by: string; periods: { period: string; total: number; rows: { key: string; count: number; share: number }[] }[] };
    expect(data.periods.map((p) => [p.period, p.total, p.rows[0]!.key, p.rows[0]!.share])).toEqual([
      ['2026-W07', 50, 'double_charge', 0.46],
      ['2026-W08', 40, 'double_charge', 0.5],
      ['2026-W09', 60, 'double_charge', 0.45],
    ]);
    // 70 complaints over 3 weeks; the area objective (<= 100 a week) is already met, so the goal halves the cause.
    expect(s.baseline.value).toBeCloseTo(70 / 3, 12);
    expect(s.targetSource).toBe('half_gap');
    expect(s.proposedGoal).toMatchObject({ direction: 'lower_is_better', metricType: 'continuous', target: 11.6667 });
  });

  it('given one week where the cause falls to 35 %, when evaluated, then quiet with the largest cause named', () => {
    const pareto = [PARETO[0]!, { period: '2026-W08', total: 40, counts: [{ key: 'double_charge', count: 14 }, { key: 'tariff_unclear', count: 13 }] }, PARETO[2]!];
    const e = evaluateTrigger(paretoTrigger(), { objectives: OBJECTIVES, timeZone: ZONE, series: keySeries, pareto }, NOW);
    expect(e).toEqual({ outcome: 'quiet', reason: expect.stringContaining('the largest cause in 2026-W09 was double_charge with 45.0 % (27 of 60)') });
  });

  it('given a dominant cause below the minimum complaint count, when evaluated, then quiet', () => {
    expect(evaluateTrigger(paretoTrigger(0.4, 25), { objectives: OBJECTIVES, timeZone: ZONE, series: keySeries, pareto: PARETO }, NOW).outcome).toBe('quiet');
  });

  it('given two causes above a 30 % threshold, when evaluated, then the larger in the latest week is the subject', () => {
    const s = signalOf(evaluateTrigger(paretoTrigger(0.3), { objectives: OBJECTIVES, timeZone: ZONE, series: keySeries, pareto: PARETO }, NOW));
    expect(s.subject).toBe('cause=double_charge');
  });

  it('given no complaints in the area, when evaluated, then cannot_evaluate', () => {
    const e = evaluateTrigger(paretoTrigger(), { objectives: OBJECTIVES, timeZone: ZONE, series: [], pareto: [] }, NOW);
    expect(e).toEqual({ outcome: 'cannot_evaluate', reason: 'no complaints in area billing in 2026-W07 to 2026-W09' });
  });
});

// ------------------------------------------------------------------ intake

describe('cycleIntakeFromSignal', () => {
  const version: TriggerVersion = { ...trigger({ condition: { type: 'threshold', periods: 3 }, lookbackPeriods: 6 }), triggerId: 'billing-frt', version: 3 };
  const signal = signalOf(
    evaluateTrigger(version, { objectives: OBJECTIVES, timeZone: ZONE, series: [95, 93, 91, 85, 80, 82].map((v, i) => share(WEEKS[6 + i]!, v, 100)) }, NOW),
  );
  const area = { areaId: 'billing', name: 'Billing support', processOwnerId: 'olivia', timeZone: ZONE };
  const intake = cycleIntakeFromSignal({ cycleId: triggerCycleId('billing-frt', signal.subject, 1), trigger: version, area, signal, sample: ['c_1', 'c_2'], now: NOW });

  it('given a signal, when the intake is built, then the process owner owns it, the sponsor approves it, the system actor names the trigger and it is a valid intake', () => {
    expect(intake).toMatchObject({
      type: 'pdca',
      area: 'billing',
      ownerId: 'olivia',
      sponsorId: 'simon',
      team: [],
      createdBy: { id: 'trigger:billing-frt', role: 'system' },
      origin: { triggerId: 'billing-frt', version: 3, subject: 'all' },
      binding: { kpi: 'first_response_attainment', areaId: 'billing', filter: null, period: 'week', timeZone: ZONE },
      receivedAt: NOW,
    });
    expect(intake.settings.approvers).toEqual(['simon']);
    expect(intake.goal).toEqual({ ...signal.proposedGoal, deadline: NOW + 60 * 86_400_000 });
    expect(intakeProblems(intake)).toEqual([]);
  });

  it('given a signal, when the intake is built, then the evidence item and baseline measurements carry the periods and numbers', () => {
    expect(intake.evidence).toEqual({
      complaintIds: ['c_1', 'c_2'],
      complaintCategory: null,
      spcSignal: null,
      items: [{ key: 'billing-frt:2026-W09', at: NOW, source: { triggerId: 'billing-frt', version: 3 }, kind: 'threshold', summary: signal.summary, data: signal.data, complaintIds: ['c_1', 'c_2'] }],
    });
    // Each taken as of its week's end: Monday 00:00 in Paris (UTC+1 in winter).
    expect(intake.baselineMeasurements).toEqual([
      { period: '2026-W07', value: 0.85, sampleSize: 100, at: Date.parse('2026-02-15T23:00:00Z') },
      { period: '2026-W08', value: 0.8, sampleSize: 100, at: Date.parse('2026-02-22T23:00:00Z') },
      { period: '2026-W09', value: 0.82, sampleSize: 100, at: Date.parse('2026-03-01T23:00:00Z') },
    ]);
  });

  it('given a signal, when the problem statement is written, then it names the trigger, the periods and the numbers', () => {
    for (const text of ['Billing first response', 'billing-frt, version 3', '85.0 % in 2026-W07', '80.0 % in 2026-W08', '82.0 % in 2026-W09', 'Baseline: 82.3 % over 2026-W07 to 2026-W09', 'the objective >= 90.0 %', 'c_1, c_2']) {
      expect(intake.problemStatement).toContain(text);
    }
    expect(intake.title).toBe('Billing support: First-response SLA attainment below its objective');
  });

  it('given the same trigger and subject, when cycle ids are derived, then they are stable per count and differ between counts', () => {
    expect(triggerCycleId('billing-frt', 'all', 1)).toBe(intake.cycleId);
    expect(triggerCycleId('billing-frt', 'all', 2)).not.toBe(intake.cycleId);
    expect(intake.cycleId).toMatch(/^y_[0-9a-f]{24}$/);
  });
});

describe('triggerProblems and pooledValue', () => {
  it('given rule-breaking definitions, when checked, then each problem names its field', () => {
    expect(triggerProblems(trigger({ condition: { type: 'spc', baselinePeriods: 5 } })).map((p) => p.path)).toEqual(['condition.baselinePeriods']);
    expect(triggerProblems(trigger({ lookbackPeriods: 8, condition: { type: 'spc', baselinePeriods: 8 } })).map((p) => p.path)).toEqual(['condition.baselinePeriods']);
    expect(triggerProblems(trigger({ lookbackPeriods: 2, condition: { type: 'threshold', periods: 3, target: 1.5 } })).map((p) => p.path)).toEqual(['condition.periods', 'condition.target']);
    expect(triggerProblems(trigger({ filter: { dimension: 'category', value: 'billing' }, condition: { type: 'pareto', by: 'cause', share: 0.4, periods: 3, minComplaints: 5 } })).map((p) => p.path)).toEqual(['filter']);
    expect(triggerProblems(trigger({ action: { cycleType: 'dmaic', sponsorId: 'simon', approvers: ['simon', 'simon'], deadlineDays: 30 } })).map((p) => p.path)).toEqual(['action.approvers']);
    expect(triggerProblems(trigger({ period: 'month', lookbackPeriods: 37 })).map((p) => p.path)).toEqual(['lookbackPeriods']);
    expect(triggerProblems(trigger())).toEqual([]);
  });

  it('given shares of different sizes, when pooled, then each period weighs by its size; times are averaged', () => {
    expect(pooledValue('first_response_attainment', [share('a', 9, 10), share('b', 50, 100)])).toBeCloseTo(59 / 110, 12);
    expect(pooledValue('resolution_median_minutes', [count('a', 30), count('b', 60), { period: 'c', value: null, x: null, n: null }])).toBe(45);
    expect(pooledValue('resolution_median_minutes', [])).toBeNull();
  });
});
