/**
 * Business-time math for SLA clocks.
 *
 * A {@link BusinessCalendar} says when work happens: per weekday, zero or more
 * working ranges of local wall-clock time ('HH:MM', 24h) in the calendar's IANA
 * time zone, plus holidays (local dates closed all day). All instants in and
 * out of this module are epoch milliseconds; durations are milliseconds.
 *
 * Semantics:
 * - Business time is *real elapsed time* inside the working ranges. Each range
 *   is mapped from local wall-clock time to two instants and the business time
 *   it contributes is the difference, so a range spanning a DST change is one
 *   hour shorter (spring forward) or longer (fall back) than its wall length.
 *   A 00:00–24:00 range lasts 23 h on a spring-forward day and 25 h on a
 *   fall-back day.
 * - Local wall time -> instant: a time in a DST gap (does not exist locally)
 *   maps to the first instant after the gap (the transition instant); an
 *   ambiguous time (fall-back overlap, occurs twice) maps to the earlier
 *   instant. The mapping is monotonic, so ranges that do not overlap in wall
 *   time do not overlap in real time either; a range lying wholly inside a gap
 *   contributes nothing.
 * - Ranges are half-open: start inclusive, end exclusive. '24:00' as an end
 *   means midnight at the start of the next local day. Touching ranges
 *   (09:00–12:00 and 12:00–17:00) are allowed; overlapping ones are not.
 * - Holidays close the whole local day, whatever its weekly hours.
 * - `addBusinessMs` returns the *earliest* instant reaching the amount, so an
 *   amount used up exactly at a range end returns that end (17:00), not the
 *   next opening.
 *
 * Implementation notes:
 * - Pure and deterministic, so it can run inside a Temporal workflow sandbox:
 *   no I/O, no clock reads, no Node builtins, no libraries. Zone offsets come
 *   from `Intl.DateTimeFormat#formatToParts`; formatters and the offsets they
 *   yield are cached per zone in module-level maps (bounded; the cached values
 *   are pure function results, so caching never changes an answer).
 * - Work is done per local day (a handful of Intl calls per working day), never
 *   per minute. A day whose zone offset is the same one day before and one day
 *   after it is taken to contain no transition (assumes no zone changes offset
 *   twice within 72 hours) and is mapped with a single subtraction.
 * - Iteration is bounded by {@link MAX_SCAN_DAYS} local days (about ten years);
 *   going further (e.g. adding more business time than the calendar offers in
 *   ten years, or measuring a longer span) throws {@link CalendarError}.
 *   Calendars open around the clock with no holidays skip iteration entirely.
 * - Every exported function validates its calendar (see `calendarProblems`)
 *   and its numbers and throws {@link CalendarError} when they are invalid.
 */

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

export const WEEKDAYS: readonly Weekday[] = Object.freeze([
  'mon',
  'tue',
  'wed',
  'thu',
  'fri',
  'sat',
  'sun',
] as const);

/** Local wall-clock times 'HH:MM' (24h); `end` may be '24:00'; `start` < `end`. */
export interface WorkingRange {
  start: string;
  end: string;
}

export interface BusinessCalendar {
  id: string;
  version: number;
  name: string;
  /** IANA time zone, e.g. 'Europe/Paris'. */
  timeZone: string;
  /** Several ranges a day are allowed (split shifts); [] = closed day. */
  weeklyHours: Record<Weekday, WorkingRange[]>;
  /** Local dates 'YYYY-MM-DD' that are closed all day. */
  holidays: string[];
}

/** Thrown for an invalid calendar, non-finite or out-of-range numbers, or when the iteration bound is hit. */
export class CalendarError extends Error {
  override name = 'CalendarError';
}

const fullDay = (): WorkingRange[] => Object.freeze([Object.freeze({ start: '00:00', end: '24:00' })]) as WorkingRange[];

/** A 24x7 calendar in UTC (id 'always-open', version 1, name '24x7'). */
export const ALWAYS_OPEN: BusinessCalendar = Object.freeze({
  id: 'always-open',
  version: 1,
  name: '24x7',
  timeZone: 'UTC',
  weeklyHours: Object.freeze({
    mon: fullDay(),
    tue: fullDay(),
    wed: fullDay(),
    thu: fullDay(),
    fri: fullDay(),
    sat: fullDay(),
    sun: fullDay(),
  }),
  holidays: Object.freeze([]) as unknown as string[],
});

