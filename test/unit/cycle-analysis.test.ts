import {
  type IndividualsControlLimits,
  type SmartGoal,
  ALPHA,
  checkReport,
  comparePilot,
  controlLimits,
  dataStats,
  goalProblems,
  improvementPct,
  meetsTarget,
  newSignals,
  seriesMean,
  statistic,
} from '../../src/domain/cycle-analysis';
import { ErrorCode } from '../../src/domain/errors';
import { StatisticsError, individualsLimits, normalCdf, studentTTwoSidedP, twoProportionZTest, welchTTest } from '../../src/domain/statistics';
import { expectDomainError } from '../helpers/domain';

// ----------------------------------------------------------------- fixtures

const NOW = Date.UTC(2026, 0, 5, 9);

/** Handling time in minutes, lower is better: 40 → 30. */
const LOWER: SmartGoal = { metric: 'handling time', unit: 'min', direction: 'lower_is_better', metricType: 'continuous', baseline: 40, target: 30, deadline: Date.UTC(2026, 2, 1) };
/** CSAT, higher is better: 3.8 → 4.2. */
const HIGHER: SmartGoal = { metric: 'CSAT', unit: 'points', direction: 'higher_is_better', metricType: 'continuous', baseline: 3.8, target: 4.2, deadline: Date.UTC(2026, 2, 1) };
/** Reopen rate, lower is better: 12 % → 8 %. */
const PROPORTION: SmartGoal = { metric: 'reopen rate', unit: 'share', direction: 'lower_is_better', metricType: 'proportion', baseline: 0.12, target: 0.08, deadline: Date.UTC(2026, 2, 1) };

const pts = (...values: number[]) => values.map((value) => ({ value }));

/** Every number anywhere in `value` is finite (no NaN, no infinity). */
function expectAllFinite(value: unknown): void {
  const walk = (v: unknown, path: string): void => {
    if (typeof v === 'number') expect({ path, finite: Number.isFinite(v) }).toEqual({ path, finite: true });
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
  };
  walk(value, '$');
}

// ------------------------------------------------------------------ tests

describe('goalProblems', () => {
  it('given a target better than the baseline in either direction, when checked, then no problem', () => {
    expect(goalProblems(LOWER)).toEqual([]);
    expect(goalProblems(HIGHER)).toEqual([]);
    expect(goalProblems(PROPORTION)).toEqual([]);
  });

  it('given a target equal to or worse than the baseline, when checked, then a target problem naming the direction', () => {
    expect(goalProblems({ ...LOWER, target: 40 })).toEqual([{ path: 'target', message: 'the target must be below the baseline (lower_is_better)' }]);
    expect(goalProblems({ ...LOWER, target: 45 })).toEqual([{ path: 'target', message: 'the target must be below the baseline (lower_is_better)' }]);
    expect(goalProblems({ ...HIGHER, target: 3.5 })).toEqual([{ path: 'target', message: 'the target must be above the baseline (higher_is_better)' }]);
  });

  it('given a proportion goal outside [0, 1], when checked, then the baseline or target is named', () => {
    expect(goalProblems({ ...PROPORTION, baseline: 1.2 })).toEqual([{ path: 'baseline', message: 'a proportion goal needs a baseline in [0, 1]' }]);
    expect(goalProblems({ ...PROPORTION, target: -0.1 })).toEqual([{ path: 'target', message: 'a proportion goal needs a target in [0, 1]' }]);
    // A continuous metric may take any value.
    expect(goalProblems({ ...LOWER, baseline: 1.2, target: -0.1 })).toEqual([]);
  });
});

