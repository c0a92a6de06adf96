import {
  DEFAULT_CSAT_QUESTION,
  DEFAULT_KANO_FEATURES,
  DEFAULT_NPS_QUESTION,
  DEFAULT_SERVQUAL_ITEMS,
  KANO_LOW_PERFORMANCE,
  LIKERT_7,
  SERVQUAL_DIMENSIONS,
  type ServqualItem,
  type SurveyAnswers,
  type SurveyContent,
  type SurveyProblem,
  answersProblems,
  localize,
  localizedQuestions,
  surveyContentProblems,
  versionProblems,
} from '../../src/domain/survey';

type ServqualContent = Extract<SurveyContent, { kind: 'servqual' }>;
type KanoContent = Extract<SurveyContent, { kind: 'kano' }>;

const paths = (problems: SurveyProblem[]) => problems.map((p) => p.path);
const servqual = (items: ServqualItem[] = DEFAULT_SERVQUAL_ITEMS, askImportance = true): ServqualContent => ({ kind: 'servqual', items, askImportance });
const kano: KanoContent = { kind: 'kano', features: DEFAULT_KANO_FEATURES };
const allItems = (value: number) => Object.fromEntries(DEFAULT_SERVQUAL_ITEMS.map((i) => [i.id, value]));
const EVEN = { tangibles: 20, reliability: 20, responsiveness: 20, assurance: 20, empathy: 20 };

describe('the standard instruments', () => {
  it('given the default SERVQUAL items, then they are the 22 items of Parasuraman et al. in 4/5/4/4/5 per dimension with the agreed ids', () => {
    expect(DEFAULT_SERVQUAL_ITEMS).toHaveLength(22);
    const perDimension = Object.fromEntries(SERVQUAL_DIMENSIONS.map((d) => [d, DEFAULT_SERVQUAL_ITEMS.filter((i) => i.dimension === d).map((i) => i.id)]));
    expect(perDimension).toEqual({
      tangibles: ['t1', 't2', 't3', 't4'],
      reliability: ['rel1', 'rel2', 'rel3', 'rel4', 'rel5'],
      responsiveness: ['res1', 'res2', 'res3', 'res4'],
      assurance: ['a1', 'a2', 'a3', 'a4'],
      empathy: ['e1', 'e2', 'e3', 'e4', 'e5'],
    });
  });

  it('given the defaults, then every text has English and Simplified Chinese, and every default definition is valid', () => {
    const texts = [
      ...DEFAULT_SERVQUAL_ITEMS.map((i) => i.text),
      ...DEFAULT_KANO_FEATURES.flatMap((f) => [f.functional, f.dysfunctional, ...(f.performance ? [f.performance] : [])]),
      DEFAULT_CSAT_QUESTION,
      DEFAULT_NPS_QUESTION,
    ];
    for (const t of texts) {
      expect(t.en.trim()).not.toBe('');
      expect(t['zh-CN']?.trim()).toBeTruthy();
      // "XYZ" of the published wording is adapted everywhere.
      expect(t.en).not.toMatch(/XYZ/);
    }
    expect(surveyContentProblems(servqual())).toEqual([]);
    expect(surveyContentProblems(kano)).toEqual([]);
    expect(DEFAULT_KANO_FEATURES.length).toBeGreaterThanOrEqual(3);
    expect(DEFAULT_KANO_FEATURES.length).toBeLessThanOrEqual(4);
    expect(surveyContentProblems({ kind: 'csat', question: DEFAULT_CSAT_QUESTION })).toEqual([]);
    expect(surveyContentProblems({ kind: 'nps', question: DEFAULT_NPS_QUESTION })).toEqual([]);
  });

  it('has a 1-7 scale and flags must-be features at a mean performance of 4', () => {
    expect(LIKERT_7).toEqual({ min: 1, max: 7 });
    expect(KANO_LOW_PERFORMANCE).toBe(4);
  });
});

