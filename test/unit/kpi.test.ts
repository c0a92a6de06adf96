import type { Actor } from '../../src/domain/actors';
import type { BusinessCalendar } from '../../src/domain/calendar';
import { type ComplaintCommand, type ComplaintIntake, type ComplaintState, applyCommand, fireDueTimers, openComplaint } from '../../src/domain/complaint';
import { buildControlChart } from '../../src/domain/control-chart';
import {
  type ComplaintFact,
  type KpiCell,
  KPIS,
  KPI_IDS,
  NO_AREA,
  addFact,
  complaintFact,
  dayInZone,
  emptyCell,
  isoWeek,
  measureKpi,
  medianOf,
  mergeCells,
  periodBounds,
  periodOf,
  periodsBetween,
  quantile,
} from '../../src/domain/kpi';
import type { ServiceAreaRef } from '../../src/domain/service-area';
import type { SlaPolicySnapshot } from '../../src/domain/sla-policy';

// ----------------------------------------------------------------- fixtures
//
// April 2026: Thu 2 and Fri 3, the weekend 4–5, Easter Monday 6 (a holiday),
// then Tue 7 … Fri 10. The office works Mon–Fri 09:00–17:00 UTC (480 business
// minutes a day). P3 targets: first response 240, next response 120,
// resolution 960 business minutes; waiting for the customer pauses the
// resolution clock; an escalation (notify a supervisor) 30 business minutes
// after any breach.

const utc = (isoMinute: string): number => Date.parse(`${isoMinute}:00Z`);

const nineToFive = [{ start: '09:00', end: '17:00' }];
const OFFICE: BusinessCalendar = {
  id: 'office',
  version: 1,
  name: 'office hours',
  timeZone: 'UTC',
  weeklyHours: { mon: nineToFive, tue: nineToFive, wed: nineToFive, thu: nineToFive, fri: nineToFive, sat: [], sun: [] },
  holidays: ['2026-04-06'],
};

const P3_POLICY: SlaPolicySnapshot = {
  policyId: 'billing-p3',
  version: 3,
  name: 'billing P3',
  match: { severities: ['P3'] },
  targets: { firstResponseMinutes: 240, nextResponseMinutes: 120, resolutionMinutes: 960 },
  calendarId: OFFICE.id,
  calendar: OFFICE,
  pauseOnAwaitingCustomer: true,
  warningThresholds: [50, 75, 90],
  escalation: [{ afterBreachMinutes: 30, action: 'notify_role', role: 'supervisor' }],
  reopenWindowMinutes: 7 * 24 * 60,
  confirmationWindowMinutes: 3 * 24 * 60,
};

const BILLING: ServiceAreaRef = { areaId: 'billing', version: 2, name: 'Billing support', timeZone: 'UTC', causes: ['double_charge', 'tariff_not_explained'] };

const agentA: Actor = { id: 'agent-a', role: 'agent' };
const agentB: Actor = { id: 'agent-b', role: 'agent' };
const supervisor: Actor = { id: 'sup-1', role: 'supervisor' };
const intakeUser: Actor = { id: 'intake-1', role: 'intake' };

function intake(complaintId: string, overrides: Partial<ComplaintIntake> = {}): ComplaintIntake {
  return {
    complaintId,
    customer: { id: `cust-${complaintId}` },
    channel: 'email',
    category: 'billing',
    severity: 'P3',
    description: 'charged twice',
    createdBy: intakeUser,
    serviceArea: BILLING,
    ...overrides,
  };
}

type Step = [at: string, command: ComplaintCommand, actor: Actor] | [at: string, 'timers'];

/** Opens a complaint at `openedAt` and applies the steps in order through the real reducer. */
function complaint(id: string, openedAt: string, steps: Step[], overrides: Partial<ComplaintIntake> = {}): ComplaintState {
  let s = openComplaint(intake(id, overrides), { P3: P3_POLICY }, utc(openedAt)).state;
  for (const step of steps) {
    s = step[1] === 'timers' ? fireDueTimers(s, utc(step[0])).state : applyCommand(s, step[1], step[2], utc(step[0])).state;
  }
  return s;
}

const ACK: ComplaintCommand = { type: 'acknowledge' };
const REPLY_TO_CUSTOMER: ComplaintCommand = { type: 'add_note', text: 'looking into it', visibility: 'public' };
const resolve = (cause: string): ComplaintCommand => ({ type: 'resolve', summary: 'refunded', cause });

