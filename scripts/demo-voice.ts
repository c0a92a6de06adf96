/**
 * Demo data for the voice of the customer (issue 12), made through the real
 * API as a process owner and real customers would: a SERVQUAL survey and a
 * Kano survey for billing, each sent to demo customers (their invitation
 * emails land in the dev mail catcher), answered through the customers' own
 * links, and closed, so the results pages and the survey KPIs have figures.
 *
 * Idempotent: every creation carries an Idempotency-Key and every answer is
 * a PUT with its own key, so a restart finds what is there and finishes it.
 * The answers are deterministic (a fixed generator per respondent).
 */
import type { Config } from '../src/config';
import { connectDatabase } from '../src/db/models';
import { linkClaims, linkUrl } from '../src/services/customer-links';
import { DEFAULT_KANO_FEATURES, DEFAULT_SERVQUAL_ITEMS, type KanoAnswer, type ServqualDimension } from '../src/domain/survey';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A small deterministic generator (a 32-bit LCG) so the demo figures are the same on every machine. */
function generator(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

const clamp7 = (v: number) => Math.max(1, Math.min(7, Math.round(v)));

/** How billing's customers see it: reliability (double charges) falls furthest short of what they expect. */
const PERCEPTION_SHORTFALL: Record<ServqualDimension, number> = { tangibles: 0.3, reliability: 1.8, responsiveness: 0.9, assurance: 0.4, empathy: 0.7 };
const IMPORTANCE: Record<ServqualDimension, number> = { tangibles: 10, reliability: 35, responsiveness: 25, assurance: 15, empathy: 15 };

function servqualAnswers(respondent: number) {
  const rnd = generator(1000 + respondent);
  const expectations: Record<string, number> = {};
  const perceptions: Record<string, number> = {};
  for (const item of DEFAULT_SERVQUAL_ITEMS) {
    const e = clamp7(6.3 + (rnd() - 0.5) * 1.4);
    expectations[item.id] = e;
    perceptions[item.id] = clamp7(e - PERCEPTION_SHORTFALL[item.dimension] + (rnd() - 0.5) * 1.6);
  }
  return { kind: 'servqual' as const, expectations, perceptions, importance: { ...IMPORTANCE } };
}

/** Per feature: the functional/dysfunctional answers most customers give, and today's performance (1-7). */
const KANO_PROFILE: Record<string, { answers: [KanoAnswer, KanoAnswer][]; performance: number }> = {
  // Must-be, and we do it badly today: the results flag it.
  proactive_updates: { answers: [['expect', 'dislike'], ['neutral', 'dislike'], ['expect', 'dislike'], ['like', 'dislike']], performance: 3 },
  single_contact: { answers: [['like', 'dislike'], ['like', 'dislike'], ['like', 'live_with'], ['expect', 'dislike']], performance: 5 },
  callback_slot: { answers: [['like', 'neutral'], ['like', 'neutral'], ['like', 'live_with'], ['neutral', 'neutral']], performance: 4 },
  online_status: { answers: [['neutral', 'neutral'], ['like', 'neutral'], ['neutral', 'live_with'], ['neutral', 'neutral']], performance: 5 },
};

function kanoAnswers(respondent: number) {
  const rnd = generator(5000 + respondent);
  const answers: Record<string, { functional: KanoAnswer; dysfunctional: KanoAnswer; performance?: number }> = {};
  for (const f of DEFAULT_KANO_FEATURES) {
    const profile = KANO_PROFILE[f.id]!;
    const [functional, dysfunctional] = profile.answers[Math.floor(rnd() * profile.answers.length)]!;
    answers[f.id] = { functional, dysfunctional, ...(f.performance ? { performance: clamp7(profile.performance + (rnd() - 0.5) * 2) } : {}) };
  }
  return { kind: 'kano' as const, answers };
}

interface DemoSurvey {
  key: string;
  title: string;
  content: Record<string, unknown>;
  respondents: number;
  /** Of those invited, how many answer completely (the rest leave a partial answer or none). */
  complete: number;
  answers: (respondent: number) => Record<string, unknown>;
}

const SURVEYS: DemoSurvey[] = [
  {
    key: 'demo-servqual-billing',
    title: 'Billing service quality (SERVQUAL)',
    content: { kind: 'servqual', askImportance: true },
    respondents: 30,
    complete: 24,
    answers: servqualAnswers,
  },
  {
    key: 'demo-kano-complaints',
    title: 'What matters when you complain (Kano)',
    content: { kind: 'kano', features: DEFAULT_KANO_FEATURES },
    respondents: 16,
    complete: 14,
    answers: kanoAnswers,
  },
];

async function call<T>(baseUrl: string, method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<T> {
  const res = await fetch(baseUrl + path, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Runs the demo surveys; returns one line per survey for the start-up banner. */
export async function seedVoiceDemo(opts: { baseUrl: string; config: Config; ownerKey: string }): Promise<string[]> {
  const { baseUrl, config } = opts;
  const staff = (key: string) => ({ authorization: `Bearer ${opts.ownerKey}`, 'idempotency-key': key });
  const models = await connectDatabase(config.mongo.uri);
  const lines: string[] = [];
  try {
    for (const s of SURVEYS) {
      const def = await call<{ surveyId: string }>(baseUrl, 'POST', '/survey-definitions', staff(`${s.key}-definition`), { title: s.title, content: s.content });
      const customers = Array.from({ length: s.respondents }, (_, i) => {
        const n = String(i + 1).padStart(2, '0');
        // Every third customer reads and answers in Chinese.
        return { customerId: `${s.key}-cust-${n}`, email: `${s.key}-cust-${n}@example.com`, language: i % 3 === 2 ? 'zh-CN' : 'en' };
      });
      const now = Date.now();
      let campaign = await call<{ campaignId: string; status: string }>(baseUrl, 'POST', '/surveys', staff(`${s.key}-campaign`), {
        surveyId: def.surveyId,
        title: s.title,
        areaId: 'billing',
        remindAt: null,
        endsAt: new Date(now + 14 * DAY_MS).toISOString(),
        audience: { source: 'list', customers },
      });
      if (campaign.status !== 'closed') {
        campaign = await until('the campaign to open', async () => {
          const c = await call<{ campaignId: string; status: string }>(baseUrl, 'GET', `/surveys/${campaign.campaignId}`, { authorization: `Bearer ${opts.ownerKey}` });
          return c.status === 'scheduled' ? undefined : c;
        });
      }
      if (campaign.status === 'open') {
        const invitations = await models.SurveyInvitation.find({ campaignId: campaign.campaignId }, { customerId: 1, linkId: 1 }).lean();
        const order = new Map(customers.map((c, i) => [c.customerId, i]));
        for (const inv of invitations) {
          const i = order.get(inv.customerId)!;
          // Most answer completely; a few save half and never come back; the rest do not answer.
          const complete = i < s.complete;
          if (!complete && i >= s.complete + 2) continue;
          const { token } = linkUrl(config, linkClaims(config, { linkId: inv.linkId, subject: 'invitation', subjectId: inv._id, customerId: inv.customerId }, now));
          const answers = s.answers(i);
          const body = complete ? { answers, complete: true } : { answers: halfOf(answers), complete: false };
          await call(baseUrl, 'PUT', '/customer-link/survey/response', { 'x-customer-link': token, 'idempotency-key': `${s.key}-answer-${i}` }, body);
        }
        await call(baseUrl, 'POST', `/surveys/${campaign.campaignId}/close`, staff(`${s.key}-close`));
      }
      lines.push(`${s.title}: ${baseUrl}/app/surveys/${campaign.campaignId}`);
    }
  } finally {
    await models.connection.close();
  }
  return lines;
}

/** The first half of a response's questions: what a customer who saves and leaves has given. */
function halfOf(answers: Record<string, unknown>): Record<string, unknown> {
  const half = <T>(r: Record<string, T>) => Object.fromEntries(Object.entries(r).slice(0, Math.ceil(Object.keys(r).length / 2)));
  if (answers.kind === 'servqual') {
    const a = answers as ReturnType<typeof servqualAnswers>;
    return { kind: 'servqual', expectations: half(a.expectations), perceptions: half(a.perceptions) };
  }
  const a = answers as ReturnType<typeof kanoAnswers>;
  return { kind: 'kano', answers: half(a.answers) };
}
