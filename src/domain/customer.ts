/**
 * The customer's side of a complaint: their contact (kept out of workflow
 * state and audit events so it can be erased), the languages we write to them
 * in, what they may say about the service (CSAT with reason codes, NPS), and
 * which complaint events send them a message.
 */

/** Languages of customer messages and pages. `en` is the fallback. */
export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'en';

export function isLanguage(x: unknown): x is Language {
  return typeof x === 'string' && (LANGUAGES as readonly string[]).includes(x);
}

/**
 * A customer's contact, stored in the `customers` collection keyed by the
 * customer id. Never written to a hash-chained audit event (events name the
 * customer id only), so erasing it breaks no chain. Erased: email and name
 * null, `erasedAt` set; the language stays (it is not personal data and keeps
 * the customer's pages readable).
 */
export interface CustomerContact {
  customerId: string;
  email: string | null;
  name: string | null;
  language: Language;
  erasedAt: number | null;
}

/** Why a customer rated low: asked (and required) for a rating of LOW_CSAT_MAX or less. */
export const CSAT_REASON_CODES = ['slow_response', 'not_resolved', 'had_to_repeat', 'unfriendly', 'unclear_answer', 'other'] as const;
export type CsatReasonCode = (typeof CSAT_REASON_CODES)[number];

/** Ratings 1-2 are low: the customer is asked why, and a supervisor callback opens. */
export const LOW_CSAT_MAX = 2;

/** NPS bands (Reichheld 2003): promoters 9-10, passives 7-8, detractors 0-6. */
export function npsBand(score: number): 'promoter' | 'passive' | 'detractor' {
  return score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';
}

/**
 * The problems of a customer's feedback on a complaint (empty = valid): a
 * rating 1-5; reason codes exactly when the rating is low (at least one,
 * distinct, known); an NPS score 0-10 only where the policy asks for it.
 */
export function feedbackProblems(f: { rating: number; reasons?: readonly string[]; nps?: number }, askNps: boolean): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  if (!Number.isInteger(f.rating) || f.rating < 1 || f.rating > 5) out.push({ path: 'rating', message: 'rating must be an integer from 1 to 5' });
  const reasons = f.reasons ?? [];
  if (f.rating <= LOW_CSAT_MAX && reasons.length === 0) out.push({ path: 'reasons', message: `a rating of ${LOW_CSAT_MAX} or less needs at least one reason code` });
  if (f.rating > LOW_CSAT_MAX && reasons.length > 0) out.push({ path: 'reasons', message: `reason codes are only asked for a rating of ${LOW_CSAT_MAX} or less` });
  if (new Set(reasons).size !== reasons.length) out.push({ path: 'reasons', message: 'reason codes must be distinct' });
  for (const r of reasons) if (!(CSAT_REASON_CODES as readonly string[]).includes(r)) out.push({ path: 'reasons', message: `unknown reason code ${r}` });
  if (f.nps !== undefined) {
    if (!askNps) out.push({ path: 'nps', message: "this complaint's policy does not ask for an NPS score" });
    else if (!Number.isInteger(f.nps) || f.nps < 0 || f.nps > 10) out.push({ path: 'nps', message: 'nps must be an integer from 0 to 10' });
  }
  return out;
}

/** Messages a customer gets by email (each with their link). */
export const CUSTOMER_MESSAGE_KINDS = ['registered', 'acknowledged', 'info_requested', 'resolved', 'closed', 'survey_invitation', 'survey_reminder'] as const;
export type CustomerMessageKind = (typeof CUSTOMER_MESSAGE_KINDS)[number];

/**
 * The message a complaint transition sends its customer, or null. Only the
 * transitions the customer should hear about: registered, acknowledged
 * (someone is on it), information requested, resolved (confirm or reopen),
 * closed (confirmed, or the confirmation window elapsed). A transition the
 * customer made themselves sends nothing back but the closing note.
 */
export function customerMessageOf(action: string): CustomerMessageKind | null {
  switch (action) {
    case 'intake':
      return 'registered';
    case 'acknowledge':
      return 'acknowledged';
    case 'request_info':
      return 'info_requested';
    case 'resolve':
      return 'resolved';
    case 'close':
    case 'auto_close':
      return 'closed';
    default:
      return null;
  }
}