describe('meetsTarget and improvementPct', () => {
  it('given values at and around the target, when checked, then the target itself counts as met in both directions', () => {
    expect([29, 30, 31].map((v) => meetsTarget(LOWER, v))).toEqual([true, true, false]);
    expect([4.1, 4.2, 4.3].map((v) => meetsTarget(HIGHER, v))).toEqual([false, true, true]);
  });

  it('given a change, when expressed in %, then positive in the better direction and negative in the worse', () => {
    expect(improvementPct('higher_is_better', 50, 60)).toBeCloseTo(20, 12);
    expect(improvementPct('higher_is_better', 50, 40)).toBeCloseTo(-20, 12);
    expect(improvementPct('lower_is_better', 50, 40)).toBeCloseTo(20, 12);
    expect(improvementPct('lower_is_better', 50, 60)).toBeCloseTo(-20, 12);
  });

  it('given a negative starting value, when expressed in %, then relative to its magnitude', () => {
    expect(improvementPct('higher_is_better', -10, -5)).toBeCloseTo(50, 12);
    expect(improvementPct('lower_is_better', -10, -5)).toBeCloseTo(-50, 12);
  });

  it('given a start of 0, when expressed in %, then null (never an infinity)', () => {
    expect(improvementPct('higher_is_better', 0, 5)).toBeNull();
    expect(improvementPct('lower_is_better', 0, 0)).toBeNull();
  });
});