// ---------------------------------------------------------------------------
// Constants

const SECOND_MS = 1_000;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const MINUTES_PER_DAY = 1_440;
/** Hard bound on the local days one call may iterate over (about ten years). */
const MAX_SCAN_DAYS = 3_660;
/**
 * Largest |instant| accepted. JS dates stop at ±8.64e15 ms; the margin keeps
 * every instant the iteration may probe (up to MAX_SCAN_DAYS days further,
 * plus a day either side) representable.
 */
const MAX_INSTANT_MS = 8.64e15 - (MAX_SCAN_DAYS + 10) * DAY_MS;

// ---------------------------------------------------------------------------
// Public API

/**
 * Human-readable problems with a calendar; an empty array means it is valid.
 * Checks: unknown time zone, bad 'HH:MM', start >= end, overlapping ranges on
 * one day, bad holiday date, no working time at all in the week.
 */
export function calendarProblems(cal: BusinessCalendar): string[] {
  return analyze(cal).problems;
}

/** Business milliseconds in [fromMs, toMs). 0 when toMs <= fromMs. */
export function businessMsBetween(cal: BusinessCalendar, fromMs: number, toMs: number): number {
  const c = compile(cal);
  checkInstant('fromMs', fromMs);
  checkInstant('toMs', toMs);
  if (toMs <= fromMs) return 0;
  if (c.alwaysOpen) return toMs - fromMs;

  const zone = zoneFor(c.timeZone);
  const firstDay = zone.localDayOf(fromMs);
  // Normally nothing on the day after `toMs`'s local day starts before `toMs`;
  // it can when local midnight is itself repeated by a fall-back, so scan it too.
  const lastDay = zone.localDayOf(toMs) + DAY_MS;
  if ((lastDay - firstDay) / DAY_MS >= MAX_SCAN_DAYS) {
    throw new CalendarError(
      `businessMsBetween: span from ${fromMs} to ${toMs} covers more than ${MAX_SCAN_DAYS} local days`,
    );
  }

  let total = 0;
  for (let day = firstDay; day <= lastDay; day += DAY_MS) {
    for (const [start, end] of zone.rangesOfDay(c, day)) {
      if (start >= toMs) return total; // ranges come in time order
      const overlap = Math.min(end, toMs) - Math.max(start, fromMs);
      if (overlap > 0) total += overlap;
    }
  }
  return total;
}

/**
 * The earliest instant t >= fromMs with businessMsBetween(cal, fromMs, t) === amountMs.
 * amountMs <= 0 returns fromMs.
 */
export function addBusinessMs(cal: BusinessCalendar, fromMs: number, amountMs: number): number {
  const c = compile(cal);
  checkInstant('fromMs', fromMs);
  if (!Number.isFinite(amountMs)) throw new CalendarError(`amountMs must be a finite number, got ${amountMs}`);
  if (amountMs <= 0) return fromMs;
  if (c.alwaysOpen) {
    const result = fromMs + amountMs;
    checkInstant('fromMs + amountMs', result);
    return result;
  }

  const zone = zoneFor(c.timeZone);
  const firstDay = zone.localDayOf(fromMs);
  let remaining = amountMs;
  for (let i = 0, day = firstDay; i < MAX_SCAN_DAYS; i++, day += DAY_MS) {
    for (const [rangeStart, end] of zone.rangesOfDay(c, day)) {
      const start = Math.max(rangeStart, fromMs);
      if (end <= start) continue;
      const available = end - start;
      // `<=`: an amount used up exactly at a range end returns that end.
      if (remaining <= available) return start + remaining;
      remaining -= available;
    }
  }
  throw new CalendarError(
    `addBusinessMs: calendar "${c.id}" v${c.version} does not provide ${amountMs} business ms ` +
      `within ${MAX_SCAN_DAYS} local days of ${fromMs} (too many holidays, or amount too large)`,
  );
}

/** True when the instant lies inside a working range (start inclusive, end exclusive) on a non-holiday. */
export function isBusinessTime(cal: BusinessCalendar, atMs: number): boolean {
  const c = compile(cal);
  checkInstant('atMs', atMs);
  if (c.alwaysOpen) return true;

  const zone = zoneFor(c.timeZone);
  const day = zone.localDayOf(atMs);
  // The next day only matters when local midnight is repeated by a fall-back.
  for (const d of [day, day + DAY_MS]) {
    for (const [start, end] of zone.rangesOfDay(c, d)) {
      if (start > atMs) return false;
      if (atMs < end) return true;
    }
  }
  return false;
}

