import {
  type ChartPoint,
  type ControlChart,
  type ControlChartWithLimits,
  type SeriesPoint,
  MIN_BASELINE_POINTS,
  buildControlChart,
  paretoTable,
} from '../../src/domain/control-chart';
import { StatisticsError, pChart } from '../../src/domain/statistics';

// ----------------------------------------------------------------- fixtures

const week = (i: number) => `2024-W${String(i).padStart(2, '0')}`;
const month = (i: number) => `2024-${String(i).padStart(2, '0')}`;

/** A p point: x events met out of n; null x/n is a gap. */
const share = (period: string, x: number | null, n: number | null): SeriesPoint => ({
  period,
  value: x === null || n === null ? null : x / n,
  x,
  n,
});
const rate = share;
const individual = (period: string, value: number | null): SeriesPoint => ({ period, value, n: null, x: null });

/**
 * Eight weeks of first-response attainment: met / due.
 * Σx = 90+45+92+180+88+44+90+91 = 720, Σn = 100+50+100+200+100+50+100+100 = 800, p̄ = 0.9.
 */
const P_BASELINE: [number, number][] = [
  [90, 100],
  [45, 50],
  [92, 100],
  [180, 200],
  [88, 100],
  [44, 50],
  [90, 100],
  [91, 100],
];

/**
 * Response times (business minutes) 20, 23, 21, 23, 21, 19, 21, 20:
 * mean 168/8 = 21; moving ranges 3, 2, 2, 2, 2, 2, 1 → MR̄ = 14/7 = 2;
 * σ = 2/1.128 = 1.773049645; limits 21 ± 3·1.773049645 = 21 ± 5.319148936;
 * MR UCL = 3.267·2 = 6.534.
 */
const IMR_BASELINE = [20, 23, 21, 23, 21, 19, 21, 20];
const IMR_SIGMA = 2 / 1.128;

function withLimits(chart: ControlChart): ControlChartWithLimits {
  if (chart.status !== 'ok') throw new Error(`expected limits, got: ${chart.reason}`);
  return chart;
}

const signalled = (points: ChartPoint[]) =>
  points.flatMap((p) => (p.signals.length > 0 ? [{ period: p.period, signals: p.signals, worse: p.worse }] : []));

// ------------------------------------------------------------------ tests

describe('buildControlChart: p chart', () => {
  it('given eight weeks with variable n, when charted, then p̄ = 0.9 and each point has its own limits (capped at 1)', () => {
    const points = P_BASELINE.map(([x, n], i) => share(week(i + 1), x, n));
    const chart = withLimits(buildControlChart('p', points, null, 'higher'));

    expect(chart.kind).toBe('p');
    expect(chart.center).toBeCloseTo(0.9, 12);
    expect(chart.baseline).toEqual({ from: '2024-W01', to: '2024-W08', points: 8 });
    expect(chart.sigma).toBeUndefined();
    expect(chart.movingRanges).toBeUndefined();

    // n = 200 (W04): σ = √(0.9·0.1/200) = √0.00045 = 0.0212132034; 3σ = 0.0636396103
    //   → LCL 0.8363603897, UCL 0.9636396103.
    const w4 = chart.points[3]!;
    expect(w4).toMatchObject({ period: '2024-W04', value: 0.9, n: 200 });
    expect(w4.lcl).toBeCloseTo(0.8363603897, 9);
    expect(w4.ucl).toBeCloseTo(0.9636396103, 9);
    // n = 50 (W02): σ = √(0.09/50) = √0.0018 = 0.0424264069; 3σ = 0.1272792206
    //   → LCL 0.7727207794, UCL 1.0272792206 capped at 1.
    const w2 = chart.points[1]!;
    expect(w2.lcl).toBeCloseTo(0.7727207794, 9);
    expect(w2.ucl).toBe(1);
    // n = 100: σ = 0.03 → 0.81 .. 0.99.
    expect(chart.points[0]!.lcl).toBeCloseTo(0.81, 12);
    expect(chart.points[0]!.ucl).toBeCloseTo(0.99, 12);

    // On the baseline the limits are statistics.pChart's own.
    const reference = pChart(P_BASELINE.map(([defectives, sampleSize]) => ({ defectives, sampleSize })));
    chart.points.forEach((p, i) => {
      expect(p.lcl).toBeCloseTo(reference.points[i]!.lcl, 12);
      expect(p.ucl).toBeCloseTo(reference.points[i]!.ucl, 12);
    });
    // z = 0, 0, +0.67, 0, −0.67, −0.47, 0, +0.33: nothing beyond 1σ, no runs.
    expect(signalled(chart.points)).toEqual([]);
  });

  it('given a baseline of eight weeks and four later weeks, when charted, then limits come from the baseline only and only the low point beyond 3σ is worse', () => {
    const later: [number, number][] = [
      [100, 100], // W09: 1.00, z = 0.1/0.03 = +3.33 → rule 1, better side
      [90, 100], // W10: 0.90, z = 0
      [75, 100], // W11: 0.75, z = −0.15/0.03 = −5 → rule 1, worse side
      [40, 50], // W12: 0.80, z = −0.1/0.0424264 = −2.357: inside its n = 50 limits (LCL 0.7727),
      //           though below the n = 100 LCL 0.81; with W11 two of three beyond −2σ → rule 2
    ];
    const points = [...P_BASELINE, ...later].map(([x, n], i) => share(week(i + 1), x, n));
    const chart = withLimits(buildControlChart('p', points, { from: '2024-W01', to: '2024-W08' }, 'higher'));

    // Σ over all 12 weeks would be 1077/1200 = 0.8975; the baseline alone gives 0.9.
    expect(chart.center).toBeCloseTo(0.9, 12);
    expect(chart.baseline).toEqual({ from: '2024-W01', to: '2024-W08', points: 8 });
    expect(chart.points[10]!.lcl).toBeCloseTo(0.81, 12);
    expect(chart.points[11]!.lcl).toBeCloseTo(0.7727207794, 9);
    expect(signalled(chart.points)).toEqual([
      { period: '2024-W09', signals: [1], worse: false },
      { period: '2024-W11', signals: [1], worse: true },
      { period: '2024-W12', signals: [2], worse: true },
    ]);

    // The same data for a KPI where lower is better (breach rate): the sides swap.
    const lower = withLimits(buildControlChart('p', points, { from: '2024-W01', to: '2024-W08' }, 'lower'));
    expect(signalled(lower.points).map((s) => [s.period, s.worse])).toEqual([
      ['2024-W09', true],
      ['2024-W11', false],
      ['2024-W12', false],
    ]);
  });
});