describe('checkReport', () => {
  it('given no measurement after the change, when building the report, then INVALID_ACTION', () => {
    expectDomainError(() => checkReport(LOWER, pts(40, 41), [], NOW), ErrorCode.INVALID_ACTION);
  });

  it('given two or more measurements before the change, when building the report, then Welch\'s t of after against before', () => {
    const before = [41, 39, 42, 40];
    const after = [29, 31, 28, 30];
    const r = checkReport(LOWER, pts(...before), pts(...after), NOW);
    const w = welchTTest(after, before);
    expect(r).toEqual({
      computedAt: NOW,
      baseline: { mean: 40.5, n: 4, source: 'measurements' },
      after: { mean: 29.5, n: 4 },
      target: 30,
      direction: 'lower_is_better',
      improvementPct: expect.closeTo((11 / 40.5) * 100, 12),
      goalMet: true,
      test: { name: 'welch_t', statistic: w.t, df: w.df, pValue: w.pValue, alpha: ALPHA, significant: true },
    });
    // Same variance (5/3) and size: t = -11 / √(5/3 · 2/4) with 6 degrees of freedom.
    expect(w.t).toBeCloseTo(-11 / Math.sqrt(5 / 6), 10);
    expect(w.df).toBeCloseTo(6, 10);
  });

  it('given no measurement before the change, when building the report, then a one-sample t against the goal baseline', () => {
    const r = checkReport(HIGHER, [], pts(4.1, 4.3, 4.2, 4.4, 4.0), NOW);
    // Mean 4.2, s² = (0.01 + 0.01 + 0 + 0.04 + 0.04) / 4 = 0.025, t = 0.4 / √(0.025 / 5), df 4.
    const t = 0.4 / Math.sqrt(0.025 / 5);
    expect(r.baseline).toEqual({ mean: 3.8, n: 0, source: 'goal' });
    expect(r.after.mean).toBeCloseTo(4.2, 12);
    expect(r.goalMet).toBe(true);
    expect(r.improvementPct).toBeCloseTo((0.4 / 3.8) * 100, 10);
    expect(r.test).toEqual({ name: 'one_sample_t', statistic: expect.closeTo(t, 9), df: 4, pValue: expect.closeTo(studentTTwoSidedP(t, 4), 12), alpha: ALPHA, significant: true });
  });

  it('given a worse mean after the change, when building the report, then the improvement is negative in the goal direction', () => {
    expect(checkReport(HIGHER, [], pts(3.4, 3.6), NOW).improvementPct).toBeCloseTo((-0.3 / 3.8) * 100, 10);
    expect(checkReport(LOWER, [], pts(44, 46), NOW).improvementPct).toBeCloseTo(-12.5, 10);
  });

  it('given constant values after the change, when building the report, then test none with a reason and no NaN', () => {
    const oneSample = checkReport(LOWER, [], pts(30, 30, 30), NOW);
    expect(oneSample.test).toEqual({ name: 'none', reason: expect.stringMatching(/zero variance/) });
    expectAllFinite(oneSample);
    const welch = checkReport(LOWER, pts(40, 40), pts(30, 30), NOW);
    expect(welch.test).toEqual({ name: 'none', reason: expect.stringMatching(/both samples have zero variance/) });
    expectAllFinite(welch);
  });

  it('given a single measurement after the change, when building the report, then test none saying two values are needed', () => {
    const r = checkReport(LOWER, [], pts(28), NOW);
    expect(r.test).toEqual({ name: 'none', reason: expect.stringMatching(/at least 2 values/) });
    expect(r.goalMet).toBe(true);
  });

  it('given proportions without a before sample, when building the report, then a one-proportion z-test with pooled successes', () => {
    // 12 of 200 and 7 of 100 → 19 of 300 against p0 = 0.12.
    const r = checkReport(PROPORTION, [], [{ value: 0.06, sampleSize: 200 }, { value: 0.07, sampleSize: 100 }], NOW);
    const z = (19 / 300 - 0.12) / Math.sqrt((0.12 * 0.88) / 300);
    expect(r.after).toEqual({ mean: 19 / 300, n: 2 });
    expect(r.test).toEqual({ name: 'one_proportion_z', statistic: expect.closeTo(z, 12), pValue: expect.closeTo(2 * normalCdf(-Math.abs(z)), 12), alpha: ALPHA, significant: true });
  });

  it('given proportions with a before sample, when building the report, then a pooled two-proportion z-test', () => {
    const r = checkReport(PROPORTION, [{ value: 0.12, sampleSize: 200 }, { value: 0.11, sampleSize: 100 }], [{ value: 0.06, sampleSize: 200 }, { value: 0.07, sampleSize: 100 }], NOW);
    const ref = twoProportionZTest(19, 300, 35, 300);
    expect(r.baseline).toEqual({ mean: 35 / 300, n: 2, source: 'measurements' });
    expect(r.test).toEqual({ name: 'two_proportion_z', statistic: ref.z, pValue: ref.pValue, alpha: ALPHA, significant: ref.pValue < 0.05 });
    expect(ref.z).toBeCloseTo((19 / 300 - 35 / 300) / Math.sqrt(0.09 * 0.91 * (2 / 300)), 12);
  });

  it('given degenerate proportions (p0 = 0, or no successes anywhere), when building the report, then test none and no NaN', () => {
    const fromZero: SmartGoal = { ...PROPORTION, direction: 'higher_is_better', baseline: 0, target: 0.2 };
    const r1 = checkReport(fromZero, [], [{ value: 0.1, sampleSize: 50 }], NOW);
    expect(r1.test).toEqual({ name: 'none', reason: expect.stringMatching(/p0 must be strictly between 0 and 1/) });
    expect(r1.improvementPct).toBeNull();
    expectAllFinite(r1);
    const r2 = checkReport(PROPORTION, [{ value: 0, sampleSize: 100 }], [{ value: 0, sampleSize: 100 }], NOW);
    expect(r2.test).toEqual({ name: 'none', reason: expect.stringMatching(/zero variance/) });
    expectAllFinite(r2);
  });

  it('given proportions of different sample sizes, when averaging a series, then the pooled share, not the mean of shares', () => {
    expect(seriesMean('proportion', [{ value: 0.5, sampleSize: 10 }, { value: 0.1, sampleSize: 90 }])).toBeCloseTo(14 / 100, 12);
    expect(seriesMean('continuous', pts(1, 2, 6))).toBe(3);
  });
});