/**
 * A: opened Thu 15:00; acknowledged Fri 10:00; waits for the customer from Fri
 * 11:00 over the weekend and the holiday until Tue 10:00; resolved Tue 11:30,
 * reopened Tue 12:00, resolved again Wed 10:00, closed with CSAT 4.
 */
const A = complaint('A', '2026-04-02T15:00', [
  ['2026-04-03T10:00', ACK, agentA],
  ['2026-04-03T10:30', REPLY_TO_CUSTOMER, agentA],
  ['2026-04-03T11:00', { type: 'request_info', message: 'which invoice?' }, agentA],
  ['2026-04-07T10:00', { type: 'customer_replied', message: 'invoice 42' }, agentA],
  ['2026-04-07T11:30', resolve('double_charge'), agentA],
  ['2026-04-07T12:00', { type: 'reopen', reason: 'refund missing' }, agentA],
  ['2026-04-07T13:00', REPLY_TO_CUSTOMER, agentA],
  ['2026-04-08T10:00', resolve('double_charge'), agentA],
  ['2026-04-08T11:00', { type: 'close', rating: 4 }, agentA],
]);

/**
 * B: opened Fri 16:00, acknowledged only Tue 13:30 (first response breached
 * Tue 12:00, escalated 12:30); transferred to agent B; the customer writes at
 * Tue 14:00 and gets the next answer only with the resolution at 16:20
 * (next response breached 16:00); CSAT 2.
 */
const B = complaint('B', '2026-04-03T16:00', [
  ['2026-04-07T13:30', ACK, agentA],
  ['2026-04-07T13:40', { type: 'transfer', toAgentId: 'agent-b', reason: 'tariff specialist' }, agentA],
  ['2026-04-07T14:00', { type: 'customer_replied', message: 'any news?' }, agentB],
  ['2026-04-07T16:20', resolve('tariff_not_explained'), agentB],
  ['2026-04-07T16:25', { type: 'record_csat', rating: 2, reasons: ['slow_response'] }, agentB],
]);

/** C: opened Thu 9 09:00 and never touched; timers fired at 14:00 (first response breached 13:00, escalated 13:30). */
const C = complaint('C', '2026-04-09T09:00', [['2026-04-09T14:00', 'timers']]);

/** D: registered by agent A from a phone call Tue 09:00 (first response met at intake), resolved 11:00, CSAT 5. */
const D = complaint(
  'D',
  '2026-04-07T09:00',
  [
    ['2026-04-07T11:00', resolve('double_charge'), agentA],
    ['2026-04-07T11:05', { type: 'record_csat', rating: 5 }, agentA],
  ],
  { channel: 'phone', createdBy: agentA },
);

/** E: withdrawn by a supervisor half an hour after intake. */
const E = complaint('E', '2026-04-09T10:00', [['2026-04-09T10:30', { type: 'cancel', reason: 'withdrawn' }, supervisor]]);

/** F: opened Wed 09:00, acknowledged 09:45, resolved Fri 10:00 (resolution breached Thu 17:00, escalated Fri 09:30); no rating yet. */
const F = complaint('F', '2026-04-08T09:00', [
  ['2026-04-08T09:45', ACK, agentB],
  ['2026-04-10T10:00', resolve('double_charge'), agentB],
]);

const FACTS = [A, B, C, D, E, F].map(complaintFact);

function cellOf(facts: readonly ComplaintFact[]): KpiCell {
  return facts.reduce((cell, f) => addFact(cell, f), emptyCell());
}

// ------------------------------------------------------------------ facts

