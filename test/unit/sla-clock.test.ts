import { ALWAYS_OPEN, type BusinessCalendar } from '../../src/domain/calendar';
import {
  type SlaClock,
  clockStatus,
  dueAt,
  elapsedMs,
  instantAtElapsed,
  isRunning,
  isStopped,
  pauseClock,
  pendingMilestones,
  resumeClock,
  retargetClock,
  startClock,
  stopClock,
} from '../../src/domain/sla-clock';

const MIN = 60_000;
const HOUR = 60 * MIN;

/** Epoch ms of a UTC date-time written without the trailing Z: utc('2026-03-06T16:00'). */
const utc = (isoWithoutZone: string): number => {
  const ms = Date.parse(`${isoWithoutZone}Z`);
  if (Number.isNaN(ms)) throw new Error(`bad test date ${isoWithoutZone}`);
  return ms;
};

const nineToFive = [{ start: '09:00', end: '17:00' }];

/** Mon-Fri 09:00-17:00 UTC, no holidays. */
const OFFICE_UTC: BusinessCalendar = {
  id: 'office-utc',
  version: 1,
  name: 'weekdays 9-17 UTC',
  timeZone: 'UTC',
  weeklyHours: { mon: nineToFive, tue: nineToFive, wed: nineToFive, thu: nineToFive, fri: nineToFive, sat: [], sun: [] },
  holidays: [],
};

const split = [
  { start: '09:00', end: '12:00' },
  { start: '14:00', end: '18:00' },
];

/**
 * Mon-Fri 09:00-12:00 and 14:00-18:00 Paris time (7 business hours a day),
 * Labour Day (Friday 2026-05-01) closed. In May Paris is on CEST = UTC+2.
 */
const PARIS_SPLIT: BusinessCalendar = {
  id: 'paris-split',
  version: 3,
  name: 'Paris split shift',
  timeZone: 'Europe/Paris',
  weeklyHours: { mon: split, tue: split, wed: split, thu: split, fri: split, sat: [], sun: [] },
  holidays: ['2026-05-01'],
};

// 2026-03-02 is a Monday, 2026-03-06 a Friday.
const MON_0900 = utc('2026-03-02T09:00');

describe('startClock', () => {
  it('given a kind, cycle, target and instant, when starting, then the clock runs from that instant with nothing accrued', () => {
    const clock = startClock('next_response', 3, 2 * HOUR, MON_0900);
    expect(clock).toEqual({
      kind: 'next_response',
      cycle: 3,
      targetMs: 2 * HOUR,
      accruedMs: 0,
      runningSince: MON_0900,
      startedAt: MON_0900,
      stoppedAt: null,
      warned: [],
      breachedAt: null,
      breachElapsedMs: null,
      escalationsDone: 0,
    });
    expect(isRunning(clock)).toBe(true);
    expect(isStopped(clock)).toBe(false);
  });
});

