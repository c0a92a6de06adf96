import {
  ALWAYS_OPEN,
  WEEKDAYS,
  CalendarError,
  addBusinessMs,
  businessMsBetween,
  calendarProblems,
  isBusinessTime,
  type BusinessCalendar,
  type Weekday,
  type WorkingRange,
} from '../../src/domain/calendar';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** Epoch ms of a UTC date-time written without the trailing Z: utc('2026-03-06T16:00'). */
const utc = (isoWithoutZone: string): number => {
  const ms = Date.parse(`${isoWithoutZone}Z`);
  if (Number.isNaN(ms)) throw new Error(`bad test date ${isoWithoutZone}`);
  return ms;
};
const iso = (ms: number): string => new Date(ms).toISOString();

function calendar(
  timeZone: string,
  hours: Partial<Record<Weekday, WorkingRange[]>>,
  holidays: string[] = [],
): BusinessCalendar {
  const weeklyHours = Object.fromEntries(WEEKDAYS.map((d) => [d, hours[d] ?? []])) as Record<Weekday, WorkingRange[]>;
  return { id: 'test', version: 1, name: 'test', timeZone, weeklyHours, holidays };
}

const r = (start: string, end: string): WorkingRange => ({ start, end });
const NINE_TO_FIVE = [r('09:00', '17:00')];
const weekdays = (ranges: WorkingRange[]): Partial<Record<Weekday, WorkingRange[]>> => ({
  mon: ranges,
  tue: ranges,
  wed: ranges,
  thu: ranges,
  fri: ranges,
});

const OFFICE_UTC = calendar('UTC', weekdays(NINE_TO_FIVE));

describe('ALWAYS_OPEN', () => {
  it('given the 24x7 calendar, when measuring and adding, then results are plain differences and sums', () => {
    const from = utc('2026-03-06T16:00'); // a Friday: weekends do not matter here
    expect(ALWAYS_OPEN).toMatchObject({ id: 'always-open', version: 1, name: '24x7', timeZone: 'UTC', holidays: [] });
    expect(calendarProblems(ALWAYS_OPEN)).toEqual([]);
    expect(businessMsBetween(ALWAYS_OPEN, from, from + 3 * DAY + 7)).toBe(3 * DAY + 7);
    expect(addBusinessMs(ALWAYS_OPEN, from, 2 * HOUR)).toBe(utc('2026-03-06T18:00'));
    expect(isBusinessTime(ALWAYS_OPEN, utc('2026-03-08T03:00'))).toBe(true);
  });

  it('given the 24x7 calendar, when the span is decades long, then no iteration bound applies', () => {
    // 50 years of 24x7 is still a plain difference (fast path, no day-by-day walk).
    const from = utc('2000-01-01T00:00');
    const to = utc('2050-01-01T00:00');
    expect(businessMsBetween(ALWAYS_OPEN, from, to)).toBe(to - from);
    expect(addBusinessMs(ALWAYS_OPEN, from, to - from)).toBe(to);
  });

  it('given an always-open calendar in a DST zone, when crossing a DST change, then time is still real elapsed time', () => {
    // Every instant belongs to some local day open 00:00-24:00, so even across
    // Paris' spring-forward night business time equals elapsed time.
    const paris247 = calendar('Europe/Paris', { ...weekdays([r('00:00', '24:00')]), sat: [r('00:00', '24:00')], sun: [r('00:00', '24:00')] });
    expect(businessMsBetween(paris247, utc('2026-03-28T12:00'), utc('2026-03-29T12:00'))).toBe(DAY);
  });
});

