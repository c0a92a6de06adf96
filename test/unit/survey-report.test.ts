import type { KanoCategory, KanoResults, MeanCi, ServqualResults, SurveyResultsSummary, SurveyScores } from '../../src/domain/survey';
import { resultsCsv, resultsMarkdown } from '../../src/domain/survey-report';

// ----------------------------------------------------------------- fixtures (written out by hand, not scored)

const ci = (n: number, mean: number | null, ciLow: number | null = null, ciHigh: number | null = null): MeanCi => ({ n, mean, ciLow, ciHigh });
const none: MeanCi = ci(0, null);

function summary(scores: SurveyScores, overrides: Partial<SurveyResultsSummary> = {}): SurveyResultsSummary {
  return {
    campaignId: 'cmp_1',
    title: 'Spring survey',
    kind: scores.kind,
    final: true,
    computedAt: '2026-03-31T12:00:00.000Z',
    counts: { invited: 40, emailed: 38, reminded: 20, responded: 25, completed: 22 },
    responseRate: 0.55,
    scores,
    ...overrides,
  };
}

const SERVQUAL: ServqualResults = {
  kind: 'servqual',
  respondents: 22,
  items: [
    { itemId: 't1', dimension: 'tangibles', text: { en: 'Up-to-date | modern equipment\nand tools' }, expectation: ci(22, 5.5, 5, 6), perception: ci(22, 5.75, 5.2, 6.3), gap: ci(22, 0.25, -0.3, 0.8) },
    { itemId: 'rel1', dimension: 'reliability', text: { en: 'Keeps promises, "on time"' }, expectation: ci(22, 6.5, 6.1, 6.9), perception: ci(22, 4.25, 3.8, 4.7), gap: ci(22, -2.25, -2.9, -1.6) },
    { itemId: 'e1', dimension: 'empathy', text: { en: '=HYPERLINK("http://x")' }, expectation: ci(22, 5, 4.5, 5.5), perception: ci(22, 4.5, 4, 5), gap: ci(22, -0.5, -1, 0) },
  ],
  dimensions: [
    { dimension: 'tangibles', expectation: ci(22, 5.5), perception: ci(22, 5.75), gap: ci(22, 0.25, -0.3, 0.8), importance: 10 },
    { dimension: 'reliability', expectation: ci(22, 6.5), perception: ci(22, 4.25), gap: ci(22, -2.25, -2.9, -1.6), importance: 60 },
    { dimension: 'empathy', expectation: ci(22, 5), perception: ci(22, 4.5), gap: ci(22, -0.5, -1, 0), importance: 30 },
  ],
  overall: { unweighted: -0.8333333333, weighted: -1.475 },
  largestNegativeGap: 'reliability',
};

const dist = (d: Partial<Record<KanoCategory, number>>): Record<KanoCategory, number> => ({ attractive: 0, one_dimensional: 0, must_be: 0, indifferent: 0, reverse: 0, questionable: 0, ...d });

const KANO: KanoResults = {
  kind: 'kano',
  respondents: 10,
  features: [
    { featureId: 'updates', text: { en: 'If we kept you updated?' }, distribution: dist({ must_be: 6, one_dimensional: 2, attractive: 2 }), category: 'must_be', satisfaction: 0.4, dissatisfaction: -0.8, performance: ci(10, 3.2, 2.5, 3.9), flagged: true },
    { featureId: 'chat', text: { en: 'If there were a chat?' }, distribution: dist({ attractive: 7, indifferent: 3 }), category: 'attractive', satisfaction: 0.7, dissatisfaction: 0, performance: null, flagged: false },
  ],
};

/** A small RFC 4180 reader, so the tests check what a spreadsheet would read, not the bytes alone. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  expect(field).toBe('');
  return rows;
}

/** The CSV as records keyed by header, plus the `figure` rows as id -> value. */
function readCsv(text: string) {
  const [header, ...rows] = parseCsv(text);
  const records = rows.map((r) => {
    expect(r).toHaveLength(header!.length);
    return Object.fromEntries(header!.map((h, i) => [h, r[i]!]));
  });
  const figures = Object.fromEntries(records.filter((r) => r.row_type === 'figure').map((r) => [r.id, r.value]));
  return { header: header!, records, figures };
}