describe('pause / resume / stop on a 9-17 weekday calendar', () => {
  it('given a clock started Monday 16:00, when measured Tuesday 10:00, then only the 2 business hours count', () => {
    const clock = startClock('resolution', 1, 8 * HOUR, utc('2026-03-02T16:00'));
    // Mon 16:00-17:00 (1h) + Tue 09:00-10:00 (1h); the night is closed.
    expect(elapsedMs(clock, OFFICE_UTC, utc('2026-03-03T10:00'))).toBe(2 * HOUR);
  });

  it('given a running clock, when paused and later resumed, then the paused span is excluded and accrued time kept', () => {
    const started = startClock('resolution', 1, 8 * HOUR, utc('2026-03-02T16:00'));
    const paused = pauseClock(started, OFFICE_UTC, utc('2026-03-03T10:00'));
    expect(paused).toMatchObject({ accruedMs: 2 * HOUR, runningSince: null, stoppedAt: null, startedAt: utc('2026-03-02T16:00') });
    expect(isRunning(paused)).toBe(false);
    expect(isStopped(paused)).toBe(false);
    // A whole business day passes while paused: nothing accrues.
    expect(elapsedMs(paused, OFFICE_UTC, utc('2026-03-04T12:00'))).toBe(2 * HOUR);

    const resumed = resumeClock(paused, utc('2026-03-04T13:00'));
    expect(resumed).toMatchObject({ accruedMs: 2 * HOUR, runningSince: utc('2026-03-04T13:00'), stoppedAt: null });
    // 2h accrued + Wed 13:00-14:30 (1.5h).
    expect(elapsedMs(resumed, OFFICE_UTC, utc('2026-03-04T14:30'))).toBe(3.5 * HOUR);
  });

  it('given a running clock, when stopped, then accrued time is banked and frozen', () => {
    const started = startClock('resolution', 1, 8 * HOUR, utc('2026-03-02T16:00'));
    const paused = pauseClock(started, OFFICE_UTC, utc('2026-03-03T10:00'));
    const resumed = resumeClock(paused, utc('2026-03-04T13:00'));
    const stopped = stopClock(resumed, OFFICE_UTC, utc('2026-03-04T15:00'));
    // 2h before the pause + Wed 13:00-15:00 (2h).
    expect(stopped).toMatchObject({ accruedMs: 4 * HOUR, runningSince: null, stoppedAt: utc('2026-03-04T15:00') });
    expect(isStopped(stopped)).toBe(true);
    expect(elapsedMs(stopped, OFFICE_UTC, utc('2026-03-06T16:00'))).toBe(4 * HOUR);
  });

  it('given a paused clock, when stopped, then it keeps its accrued time and records the stop instant', () => {
    const paused = pauseClock(startClock('resolution', 1, 8 * HOUR, MON_0900), OFFICE_UTC, utc('2026-03-02T12:00'));
    const stopped = stopClock(paused, OFFICE_UTC, utc('2026-03-05T12:00'));
    expect(stopped).toMatchObject({ accruedMs: 3 * HOUR, runningSince: null, stoppedAt: utc('2026-03-05T12:00') });
  });

  it('given a clock already in the requested state, when pausing, resuming or stopping again, then it is returned unchanged', () => {
    const running = startClock('resolution', 1, 8 * HOUR, MON_0900);
    expect(resumeClock(running, utc('2026-03-02T10:00'))).toBe(running);
    const paused = pauseClock(running, OFFICE_UTC, utc('2026-03-02T10:00'));
    expect(pauseClock(paused, OFFICE_UTC, utc('2026-03-02T11:00'))).toBe(paused);
    const stopped = stopClock(running, OFFICE_UTC, utc('2026-03-02T10:00'));
    expect(stopClock(stopped, OFFICE_UTC, utc('2026-03-02T12:00'))).toBe(stopped);
  });

  it('given a stopped clock, when resumed (reopen), then it runs again from the resume instant with accrued time kept', () => {
    const stopped = stopClock(startClock('resolution', 1, 8 * HOUR, MON_0900), OFFICE_UTC, utc('2026-03-02T12:00'));
    const resumed = resumeClock(stopped, utc('2026-03-03T09:00'));
    expect(resumed).toMatchObject({ accruedMs: 3 * HOUR, runningSince: utc('2026-03-03T09:00'), stoppedAt: null });
    // 3h + Tue 09:00-10:00.
    expect(elapsedMs(resumed, OFFICE_UTC, utc('2026-03-03T10:00'))).toBe(4 * HOUR);
  });

  it('given a clock, when paused, then the input clock object is not mutated', () => {
    const running = startClock('resolution', 1, 8 * HOUR, MON_0900);
    const copy = structuredClone(running);
    pauseClock(running, OFFICE_UTC, utc('2026-03-02T10:00'));
    stopClock(running, OFFICE_UTC, utc('2026-03-02T10:00'));
    retargetClock(running, HOUR);
    expect(running).toEqual(copy);
  });
});

