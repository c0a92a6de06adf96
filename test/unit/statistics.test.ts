import {
  LONG_TERM_SHIFT,
  StatisticsError,
  WesternElectricRule,
  XBAR_R_CONSTANTS,
  cp,
  cpk,
  dpmo,
  dpmoFromSigmaLevel,
  erf,
  erfc,
  individualsLimits,
  individualsSigma,
  inverseNormalCdf,
  mean,
  median,
  normalCdf,
  oneProportionZTest,
  oneSampleTTest,
  pChart,
  pareto,
  pp,
  ppk,
  processYield,
  regularizedIncompleteBeta,
  riskPriorityNumber,
  sampleStdDev,
  sampleVariance,
  sigmaLevel,
  studentTCdf,
  studentTTwoSidedP,
  twoProportionZTest,
  uChart,
  welchTTest,
  westernElectricViolations,
  xbarRLimits,
  xbarRLimitsFromSummary,
} from '../../src/domain/statistics';

/** Relative closeness, for values spanning many orders of magnitude (tails of Φ, erfc). */
const expectRelClose = (actual: number, expected: number, rel: number): void => {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected));
};

const throwsStatistics = (fn: () => unknown, message: RegExp): void => {
  expect(fn).toThrow(StatisticsError);
  expect(fn).toThrow(message);
};

describe('descriptive statistics', () => {
  it('given the classic 8-value series, when summarised, then mean 5, sample sd √(32/7), median 4.5', () => {
    // Wikipedia "Standard deviation" worked example: population sd 2, so sample sd = √(32/7) ≈ 2.138.
    const xs = [2, 4, 4, 4, 5, 5, 7, 9];
    expect(mean(xs)).toBe(5);
    expect(sampleVariance(xs)).toBeCloseTo(32 / 7, 12);
    expect(sampleStdDev(xs)).toBeCloseTo(2.13808993529939, 12);
    expect(median(xs)).toBe(4.5);
  });

  it('given NIST StRD NumAcc1 (large offset), when summarised, then certified mean 10000002 and sd 1', () => {
    // NIST Statistical Reference Datasets, univariate "NumAcc1": certified mean 10000002, sd 1.
    const xs = [10000001, 10000003, 10000002];
    expect(mean(xs)).toBe(10000002);
    expect(sampleStdDev(xs)).toBeCloseTo(1, 12);
  });

  it('given NIST StRD NumAcc2 (1001 values), when summarised, then certified mean 1.2 and sd 0.1', () => {
    // NIST StRD "NumAcc2": 1.2 followed by 500 pairs (1.1, 1.3); certified mean 1.2, sd 0.1.
    const xs = [1.2];
    for (let i = 0; i < 500; i++) xs.push(1.1, 1.3);
    expect(mean(xs)).toBeCloseTo(1.2, 13);
    expect(sampleStdDev(xs)).toBeCloseTo(0.1, 13);
  });

  it('given an odd-length unsorted series, when taking the median, then the middle value and the input is untouched', () => {
    const xs = [9, 1, 5, 3, 7];
    expect(median(xs)).toBe(5);
    expect(xs).toEqual([9, 1, 5, 3, 7]);
    expect(median([42])).toBe(42);
  });

  it('given invalid series, when summarised, then StatisticsError', () => {
    throwsStatistics(() => mean([]), /must not be empty/);
    throwsStatistics(() => median([]), /must not be empty/);
    throwsStatistics(() => sampleStdDev([1]), /at least 2 values/);
    throwsStatistics(() => mean([1, NaN]), /values\[1\] must be a finite number/);
    throwsStatistics(() => sampleVariance([1, Infinity]), /finite/);
  });
});