describe('complaintFact', () => {
  it('given a complaint waiting for the customer over a weekend and a holiday and reopened once, when taken as a fact, then business minutes leave out nights, the weekend, the holiday and the wait', () => {
    const fact = complaintFact(A);
    // First response: Thu 15:00–17:00 (120) + Fri 09:00–10:00 (60) = 180 ≤ 240: met.
    expect(fact.firstResponse).toEqual({ decided: true, met: true, businessMinutes: 180 });
    // Resolution: Thu 15:00–17:00 (120) + Fri 09:00–11:00 (120), paused Fri 11:00 → Tue 10:00
    // (without the pause: + Fri 11:00–17:00 (360) + Tue 09:00–10:00 (60)), Tue 10:00–11:30 (90) = 330 at the first resolution;
    // reopened Tue 12:00: + Tue 12:00–17:00 (300) + Wed 09:00–10:00 (60) = 690 ≤ 960: met.
    expect(fact.resolution).toEqual({ decided: true, met: true, businessMinutes: 690 });
    // Next response cycle 1: customer Tue 10:00, answered by the resolution at 11:30 (90 ≤ 120).
    expect(fact.nextResponse).toEqual({ decided: 1, met: 1 });
    expect(fact).toMatchObject({
      complaintId: 'A',
      version: A.version,
      areaId: 'billing',
      timeZone: 'UTC',
      day: '2026-04-02',
      createdAt: utc('2026-04-02T15:00'),
      status: 'closed',
      cancelled: false,
      category: 'billing',
      channel: 'email',
      severity: 'P3',
      queue: 'general',
      agentId: 'agent-a',
      policy: 'billing-p3@3',
      cause: 'double_charge',
      tags: [],
      resolved: true,
      breaches: 0,
      escalations: 0,
      reopens: 1,
      transfers: 0,
      csat: 4,
      csatRequested: true,
    });
  });

  it('given a first response breached across the weekend and the holiday, a transfer and a late next response, when taken as a fact, then the clocks are missed with their real business minutes', () => {
    const fact = complaintFact(B);
    // Due after 240: Fri 16:00–17:00 (60), Sat, Sun, holiday Mon, Tue 09:00–12:00 (180) → breach Tue 12:00;
    // acknowledged Tue 13:30: 60 + 270 = 330 (the holiday counted would give 60 + 480 + 270 = 810).
    expect(fact.firstResponse).toEqual({ decided: true, met: false, businessMinutes: 330 });
    // Resolution: Fri 60 + Tue 09:00–16:20 (440) = 500 ≤ 960.
    expect(fact.resolution).toEqual({ decided: true, met: true, businessMinutes: 500 });
    // Next response: customer Tue 14:00, due 16:00, answered 16:20.
    expect(fact.nextResponse).toEqual({ decided: 1, met: 0 });
    expect(fact).toMatchObject({
      status: 'resolved',
      // The first responder stays the agent the complaint is counted for, after the transfer.
      agentId: 'agent-a',
      cause: 'tariff_not_explained',
      resolved: true,
      // first response and next response; the escalation of the first response at Tue 12:30 (the next
      // response's would be 16:30, after the resolution).
      breaches: 2,
      escalations: 1,
      transfers: 1,
      reopens: 0,
      csat: 2,
      csatRequested: true,
    });
  });

  it('given an untouched complaint past its first-response target, when taken as a fact, then the clock is decided as missed without a duration and nothing else is decided', () => {
    const fact = complaintFact(C);
    expect(fact.firstResponse).toEqual({ decided: true, met: false, businessMinutes: null });
    // Resolution clock: 300 of 960 minutes on Thu, still running.
    expect(fact.resolution).toEqual({ decided: false, met: false, businessMinutes: null });
    expect(fact).toMatchObject({ status: 'open', agentId: null, cause: null, resolved: false, breaches: 1, escalations: 1, csat: null, csatRequested: false });
  });

  it('given a phone complaint registered by an agent, when taken as a fact, then the first response is met in 0 minutes', () => {
    const fact = complaintFact(D);
    expect(fact.firstResponse).toEqual({ decided: true, met: true, businessMinutes: 0 });
    expect(fact.resolution).toEqual({ decided: true, met: true, businessMinutes: 120 });
    expect(fact).toMatchObject({ channel: 'phone', agentId: 'agent-a', csat: 5, breaches: 0 });
  });

  it('given a resolution that ran past its target, when taken as a fact, then missed with the whole time on the clock', () => {
    const fact = complaintFact(F);
    expect(fact.firstResponse).toEqual({ decided: true, met: true, businessMinutes: 45 });
    // Wed 480 + Thu 480 = 960 reached exactly at Thu 17:00 (the breach); resolved Fri 10:00: 960 + 60 = 1020.
    expect(fact.resolution).toEqual({ decided: true, met: false, businessMinutes: 1020 });
    expect(F.sla!.breaches).toEqual([{ clock: 'resolution', cycle: 1, at: utc('2026-04-09T17:00') }]);
    expect(fact).toMatchObject({ breaches: 1, escalations: 1, csat: null, csatRequested: true, resolved: true });
  });

  it('given a withdrawn complaint, when taken as a fact, then cancelled and never resolved', () => {
    expect(complaintFact(E)).toMatchObject({ status: 'cancelled', cancelled: true, resolved: false });
  });
});