describe('retargetClock', () => {
  it('given a running clock with 4h accrued, when retargeted from 8h to 6h, then it is due 2 business hours later', () => {
    const running = startClock('resolution', 1, 8 * HOUR, MON_0900);
    const retargeted = retargetClock(running, 6 * HOUR);
    expect(retargeted).toMatchObject({ targetMs: 6 * HOUR, accruedMs: 0, runningSince: MON_0900, startedAt: MON_0900 });
    expect(elapsedMs(retargeted, OFFICE_UTC, utc('2026-03-02T13:00'))).toBe(4 * HOUR);
    expect(dueAt(retargeted, OFFICE_UTC)).toBe(utc('2026-03-02T15:00'));
  });

  it('given a paused clock with warnings and a breach recorded, when retargeted, then accrued time, warnings and breach are kept', () => {
    const paused: SlaClock = {
      ...pauseClock(startClock('resolution', 1, 2 * HOUR, MON_0900), OFFICE_UTC, utc('2026-03-02T12:00')),
      warned: [50, 75],
      breachedAt: utc('2026-03-02T11:00'),
      escalationsDone: 1,
    };
    const retargeted = retargetClock(paused, 4 * HOUR);
    expect(retargeted).toEqual({ ...paused, targetMs: 4 * HOUR });
    // A recorded breach stays the due instant whatever the new target.
    expect(dueAt(retargeted, OFFICE_UTC)).toBe(utc('2026-03-02T11:00'));
  });
});

describe('instantAtElapsed and dueAt', () => {
  it('given Friday 16:00 on the 9-17 calendar and a 2h target, when asking the due instant, then it is Monday 10:00', () => {
    const clock = startClock('first_response', 1, 2 * HOUR, utc('2026-03-06T16:00'));
    // Fri 16:00-17:00 gives 1h, the weekend is closed, Mon 09:00-10:00 the second hour.
    expect(dueAt(clock, OFFICE_UTC)).toBe(utc('2026-03-09T10:00'));
    // Exactly used up at closing: 17:00 itself, not Monday's opening.
    expect(instantAtElapsed(clock, OFFICE_UTC, HOUR)).toBe(utc('2026-03-06T17:00'));
  });

  it('given time accrued before a pause, when resumed, then only the remainder is added from the resume instant', () => {
    const paused = pauseClock(startClock('resolution', 1, 8 * HOUR, MON_0900), OFFICE_UTC, utc('2026-03-02T12:00'));
    const resumed = resumeClock(paused, utc('2026-03-03T15:00'));
    // 3h accrued; 5h left: Tue 15:00-17:00 (2h) + Wed 09:00-12:00 (3h).
    expect(dueAt(resumed, OFFICE_UTC)).toBe(utc('2026-03-04T12:00'));
  });

  it('given a paused or stopped clock without a breach, when asking the due instant, then it is null', () => {
    const running = startClock('resolution', 1, 8 * HOUR, MON_0900);
    const paused = pauseClock(running, OFFICE_UTC, utc('2026-03-02T10:00'));
    const stopped = stopClock(running, OFFICE_UTC, utc('2026-03-02T10:00'));
    expect(instantAtElapsed(paused, OFFICE_UTC, 8 * HOUR)).toBeNull();
    expect(dueAt(paused, OFFICE_UTC)).toBeNull();
    expect(dueAt(stopped, OFFICE_UTC)).toBeNull();
  });

  it('given the split-shift Paris calendar with a Friday holiday, when a clock starts Thursday 11:00 local, then 8h are due Monday 12:00 local', () => {
    // Thu 2026-04-30 11:00 CEST = 09:00Z. Thu 11-12 (1h) + 14-18 (4h) = 5h; Fri 2026-05-01 is a
    // holiday; weekend closed; Mon 09-12 (3h) reaches 8h exactly at 12:00 CEST = 10:00Z (the end of
    // the morning range, not the 14:00 reopening).
    const clock = startClock('resolution', 1, 8 * HOUR, utc('2026-04-30T09:00'));
    expect(dueAt(clock, PARIS_SPLIT)).toBe(utc('2026-05-04T10:00'));
    // 4h: Thu 11-12 + 14-17 -> Thu 17:00 CEST = 15:00Z.
    expect(instantAtElapsed(clock, PARIS_SPLIT, 4 * HOUR)).toBe(utc('2026-04-30T15:00'));
    // 5.5h: Thu's 5h + 30 min on Monday -> Mon 09:30 CEST = 07:30Z.
    expect(instantAtElapsed(clock, PARIS_SPLIT, 5.5 * HOUR)).toBe(utc('2026-05-04T07:30'));
    // Measured over the holiday weekend only Thursday's 5 hours count.
    expect(elapsedMs(clock, PARIS_SPLIT, utc('2026-05-03T20:00'))).toBe(5 * HOUR);
  });

  it('given more time accrued than asked for, when asking when it is reached, then it is due immediately at runningSince', () => {
    // Fri 09:00-14:00 accrues 5h; resumed on Saturday (closed) with a 4h target.
    const paused = pauseClock(startClock('resolution', 1, 4 * HOUR, utc('2026-03-06T09:00')), OFFICE_UTC, utc('2026-03-06T14:00'));
    const resumed = resumeClock(paused, utc('2026-03-07T10:00'));
    expect(dueAt(resumed, OFFICE_UTC)).toBe(utc('2026-03-07T10:00'));
    expect(instantAtElapsed(resumed, OFFICE_UTC, 3 * HOUR)).toBe(utc('2026-03-07T10:00'));
    expect(instantAtElapsed(resumed, OFFICE_UTC, 5 * HOUR)).toBe(utc('2026-03-07T10:00'));
    // 6h is 1h beyond what is accrued: Monday 09:00-10:00.
    expect(instantAtElapsed(resumed, OFFICE_UTC, 6 * HOUR)).toBe(utc('2026-03-09T10:00'));
  });
});

