/**
 * Statistics for quality improvement: descriptive statistics, six-sigma
 * conversions, process capability, control-chart limits, Western Electric
 * run rules, Pareto analysis, hypothesis tests and FMEA risk priority.
 *
 * Implementation notes:
 * - Pure and deterministic, so it can run inside a Temporal workflow sandbox:
 *   no I/O, no clock reads, no randomness, no Node builtins, no libraries.
 *   Special functions (normal CDF and its inverse, log-gamma, regularized
 *   incomplete beta) are implemented here; each states its method and accuracy.
 * - Invalid input (empty or too short series, non-finite numbers, zero variance
 *   where a statistic divides by it, reversed spec limits, wrong sizes) throws
 *   {@link StatisticsError}. No exported function returns NaN or an infinity;
 *   callers never have to guess whether a number is meaningful.
 * - Inputs are never mutated (sorting works on copies).
 */

/** Thrown for input a statistic cannot be computed from; the message names the argument and the problem. */
export class StatisticsError extends Error {
  override name = 'StatisticsError';
}

// ---------------------------------------------------------------------------
// Validation helpers

function checkFinite(name: string, x: number): void {
  if (typeof x !== 'number' || !Number.isFinite(x)) {
    throw new StatisticsError(`${name} must be a finite number, got ${String(x)}`);
  }
}

function checkPositive(name: string, x: number): void {
  checkFinite(name, x);
  if (x <= 0) throw new StatisticsError(`${name} must be > 0, got ${x}`);
}

