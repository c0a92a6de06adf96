/**
 * What completed survey responses contribute to the KPIs
 * (src/domain/survey-facts.ts): one fact per response, the CSAT rating or NPS
 * score as given, each SERVQUAL respondent's mean gap per dimension, the
 * completion day in the area's zone, and nothing from Kano.
 *
 * Expected SERVQUAL gaps are computed here a second way (per item P − E
 * collected by dimension from the answers, then averaged) and, for the first
 * respondent, by hand in the comments.
 */
import type { ServqualDimension, SurveyAnswers, SurveyContent } from '../../src/domain/survey';
import { type CompletedResponse, surveyFactsOf } from '../../src/domain/survey-facts';

const CAMPAIGN = { campaignId: 'cmp-1', areaId: 'billing', timeZone: 'Europe/Paris' };
/** 14:00 UTC: the same day in Paris. */
const at = (day: string, time = '14:00') => Date.parse(`${day}T${time}:00Z`);

const response = (responseId: string, answers: SurveyAnswers, completedAt = at('2026-03-10')): CompletedResponse => ({ responseId, answers, completedAt });

const SERVQUAL: Extract<SurveyContent, { kind: 'servqual' }> = {
  kind: 'servqual',
  askImportance: false,
  items: [
    { id: 't1', dimension: 'tangibles', text: { en: 'modern equipment' } },
    { id: 't2', dimension: 'tangibles', text: { en: 'appealing facilities' } },
    { id: 'rel1', dimension: 'reliability', text: { en: 'keeps promises' } },
    { id: 'rel2', dimension: 'reliability', text: { en: 'right the first time' } },
    { id: 'rel3', dimension: 'reliability', text: { en: 'on time' } },
    { id: 'res1', dimension: 'responsiveness', text: { en: 'prompt service' } },
    { id: 'a1', dimension: 'assurance', text: { en: 'instils confidence' } },
    { id: 'e1', dimension: 'empathy', text: { en: 'individual attention' } },
  ],
};

/** The respondent's gap per dimension, computed independently: P − E of each item answered both ways, grouped by the item's dimension, averaged. */
function independentGaps(content: typeof SERVQUAL, answers: Extract<SurveyAnswers, { kind: 'servqual' }>): Partial<Record<ServqualDimension, number>> {
  const dimensionOf = Object.fromEntries(content.items.map((i) => [i.id, i.dimension]));
  const sums: Record<string, { total: number; n: number }> = {};
  for (const [itemId, perception] of Object.entries(answers.perceptions)) {
    const expectation = answers.expectations[itemId];
    const dimension = dimensionOf[itemId];
    if (expectation === undefined || dimension === undefined) continue;
    sums[dimension] ??= { total: 0, n: 0 };
    sums[dimension].total += perception - expectation;
    sums[dimension].n += 1;
  }
  return Object.fromEntries(Object.entries(sums).map(([d, s]) => [d, s.total / s.n]));
}

