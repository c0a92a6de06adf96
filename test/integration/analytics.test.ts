/**
 * Quality analytics on the real stack (Worker on the Temporal dev server,
 * FerretDB, the API over HTTP):
 *
 * 1. Complaints driven through the API: the persistence activity writes each
 *    complaint's fact (version-guarded) and marks its area-day dirty; a KPI
 *    read refreshes the rollups; the one-off backfill rebuilds the same facts.
 * 2. A seeded data set (a deterministic generator; facts written with the
 *    activity's own `writeComplaintFact`): every KPI, Pareto and control
 *    chart the API answers equals an independent computation written plainly
 *    in this file from the raw `complaint_facts` documents.
 * 3. Rollups are replaced, not incremented: refreshed again (also two
 *    refreshers at once) they are identical; a fact rewritten at a newer
 *    version moves the figures, an older one does not.
 * 4. Agents see their own figures and their queues; bad input is 400 with
 *    field paths and writes nothing.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { createComplaintActivities } from '../../activities';
import { writeComplaintFact } from '../../activities/complaint';
import { applyCommand, openComplaint } from '../../src/domain/complaint';
import { backfillComplaintFacts, markAreaDaysDirty, refreshRollups } from '../../src/db/kpi-rollups';
import { MAX_PERIODS, MAX_RANGE_DAYS } from '../../src/services/analytics';
import { type ComplaintFact, complaintFact } from '../../src/domain/kpi';
import { type ApiStack, type CallResult, type Problem, collectionCounts, errorPaths, expectProblem, rejectionChecker, startApiStack } from '../helpers/api';
import { eventually, uniqueId } from '../helpers/stack';

type View = Record<string, any>;

const DAY_MS = 86_400_000;
const KPI_LIST = [
  'first_response_attainment',
  'next_response_attainment',
  'resolution_attainment',
  'breach_rate',
  'first_response_median_minutes',
  'first_response_p90_minutes',
  'first_response_mean_minutes',
  'resolution_median_minutes',
  'resolution_p90_minutes',
  'resolution_mean_minutes',
  'breach_count',
  'escalation_count',
  'transfer_count',
  'reopen_rate',
  'csat_average',
  'csat_satisfied_share',
  'csat_response_rate',
  'complaint_volume',
  'complaint_rate',
] as const;
type Kpi = (typeof KPI_LIST)[number];

// ------------------------------------------------------------ seeded data

/** Twelve weeks, Monday 1 June to Sunday 23 August 2026 (ISO weeks 23 to 34). */
const FROM = '2026-06-01';
const TO = '2026-08-23';
const DAYS = 84;

const plusDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

/** mulberry32: a small seeded PRNG, so the data set is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CAUSES: Record<string, string[]> = {
  north: ['double-charge', 'double-charge', 'double-charge', 'tariff-unclear', 'invoice-missing'],
  south: ['late-delivery', 'damaged', 'late-delivery'],
  '-': [],
};
const ZONE: Record<string, string> = { north: 'Europe/Paris', south: 'America/New_York', '-': 'UTC' };

/**
 * 420 facts over twelve weeks in two areas and a few without an area. In the
 * last three weeks north's first responses get much worse (a shift the
 * control chart must flag). Times are minutes of business time; a clock that
 * breached and is still running has no duration.
 */
function seededFacts(): ComplaintFact[] {
  const rnd = prng(20_260_601);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const facts: ComplaintFact[] = [];
  for (let i = 0; i < 420; i++) {
    const areaId = i % 21 === 0 ? '-' : i % 3 === 0 ? 'south' : 'north';
    const dayIndex = Math.floor(rnd() * DAYS);
    const day = plusDays(FROM, dayIndex);
    const shifted = areaId === 'north' && dayIndex >= 63;
    const cancelled = rnd() < 0.05;
    const resolved = !cancelled && rnd() < 0.7;
    const frDecided = rnd() < 0.9;
    const frMet = frDecided && rnd() < (shifted ? 0.45 : 0.92);
    const firstResponse = { decided: frDecided, met: frMet, businessMinutes: frMet ? Math.round(5 + rnd() * (shifted ? 230 : 110)) : frDecided && rnd() < 0.5 ? 240 + Math.round(rnd() * 300) : null };
    const resMet = resolved && rnd() < 0.8;
    const resolution = resolved ? { decided: true, met: resMet, businessMinutes: Math.round(60 + rnd() * (resMet ? 900 : 2000)) } : { decided: rnd() < 0.15, met: false, businessMinutes: null };
    const nrDecided = Math.floor(rnd() * 3);
    const nrMet = Math.min(nrDecided, Math.floor(rnd() * 3));
    const breaches = (frDecided && !frMet ? 1 : 0) + (resolution.decided && !resolution.met ? 1 : 0) + (nrDecided - nrMet);
    const causes = CAUSES[areaId]!;
    facts.push({
      complaintId: `c_seed${String(i).padStart(4, '0')}`,
      version: 1 + Math.floor(rnd() * 8),
      areaId,
      timeZone: ZONE[areaId]!,
      day,
      // Noon UTC is the same calendar day in Paris and New York.
      createdAt: Date.parse(`${day}T12:00:00Z`) + Math.floor(rnd() * 3_600_000),
      status: cancelled ? 'cancelled' : resolved ? pick(['resolved', 'closed'] as const) : pick(['open', 'acknowledged', 'in_progress'] as const),
      cancelled,
      category: pick(['billing', 'billing', 'delivery', 'account', 'network']),
      channel: pick(['web', 'email', 'phone'] as const),
      severity: pick(['P1', 'P2', 'P3', 'P3', 'P4'] as const),
      queue: pick(['general', 'general', 'billing', 'vip']),
      agentId: pick(['alice', 'bob', 'carol', null]),
      policy: pick(['standard-business-hours@1', 'billing-business-hours@1']),
      cause: resolved && causes.length > 0 ? pick(causes) : null,
      tags: [],
      resolved,
      firstResponse,
      resolution,
      nextResponse: { decided: nrDecided, met: nrMet },
      breaches,
      escalations: breaches > 0 ? Math.floor(rnd() * 2) : 0,
      reopens: resolved && rnd() < 0.12 ? 1 : 0,
      transfers: Math.floor(rnd() * 3),
      csat: resolved && rnd() < 0.6 ? 1 + Math.floor(rnd() * 5) : null,
      csatRequested: resolved,
    });
  }
  return facts;
}