describe('surveyContentProblems', () => {
  const item = (id: string, dimension: ServqualItem['dimension'] = 'reliability', en = 'A statement.'): ServqualItem => ({ id, dimension, text: { en } });

  it('given ids that are not slugs or repeat, when checked, then each is named by its path', () => {
    const items = [...DEFAULT_SERVQUAL_ITEMS, item('Rel6'), item('rel1'), item('x'.repeat(41)), item('-lead')];
    expect(paths(surveyContentProblems(servqual(items)))).toEqual(['items.22.id', 'items.23.id', 'items.24.id', 'items.25.id']);
    expect(surveyContentProblems(servqual(items)).find((p) => p.path === 'items.23.id')!.message).toMatch(/duplicate id rel1/);
  });

  it('given no items or more than 60, when checked, then the count is refused', () => {
    expect(paths(surveyContentProblems(servqual([], false)))).toEqual(['items']);
    const many = Array.from({ length: 61 }, (_, i) => item(`i${i}`));
    expect(paths(surveyContentProblems(servqual(many, false)))).toEqual(['items']);
    expect(surveyContentProblems(servqual(many.slice(0, 60), false))).toEqual([]);
  });

  it('given empty, over-long, English-less or unknown-language texts, when checked, then each is refused', () => {
    const items = [item('x1', 'empathy', '   '), item('x2', 'empathy', 'y'.repeat(501)), { id: 'x3', dimension: 'empathy', text: { 'zh-CN': '只有中文' } } as unknown as ServqualItem, { id: 'x4', dimension: 'empathy', text: { en: 'ok', fr: 'non' } } as unknown as ServqualItem];
    expect(paths(surveyContentProblems(servqual(items, false)))).toEqual(['items.0.text.en', 'items.1.text.en', 'items.2.text.en', 'items.3.text.fr']);
    expect(surveyContentProblems(servqual([item('x5', 'empathy', 'y'.repeat(500))], false))).toEqual([]);
  });

  it('given an unknown dimension, when checked, then it is refused', () => {
    expect(paths(surveyContentProblems(servqual([{ ...item('x1'), dimension: 'price' as never }], false)))).toEqual(['items.0.dimension']);
  });

  it('given importance asked and no empathy item, when checked, then the missing dimension is named; without importance it is allowed', () => {
    const noEmpathy = DEFAULT_SERVQUAL_ITEMS.filter((i) => i.dimension !== 'empathy');
    const problems = surveyContentProblems(servqual(noEmpathy, true));
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(/empathy/);
    expect(surveyContentProblems(servqual(noEmpathy, false))).toEqual([]);
  });

  it('given Kano features with a blank performance text or no features, and a blank CSAT question, when checked, then each is refused', () => {
    const blankPerformance: KanoContent = { kind: 'kano', features: [{ ...DEFAULT_KANO_FEATURES[0]!, performance: { en: '' } }] };
    expect(paths(surveyContentProblems(blankPerformance))).toEqual(['features.0.performance.en']);
    expect(paths(surveyContentProblems({ kind: 'kano', features: [] }))).toEqual(['features']);
    expect(paths(surveyContentProblems({ kind: 'csat', question: { en: '' } }))).toEqual(['question.en']);
  });

  it('given an unknown kind, when checked, then the kind is refused', () => {
    expect(paths(surveyContentProblems({ kind: 'poll' } as unknown as SurveyContent))).toEqual(['kind']);
  });
});

describe('versionProblems', () => {
  it('given an item moved to another dimension under the same id, when a new version is checked, then it is refused at that item', () => {
    const moved = DEFAULT_SERVQUAL_ITEMS.map((i) => (i.id === 'rel3' ? { ...i, dimension: 'assurance' as const } : i));
    const problems = versionProblems(servqual(), servqual(moved));
    expect(problems).toEqual([{ path: 'items.6.dimension', message: expect.stringMatching(/rel3 is a reliability item/) }]);
  });

  it('given items reworded, added and removed, when a new version is checked, then it is allowed', () => {
    const next = [...DEFAULT_SERVQUAL_ITEMS.filter((i) => i.id !== 't4').map((i) => (i.id === 't1' ? { ...i, text: { en: 'Our website is easy to use.' } } : i)), { id: 'rel6', dimension: 'reliability' as const, text: { en: 'We call back when we say.' } }];
    expect(versionProblems(servqual(), servqual(next))).toEqual([]);
  });

  it('given another kind, when a new version is checked, then the kind change is refused', () => {
    expect(paths(versionProblems(servqual(), kano))).toEqual(['kind']);
  });
});

