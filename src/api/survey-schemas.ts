/**
 * Request and response schemas of the survey API (same rules as schemas.ts:
 * strict objects, bounded strings and lists, ISO 8601 instants turned into
 * epoch ms). The shape is checked here (400 with field paths); what depends
 * on a survey's content (duplicate ids, an item's dimension across versions,
 * answers to questions the survey does not ask, completeness) is checked by
 * src/domain/survey.ts in the service (422 with field paths).
 */
import { z } from 'zod';
import { LANGUAGES } from '../domain/customer';
import { KANO_ANSWERS, SERVQUAL_DIMENSIONS, SURVEY_ID_PATTERN, SURVEY_KINDS, SURVEY_LIMITS } from '../domain/survey';
import { MAX_RECIPIENTS } from '../services/surveys';
import { parseCsvTable } from './csv';
import { idString, slug, text, optionalText } from './schemas';

const instant = z.iso.datetime({ offset: true }).transform((s) => Date.parse(s));
const day = z.iso.date();
const isoDate = z.iso.datetime();
const int = (min: number, max: number) => z.number().int().min(min).max(max);

/** Text per language: `en` (the fallback) required. */
const localized = (max: number) => z.strictObject({ en: text(max), 'zh-CN': text(max).optional() });
const questionId = z.string().regex(SURVEY_ID_PATTERN, 'must be 1-40 lower-case letters, digits, _ or -, starting with a letter or digit');
const questions = <T extends z.ZodType>(item: T) => z.array(item).min(SURVEY_LIMITS.minQuestions).max(SURVEY_LIMITS.maxQuestions);

// ------------------------------------------------------------------ definitions

export const surveyIdParams = z.strictObject({ id: slug });
export const surveyVersionParams = z.strictObject({
  id: slug,
  version: z
    .string()
    .regex(/^[1-9][0-9]{0,5}$/, 'must be a version number (1, 2, ...)')
    .transform((v) => Number.parseInt(v, 10)),
});

const servqualItem = z.strictObject({
  id: questionId.describe('stable across versions: answers and results key on it'),
  dimension: z.enum(SERVQUAL_DIMENSIONS).describe('fixed once defined: a new version may reword an item, never move it'),
  text: localized(SURVEY_LIMITS.maxText),
});

const kanoFeature = z.strictObject({
  id: questionId,
  functional: localized(SURVEY_LIMITS.maxText).describe('"If the service had this, how would you feel?"'),
  dysfunctional: localized(SURVEY_LIMITS.maxText).describe('"If the service did not have this, how would you feel?"'),
  performance: localized(SURVEY_LIMITS.maxText).optional().describe('optional "How well do we do this today?" (1-7): a must-be feature rated low is flagged'),
});

export const surveyContent = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('csat'), question: localized(SURVEY_LIMITS.maxText).optional().describe('default: the standard CSAT question') }),
  z.strictObject({ kind: z.literal('nps'), question: localized(SURVEY_LIMITS.maxText).optional().describe('default: the standard NPS question') }),
  z.strictObject({
    kind: z.literal('servqual'),
    items: questions(servqualItem).optional().describe('default: the 22 standard SERVQUAL items (Parasuraman, Berry & Zeithaml 1991)'),
    askImportance: z.boolean().default(false).describe('also ask customers to spread 100 points of importance across the five dimensions'),
  }),
  z.strictObject({ kind: z.literal('kano'), features: questions(kanoFeature) }),
]);

export const definitionBody = z.strictObject({
  title: text(200),
  intro: localized(2000).optional().describe("shown above the questions on the customer's page"),
  content: surveyContent,
});

const localizedView = z.object({ en: z.string(), 'zh-CN': z.string().optional() });

export const definitionView = z.object({
  surveyId: z.string(),
  version: z.number(),
  kind: z.enum(SURVEY_KINDS),
  title: z.string(),
  intro: localizedView.nullable(),
  content: z.record(z.string(), z.unknown()).describe('the SurveyContent of this version (servqual items, kano features, or the csat/nps question)'),
  createdAt: isoDate,
  createdBy: z.string(),
});