describe('weekday 09:00-17:00 in UTC', () => {
  it('given Friday 16:00, when adding 2 business hours, then the target is Monday 10:00', () => {
    // Fri 16:00-17:00 gives 1h, weekend is closed, Mon 09:00-10:00 gives the second hour.
    expect(iso(addBusinessMs(OFFICE_UTC, utc('2026-03-06T16:00'), 2 * HOUR))).toBe('2026-03-09T10:00:00.000Z');
  });

  it('given a span over a weekend, when measuring, then only weekday hours count', () => {
    // Fri 12:00-17:00 = 5h, Sat+Sun = 0, Mon 09:00-17:00 = 8h, Tue 09:00-12:00 = 3h -> 16h.
    expect(businessMsBetween(OFFICE_UTC, utc('2026-03-06T12:00'), utc('2026-03-10T12:00'))).toBe(16 * HOUR);
    // Entirely inside the weekend: nothing.
    expect(businessMsBetween(OFFICE_UTC, utc('2026-03-07T08:00'), utc('2026-03-08T20:00'))).toBe(0);
  });

  it('given a start before opening, when adding 1h, then the clock starts at opening', () => {
    // Mon 07:00 is closed; counting starts at 09:00 -> 10:00.
    expect(iso(addBusinessMs(OFFICE_UTC, utc('2026-03-09T07:00'), HOUR))).toBe('2026-03-09T10:00:00.000Z');
    // The 2 hours before opening count for nothing.
    expect(businessMsBetween(OFFICE_UTC, utc('2026-03-09T07:00'), utc('2026-03-09T10:00'))).toBe(HOUR);
  });

  it('given a start after closing, when adding 1h, then the clock starts at the next opening', () => {
    // Mon 18:00 is closed; next opening Tue 09:00 -> Tue 10:00.
    expect(iso(addBusinessMs(OFFICE_UTC, utc('2026-03-09T18:00'), HOUR))).toBe('2026-03-10T10:00:00.000Z');
    // Closing time to next opening is zero business time.
    expect(businessMsBetween(OFFICE_UTC, utc('2026-03-09T17:00'), utc('2026-03-10T09:00'))).toBe(0);
  });

  it('given an amount that ends exactly at closing, when adding, then the result is 17:00 that day, not the next opening', () => {
    // 09:00 + 8h = 17:00 (range end), and 16:00 + 1h = 17:00 as well.
    expect(iso(addBusinessMs(OFFICE_UTC, utc('2026-03-09T09:00'), 8 * HOUR))).toBe('2026-03-09T17:00:00.000Z');
    expect(iso(addBusinessMs(OFFICE_UTC, utc('2026-03-09T16:00'), HOUR))).toBe('2026-03-09T17:00:00.000Z');
    // One more millisecond has to wait for Tuesday's opening.
    expect(iso(addBusinessMs(OFFICE_UTC, utc('2026-03-09T16:00'), HOUR + 1))).toBe('2026-03-10T09:00:00.001Z');
  });

  it('given zero, negative or reversed inputs, when computing, then from is returned and spans are 0', () => {
    const sat = utc('2026-03-07T10:00');
    expect(addBusinessMs(OFFICE_UTC, sat, 0)).toBe(sat); // even outside business hours
    expect(addBusinessMs(OFFICE_UTC, sat, -5 * HOUR)).toBe(sat);
    expect(businessMsBetween(OFFICE_UTC, utc('2026-03-09T12:00'), utc('2026-03-09T10:00'))).toBe(0);
    expect(businessMsBetween(OFFICE_UTC, utc('2026-03-09T12:00'), utc('2026-03-09T12:00'))).toBe(0);
  });

  it('given a multi-week amount, when adding, then whole weeks of 40h are skipped correctly', () => {
    // 80h = two weeks of 5 x 8h: Mon 2026-03-09 09:00 -> end of Fri 2026-03-20 = 17:00.
    expect(iso(addBusinessMs(OFFICE_UTC, utc('2026-03-09T09:00'), 80 * HOUR))).toBe('2026-03-20T17:00:00.000Z');
    expect(businessMsBetween(OFFICE_UTC, utc('2026-03-09T09:00'), utc('2026-03-20T17:00'))).toBe(80 * HOUR);
  });
});

describe('split shifts 09:00-12:00 and 13:00-17:00', () => {
  const SPLIT = calendar('UTC', weekdays([r('13:00', '17:00'), r('09:00', '12:00')])); // unsorted on purpose

  it('given a full working day, when measuring, then the lunch hour is excluded', () => {
    // 3h morning + 4h afternoon = 7h; 08:00 and 18:00 are outside anyway.
    expect(businessMsBetween(SPLIT, utc('2026-03-09T08:00'), utc('2026-03-09T18:00'))).toBe(7 * HOUR);
    // Lunch alone is worth nothing.
    expect(businessMsBetween(SPLIT, utc('2026-03-09T12:00'), utc('2026-03-09T13:00'))).toBe(0);
  });

  it('given 11:00, when adding 2h, then the result jumps over lunch to 14:00', () => {
    // 11:00-12:00 = 1h, lunch skipped, 13:00-14:00 = 1h.
    expect(iso(addBusinessMs(SPLIT, utc('2026-03-09T11:00'), 2 * HOUR))).toBe('2026-03-09T14:00:00.000Z');
    // Exactly 1h lands on the morning range end, 12:00, not 13:00.
    expect(iso(addBusinessMs(SPLIT, utc('2026-03-09T11:00'), HOUR))).toBe('2026-03-09T12:00:00.000Z');
    // Starting during lunch starts at 13:00.
    expect(iso(addBusinessMs(SPLIT, utc('2026-03-09T12:30'), 30 * MIN))).toBe('2026-03-09T13:30:00.000Z');
  });

  it('given touching ranges, when measuring across the join, then time is continuous', () => {
    const touching = calendar('UTC', weekdays([r('09:00', '12:00'), r('12:00', '17:00')]));
    expect(calendarProblems(touching)).toEqual([]);
    // 11:00-13:00 crosses the join at 12:00 without a gap: 2h.
    expect(businessMsBetween(touching, utc('2026-03-09T11:00'), utc('2026-03-09T13:00'))).toBe(2 * HOUR);
    expect(iso(addBusinessMs(touching, utc('2026-03-09T11:00'), 2 * HOUR))).toBe('2026-03-09T13:00:00.000Z');
  });
});