describe('pendingMilestones', () => {
  it('given the split-shift Paris clock, when listing milestones, then warnings, breach and escalations come in time order', () => {
    const clock = startClock('resolution', 1, 8 * HOUR, utc('2026-04-30T09:00'));
    // Thresholds deliberately unsorted: the result is ordered by instant.
    const milestones = pendingMilestones(clock, PARIS_SPLIT, [75, 50], [30 * MIN, 4 * HOUR]);
    expect(milestones).toEqual([
      // 4h: Thu 17:00 CEST.
      { kind: 'warning', at: utc('2026-04-30T15:00'), threshold: 50 },
      // 6h: Thu's 5h + Mon 09:00-10:00 CEST.
      { kind: 'warning', at: utc('2026-05-04T08:00'), threshold: 75 },
      // 8h: Mon 12:00 CEST.
      { kind: 'breach', at: utc('2026-05-04T10:00') },
      // 8.5h: the lunch break is closed, so Mon 14:30 CEST.
      { kind: 'escalation', at: utc('2026-05-04T12:30'), step: 0 },
      // 12h: Mon 14:00-18:00 CEST gives the last 4h, ending exactly at 18:00 CEST.
      { kind: 'escalation', at: utc('2026-05-04T16:00'), step: 1 },
    ]);
  });

  it('given warnings already sent and escalations done, when listing, then they are not listed again', () => {
    const clock: SlaClock = { ...startClock('resolution', 1, 4 * HOUR, MON_0900), warned: [50], escalationsDone: 1 };
    expect(pendingMilestones(clock, ALWAYS_OPEN, [50, 90], [HOUR, 2 * HOUR])).toEqual([
      { kind: 'warning', at: MON_0900 + 216 * MIN, threshold: 90 }, // 90% of 4h = 3h36m = 216 min
      { kind: 'breach', at: MON_0900 + 4 * HOUR },
      { kind: 'escalation', at: MON_0900 + 6 * HOUR, step: 1 },
    ]);
  });

  it('given a breached clock, when listing, then only the remaining escalation steps are pending', () => {
    const clock: SlaClock = { ...startClock('resolution', 1, 4 * HOUR, MON_0900), warned: [50, 90], breachedAt: MON_0900 + 4 * HOUR };
    expect(pendingMilestones(clock, ALWAYS_OPEN, [50, 90], [HOUR])).toEqual([
      { kind: 'escalation', at: MON_0900 + 5 * HOUR, step: 0 },
    ]);
  });

  it('given a paused or stopped clock, when listing, then nothing is pending', () => {
    const running = startClock('resolution', 1, 4 * HOUR, MON_0900);
    const paused = pauseClock(running, ALWAYS_OPEN, MON_0900 + HOUR);
    const stopped = stopClock(running, ALWAYS_OPEN, MON_0900 + HOUR);
    expect(pendingMilestones(paused, ALWAYS_OPEN, [50, 75], [HOUR])).toEqual([]);
    expect(pendingMilestones(stopped, ALWAYS_OPEN, [50, 75], [HOUR])).toEqual([]);
  });

  it('given more accrued time than the target, when listing, then warnings and breach are due at runningSince', () => {
    const paused = pauseClock(startClock('resolution', 1, 4 * HOUR, utc('2026-03-06T09:00')), OFFICE_UTC, utc('2026-03-06T14:00'));
    const resumed = resumeClock(paused, utc('2026-03-07T10:00'));
    expect(pendingMilestones(resumed, OFFICE_UTC, [50], [2 * HOUR])).toEqual([
      { kind: 'warning', at: utc('2026-03-07T10:00'), threshold: 50 },
      { kind: 'breach', at: utc('2026-03-07T10:00') },
      // target + 2h = 6h, 1h more than the 5h accrued: Monday 09:00-10:00.
      { kind: 'escalation', at: utc('2026-03-09T10:00'), step: 0 },
    ]);
  });
});