describe('answersProblems', () => {
  const complete: SurveyAnswers = { kind: 'servqual', expectations: allItems(6), perceptions: allItems(5), importance: EVEN };

  it('given a complete SERVQUAL answer set, when checked as complete, then it is valid', () => {
    expect(answersProblems(servqual(), complete, true)).toEqual([]);
  });

  it('given answers of another kind, when checked, then the kind is refused', () => {
    expect(paths(answersProblems(servqual(), { kind: 'nps', score: 3 }, false))).toEqual(['kind']);
  });

  it('given ratings off the 1-7 scale or not whole, when checked, then each is named', () => {
    const a: SurveyAnswers = { kind: 'servqual', expectations: { t1: 0, t2: 8 }, perceptions: { t1: 3.5, t2: 7 } };
    expect(paths(answersProblems(servqual(), a, false))).toEqual(['expectations.t1', 'expectations.t2', 'perceptions.t1']);
  });

  it('given an unknown item id, when checked, then it is refused', () => {
    const a: SurveyAnswers = { kind: 'servqual', expectations: { t9: 4 }, perceptions: {} };
    expect(answersProblems(servqual(), a, false)).toEqual([{ path: 'expectations.t9', message: 'unknown item t9' }]);
  });

  it('given a partial answer set, when saved as partial, then it is valid; when completed, then every missing answer is named', () => {
    const perceptionsButE5 = Object.fromEntries(DEFAULT_SERVQUAL_ITEMS.filter((i) => i.id !== 'e5').map((i) => [i.id, 5]));
    const partial: SurveyAnswers = { kind: 'servqual', expectations: allItems(6), perceptions: perceptionsButE5 };
    expect(answersProblems(servqual(), partial, false)).toEqual([]);
    expect(paths(answersProblems(servqual(), partial, true))).toEqual(['perceptions.e5', 'importance']);
  });

  it('given importance summing to 99, negative or on an unknown dimension, when checked, then it is refused even in a partial save', () => {
    const base = { kind: 'servqual' as const, expectations: {}, perceptions: {} };
    expect(answersProblems(servqual(), { ...base, importance: { ...EVEN, empathy: 19 } }, false)).toEqual([{ path: 'importance', message: 'the points must add up to 100 (they add up to 99)' }]);
    expect(paths(answersProblems(servqual(), { ...base, importance: { ...EVEN, tangibles: -10, empathy: 50 } }, false))).toEqual(['importance.tangibles']);
    expect(paths(answersProblems(servqual(), { ...base, importance: { ...EVEN, price: 0 } as never }, false))).toEqual(['importance.price']);
    // Missing dimensions count 0: 50 + 50 is a whole allocation.
    expect(answersProblems(servqual(), { ...base, importance: { reliability: 50, empathy: 50 } }, false)).toEqual([]);
  });

  it('given importance when the definition does not ask for it, when checked, then it is refused; and not required to complete', () => {
    expect(paths(answersProblems(servqual(DEFAULT_SERVQUAL_ITEMS, false), complete, true))).toEqual(['importance']);
    expect(answersProblems(servqual(DEFAULT_SERVQUAL_ITEMS, false), { ...complete, importance: undefined }, true)).toEqual([]);
  });

  it('given Kano answers off the scale, for an unknown feature or a performance not asked, when checked, then each is refused', () => {
    const a: SurveyAnswers = {
      kind: 'kano',
      answers: {
        proactive_updates: { functional: 'love' as never, dysfunctional: 'dislike', performance: 8 },
        callback_slot: { functional: 'like', dysfunctional: 'neutral', performance: 3 },
        teleport: { functional: 'like' },
      },
    };
    expect(paths(answersProblems(kano, a, false))).toEqual(['answers.teleport', 'answers.proactive_updates.functional', 'answers.proactive_updates.performance', 'answers.callback_slot.performance']);
  });

  it('given a Kano answer set missing a dysfunctional answer and a performance rating, when completed, then both are named', () => {
    const answers = Object.fromEntries(DEFAULT_KANO_FEATURES.map((f) => [f.id, { functional: 'like' as const, dysfunctional: 'dislike' as const, ...(f.performance ? { performance: 4 } : {}) }]));
    expect(answersProblems(kano, { kind: 'kano', answers }, true)).toEqual([]);
    const missing = { ...answers, single_contact: { functional: 'like' as const, dysfunctional: 'dislike' as const }, online_status: { functional: 'like' as const, performance: 2 } };
    expect(paths(answersProblems(kano, { kind: 'kano', answers: missing }, true))).toEqual(['answers.single_contact.performance', 'answers.online_status.dysfunctional']);
  });

  it('given CSAT ratings 0 and 6 and NPS scores −1, 11 and 5.5, when checked, then each is refused; 1, 5, 0 and 10 are on the scale', () => {
    const csat: SurveyContent = { kind: 'csat', question: DEFAULT_CSAT_QUESTION };
    const nps: SurveyContent = { kind: 'nps', question: DEFAULT_NPS_QUESTION };
    for (const rating of [0, 6]) expect(paths(answersProblems(csat, { kind: 'csat', rating }, false))).toEqual(['rating']);
    for (const rating of [1, 5]) expect(answersProblems(csat, { kind: 'csat', rating }, true)).toEqual([]);
    for (const score of [-1, 11, 5.5]) expect(paths(answersProblems(nps, { kind: 'nps', score }, false))).toEqual(['score']);
    for (const score of [0, 10]) expect(answersProblems(nps, { kind: 'nps', score }, true)).toEqual([]);
  });

  it('given CSAT and NPS answers without the rating or score, when completed, then it is required; a partial save is valid; an over-long comment is refused', () => {
    const csat: SurveyContent = { kind: 'csat', question: DEFAULT_CSAT_QUESTION };
    const nps: SurveyContent = { kind: 'nps', question: DEFAULT_NPS_QUESTION };
    expect(paths(answersProblems(csat, { kind: 'csat', comment: 'later' }, true))).toEqual(['rating']);
    expect(answersProblems(csat, { kind: 'csat', comment: 'later' }, false)).toEqual([]);
    expect(paths(answersProblems(nps, { kind: 'nps' }, true))).toEqual(['score']);
    expect(paths(answersProblems(nps, { kind: 'nps', score: 9, comment: 'z'.repeat(2001) }, true))).toEqual(['comment']);
  });
});