describe('buildControlChart: u chart', () => {
  it('given eight months of complaints per 1,000 transactions and two later months, when charted, then ū = 2, per-point limits floored at 0 and signals on both sides', () => {
    // n = thousands of transactions; x = complaints.
    // Σx = 17+30+15+33+16+31+18+32 = 192, Σn = 4·8 + 4·16 = 96 → ū = 2.
    const counts: [number, number][] = [
      [17, 8],
      [30, 16],
      [15, 8],
      [33, 16],
      [16, 8],
      [31, 16],
      [18, 8],
      [32, 16],
      [7, 1], // 2024-09: 7 per 1,000; σ = √(2/1) = 1.4142136, UCL = 2 + 4.2426407 = 6.2426407, LCL 2 − 4.24 → 0
      [0, 8], // 2024-10: 0; LCL for n = 8 is 0.5, z = −2/0.5 = −4
    ];
    const points = counts.map(([x, n], i) => rate(month(i + 1), x, n));
    const chart = withLimits(buildControlChart('u', points, { from: '2024-01', to: '2024-08' }, 'lower'));

    expect(chart.center).toBeCloseTo(2, 12);
    expect(chart.baseline.points).toBe(8);
    // n = 8: σ = √(2/8) = 0.5 → 0.5 .. 3.5.
    expect(chart.points[0]!.lcl).toBeCloseTo(0.5, 12);
    expect(chart.points[0]!.ucl).toBeCloseTo(3.5, 12);
    // n = 16: σ = √(2/16) = 0.3535534 → 2 ∓ 1.0606602 = 0.9393398 .. 3.0606602.
    expect(chart.points[1]!.lcl).toBeCloseTo(0.9393398282, 9);
    expect(chart.points[1]!.ucl).toBeCloseTo(3.0606601718, 9);
    expect(chart.points[8]!.lcl).toBe(0);
    expect(chart.points[8]!.ucl).toBeCloseTo(6.2426406871, 9);
    expect(chart.points[8]!.value).toBe(7);
    // Baseline z: ±0.25, ∓0.354, 0, ±0.177, +0.5 … no signal. 2024-09: z = 5/1.414 = +3.54 (worse for a rate);
    // 2024-10: z = −4 (better side).
    expect(signalled(chart.points)).toEqual([
      { period: '2024-09', signals: [1], worse: true },
      { period: '2024-10', signals: [1], worse: false },
    ]);
  });
});