export const definitionDetail = definitionView.extend({
  versions: z.array(z.object({ version: z.number(), createdAt: isoDate, createdBy: z.string() })).describe('every version, newest first'),
});

export const definitionList = z.object({ items: z.array(definitionView) });

// ------------------------------------------------------------------ campaigns

export const campaignIdParams = z.strictObject({ id: idString });

const recipient = z.strictObject({
  customerId: idString,
  email: z.email().max(254).optional(),
  name: text(200).optional(),
  language: z.enum(LANGUAGES).optional(),
  complaintId: idString.optional().describe('the complaint this customer is asked about, if any'),
});

/** One CSV record: empty cells are "not given". */
const csvRow = z.strictObject({
  customerId: idString,
  email: z.union([z.literal(''), z.email().max(254)]).optional(),
  name: optionalText(200).optional(),
  language: z.union([z.literal(''), z.enum(LANGUAGES)]).optional(),
});

/**
 * The CSV text of an audience, read by the project's strict RFC 4180 reader
 * (src/api/csv.ts) into recipients; a bad cell is reported at
 * `body.audience.csv.rows.<n>.<column>` (n from 0, the header not counted).
 */
const audienceCsv = z
  .string()
  .min(1)
  .max(60_000)
  .describe(`text/csv with a header row customerId,email,name,language (customerId required, the others may be left out or empty); at most ${MAX_RECIPIENTS} rows`)
  .transform((csv, ctx) => {
    const table = parseCsvTable(csv);
    if (!table.ok) {
      ctx.issues.push({ code: 'custom', message: table.message, input: csv, path: table.path });
      return z.NEVER;
    }
    const customers: z.output<typeof recipient>[] = [];
    table.value.rows.forEach((row, n) => {
      const parsed = csvRow.safeParse(row);
      if (!parsed.success) {
        for (const i of parsed.error.issues) {
          const columns = i.code === 'unrecognized_keys' ? i.keys : [i.path[0]];
          for (const column of columns) ctx.issues.push({ code: 'custom', message: i.code === 'unrecognized_keys' ? 'unknown column' : i.message, input: row, path: ['rows', n, String(column ?? '')] });
        }
        return;
      }
      const r = parsed.data;
      customers.push({ customerId: r.customerId, ...(r.email ? { email: r.email } : {}), ...(r.name ? { name: r.name } : {}), ...(r.language ? { language: r.language } : {}) });
    });
    if (customers.length === 0 && ctx.issues.length === 0) ctx.issues.push({ code: 'custom', message: 'the CSV has no recipients (a header row, then one row per customer)', input: csv, path: [] });
    return customers;
  });

const audience = z.discriminatedUnion('source', [
  z.strictObject({ source: z.literal('list'), customers: z.array(recipient).min(1).max(MAX_RECIPIENTS) }),
  z.strictObject({ source: z.literal('csv'), csv: audienceCsv }).transform(({ csv }) => ({ source: 'csv' as const, customers: csv })),
  z.strictObject({
    source: z.literal('closed_complaints'),
    from: day,
    to: day.describe("days in the area's time zone, both included"),
    sampleSize: int(1, MAX_RECIPIENTS).describe('customers drawn (one invitation per customer)'),
    seed: z.string().regex(/^[\x21-\x7e]{1,100}$/, 'must be 1-100 visible ASCII characters').optional().describe('draws the same sample again; default: the campaign id'),
  }),
]);

export const createCampaignBody = z.strictObject({
  surveyId: slug,
  surveyVersion: z.number().int().min(1).max(1_000_000).optional().describe('default: the latest version'),
  title: text(200),
  areaId: slug.describe('the service area whose KPIs the results feed'),
  startsAt: instant.optional().describe('when invitations are sent; default: now'),
  remindAt: instant.nullable().optional().describe('one reminder to those without a complete response; default: halfway; null: none'),
  endsAt: instant.describe('when the campaign closes and its results are computed'),
  audience,
});