describe('holidays', () => {
  const XMAS = calendar('UTC', weekdays(NINE_TO_FIVE), ['2026-12-25']);

  it('given Friday 2026-12-25 as a holiday, when adding from Thursday afternoon, then Friday is skipped', () => {
    // Thu 16:00-17:00 = 1h, Fri holiday, weekend, Mon 28th 09:00-10:00 = 1h.
    expect(iso(addBusinessMs(XMAS, utc('2026-12-24T16:00'), 2 * HOUR))).toBe('2026-12-28T10:00:00.000Z');
  });

  it('given the holiday, when measuring Thursday to Tuesday, then only Thursday and Monday count', () => {
    // Thu 8h + Fri 0 (holiday) + Sat/Sun 0 + Mon 8h = 16h.
    expect(businessMsBetween(XMAS, utc('2026-12-24T00:00'), utc('2026-12-29T00:00'))).toBe(16 * HOUR);
    expect(isBusinessTime(XMAS, utc('2026-12-25T10:00'))).toBe(false);
    expect(isBusinessTime(XMAS, utc('2026-12-24T10:00'))).toBe(true);
  });

  it('given a holiday date in a non-UTC zone, when evaluating, then the local date is what closes', () => {
    // Tokyo is UTC+9: local 2026-12-25 09:00-17:00 is 2026-12-25T00:00Z-08:00Z.
    // 2026-12-25T01:00Z is local Friday 25th 10:00: inside 9-5 but a holiday.
    const tokyo = calendar('Asia/Tokyo', weekdays(NINE_TO_FIVE), ['2026-12-25']);
    expect(isBusinessTime(tokyo, utc('2026-12-25T01:00'))).toBe(false);
    // Thursday 24th local 16:00 = 07:00Z; +2h -> Thu 17:00 local (08:00Z) + Mon 28th 09:00-10:00 local = 01:00Z.
    expect(iso(addBusinessMs(tokyo, utc('2026-12-24T07:00'), 2 * HOUR))).toBe('2026-12-28T01:00:00.000Z');
  });
});

