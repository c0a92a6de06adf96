/**
 * What a countdown shows, from the API's clock view alone. The API gives the
 * business minutes remaining at the moment it answered and whether business
 * time accrues right now (`counting`: the clock runs and the policy's
 * calendar is inside its hours); between two reads the countdown subtracts
 * the wall time elapsed since the answer, and only while `counting`. The
 * next read (every few seconds) corrects any drift, e.g. when the office
 * closes between two reads. No SLA rule is recomputed here.
 */
import i18n from '../../i18n';
import type { ClockView, SlaView } from './types';

/** Used when a policy has no warning thresholds: warn from 75 %, danger from 90 % of the target. */
export const DEFAULT_THRESHOLDS: readonly number[] = [75, 90];

export type ClockLevel = 'ok' | 'warn' | 'danger' | 'breached';

/**
 * The clock a queue row shows: the open clock (running or paused) with the
 * least business time left, running ones first; null when every clock is stopped.
 */
export function primaryClock(sla: SlaView | null): ClockView | null {
  if (!sla) return null;
  let best: ClockView | null = null;
  for (const c of sla.clocks) {
    if (c.state === 'stopped') continue;
    if (!best) best = c;
    else if (c.state === 'running' && best.state !== 'running') best = c;
    else if (c.state === best.state && c.remainingBusinessMinutes < best.remainingBusinessMinutes) best = c;
  }
  return best;
}

/** Business ms left at `now` for a clock read at `asOf` (both epoch ms). */
export function remainingMs(clock: ClockView, asOf: number, now: number): number {
  const atRead = clock.remainingBusinessMinutes * 60_000;
  return clock.counting ? atRead - Math.max(0, now - asOf) : atRead;
}

/** Share of the target used (0..1, above 1 once breached). */
export function usedShare(clock: ClockView, remaining: number): number {
  const target = clock.targetBusinessMinutes * 60_000;
  return target > 0 ? (target - remaining) / target : 1;
}

/**
 * Colour level by the share used: `warn` from the lowest threshold, `danger`
 * from the highest (when there are two or more), `breached` at 100 %. The
 * thresholds are the policy's (`sla.warningThresholds`), else 75/90.
 */
export function clockLevel(clock: ClockView, share: number, thresholds: readonly number[]): ClockLevel {
  if (clock.breached || share >= 1) return 'breached';
  const ts = thresholds.length ? thresholds : DEFAULT_THRESHOLDS;
  const pct = share * 100;
  const lo = Math.min(...ts);
  const hi = Math.max(...ts);
  if (ts.length > 1 && pct >= hi) return 'danger';
  if (pct >= lo) return 'warn';
  return 'ok';
}

const two = (n: number) => String(n).padStart(2, '0');
const dayFormats = new Map<string, Intl.NumberFormat>();
function formatDays(days: number): string {
  const lang = i18n.language || 'en';
  let f = dayFormats.get(lang);
  if (!f) dayFormats.set(lang, (f = new Intl.NumberFormat(lang, { style: 'unit', unit: 'day', unitDisplay: 'narrow' })));
  return f.format(days);
}

/**
 * A countdown with seconds: `1:02:03`, `2 d 01:02:03` (the day unit from Intl
 * in the chosen language), and a leading `-` once the target is passed.
 */
export function formatCountdown(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const total = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const day = days ? `${formatDays(days)} ` : '';
  return `${sign}${day}${days ? two(hours) : hours}:${two(minutes)}:${two(seconds)}`;
}