// ------------------------------------------------------------------ cells

describe('KPI cells and measures', () => {
  it('given six complaints (one withdrawn), when added to a cell, then the sums count five and keep the durations sorted', () => {
    const cell = cellOf(FACTS);
    expect(cell).toEqual({
      complaints: 5,
      bySeverity: { P1: 0, P2: 0, P3: 5, P4: 0 },
      // decided: A, B, C (breached, still running), D, F; met: A, D, F.
      firstResponse: { decided: 5, met: 3 },
      nextResponse: { decided: 2, met: 1 },
      // decided: A, B, D, F (C still running within target); met: A, B, D.
      resolution: { decided: 4, met: 3 },
      // settled = resolved (A, B, D, F) or breached (B, C, F): all five.
      settled: 5,
      withBreach: 3,
      breaches: 4,
      escalations: 3,
      transfers: 1,
      resolved: 4,
      reopened: 1,
      csat: { count: 3, sum: 11, satisfied: 2, requested: 4 },
      firstResponseMinutes: [0, 45, 180, 330],
      resolutionMinutes: [120, 500, 690, 1020],
    });
  });

  it('given that cell, when each KPI is measured, then the hand-computed values with their x and n', () => {
    const cell = cellOf(FACTS);
    const m = (id: (typeof KPI_IDS)[number], volume: number | null = null) => measureKpi(id, cell, volume);
    expect(m('first_response_attainment')).toEqual({ value: 3 / 5, x: 3, n: 5 });
    expect(m('next_response_attainment')).toEqual({ value: 1 / 2, x: 1, n: 2 });
    expect(m('resolution_attainment')).toEqual({ value: 3 / 4, x: 3, n: 4 });
    // Breached B, C, F out of the five settled complaints.
    expect(m('breach_rate')).toEqual({ value: 3 / 5, x: 3, n: 5 });
    // First response [0, 45, 180, 330]: median (45 + 180)/2 = 112.5; p90 nearest rank ⌈0.9·4⌉ = 4th = 330; mean 555/4 = 138.75.
    expect(m('first_response_median_minutes').value).toBe(112.5);
    expect(m('first_response_p90_minutes').value).toBe(330);
    expect(m('first_response_mean_minutes').value).toBe(138.75);
    // Resolution [120, 500, 690, 1020]: median (500 + 690)/2 = 595; p90 1020; mean 2330/4 = 582.5.
    expect(m('resolution_median_minutes').value).toBe(595);
    expect(m('resolution_p90_minutes').value).toBe(1020);
    expect(m('resolution_mean_minutes').value).toBe(582.5);
    expect(m('breach_count').value).toBe(4);
    expect(m('escalation_count').value).toBe(3);
    expect(m('transfer_count').value).toBe(1);
    expect(m('reopen_rate')).toEqual({ value: 1 / 4, x: 1, n: 4 });
    // CSAT 4, 2, 5: mean 11/3; satisfied (4–5) 2 of 3; 3 ratings for 4 requests.
    expect(m('csat_average').value).toBeCloseTo(11 / 3, 12);
    expect(m('csat_satisfied_share')).toEqual({ value: 2 / 3, x: 2, n: 3 });
    expect(m('csat_response_rate')).toEqual({ value: 3 / 4, x: 3, n: 4 });
    expect(m('complaint_volume').value).toBe(5);
    // 5 complaints over 2,500 transactions = 2 per 1,000: x = 5 over n = 2.5 thousand.
    expect(m('complaint_rate', 2500)).toEqual({ value: 2, x: 5, n: 2.5 });
    expect(m('complaint_rate', null).value).toBeNull();
  });

  it('given an empty cell, when each KPI is measured, then shares, times and averages are null (no data) and counts are 0', () => {
    const empty = emptyCell();
    for (const id of KPI_IDS) {
      const { value } = measureKpi(id, empty, 1000);
      if (KPIS[id].unit === 'count' || id === 'complaint_rate') expect({ id, value }).toEqual({ id, value: 0 });
      else expect({ id, value }).toEqual({ id, value: null });
    }
  });

  it('given the facts split into two cells by day, when merged, then the same cell as adding them all at once', () => {
    const early = FACTS.filter((f) => f.day < '2026-04-08');
    const late = FACTS.filter((f) => f.day >= '2026-04-08');
    expect(early.map((f) => f.complaintId)).toEqual(['A', 'B', 'D']);
    const merged = mergeCells([cellOf(early), cellOf(late)]);
    expect(merged).toEqual(cellOf(FACTS));
    expect(merged.resolutionMinutes).toEqual([120, 500, 690, 1020]);
  });

  it('given every proportion and rate KPI, when measured, then value = x/n, which the p and u charts require', () => {
    const cell = cellOf(FACTS);
    for (const id of KPI_IDS.filter((k) => KPIS[k].chart !== 'imr')) {
      const { value, x, n } = measureKpi(id, cell, 2500);
      expect({ id, ratio: x! / n! }).toEqual({ id, ratio: expect.closeTo(value!, 12) });
    }
    // And a real weekly complaint-rate series charts without complaint (value = x·1000/volume vs x/(volume/1000)).
    const weeks = Array.from({ length: 8 }, (_, i) => {
      const measure = measureKpi('complaint_rate', { ...cell, complaints: 3 + (i % 3) }, 1700 + 100 * i);
      return { period: `2026-W${String(10 + i).padStart(2, '0')}`, ...measure };
    });
    expect(buildControlChart(KPIS.complaint_rate.chart, weeks, null, KPIS.complaint_rate.better).status).toBe('ok');
  });

  it('given short sorted lists, when taking the median and the nearest-rank quantile, then the textbook values', () => {
    expect(medianOf([])).toBeNull();
    expect(medianOf([7])).toBe(7);
    expect(medianOf([1, 3, 8])).toBe(3);
    expect(medianOf([1, 3, 8, 10])).toBe(5.5);
    const tens = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    // Nearest rank: ⌈p·n⌉-th value. p90 of 10 values = 9th; p50 = 5th; p90 of 11 = ⌈9.9⌉ = 10th.
    expect(quantile(tens, 0.9)).toBe(90);
    expect(quantile(tens, 0.5)).toBe(50);
    expect(quantile([...tens, 110], 0.9)).toBe(100);
    expect(quantile([5], 0.9)).toBe(5);
    expect(quantile([], 0.9)).toBeNull();
  });
});