const counts = z.object({
  invited: z.number(),
  emailed: z.number().describe('invitations whose email message was created (customers with an email address)'),
  reminded: z.number(),
  responded: z.number().describe('invitations with a response, partial or complete'),
  completed: z.number(),
});

export const campaignView = z.object({
  campaignId: z.string(),
  surveyId: z.string(),
  surveyVersion: z.number(),
  kind: z.enum(SURVEY_KINDS),
  title: z.string(),
  areaId: z.string(),
  status: z.enum(['scheduled', 'open', 'closed']),
  startsAt: isoDate,
  remindAt: isoDate.nullable(),
  endsAt: isoDate,
  openedAt: isoDate.nullable(),
  closedAt: isoDate.nullable(),
  counts,
  createdAt: isoDate,
  createdBy: z.string(),
});

export const campaignList = z.object({ items: z.array(campaignView) });

export const resultsQuery = z.strictObject({ format: z.enum(['json', 'md', 'csv']).default('json').describe('json (default), md (Markdown report) or csv') });

export const resultsView = z.object({
  campaignId: z.string(),
  title: z.string(),
  kind: z.enum(SURVEY_KINDS),
  final: z.boolean().describe('true once the campaign closed (stored results); false: computed now over the complete responses so far'),
  computedAt: isoDate,
  counts,
  responseRate: z.number().nullable().describe('completed / invited'),
  scores: z.record(z.string(), z.unknown()).describe('SurveyScores of the kind (src/domain/survey.ts)'),
});

// ------------------------------------------------------------------ the invitation link

/** Answers by item or feature id (ids are the survey's; unknown ones are refused against the definition). */
const byQuestion = <T extends z.ZodType>(value: T) =>
  z.record(questionId, value).refine((r) => Object.keys(r).length <= SURVEY_LIMITS.maxQuestions, `at most ${SURVEY_LIMITS.maxQuestions} answers`);
const likert7 = int(1, 7);
const comment = z.string().max(SURVEY_LIMITS.maxComment);

export const surveyAnswers = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('csat'), rating: int(1, 5).optional(), comment: comment.optional() }),
  z.strictObject({ kind: z.literal('nps'), score: int(0, 10).optional(), comment: comment.optional() }),
  z.strictObject({
    kind: z.literal('servqual'),
    expectations: byQuestion(likert7).describe('1-7 by item id: what an excellent company would do'),
    perceptions: byQuestion(likert7).describe('1-7 by item id: what this company does'),
    importance: z
      .strictObject(Object.fromEntries(SERVQUAL_DIMENSIONS.map((d) => [d, int(0, 100).optional()])) as Record<(typeof SERVQUAL_DIMENSIONS)[number], z.ZodOptional<z.ZodNumber>>)
      .optional()
      .describe('points per dimension adding up to 100 (only when the survey asks)'),
  }),
  z.strictObject({
    kind: z.literal('kano'),
    answers: byQuestion(z.strictObject({ functional: z.enum(KANO_ANSWERS).optional(), dysfunctional: z.enum(KANO_ANSWERS).optional(), performance: likert7.optional() })),
  }),
]);

export const responseBody = z.strictObject({
  answers: surveyAnswers,
  complete: z.boolean().describe('false: save and continue later; true: every question answered, the response is frozen'),
});

export const invitationView = z.object({
  invitationId: z.string(),
  campaignId: z.string(),
  title: z.string(),
  intro: z.string().nullable(),
  language: z.enum(LANGUAGES),
  kind: z.enum(SURVEY_KINDS),
  status: z.enum(['scheduled', 'open', 'closed']),
  closesAt: isoDate,
  questions: z.record(z.string(), z.unknown()).describe("the survey's questions in the customer's language: csat/nps { question }, servqual { items, askImportance }, kano { features }"),
  answers: z.record(z.string(), z.unknown()).nullable(),
  complete: z.boolean(),
});
