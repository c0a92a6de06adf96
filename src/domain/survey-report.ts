/**
 * The readable exports of a campaign's results (`GET /surveys/:id/results?format=md|csv`):
 * Markdown for people (tables, the largest negative SERVQUAL gap and the
 * flagged Kano features called out) and CSV for spreadsheets (one row per
 * figure, item, dimension or feature; RFC 4180). English; texts in English.
 * Pure; the API renders them at read time from the same summary as the JSON.
 *
 * CSV layout: every kind starts with `row_type,id`; `figure` rows carry the
 * campaign's figures (campaign id, title, counts, response rate, scores) in
 * the `value` column, the other rows the kind's table. Numbers keep four
 * decimals in CSV and two (one for percentages) in Markdown; an empty CSV
 * field or "—" is "no value". Free text that starts like a spreadsheet
 * formula gets a leading ' in CSV.
 */
import { csvRecord } from './audit-export';
import type { KanoCategory, KanoResults, MeanCi, ServqualResults, SurveyResultsSummary } from './survey';
import { KANO_CATEGORIES, KANO_LOW_PERFORMANCE } from './survey';

const KANO_LABELS: Record<KanoCategory, string> = {
  attractive: 'attractive',
  one_dimensional: 'one-dimensional',
  must_be: 'must-be',
  indifferent: 'indifferent',
  reverse: 'reverse',
  questionable: 'questionable',
};

/** Table cells must not break the table: pipes escaped, line breaks flattened. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*[\r\n]+\s*/g, ' ');

const fixed = (x: number | null, digits: number) => (x === null ? null : Number(x.toFixed(digits)));
const md = (x: number | null, digits = 2) => (x === null ? '—' : String(fixed(x, digits)));
const mdSigned = (x: number | null) => (x === null ? '—' : `${x > 0 ? '+' : ''}${fixed(x, 2)}`);
const mdPercent = (share: number | null) => (share === null ? '—' : `${fixed(share * 100, 1)} %`);
const mdCi = (m: MeanCi) => (m.ciLow === null || m.ciHigh === null ? '—' : `[${md(m.ciLow)}, ${md(m.ciHigh)}]`);
const csvNumber = (x: number | null) => fixed(x, 4);

function header(s: SurveyResultsSummary): string[] {
  const c = s.counts;
  return [
    `# Survey results: ${cell(s.title)}`,
    '',
    `Campaign \`${s.campaignId}\` · ${s.kind.toUpperCase()} · ${s.final ? 'final (campaign closed)' : 'provisional (campaign still open)'} · computed ${s.computedAt}`,
    '',
    '| invited | emailed | reminded | responded | completed | response rate |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${c.invited} | ${c.emailed} | ${c.reminded} | ${c.responded} | ${c.completed} | ${mdPercent(s.responseRate)} |`,
    '',
    `Respondents counted: ${s.scores.respondents} (complete responses only).`,
  ];
}

function servqualMarkdown(r: ServqualResults): string[] {
  const lines = ['', '## Dimensions', ''];
  if (r.largestNegativeGap) {
    const d = r.dimensions.find((x) => x.dimension === r.largestNegativeGap)!;
    lines.push(`**Largest negative gap: ${d.dimension}** (P − E = ${mdSigned(d.gap.mean)}, 95 % CI ${mdCi(d.gap)}).`, '');
  } else lines.push('No dimension has a negative gap.', '');
  lines.push(
    '| dimension | expectation | perception | gap (P − E) | gap 95 % CI | importance |',
    '| --- | ---: | ---: | ---: | --- | ---: |',
    ...r.dimensions.map((d) => `| ${d.dimension} | ${md(d.expectation.mean)} | ${md(d.perception.mean)} | ${mdSigned(d.gap.mean)} | ${mdCi(d.gap)} | ${d.importance === null ? '—' : md(d.importance, 1)} |`),
    '',
    `Overall score: unweighted ${mdSigned(r.overall.unweighted)}, weighted by importance ${mdSigned(r.overall.weighted)}.`,
    '',
    '## Items',
    '',
    '| item | dimension | statement | expectation | perception | gap (P − E) | gap 95 % CI |',
    '| --- | --- | --- | ---: | ---: | ---: | --- |',
    ...r.items.map((i) => `| \`${i.itemId}\` | ${i.dimension} | ${cell(i.text.en)} | ${md(i.expectation.mean)} | ${md(i.perception.mean)} | ${mdSigned(i.gap.mean)} | ${mdCi(i.gap)} |`),
  );
  return lines;
}