describe('dataStats', () => {
  it('given discrete counts, when summarised, then DPMO, yield and the 1.5σ-shifted sigma level', () => {
    const s = dataStats({ kind: 'discrete', defects: 6681, units: 100_000, opportunitiesPerUnit: 1 });
    // 66,810 DPMO ≈ 3σ in the standard conversion table.
    expect(s).toMatchObject({ kind: 'discrete', dpmo: expect.closeTo(66_810, 6), yield: expect.closeTo(1 - 0.06681, 12) });
    if (s.kind !== 'discrete') throw new Error('expected discrete stats');
    expect(s.sigmaLevel).toBeCloseTo(3, 3);
  });

  it('given no defects, when summarised, then DPMO 0, yield 1 and no sigma level (it would be infinite)', () => {
    expect(dataStats({ kind: 'discrete', defects: 0, units: 50, opportunitiesPerUnit: 3 })).toEqual({ kind: 'discrete', defects: 0, units: 50, opportunitiesPerUnit: 3, dpmo: 0, yield: 1, sigmaLevel: null });
  });

  it('given more defects than opportunities, when summarised, then INVALID_ACTION prefixed with the data kind', () => {
    const err = expectDomainError(() => dataStats({ kind: 'discrete', defects: 11, units: 5, opportunitiesPerUnit: 2 }), ErrorCode.INVALID_ACTION);
    expect(err.message).toMatch(/^discrete data: defects must be an integer in 0\.\.10/);
  });

  it('given continuous data without spec limits, when summarised, then descriptive statistics and no capability', () => {
    expect(dataStats({ kind: 'continuous', values: [2, 4, 4, 4, 5, 5, 7, 9] })).toEqual({
      kind: 'continuous',
      n: 8,
      mean: 5,
      sd: expect.closeTo(Math.sqrt(32 / 7), 12),
      median: 4.5,
      lsl: null,
      usl: null,
      cp: null,
      cpk: null,
      pp: null,
      ppk: null,
    });
  });

  it('given an upper spec limit only, when summarised, then Cpu and Ppu, no Cp or Pp', () => {
    const values = [10, 12, 11, 13, 12]; // mean 11.6, MR̄ 1.5, s² = (2.56 + 0.16 + 0.36 + 1.96 + 0.16) / 4 = 1.3
    const s = dataStats({ kind: 'continuous', values, usl: 15 });
    expect(s).toMatchObject({ cp: null, pp: null, lsl: null, usl: 15 });
    if (s.kind !== 'continuous') throw new Error('expected continuous stats');
    expect(s.cpk).toBeCloseTo((15 - 11.6) / (3 * (1.5 / 1.128)), 12);
    expect(s.ppk).toBeCloseTo((15 - 11.6) / (3 * Math.sqrt(1.3)), 12);
  });

  it('given constant continuous data, when summarised, then INVALID_ACTION for zero variance', () => {
    const err = expectDomainError(() => dataStats({ kind: 'continuous', values: [3, 3, 3], lsl: 1, usl: 5 }), ErrorCode.INVALID_ACTION);
    expect(err.message).toMatch(/^continuous data: .*zero variance/);
  });
});

describe('comparePilot', () => {
  it('given pilot data of another kind than the baseline, when compared, then INVALID_ACTION', () => {
    const baseline = dataStats({ kind: 'discrete', defects: 10, units: 100, opportunitiesPerUnit: 1 });
    expectDomainError(() => comparePilot(LOWER, baseline, [], { kind: 'continuous', values: [1, 2] }), ErrorCode.INVALID_ACTION);
  });

  it('given discrete data, when compared, then DPMO improvement counts as lower-is-better whatever the goal direction', () => {
    const baseline = dataStats({ kind: 'discrete', defects: 120, units: 1000, opportunitiesPerUnit: 4 });
    const c = comparePilot(HIGHER, baseline, [], { kind: 'discrete', defects: 30, units: 1000, opportunitiesPerUnit: 4 });
    expect(c.improvementPct).toBeCloseTo(75, 9);
    const ref = twoProportionZTest(30, 4000, 120, 4000);
    expect(c.test).toEqual({ name: 'two_proportion_z', statistic: ref.z, pValue: ref.pValue, alpha: ALPHA, significant: true });
  });

  it('given continuous data on a higher-is-better goal, when compared, then Welch\'s t and a positive improvement for a higher mean', () => {
    const base = [3.7, 3.9, 3.8, 3.6, 4.0];
    const pilot = [4.3, 4.1, 4.4, 4.2];
    const c = comparePilot(HIGHER, dataStats({ kind: 'continuous', values: base }), base, { kind: 'continuous', values: pilot });
    const w = welchTTest(pilot, base);
    expect(c.test).toEqual({ name: 'welch_t', statistic: w.t, df: w.df, pValue: w.pValue, alpha: ALPHA, significant: w.pValue < 0.05 });
    expect(c.improvementPct).toBeCloseTo(((4.25 - 3.8) / 3.8) * 100, 10);
  });

  it('given no defects in baseline or pilot, when compared, then test none and no improvement figure', () => {
    const baseline = dataStats({ kind: 'discrete', defects: 0, units: 100, opportunitiesPerUnit: 1 });
    const c = comparePilot(LOWER, baseline, [], { kind: 'discrete', defects: 0, units: 100, opportunitiesPerUnit: 1 });
    expect(c.test).toEqual({ name: 'none', reason: expect.stringMatching(/zero variance/) });
    expect(c.improvementPct).toBeNull();
  });
});