/**
 * The instant a local date 'YYYY-MM-DD' begins in an IANA time zone (its
 * midnight), with this module's wall-time rules: a midnight inside a DST gap
 * maps to the first instant after the gap. Throws CalendarError for a bad date
 * or an unknown zone.
 */
export function startOfLocalDay(day: string, timeZone: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) throw new CalendarError(`day must be YYYY-MM-DD, got ${day}`);
  if (!isKnownTimeZone(timeZone)) throw new CalendarError(`timeZone "${timeZone}" is not a known IANA time zone`);
  return zoneFor(timeZone).toInstant(wallMs(Number(m[1]), Number(m[2]), Number(m[3])));
}

// ---------------------------------------------------------------------------
// Validation and compilation

/** A validated calendar in a form cheap to evaluate. */
interface CompiledCalendar {
  id: string;
  version: number;
  timeZone: string;
  /** Indexed like WEEKDAYS (0 = mon): sorted, non-overlapping [startMinute, endMinute) pairs. */
  days: ReadonlyArray<ReadonlyArray<readonly [number, number]>>;
  /** Holidays as 'wall-day' ms: Date.UTC of the local date at 00:00. */
  holidays: ReadonlySet<number>;
  /** Every instant is business time (all days 00:00–24:00, no holidays). */
  alwaysOpen: boolean;
}

function compile(cal: BusinessCalendar): CompiledCalendar {
  const { problems, compiled } = analyze(cal);
  if (compiled === undefined || problems.length > 0) {
    const label = isObject(cal) ? `"${String(cal.id)}" v${String(cal.version)}` : '';
    throw new CalendarError(`Invalid business calendar ${label}: ${problems.join('; ')}`);
  }
  return compiled;
}

/**
 * Validates and compiles in one pass. Calendars usually come from the database
 * or the API, so the shape is checked defensively, not just trusted to the type.
 */
function analyze(cal: BusinessCalendar): { problems: string[]; compiled?: CompiledCalendar } {
  const problems: string[] = [];
  if (!isObject(cal)) return { problems: ['calendar is not an object'] };

  const timeZone: unknown = cal.timeZone;
  if (typeof timeZone !== 'string' || timeZone === '') {
    // Never hand Intl an undefined zone: it would silently use the host's zone.
    problems.push('timeZone must be a non-empty IANA time zone name');
  } else if (!isKnownTimeZone(timeZone)) {
    problems.push(`timeZone "${timeZone}" is not a known IANA time zone`);
  }

  const days: Array<Array<readonly [number, number]>> = [];
  const weeklyHours: unknown = cal.weeklyHours;
  if (!isObject(weeklyHours)) {
    problems.push('weeklyHours must be an object with one array of ranges per weekday');
  } else {
    for (const weekday of WEEKDAYS) {
      days.push(analyzeDay(weekday, (weeklyHours as Record<string, unknown>)[weekday], problems));
    }
  }

  const holidays = new Set<number>();
  const rawHolidays: unknown = cal.holidays;
  if (!Array.isArray(rawHolidays)) {
    problems.push('holidays must be an array of YYYY-MM-DD dates');
  } else {
    rawHolidays.forEach((value: unknown, i) => {
      const day = typeof value === 'string' ? parseLocalDate(value) : undefined;
      if (day === undefined) problems.push(`holidays[${i}]: ${JSON.stringify(value)} is not a valid YYYY-MM-DD date`);
      else holidays.add(day);
    });
  }

  if (isObject(weeklyHours) && days.every((ranges) => ranges.length === 0)) {
    problems.push('no working time at all in the week');
  }
  if (problems.length > 0) return { problems };

  const alwaysOpen = holidays.size === 0 && days.every(coversWholeDay);
  return {
    problems,
    compiled: { id: String(cal.id), version: cal.version, timeZone: timeZone as string, days, holidays, alwaysOpen },
  };
}