// ----------------------------------------------------------------- Markdown

describe('resultsMarkdown', () => {
  it('given SERVQUAL results, when rendered, then the largest negative gap is called out with its CI and the dimension and item tables follow', () => {
    const md = resultsMarkdown(summary(SERVQUAL));
    expect(md).toContain('# Survey results: Spring survey');
    expect(md).toContain('**Largest negative gap: reliability** (P − E = -2.25, 95 % CI [-2.9, -1.6]).');
    expect(md).toContain('| reliability | 6.5 | 4.25 | -2.25 | [-2.9, -1.6] | 60 |');
    expect(md).toContain('| tangibles | 5.5 | 5.75 | +0.25 | [-0.3, 0.8] | 10 |');
    expect(md).toContain('Overall score: unweighted -0.83, weighted by importance -1.48.');
    expect(md).toContain('| 40 | 38 | 20 | 25 | 22 | 55 % |');
    expect(md).toContain('final (campaign closed)');
  });

  it('given a statement with a pipe and a line break, when rendered, then the table row stays one row with the pipe escaped', () => {
    const md = resultsMarkdown(summary(SERVQUAL));
    const row = md.split('\n').find((l) => l.startsWith('| `t1` |'))!;
    expect(row).toBe('| `t1` | tangibles | Up-to-date \\| modern equipment and tools | 5.5 | 5.75 | +0.25 | [-0.3, 0.8] |');
  });

  it('given no negative gap and a provisional summary, when rendered, then it says so', () => {
    const md = resultsMarkdown(summary({ ...SERVQUAL, largestNegativeGap: null }, { final: false, responseRate: null }));
    expect(md).toContain('No dimension has a negative gap.');
    expect(md).toContain('provisional (campaign still open)');
    expect(md).toContain('| 40 | 38 | 20 | 25 | 22 | — |');
  });

  it('given a flagged must-be feature, when rendered, then it is listed under the flagged features with its performance, and the table marks it', () => {
    const md = resultsMarkdown(summary(KANO));
    expect(md).toContain('## Flagged features');
    expect(md).toContain('- **`updates`** If we kept you updated? — performance 3.2 (95 % CI [2.5, 3.9], n = 10)');
    expect(md).toContain('| `updates` | If we kept you updated? | 2 | 2 | 6 | 0 | 0 | 0 | must-be | 0.4 | -0.8 | 3.2 | **yes** |');
    expect(md).toContain('| `chat` | If there were a chat? | 7 | 0 | 0 | 3 | 0 | 0 | attractive | 0.7 | 0 | — | no |');
  });

  it('given no flagged feature, when rendered, then it says none is', () => {
    const md = resultsMarkdown(summary({ ...KANO, features: [KANO.features[1]!] }));
    expect(md).toContain('No must-be feature has a mean performance of 4 or less.');
    expect(md).not.toContain('- **`');
  });

  it('given NPS and CSAT results, when rendered, then the score and the distributions are shown', () => {
    const nps = resultsMarkdown(summary({ kind: 'nps', respondents: 10, promoters: 5, passives: 3, detractors: 2, score: 30 }));
    expect(nps).toContain('**NPS 30**');
    expect(nps).toContain('| 5 | 3 | 2 |');
    const csat = resultsMarkdown(summary({ kind: 'csat', respondents: 5, rating: ci(5, 3.4, 1.5172, 5.2828), distribution: [1, 0, 1, 2, 1], satisfiedShare: 0.6 }));
    expect(csat).toContain('**Mean rating 3.4** of 5 (95 % CI [1.52, 5.28]); satisfied (4 or 5): 60 %.');
    expect(csat).toContain('| responses | 1 | 0 | 1 | 2 | 1 |');
  });
});

// ----------------------------------------------------------------- CSV