describe('buildControlChart: I-MR chart', () => {
  it('given eight baseline times, a gap and a slow week, when charted, then X̄ ± 2.66·MR̄, MR UCL 3.267·MR̄ and the moving range spans the gap', () => {
    const points = [...IMR_BASELINE.map((v, i) => individual(week(i + 1), v)), individual(week(9), null), individual(week(10), 30)];
    const chart = withLimits(buildControlChart('imr', points, { from: '2024-W01', to: '2024-W08' }, 'lower'));

    expect(chart.center).toBe(21);
    expect(chart.sigma).toBeCloseTo(1.7730496454, 9);
    // 21 ± 3·2/1.128 = 21 ± 5.3191489362 (2.66·MR̄ to two decimals).
    expect(chart.points[0]!.ucl).toBeCloseTo(26.3191489362, 9);
    expect(chart.points[0]!.lcl).toBeCloseTo(15.6808510638, 9);
    expect(chart.points[9]!.ucl).toBeCloseTo(26.3191489362, 9);

    // The gap: no limits, no signal, no moving range.
    expect(chart.points[8]).toEqual({ period: '2024-W09', value: null, n: null, center: 21, ucl: null, lcl: null, signals: [], worse: false });
    // Moving ranges |xᵢ − x_prev|: none for the first; 3, 2, 2, 2, 2, 2, 1; none for the gap; |30 − 20| = 10.
    expect(chart.movingRanges!.map((m) => m.value)).toEqual([null, 3, 2, 2, 2, 2, 2, 1, null, 10]);
    for (const m of chart.movingRanges!) expect(m.ucl).toBeCloseTo(6.534, 12);
    expect(chart.movingRanges![9]!.period).toBe('2024-W10');

    // W10: z = 9/1.7730 = 5.08 → rule 1; a longer time is worse.
    expect(signalled(chart.points)).toEqual([{ period: '2024-W10', signals: [1], worse: true }]);
  });

  it('given eight later weeks just above the centre with a gap among them, when charted, then rule 4 fires on the eighth only', () => {
    // 22 → z = 1/1.773 = 0.56, 22.5 → 0.85: inside 1σ, so only rule 4 can fire.
    // The baseline ends at 20 (below the centre), so the run starts at W09; W12 is a gap, which neither breaks nor extends it.
    const later = [22, 22.5, 22, null, 22.5, 22, 22.5, 22, 22.5];
    const points = [...IMR_BASELINE, ...later].map((v, i) => individual(week(i + 1), v));
    const baseline = { from: '2024-W01', to: '2024-W08' };

    const lowerIsBetter = withLimits(buildControlChart('imr', points, baseline, 'lower'));
    expect(lowerIsBetter.center).toBe(21);
    expect(lowerIsBetter.sigma).toBeCloseTo(IMR_SIGMA, 12);
    expect(signalled(lowerIsBetter.points)).toEqual([{ period: '2024-W17', signals: [4], worse: true }]);

    const higherIsBetter = withLimits(buildControlChart('imr', points, baseline, 'higher'));
    expect(signalled(higherIsBetter.points)).toEqual([{ period: '2024-W17', signals: [4], worse: false }]);
  });

  it('given gaps inside the baseline, when charted, then only periods with data count and the gaps carry no limits', () => {
    // Baseline W01..W10 with W03 and W07 empty: the eight values of IMR_BASELINE remain, so the same 21 / MR̄ 2.
    const values = [20, 23, null, 21, 23, 21, null, 19, 21, 20];
    const points = values.map((v, i) => individual(week(i + 1), v));
    const chart = withLimits(buildControlChart('imr', points, null, 'lower'));

    expect(chart.baseline).toEqual({ from: '2024-W01', to: '2024-W10', points: 8 });
    expect(chart.center).toBe(21);
    expect(chart.sigma).toBeCloseTo(IMR_SIGMA, 12);
    expect(chart.points.filter((p) => p.ucl === null).map((p) => p.period)).toEqual(['2024-W03', '2024-W07']);
    expect(chart.movingRanges!.map((m) => m.value)).toEqual([null, 3, null, 2, 2, 2, null, 2, 2, 1]);
    expect(signalled(chart.points)).toEqual([]);
  });
});