function checkInteger(name: string, x: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isSafeInteger(x) || x < min || x > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in ${min}..${max}`;
    throw new StatisticsError(`${name} must be an integer ${range}, got ${String(x)}`);
  }
}

function checkSeries(name: string, xs: readonly number[], minLength: number): void {
  if (!Array.isArray(xs)) throw new StatisticsError(`${name} must be an array of numbers`);
  if (xs.length < minLength) {
    throw new StatisticsError(
      xs.length === 0
        ? `${name} must not be empty`
        : `${name} needs at least ${minLength} values, got ${xs.length}`,
    );
  }
  for (let i = 0; i < xs.length; i++) checkFinite(`${name}[${i}]`, xs[i]!);
}

function checkProbability(name: string, p: number): void {
  checkFinite(name, p);
  if (p <= 0 || p >= 1) throw new StatisticsError(`${name} must be strictly between 0 and 1, got ${p}`);
}

// ---------------------------------------------------------------------------
// 1. Descriptive statistics

/** Arithmetic mean. Throws on an empty series or non-finite values. */
export function mean(values: readonly number[]): number {
  checkSeries('values', values, 1);
  return meanUnchecked(values);
}

function meanUnchecked(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  const m = sum / values.length;
  // One correction pass removes most of the rounding error of the naive sum
  // (matters for data with a large offset, e.g. NIST StRD NumAcc series).
  let residual = 0;
  for (const v of values) residual += v - m;
  return m + residual / values.length;
}

/**
 * Sample variance with Bessel's correction (divides by n - 1). Two-pass
 * (deviations from the mean), with the corrected two-pass term, so large
 * offsets do not cancel catastrophically. Needs at least two values.
 */
export function sampleVariance(values: readonly number[]): number {
  checkSeries('values', values, 2);
  return sampleVarianceUnchecked(values);
}

function sampleVarianceUnchecked(values: readonly number[]): number {
  const m = meanUnchecked(values);
  let ss = 0;
  let s = 0;
  for (const v of values) {
    const d = v - m;
    ss += d * d;
    s += d;
  }
  // Chan, Golub & LeVeque's corrected two-pass algorithm.
  return Math.max(0, (ss - (s * s) / values.length) / (values.length - 1));
}

/** Sample standard deviation (n - 1 in the denominator). Needs at least two values. */
export function sampleStdDev(values: readonly number[]): number {
  return Math.sqrt(sampleVariance(values));
}

/** Median; the mean of the two middle values for an even count. The input is not reordered. */
export function median(values: readonly number[]): number {
  checkSeries('values', values, 1);
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

// ---------------------------------------------------------------------------
// 2. Normal distribution

const SQRT2 = Math.SQRT2;
const SQRT_PI = Math.sqrt(Math.PI);
const SQRT_2PI = Math.sqrt(2 * Math.PI);

/**
 * Complementary error function erfc(x) = 1 - erf(x).
 *
 * Method: for |x| < 2, erf from the everywhere-positive series
 * erf(x) = 2/√π · e^{-x²} · Σ_{n≥0} 2^n x^{2n+1} / (1·3·…·(2n+1))
 * (no cancellation between terms), and erfc = 1 - erf; erfc(2) ≈ 4.7e-3, so
 * the subtraction costs at most ~2 digits. For |x| >= 2, the Laplace
 * continued fraction erfc(x) = e^{-x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))
 * evaluated with the modified Lentz algorithm to a relative step of 1e-16.
 * Negative x uses erfc(-x) = 2 - erfc(x).
 * Accuracy: relative error below ~1e-13 over the whole line (checked against
 * reference values to 1e-14 in the tests); underflows to 0 beyond x ≈ 26.5.
 */
export function erfc(x: number): number {
  checkFinite('x', x);
  return erfcUnchecked(x);
}

/** Error function erf(x); same method and accuracy as {@link erfc}. */
export function erf(x: number): number {
  checkFinite('x', x);
  if (Math.abs(x) < 2) return erfSeries(x);
  return 1 - erfcUnchecked(x);
}

function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 0; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 3);
    sum += term;
    if (Math.abs(term) <= 1e-17 * Math.abs(sum)) break;
  }
  return ((2 / SQRT_PI) * Math.exp(-x2)) * sum;
}

function erfcUnchecked(x: number): number {
  if (x < 0) return 2 - erfcUnchecked(-x);
  if (x < 2) return 1 - erfSeries(x);
  if (x > 27) return 0; // e^{-729} underflows; avoids a pointless loop
  const tiny = 1e-300;
  let f = x;
  let c = f;
  let d = 0;
  for (let n = 1; n <= 10_000; n++) {
    const a = n / 2;
    d = x + a * d;
    if (Math.abs(d) < tiny) d = tiny;
    d = 1 / d;
    c = x + a / c;
    if (Math.abs(c) < tiny) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (SQRT_PI * f);
}

/** Standard normal CDF Φ(z); computed as erfc(-z/√2)/2, so the lower tail keeps full relative accuracy. */
export function normalCdf(z: number): number {
  checkFinite('z', z);
  return 0.5 * erfcUnchecked(-z / SQRT2);
}

// Acklam's rational approximation coefficients (P. J. Acklam, "An algorithm
// for computing the inverse normal cumulative distribution function", 2003).
const ACKLAM_A = [
  -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
  2.506628277459239,
] as const;
const ACKLAM_B = [
  -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1,
] as const;
const ACKLAM_C = [
  -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
] as const;
const ACKLAM_D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416] as const;
const ACKLAM_P_LOW = 0.02425;

/**
 * Inverse standard normal CDF Φ⁻¹(p) for 0 < p < 1.
 *
 * Method: Acklam's rational approximation (relative error < 1.15e-9), then one
 * Halley step against {@link normalCdf}, which brings it to about the accuracy
 * of the CDF itself (~1e-14 relative in the tests). Upper half uses the
 * symmetry Φ⁻¹(p) = -Φ⁻¹(1 - p) (1 - p is exact there), so refinement always
 * happens in the lower tail where Φ keeps full relative precision.
 */
export function inverseNormalCdf(p: number): number {
  checkProbability('p', p);
  return inverseNormalUnchecked(p);
}

function inverseNormalUnchecked(p: number): number {
  if (p > 0.5) return -inverseNormalUnchecked(1 - p);
  const [a1, a2, a3, a4, a5, a6] = ACKLAM_A;
  const [b1, b2, b3, b4, b5] = ACKLAM_B;
  const [c1, c2, c3, c4, c5, c6] = ACKLAM_C;
  const [d1, d2, d3, d4] = ACKLAM_D;
  let x: number;
  if (p < ACKLAM_P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c1 * q + c2) * q + c3) * q + c4) * q + c5) * q + c6) / ((((d1 * q + d2) * q + d3) * q + d4) * q + 1);
  } else {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((a1 * r + a2) * r + a3) * r + a4) * r + a5) * r + a6) * q) /
      (((((b1 * r + b2) * r + b3) * r + b4) * r + b5) * r + 1);
  }
  // Halley refinement: e = Φ(x) - p, u = e / φ(x).
  const e = 0.5 * erfcUnchecked(-x / SQRT2) - p;
  const u = e * SQRT_2PI * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

// ---------------------------------------------------------------------------
// 2. Six sigma: DPMO, yield, sigma level

/** The conventional long-term drift of the process mean, in σ, assumed by sigma-level tables. */
export const LONG_TERM_SHIFT = 1.5;

function checkDefectCounts(defects: number, units: number, opportunitiesPerUnit: number): number {
  checkInteger('units', units, 1);
  checkInteger('opportunitiesPerUnit', opportunitiesPerUnit, 1);
  const opportunities = units * opportunitiesPerUnit;
  if (!Number.isSafeInteger(opportunities)) {
    throw new StatisticsError(`units × opportunitiesPerUnit is too large (${units} × ${opportunitiesPerUnit})`);
  }
  checkInteger('defects', defects, 0, opportunities);
  return opportunities;
}

/** Defects per million opportunities: defects / (units × opportunitiesPerUnit) × 10⁶. Counts are integers; defects cannot exceed opportunities. */
export function dpmo(defects: number, units: number, opportunitiesPerUnit: number): number {
  const opportunities = checkDefectCounts(defects, units, opportunitiesPerUnit);
  return (defects / opportunities) * 1e6;
}

/** Process yield as a fraction in [0, 1]: the share of opportunities without a defect, 1 - DPMO/10⁶. */
export function processYield(defects: number, units: number, opportunitiesPerUnit: number): number {
  const opportunities = checkDefectCounts(defects, units, opportunitiesPerUnit);
  return 1 - defects / opportunities;
}

/**
 * Short-term sigma level from DPMO, with the conventional 1.5σ long-term
 * shift: Φ⁻¹(1 - DPMO/10⁶) + shift (computed as -Φ⁻¹(DPMO/10⁶) + shift to keep
 * precision at small DPMO). 3.4 DPMO ≈ 6σ, 66,807 ≈ 3σ. DPMO must be strictly
 * between 0 and 10⁶: at the ends the sigma level is infinite.
 */
export function sigmaLevel(dpmoValue: number, shift: number = LONG_TERM_SHIFT): number {
  checkFinite('dpmo', dpmoValue);
  checkFinite('shift', shift);
  if (dpmoValue <= 0 || dpmoValue >= 1e6) {
    throw new StatisticsError(
      `dpmo must be strictly between 0 and 1,000,000 (the sigma level is infinite at the ends), got ${dpmoValue}`,
    );
  }
  return -inverseNormalUnchecked(dpmoValue / 1e6) + shift;
}

/** DPMO for a short-term sigma level with the 1.5σ shift: 10⁶ · Φ(shift - sigma). Inverse of {@link sigmaLevel}. */
export function dpmoFromSigmaLevel(sigma: number, shift: number = LONG_TERM_SHIFT): number {
  checkFinite('sigma', sigma);
  checkFinite('shift', shift);
  return 1e6 * 0.5 * erfcUnchecked((sigma - shift) / SQRT2);
}

// ---------------------------------------------------------------------------
// 3. Process capability

/** Specification limits; either may be omitted for a one-sided spec. */
export interface SpecLimits {
  lsl?: number;
  usl?: number;
}

function checkSpec(spec: SpecLimits, needBoth: boolean): { lsl: number | undefined; usl: number | undefined } {
  const { lsl, usl } = spec;
  if (lsl !== undefined) checkFinite('lsl', lsl);
  if (usl !== undefined) checkFinite('usl', usl);
  if (needBoth && (lsl === undefined || usl === undefined)) {
    throw new StatisticsError('both lsl and usl are required (Cp and Pp need a two-sided specification)');
  }
  if (lsl === undefined && usl === undefined) throw new StatisticsError('at least one of lsl and usl is required');
  if (lsl !== undefined && usl !== undefined && lsl >= usl) {
    throw new StatisticsError(`lsl must be below usl, got lsl=${lsl}, usl=${usl}`);
  }
  return { lsl, usl };
}

function capabilityRatio(spec: SpecLimits, sigma: number): number {
  const { lsl, usl } = checkSpec(spec, true);
  return (usl! - lsl!) / (6 * sigma);
}

function capabilityIndexK(spec: SpecLimits, center: number, sigma: number): number {
  const { lsl, usl } = checkSpec(spec, false);
  // One-sided specs: only the side that exists counts (Cpu or Cpl alone).
  const upper = usl === undefined ? Infinity : (usl - center) / (3 * sigma);
  const lower = lsl === undefined ? Infinity : (center - lsl) / (3 * sigma);
  return Math.min(upper, lower);
}

/** d2 for moving ranges of two consecutive individuals (ASTM / Montgomery Appendix VI). */
export const D2_MOVING_RANGE = 1.128;

/**
 * Within-subgroup σ for individuals, estimated as (average moving range) / d2
 * with d2 = 1.128. Needs two values, and not all equal (σ would be 0).
 */
export function individualsSigma(values: readonly number[]): number {
  checkSeries('values', values, 2);
  const mr = averageMovingRange(values);
  if (mr === 0) throw new StatisticsError('values have zero moving range; within-subgroup sigma would be 0');
  return mr / D2_MOVING_RANGE;
}

function averageMovingRange(values: readonly number[]): number {
  let sum = 0;
  for (let i = 1; i < values.length; i++) sum += Math.abs(values[i]! - values[i - 1]!);
  return sum / (values.length - 1);
}

/** Cp = (USL - LSL) / 6σ_within. Needs both limits and σ > 0. */
export function cp(spec: SpecLimits, sigmaWithin: number): number {
  checkPositive('sigmaWithin', sigmaWithin);
  return capabilityRatio(spec, sigmaWithin);
}

/** Cpk = min(USL - μ, μ - LSL) / 3σ_within; with one limit, only that side (Cpu or Cpl). */
export function cpk(spec: SpecLimits, processMean: number, sigmaWithin: number): number {
  checkFinite('processMean', processMean);
  checkPositive('sigmaWithin', sigmaWithin);
  return capabilityIndexK(spec, processMean, sigmaWithin);
}

function overallSigma(values: readonly number[]): number {
  checkSeries('values', values, 2);
  const s = Math.sqrt(sampleVarianceUnchecked(values));
  if (s === 0) throw new StatisticsError('values have zero variance; Pp/Ppk would be infinite');
  return s;
}

/** Pp = (USL - LSL) / 6s with s the overall sample standard deviation of the data. */
export function pp(spec: SpecLimits, values: readonly number[]): number {
  return capabilityRatio(spec, overallSigma(values));
}

/** Ppk = min(USL - x̄, x̄ - LSL) / 3s with the overall sample mean and sd; one-sided specs allowed. */
export function ppk(spec: SpecLimits, values: readonly number[]): number {
  const s = overallSigma(values);
  return capabilityIndexK(spec, meanUnchecked(values), s);
}

// ---------------------------------------------------------------------------
// 4. Control limits

/** Centre line and limits of one chart. */
export interface ControlLimits {
  center: number;
  lcl: number;
  ucl: number;
}

/** I-MR chart: individuals (X) and moving range (MR) limits. */
export interface IndividualsLimits {
  individuals: ControlLimits;
  movingRange: ControlLimits;
}

/** D4 for moving ranges of two (D3 = 0). */
const D4_MOVING_RANGE = 3.267;

/**
 * I-MR limits: X chart x̄ ± 3·MR̄/d2 (d2 = 1.128), MR chart LCL = D3·MR̄ = 0,
 * UCL = D4·MR̄ (D4 = 3.267). Needs two values, not all equal.
 */
export function individualsLimits(values: readonly number[]): IndividualsLimits {
  checkSeries('values', values, 2);
  const mr = averageMovingRange(values);
  if (mr === 0) throw new StatisticsError('values have zero moving range; control limits would collapse');
  const center = meanUnchecked(values);
  const halfWidth = (3 * mr) / D2_MOVING_RANGE;
  return {
    individuals: { center, lcl: center - halfWidth, ucl: center + halfWidth },
    movingRange: { center: mr, lcl: 0, ucl: D4_MOVING_RANGE * mr },
  };
}

/** Control chart constants for one subgroup size. */
export interface XbarRConstants {
  a2: number;
  d2: number;
  d3: number;
  d4: number;
}

/**
 * Factors for X̄-R charts by subgroup size n = 2..10 (ASTM STP 15D; Montgomery,
 * Introduction to Statistical Quality Control, Appendix VI). `d3` here is the
 * lower range factor D3 and `d4` the upper D4.
 */
export const XBAR_R_CONSTANTS: Readonly<Record<number, XbarRConstants>> = Object.freeze({
  2: { a2: 1.88, d2: 1.128, d3: 0, d4: 3.267 },
  3: { a2: 1.023, d2: 1.693, d3: 0, d4: 2.574 },
  4: { a2: 0.729, d2: 2.059, d3: 0, d4: 2.282 },
  5: { a2: 0.577, d2: 2.326, d3: 0, d4: 2.114 },
  6: { a2: 0.483, d2: 2.534, d3: 0, d4: 2.004 },
  7: { a2: 0.419, d2: 2.704, d3: 0.076, d4: 1.924 },
  8: { a2: 0.373, d2: 2.847, d3: 0.136, d4: 1.864 },
  9: { a2: 0.337, d2: 2.97, d3: 0.184, d4: 1.816 },
  10: { a2: 0.308, d2: 3.078, d3: 0.223, d4: 1.777 },
} as const);

/** X̄-R chart limits. */
export interface XbarRLimits {
  xbar: ControlLimits;
  range: ControlLimits;
  subgroupSize: number;
}

function constantsFor(subgroupSize: number): XbarRConstants {
  checkInteger('subgroupSize', subgroupSize, 2, 10);
  return XBAR_R_CONSTANTS[subgroupSize]!;
}

/**
 * X̄-R limits from summary statistics: X̄ chart x̿ ± A2·R̄, R chart D3·R̄ .. D4·R̄.
 * For when the grand mean and average range are already known.
 */
export function xbarRLimitsFromSummary(grandMean: number, meanRange: number, subgroupSize: number): XbarRLimits {
  checkFinite('grandMean', grandMean);
  checkPositive('meanRange', meanRange);
  const k = constantsFor(subgroupSize);
  return {
    xbar: { center: grandMean, lcl: grandMean - k.a2 * meanRange, ucl: grandMean + k.a2 * meanRange },
    range: { center: meanRange, lcl: k.d3 * meanRange, ucl: k.d4 * meanRange },
    subgroupSize,
  };
}

/** X̄-R limits from raw subgroups, all of the same size 2..10. Throws if every subgroup has zero range. */
export function xbarRLimits(subgroups: readonly (readonly number[])[]): XbarRLimits {
  if (!Array.isArray(subgroups) || subgroups.length === 0) throw new StatisticsError('subgroups must not be empty');
  const n = subgroups[0]!.length;
  constantsFor(n);
  let sumMeans = 0;
  let sumRanges = 0;
  subgroups.forEach((g, i) => {
    checkSeries(`subgroups[${i}]`, g, 1);
    if (g.length !== n) {
      throw new StatisticsError(`all subgroups must have size ${n}; subgroups[${i}] has ${g.length}`);
    }
    sumMeans += meanUnchecked(g);
    sumRanges += Math.max(...g) - Math.min(...g);
  });
  const meanRange = sumRanges / subgroups.length;
  if (meanRange === 0) throw new StatisticsError('all subgroups have zero range; control limits would collapse');
  return xbarRLimitsFromSummary(sumMeans / subgroups.length, meanRange, n);
}

/** One sample on a p chart: nonconforming items out of `sampleSize` inspected. */
export interface ProportionSample {
  defectives: number;
  sampleSize: number;
}

/** One sample on a u chart: nonconformities counted over `units` inspection units (may be fractional). */
export interface RateSample {
  defects: number;
  units: number;
}

/** Per-point limits for attribute charts with variable sample sizes; `value` is the plotted statistic. */
export interface AttributePoint extends ControlLimits {
  value: number;
}

/** Attribute chart: overall centre line plus per-point limits. */
export interface AttributeChart {
  center: number;
  points: AttributePoint[];
}

/**
 * p chart with variable sample sizes: p̄ = Σd / Σn; per point
 * p̄ ± 3·√(p̄(1-p̄)/nᵢ), LCL floored at 0 and UCL capped at 1 (a proportion
 * cannot leave [0, 1]). Throws when p̄ is 0 or 1 (zero variance).
 */
export function pChart(samples: readonly ProportionSample[]): AttributeChart {
  if (!Array.isArray(samples) || samples.length === 0) throw new StatisticsError('samples must not be empty');
  let d = 0;
  let n = 0;
  samples.forEach((s, i) => {
    checkInteger(`samples[${i}].sampleSize`, s.sampleSize, 1);
    checkInteger(`samples[${i}].defectives`, s.defectives, 0, s.sampleSize);
    d += s.defectives;
    n += s.sampleSize;
  });
  const pBar = d / n;
  if (pBar === 0 || pBar === 1) {
    throw new StatisticsError(`average proportion is ${pBar}; a p chart needs 0 < p̄ < 1 (zero variance otherwise)`);
  }
  return {
    center: pBar,
    points: samples.map((s) => {
      const half = 3 * Math.sqrt((pBar * (1 - pBar)) / s.sampleSize);
      return {
        value: s.defectives / s.sampleSize,
        center: pBar,
        lcl: Math.max(0, pBar - half),
        ucl: Math.min(1, pBar + half),
      };
    }),
  };
}

/**
 * u chart with variable sample sizes: ū = Σc / Σn; per point ū ± 3·√(ū/nᵢ),
 * LCL floored at 0. Throws when ū is 0 (zero variance).
 */
export function uChart(samples: readonly RateSample[]): AttributeChart {
  if (!Array.isArray(samples) || samples.length === 0) throw new StatisticsError('samples must not be empty');
  let c = 0;
  let n = 0;
  samples.forEach((s, i) => {
    checkPositive(`samples[${i}].units`, s.units);
    checkInteger(`samples[${i}].defects`, s.defects, 0);
    c += s.defects;
    n += s.units;
  });
  const uBar = c / n;
  if (uBar === 0) throw new StatisticsError('no defects in any sample; a u chart needs ū > 0 (zero variance otherwise)');
  return {
    center: uBar,
    points: samples.map((s) => {
      const half = 3 * Math.sqrt(uBar / s.units);
      return { value: s.defects / s.units, center: uBar, lcl: Math.max(0, uBar - half), ucl: uBar + half };
    }),
  };
}

// ---------------------------------------------------------------------------
// 5. Western Electric rules

/** The four Western Electric zone rules. */
export const WesternElectricRule = {
  /** One point beyond 3σ. */
  BEYOND_3_SIGMA: 1,
  /** Two of three consecutive points beyond 2σ on the same side. */
  TWO_OF_THREE_BEYOND_2_SIGMA: 2,
  /** Four of five consecutive points beyond 1σ on the same side. */
  FOUR_OF_FIVE_BEYOND_1_SIGMA: 3,
  /** Eight consecutive points on the same side of the centre line. */
  EIGHT_ON_ONE_SIDE: 4,
} as const;

export type WesternElectricRule = (typeof WesternElectricRule)[keyof typeof WesternElectricRule];

/** One rule firing at one point. */
export interface RuleViolation {
  rule: WesternElectricRule;
  index: number;
}

/**
 * Western Electric rules 1–4 (Western Electric Statistical Quality Control
 * Handbook, 1956). "Beyond kσ" is strict (|x - centre| > kσ).
 *
 * Which point is reported: the point that completes the pattern, i.e. the
 * last point of the window, and only if that point is itself part of the
 * pattern (beyond the zone on that side, or on that side for rule 4). This
 * is how SPC software usually flags signals, and it keeps a single pattern
 * from being reported again as the window slides past it. A run longer than
 * eight flags every point from the eighth on; a point exactly on the centre
 * line breaks a run.
 *
 * Result sorted by index, then rule.
 */
export function westernElectricViolations(
  values: readonly number[],
  center: number,
  sigma: number,
): RuleViolation[] {
  checkSeries('values', values, 1);
  checkFinite('center', center);
  checkPositive('sigma', sigma);
  const z = values.map((v) => (v - center) / sigma);
  const out: RuleViolation[] = [];

  // k of the last `window` points (ending at i) beyond `limit` on the side of point i.
  const countBeyond = (i: number, window: number, limit: number, side: number): number => {
    let count = 0;
    for (let j = i - window + 1; j <= i; j++) if (z[j]! * side > limit) count++;
    return count;
  };

  let runSide = 0;
  let runLength = 0;
  for (let i = 0; i < z.length; i++) {
    const zi = z[i]!;
    const side = Math.sign(zi);
    if (Math.abs(zi) > 3) out.push({ rule: WesternElectricRule.BEYOND_3_SIGMA, index: i });
    if (i >= 2 && Math.abs(zi) > 2 && countBeyond(i, 3, 2, side) >= 2) {
      out.push({ rule: WesternElectricRule.TWO_OF_THREE_BEYOND_2_SIGMA, index: i });
    }
    if (i >= 4 && Math.abs(zi) > 1 && countBeyond(i, 5, 1, side) >= 4) {
      out.push({ rule: WesternElectricRule.FOUR_OF_FIVE_BEYOND_1_SIGMA, index: i });
    }
    if (side !== 0 && side === runSide) runLength++;
    else {
      runSide = side;
      runLength = side === 0 ? 0 : 1;
    }
    if (runLength >= 8) out.push({ rule: WesternElectricRule.EIGHT_ON_ONE_SIDE, index: i });
  }
  return out;
}

// ---------------------------------------------------------------------------
// 6. Pareto

/** One category count for a Pareto analysis. */
export interface CategoryCount {
  category: string;
  count: number;
}

/** A row of a Pareto table; percentages are 0..100. */
export interface ParetoRow extends CategoryCount {
  percentage: number;
  cumulativePercentage: number;
  /** In the "vital few": up to and including the first category whose cumulative share reaches 80 %. */
  vital: boolean;
}

/**
 * Pareto table: categories sorted by count descending, ties by name (code-unit
 * order, not locale, so the result is the same everywhere). Cumulative
 * percentages are computed from cumulative counts (not by summing rounded
 * percentages), so the last row is exactly 100. Counts are finite and
 * non-negative (weights such as cost are allowed); the total must be > 0;
 * category names must be unique.
 */
export function pareto(categories: readonly CategoryCount[]): ParetoRow[] {
  if (!Array.isArray(categories) || categories.length === 0) throw new StatisticsError('categories must not be empty');
  const seen = new Set<string>();
  let total = 0;
  categories.forEach((c, i) => {
    if (typeof c.category !== 'string') throw new StatisticsError(`categories[${i}].category must be a string`);
    if (seen.has(c.category)) throw new StatisticsError(`duplicate category "${c.category}"`);
    seen.add(c.category);
    checkFinite(`categories[${i}].count`, c.count);
    if (c.count < 0) throw new StatisticsError(`categories[${i}].count must be >= 0, got ${c.count}`);
    total += c.count;
  });
  if (total === 0) throw new StatisticsError('total count is 0; percentages are undefined');
  const sorted = [...categories].sort(
    (a, b) => b.count - a.count || (a.category < b.category ? -1 : a.category > b.category ? 1 : 0),
  );
  let cumulative = 0;
  let vitalDone = false;
  return sorted.map(({ category, count }) => {
    cumulative += count;
    const vital = !vitalDone;
    // Compare counts, not rounded percentages: exactly 80 % counts as crossing.
    if (cumulative * 5 >= total * 4) vitalDone = true;
    return {
      category,
      count,
      percentage: (count / total) * 100,
      cumulativePercentage: (cumulative / total) * 100,
      vital,
    };
  });
}

// ---------------------------------------------------------------------------
// 7. Hypothesis tests

// Lanczos approximation, g = 7, n = 9 (coefficients as published by Godfrey;
// relative error ~1e-15 for x > 0.5).
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
] as const;

/** ln Γ(x) for x > 0 (Lanczos, with the reflection formula below 0.5). */
function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const y = x - 1;
  let a = LANCZOS[0];
  const t = y + LANCZOS_G + 0.5;
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i]! / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction for the incomplete beta (Numerical Recipes `betacf`, modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) return h;
  }
  throw new StatisticsError(`incomplete beta did not converge for a=${a}, b=${b}, x=${x}`);
}

/**
 * Regularized incomplete beta I_x(a, b), a, b > 0, 0 <= x <= 1. Numerical
 * Recipes (Press et al., 3rd ed., §6.4): continued fraction evaluated on the
 * side of x where it converges fast, with the symmetry I_x(a,b) = 1 - I_{1-x}(b,a).
 * Accuracy ~1e-14 for moderate a, b.
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  checkFinite('x', x);
  checkPositive('a', a);
  checkPositive('b', b);
  if (x < 0 || x > 1) throw new StatisticsError(`x must be in [0, 1], got ${x}`);
  if (x === 0 || x === 1) return x;
  const lnFront = lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
  const front = Math.exp(lnFront);
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a;
  return 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** Student t CDF with `df` > 0 degrees of freedom (df may be fractional, as in Welch's test). */
export function studentTCdf(t: number, df: number): number {
  checkFinite('t', t);
  checkPositive('df', df);
  const tail = 0.5 * regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** Two-sided p-value P(|T| >= |t|) for Student's t, computed directly (no 1 - CDF cancellation). */
export function studentTTwoSidedP(t: number, df: number): number {
  checkFinite('t', t);
  checkPositive('df', df);
  return regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** Result of Welch's unequal-variance t-test. */
export interface WelchResult {
  t: number;
  df: number;
  pValue: number;
  meanDifference: number;
}

/**
 * Welch's t-test for the difference of two means without assuming equal
 * variances: t = (x̄₁ - x̄₂) / √(s₁²/n₁ + s₂²/n₂), Welch–Satterthwaite df,
 * two-sided p-value. Each sample needs two values; both having zero variance throws.
 */
export function welchTTest(sample1: readonly number[], sample2: readonly number[]): WelchResult {
  checkSeries('sample1', sample1, 2);
  checkSeries('sample2', sample2, 2);
  const n1 = sample1.length;
  const n2 = sample2.length;
  const v1 = sampleVarianceUnchecked(sample1) / n1;
  const v2 = sampleVarianceUnchecked(sample2) / n2;
  const se2 = v1 + v2;
  if (se2 === 0) throw new StatisticsError('both samples have zero variance; the t statistic is undefined');
  const meanDifference = meanUnchecked(sample1) - meanUnchecked(sample2);
  const t = meanDifference / Math.sqrt(se2);
  const df = (se2 * se2) / ((v1 * v1) / (n1 - 1) + (v2 * v2) / (n2 - 1));
  return { t, df, pValue: studentTTwoSidedP(t, df), meanDifference };
}

/** Result of a one-sample t-test against a hypothesised mean. */
export interface OneSampleTResult {
  t: number;
  df: number;
  pValue: number;
  meanDifference: number;
}

/**
 * One-sample t-test of H0: μ = μ0: t = (x̄ - μ0) / (s / √n), df = n - 1,
 * two-sided p-value. Used when only a reference value (a goal's baseline)
 * exists, not a baseline sample. Zero variance throws.
 */
export function oneSampleTTest(values: readonly number[], mu0: number): OneSampleTResult {
  checkSeries('values', values, 2);
  checkFinite('mu0', mu0);
  const n = values.length;
  const s = Math.sqrt(sampleVarianceUnchecked(values));
  if (s === 0) throw new StatisticsError('values have zero variance; the t statistic is undefined');
  const meanDifference = meanUnchecked(values) - mu0;
  const t = meanDifference / (s / Math.sqrt(n));
  return { t, df: n - 1, pValue: studentTTwoSidedP(t, n - 1), meanDifference };
}

/** Result of the one-proportion z-test. */
export interface OneProportionResult {
  z: number;
  pValue: number;
}

/**
 * One-proportion z-test of H0: p = p0: z = (p̂ - p0) / √(p0(1-p0)/n), two-sided
 * p = 2Φ(-|z|). p0 must be strictly between 0 and 1.
 */
export function oneProportionZTest(successes: number, n: number, p0: number): OneProportionResult {
  checkInteger('n', n, 1);
  checkInteger('successes', successes, 0, n);
  checkFinite('p0', p0);
  if (p0 <= 0 || p0 >= 1) throw new StatisticsError(`p0 must be strictly between 0 and 1, got ${p0}`);
  const z = (successes / n - p0) / Math.sqrt((p0 * (1 - p0)) / n);
  return { z, pValue: erfcUnchecked(Math.abs(z) / SQRT2) };
}

/** Result of the pooled two-proportion z-test. */
export interface TwoProportionResult {
  z: number;
  pValue: number;
  pooledProportion: number;
}

/**
 * Two-proportion z-test with the pooled proportion under H0: p₁ = p₂:
 * z = (p̂₁ - p̂₂) / √(p̂(1-p̂)(1/n₁ + 1/n₂)), two-sided p = 2Φ(-|z|).
 * Throws when the pooled proportion is 0 or 1 (zero variance).
 */
export function twoProportionZTest(
  successes1: number,
  n1: number,
  successes2: number,
  n2: number,
): TwoProportionResult {
  checkInteger('n1', n1, 1);
  checkInteger('n2', n2, 1);
  checkInteger('successes1', successes1, 0, n1);
  checkInteger('successes2', successes2, 0, n2);
  const pooled = (successes1 + successes2) / (n1 + n2);
  if (pooled === 0 || pooled === 1) {
    throw new StatisticsError(`pooled proportion is ${pooled}; the z statistic is undefined (zero variance)`);
  }
  const z = (successes1 / n1 - successes2 / n2) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  // 2Φ(-|z|) = erfc(|z|/√2), without the 1 - Φ cancellation.
  return { z, pValue: erfcUnchecked(Math.abs(z) / SQRT2), pooledProportion: pooled };
}

// ---------------------------------------------------------------------------
// 8. FMEA

/** Risk priority number = severity × occurrence × detection, each an integer rating 1..10 (AIAG FMEA). */
export function riskPriorityNumber(severity: number, occurrence: number, detection: number): number {
  checkInteger('severity', severity, 1, 10);
  checkInteger('occurrence', occurrence, 1, 10);
  checkInteger('detection', detection, 1, 10);
  return severity * occurrence * detection;
}