describe('controlLimits', () => {
  it('given improved data, when computing limits, then the I-MR limits with the zone sigma MR̄ / d2', () => {
    const data = [10, 12, 11, 13]; // mean 11.5, MR̄ = (2 + 1 + 2) / 3 = 5/3
    const l = controlLimits(data);
    const ref = individualsLimits(data);
    const sigma = 5 / 3 / 1.128;
    expect(l).toEqual({
      chart: 'individuals',
      center: ref.individuals.center,
      ucl: ref.individuals.ucl,
      lcl: ref.individuals.lcl,
      sigma: expect.closeTo(sigma, 12),
      movingRange: { center: ref.movingRange.center, ucl: ref.movingRange.ucl },
      n: 4,
    });
    expect(l.center).toBe(11.5);
    expect(l.ucl).toBeCloseTo(11.5 + 3 * sigma, 12);
    expect(l.lcl).toBeCloseTo(11.5 - 3 * sigma, 12);
    expect(l.movingRange.ucl).toBeCloseTo(3.267 * (5 / 3), 12);
  });

  it('given one point or constant data, when computing limits, then INVALID_ACTION', () => {
    expect(expectDomainError(() => controlLimits([5]), ErrorCode.INVALID_ACTION).message).toMatch(/^improved data: /);
    expectDomainError(() => controlLimits([5, 5, 5]), ErrorCode.INVALID_ACTION);
  });
});

describe('newSignals', () => {
  const UNIT: IndividualsControlLimits = { chart: 'individuals', center: 0, ucl: 3, lcl: -3, sigma: 1, movingRange: { center: 1, ucl: 3.267 }, n: 20 };

  it('given a point beyond 3σ, when it is new, then rule 1 at its index; when it is context, then nothing', () => {
    expect(newSignals([4, 0.5, -0.5], UNIT, 0)).toEqual([{ index: 0, rules: [1] }]);
    expect(newSignals([4, 0.5, -0.5], UNIT, 1)).toEqual([]);
    expect(newSignals([0.5, -0.5, -3.2], UNIT, 2)).toEqual([{ index: 2, rules: [1] }]);
  });

  it('given a point completing two patterns, when checked, then one entry with both rules', () => {
    // 2.5σ then 3.5σ: rule 1 at the second, and 2 of 3 beyond 2σ completed by it.
    expect(newSignals([0, 2.5, 3.5], UNIT, 0)).toEqual([{ index: 2, rules: [1, 2] }]);
  });

  it('given seven earlier points on one side as context, when an eighth arrives on the same side, then rule 4 at the new point', () => {
    const series = Array.from({ length: 8 }, () => 0.5);
    expect(newSignals(series, UNIT, 7)).toEqual([{ index: 7, rules: [4] }]);
    expect(newSignals([...series.slice(0, 7), -0.5], UNIT, 7)).toEqual([]);
  });
});

describe('statistic', () => {
  it('given a StatisticsError, when wrapped, then INVALID_ACTION naming what was computed; other errors pass through', () => {
    const err = expectDomainError(
      () =>
        statistic('pilot', () => {
          throw new StatisticsError('values must not be empty');
        }),
      ErrorCode.INVALID_ACTION,
    );
    expect(err.message).toBe('pilot: values must not be empty');
    const other = new TypeError('boom');
    expect(() =>
      statistic('pilot', () => {
        throw other;
      }),
    ).toThrow(other);
    expect(statistic('ok', () => 42)).toBe(42);
  });
});