describe('normal distribution', () => {
  it('given standard normal table points, when computing Φ, then table values', () => {
    // Standard normal table (e.g. Montgomery, ISQC, Appendix II): Φ(1.96) = 0.9750, Φ(-1) = 0.1587, Φ(3) = 0.99865.
    expect(normalCdf(1.96)).toBeCloseTo(0.975, 4);
    expect(normalCdf(0)).toBe(0.5);
    // High-precision references (Python math.erfc, i.e. the C library).
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 14);
    expect(normalCdf(-1)).toBeCloseTo(0.15865525393145707, 14);
    expect(normalCdf(3)).toBeCloseTo(0.9986501019683699, 14);
    expectRelClose(normalCdf(-4.5), 3.3976731247300615e-6, 1e-12);
    expectRelClose(normalCdf(-8), 6.220960574271819e-16, 1e-12);
  });

  it('given reference points, when computing erf and erfc, then ~1e-13 relative accuracy on both sides of the method switch', () => {
    // References: Python math.erf / math.erfc (C library, correctly rounded to ~1 ulp).
    expectRelClose(erfc(0.5), 0.4795001221869535, 1e-13);
    expectRelClose(erfc(1), 0.15729920705028513, 1e-13);
    expectRelClose(erfc(2.5), 0.0004069520174449589, 1e-13);
    expectRelClose(erfc(5), 1.5374597944280351e-12, 1e-13);
    expectRelClose(erfc(-1), 1.842700792949715, 1e-13);
    expectRelClose(erf(1), 0.8427007929497149, 1e-13);
    expectRelClose(erf(-1), -0.8427007929497149, 1e-13);
    expectRelClose(erf(2.5), 0.999593047982555, 1e-13);
    expect(erfc(30)).toBe(0);
    expect(erf(0)).toBe(0);
  });

  it('given probabilities, when inverting Φ, then table quantiles to ~1e-12', () => {
    // Standard quantiles: z(0.975) = 1.959964, z(0.95) = 1.644854, z(0.01) = -2.326348 (NIST e-Handbook 1.3.6.7.1).
    expect(inverseNormalCdf(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(inverseNormalCdf(0.95)).toBeCloseTo(1.6448536269514722, 12);
    expect(inverseNormalCdf(0.01)).toBeCloseTo(-2.3263478740408408, 12);
    expect(inverseNormalCdf(0.5)).toBeCloseTo(0, 15);
    expect(inverseNormalCdf(1e-10)).toBeCloseTo(-6.361340902404056, 10);
  });

  it('given many probabilities across all regions of Acklam\'s approximation, when round-tripping, then Φ(Φ⁻¹(p)) = p', () => {
    for (const p of [1e-300, 1e-15, 1e-6, 0.001, 0.02425, 0.1, 0.3, 0.5, 0.7, 0.97575, 0.999, 1 - 1e-9]) {
      const x = inverseNormalCdf(p);
      expectRelClose(p <= 0.5 ? normalCdf(x) : 1 - normalCdf(x), p <= 0.5 ? p : 1 - p, 1e-9);
    }
  });

  it('given p outside (0, 1) or non-finite arguments, when inverting, then StatisticsError', () => {
    throwsStatistics(() => inverseNormalCdf(0), /strictly between 0 and 1/);
    throwsStatistics(() => inverseNormalCdf(1), /strictly between 0 and 1/);
    throwsStatistics(() => inverseNormalCdf(NaN), /finite/);
    throwsStatistics(() => normalCdf(Infinity), /finite/);
    throwsStatistics(() => erfc(NaN), /finite/);
  });
});

describe('six sigma', () => {
  it('given defect counts, when computing DPMO and yield, then defects per million opportunities', () => {
    // Definition (e.g. Breyfogle, Implementing Six Sigma): DPMO = D / (U × O) × 10⁶.
    expect(dpmo(34, 1000, 10)).toBeCloseTo(3400, 9);
    expect(dpmo(0, 5, 3)).toBe(0);
    expect(processYield(34, 1000, 10)).toBeCloseTo(0.9966, 12);
    expect(processYield(0, 5, 3)).toBe(1);
  });

  it('given the standard sigma conversion table (1.5σ shift), when converting sigma to DPMO, then table values', () => {
    // Standard six-sigma conversion table: 6σ = 3.4, 5σ = 233, 4σ = 6,210, 3σ = 66,807, 2σ = 308,538, 1σ = 691,462 DPMO.
    expect(LONG_TERM_SHIFT).toBe(1.5);
    expect(dpmoFromSigmaLevel(6)).toBeCloseTo(3.4, 1);
    expect(dpmoFromSigmaLevel(5)).toBeCloseTo(232.6, 1);
    expect(Math.round(dpmoFromSigmaLevel(4))).toBe(6210);
    expect(Math.round(dpmoFromSigmaLevel(3))).toBe(66807);
    expect(Math.round(dpmoFromSigmaLevel(2))).toBe(308538);
    expect(Math.round(dpmoFromSigmaLevel(1))).toBe(691462);
  });

  it('given table DPMO values, when computing the sigma level, then 6σ, 3σ, 2σ', () => {
    // Same table, inverted: 3.4 DPMO ≈ 6σ, 66,807 ≈ 3σ, 308,538 ≈ 2σ.
    expect(sigmaLevel(3.4)).toBeCloseTo(6, 2);
    expect(sigmaLevel(66807)).toBeCloseTo(3, 4);
    expect(sigmaLevel(308538)).toBeCloseTo(2, 5);
    // Without the shift, sigma level is just the normal quantile of the yield.
    expect(sigmaLevel(25000, 0)).toBeCloseTo(1.959963984540054, 10);
  });

  it('given any sigma level, when round-tripping through DPMO, then the same level', () => {
    for (const s of [0.5, 1, 2.7, 4.2, 6, 7.5]) expect(sigmaLevel(dpmoFromSigmaLevel(s))).toBeCloseTo(s, 9);
  });

  it('given invalid counts or DPMO out of range, when converting, then StatisticsError', () => {
    throwsStatistics(() => dpmo(1, 0, 1), /units must be an integer >= 1/);
    throwsStatistics(() => dpmo(1, 10, 0), /opportunitiesPerUnit/);
    throwsStatistics(() => dpmo(31, 10, 3), /defects must be an integer in 0\.\.30/);
    throwsStatistics(() => dpmo(-1, 10, 3), /defects/);
    throwsStatistics(() => processYield(1.5, 10, 3), /defects must be an integer/);
    throwsStatistics(() => sigmaLevel(0), /strictly between 0 and 1,000,000/);
    throwsStatistics(() => sigmaLevel(1e6), /strictly between/);
    throwsStatistics(() => sigmaLevel(NaN), /finite/);
    throwsStatistics(() => dpmoFromSigmaLevel(Infinity), /finite/);
  });
});

describe('process capability', () => {
  it('given NIST e-Handbook example (USL 20, LSL 8, μ 16, σ 2), when computing Cp and Cpk, then 1 and 0.6667', () => {
    // NIST/SEMATECH e-Handbook 6.1.6 "What is Process Capability?": Cp = 1, Cpk = min(4/6, 8/6) = 0.6667.
    expect(cp({ lsl: 8, usl: 20 }, 2)).toBeCloseTo(1, 12);
    expect(cpk({ lsl: 8, usl: 20 }, 16, 2)).toBeCloseTo(0.6667, 4);
  });

  it('given Montgomery\'s off-centre process (LSL 38, USL 62, μ 53, σ 2), when computing Cp and Cpk, then 2.0 and 1.5', () => {
    // Montgomery, Introduction to Statistical Quality Control, §8.3 (Cpk): Cp = 2.0, Cpk = 1.5.
    expect(cp({ lsl: 38, usl: 62 }, 2)).toBeCloseTo(2, 12);
    expect(cpk({ lsl: 38, usl: 62 }, 53, 2)).toBeCloseTo(1.5, 12);
  });

  it('given hard-bake flow width (LSL 1.00, USL 2.00, σ̂ 0.1398), when computing Cp, then 1.192', () => {
    // Montgomery, ISQC, §6.2 / §8.3: Cp = (2.00 - 1.00) / (6 × 0.1398) = 1.192.
    expect(cp({ lsl: 1, usl: 2 }, 0.1398)).toBeCloseTo(1.192, 3);
  });

  it('given a lower spec only (bottle strength LSL 200, μ 264, σ 32), when computing Cpk, then Cpl = 0.67', () => {
    // Montgomery, ISQC, §8.3.1 one-sided PCR: Cpl = (264 - 200) / (3 × 32) = 0.67.
    expect(cpk({ lsl: 200 }, 264, 32)).toBeCloseTo(0.6667, 4);
    // Upper spec only: Cpu.
    expect(cpk({ usl: 300 }, 264, 32)).toBeCloseTo(36 / 96, 12);
  });

  it('given data, when computing Pp and Ppk, then the overall sample sd is used', () => {
    // Definitions as in AIAG SPC manual: Pp = (USL - LSL) / 6s, Ppk = min(USL - x̄, x̄ - LSL) / 3s.
    const xs = [2, 4, 4, 4, 5, 5, 7, 9]; // x̄ = 5, s = √(32/7)
    const s = Math.sqrt(32 / 7);
    expect(pp({ lsl: 0, usl: 12 }, xs)).toBeCloseTo(12 / (6 * s), 12);
    expect(ppk({ lsl: 0, usl: 12 }, xs)).toBeCloseTo(5 / (3 * s), 12);
    expect(ppk({ usl: 12 }, xs)).toBeCloseTo(7 / (3 * s), 12);
  });

  it('given individuals, when estimating within sigma, then MR̄ / 1.128', () => {
    // Montgomery, ISQC, Example 6.5 (mortgage loan costs): MR̄ = 7.79, σ̂ = MR̄ / d2 = 7.79 / 1.128 = 6.91.
    const costs = [310, 288, 297, 298, 307, 303, 294, 297, 308, 306, 294, 299, 297, 299, 314, 295, 293, 306, 301, 304];
    expect(individualsSigma(costs)).toBeCloseTo(148 / 19 / 1.128, 12);
    expect(individualsSigma(costs)).toBeCloseTo(6.91, 2);
  });

  it('given invalid specs or sigma, when computing capability, then StatisticsError', () => {
    throwsStatistics(() => cp({ lsl: 20, usl: 8 }, 2), /lsl must be below usl/);
    throwsStatistics(() => cpk({ lsl: 5, usl: 5 }, 5, 1), /lsl must be below usl/);
    throwsStatistics(() => cp({ lsl: 8 }, 2), /both lsl and usl are required/);
    throwsStatistics(() => cpk({}, 5, 1), /at least one of lsl and usl/);
    throwsStatistics(() => cp({ lsl: 8, usl: 20 }, 0), /sigmaWithin must be > 0/);
    throwsStatistics(() => cpk({ lsl: 8, usl: NaN }, 16, 2), /usl must be a finite number/);
    throwsStatistics(() => pp({ lsl: 0, usl: 1 }, [3, 3, 3]), /zero variance/);
    throwsStatistics(() => ppk({ lsl: 0 }, [3]), /at least 2 values/);
    throwsStatistics(() => individualsSigma([4, 4, 4]), /zero moving range/);
  });
});

describe('control limits', () => {
  it('given mortgage loan costs, when computing I-MR limits, then Montgomery\'s limits', () => {
    // Montgomery, ISQC, Example 6.5: x̄ = 300.5, MR̄ = 7.79; X chart UCL 321.22, LCL 279.78; MR chart UCL 25.45, LCL 0.
    const costs = [310, 288, 297, 298, 307, 303, 294, 297, 308, 306, 294, 299, 297, 299, 314, 295, 293, 306, 301, 304];
    const { individuals, movingRange } = individualsLimits(costs);
    expect(individuals.center).toBeCloseTo(300.5, 10);
    expect(individuals.ucl).toBeCloseTo(321.22, 1);
    expect(individuals.lcl).toBeCloseTo(279.78, 1);
    expect(movingRange.center).toBeCloseTo(7.79, 2);
    expect(movingRange.ucl).toBeCloseTo(25.45, 2);
    expect(movingRange.lcl).toBe(0);
  });

  it('given hard-bake summary (x̿ 1.5056, R̄ 0.32521, n 5), when computing X̄-R limits, then Montgomery\'s limits', () => {
    // Montgomery, ISQC, Example 6.1: X̄ UCL 1.6933, LCL 1.3180; R chart UCL 0.68749, LCL 0.
    const limits = xbarRLimitsFromSummary(1.5056, 0.32521, 5);
    expect(limits.xbar.ucl).toBeCloseTo(1.6933, 3);
    expect(limits.xbar.lcl).toBeCloseTo(1.318, 3);
    expect(limits.range.ucl).toBeCloseTo(0.68749, 5);
    expect(limits.range.lcl).toBe(0);
    expect(limits.subgroupSize).toBe(5);
  });

  it('given the constants table, when looking up n = 2 and n = 10, then ASTM / Montgomery Appendix VI values', () => {
    // Montgomery, ISQC, Appendix VI.
    expect(XBAR_R_CONSTANTS[2]).toEqual({ a2: 1.88, d2: 1.128, d3: 0, d4: 3.267 });
    expect(XBAR_R_CONSTANTS[10]).toEqual({ a2: 0.308, d2: 3.078, d3: 0.223, d4: 1.777 });
  });

  it('given raw subgroups of size 7, when computing X̄-R limits, then a positive R chart LCL (D3 = 0.076)', () => {
    // Hand-computed: subgroup means 4 and 6 → x̿ = 5; ranges 6 and 6 → R̄ = 6; A2 = 0.419, D3 = 0.076, D4 = 1.924.
    const limits = xbarRLimits([
      [1, 2, 3, 4, 5, 6, 7],
      [3, 4, 5, 6, 7, 8, 9],
    ]);
    expect(limits.xbar.center).toBeCloseTo(5, 12);
    expect(limits.xbar.ucl).toBeCloseTo(5 + 0.419 * 6, 12);
    expect(limits.xbar.lcl).toBeCloseTo(5 - 0.419 * 6, 12);
    expect(limits.range).toEqual({ center: 6, lcl: expect.closeTo(0.456, 12), ucl: expect.closeTo(11.544, 12) });
  });

  it('given variable sample sizes with p̄ = 0.096, when computing a p chart, then per-point limits', () => {
    // Montgomery, ISQC, §7.2.2 (variable sample size, p̄ = 0.096): n = 100 gives UCL 0.1844, LCL 0.0076.
    const chart = pChart([
      { defectives: 9, sampleSize: 100 },
      { defectives: 15, sampleSize: 150 },
      { defectives: 24, sampleSize: 250 },
    ]);
    expect(chart.center).toBeCloseTo(0.096, 12);
    expect(chart.points[0]!.ucl).toBeCloseTo(0.1844, 4);
    expect(chart.points[0]!.lcl).toBeCloseTo(0.0076, 4);
    expect(chart.points[0]!.value).toBeCloseTo(0.09, 12);
    const half250 = 3 * Math.sqrt((0.096 * 0.904) / 250);
    expect(chart.points[2]!.ucl).toBeCloseTo(0.096 + half250, 12);
    expect(chart.points[2]!.lcl).toBeCloseTo(0.096 - half250, 12);
  });

  it('given a small sample, when computing a p chart, then LCL is floored at 0 and UCL capped at 1', () => {
    const chart = pChart([
      { defectives: 1, sampleSize: 2 },
      { defectives: 0, sampleSize: 2 },
    ]);
    expect(chart.points[0]!.lcl).toBe(0);
    expect(chart.points[0]!.ucl).toBe(1);
  });

  it('given ū = 1.93 nonconformities per unit, when computing a u chart with n = 5, then UCL 3.79 and LCL 0.07', () => {
    // Montgomery, ISQC, §7.3.1 (personal computer nonconformities, u chart): ū = 1.93, n = 5 → UCL 3.79, LCL 0.07.
    const chart = uChart([
      { defects: 10, units: 5 },
      { defects: 183, units: 95 },
    ]);
    expect(chart.center).toBeCloseTo(1.93, 12);
    expect(chart.points[0]!.ucl).toBeCloseTo(3.79, 2);
    expect(chart.points[0]!.lcl).toBeCloseTo(0.07, 2);
    expect(chart.points[1]!.ucl).toBeCloseTo(1.93 + 3 * Math.sqrt(1.93 / 95), 12);
    // Small n: ū - 3√(ū/n) < 0 → floored.
    expect(uChart([{ defects: 1, units: 1 }]).points[0]!.lcl).toBe(0);
  });

  it('given invalid chart inputs, when computing limits, then StatisticsError', () => {
    throwsStatistics(() => individualsLimits([5]), /at least 2 values/);
    throwsStatistics(() => individualsLimits([5, 5, 5]), /zero moving range/);
    throwsStatistics(() => xbarRLimits([]), /subgroups must not be empty/);
    throwsStatistics(() => xbarRLimits([[1, 2, 3], [1, 2]]), /all subgroups must have size 3/);
    throwsStatistics(() => xbarRLimits([[1], [2]]), /subgroupSize must be an integer in 2\.\.10/);
    throwsStatistics(() => xbarRLimits([[1, 1], [2, 2]]), /zero range/);
    throwsStatistics(() => xbarRLimitsFromSummary(1, 0.3, 11), /subgroupSize must be an integer in 2\.\.10/);
    throwsStatistics(() => pChart([]), /samples must not be empty/);
    throwsStatistics(() => pChart([{ defectives: 0, sampleSize: 10 }]), /zero variance/);
    throwsStatistics(() => pChart([{ defectives: 11, sampleSize: 10 }]), /defectives must be an integer in 0\.\.10/);
    throwsStatistics(() => uChart([{ defects: 0, units: 3 }]), /zero variance/);
    throwsStatistics(() => uChart([{ defects: 2, units: 0 }]), /units must be > 0/);
  });
});

describe('Western Electric rules', () => {
  // Centre 0, sigma 1, so values are z-scores.
  const R = WesternElectricRule;

  it('given a point beyond 3σ, when checking, then rule 1 at that point only', () => {
    // Western Electric Statistical Quality Control Handbook (1956) rule 1; also Montgomery, ISQC, §5.3.6.
    expect(westernElectricViolations([0.5, -3.5, 0.2], 0, 1)).toEqual([{ rule: R.BEYOND_3_SIGMA, index: 1 }]);
    expect(westernElectricViolations([3], 0, 1)).toEqual([]); // exactly 3σ is not beyond
  });

  it('given two of three beyond 2σ on the same side, when checking, then rule 2 at the completing point', () => {
    expect(westernElectricViolations([2.5, 0, 2.1], 0, 1)).toEqual([{ rule: R.TWO_OF_THREE_BEYOND_2_SIGMA, index: 2 }]);
    // Opposite sides do not count.
    expect(westernElectricViolations([2.5, 0, -2.1], 0, 1)).toEqual([]);
  });

  it('given four of five beyond 1σ on the same side, when checking, then rule 3 at the completing point', () => {
    expect(westernElectricViolations([-1.5, -1.2, 0.3, -1.1, -1.9], 0, 1)).toEqual([
      { rule: R.FOUR_OF_FIVE_BEYOND_1_SIGMA, index: 4 },
    ]);
  });

  it('given eight on one side, when checking, then rule 4 at the eighth and every further point of the run', () => {
    const xs = [0.1, 0.2, 0.3, 0.1, 0.4, 0.2, 0.5, 0.1, 0.3, -0.2];
    expect(westernElectricViolations(xs, 0, 1)).toEqual([
      { rule: R.EIGHT_ON_ONE_SIDE, index: 7 },
      { rule: R.EIGHT_ON_ONE_SIDE, index: 8 },
    ]);
    // A point on the centre line breaks the run.
    expect(westernElectricViolations([1, 1, 1, 1, 0, 1, 1, 1, 1], 0, 1).length).toBe(0);
  });

  it('given a non-zero centre and sigma, when several rules fire together, then all are reported sorted by index', () => {
    // centre 10, sigma 2: 17 is +3.5σ, 15 is +2.5σ, 13 is +1.5σ. Only the last point completes
    // a 2-of-3 (15, 17) and a 4-of-5 window (all five beyond 1σ).
    const xs = [13, 13, 15, 13, 17];
    expect(westernElectricViolations(xs, 10, 2)).toEqual([
      { rule: R.BEYOND_3_SIGMA, index: 4 },
      { rule: R.TWO_OF_THREE_BEYOND_2_SIGMA, index: 4 },
      { rule: R.FOUR_OF_FIVE_BEYOND_1_SIGMA, index: 4 },
    ]);
  });

  it('given invalid input, when checking, then StatisticsError', () => {
    throwsStatistics(() => westernElectricViolations([], 0, 1), /must not be empty/);
    throwsStatistics(() => westernElectricViolations([1], 0, 0), /sigma must be > 0/);
    throwsStatistics(() => westernElectricViolations([1], NaN, 1), /center must be a finite number/);
  });
});

describe('Pareto', () => {
  it('given complaint categories, when building a Pareto table, then sorted, cumulative and vital few up to 80 %', () => {
    // Pareto principle per Juran; construction as in Montgomery, ISQC, §5.4 (Pareto chart).
    const rows = pareto([
      { category: 'packaging', count: 5 },
      { category: 'billing', count: 30 },
      { category: 'delay', count: 45 },
      { category: 'damage', count: 15 },
      { category: 'other', count: 5 },
    ]);
    expect(rows.map((r) => r.category)).toEqual(['delay', 'billing', 'damage', 'other', 'packaging']);
    expect(rows.map((r) => r.cumulativePercentage)).toEqual([45, 75, 90, 95, 100]);
    expect(rows.map((r) => r.percentage)).toEqual([45, 30, 15, 5, 5]);
    // 75 % < 80 % after billing, so damage (crossing to 90 %) is the last vital one.
    expect(rows.map((r) => r.vital)).toEqual([true, true, true, false, false]);
  });

  it('given a category reaching exactly 80 %, when building the table, then it is the last vital one', () => {
    const rows = pareto([
      { category: 'a', count: 80 },
      { category: 'b', count: 20 },
    ]);
    expect(rows.map((r) => r.vital)).toEqual([true, false]);
  });

  it('given invalid categories, when building the table, then StatisticsError', () => {
    throwsStatistics(() => pareto([]), /must not be empty/);
    throwsStatistics(() => pareto([{ category: 'a', count: 0 }]), /total count is 0/);
    throwsStatistics(() => pareto([{ category: 'a', count: -1 }]), /count must be >= 0/);
    throwsStatistics(() => pareto([{ category: 'a', count: NaN }]), /finite/);
    throwsStatistics(
      () =>
        pareto([
          { category: 'a', count: 1 },
          { category: 'a', count: 2 },
        ]),
      /duplicate category "a"/,
    );
  });
});

describe('hypothesis tests', () => {
  it('given Student t table critical values, when computing two-sided p, then 0.05', () => {
    // Student t table (e.g. Montgomery, ISQC, Appendix IV): t(0.025, 10) = 2.228, t(0.025, 1) = 12.706, t(0.025, 30) = 2.042.
    expect(studentTTwoSidedP(2.228, 10)).toBeCloseTo(0.05, 4);
    expect(studentTTwoSidedP(12.706, 1)).toBeCloseTo(0.05, 4);
    expect(studentTTwoSidedP(-2.042, 30)).toBeCloseTo(0.05, 3);
    expect(studentTTwoSidedP(0, 7)).toBe(1);
  });

  it('given closed forms for df = 1 (Cauchy) and df = 2, when computing the t CDF, then they agree to 1e-13', () => {
    // df = 1: F(t) = 1/2 + atan(t)/π; df = 2: F(t) = 1/2 + t / (2√(2 + t²)).
    for (const t of [-30, -3, -0.7, 0, 0.4, 1.5, 8]) {
      expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 13);
      expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 13);
    }
  });

  it('given the incomplete beta closed form I_x(a, 1) = x^a, when evaluating, then exact', () => {
    expect(regularizedIncompleteBeta(0.3, 2.5, 1)).toBeCloseTo(0.3 ** 2.5, 13);
    expect(regularizedIncompleteBeta(0.9, 3, 1)).toBeCloseTo(0.729, 13);
    expect(regularizedIncompleteBeta(0, 2, 3)).toBe(0);
    expect(regularizedIncompleteBeta(1, 2, 3)).toBe(1);
  });

  it('given Wikipedia Welch example 1, when running Welch\'s t-test, then t = -2.46, df ≈ 25.0, p = 0.021', () => {
    // Wikipedia, "Welch's t-test", Examples, example 1 (A1 vs A2): t = -2.46, ν = 24.99, p = 0.021.
    const a1 = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4];
    const a2 = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4];
    const r = welchTTest(a1, a2);
    expect(r.t).toBeCloseTo(-2.455356398286006, 10); // reference: Python statistics module
    expect(r.df).toBeCloseTo(24.98852929023142, 10);
    expect(r.pValue).toBeCloseTo(0.021, 3);
    expect(r.meanDifference).toBeCloseTo(20.82 - 22.986666666666668, 10); // sample means 20.82 and 22.99
  });

  it('given St. John\'s Wort formulations (27/100 vs 19/100), when running the pooled z-test, then z = 1.34, p = 0.18', () => {
    // Montgomery & Runger, Applied Statistics and Probability for Engineers, two-proportion test example: z0 = 1.34, P = 0.18.
    const r = twoProportionZTest(27, 100, 19, 100);
    expect(r.pooledProportion).toBeCloseTo(0.23, 12);
    expect(r.z).toBeCloseTo(1.34, 2);
    expect(r.pValue).toBeCloseTo(0.18, 2);
    expect(r.pValue).toBeCloseTo(2 * normalCdf(-r.z), 14);
  });

  it('given invalid samples or counts, when testing, then StatisticsError', () => {
    throwsStatistics(() => welchTTest([1], [1, 2]), /sample1 needs at least 2 values/);
    throwsStatistics(() => welchTTest([1, 1], [2, 2]), /both samples have zero variance/);
    throwsStatistics(() => welchTTest([1, 2], [2, NaN]), /sample2\[1\] must be a finite number/);
    throwsStatistics(() => twoProportionZTest(0, 10, 0, 10), /zero variance/);
    throwsStatistics(() => twoProportionZTest(11, 10, 0, 10), /successes1 must be an integer in 0\.\.10/);
    throwsStatistics(() => twoProportionZTest(1, 0, 0, 10), /n1 must be an integer >= 1/);
    throwsStatistics(() => studentTCdf(1, 0), /df must be > 0/);
    throwsStatistics(() => regularizedIncompleteBeta(1.5, 1, 1), /x must be in \[0, 1\]/);
  });
});