/** Volume: north every day, south only the first five weeks (its later weeks have no rate). */
const volumeOf = (areaId: string, dayIndex: number): number | null => (areaId === 'north' ? 2000 + ((dayIndex * 37) % 500) : areaId === 'south' && dayIndex < 35 ? 900 + ((dayIndex * 53) % 300) : null);

// --------------------------------------------- the independent computation

function isoWeekKey(day: string): string {
  const t = Date.parse(`${day}T00:00:00Z`);
  const weekday = (new Date(t).getUTCDay() + 6) % 7;
  const thursday = t + (3 - weekday) * DAY_MS;
  const year = new Date(thursday).getUTCFullYear();
  const jan4 = Date.UTC(year, 0, 4);
  const firstThursday = jan4 + (3 - ((new Date(jan4).getUTCDay() + 6) % 7)) * DAY_MS;
  return `${year}-W${String(1 + Math.round((thursday - firstThursday) / (7 * DAY_MS))).padStart(2, '0')}`;
}

type Period = 'day' | 'week' | 'month';
const periodKey = (day: string, period: Period) => (period === 'day' ? day : period === 'week' ? isoWeekKey(day) : day.slice(0, 7));

function periodKeys(from: string, to: string, period: Period): string[] {
  const keys: string[] = [];
  for (let d = from; d <= to; d = plusDays(d, 1)) if (!keys.includes(periodKey(d, period))) keys.push(periodKey(d, period));
  return keys;
}

interface Measure {
  value: number | null;
  x: number | null;
  n: number | null;
}

const ratio = (x: number, n: number): Measure => ({ value: n > 0 ? x / n : null, x, n });
const sortedNumbers = (xs: (number | null)[]) => xs.filter((v): v is number => v !== null).sort((a, b) => a - b);
const median = (xs: number[]) => (xs.length === 0 ? null : xs.length % 2 ? xs[(xs.length - 1) / 2]! : (xs[xs.length / 2 - 1]! + xs[xs.length / 2]!) / 2);
const p90 = (xs: number[]) => (xs.length === 0 ? null : xs[Math.ceil(0.9 * xs.length) - 1]!);
const mean = (xs: number[]) => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);
const plain = (value: number | null): Measure => ({ value, x: null, n: null });
const count = (value: number): Measure => ({ value, x: value, n: null });
const sum = (facts: ComplaintFact[], f: (x: ComplaintFact) => number) => facts.reduce((s, x) => s + f(x), 0);

/** A KPI over a set of complaints (cancelled ones already left out), by its definition in words (docs/analytics.md). */
function expected(kpi: Kpi, facts: ComplaintFact[], volume: number | null): Measure {
  const frMinutes = sortedNumbers(facts.map((f) => f.firstResponse?.businessMinutes ?? null));
  const resMinutes = sortedNumbers(facts.map((f) => f.resolution?.businessMinutes ?? null));
  const rated = facts.filter((f) => f.csat !== null);
  const resolved = facts.filter((f) => f.resolved);
  switch (kpi) {
    case 'first_response_attainment':
      return ratio(facts.filter((f) => f.firstResponse?.decided && f.firstResponse.met).length, facts.filter((f) => f.firstResponse?.decided).length);
    case 'resolution_attainment':
      return ratio(facts.filter((f) => f.resolution?.decided && f.resolution.met).length, facts.filter((f) => f.resolution?.decided).length);
    case 'next_response_attainment':
      return ratio(sum(facts, (f) => f.nextResponse.met), sum(facts, (f) => f.nextResponse.decided));
    case 'breach_rate':
      // Out of the complaints whose outcome is known: resolved, or breached already.
      return ratio(facts.filter((f) => f.breaches > 0).length, facts.filter((f) => f.breaches > 0 || f.resolved).length);
    case 'first_response_median_minutes':
      return plain(median(frMinutes));
    case 'first_response_p90_minutes':
      return plain(p90(frMinutes));
    case 'first_response_mean_minutes':
      return plain(mean(frMinutes));
    case 'resolution_median_minutes':
      return plain(median(resMinutes));
    case 'resolution_p90_minutes':
      return plain(p90(resMinutes));
    case 'resolution_mean_minutes':
      return plain(mean(resMinutes));
    case 'breach_count':
      return count(sum(facts, (f) => f.breaches));
    case 'escalation_count':
      return count(sum(facts, (f) => f.escalations));
    case 'transfer_count':
      return count(sum(facts, (f) => f.transfers));
    case 'reopen_rate':
      return ratio(resolved.filter((f) => f.reopens > 0).length, resolved.length);
    case 'csat_average':
      return plain(mean(rated.map((f) => f.csat!)));
    case 'csat_satisfied_share':
      return ratio(rated.filter((f) => f.csat! >= 4).length, rated.length);
    case 'csat_response_rate':
      return ratio(rated.length, facts.filter((f) => f.csatRequested).length);
    case 'complaint_volume':
      return count(facts.length);
    case 'complaint_rate':
      return volume ? { value: (facts.length * 1000) / volume, x: facts.length, n: volume / 1000 } : { value: null, x: facts.length, n: null };
  }
}

/** Ten significant digits: sums taken in another order differ in the last bits. */
const r10 = (v: number | null | undefined) => (v === null || v === undefined ? null : Number(v.toPrecision(10)));
const comparable = (m: Measure) => ({ value: r10(m.value), x: r10(m.x), n: r10(m.n) });

// --------------------------------------------------------------------- test

