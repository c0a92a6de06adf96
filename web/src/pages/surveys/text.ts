/**
 * Small helpers shared by the survey pages: a definition's texts in the
 * reader's language (English when a translation is missing), and the API's
 * field errors under one path prefix (a row of an editor).
 */
import { ApiError } from '../../api';
import type { LocalizedText } from './types';

/** The text in `language`, else English (what the customer's page does too). */
export function localized(text: LocalizedText | null | undefined, language: string): string {
  if (!text) return '';
  return (language === 'zh-CN' ? text['zh-CN'] : undefined) || text.en;
}

/** Messages of the field errors whose path starts with `prefix` (e.g. `body.content.items.3`). */
export function errorsUnder(error: unknown, prefix: string): string[] {
  if (!(error instanceof ApiError)) return [];
  return error.errors.filter((e) => e.path === prefix || e.path.startsWith(`${prefix}.`)).map((e) => (e.path === prefix ? e.message : `${e.path.slice(prefix.length + 1)}: ${e.message}`));
}

/** A datetime-local input's value as an ISO instant in the browser's time zone ('' stays ''; a bad value is sent as typed for the API to name it). */
export function isoOf(local: string): string {
  if (!local.trim()) return '';
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? local : d.toISOString();
}