describe('time zones', () => {
  const NY = calendar('America/New_York', weekdays(NINE_TO_FIVE));

  it('given a New York 9-5 calendar in winter (UTC-5), when evaluating UTC instants, then 09:00 local is 14:00Z', () => {
    // Mon 2026-01-12: EST, 09:00-17:00 local = 14:00Z-22:00Z.
    expect(isBusinessTime(NY, utc('2026-01-12T14:00'))).toBe(true);
    expect(isBusinessTime(NY, utc('2026-01-12T13:59:59.999'))).toBe(false);
    expect(isBusinessTime(NY, utc('2026-01-12T21:59:59.999'))).toBe(true);
    expect(isBusinessTime(NY, utc('2026-01-12T22:00'))).toBe(false);
    // From 13:00Z (08:00 local) + 1h -> 10:00 local = 15:00Z.
    expect(iso(addBusinessMs(NY, utc('2026-01-12T13:00'), HOUR))).toBe('2026-01-12T15:00:00.000Z');
    // Mon 22:00Z (17:00 local) to Tue 15:00Z (10:00 local) = 1h (Tue 09:00-10:00).
    expect(businessMsBetween(NY, utc('2026-01-12T22:00'), utc('2026-01-13T15:00'))).toBe(HOUR);
  });

  it('given the same calendar in summer (UTC-4), when evaluating UTC instants, then 09:00 local is 13:00Z', () => {
    // Mon 2026-07-13: EDT, 09:00-17:00 local = 13:00Z-21:00Z.
    expect(isBusinessTime(NY, utc('2026-07-13T13:00'))).toBe(true);
    expect(isBusinessTime(NY, utc('2026-07-13T12:59:59.999'))).toBe(false);
    // Fri 2026-07-17 20:00Z = 16:00 local; +2h -> 1h Friday + Mon 09:00-10:00 local = 14:00Z.
    expect(iso(addBusinessMs(NY, utc('2026-07-17T20:00'), 2 * HOUR))).toBe('2026-07-20T14:00:00.000Z');
  });

  it('given a UTC instant on a different local date, when evaluating, then the local weekday decides', () => {
    // Sat 2026-01-17T03:00Z is still Friday 22:00 in New York (closed after 17:00);
    // Tue 2026-01-13T02:00Z is Monday 21:00 local: also closed.
    expect(isBusinessTime(NY, utc('2026-01-17T03:00'))).toBe(false);
    // A calendar open only on Friday evenings local 20:00-24:00 = Sat 01:00Z-05:00Z in winter.
    const fridayNight = calendar('America/New_York', { fri: [r('20:00', '24:00')] });
    expect(isBusinessTime(fridayNight, utc('2026-01-17T03:00'))).toBe(true);
    expect(businessMsBetween(fridayNight, utc('2026-01-16T00:00'), utc('2026-01-18T00:00'))).toBe(4 * HOUR);
  });
});

