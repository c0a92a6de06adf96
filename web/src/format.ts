/**
 * Dates, numbers and durations in the user's locale (the chosen language) and
 * time zone (the browser's). Business durations come from the API in minutes
 * or milliseconds and are shown as such, never recomputed here.
 */
import i18n from './i18n';

export const userTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;
const locale = (): string => i18n.language || 'en';

type DateInput = string | number | Date | null | undefined;
const toDate = (d: Exclude<DateInput, null | undefined>) => (d instanceof Date ? d : new Date(d));

// One formatter per language: building an Intl.DateTimeFormat costs far more than using one (a 1,000-row table calls this per row).
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();
export function formatDateTime(d: DateInput): string {
  if (d === null || d === undefined || d === '') return '—';
  const lang = locale();
  let f = dateTimeFormats.get(lang);
  if (!f) dateTimeFormats.set(lang, (f = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' })));
  return f.format(toDate(d));
}

export function formatDate(d: DateInput): string {
  if (d === null || d === undefined || d === '') return '—';
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium' }).format(toDate(d));
}

export function formatNumber(n: number | null | undefined, digits = 1): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(n);
}

export function formatPercent(share: number | null | undefined, digits = 1): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return '—';
  return new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: digits }).format(share);
}

/**
 * A duration as "2 h 05 min" (negative keeps its sign: "-0 h 12 min" once a
 * clock is breached). Units are localised by Intl where it can.
 */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const sign = ms < 0 ? '-' : '';
  const totalMinutes = Math.floor(Math.abs(ms) / 60_000);
  const days = Math.floor(totalMinutes / 1440);
  const hours = Math.floor((totalMinutes % 1440) / 60);
  const minutes = totalMinutes % 60;
  const unit = (value: number, u: 'day' | 'hour' | 'minute') => new Intl.NumberFormat(locale(), { style: 'unit', unit: u, unitDisplay: 'narrow' }).format(value);
  const parts = days ? [unit(days, 'day'), unit(hours, 'hour')] : hours ? [unit(hours, 'hour'), unit(minutes, 'minute')] : [unit(minutes, 'minute')];
  return sign + parts.join(' ');
}

/** Business minutes (as the analytics endpoints give them) as a duration. */
export const formatMinutes = (minutes: number | null | undefined): string => formatDuration(minutes === null || minutes === undefined ? minutes : minutes * 60_000);