describe('quality analytics', () => {
  let stack: ApiStack;
  const keys = () => stack.keys;
  let seeded: ComplaintFact[] = [];

  beforeAll(async () => {
    stack = await startApiStack();
    const ada = keys().ada!;
    const ok = async (res: Promise<CallResult>, status: number) => {
      const r = await res;
      if (r.status !== status) throw new Error(`fixture answered ${r.status}: ${r.text.slice(0, 400)}`);
      return r.body as View;
    };
    const weekdays = [{ start: '09:00', end: '17:00' }];
    await ok(
      stack.call('POST', '/calendars', {
        key: ada,
        body: { calendarId: 'new-york', name: 'New York office', timeZone: 'America/New_York', weeklyHours: { mon: weekdays, tue: weekdays, wed: weekdays, thu: weekdays, fri: weekdays, sat: [], sun: [] }, holidays: [] },
      }),
      201,
    );
    const area = (areaId: string, calendarId: string, categories: string[], causes: string[]) =>
      ok(
        stack.call('POST', '/service-areas', {
          key: ada,
          body: { areaId, name: `${areaId} support`, match: { categories }, processOwnerId: 'olivia', calendarId, volumeUnit: 'transactions', causes: causes.map((code) => ({ code, label: code.replace(/-/g, ' ') })) },
        }),
        201,
      );
    await area('billing', 'paris-office', ['billing'], ['double-charge', 'invoice-missing']);
    // The seeded areas match categories no complaint of this file is registered with.
    await area('north', 'paris-office', ['seed-north'], ['double-charge', 'tariff-unclear', 'invoice-missing']);
    await area('south', 'new-york', ['seed-south'], ['late-delivery', 'damaged']);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const get = (path: string, key = keys().sam!) => stack.call<View>('GET', path, { key });
  const must = async (path: string, key?: string): Promise<View> => {
    const res = await get(path, key);
    expect({ path, status: res.status, body: res.status === 200 ? 'ok' : res.body }).toEqual({ path, status: 200, body: 'ok' });
    return res.body;
  };
  const storedFacts = async (): Promise<ComplaintFact[]> => (await stack.models.ComplaintFact.find({}, { factJson: 1 }).lean()).map((d) => JSON.parse(d.factJson) as ComplaintFact);

  // ------------------------------------------------------- through the API

  describe('complaints driven through the API', () => {
    const ids = { open: '', acked: '', resolved: '', cancelled: '', noArea: '' };
    let range = { from: '', to: '' };

    const register = async (by: string, channel: 'web' | 'phone', category: string): Promise<string> => {
      const res = await stack.call('POST', '/complaints', {
        key: keys()[by],
        body: { customer: { id: uniqueId('cust') }, channel, category, severity: 'P3', description: 'Analytics test: charged twice.' },
      });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const act = async (by: string, id: string, slug: string, body: unknown): Promise<number> => {
      const res = await stack.call('POST', `/complaints/${id}/${slug}`, { key: keys()[by], body });
      expect({ slug, status: res.status }).toEqual({ slug, status: 200 });
      return res.body.version as number;
    };
    /** The complaint document and its fact, once both are stored at `version` or later. */
    const persisted = (id: string, version = 1) =>
      eventually(
        async () => {
          const [doc, fact] = await Promise.all([stack.models.Complaint.findById(id).lean(), stack.models.ComplaintFact.findById(id).lean()]);
          return doc && fact && doc.version >= version && fact.version === doc.version ? { doc, fact } : null;
        },
        20_000,
        `complaint ${id} persisted at version ${version}`,
      );

    beforeAll(async () => {
      ids.open = await register('webform', 'web', 'billing');
      ids.acked = await register('alice', 'phone', 'billing');
      ids.resolved = await register('alice', 'phone', 'billing');
      ids.cancelled = await register('webform', 'web', 'billing');
      ids.noArea = await register('webform', 'web', 'delivery');
      for (const id of Object.values(ids)) await persisted(id);
      await persisted(ids.resolved, await act('alice', ids.resolved, 'resolve', { summary: 'Refunded the second charge.', cause: 'double-charge' }));
      await persisted(ids.cancelled, await act('sam', ids.cancelled, 'cancel', { reason: 'withdrawn' }));
      const days = (await storedFacts()).map((f) => f.day).sort();
      range = { from: plusDays(days[0]!, -1), to: plusDays(days[days.length - 1]!, 1) };
    });

    it('given complaints of an area and one without, when persisted, then each has a fact at the document version, in its area and intake day in the area zone, and documents and rows carry the area', async () => {
      for (const [name, id] of Object.entries(ids)) {
        const { doc, fact } = await persisted(id);
        const f = JSON.parse(fact.factJson) as ComplaintFact;
        const areaId = name === 'noArea' ? '-' : 'billing';
        const zone = name === 'noArea' ? 'UTC' : 'Europe/Paris';
        const localDay = new Date(doc.createdAt).toLocaleDateString('en-CA', { timeZone: zone });
        expect({ name, areaId: fact.areaId, day: fact.day, areaDay: fact.areaDay, version: f.version, cancelled: f.cancelled }).toEqual({
          name,
          areaId,
          day: localDay,
          areaDay: `${areaId}|${localDay}`,
          version: doc.version,
          cancelled: name === 'cancelled',
        });
        const row = await stack.models.ComplaintRow.findById(id).lean();
        expect({ name, doc: doc.areaId, row: row?.areaId }).toEqual({ name, doc: name === 'noArea' ? null : 'billing', row: name === 'noArea' ? null : 'billing' });
      }
    });

    it('given those facts, when KPIs, the cause Pareto and the drill-down are read, then they count the non-cancelled complaints of the area exactly as the facts say', async () => {
      const facts = (await storedFacts()).filter((f) => f.areaId === 'billing' && !f.cancelled);
      const series = await must(`/analytics/kpis?kpi=complaint_volume,first_response_attainment,resolution_attainment&area=billing&period=day&from=${range.from}&to=${range.to}`);
      const totals = Object.fromEntries(series.items.map((s: View) => [s.kpi, comparable(s.total)]));
      expect(totals).toEqual({
        complaint_volume: comparable(expected('complaint_volume', facts, null)),
        first_response_attainment: comparable(expected('first_response_attainment', facts, null)),
        resolution_attainment: comparable(expected('resolution_attainment', facts, null)),
      });
      expect(totals.complaint_volume.value).toBe(3);
      // The rollups the read refreshed: one per series of the area-day, the area as a whole counting the three.
      const day = facts[0]!.day;
      const whole = await stack.models.KpiRollup.findById(`billing|all|*|${day}`).lean();
      expect(JSON.parse(whole!.cellJson).complaints).toBe(facts.filter((f) => f.day === day).length);

      const pareto = await must(`/analytics/pareto?by=cause&area=billing&from=${range.from}&to=${range.to}`);
      expect(pareto.rows.map((r: View) => [r.key, r.count])).toEqual([['double-charge', 1]]);

      const drill = await must(`/analytics/complaints?area=billing&from=${range.from}&to=${range.to}`);
      const newestFirst = [...facts].sort((a, b) => (a.day !== b.day ? (a.day < b.day ? 1 : -1) : b.createdAt - a.createdAt)).map((f) => f.complaintId);
      expect(drill.items.map((i: View) => i.id)).toEqual(newestFirst);
      expect(drill.items.find((i: View) => i.id === ids.resolved).row).toMatchObject({ status: 'resolved', areaId: 'billing' });
      const byCause = await must(`/analytics/complaints?area=billing&dimension=cause&value=double-charge&from=${range.from}&to=${range.to}`);
      expect(byCause.items.map((i: View) => i.id)).toEqual([ids.resolved]);
    });

    it('given a complaint that moves on (resolved with another cause), when the figures are read again, then its new fact version is counted and nothing twice', async () => {
      await persisted(ids.acked, await act('alice', ids.acked, 'resolve', { summary: 'The invoice was re-sent.', cause: 'invoice-missing' }));
      const pareto = await must(`/analytics/pareto?by=cause&area=billing&from=${range.from}&to=${range.to}`);
      expect(pareto.rows.map((r: View) => [r.key, r.count])).toEqual([
        ['double-charge', 1],
        ['invoice-missing', 1],
      ]);
      const facts = (await storedFacts()).filter((f) => f.areaId === 'billing' && !f.cancelled);
      const series = await must(`/analytics/kpis?kpi=complaint_volume,resolution_attainment&area=billing&period=week&from=${range.from}&to=${range.to}`);
      expect(series.items.map((s: View) => comparable(s.total))).toEqual([comparable(expected('complaint_volume', facts, null)), comparable(expected('resolution_attainment', facts, null))]);
    });

    it('given the open work of the area, when the backlog is read, then it counts the rows in hand by status and age, resolved ones apart', async () => {
      const backlog = await must('/analytics/backlog?area=billing');
      const rows = await stack.models.ComplaintRow.find({ areaId: 'billing', active: true }).lean();
      const inHand = rows.filter((r) => r.status !== 'resolved');
      expect({ open: backlog.open, resolved: backlog.resolved, opened: backlog.byStatus.open, breached: backlog.breached }).toEqual({
        open: inHand.length,
        resolved: rows.length - inHand.length,
        opened: inHand.filter((r) => r.status === 'open').length,
        breached: inHand.filter((r) => r.breached).length,
      });
      expect(backlog.byAge.reduce((s: number, b: View) => s + b.count, 0)).toBe(inHand.length);
      expect(backlog.open).toBe(1);
    });

    it('given an agent, when reading analytics, then their own figures by default and their queues are served, and any other filter is 403 with nothing changed', async () => {
      const alice = keys().alice!;
      const mine = await must(`/analytics/kpis?kpi=complaint_volume&area=billing&from=${range.from}&to=${range.to}`, alice);
      const facts = (await storedFacts()).filter((f) => f.areaId === 'billing' && !f.cancelled);
      expect(mine.items[0].filter).toEqual({ dimension: 'agent', value: 'alice' });
      expect(mine.items[0].total.value).toBe(facts.filter((f) => f.agentId === 'alice').length);
      await must(`/analytics/kpis?kpi=complaint_volume&dimension=queue&value=general&from=${range.from}&to=${range.to}`, alice);
      await must(`/analytics/pareto?by=cause&dimension=agent&value=alice&from=${range.from}&to=${range.to}`, alice);
      await must(`/analytics/control-chart?kpi=complaint_volume&from=${range.from}&to=${range.to}`, alice);
      const drill = await must(`/analytics/complaints?area=billing&from=${range.from}&to=${range.to}`, alice);
      expect(drill.items.map((i: View) => i.id).sort()).toEqual([ids.acked, ids.resolved].sort());
      expect((await must('/analytics/backlog', alice)).ownerId).toBe('alice');
      await must('/analytics/backlog?queue=general', alice);

      const refused = rejectionChecker(
        () => stack,
        async () => ({ ...(await collectionCounts(stack.models)), rollups: await stack.models.KpiRollup.countDocuments({}) }),
      );
      for (const path of [
        `/analytics/kpis?kpi=complaint_volume&dimension=category&value=billing&from=${range.from}&to=${range.to}`,
        `/analytics/kpis?kpi=complaint_volume&dimension=agent&value=bob&from=${range.from}&to=${range.to}`,
        `/analytics/kpis?kpi=complaint_volume&dimension=queue&value=vip&from=${range.from}&to=${range.to}`,
        `/analytics/pareto?by=cause&dimension=cause&value=double-charge&from=${range.from}&to=${range.to}`,
        `/analytics/control-chart?kpi=complaint_volume&dimension=channel&value=web&from=${range.from}&to=${range.to}`,
        `/analytics/complaints?dimension=agent&value=bob&from=${range.from}&to=${range.to}`,
        '/analytics/backlog?queue=vip',
      ]) {
        const res = await refused('GET', path, { key: alice }, 403, 'NOT_PERMITTED');
        expect({ path, detail: res.body.detail }).toEqual({ path, detail: expect.stringContaining('outside your assigned scope for analytics.read') });
      }
    });

    it('given complaints stored before facts existed, when the backfill runs twice, then the same facts and rollups are rebuilt once and the second run does nothing', async () => {
      const byId = <T extends { _id: unknown }>(docs: T[]) => [...docs].sort((a, b) => String(a._id).localeCompare(String(b._id)));
      await must(`/analytics/kpis?kpi=complaint_volume&from=${range.from}&to=${range.to}`);
      const facts = byId(await stack.models.ComplaintFact.find({}).lean());
      const rollups = byId(await stack.models.KpiRollup.find({}).lean());
      expect(facts).toHaveLength(Object.keys(ids).length);

      await stack.models.ComplaintFact.deleteMany({});
      await stack.models.KpiRollup.deleteMany({});
      const first = await backfillComplaintFacts(stack.models);
      expect(first).toEqual({ inserted: facts.length, areaDays: new Set(facts.map((f) => f.areaDay)).size });
      expect(byId(await stack.models.ComplaintFact.find({}).lean())).toEqual(facts);
      expect(byId(await stack.models.KpiRollup.find({}).lean())).toEqual(rollups);

      expect(await backfillComplaintFacts(stack.models)).toEqual({ inserted: 0, areaDays: 0 });
      expect(byId(await stack.models.ComplaintFact.find({}).lean())).toEqual(facts);
      expect(await stack.models.connection.collection('migrations').countDocuments({ _id: 'complaint_facts_v1' as never })).toBe(1);
    });
  });

  // ---------------------------------------------------------- seeded data

  describe('a seeded data set (two areas, twelve weeks)', () => {
    /** Every fact in the range, from the stored documents (not from the generator). */
    let inRange: ComplaintFact[] = [];
    const live = () => inRange.filter((f) => !f.cancelled);
    /** The stored service volume, read once after seeding. */
    let storedVolume: { areaId: string; day: string; volume: number }[] = [];

    beforeAll(async () => {
      seeded = seededFacts();
      for (let i = 0; i < seeded.length; i += 20) await Promise.all(seeded.slice(i, i + 20).map((f) => writeComplaintFact(stack.models, f)));
      const volumes = ['north', 'south'].flatMap((areaId) =>
        Array.from({ length: DAYS }, (_, i) => ({ areaId, i, volume: volumeOf(areaId, i) }))
          .filter((v) => v.volume !== null)
          .map((v) => ({ _id: `${areaId}|${plusDays(FROM, v.i)}`, areaId, day: plusDays(FROM, v.i), volume: v.volume!, updatedAt: new Date(), updatedBy: 'test' })),
      );
      await stack.models.ServiceVolume.insertMany(volumes);
      inRange = (await storedFacts()).filter((f) => f.day >= FROM && f.day <= TO);
      expect(inRange).toHaveLength(seeded.length);
      storedVolume = await stack.models.ServiceVolume.find({}, { _id: 0, areaId: 1, day: 1, volume: 1 }).lean();
    });

    const volumeIn = async (areaIds: string[], keep: (day: string) => boolean): Promise<number | null> => {
      const docs = storedVolume.filter((d) => areaIds.includes(d.areaId) && keep(d.day));
      return docs.length === 0 ? null : docs.reduce((s, d) => s + d.volume, 0);
    };

    /** The series the API should answer, computed here from the stored facts and volumes. */
    async function expectedSeries(areaId: string | null, filter: ((f: ComplaintFact) => boolean) | null, period: Period, from: string, to: string) {
      const areas = areaId ? [areaId] : ['billing', 'north', 'south', '-'];
      const facts = live().filter((f) => areas.includes(f.areaId) && f.day >= from && f.day <= to && (!filter || filter(f)));
      const keys = periodKeys(from, to, period);
      const out: Record<string, { points: unknown[]; total: unknown }> = {};
      for (const kpi of KPI_LIST) {
        // A rate counts only the areas with volume in the period (a filtered series divides by the whole area's volume).
        const measureOver = async (keep: (day: string) => boolean) => {
          if (kpi !== 'complaint_rate') return expected(kpi, facts.filter((f) => keep(f.day)), null);
          const withVolume: string[] = [];
          for (const a of areas) if ((await volumeIn([a], (d) => d >= from && d <= to && keep(d))) !== null) withVolume.push(a);
          if (withVolume.length === 0) return expected(kpi, facts.filter((f) => keep(f.day)), null);
          return expected(kpi, facts.filter((f) => keep(f.day) && withVolume.includes(f.areaId)), await volumeIn(withVolume, (d) => d >= from && d <= to && keep(d)));
        };
        const points = [];
        for (const key of keys) points.push({ period: key, ...comparable(await measureOver((d) => periodKey(d, period) === key)) });
        let total: Measure;
        if (kpi === 'complaint_rate') {
          // Over the range: the sum over the (area, period) pairs that have volume.
          let x = 0;
          let volume = 0;
          for (const key of keys) {
            for (const a of areas) {
              const v = await volumeIn([a], (d) => d >= from && d <= to && periodKey(d, period) === key);
              if (v === null) continue;
              x += facts.filter((f) => f.areaId === a && periodKey(f.day, period) === key).length;
              volume += v;
            }
          }
          total = volume > 0 ? { value: (x * 1000) / volume, x, n: volume / 1000 } : expected(kpi, facts, null);
        } else total = expected(kpi, facts, null);
        out[kpi] = { points, total: comparable(total) };
      }
      return out;
    }

    const answered = (body: View) => Object.fromEntries(body.items.map((s: View) => [s.kpi, { points: s.points.map((p: View) => ({ period: p.period, ...comparable(p as Measure) })), total: comparable(s.total) }]));

    it.each([
      ['north, weekly', 'area=north&period=week', 'north', null, 'week', FROM, TO],
      ['all areas, weekly', 'period=week', null, null, 'week', FROM, TO],
      ['north billing complaints, monthly', 'area=north&dimension=category&value=billing&period=month', 'north', (f: ComplaintFact) => f.category === 'billing', 'month', FROM, TO],
      ["south, alice's complaints, daily over two weeks", 'area=south&dimension=agent&value=alice&period=day', 'south', (f: ComplaintFact) => f.agentId === 'alice', 'day', '2026-06-29', '2026-07-12'],
      ['all areas, P1 complaints, weekly, a range cutting weeks', 'dimension=severity&value=P1&period=week', null, (f: ComplaintFact) => f.severity === 'P1', 'week', '2026-06-10', '2026-07-22'],
    ] as const)('given the seeded facts, when every KPI of %s is read, then each point and the total equal the independent computation', async (_name, query, areaId, filter, period, from, to) => {
      const body = await must(`/analytics/kpis?kpi=${KPI_LIST.join(',')}&${query}&from=${from}&to=${to}`);
      expect(answered(body)).toEqual(await expectedSeries(areaId, filter, period as Period, from, to));
    });

    /** Pareto rows computed here: count (or severity weight) per key, largest first, ties by key, vital few up to 80 %. */
    function expectedPareto(facts: ComplaintFact[], key: (f: ComplaintFact) => string | null, weighted: boolean) {
      const weights: Record<string, number> = { P1: 8, P2: 4, P3: 2, P4: 1 };
      const counts = new Map<string, number>();
      for (const f of facts) {
        const k = key(f);
        if (k !== null) counts.set(k, (counts.get(k) ?? 0) + (weighted ? weights[f.severity]! : 1));
      }
      const total = [...counts.values()].reduce((a, b) => a + b, 0);
      let cumulative = 0;
      let vitalDone = false;
      const rows = [...counts]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .map(([k, c]) => {
          cumulative += c;
          const row = { key: k, count: c, share: r10(c / total), cumulativeShare: r10(cumulative / total), vital: !vitalDone };
          if (cumulative / total >= 0.8) vitalDone = true;
          return row;
        });
      return { total, rows };
    }
    const paretoRows = (body: View) => ({ total: body.total, rows: body.rows.map((r: View) => ({ ...r, share: r10(r.share), cumulativeShare: r10(r.cumulativeShare) })) });

    it('given the seeded facts, when Paretos by cause (count and severity-weighted), by category and by channel are read, then they equal the independent tables', async () => {
      const north = live().filter((f) => f.areaId === 'north');
      const cause = await must(`/analytics/pareto?by=cause&area=north&from=${FROM}&to=${TO}`);
      expect(paretoRows(cause)).toEqual(expectedPareto(north, (f) => f.cause, false));
      expect(cause.rows[0].key).toBe('double-charge');
      const weighted = await must(`/analytics/pareto?by=cause&area=north&weight=severity&from=${FROM}&to=${TO}`);
      expect(paretoRows(weighted)).toEqual(expectedPareto(north, (f) => f.cause, true));
      const categories = await must(`/analytics/pareto?by=category&from=${FROM}&to=${TO}`);
      expect(paretoRows(categories)).toEqual(expectedPareto(live(), (f) => f.category, false));
      const julyChannels = await must(`/analytics/pareto?by=channel&area=south&weight=severity&from=2026-07-01&to=2026-07-31`);
      expect(paretoRows(julyChannels)).toEqual(expectedPareto(live().filter((f) => f.areaId === 'south' && f.day.startsWith('2026-07')), (f) => f.channel, true));
      const top2 = await must(`/analytics/pareto?by=category&limit=2&from=${FROM}&to=${TO}`);
      expect(paretoRows(top2)).toEqual({ ...expectedPareto(live(), (f) => f.category, false), rows: expectedPareto(live(), (f) => f.category, false).rows.slice(0, 2) });
    });

    it("given north's first responses worsening in its last three weeks, when the p chart is read with an eight-week baseline, then centre and per-week limits equal p̄ ± 3√(p̄(1-p̄)/n) and the weeks beyond them carry rule 1 on the worse side", async () => {
      const chart = await must(`/analytics/control-chart?kpi=first_response_attainment&area=north&period=week&from=${FROM}&to=${TO}&baselineFrom=${FROM}&baselineTo=2026-07-26`);
      const north = live().filter((f) => f.areaId === 'north');
      const weeks = periodKeys(FROM, TO, 'week');
      const tally = weeks.map((w) => {
        const decided = north.filter((f) => isoWeekKey(f.day) === w && f.firstResponse?.decided);
        return { week: w, n: decided.length, x: decided.filter((f) => f.firstResponse!.met).length };
      });
      const base = tally.slice(0, 8);
      const center = base.reduce((s, t) => s + t.x, 0) / base.reduce((s, t) => s + t.n, 0);
      const expectedPoints = tally.map((t) => {
        const half = 3 * Math.sqrt((center * (1 - center)) / t.n);
        const value = t.x / t.n;
        const ucl = Math.min(1, center + half);
        const lcl = Math.max(0, center - half);
        return { period: t.week, value: r10(value), n: t.n, ucl: r10(ucl), lcl: r10(lcl), beyond: value > ucl || value < lcl, worse: value < lcl };
      });
      expect(chart).toMatchObject({ kind: 'p', status: 'ok', baseline: { from: '2026-W23', to: '2026-W30', points: 8 } });
      expect(r10(chart.center)).toBe(r10(center));
      expect(
        chart.points.map((p: View) => ({ period: p.period, value: r10(p.value), n: p.n, ucl: r10(p.ucl), lcl: r10(p.lcl), beyond: p.signals.includes(1), worse: p.signals.includes(1) && p.worse })),
      ).toEqual(expectedPoints);
      expect(expectedPoints.filter((p) => p.worse).map((p) => p.period).every((w) => w >= '2026-W32')).toBe(true);
      expect(expectedPoints.some((p) => p.worse)).toBe(true);
    });

    it('given the weekly median first-response time, when its I-MR chart is read over the whole range, then centre and limits are the mean ± 3·MR̄/1.128 of the weekly medians', async () => {
      const chart = await must(`/analytics/control-chart?kpi=first_response_median_minutes&area=north&period=week&from=${FROM}&to=${TO}`);
      const north = live().filter((f) => f.areaId === 'north');
      const values = periodKeys(FROM, TO, 'week').map((w) => median(sortedNumbers(north.filter((f) => isoWeekKey(f.day) === w).map((f) => f.firstResponse?.businessMinutes ?? null)))!);
      const centre = values.reduce((a, b) => a + b, 0) / values.length;
      const mrBar = values.slice(1).reduce((s, v, i) => s + Math.abs(v - values[i]!), 0) / (values.length - 1);
      expect({ kind: chart.kind, status: chart.status, center: r10(chart.center), ucl: r10(chart.points[0].ucl), lcl: r10(chart.points[0].lcl), values: chart.points.map((p: View) => r10(p.value)) }).toEqual({
        kind: 'imr',
        status: 'ok',
        center: r10(centre),
        ucl: r10(centre + (3 * mrBar) / 1.128),
        lcl: r10(centre - (3 * mrBar) / 1.128),
        values: values.map(r10),
      });
    });

    it('given a baseline of three weeks, when the control chart is read, then 200 with status insufficient and the reason, not an error', async () => {
      const chart = await must(`/analytics/control-chart?kpi=complaint_rate&area=north&period=week&from=${FROM}&to=${TO}&baselineFrom=${FROM}&baselineTo=2026-06-21`);
      expect(chart).toMatchObject({ kind: 'u', status: 'insufficient', reason: expect.stringContaining('3 periods with data') });
      expect(chart.points).toHaveLength(12);
    });

    it('given the seeded series, when the complaints behind a figure are paged, then every matching complaint comes once, newest intake day first', async () => {
      const want = live()
        .filter((f) => f.areaId === 'north' && f.cause === 'double-charge')
        .sort((a, b) => (a.day !== b.day ? (a.day < b.day ? 1 : -1) : b.createdAt - a.createdAt || (a.complaintId < b.complaintId ? 1 : -1)))
        .map((f) => f.complaintId);
      const got: string[] = [];
      let cursor: string | null = null;
      do {
        const page: View = await must(`/analytics/complaints?area=north&dimension=cause&value=double-charge&from=${FROM}&to=${TO}&limit=7${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.items.length).toBeLessThanOrEqual(7);
        got.push(...page.items.map((i: View) => i.id as string));
        cursor = page.nextCursor;
      } while (cursor);
      expect(got).toEqual(want);
    });

    it('given the rollups, when every area-day is marked dirty and two refreshers run at once and then a third, then the rollup documents are identical (replaced, never incremented) and the markers are gone', async () => {
      await must(`/analytics/kpis?kpi=complaint_volume&from=${FROM}&to=${TO}`);
      const snapshot = async () => (await stack.models.KpiRollup.find({}).lean()).sort((a, b) => a._id.localeCompare(b._id));
      const before = await snapshot();
      const areaDays = inRange.map((f) => ({ areaId: f.areaId, day: f.day }));
      await markAreaDaysDirty(stack.models, areaDays);
      const [a, b] = await Promise.all([refreshRollups(stack.models), refreshRollups(stack.models)]);
      expect(a.areaDays + b.areaDays).toBeGreaterThanOrEqual(new Set(areaDays.map((d) => `${d.areaId}|${d.day}`)).size);
      await refreshRollups(stack.models);
      expect(await snapshot()).toEqual(before);
      expect(await stack.models.KpiDirty.countDocuments({ areaId: { $in: ['north', 'south', '-'] } })).toBe(0);
      const volume = await must(`/analytics/kpis?kpi=complaint_volume&from=${FROM}&to=${TO}`);
      expect(volume.items[0].total.value).toBe(live().length);
    });

    it('given a seeded complaint that moves on, when its fact is rewritten at a newer version, then the figures move; when an older version arrives late, then nothing changes', async () => {
      const target = inRange.find((f) => f.areaId === 'north' && !f.cancelled && !f.resolved)!;
      const week = `from=${plusDays(target.day, -((new Date(`${target.day}T00:00:00Z`).getUTCDay() + 6) % 7))}&to=${TO}`;
      const read = async () => ({
        pareto: paretoRows(await must(`/analytics/pareto?by=cause&area=north&${week}`)),
        kpis: answered(await must(`/analytics/kpis?kpi=resolution_attainment,complaint_volume,resolution_median_minutes&area=north&period=week&${week}`)),
      });
      const before = await read();
      const moved: ComplaintFact = { ...target, version: target.version + 1, status: 'resolved', resolved: true, cause: 'tariff-unclear', resolution: { decided: true, met: true, businessMinutes: 77 }, csatRequested: true };
      await writeComplaintFact(stack.models, moved);
      const after = await read();
      inRange = (await storedFacts()).filter((f) => f.day >= FROM && f.day <= TO);
      const northFrom = live().filter((f) => f.areaId === 'north' && f.day >= week.slice(5, 15));
      expect(after.pareto).toEqual(expectedPareto(northFrom, (f) => f.cause, false));
      expect(after.pareto).not.toEqual(before.pareto);
      expect(after.kpis.resolution_attainment!.total).toEqual(comparable(expected('resolution_attainment', northFrom, null)));
      expect(after.kpis.complaint_volume!.total).toEqual(before.kpis.complaint_volume!.total);

      await writeComplaintFact(stack.models, { ...target, version: target.version });
      expect(await read()).toEqual(after);
      expect(JSON.parse((await stack.models.ComplaintFact.findById(target.complaintId).lean())!.factJson)).toEqual(moved);
    });
  });

  // ------------------------------------------------ the persistence activity

  describe('the persistence activity', () => {
    it('given versions 1 to 3 recorded and a late retry of version 2, when the fact is read, then it is version 3; when a retry of the stored version comes after a crash lost the mark, then its area-day is marked again', async () => {
      const activities = createComplaintActivities({ models: stack.models, webhookUrls: [], webhookSecret: stack.config.secrets.webhookSecret });
      const run = (fn: () => Promise<unknown>) => new MockActivityEnvironment().run(fn);
      const alice = { id: 'alice', role: 'agent' as const };
      const t0 = Date.UTC(2026, 9, 5, 9);
      const serviceArea = { areaId: 'billing', version: 1, name: 'billing support', timeZone: 'Europe/Paris', causes: ['double-charge', 'invoice-missing'] };
      const intake = { complaintId: uniqueId('c'), customer: { id: 'x' }, channel: 'email' as const, category: 'billing', severity: 'P3' as const, description: 'd', createdBy: { id: 'w', role: 'intake' as const }, serviceArea };
      const opened = openComplaint(intake, {}, t0);
      const acked = applyCommand(opened.state, { type: 'acknowledge' }, alice, t0 + 60_000);
      const resolved = applyCommand(acked.state, { type: 'resolve', summary: 'refunded', cause: 'double-charge' }, alice, t0 + 120_000);
      for (const step of [opened, acked, resolved, acked]) await run(() => activities.recordTransitions(step));

      const stored = await stack.models.ComplaintFact.findById(intake.complaintId).lean();
      expect({ version: stored?.version, fact: JSON.parse(stored!.factJson) }).toEqual({ version: 3, fact: complaintFact(resolved.state) });
      const areaDay = `billing|${new Date(t0).toLocaleDateString('en-CA', { timeZone: 'Europe/Paris' })}`;
      expect(stored?.areaDay).toBe(areaDay);

      await stack.models.KpiDirty.deleteOne({ _id: areaDay });
      await run(() => activities.recordTransitions(resolved));
      expect(await stack.models.KpiDirty.findById(areaDay).lean()).toMatchObject({ areaId: 'billing', day: areaDay.slice(8) });
      expect((await stack.models.ComplaintFact.findById(intake.complaintId).lean())?.version).toBe(3);
    });
  });

  // ------------------------------------------------------------ bad input

  describe('bad input', () => {
    const range = `from=${FROM}&to=${TO}`;
    const snapshot = async () => ({
      ...(await collectionCounts(stack.models)),
      facts: await stack.models.ComplaintFact.countDocuments({}),
      rollups: await stack.models.KpiRollup.countDocuments({}),
      dirty: await stack.models.KpiDirty.countDocuments({}),
    });
    const rejected = rejectionChecker(() => stack, snapshot);

    it.each([
      ['no KPI', `/analytics/kpis?${range}`, 'query.kpi'],
      ['an unknown KPI', `/analytics/kpis?kpi=complaint_volume,happiness&${range}`, 'query.kpi.1'],
      ['a KPI twice', `/analytics/kpis?kpi=complaint_volume,complaint_volume&${range}`, 'query.kpi'],
      ['a repeated kpi parameter', `/analytics/kpis?kpi=complaint_volume&kpi=breach_rate&${range}`, 'query.kpi'],
      ['no from', `/analytics/kpis?kpi=complaint_volume&to=${TO}`, 'query.from'],
      ['a day that does not exist', `/analytics/kpis?kpi=complaint_volume&from=2026-02-30&to=${TO}`, 'query.from'],
      ['a day in another format', `/analytics/kpis?kpi=complaint_volume&from=01/06/2026&to=${TO}`, 'query.from'],
      ['to before from', `/analytics/kpis?kpi=complaint_volume&from=${TO}&to=${FROM}`, 'query.to'],
      ['a range over three years', '/analytics/kpis?kpi=complaint_volume&period=month&from=2020-01-01&to=2026-01-01', 'query.to'],
      ['more than 400 days as daily points', '/analytics/kpis?kpi=complaint_volume&period=day&from=2025-01-01&to=2026-06-30', 'query.period'],
      ['an unknown period', `/analytics/kpis?kpi=complaint_volume&period=year&${range}`, 'query.period'],
      ['a dimension without a value', `/analytics/kpis?kpi=complaint_volume&dimension=category&${range}`, 'query.value'],
      ['a value without a dimension', `/analytics/kpis?kpi=complaint_volume&value=billing&${range}`, 'query.dimension'],
      ['an unknown dimension', `/analytics/kpis?kpi=complaint_volume&dimension=mood&value=x&${range}`, 'query.dimension'],
      ['a severity that does not exist', `/analytics/kpis?kpi=complaint_volume&dimension=severity&value=P9&${range}`, 'query.value'],
      ['an area that is not a slug', `/analytics/kpis?kpi=complaint_volume&area=North%20Area&${range}`, 'query.area'],
      ['an operator in the area', `/analytics/kpis?kpi=complaint_volume&area[$ne]=x&${range}`, 'query.area[$ne]'],
      ['an unknown parameter', `/analytics/kpis?kpi=complaint_volume&${range}&areaId=north`, 'query.areaId'],
      ['no by', `/analytics/pareto?${range}`, 'query.by'],
      ['a Pareto by agent', `/analytics/pareto?by=agent&${range}`, 'query.by'],
      ['an unknown weight', `/analytics/pareto?by=cause&weight=heavy&${range}`, 'query.weight'],
      ['limit zero', `/analytics/pareto?by=cause&limit=0&${range}`, 'query.limit'],
      ['several KPIs on a chart', `/analytics/control-chart?kpi=complaint_volume,breach_rate&${range}`, 'query.kpi'],
      ['a baseline start without its end', `/analytics/control-chart?kpi=complaint_volume&baselineFrom=${FROM}&${range}`, 'query.baselineTo'],
      ['a baseline outside the range', `/analytics/control-chart?kpi=complaint_volume&baselineFrom=2026-01-05&baselineTo=2026-07-01&${range}`, 'query.baselineFrom'],
      ['a queue that is not a slug', '/analytics/backlog?queue=Not%20A%20Queue', 'query.queue'],
      ['a period on the backlog', '/analytics/backlog?period=week', 'query.period'],
      ['a drill-down limit over 200', `/analytics/complaints?limit=201&${range}`, 'query.limit'],
      ['a cursor with bad characters', `/analytics/complaints?cursor=!!!&${range}`, 'query.cursor'],
      ['a cursor that does not decode', `/analytics/complaints?cursor=abc&${range}`, 'query.cursor'],
      ['a query on the definitions', '/analytics/kpi-definitions?kpi=complaint_volume', 'query.kpi'],
    ])('given %s, when sent, then 400 naming the field and nothing is written', async (_name, path, field) => {
      const res = await rejected('GET', path, { key: keys().sam }, 400, 'VALIDATION_FAILED');
      expect(errorPaths(res)).toContain(field);
    });

    it('given an area that does not exist, when its figures are read, then 404 NOT_FOUND naming query.area and nothing is written', async () => {
      for (const path of [`/analytics/kpis?kpi=complaint_volume&area=atlantis&${range}`, `/analytics/pareto?by=cause&area=atlantis&${range}`, '/analytics/backlog?area=atlantis', `/analytics/complaints?area=atlantis&${range}`]) {
        const res = await rejected('GET', path, { key: keys().sam }, 404, 'NOT_FOUND');
        expect({ path, fields: errorPaths(res) }).toEqual({ path, fields: ['query.area'] });
      }
    });

    it.each(['/analytics/kpi-definitions', `/analytics/kpis?kpi=complaint_volume&${range}`, `/analytics/pareto?by=cause&${range}`, `/analytics/control-chart?kpi=complaint_volume&${range}`, '/analytics/backlog', `/analytics/complaints?${range}`])(
      'given %s, when called by intake (no analytics.read) or without a key, then 403 or 401 and nothing is written',
      async (path) => {
        await rejected('GET', path, { key: keys().intake }, 403, 'NOT_PERMITTED');
        await rejected('GET', path, {}, 401, 'UNAUTHENTICATED');
      },
    );

    it('given the definitions, when read, then every KPI with its unit, better direction and chart, and the limits the queries are held to', async () => {
      const defs = await must('/analytics/kpi-definitions', keys().alice);
      // The complaint KPIs, then the survey KPIs (test/integration/survey-kpis.test.ts).
      expect(defs.items.map((d: View) => d.id)).toEqual([...KPI_LIST, 'nps_score', 'survey_csat_average', 'servqual_gap_tangibles', 'servqual_gap_reliability', 'servqual_gap_responsiveness', 'servqual_gap_assurance', 'servqual_gap_empathy', 'servqual_gap_overall']);
      expect(defs.items.find((d: View) => d.id === 'complaint_rate')).toEqual({ id: 'complaint_rate', label: expect.any(String), unit: 'per 1,000 units', better: 'lower', chart: 'u', needsVolume: true });
      expect(defs.limits).toEqual({ maxRangeDays: MAX_RANGE_DAYS, maxPeriods: MAX_PERIODS });
      const problem: CallResult<Problem> = await stack.call('GET', '/analytics/kpis?kpi=complaint_volume&period=day&from=2025-01-01&to=2026-06-30', { key: keys().sam });
      expectProblem(problem, 400, 'VALIDATION_FAILED');
    });
  });
});
