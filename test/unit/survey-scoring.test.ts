import {
  DEFAULT_SERVQUAL_ITEMS,
  KANO_ANSWERS,
  type KanoAnswer,
  type KanoCategory,
  SERVQUAL_DIMENSIONS,
  type ServqualDimension,
  type ServqualItem,
  type SurveyAnswers,
  type SurveyContent,
} from '../../src/domain/survey';
import {
  classifyKano,
  kanoCoefficients,
  kanoMajority,
  meanCi,
  respondentServqualGaps,
  scoreCsat,
  scoreKano,
  scoreNps,
  scoreServqual,
  scoreSurvey,
  tCritical95,
} from '../../src/domain/survey-scoring';

type ServqualContent = Extract<SurveyContent, { kind: 'servqual' }>;
type KanoContent = Extract<SurveyContent, { kind: 'kano' }>;
type ServqualAnswers = Extract<SurveyAnswers, { kind: 'servqual' }>;

const distribution = (d: Partial<Record<KanoCategory, number>>): Record<KanoCategory, number> => ({
  attractive: 0,
  one_dimensional: 0,
  must_be: 0,
  indifferent: 0,
  reverse: 0,
  questionable: 0,
  ...d,
});

describe("Student's t critical value and the mean's confidence interval", () => {
  it.each([
    // Two-sided 95 % (upper 0.025) critical values of any printed t-table, e.g. NIST/SEMATECH
    // e-Handbook of Statistical Methods, section 1.3.6.7.2 "Critical values of the Student's t distribution".
    [1, 12.706],
    [2, 4.303],
    [5, 2.571],
    [7, 2.365],
    [10, 2.228],
    [30, 2.042],
  ])('given %i degrees of freedom, when the 95 %% critical value is asked, then it is the t-table value %s', (df, table) => {
    expect(tCritical95(df)).toBeCloseTo(table, 3);
  });

  it('given fewer than one degree of freedom or a fraction, when the critical value is asked, then it refuses', () => {
    expect(() => tCritical95(0)).toThrow(RangeError);
    expect(() => tCritical95(2.5)).toThrow(RangeError);
  });

  it('given the 8-value series 2 4 4 4 5 5 7 9, when its mean CI is computed, then 5 ± 2.365 × √(32/7)/√8 = [3.212, 6.788]', () => {
    // Worked by hand: mean 5, sample variance 32/7 (s = 2.1381), standard error s/√8 = 0.75593,
    // t(0.975, 7) = 2.365 from the t-table, half-width 1.7878: [3.2122, 6.7878].
    const ci = meanCi([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(ci.n).toBe(8);
    expect(ci.mean).toBe(5);
    expect(ci.ciLow).toBeCloseTo(3.2122, 3);
    expect(ci.ciHigh).toBeCloseTo(6.7878, 3);
  });

  it('given no value, one value or identical values, when the mean CI is computed, then null mean, null bounds, and a zero-width interval', () => {
    expect(meanCi([])).toEqual({ n: 0, mean: null, ciLow: null, ciHigh: null });
    expect(meanCi([4])).toEqual({ n: 1, mean: 4, ciLow: null, ciHigh: null });
    expect(meanCi([3, 3, 3])).toEqual({ n: 3, mean: 3, ciLow: 3, ciHigh: 3 });
  });

  it('given a non-finite value, when the mean CI is computed, then it refuses rather than return NaN', () => {
    expect(() => meanCi([1, Number.NaN])).toThrow(RangeError);
  });
});

describe('Kano evaluation table (Berger et al. 1993)', () => {
  // Berger et al., "Kano's methods for understanding customer-defined quality", Center for Quality of
  // Management Journal 2(4), 1993, Table 1. Rows: functional answer; columns: dysfunctional answer;
  // both in the order like, must-be (expect), neutral, live with, dislike.
  const TABLE = [
    ['Q', 'A', 'A', 'A', 'O'],
    ['R', 'I', 'I', 'I', 'M'],
    ['R', 'I', 'I', 'I', 'M'],
    ['R', 'I', 'I', 'I', 'M'],
    ['R', 'R', 'R', 'R', 'Q'],
  ];
  const LETTER: Record<string, KanoCategory> = { A: 'attractive', O: 'one_dimensional', M: 'must_be', I: 'indifferent', R: 'reverse', Q: 'questionable' };
  const cells: [KanoAnswer, KanoAnswer, KanoCategory][] = KANO_ANSWERS.flatMap((functional, row) => KANO_ANSWERS.map((dysfunctional, col): [KanoAnswer, KanoAnswer, KanoCategory] => [functional, dysfunctional, LETTER[TABLE[row]![col]!]!]));

  it('has 25 cells', () => expect(cells).toHaveLength(25));

  it.each(cells)('given functional %s and dysfunctional %s, when classified, then %s', (functional, dysfunctional, category) => {
    expect(classifyKano(functional, dysfunctional)).toBe(category);
  });
});

describe('Kano majority and Berger coefficients', () => {
  it('given A 5, O 3, M 8, I 4, R 1, Q 1, when the coefficients are computed, then CS = 8/20 = 0.4 and DS = −11/20 = −0.55 (R and Q left out)', () => {
    // Berger et al. (1993): CS = (A + O) / (A + O + M + I) = (5 + 3) / 20; DS = −(O + M) / (A + O + M + I) = −(3 + 8) / 20.
    const d = distribution({ attractive: 5, one_dimensional: 3, must_be: 8, indifferent: 4, reverse: 1, questionable: 1 });
    expect(kanoCoefficients(d)).toEqual({ satisfaction: 0.4, dissatisfaction: -0.55 });
    expect(kanoMajority(d)).toBe('must_be');
  });

  it('given only reverse and questionable answers, when the coefficients are computed, then both are null (no denominator)', () => {
    expect(kanoCoefficients(distribution({ reverse: 2, questionable: 1 }))).toEqual({ satisfaction: null, dissatisfaction: null });
  });

  it('given only attractive answers, when the coefficients are computed, then CS 1 and DS exactly 0 (not −0)', () => {
    const { satisfaction, dissatisfaction } = kanoCoefficients(distribution({ attractive: 3 }));
    expect(satisfaction).toBe(1);
    expect(Object.is(dissatisfaction, 0)).toBe(true);
  });

  it('given ties, when the majority is taken, then Berger\'s "M > O > A > I" order decides, and an empty distribution has none', () => {
    expect(kanoMajority(distribution({ must_be: 3, one_dimensional: 3, attractive: 1 }))).toBe('must_be');
    expect(kanoMajority(distribution({ one_dimensional: 2, attractive: 2, indifferent: 2 }))).toBe('one_dimensional');
    expect(kanoMajority(distribution({ attractive: 2, indifferent: 2 }))).toBe('attractive');
    expect(kanoMajority(distribution({ indifferent: 1, reverse: 1, questionable: 1 }))).toBe('indifferent');
    expect(kanoMajority(distribution({ attractive: 1, indifferent: 4 }))).toBe('indifferent');
    expect(kanoMajority(distribution({}))).toBeNull();
  });
});

describe('scoreKano', () => {
  const text = (en: string) => ({ en });
  const content: KanoContent = {
    kind: 'kano',
    features: [
      { id: 'updates', functional: text('If we kept you updated?'), dysfunctional: text('If we did not?'), performance: text('How well today?') },
      { id: 'callback', functional: text('If we called you back?'), dysfunctional: text('If we did not?'), performance: text('How well today?') },
      { id: 'chat', functional: text('If there were a chat?'), dysfunctional: text('If there were none?') },
    ],
  };
  type Pair = [KanoAnswer, KanoAnswer, number?];
  const respondent = (updates: Pair, callback: Pair, chat: Pair): SurveyAnswers => ({
    kind: 'kano',
    answers: {
      updates: { functional: updates[0], dysfunctional: updates[1], performance: updates[2]! },
      callback: { functional: callback[0], dysfunctional: callback[1], performance: callback[2]! },
      chat: { functional: chat[0], dysfunctional: chat[1] },
    },
  });
  // By the table: (expect, dislike) = M, (neutral, dislike) = M, (like, dislike) = O, (like, neutral) = A,
  // (neutral, neutral) = I, (dislike, like) = R, (like, like) = Q.
  const answers: SurveyAnswers[] = [
    respondent(['expect', 'dislike', 3], ['expect', 'dislike', 5], ['like', 'neutral']),
    respondent(['neutral', 'dislike', 4], ['like', 'dislike', 4], ['like', 'neutral']),
    respondent(['like', 'dislike', 5], ['live_with', 'dislike', 5], ['neutral', 'neutral']),
    respondent(['expect', 'dislike', 4], ['expect', 'dislike', 4], ['dislike', 'like']),
    respondent(['like', 'neutral', 4], ['like', 'like', 4], ['like', 'like']),
    // A partial response: not counted.
    { kind: 'kano', answers: { updates: { functional: 'like', dysfunctional: 'dislike' } } },
  ];

  it('given five complete responses and one partial, when scored, then the distributions, majorities and coefficients are those worked from the table by hand', () => {
    const r = scoreKano(content, answers);
    expect(r.respondents).toBe(5);
    const [updates, callback, chat] = r.features;
    // updates: M M O M A -> A1 O1 M3: CS (1+1)/5 = 0.4, DS −(1+3)/5 = −0.8.
    expect(updates!.distribution).toEqual(distribution({ must_be: 3, one_dimensional: 1, attractive: 1 }));
    expect(updates!.category).toBe('must_be');
    expect(updates!.satisfaction).toBeCloseTo(0.4, 12);
    expect(updates!.dissatisfaction).toBeCloseTo(-0.8, 12);
    // callback: M O M M Q -> O1 M3 Q1: CS 1/4 = 0.25, DS −4/4 = −1.
    expect(callback!.distribution).toEqual(distribution({ must_be: 3, one_dimensional: 1, questionable: 1 }));
    expect(callback!.category).toBe('must_be');
    expect(callback!.satisfaction).toBeCloseTo(0.25, 12);
    expect(callback!.dissatisfaction).toBe(-1);
    // chat: A A I R Q -> A2 I1 R1 Q1: CS 2/3, DS 0.
    expect(chat!.distribution).toEqual(distribution({ attractive: 2, indifferent: 1, reverse: 1, questionable: 1 }));
    expect(chat!.category).toBe('attractive');
    expect(chat!.satisfaction).toBeCloseTo(2 / 3, 12);
    expect(chat!.dissatisfaction).toBe(0);
  });

  it('given a must-be feature with mean performance 4 and one with 4.4, when scored, then only the one at or below 4 is flagged; a feature without a performance question has none', () => {
    const [updates, callback, chat] = scoreKano(content, answers).features;
    // updates performance 3, 4, 5, 4, 4 -> mean 4.0 (at the threshold); callback 5, 4, 5, 4, 4 -> 4.4.
    expect(updates!.performance!.mean).toBeCloseTo(4, 12);
    expect(updates!.performance!.n).toBe(5);
    expect(updates!.flagged).toBe(true);
    expect(callback!.performance!.mean).toBeCloseTo(4.4, 12);
    expect(callback!.flagged).toBe(false);
    expect(chat!.performance).toBeNull();
    expect(chat!.flagged).toBe(false);
  });

  it('given an attractive feature rated 1, when scored, then it is not flagged (only must-be features are)', () => {
    const r = scoreKano(content, [respondent(['like', 'neutral', 1], ['like', 'neutral', 1], ['like', 'neutral'])]);
    expect(r.features[0]!.category).toBe('attractive');
    expect(r.features[0]!.flagged).toBe(false);
  });

  it('given no complete response, when scored, then no category, null coefficients and an empty performance', () => {
    const r = scoreKano(content, []);
    expect(r.respondents).toBe(0);
    expect(r.features[0]).toMatchObject({ category: null, satisfaction: null, dissatisfaction: null, flagged: false, performance: { n: 0, mean: null } });
  });
});

describe('scoreNps and scoreCsat', () => {
  it('given 10 answers: 5 promoters, 3 passives, 2 detractors, when scored, then NPS = 50 % − 20 % = 30', () => {
    const r = scoreNps([10, 9, 9, 10, 9, 8, 7, 7, 6, 0]);
    expect(r).toEqual({ kind: 'nps', respondents: 10, promoters: 5, passives: 3, detractors: 2, score: 30 });
  });

  it('given the band edges 6, 7, 8, 9, when scored, then 6 is a detractor, 7-8 passives and 9 a promoter (Reichheld 2003)', () => {
    expect(scoreNps([6, 7, 8, 9])).toMatchObject({ promoters: 1, passives: 2, detractors: 1, score: 0 });
  });

  it('given no scores, when scored, then the NPS is null; an out-of-range score is refused', () => {
    expect(scoreNps([]).score).toBeNull();
    expect(() => scoreNps([11])).toThrow(RangeError);
  });

  it('given ratings 5 4 4 3 1, when CSAT is scored, then mean 3.4, CI 3.4 ± 2.776 × √2.3/√5, distribution [1,0,1,2,1], 60 % satisfied', () => {
    // By hand: deviations 1.6, 0.6, 0.6, −0.4, −2.4; squares sum 9.2; variance 9.2/4 = 2.3;
    // standard error √(2.3/5) = 0.67823; t(0.975, 4) = 2.776 (t-table); half-width 1.8828.
    const r = scoreCsat([5, 4, 4, 3, 1]);
    expect(r.respondents).toBe(5);
    expect(r.rating.mean).toBeCloseTo(3.4, 12);
    expect(r.rating.ciLow).toBeCloseTo(3.4 - 1.8828, 3);
    expect(r.rating.ciHigh).toBeCloseTo(3.4 + 1.8828, 3);
    expect(r.distribution).toEqual([1, 0, 1, 2, 1]);
    expect(r.satisfiedShare).toBeCloseTo(0.6, 12);
  });

  it('given no ratings, when CSAT is scored, then no mean and no satisfied share; a rating off the scale is refused', () => {
    expect(scoreCsat([])).toEqual({ kind: 'csat', respondents: 0, rating: { n: 0, mean: null, ciLow: null, ciHigh: null }, distribution: [0, 0, 0, 0, 0], satisfiedShare: null });
    expect(() => scoreCsat([6])).toThrow(RangeError);
  });

  it('given NPS and CSAT answer sets with an unanswered one, when scoreSurvey dispatches, then only the answered ones count', () => {
    const nps = scoreSurvey({ kind: 'nps', question: { en: 'Recommend?' } }, [{ kind: 'nps', score: 10 }, { kind: 'nps', score: 3 }, { kind: 'nps', comment: 'no score yet' }]);
    expect(nps).toMatchObject({ kind: 'nps', respondents: 2, promoters: 1, detractors: 1, score: 0 });
    const csat = scoreSurvey({ kind: 'csat', question: { en: 'Satisfied?' } }, [{ kind: 'csat', rating: 4 }, { kind: 'csat' }]);
    expect(csat).toMatchObject({ kind: 'csat', respondents: 1, distribution: [0, 0, 0, 1, 0] });
  });
});

describe('scoreServqual: a small example worked by hand', () => {
  const item = (id: string, dimension: ServqualDimension): ServqualItem => ({ id, dimension, text: { en: `Statement ${id}` } });
  // One item per dimension, two for reliability; no importance.
  const content: ServqualContent = {
    kind: 'servqual',
    askImportance: false,
    items: [item('t1', 'tangibles'), item('rel1', 'reliability'), item('rel2', 'reliability'), item('res1', 'responsiveness'), item('a1', 'assurance'), item('e1', 'empathy')],
  };
  const answers: ServqualAnswers[] = [
    { kind: 'servqual', expectations: { t1: 5, rel1: 7, rel2: 6, res1: 6, a1: 6, e1: 5 }, perceptions: { t1: 6, rel1: 5, rel2: 4, res1: 5, a1: 6, e1: 5 } },
    { kind: 'servqual', expectations: { t1: 4, rel1: 6, rel2: 6, res1: 7, a1: 6, e1: 6 }, perceptions: { t1: 5, rel1: 5, rel2: 6, res1: 6, a1: 6, e1: 6 } },
    { kind: 'servqual', expectations: { t1: 5, rel1: 7, rel2: 7, res1: 6, a1: 5, e1: 6 }, perceptions: { t1: 6, rel1: 6, rel2: 5, res1: 4, a1: 6, e1: 7 } },
  ];

  it('given three respondents, when scored, then the reliability gap is −4/3 with CI [−3.231, 0.564] over the respondents\' mean dimension gaps', () => {
    // Reliability, per respondent: ((5−7) + (4−6))/2 = −2; ((5−6) + (6−6))/2 = −0.5; ((6−7) + (5−7))/2 = −1.5.
    // Mean −4/3; deviations −0.6667, 0.8333, −0.1667; squares sum 1.16667; variance 0.58333; s = 0.76376;
    // standard error 0.44096; t(0.975, 2) = 4.303 (t-table); half-width 1.89744: [−3.2308, 0.5641].
    const r = scoreServqual(content, answers);
    const reliability = r.dimensions.find((d) => d.dimension === 'reliability')!;
    expect(reliability.gap.n).toBe(3);
    expect(reliability.gap.mean).toBeCloseTo(-4 / 3, 12);
    expect(reliability.gap.ciLow).toBeCloseTo(-3.2308, 3);
    expect(reliability.gap.ciHigh).toBeCloseTo(0.5641, 3);
    // Expectation: (6.5 + 6 + 7)/3 = 6.5; perception: (4.5 + 5.5 + 5.5)/3 = 5.1667.
    expect(reliability.expectation.mean).toBeCloseTo(6.5, 12);
    expect(reliability.perception.mean).toBeCloseTo(31 / 6, 12);
  });

  it('given the same respondents, when scored, then the item, the dimension means and the overall score are those worked by hand, and reliability is the largest negative gap', () => {
    const r = scoreServqual(content, answers);
    expect(r.respondents).toBe(3);
    // Item res1: E 6, 7, 6 (mean 19/3); P 5, 6, 4 (mean 5); gap −1, −1, −2 (mean −4/3).
    const res1 = r.items.find((i) => i.itemId === 'res1')!;
    expect(res1.expectation.mean).toBeCloseTo(19 / 3, 12);
    expect(res1.perception.mean).toBe(5);
    expect(res1.gap.mean).toBeCloseTo(-4 / 3, 12);
    // Dimension gaps: tangibles +1, reliability −4/3, responsiveness −4/3, assurance +1/3, empathy +1/3.
    const gaps = Object.fromEntries(r.dimensions.map((d) => [d.dimension, d.gap.mean]));
    expect(gaps.tangibles).toBeCloseTo(1, 12);
    expect(gaps.responsiveness).toBeCloseTo(-4 / 3, 12);
    expect(gaps.assurance).toBeCloseTo(1 / 3, 12);
    expect(gaps.empathy).toBeCloseTo(1 / 3, 12);
    // Unweighted: (1 − 4/3 − 4/3 + 1/3 + 1/3)/5 = −1/5.
    expect(r.overall.unweighted).toBeCloseTo(-0.2, 12);
    // Reliability and responsiveness tie at −4/3: the first in the standard order is named.
    expect(r.largestNegativeGap).toBe('reliability');
    // Nobody was asked for importance.
    expect(r.overall.weighted).toBeNull();
    expect(r.dimensions.every((d) => d.importance === null)).toBe(true);
  });

  it('given a partial response and one of another kind, when scored, then neither counts', () => {
    const partial: SurveyAnswers = { kind: 'servqual', expectations: { t1: 1 }, perceptions: { t1: 7 } };
    const r = scoreServqual(content, [...answers, partial, { kind: 'nps', score: 3 }]);
    expect(r.respondents).toBe(3);
    expect(r.items.find((i) => i.itemId === 't1')!.gap.mean).toBeCloseTo(1, 12);
  });

  it('given every perception above its expectation, when scored, then no dimension is the largest negative gap', () => {
    const happy: SurveyAnswers = { kind: 'servqual', expectations: { t1: 3, rel1: 3, rel2: 3, res1: 3, a1: 3, e1: 3 }, perceptions: { t1: 4, rel1: 4, rel2: 4, res1: 4, a1: 4, e1: 3 } };
    expect(scoreServqual(content, [happy]).largestNegativeGap).toBeNull();
  });

  it('given a definition without tangibles items, when scored, then tangibles is not reported and the unweighted score is the mean of the four dimensions asked', () => {
    const noTangibles: ServqualContent = { ...content, items: content.items.filter((i) => i.dimension !== 'tangibles') };
    const withoutT1 = (r: Record<string, number>) => Object.fromEntries(Object.entries(r).filter(([id]) => id !== 't1'));
    const r = scoreServqual(
      noTangibles,
      answers.map((a) => ({ ...a, expectations: withoutT1(a.expectations), perceptions: withoutT1(a.perceptions) })),
    );
    expect(r.respondents).toBe(3);
    expect(r.dimensions.map((d) => d.dimension)).toEqual(['reliability', 'responsiveness', 'assurance', 'empathy']);
    // (−4/3 − 4/3 + 1/3 + 1/3)/4 = −1/2.
    expect(r.overall.unweighted).toBeCloseTo(-0.5, 12);
  });

  it('given no respondents, when scored, then every mean is null and there is no overall score', () => {
    const r = scoreServqual(content, []);
    expect(r.respondents).toBe(0);
    expect(r.dimensions[0]!.gap).toEqual({ n: 0, mean: null, ciLow: null, ciHigh: null });
    expect(r.overall).toEqual({ unweighted: null, weighted: null });
    expect(r.largestNegativeGap).toBeNull();
  });
});

describe('scoreServqual: the 22 standard items with importance, against an independent computation', () => {
  const content: ServqualContent = { kind: 'servqual', items: DEFAULT_SERVQUAL_ITEMS, askImportance: true };
  // Park-Miller "minimal standard" generator: deterministic answers without a fixture file.
  let seed = 20250101;
  const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const likert = () => 1 + Math.floor(random() * 7);
  const ALLOCATIONS = [
    { tangibles: 10, reliability: 30, responsiveness: 20, assurance: 20, empathy: 20 },
    { tangibles: 5, reliability: 40, responsiveness: 25, assurance: 15, empathy: 15 },
    { tangibles: 20, reliability: 20, responsiveness: 20, assurance: 20, empathy: 20 },
    { reliability: 50, responsiveness: 50 },
  ];
  const answers: ServqualAnswers[] = Array.from({ length: 12 }, (_, r) => ({
    kind: 'servqual',
    expectations: Object.fromEntries(DEFAULT_SERVQUAL_ITEMS.map((i) => [i.id, likert()])),
    perceptions: Object.fromEntries(DEFAULT_SERVQUAL_ITEMS.map((i) => [i.id, likert()])),
    importance: ALLOCATIONS[r % ALLOCATIONS.length]!,
  }));

  // The independent computation: plain loops over the raw answers, no code under test.
  function expected() {
    const n = answers.length;
    const itemGap: Record<string, number> = {};
    const itemE: Record<string, number> = {};
    const itemP: Record<string, number> = {};
    for (const item of DEFAULT_SERVQUAL_ITEMS) {
      let e = 0;
      let p = 0;
      for (const a of answers) {
        e += a.expectations[item.id]!;
        p += a.perceptions[item.id]!;
      }
      itemE[item.id] = e / n;
      itemP[item.id] = p / n;
      itemGap[item.id] = (p - e) / n;
    }
    const dimGap: Record<string, number> = {};
    const dimGapSd: Record<string, number> = {};
    const dimImportance: Record<string, number> = {};
    for (const d of SERVQUAL_DIMENSIONS) {
      const ids = DEFAULT_SERVQUAL_ITEMS.filter((i) => i.dimension === d).map((i) => i.id);
      const perRespondent: number[] = [];
      let importance = 0;
      for (const a of answers) {
        let g = 0;
        for (const id of ids) g += a.perceptions[id]! - a.expectations[id]!;
        perRespondent.push(g / ids.length);
        importance += (a.importance as Record<string, number>)[d] ?? 0;
      }
      let total = 0;
      for (const g of perRespondent) total += g;
      const mean = total / n;
      let squares = 0;
      for (const g of perRespondent) squares += (g - mean) ** 2;
      dimGap[d] = mean;
      dimGapSd[d] = Math.sqrt(squares / (n - 1));
      dimImportance[d] = importance / n;
    }
    let unweighted = 0;
    let weighted = 0;
    let worst: string | null = null;
    for (const d of SERVQUAL_DIMENSIONS) {
      unweighted += dimGap[d]! / 5;
      weighted += (dimGap[d]! * dimImportance[d]!) / 100;
      if (dimGap[d]! < 0 && (worst === null || dimGap[d]! < dimGap[worst]!)) worst = d;
    }
    return { itemE, itemP, itemGap, dimGap, dimGapSd, dimImportance, unweighted, weighted, worst };
  }

  it('given 12 respondents, when scored, then every item mean and gap, every dimension gap, mean importance and the two overall scores match', () => {
    const want = expected();
    const r = scoreServqual(content, answers);
    expect(r.respondents).toBe(12);
    expect(r.items).toHaveLength(22);
    for (const item of r.items) {
      expect(item.expectation.mean).toBeCloseTo(want.itemE[item.itemId]!, 10);
      expect(item.perception.mean).toBeCloseTo(want.itemP[item.itemId]!, 10);
      expect(item.gap.mean).toBeCloseTo(want.itemGap[item.itemId]!, 10);
    }
    expect(r.dimensions.map((d) => d.dimension)).toEqual([...SERVQUAL_DIMENSIONS]);
    for (const d of r.dimensions) {
      expect(d.gap.mean).toBeCloseTo(want.dimGap[d.dimension]!, 10);
      expect(d.importance).toBeCloseTo(want.dimImportance[d.dimension]!, 10);
      // t(0.975, 11) = 2.201 (t-table).
      const half = (2.201 * want.dimGapSd[d.dimension]!) / Math.sqrt(12);
      expect(d.gap.ciLow).toBeCloseTo(want.dimGap[d.dimension]! - half, 3);
      expect(d.gap.ciHigh).toBeCloseTo(want.dimGap[d.dimension]! + half, 3);
    }
    expect(r.overall.unweighted).toBeCloseTo(want.unweighted, 10);
    expect(r.overall.weighted).toBeCloseTo(want.weighted, 10);
    expect(r.largestNegativeGap).toBe(want.worst);
  });

  it("given a respondent, when their dimension gaps are taken for the KPIs, then each is the mean of that respondent's item gaps; an incomplete set has none", () => {
    const a = answers[0]!;
    const gaps = respondentServqualGaps(content, a)!;
    for (const d of SERVQUAL_DIMENSIONS) {
      const ids = DEFAULT_SERVQUAL_ITEMS.filter((i) => i.dimension === d).map((i) => i.id);
      let g = 0;
      for (const id of ids) g += a.perceptions[id]! - a.expectations[id]!;
      expect(gaps[d]).toBeCloseTo(g / ids.length, 12);
    }
    expect(respondentServqualGaps(content, { ...a, importance: undefined })).toBeNull();
  });
});