describe('clockStatus', () => {
  it('given a running clock halfway, when viewed, then it is running, not breached, with the remaining time and due instant', () => {
    const clock: SlaClock = { ...startClock('first_response', 1, 4 * HOUR, MON_0900), warned: [90, 50] };
    const status = clockStatus(clock, OFFICE_UTC, utc('2026-03-02T11:00'));
    expect(status).toEqual({
      kind: 'first_response',
      cycle: 1,
      state: 'running',
      targetBusinessMs: 4 * HOUR,
      elapsedBusinessMs: 2 * HOUR,
      remainingBusinessMs: 2 * HOUR,
      dueAt: utc('2026-03-02T13:00'),
      breached: false,
      breachedAt: null,
      warnedThresholds: [50, 90],
      escalationsDone: 0,
      startedAt: MON_0900,
      stoppedAt: null,
    });
    // The sorted copy does not reorder the clock's own list.
    expect(clock.warned).toEqual([90, 50]);
  });

  it('given a paused clock, when viewed, then it is paused with no due instant', () => {
    const paused = pauseClock(startClock('resolution', 1, 4 * HOUR, MON_0900), OFFICE_UTC, utc('2026-03-02T10:00'));
    const status = clockStatus(paused, OFFICE_UTC, utc('2026-03-03T16:00'));
    expect(status).toMatchObject({ state: 'paused', elapsedBusinessMs: HOUR, remainingBusinessMs: 3 * HOUR, dueAt: null, breached: false });
  });

  it('given a stopped clock, when viewed, then it is stopped with no due instant and its stop time', () => {
    const stopped = stopClock(startClock('resolution', 1, 4 * HOUR, MON_0900), OFFICE_UTC, utc('2026-03-02T12:00'));
    const status = clockStatus(stopped, OFFICE_UTC, utc('2026-03-04T12:00'));
    expect(status).toMatchObject({ state: 'stopped', elapsedBusinessMs: 3 * HOUR, remainingBusinessMs: HOUR, dueAt: null, stoppedAt: utc('2026-03-02T12:00') });
  });

  it('given a running clock past its target before the breach timer fired, when viewed, then it is breached with negative remaining time', () => {
    const clock = startClock('resolution', 1, 2 * HOUR, MON_0900);
    const status = clockStatus(clock, OFFICE_UTC, utc('2026-03-02T12:00'));
    expect(status).toMatchObject({ state: 'running', elapsedBusinessMs: 3 * HOUR, remainingBusinessMs: -HOUR, breached: true, breachedAt: null });
    expect(status.dueAt).toBe(utc('2026-03-02T11:00'));
  });

  it('given a clock with a recorded breach, when viewed, then breachedAt is reported and is the due instant', () => {
    const clock: SlaClock = { ...startClock('resolution', 1, 2 * HOUR, MON_0900), breachedAt: utc('2026-03-02T11:00') };
    const status = clockStatus(clock, OFFICE_UTC, utc('2026-03-02T11:30'));
    expect(status).toMatchObject({ breached: true, breachedAt: utc('2026-03-02T11:00'), dueAt: utc('2026-03-02T11:00'), remainingBusinessMs: -30 * MIN });
  });
});