describe('daylight saving time', () => {
  const SUNDAY_ALL_DAY = { sun: [r('00:00', '24:00')] };

  it('given Paris open 00:00-24:00 on Sundays, when measuring the spring-forward Sunday, then it has 23h', () => {
    // 2026-03-29: 00:00 CET = 03-28T23:00Z; 24:00 = 03-30 00:00 CEST = 03-29T22:00Z -> 23h.
    const paris = calendar('Europe/Paris', SUNDAY_ALL_DAY);
    expect(businessMsBetween(paris, utc('2026-03-28T00:00'), utc('2026-03-31T00:00'))).toBe(23 * HOUR);
    expect(iso(addBusinessMs(paris, utc('2026-03-28T12:00'), 23 * HOUR))).toBe('2026-03-29T22:00:00.000Z');
    expect(isBusinessTime(paris, utc('2026-03-28T22:59:59.999'))).toBe(false);
    expect(isBusinessTime(paris, utc('2026-03-28T23:00'))).toBe(true);
    expect(isBusinessTime(paris, utc('2026-03-29T21:59:59.999'))).toBe(true);
    expect(isBusinessTime(paris, utc('2026-03-29T22:00'))).toBe(false);
  });

  it('given Paris open 00:00-24:00 on Sundays, when measuring the fall-back Sunday, then it has 25h', () => {
    // 2026-10-25: 00:00 CEST = 10-24T22:00Z; 24:00 = 10-26 00:00 CET = 10-25T23:00Z -> 25h.
    const paris = calendar('Europe/Paris', SUNDAY_ALL_DAY);
    expect(businessMsBetween(paris, utc('2026-10-24T00:00'), utc('2026-10-27T00:00'))).toBe(25 * HOUR);
    expect(iso(addBusinessMs(paris, utc('2026-10-24T12:00'), 25 * HOUR))).toBe('2026-10-25T23:00:00.000Z');
  });

  it('given New York 01:00-04:00 on Sundays, when the 02:00 spring-forward gap falls inside, then the range is 2h real time', () => {
    // 2026-03-08: 01:00 EST = 06:00Z, 04:00 EDT = 08:00Z -> 2h (02:00-03:00 never happens).
    const ny = calendar('America/New_York', { sun: [r('01:00', '04:00')] });
    expect(businessMsBetween(ny, utc('2026-03-07T00:00'), utc('2026-03-09T00:00'))).toBe(2 * HOUR);
    // A normal Sunday a week earlier has the full 3h: 06:00Z-09:00Z.
    expect(businessMsBetween(ny, utc('2026-02-28T00:00'), utc('2026-03-02T00:00'))).toBe(3 * HOUR);
    expect(iso(addBusinessMs(ny, utc('2026-03-07T00:00'), 2 * HOUR))).toBe('2026-03-08T08:00:00.000Z');
  });

  it('given a range starting inside the gap, when evaluating, then it starts at the first instant after the gap', () => {
    // 02:30 does not exist on 2026-03-08 in New York; it maps to 03:00 EDT = 07:00Z.
    // 05:00 EDT = 09:00Z, so the range is 2h.
    const ny = calendar('America/New_York', { sun: [r('02:30', '05:00')] });
    expect(businessMsBetween(ny, utc('2026-03-08T00:00'), utc('2026-03-09T00:00'))).toBe(2 * HOUR);
    expect(isBusinessTime(ny, utc('2026-03-08T06:59:59.999'))).toBe(false);
    expect(isBusinessTime(ny, utc('2026-03-08T07:00'))).toBe(true);
    expect(iso(addBusinessMs(ny, utc('2026-03-08T00:00'), 1))).toBe('2026-03-08T07:00:00.001Z');
  });

  it('given a range lying wholly inside the gap, when evaluating, then it contributes nothing', () => {
    // 02:15-02:45 never happens on 2026-03-08; both ends map to 07:00Z. Next Sunday it is 30 min.
    const ny = calendar('America/New_York', { sun: [r('02:15', '02:45')] });
    expect(businessMsBetween(ny, utc('2026-03-08T00:00'), utc('2026-03-09T00:00'))).toBe(0);
    // 2026-03-15 02:15 EDT = 06:15Z; +30 min = 06:45Z.
    expect(iso(addBusinessMs(ny, utc('2026-03-08T00:00'), 30 * MIN))).toBe('2026-03-15T06:45:00.000Z');
  });

  it('given New York 01:00-04:00 on the fall-back Sunday, when measuring, then the repeated hour makes it 4h', () => {
    // 2026-11-01: 01:00 is ambiguous -> earlier (EDT) = 05:00Z; 04:00 EST = 09:00Z -> 4h.
    const ny = calendar('America/New_York', { sun: [r('01:00', '04:00')] });
    expect(businessMsBetween(ny, utc('2026-10-31T00:00'), utc('2026-11-02T00:00'))).toBe(4 * HOUR);
  });

  it('given America/Santiago where DST starts at midnight, when local midnight does not exist, then the day starts after the gap', () => {
    // Sat 2026-09-05 23:59:59 (-04) is followed by Sun 01:00 (-03) at 2026-09-06T04:00Z:
    // Sunday 00:00 is in the gap and maps to 04:00Z. Sunday 24:00 = Mon 00:00 -03 = 09-07T03:00Z -> 23h.
    // Saturday runs from 00:00 -04 (09-05T04:00Z) to Sunday 00:00 (-> 04:00Z) -> 24h.
    const sundays = calendar('America/Santiago', { sun: [r('00:00', '24:00')] });
    const saturdays = calendar('America/Santiago', { sat: [r('00:00', '24:00')] });
    expect(businessMsBetween(sundays, utc('2026-09-04T00:00'), utc('2026-09-08T00:00'))).toBe(23 * HOUR);
    expect(businessMsBetween(saturdays, utc('2026-09-04T00:00'), utc('2026-09-08T00:00'))).toBe(24 * HOUR);
    expect(isBusinessTime(sundays, utc('2026-09-06T03:59:59.999'))).toBe(false);
    expect(isBusinessTime(sundays, utc('2026-09-06T04:00'))).toBe(true);
  });

  it('given America/Santiago where DST ends at midnight, when Saturday 23:00-24:00 repeats, then both occurrences belong to Saturday', () => {
    // Sat 2026-04-04 23:59:59 (-03) is followed by Sat 23:00 (-04) at 04-05T03:00Z; Sunday 00:00 (-04) is 04-05T04:00Z.
    // Saturday: 00:00 -03 (04-04T03:00Z) to 04-05T04:00Z -> 25h; the second 23:30 (04-05T03:30Z) is still Saturday.
    const saturdays = calendar('America/Santiago', { sat: [r('00:00', '24:00')] });
    expect(businessMsBetween(saturdays, utc('2026-04-03T00:00'), utc('2026-04-06T00:00'))).toBe(25 * HOUR);
    expect(isBusinessTime(saturdays, utc('2026-04-05T03:30'))).toBe(true);
    expect(isBusinessTime(saturdays, utc('2026-04-05T04:00'))).toBe(false);
  });

  it('given a range wholly inside the repeated hour, when evaluating, then only its first occurrence counts', () => {
    // 01:30-01:45 on 2026-11-01 maps to the earlier (EDT) instants 05:30Z-05:45Z;
    // the second 01:35 (EST) is 06:35Z and is not business time.
    const ny = calendar('America/New_York', { sun: [r('01:30', '01:45')] });
    expect(businessMsBetween(ny, utc('2026-11-01T00:00'), utc('2026-11-02T00:00'))).toBe(15 * MIN);
    expect(isBusinessTime(ny, utc('2026-11-01T05:35'))).toBe(true);
    expect(isBusinessTime(ny, utc('2026-11-01T06:35'))).toBe(false);
  });
});