/** Valid, positive-length ranges of one weekday, sorted; problems are appended. */
function analyzeDay(weekday: Weekday, raw: unknown, problems: string[]): Array<readonly [number, number]> {
  const where = `weeklyHours.${weekday}`;
  if (!Array.isArray(raw)) {
    problems.push(`${where} must be an array of ranges ([] for a closed day)`);
    return [];
  }
  const ranges: Array<readonly [number, number]> = [];
  raw.forEach((range: unknown, i) => {
    if (!isObject(range)) {
      problems.push(`${where}[${i}] must be an object { start, end }`);
      return;
    }
    const { start, end } = range as Record<string, unknown>;
    const startMin = parseTime(start, false);
    const endMin = parseTime(end, true);
    if (startMin === undefined) problems.push(`${where}[${i}].start: ${JSON.stringify(start)} is not a valid HH:MM time`);
    if (endMin === undefined) problems.push(`${where}[${i}].end: ${JSON.stringify(end)} is not a valid HH:MM time`);
    if (startMin === undefined || endMin === undefined) return;
    if (startMin >= endMin) {
      problems.push(`${where}[${i}]: start ${String(start)} is not before end ${String(end)}`);
      return;
    }
    ranges.push([startMin, endMin]);
  });
  ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  for (let i = 1; i < ranges.length; i++) {
    const prev = ranges[i - 1]!;
    const cur = ranges[i]!;
    if (cur[0] < prev[1]) {
      problems.push(
        `${where}: ranges ${formatMinutes(prev[0])}-${formatMinutes(prev[1])} and ` +
          `${formatMinutes(cur[0])}-${formatMinutes(cur[1])} overlap`,
      );
    }
  }
  return ranges;
}

function coversWholeDay(ranges: ReadonlyArray<readonly [number, number]>): boolean {
  let reached = 0;
  for (const [start, end] of ranges) {
    if (start > reached) return false;
    reached = Math.max(reached, end);
  }
  return reached === MINUTES_PER_DAY;
}