// ---------------------------------------------------------------- periods

describe('periods in the area time zone', () => {
  const shanghai: ServiceAreaRef = { ...BILLING, timeZone: 'Asia/Shanghai' };
  const factAt = (iso: string, area: ServiceAreaRef | null) =>
    complaintFact(openComplaint(intake('T', { serviceArea: area }), { P3: P3_POLICY }, Date.parse(iso)).state);

  it('given a complaint at 23:30 UTC on Sunday 3 January 2021, when its area is in Shanghai (UTC+8), then it counts on Monday 4 January, in 2021-W01, while UTC puts it in 2020-W53', () => {
    const inShanghai = factAt('2021-01-03T23:30:00Z', shanghai);
    expect(inShanghai).toMatchObject({ areaId: 'billing', timeZone: 'Asia/Shanghai', day: '2021-01-04' });
    expect(periodOf(inShanghai.day, 'week')).toBe('2021-W01');
    const inUtc = factAt('2021-01-03T23:30:00Z', BILLING);
    expect(inUtc.day).toBe('2021-01-03');
    expect(periodOf(inUtc.day, 'week')).toBe('2020-W53');
  });

  it('given instants near a month end, when cut in the area zone, then the month follows the local day', () => {
    // 2026-01-31 23:30 UTC = 2026-02-01 07:30 in Shanghai.
    expect(periodOf(factAt('2026-01-31T23:30:00Z', shanghai).day, 'month')).toBe('2026-02');
    expect(periodOf(factAt('2026-01-31T23:30:00Z', BILLING).day, 'month')).toBe('2026-01');
    // 2026-03-01 03:00 UTC = 2026-02-28 22:00 in New York (UTC−5).
    expect(periodOf(factAt('2026-03-01T03:00:00Z', { ...BILLING, timeZone: 'America/New_York' }).day, 'month')).toBe('2026-02');
  });

  it('given a complaint without a service area, when taken as a fact, then it is counted in UTC under the no-area key', () => {
    expect(factAt('2021-01-03T23:30:00Z', null)).toMatchObject({ areaId: NO_AREA, timeZone: 'UTC', day: '2021-01-03' });
  });

  it('given instants around the start of US daylight saving time, when converted to days, then the offset of that instant is used', () => {
    // DST starts 2026-03-08 in New York: 2026-03-09 04:30 UTC is 00:30 EDT (UTC−4) on the 9th; a fixed UTC−5 would say 23:30 on the 8th.
    expect(dayInZone(Date.parse('2026-03-09T04:30:00Z'), 'America/New_York')).toBe('2026-03-09');
    // Before the change: 2026-03-08 04:30 UTC is 23:30 EST on the 7th.
    expect(dayInZone(Date.parse('2026-03-08T04:30:00Z'), 'America/New_York')).toBe('2026-03-07');
  });

  it('given days around New Year, when cut into ISO weeks, then week 53 and week 1 fall where ISO 8601 puts them', () => {
    // 2020 started on a Wednesday and was a leap year: 53 weeks; W53 = Mon 28 Dec 2020 … Sun 3 Jan 2021.
    expect(isoWeek('2020-12-27')).toBe('2020-W52');
    expect(isoWeek('2020-12-28')).toBe('2020-W53');
    expect(isoWeek('2021-01-03')).toBe('2020-W53');
    expect(isoWeek('2021-01-04')).toBe('2021-W01');
    // 30 Dec 2024 is a Monday whose Thursday is 2 Jan 2025: week 1 of 2025.
    expect(isoWeek('2024-12-29')).toBe('2024-W52');
    expect(isoWeek('2024-12-30')).toBe('2025-W01');
    // 2026 starts on a Thursday: 53 weeks, the last ending Sun 3 Jan 2027.
    expect(isoWeek('2026-01-01')).toBe('2026-W01');
    expect(isoWeek('2026-12-31')).toBe('2026-W53');
    expect(isoWeek('2027-01-03')).toBe('2026-W53');
    expect(isoWeek('2027-01-04')).toBe('2027-W01');
    expect(periodBounds('2020-W53', 'week')).toEqual({ first: '2020-12-28', last: '2021-01-03' });
    expect(periodBounds('2025-W01', 'week')).toEqual({ first: '2024-12-30', last: '2025-01-05' });
    expect(periodBounds('2026-W53', 'week')).toEqual({ first: '2026-12-28', last: '2027-01-03' });
  });

  it('given months and ranges, when cut into periods, then month ends (leap February included) and the periods overlapping the range', () => {
    expect(periodBounds('2024-02', 'month')).toEqual({ first: '2024-02-01', last: '2024-02-29' });
    expect(periodBounds('2025-02', 'month')).toEqual({ first: '2025-02-01', last: '2025-02-28' });
    expect(periodBounds('2024-12', 'month')).toEqual({ first: '2024-12-01', last: '2024-12-31' });
    expect(periodBounds('2024-03-15', 'day')).toEqual({ first: '2024-03-15', last: '2024-03-15' });
    expect(periodOf('2024-03-15', 'month')).toBe('2024-03');
    expect(periodOf('2024-03-15', 'day')).toBe('2024-03-15');
    // Sun 20 Dec 2020 is in W51 (14–20 Dec); Sun 10 Jan 2021 ends W01.
    expect(periodsBetween('2020-12-20', '2021-01-10', 'week')).toEqual(['2020-W51', '2020-W52', '2020-W53', '2021-W01']);
    expect(periodsBetween('2024-01-31', '2024-03-01', 'month')).toEqual(['2024-01', '2024-02', '2024-03']);
    expect(periodsBetween('2024-02-28', '2024-03-01', 'day')).toEqual(['2024-02-28', '2024-02-29', '2024-03-01']);
  });
});

describe('breach rate', () => {
  it('given a complaint still open within its targets, when the breach rate is measured, then it is left out of n until it is resolved or breaches', () => {
    const settledOnly = cellOf(FACTS);
    const withOpen = mergeCells([settledOnly, addFact(emptyCell(), { ...complaintFact(A), complaintId: 'open-within-target', resolved: false, breaches: 0, cancelled: false })]);
    expect(withOpen.complaints).toBe(settledOnly.complaints + 1);
    expect(measureKpi('breach_rate', withOpen, null)).toEqual(measureKpi('breach_rate', settledOnly, null));
  });
});