describe('isBusinessTime at boundaries', () => {
  it('given a 9-5 calendar, when probing around opening and closing, then start is inclusive and end exclusive', () => {
    expect(isBusinessTime(OFFICE_UTC, utc('2026-03-09T08:59:59.999'))).toBe(false);
    expect(isBusinessTime(OFFICE_UTC, utc('2026-03-09T09:00'))).toBe(true);
    expect(isBusinessTime(OFFICE_UTC, utc('2026-03-09T16:59:59.999'))).toBe(true);
    expect(isBusinessTime(OFFICE_UTC, utc('2026-03-09T17:00'))).toBe(false);
    expect(isBusinessTime(OFFICE_UTC, utc('2026-03-07T12:00'))).toBe(false); // Saturday
  });

  it('given a range ending at 24:00, when probing midnight, then the day ends at the next local midnight', () => {
    // Mon 20:00-24:00 only: Mon 23:59:59.999 is in, Tue 00:00 is out, Mon 20:00 is in.
    const evenings = calendar('UTC', { mon: [r('20:00', '24:00')] });
    expect(isBusinessTime(evenings, utc('2026-03-09T23:59:59.999'))).toBe(true);
    expect(isBusinessTime(evenings, utc('2026-03-10T00:00'))).toBe(false);
    expect(isBusinessTime(evenings, utc('2026-03-09T20:00'))).toBe(true);
    // Mon 23:00 + 1h lands exactly on the range end: Tue 00:00.
    expect(iso(addBusinessMs(evenings, utc('2026-03-09T23:00'), HOUR))).toBe('2026-03-10T00:00:00.000Z');
  });

  it('given a night shift split over midnight, when measuring across it, then both days join seamlessly', () => {
    // Mon 22:00-24:00 + Tue 00:00-06:00 = 8h continuous.
    const night = calendar('UTC', { mon: [r('22:00', '24:00')], tue: [r('00:00', '06:00')] });
    expect(businessMsBetween(night, utc('2026-03-09T00:00'), utc('2026-03-11T00:00'))).toBe(8 * HOUR);
    expect(iso(addBusinessMs(night, utc('2026-03-09T23:00'), 2 * HOUR))).toBe('2026-03-10T01:00:00.000Z');
  });
});