function kanoMarkdown(r: KanoResults): string[] {
  const flagged = r.features.filter((f) => f.flagged);
  const lines = ['', '## Flagged features', ''];
  if (flagged.length === 0) lines.push(`No must-be feature has a mean performance of ${KANO_LOW_PERFORMANCE} or less.`);
  else {
    lines.push(`Must-be features with a mean performance of ${KANO_LOW_PERFORMANCE} or less (of 7): customers take them for granted and we fall short.`, '');
    lines.push(...flagged.map((f) => `- **\`${f.featureId}\`** ${cell(f.text.en)} — performance ${md(f.performance!.mean)} (95 % CI ${mdCi(f.performance!)}, n = ${f.performance!.n})`));
  }
  lines.push(
    '',
    '## Features',
    '',
    'A attractive, O one-dimensional, M must-be, I indifferent, R reverse, Q questionable; CS = (A + O) / (A + O + M + I), DS = −(O + M) / (A + O + M + I) (Berger et al. 1993).',
    '',
    '| feature | question | A | O | M | I | R | Q | category | CS | DS | performance | flagged |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | --- |',
    ...r.features.map((f) => {
      const d = f.distribution;
      const performance = f.performance === null ? '—' : md(f.performance.mean);
      return `| \`${f.featureId}\` | ${cell(f.text.en)} | ${d.attractive} | ${d.one_dimensional} | ${d.must_be} | ${d.indifferent} | ${d.reverse} | ${d.questionable} | ${f.category === null ? '—' : KANO_LABELS[f.category]} | ${md(f.satisfaction)} | ${md(f.dissatisfaction)} | ${performance} | ${f.flagged ? '**yes**' : 'no'} |`;
    }),
  );
  return lines;
}

export function resultsMarkdown(s: SurveyResultsSummary): string {
  const lines = header(s);
  const r = s.scores;
  switch (r.kind) {
    case 'servqual':
      lines.push(...servqualMarkdown(r));
      break;
    case 'kano':
      lines.push(...kanoMarkdown(r));
      break;
    case 'nps':
      lines.push(
        '',
        '## Net Promoter Score',
        '',
        `**NPS ${r.score === null ? '—' : md(r.score, 1)}** (% promoters − % detractors).`,
        '',
        '| promoters (9-10) | passives (7-8) | detractors (0-6) |',
        '| ---: | ---: | ---: |',
        `| ${r.promoters} | ${r.passives} | ${r.detractors} |`,
      );
      break;
    case 'csat':
      lines.push(
        '',
        '## Customer satisfaction',
        '',
        `**Mean rating ${md(r.rating.mean)}** of 5 (95 % CI ${mdCi(r.rating)}); satisfied (4 or 5): ${mdPercent(r.satisfiedShare)}.`,
        '',
        '| rating | 1 | 2 | 3 | 4 | 5 |',
        '| --- | ---: | ---: | ---: | ---: | ---: |',
        `| responses | ${r.distribution.join(' | ')} |`,
      );
      break;
  }
  return `${lines.join('\n')}\n`;
}

// ------------------------------------------------------------------ CSV

type Field = string | number | null;

const measureFields = (name: string, m: MeanCi): Record<string, Field> => ({ [`${name}_mean`]: csvNumber(m.mean), [`${name}_ci_low`]: csvNumber(m.ciLow), [`${name}_ci_high`]: csvNumber(m.ciHigh) });

/**
 * Free text (titles, statements) a spreadsheet must not run as a formula
 * (OWASP "CSV injection"): a leading = + - @ or control character gets a
 * quote prefix. Ids and numbers never start so and pass unchanged.
 */
const csvText = (text: string) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);