/** 'HH:MM' -> minutes since local midnight; '24:00' only when allowed (range ends). */
function parseTime(value: unknown, allow24: boolean): number | undefined {
  if (typeof value !== 'string') return undefined;
  if (value === '24:00') return allow24 ? MINUTES_PER_DAY : undefined;
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

function formatMinutes(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** 'YYYY-MM-DD' -> wall-day ms, or undefined when malformed or not a real date (2026-02-30). */
function parseLocalDate(value: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = wallMs(year, month, day);
  const d = new Date(ms);
  if (d.getUTCFullYear() !== year || d.getUTCMonth() + 1 !== month || d.getUTCDate() !== day) return undefined;
  return ms;
}

function checkInstant(name: string, value: number): void {
  if (!Number.isFinite(value)) throw new CalendarError(`${name} must be a finite number, got ${value}`);
  if (Math.abs(value) > MAX_INSTANT_MS) throw new CalendarError(`${name} is outside the supported range: ${value}`);
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

// ---------------------------------------------------------------------------
// Time-zone arithmetic
//
// A "wall" value is a local date-time encoded as if it were UTC:
// Date.UTC(year, month - 1, day, hour, minute, second). Wall arithmetic needs
// no zone (every wall day is exactly DAY_MS long); the zone offset links the
// two worlds: wall = instant + offset(instant).

const resolvers = new Map<string, ZoneResolver>();

/** The cached resolver of a zone; throws RangeError for an unknown zone (never cached). */
function zoneFor(timeZone: string): ZoneResolver {
  let zone = resolvers.get(timeZone);
  if (zone === undefined) {
    zone = new ZoneResolver(timeZone);
    resolvers.set(timeZone, zone);
  }
  return zone;
}

function isKnownTimeZone(timeZone: string): boolean {
  try {
    zoneFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Date.UTC without its quirk of mapping years 0..99 to 1900..1999. */
function wallMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0): number {
  if (year >= 0 && year < 100) {
    // 400 Gregorian years are exactly 146 097 days; shift out of the quirky range and back.
    return Date.UTC(year + 400, month - 1, day, hour, minute, second) - 146_097 * DAY_MS;
  }
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

/**
 * Offset lookups and wall -> instant conversion for one zone (one instance per
 * zone, cached). Offsets are memoized: an Intl call costs microseconds, and the
 * per-day probes (always at wall midnights) recur across calls, so repeated SLA
 * computations over the same weeks become map lookups. The memo holds pure
 * function results, so it cannot affect determinism; it is bounded by clearing
 * it when full.
 */
class ZoneResolver {
  private static readonly MAX_MEMO = 10_000;
  private readonly fmt: Intl.DateTimeFormat;
  private readonly offsets = new Map<number, number>();

  constructor(timeZone: string) {
    this.fmt = new Intl.DateTimeFormat('en-US-u-nu-latn', {
      timeZone,
      hourCycle: 'h23',
      era: 'short', // so that years BC are not mistaken for years AD
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** Zone offset (wall - instant) in ms at an instant. Intl resolves whole seconds only. */
  offsetAt(instantMs: number): number {
    const whole = Math.floor(instantMs / SECOND_MS) * SECOND_MS;
    let offset = this.offsets.get(whole);
    if (offset === undefined) {
      offset = this.wallAt(whole) - whole;
      if (this.offsets.size >= ZoneResolver.MAX_MEMO) this.offsets.clear();
      this.offsets.set(whole, offset);
    }
    return offset;
  }

  /** Wall-day (local date at 00:00, as wall ms) containing an instant. */
  localDayOf(instantMs: number): number {
    const wall = instantMs + this.offsetAt(instantMs);
    return Math.floor(wall / DAY_MS) * DAY_MS;
  }

  /**
   * The working ranges of one local day as [startMs, endMs) instants, in time
   * order; [] for a holiday or closed weekday.
   */
  rangesOfDay(c: CompiledCalendar, wallDay: number): Array<readonly [number, number]> {
    if (c.holidays.has(wallDay)) return [];
    // 1970-01-01 was a Thursday, index 3 in WEEKDAYS (mon = 0).
    const dayNumber = Math.floor(wallDay / DAY_MS);
    const ranges = c.days[(((dayNumber + 3) % 7) + 7) % 7] ?? [];
    if (ranges.length === 0) return [];

    // Fast path: same offset a day before and a day after this local day means
    // no transition in between (the offset of any zone stays within ±1 day),
    // so every wall time of the day maps with one subtraction.
    const before = this.offsetAt(wallDay - DAY_MS);
    const after = this.offsetAt(wallDay + 2 * DAY_MS);
    const toInstant = before === after ? (wall: number) => wall - before : (wall: number) => this.toInstant(wall);
    return ranges.map(
      ([start, end]) => [toInstant(wallDay + start * MINUTE_MS), toInstant(wallDay + end * MINUTE_MS)] as const,
    );
  }

  /**
   * Wall time -> instant. Ambiguous (fall-back overlap): the earlier instant.
   * Nonexistent (spring-forward gap): the first instant after the gap.
   */
  toInstant(wall: number): number {
    // The offsets a day either side bracket any transition affecting `wall`.
    const before = this.offsetAt(wall - DAY_MS);
    const after = this.offsetAt(wall + DAY_MS);
    if (before === after) return wall - before;

    const early = Math.min(wall - before, wall - after);
    const late = Math.max(wall - before, wall - after);
    if (this.offsetAt(early) === wall - early) return early;
    if (this.offsetAt(late) === wall - late) return late;
    if (after < before) return wall - after; // not a gap yet no candidate fits: zone data we cannot explain

    // Gap: the transition T satisfies wall - after < T <= wall - before, the
    // offset being `before` just before T and `after` from T on. Offsets are
    // only visible at whole seconds, so bisect over seconds.
    let lo = Math.floor(early / SECOND_MS); // offset(lo) === before
    let hi = Math.ceil(late / SECOND_MS); // offset(hi) !== before
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.offsetAt(mid * SECOND_MS) === before) lo = mid;
      else hi = mid;
    }
    return hi * SECOND_MS;
  }

  /** Wall ms of an instant (whole seconds), read from Intl. */
  private wallAt(instantMs: number): number {
    let bc = false;
    let year = 0;
    let month = 1;
    let day = 1;
    let hour = 0;
    let minute = 0;
    let second = 0;
    for (const part of this.fmt.formatToParts(instantMs)) {
      switch (part.type) {
        case 'era':
          bc = part.value === 'BC' || part.value === 'B';
          break;
        case 'year':
          year = Number(part.value);
          break;
        case 'month':
          month = Number(part.value);
          break;
        case 'day':
          day = Number(part.value);
          break;
        case 'hour':
          hour = Number(part.value) % 24; // some older ICU builds print midnight as 24
          break;
        case 'minute':
          minute = Number(part.value);
          break;
        case 'second':
          second = Number(part.value);
          break;
        default:
          break;
      }
    }
    // Intl counts eras (1 BC, 2 BC, ...); proleptic years are 0, -1, ...
    return wallMs(bc ? 1 - year : year, month, day, hour, minute, second);
  }
}