describe('calendarProblems and CalendarError', () => {
  it('given a valid calendar, when checked, then there are no problems', () => {
    expect(calendarProblems(OFFICE_UTC)).toEqual([]);
  });

  it('given an unknown time zone, when checked, then it is reported', () => {
    expect(calendarProblems(calendar('Mars/Olympus_Mons', weekdays(NINE_TO_FIVE)))).toEqual([
      'timeZone "Mars/Olympus_Mons" is not a known IANA time zone',
    ]);
    expect(calendarProblems({ ...OFFICE_UTC, timeZone: '' })).toEqual([
      'timeZone must be a non-empty IANA time zone name',
    ]);
  });

  it('given malformed HH:MM values, when checked, then each is reported', () => {
    const cal = calendar('UTC', { mon: [r('9:00', '17:00')], tue: [r('09:00', '25:00')], wed: [r('24:00', '24:00')], thu: NINE_TO_FIVE });
    expect(calendarProblems(cal)).toEqual([
      'weeklyHours.mon[0].start: "9:00" is not a valid HH:MM time',
      'weeklyHours.tue[0].end: "25:00" is not a valid HH:MM time',
      'weeklyHours.wed[0].start: "24:00" is not a valid HH:MM time',
    ]);
  });

  it('given start >= end, when checked, then it is reported', () => {
    const cal = calendar('UTC', { mon: [r('17:00', '09:00')], tue: [r('10:00', '10:00')], wed: NINE_TO_FIVE });
    expect(calendarProblems(cal)).toEqual([
      'weeklyHours.mon[0]: start 17:00 is not before end 09:00',
      'weeklyHours.tue[0]: start 10:00 is not before end 10:00',
    ]);
  });

  it('given overlapping ranges on one day, when checked, then the overlap is reported', () => {
    const cal = calendar('UTC', { mon: [r('13:00', '17:00'), r('09:00', '13:30')] });
    expect(calendarProblems(cal)).toEqual(['weeklyHours.mon: ranges 09:00-13:30 and 13:00-17:00 overlap']);
  });

  it('given bad holiday dates, when checked, then each is reported', () => {
    const cal = calendar('UTC', weekdays(NINE_TO_FIVE), ['2026-12-25', '2026-02-30', '25/12/2026']);
    expect(calendarProblems(cal)).toEqual([
      'holidays[1]: "2026-02-30" is not a valid YYYY-MM-DD date',
      'holidays[2]: "25/12/2026" is not a valid YYYY-MM-DD date',
    ]);
  });

  it('given no working time in the week, when checked, then it is reported', () => {
    expect(calendarProblems(calendar('UTC', {}))).toEqual(['no working time at all in the week']);
  });

  it('given a malformed shape from outside the type system, when checked, then it is reported rather than crashing', () => {
    const broken = { ...OFFICE_UTC, weeklyHours: { ...OFFICE_UTC.weeklyHours, sat: undefined }, holidays: null };
    expect(calendarProblems(broken as unknown as BusinessCalendar)).toEqual([
      'weeklyHours.sat must be an array of ranges ([] for a closed day)',
      'holidays must be an array of YYYY-MM-DD dates',
    ]);
  });

  it('given a calendar with no working time, when adding, then CalendarError explains why', () => {
    const closed = calendar('UTC', {});
    expect(() => addBusinessMs(closed, utc('2026-03-09T09:00'), HOUR)).toThrow(CalendarError);
    expect(() => addBusinessMs(closed, utc('2026-03-09T09:00'), HOUR)).toThrow(/no working time at all in the week/);
    expect(() => businessMsBetween(closed, 0, 1)).toThrow(CalendarError);
    expect(() => isBusinessTime(closed, 0)).toThrow(CalendarError);
  });

  it('given non-finite numbers, when calling, then CalendarError is thrown', () => {
    expect(() => addBusinessMs(OFFICE_UTC, Number.NaN, HOUR)).toThrow(CalendarError);
    expect(() => addBusinessMs(OFFICE_UTC, 0, Number.POSITIVE_INFINITY)).toThrow(/amountMs must be a finite number/);
    expect(() => businessMsBetween(OFFICE_UTC, 0, Number.POSITIVE_INFINITY)).toThrow(CalendarError);
    expect(() => isBusinessTime(OFFICE_UTC, Number.NaN)).toThrow(CalendarError);
  });

  it('given every working day is a holiday for years, when adding, then the iteration bound throws CalendarError', () => {
    // Open Mondays only, and every Monday from 2026-01-05 to 2037 is a holiday:
    // no business time within 3660 local days of 2026-01-01.
    const holidays: string[] = [];
    for (let d = utc('2026-01-05T00:00'); d < utc('2038-01-01T00:00'); d += 7 * DAY) holidays.push(iso(d).slice(0, 10));
    const cal = calendar('UTC', { mon: NINE_TO_FIVE }, holidays);
    expect(calendarProblems(cal)).toEqual([]);
    expect(() => addBusinessMs(cal, utc('2026-01-01T00:00'), 1)).toThrow(CalendarError);
    expect(() => addBusinessMs(cal, utc('2026-01-01T00:00'), 1)).toThrow(/within 3660 local days/);
  });

  it('given a span longer than the iteration bound, when measuring, then CalendarError is thrown', () => {
    expect(() => businessMsBetween(OFFICE_UTC, utc('2000-01-01T00:00'), utc('2020-01-01T00:00'))).toThrow(
      /more than 3660 local days/,
    );
  });
});