describe('localize and localizedQuestions', () => {
  it('given a text with and without a Chinese translation, when localized to zh-CN, then the translation or else the English', () => {
    expect(localize({ en: 'Hello', 'zh-CN': '你好' }, 'zh-CN')).toBe('你好');
    expect(localize({ en: 'Hello' }, 'zh-CN')).toBe('Hello');
    expect(localize({ en: 'Hello', 'zh-CN': '  ' }, 'zh-CN')).toBe('Hello');
    expect(localize({ en: 'Hello', 'zh-CN': '你好' }, 'en')).toBe('Hello');
  });

  it('given each kind, when the questions are resolved for a customer, then they have the contract shape in their language', () => {
    expect(localizedQuestions({ kind: 'nps', question: DEFAULT_NPS_QUESTION }, 'zh-CN')).toEqual({ question: DEFAULT_NPS_QUESTION['zh-CN'] });
    const sq = localizedQuestions(servqual(), 'zh-CN') as { items: { id: string; dimension: string; text: string }[]; askImportance: boolean };
    expect(sq.askImportance).toBe(true);
    expect(sq.items[0]).toEqual({ id: 't1', dimension: 'tangibles', text: DEFAULT_SERVQUAL_ITEMS[0]!.text['zh-CN'] });
    const withEnglishOnly: KanoContent = { kind: 'kano', features: [{ id: 'f1', functional: { en: 'If yes?' }, dysfunctional: { en: 'If no?', 'zh-CN': '如果没有？' } }] };
    expect(localizedQuestions(withEnglishOnly, 'zh-CN')).toEqual({ features: [{ id: 'f1', functional: 'If yes?', dysfunctional: '如果没有？', performance: null }] });
  });
});