describe('survey facts', () => {
  it('given CSAT campaign responses, when turned into facts, then one fact per response with its rating and nothing else', () => {
    const content: SurveyContent = { kind: 'csat', question: { en: 'How satisfied are you?' } };
    const facts = surveyFactsOf(CAMPAIGN, content, [response('inv_a', { kind: 'csat', rating: 4, comment: 'fine' }), response('inv_b', { kind: 'csat', rating: 1 })]);
    expect(facts).toEqual([
      { responseId: 'inv_a', campaignId: 'cmp-1', areaId: 'billing', day: '2026-03-10', kind: 'csat', csat: 4, nps: null, servqualGaps: null },
      { responseId: 'inv_b', campaignId: 'cmp-1', areaId: 'billing', day: '2026-03-10', kind: 'csat', csat: 1, nps: null, servqualGaps: null },
    ]);
  });

  it('given NPS campaign responses, when turned into facts, then each score 0-10 as given (0 included)', () => {
    const content: SurveyContent = { kind: 'nps', question: { en: 'How likely are you to recommend us?' } };
    const facts = surveyFactsOf(CAMPAIGN, content, [response('inv_a', { kind: 'nps', score: 0 }), response('inv_b', { kind: 'nps', score: 10 }), response('inv_c', { kind: 'nps', score: 7 })]);
    expect(facts.map((f) => [f.responseId, f.kind, f.nps, f.csat, f.servqualGaps])).toEqual([
      ['inv_a', 'nps', 0, null, null],
      ['inv_b', 'nps', 10, null, null],
      ['inv_c', 'nps', 7, null, null],
    ]);
  });

  it('given SERVQUAL responses, when turned into facts, then each respondent gets their mean gap (P − E) per dimension over the items they answered', () => {
    // Respondent 1, by hand: tangibles (5−6 + 6−6)/2 = −0.5; reliability (3−7 + 4−6 + 5−6)/3 = −7/3;
    // responsiveness 6−5 = +1; assurance 7−7 = 0; empathy 4−6 = −2.
    const first: Extract<SurveyAnswers, { kind: 'servqual' }> = {
      kind: 'servqual',
      expectations: { t1: 6, t2: 6, rel1: 7, rel2: 6, rel3: 6, res1: 5, a1: 7, e1: 6 },
      perceptions: { t1: 5, t2: 6, rel1: 3, rel2: 4, rel3: 5, res1: 6, a1: 7, e1: 4 },
    };
    // Respondent 2 skipped rel3's perception and every empathy item, and answered an item no longer in the definition.
    const second: Extract<SurveyAnswers, { kind: 'servqual' }> = {
      kind: 'servqual',
      expectations: { t1: 4, t2: 5, rel1: 6, rel2: 7, rel3: 7, res1: 6, a1: 5, gone: 1 },
      perceptions: { t1: 6, t2: 6, rel1: 6, rel2: 5, res1: 3, a1: 6, gone: 7 },
    };
    const facts = surveyFactsOf(CAMPAIGN, SERVQUAL, [response('inv_1', first), response('inv_2', second)]);

    expect(facts).toHaveLength(2);
    expect(facts[0]!.servqualGaps).toEqual({ tangibles: -0.5, reliability: expect.closeTo(-7 / 3, 12), responsiveness: 1, assurance: 0, empathy: -2 });
    for (const [i, answers] of [first, second].entries()) {
      const got = facts[i]!.servqualGaps!;
      const want = independentGaps(SERVQUAL, answers);
      expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
      for (const d of Object.keys(want) as ServqualDimension[]) expect({ d, gap: got[d] }).toEqual({ d, gap: expect.closeTo(want[d]!, 12) });
    }
    // Empathy unanswered: absent, not 0; rel3 without a perception left out of reliability ((6−6 + 5−7)/2 = −1).
    expect(facts[1]!.servqualGaps).not.toHaveProperty('empathy');
    expect(facts[1]!.servqualGaps!.reliability).toBe(-1);
    expect(facts.map((f) => [f.kind, f.csat, f.nps])).toEqual([
      ['servqual', null, null],
      ['servqual', null, null],
    ]);
  });

  it('given a Kano campaign, when turned into facts, then none: Kano feeds no KPI', () => {
    const content: SurveyContent = { kind: 'kano', features: [{ id: 'f1', functional: { en: 'if it had' }, dysfunctional: { en: 'if it had not' } }] };
    expect(surveyFactsOf(CAMPAIGN, content, [response('inv_k', { kind: 'kano', answers: { f1: { functional: 'like', dysfunctional: 'dislike' } } })])).toEqual([]);
  });

  it('given completion instants near midnight, when turned into facts, then the day is the completion day in the area zone', () => {
    const content: SurveyContent = { kind: 'nps', question: { en: 'recommend?' } };
    const facts = surveyFactsOf(CAMPAIGN, content, [
      // 23:30 UTC on 1 March is 00:30 on 2 March in Paris (UTC+1 in winter).
      response('inv_late', { kind: 'nps', score: 9 }, at('2026-03-01', '23:30')),
      // 22:30 UTC on 28 June is 00:30 on 29 June in Paris (UTC+2 in summer).
      response('inv_summer', { kind: 'nps', score: 9 }, at('2026-06-28', '22:30')),
      response('inv_early', { kind: 'nps', score: 9 }, at('2026-03-02', '00:30')),
    ]);
    expect(facts.map((f) => [f.responseId, f.day])).toEqual([
      ['inv_late', '2026-03-02'],
      ['inv_summer', '2026-06-29'],
      ['inv_early', '2026-03-02'],
    ]);
    const shanghai = surveyFactsOf({ ...CAMPAIGN, timeZone: 'Asia/Shanghai' }, content, [response('inv_cn', { kind: 'nps', score: 3 }, at('2026-03-01', '16:30'))]);
    expect(shanghai[0]!.day).toBe('2026-03-02');
  });

  it('given responses with nothing countable (missing, off-scale or of another kind), when turned into facts, then they give none', () => {
    const nps: SurveyContent = { kind: 'nps', question: { en: 'recommend?' } };
    const csat: SurveyContent = { kind: 'csat', question: { en: 'satisfied?' } };
    expect(surveyFactsOf(CAMPAIGN, nps, [response('a', { kind: 'nps' }), response('b', { kind: 'nps', score: 11 }), response('c', { kind: 'nps', score: 4.5 }), response('d', { kind: 'csat', rating: 5 })])).toEqual([]);
    expect(surveyFactsOf(CAMPAIGN, csat, [response('e', { kind: 'csat', rating: 0 }), response('f', { kind: 'csat', rating: 6 })])).toEqual([]);
    const noPairs: SurveyAnswers = { kind: 'servqual', expectations: { t1: 5 }, perceptions: { rel1: 5, t2: 9 } };
    expect(surveyFactsOf(CAMPAIGN, SERVQUAL, [response('g', noPairs)])).toEqual([]);
  });
});
