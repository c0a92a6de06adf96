/** Domain cost: addBusinessMs on the demo split-shift Europe/Paris calendar. */
import { performance } from 'node:perf_hooks';
import { type BusinessCalendar, addBusinessMs } from '../src/domain/calendar';
import { DEMO_CALENDARS } from '../src/db/seed';

const HOUR_MS = 3_600_000;

export interface CalendarCost {
  label: string;
  amountHours: number;
  ops: number;
  opsPerSec: number;
  usPerOp: number;
  /** Calendar days spanned by the first call, to show how far the scan goes. */
  spanDays: number;
}

export const PARIS: BusinessCalendar = { id: 'paris-office', version: 1, ...DEMO_CALENDARS['paris-office']! };

/**
 * Times addBusinessMs for `amountHours` business hours, from start instants
 * spread over 2026-2027 (every DST change and holiday of the calendar is
 * crossed by some calls), for about `durationMs` after a warm-up.
 */
export function measureAddBusinessMs(label: string, amountHours: number, durationMs = 1_000): CalendarCost {
  const base = Date.UTC(2026, 0, 5, 8, 0);
  // 7919 minutes is prime: start instants fall at varied times of day and weekdays.
  const from = (i: number) => base + ((i * 7919) % (500 * 1440)) * 60_000;
  const amount = amountHours * HOUR_MS;
  let sink = 0;
  for (let i = 0; i < 500; i++) sink += addBusinessMs(PARIS, from(i), amount);
  let ops = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < durationMs) {
    for (let j = 0; j < 100; j++, ops++) sink += addBusinessMs(PARIS, from(ops), amount);
    elapsed = performance.now() - t0;
  }
  if (sink === 0) throw new Error('unreachable');
  const spanDays = (addBusinessMs(PARIS, from(0), amount) - from(0)) / 86_400_000;
  return { label, amountHours, ops, opsPerSec: (ops / elapsed) * 1000, usPerOp: (elapsed * 1000) / ops, spanDays };
}