describe('buildControlChart: no limits', () => {
  it('given a baseline with three periods with data, when charted, then insufficient with the count in words and the points without limits', () => {
    expect(MIN_BASELINE_POINTS).toBe(8);
    const points = [
      ...[[90, 100], null, [85, 100], null, [88, 100]].map((c, i) => share(week(i + 1), c?.[0] ?? null, c?.[1] ?? null)),
      ...P_BASELINE.map(([x, n], i) => share(week(i + 6), x, n)),
    ];
    const chart = buildControlChart('p', points, { from: '2024-W01', to: '2024-W05' }, 'higher');

    expect(chart).toMatchObject({
      kind: 'p',
      status: 'insufficient',
      reason: 'the baseline (2024-W01 to 2024-W05) has 3 periods with data; a control chart needs at least 8 to set its limits',
    });
    expect(chart.points).toHaveLength(13);
    expect(chart.points[0]).toEqual({ period: '2024-W01', value: 0.9, n: 100, center: null, ucl: null, lcl: null, signals: [], worse: false });
    expect(chart.points.every((p) => p.ucl === null && p.signals.length === 0)).toBe(true);
  });

  it('given a whole series of one period, when charted without a baseline, then the reason speaks of the series', () => {
    const chart = buildControlChart('imr', [individual('2024-01-15', 42)], null, 'lower');
    expect(chart).toMatchObject({
      status: 'insufficient',
      reason: 'the series has 1 period with data; a control chart needs at least 8 to set its limits',
    });
    expect(buildControlChart('u', [], null, 'lower')).toEqual({
      kind: 'u',
      status: 'insufficient',
      reason: 'the series has 0 periods with data; a control chart needs at least 8 to set its limits',
      points: [],
    });
  });

  it('given baselines without variation (every clock met, none met, no complaints, one constant time), when charted, then insufficient with a reason naming the figure', () => {
    const weeks = Array.from({ length: 8 }, (_, i) => week(i + 1));
    const allMet = buildControlChart('p', weeks.map((w) => share(w, 100, 100)), null, 'higher');
    expect(allMet).toMatchObject({
      status: 'insufficient',
      reason: 'the 8 baseline periods are all at 100 % (800 of 800); with no variation a control chart has nothing to set its limits from',
    });
    const noneMet = buildControlChart('p', weeks.map((w) => share(w, 0, 50)), null, 'higher');
    expect(noneMet).toMatchObject({
      status: 'insufficient',
      reason: 'the 8 baseline periods are all at 0 % (0 of 400); with no variation a control chart has nothing to set its limits from',
    });
    const noComplaints = buildControlChart('u', weeks.map((w) => rate(w, 0, 12)), null, 'lower');
    expect(noComplaints).toMatchObject({
      status: 'insufficient',
      reason: 'the 8 baseline periods counted no events over 96 units; with no variation a control chart has nothing to set its limits from',
    });
    const constant = buildControlChart('imr', weeks.map((w) => individual(w, 45)), null, 'lower');
    expect(constant).toMatchObject({
      status: 'insufficient',
      reason: 'all 8 baseline periods have the same value (45); with no variation a control chart has nothing to set its limits from',
    });
  });

  it('given a p point whose value is not x/n (a percentage), when charted, then StatisticsError naming the period', () => {
    const points = P_BASELINE.map(([x, n], i) => share(week(i + 1), x, n));
    points[2] = { period: '2024-W03', value: 92, x: 92, n: 100 };
    expect(() => buildControlChart('p', points, null, 'higher')).toThrow(StatisticsError);
    expect(() => buildControlChart('p', points, null, 'higher')).toThrow('point 2024-W03: value 92 is not x/n = 92/100');
    points[2] = { period: '2024-W03', value: 0.92, x: null, n: null };
    expect(() => buildControlChart('p', points, null, 'higher')).toThrow('point 2024-W03: a p chart needs x and n > 0');
  });
});

describe('paretoTable', () => {
  it('given cause counts with a zero, when tabled, then sorted shares, cumulative shares and the vital few up to 80 %', () => {
    // Total 50+30+15+5 = 100: shares 0.5, 0.3, 0.15, 0.05; cumulative 0.5, 0.8, 0.95, 1.
    // "tariff not explained" brings the cumulative share to exactly 80 %, so it is the last vital cause.
    const table = paretoTable([
      { key: 'invoice not received', count: 15 },
      { key: 'double charge', count: 50 },
      { key: 'wrong address', count: 0 },
      { key: 'roaming', count: 5 },
      { key: 'tariff not explained', count: 30 },
    ]);
    expect(table.map((r) => [r.key, r.count, r.vital])).toEqual([
      ['double charge', 50, true],
      ['tariff not explained', 30, true],
      ['invoice not received', 15, false],
      ['roaming', 5, false],
    ]);
    const expected = [
      [0.5, 0.5],
      [0.3, 0.8],
      [0.15, 0.95],
      [0.05, 1],
    ];
    table.forEach((r, i) => {
      expect(r.share).toBeCloseTo(expected[i]![0]!, 12);
      expect(r.cumulativeShare).toBeCloseTo(expected[i]![1]!, 12);
    });
    expect(table[3]!.cumulativeShare).toBe(1);
  });

  it('given no counts or only zeros, when tabled, then an empty table', () => {
    expect(paretoTable([])).toEqual([]);
    expect(paretoTable([{ key: 'double charge', count: 0 }])).toEqual([]);
  });
});