/** Deterministic PRNG (mulberry32): same sequence on every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PARIS_SPLIT = calendar(
  'Europe/Paris',
  { ...weekdays([r('08:30', '12:00'), r('13:30', '18:00')]), sat: [r('09:00', '12:00')], sun: [r('01:00', '04:00')] },
  ['2026-01-01', '2026-04-06', '2026-05-01', '2026-05-08', '2026-05-14', '2026-05-25', '2026-07-14', '2026-08-15', '2026-11-01', '2026-11-11', '2026-12-25'],
);

describe('consistency properties (Paris split shifts with holidays)', () => {
  it('given many random (from, amount) pairs, when adding then measuring back, then the amount is recovered and the result is the earliest', () => {
    const random = mulberry32(20260329);
    const yearStart = utc('2026-01-01T00:00');
    // Half the samples near the DST weekends, where mistakes would hide.
    const hotspots = [utc('2026-03-27T00:00'), utc('2026-10-23T00:00')];
    for (let i = 0; i < 400; i++) {
      const from =
        i % 2 === 0
          ? yearStart + Math.floor(random() * 365 * DAY)
          : hotspots[i % 4 === 1 ? 0 : 1]! + Math.floor(random() * 4 * DAY);
      const amount = 1 + Math.floor(random() * 120 * HOUR);
      const t = addBusinessMs(PARIS_SPLIT, from, amount);
      expect(t).toBeGreaterThan(from);
      expect(businessMsBetween(PARIS_SPLIT, from, t)).toBe(amount);
      // Earliest: 1 ms earlier is 1 ms short (t is inside or at the end of a range).
      expect(businessMsBetween(PARIS_SPLIT, from, t - 1)).toBe(amount - 1);
      expect(isBusinessTime(PARIS_SPLIT, t - 1)).toBe(true);
    }
  });

  it('given random spans, when splitting them at a random point, then business time is additive', () => {
    const random = mulberry32(42);
    const yearStart = utc('2026-01-01T00:00');
    for (let i = 0; i < 200; i++) {
      const a = yearStart + Math.floor(random() * 360 * DAY);
      const c = a + Math.floor(random() * 20 * DAY);
      const b = a + Math.floor(random() * (c - a));
      expect(businessMsBetween(PARIS_SPLIT, a, b) + businessMsBetween(PARIS_SPLIT, b, c)).toBe(
        businessMsBetween(PARIS_SPLIT, a, c),
      );
    }
  });

  it('given the DST weeks, when counting business minutes independently via Intl, then businessMsBetween agrees', () => {
    // Independent oracle: for each UTC minute, read the Paris wall clock with Intl
    // and check it against the ranges; no wall -> instant conversion involved.
    // (Valid here because no range boundary lies inside a gap or a repeated hour.)
    const fmt = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Paris',
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    const holidays = new Set(PARIS_SPLIT.holidays);
    const isOpenMinute = (ms: number): boolean => {
      const p = Object.fromEntries(fmt.formatToParts(ms).map((x) => [x.type, x.value]));
      const weekday = String(p.weekday).toLowerCase().slice(0, 3) as Weekday;
      if (holidays.has(`${p.year}-${p.month}-${p.day}`)) return false;
      const hhmm = `${p.hour}:${p.minute}`;
      return PARIS_SPLIT.weeklyHours[weekday].some((range) => range.start <= hhmm && hhmm < range.end);
    };
    for (const [fromIso, toIso] of [
      ['2026-03-23T00:00', '2026-03-31T00:00'], // spring forward on Sun 29th
      ['2026-10-19T00:00', '2026-10-27T00:00'], // fall back on Sun 25th
    ] as const) {
      const from = utc(fromIso);
      const to = utc(toIso);
      let minutes = 0;
      for (let m = from; m < to; m += MIN) if (isOpenMinute(m)) minutes++;
      expect(businessMsBetween(PARIS_SPLIT, from, to)).toBe(minutes * MIN);
    }
    // Hand check of the spring week: Mon-Fri 5 x 8h = 40h, Sat 3h, Sun 01:00-04:00 minus the gap hour = 2h -> 45h.
    expect(businessMsBetween(PARIS_SPLIT, utc('2026-03-23T00:00'), utc('2026-03-31T00:00'))).toBe(
      45 * HOUR + 8 * HOUR, // + Monday 30th's 8h
    );
  });
});

describe('long targets', () => {
  it('given an 8h/day Paris calendar, when adding a 2-week target across the DST change, then it lands on the right local hour', () => {
    // 80 business hours = 2 working weeks (speed of this is measured by `npm run bench`, not here).
    const paris = calendar('Europe/Paris', weekdays(NINE_TO_FIVE));
    const from = utc('2026-03-20T10:00');
    // from = Fri 20th 11:00 CET. Fri 11:00-17:00 = 6h; Mon 23-Fri 27 = 40h (46h); Mon 30-Thu 2 = 32h (78h);
    // the last 2h are Fri 3rd 09:00-11:00 local, now CEST (UTC+2) -> 09:00Z.
    expect(iso(addBusinessMs(paris, from, 80 * HOUR))).toBe('2026-04-03T09:00:00.000Z');
  });
});