describe('FMEA', () => {
  it('given severity, occurrence and detection ratings, when computing RPN, then their product', () => {
    // AIAG FMEA Reference Manual (4th ed.): RPN = S × O × D, range 1..1000.
    expect(riskPriorityNumber(8, 5, 4)).toBe(160);
    expect(riskPriorityNumber(1, 1, 1)).toBe(1);
    expect(riskPriorityNumber(10, 10, 10)).toBe(1000);
  });

  it('given ratings outside 1..10 or non-integers, when computing RPN, then StatisticsError', () => {
    throwsStatistics(() => riskPriorityNumber(0, 5, 5), /severity must be an integer in 1\.\.10/);
    throwsStatistics(() => riskPriorityNumber(5, 11, 5), /occurrence must be an integer in 1\.\.10/);
    throwsStatistics(() => riskPriorityNumber(5, 5, 2.5), /detection must be an integer in 1\.\.10/);
    throwsStatistics(() => riskPriorityNumber(5, 5, NaN), /detection/);
  });
});

describe('one-sample tests', () => {
  it('given Montgomery & Runger\'s golf-club restitution data (n = 15, μ0 = 0.82), when running the one-sample t-test, then t0 = 2.72 on 14 df', () => {
    // Montgomery & Runger, Applied Statistics and Probability for Engineers, §9-3 (t-test on the mean),
    // golf-club coefficient of restitution: x̄ = 0.83725, s = 0.02456, t0 = 2.72, one-sided 0.005 < P < 0.01.
    // Full-precision expected values computed independently with SciPy 1.17 (scipy.stats.ttest_1samp):
    // t = 2.718978782525142, two-sided p = 0.016626737363021643.
    const cor = [0.8411, 0.8191, 0.8182, 0.8125, 0.875, 0.858, 0.8532, 0.8483, 0.8276, 0.7983, 0.8042, 0.873, 0.8282, 0.8359, 0.866];
    const r = oneSampleTTest(cor, 0.82);
    expect(r.df).toBe(14);
    expect(r.t).toBeCloseTo(2.72, 2);
    expect(r.t).toBeCloseTo(2.718978782525142, 10);
    expect(r.meanDifference).toBeCloseTo(0.83724 - 0.82, 12);
    expect(r.pValue).toBeCloseTo(0.016626737363021643, 10);
    expect(r.pValue / 2).toBeGreaterThan(0.005); // the textbook's one-sided bracket
    expect(r.pValue / 2).toBeLessThan(0.01);
  });

  it('given two values (df = 1), when running the one-sample t-test, then the Cauchy closed form p = 1 - 2·atan|t|/π', () => {
    // [1, 3] against 0: mean 2, s = √2, t = 2 / (√2 / √2) = 2.
    const r = oneSampleTTest([1, 3], 0);
    expect(r.t).toBeCloseTo(2, 14);
    expect(r.df).toBe(1);
    expect(r.pValue).toBeCloseTo(1 - (2 * Math.atan(2)) / Math.PI, 13);
    expect(oneSampleTTest([3, 1], 4).t).toBeCloseTo(-2, 14);
  });

  it('given Montgomery & Runger\'s semiconductor fallout (4 defective of 200, p0 = 0.05), when running the one-proportion z-test, then z0 = -1.95', () => {
    // Montgomery & Runger, Applied Statistics and Probability for Engineers, §9-5 (tests on a population proportion):
    // z0 = (4 - 200·0.05) / √(200·0.05·0.95) = -1.95, one-sided P = Φ(-1.95) = 0.0256.
    // Full-precision two-sided p = 0.051575863620877 from SciPy 1.17 (2·scipy.stats.norm.cdf(z)) and Python's math.erfc.
    const r = oneProportionZTest(4, 200, 0.05);
    expect(r.z).toBeCloseTo(-1.95, 2);
    expect(r.z).toBeCloseTo(-6 / Math.sqrt(9.5), 14);
    expect(r.pValue).toBeCloseTo(0.051575863620877, 12);
    expect(r.pValue / 2).toBeCloseTo(0.0256, 3);
  });

  it('given the mirror-image count above p0, when running the one-proportion z-test, then the same p with the opposite sign of z', () => {
    const below = oneProportionZTest(4, 200, 0.05);
    const above = oneProportionZTest(16, 200, 0.05);
    expect(above.z).toBeCloseTo(-below.z, 14);
    expect(above.pValue).toBeCloseTo(below.pValue, 14);
    expect(oneProportionZTest(10, 200, 0.05)).toEqual({ z: 0, pValue: 1 });
  });

  it('given invalid input, when running a one-sample test, then StatisticsError', () => {
    throwsStatistics(() => oneSampleTTest([1], 0), /values needs at least 2 values/);
    throwsStatistics(() => oneSampleTTest([2, 2, 2], 1), /zero variance/);
    throwsStatistics(() => oneSampleTTest([1, 2], NaN), /mu0 must be a finite number/);
    throwsStatistics(() => oneProportionZTest(5, 10, 0), /p0 must be strictly between 0 and 1/);
    throwsStatistics(() => oneProportionZTest(5, 10, 1), /p0 must be strictly between 0 and 1/);
    throwsStatistics(() => oneProportionZTest(11, 10, 0.5), /successes must be an integer in 0\.\.10/);
    throwsStatistics(() => oneProportionZTest(0, 0, 0.5), /n must be an integer >= 1/);
  });
});