describe('resultsCsv', () => {
  it('given SERVQUAL results, when exported, then records end in CRLF, every row has every column, one row per dimension and per item', () => {
    const csv = resultsCsv(summary(SERVQUAL));
    expect(csv.endsWith('\r\n')).toBe(true);
    const { header, records, figures } = readCsv(csv);
    // One CRLF per record (header included): the statement's own line break stays inside its quoted field.
    expect(csv.split('\r\n').length - 1).toBe(records.length + 1);
    expect(header.slice(0, 5)).toEqual(['row_type', 'id', 'dimension', 'text', 'n']);
    expect(records.filter((r) => r.row_type === 'dimension').map((r) => r.id)).toEqual(['tangibles', 'reliability', 'empathy']);
    expect(records.filter((r) => r.row_type === 'item').map((r) => r.id)).toEqual(['t1', 'rel1', 'e1']);
    const rel1 = records.find((r) => r.id === 'rel1')!;
    expect(rel1).toMatchObject({ dimension: 'reliability', n: '22', expectation_mean: '6.5', perception_mean: '4.25', gap_mean: '-2.25', gap_ci_low: '-2.9', gap_ci_high: '-1.6' });
    expect(figures).toMatchObject({ campaign_id: 'cmp_1', invited: '40', completed: '22', response_rate: '0.55', overall_unweighted: '-0.8333', overall_weighted: '-1.475', largest_negative_gap: 'reliability' });
    expect(records.find((r) => r.id === 'reliability')!.importance).toBe('60');
  });

  it('given texts with a comma, quotes, a line break and a leading =, when exported, then they are quoted per RFC 4180 and the formula is neutralised', () => {
    const csv = resultsCsv(summary(SERVQUAL, { title: 'Q1, "pilot"' }));
    expect(csv).toContain('"Q1, ""pilot"""');
    expect(csv).toContain('"Up-to-date | modern equipment\nand tools"');
    const { records, figures } = readCsv(csv);
    expect(figures.title).toBe('Q1, "pilot"');
    expect(records.find((r) => r.id === 't1')!.text).toBe('Up-to-date | modern equipment\nand tools');
    expect(records.find((r) => r.id === 'rel1')!.text).toBe('Keeps promises, "on time"');
    expect(records.find((r) => r.id === 'e1')!.text).toBe('\'=HYPERLINK("http://x")');
  });

  it('given Kano results, when exported, then one row per feature with its distribution, category, coefficients, performance and flag', () => {
    const { header, records } = readCsv(resultsCsv(summary(KANO)));
    expect(header).toEqual(expect.arrayContaining(['attractive', 'one_dimensional', 'must_be', 'indifferent', 'reverse', 'questionable', 'category', 'flagged']));
    const features = records.filter((r) => r.row_type === 'feature');
    expect(features.map((r) => r.id)).toEqual(['updates', 'chat']);
    expect(features[0]).toMatchObject({ n: '10', must_be: '6', one_dimensional: '2', attractive: '2', category: 'must_be', satisfaction: '0.4', dissatisfaction: '-0.8', performance_n: '10', performance_mean: '3.2', flagged: 'true' });
    expect(features[1]).toMatchObject({ category: 'attractive', performance_mean: '', flagged: 'false' });
  });

  it('given NPS and CSAT results, when exported, then each figure is a row; a missing value is an empty field', () => {
    const nps = readCsv(resultsCsv(summary({ kind: 'nps', respondents: 0, promoters: 0, passives: 0, detractors: 0, score: null })));
    expect(nps.header).toEqual(['row_type', 'id', 'value']);
    expect(nps.figures).toMatchObject({ respondents: '0', promoters: '0', nps: '' });
    const csat = readCsv(resultsCsv(summary({ kind: 'csat', respondents: 5, rating: ci(5, 3.4, 1.51722, 5.28278), distribution: [1, 0, 1, 2, 1], satisfiedShare: 0.6 })));
    expect(csat.figures).toMatchObject({ satisfied_share: '0.6', rating_1: '1', rating_4: '2' });
    expect(csat.records.find((r) => r.row_type === 'rating')).toMatchObject({ n: '5', mean: '3.4', ci_low: '1.5172', ci_high: '5.2828' });
    const empty = readCsv(resultsCsv(summary({ kind: 'csat', respondents: 0, rating: none, distribution: [0, 0, 0, 0, 0], satisfiedShare: null })));
    expect(empty.records.find((r) => r.row_type === 'rating')).toMatchObject({ mean: '', ci_low: '' });
  });
});