/** The figure rows every kind starts with: the campaign and its counts. */
function campaignFigures(s: SurveyResultsSummary): [string, Field][] {
  return [
    ['campaign_id', s.campaignId],
    ['title', csvText(s.title)],
    ['kind', s.kind],
    ['final', String(s.final)],
    ['computed_at', s.computedAt],
    ['invited', s.counts.invited],
    ['emailed', s.counts.emailed],
    ['reminded', s.counts.reminded],
    ['responded', s.counts.responded],
    ['completed', s.counts.completed],
    ['response_rate', csvNumber(s.responseRate)],
    ['respondents', s.scores.respondents],
  ];
}

function table(columns: readonly string[], figures: [string, Field][], rows: Record<string, Field>[]): string {
  const valueAt = columns.indexOf('value');
  const figureRow = ([id, value]: [string, Field]) => columns.map((_, i) => (i === 0 ? 'figure' : i === 1 ? id : i === valueAt ? value : null));
  return [csvRecord(columns), ...figures.map((f) => csvRecord(figureRow(f))), ...rows.map((row) => csvRecord(columns.map((c) => row[c] ?? null)))].join('');
}

export function resultsCsv(s: SurveyResultsSummary): string {
  const figures = campaignFigures(s);
  const r = s.scores;
  switch (r.kind) {
    case 'servqual': {
      const measures = ['expectation', 'perception', 'gap'].flatMap((m) => [`${m}_mean`, `${m}_ci_low`, `${m}_ci_high`]);
      const columns = ['row_type', 'id', 'dimension', 'text', 'n', ...measures, 'importance', 'value'];
      const withMeasures = (e: MeanCi, p: MeanCi, g: MeanCi) => ({ ...measureFields('expectation', e), ...measureFields('perception', p), ...measureFields('gap', g) });
      figures.push(['overall_unweighted', csvNumber(r.overall.unweighted)], ['overall_weighted', csvNumber(r.overall.weighted)], ['largest_negative_gap', r.largestNegativeGap]);
      const rows = [
        ...r.dimensions.map((d) => ({ row_type: 'dimension', id: d.dimension, dimension: d.dimension, n: d.gap.n, ...withMeasures(d.expectation, d.perception, d.gap), importance: csvNumber(d.importance) })),
        ...r.items.map((i) => ({ row_type: 'item', id: i.itemId, dimension: i.dimension, text: csvText(i.text.en), n: i.gap.n, ...withMeasures(i.expectation, i.perception, i.gap) })),
      ];
      return table(columns, figures, rows);
    }
    case 'kano': {
      const columns = ['row_type', 'id', 'text', 'n', ...KANO_CATEGORIES, 'category', 'satisfaction', 'dissatisfaction', 'performance_n', 'performance_mean', 'performance_ci_low', 'performance_ci_high', 'flagged', 'value'];
      const rows = r.features.map((f) => ({
        row_type: 'feature',
        id: f.featureId,
        text: csvText(f.text.en),
        n: KANO_CATEGORIES.reduce((total, c) => total + f.distribution[c], 0),
        ...f.distribution,
        category: f.category,
        satisfaction: csvNumber(f.satisfaction),
        dissatisfaction: csvNumber(f.dissatisfaction),
        performance_n: f.performance?.n ?? null,
        performance_mean: csvNumber(f.performance?.mean ?? null),
        performance_ci_low: csvNumber(f.performance?.ciLow ?? null),
        performance_ci_high: csvNumber(f.performance?.ciHigh ?? null),
        flagged: String(f.flagged),
      }));
      return table(columns, figures, rows);
    }
    case 'nps':
      figures.push(['promoters', r.promoters], ['passives', r.passives], ['detractors', r.detractors], ['nps', csvNumber(r.score)]);
      return table(['row_type', 'id', 'value'], figures, []);
    case 'csat': {
      figures.push(['satisfied_share', csvNumber(r.satisfiedShare)], ...r.distribution.map((count, i): [string, Field] => [`rating_${i + 1}`, count]));
      const columns = ['row_type', 'id', 'n', 'mean', 'ci_low', 'ci_high', 'value'];
      return table(columns, figures, [{ row_type: 'rating', id: 'rating', n: r.rating.n, mean: csvNumber(r.rating.mean), ci_low: csvNumber(r.rating.ciLow), ci_high: csvNumber(r.rating.ciHigh) }]);
    }
  }
}
