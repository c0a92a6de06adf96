/**
 * KPIs at scale: does a year of KPIs stay fast when the complaint history
 * grows tenfold?
 *
 * The store is filled with complaint facts as the persistence activity
 * writes them (`factDocument`), for a realistic mix: twelve months, two areas
 * in different time zones, five categories, four channels, three queues,
 * twenty agents, two SLA policies, a cause catalog per area. They are
 * bulk-inserted (the activity writes one at a time; bulk keeps the seeding
 * short), their area-days marked dirty with the activity's own
 * `markAreaDaysDirty`, and the rollups built by one `refreshRollups`, timed.
 * At each size the store is filled afresh.
 *
 * Then, medians of alternating runs: a 12-month weekly KPI series and a
 * 12-month cause Pareto, each through the service (what activities call),
 * through HTTP (the API) and as a bare driver read of the documents the
 * answer needs (the rollups of that series). Reading every fact instead (what
 * the rollups avoid) is timed once per size, for scale.
 */
import { performance } from 'node:perf_hooks';
import type { Model } from 'mongoose';
import { latestAreas, latestCalendars, saveAreaVersion, saveCalendarVersion } from '../src/db/catalog';
import { factDocument, markAreaDaysDirty, refreshRollups } from '../src/db/kpi-rollups';
import type { Models } from '../src/db/models';
import type { ComplaintFact } from '../src/domain/kpi';
import { createAnalyticsService } from '../src/services/analytics';
import { fmt, median } from './stats';

export interface KpiScaleSettings {
  sizes: number[];
  reps: number;
}

export interface KpiScaleMeasure {
  label: string;
  bareMs: number;
  serviceMs: number;
  apiMs: number | null;
  /** Documents the bare read returned. */
  docs: number;
}

export interface KpiScaleStep {
  complaints: number;
  insertSeconds: number;
  refreshSeconds: number;
  areaDays: number;
  rollups: number;
  allFactsMs: number;
  measures: KpiScaleMeasure[];
}

const YEAR_FROM = '2025-01-01';
const YEAR_TO = '2025-12-31';
const DAY_MS = 86_400_000;
const AREAS = [
  { areaId: 'billing', timeZone: 'Europe/Paris', causes: ['double-charge', 'double-charge', 'tariff-unclear', 'invoice-missing', 'direct-debit-failed', 'refund-late'] },
  { areaId: 'delivery', timeZone: 'America/New_York', causes: ['late-delivery', 'late-delivery', 'damaged', 'wrong-address', 'lost-parcel', 'no-show'] },
];
const CATEGORIES = ['billing', 'billing', 'delivery', 'account', 'network', 'other'];
const CHANNELS = ['web', 'email', 'phone', 'chat'] as const;
const AGENTS = Array.from({ length: 20 }, (_, i) => `agent-${i + 1}`);

/** A deterministic PRNG per complaint index, so every size holds the same first complaints. */
function rngFor(i: number): () => number {
  let a = (i * 2654435761) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Complaint `i`: mostly resolved, some open, 3 % cancelled; first responses met ~88 %, a median of about an hour. */
export function benchFact(i: number): ComplaintFact {
  const rnd = rngFor(i + 1);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const area = AREAS[i % 2]!;
  const dayIndex = Math.floor(rnd() * 365);
  const day = new Date(Date.parse(`${YEAR_FROM}T00:00:00Z`) + dayIndex * DAY_MS).toISOString().slice(0, 10);
  const cancelled = rnd() < 0.03;
  const resolved = !cancelled && rnd() < 0.85;
  const frMet = rnd() < 0.88;
  const resMet = resolved && rnd() < 0.8;
  const nrDecided = Math.floor(rnd() * 3);
  const nrMet = Math.min(nrDecided, Math.floor(rnd() * 4));
  const breaches = (frMet ? 0 : 1) + (resolved && !resMet ? 1 : 0) + (nrDecided - nrMet);
  return {
    complaintId: `c_kpi${String(i).padStart(8, '0')}`,
    version: 4 + Math.floor(rnd() * 10),
    areaId: area.areaId,
    timeZone: area.timeZone,
    day,
    createdAt: Date.parse(`${day}T12:00:00Z`) + Math.floor(rnd() * 3_600_000),
    status: cancelled ? 'cancelled' : resolved ? (rnd() < 0.7 ? 'closed' : 'resolved') : pick(['acknowledged', 'in_progress', 'awaiting_customer'] as const),
    cancelled,
    category: pick(CATEGORIES),
    channel: pick(CHANNELS),
    severity: pick(['P1', 'P2', 'P2', 'P3', 'P3', 'P3', 'P4'] as const),
    queue: pick(['general', 'general', 'billing', 'vip']),
    agentId: pick(AGENTS),
    policy: pick(['standard-business-hours@1', 'billing-business-hours@2']),
    cause: resolved ? pick(area.causes) : null,
    tags: [],
    resolved,
    firstResponse: { decided: true, met: frMet, businessMinutes: Math.round((frMet ? 10 + rnd() * 150 : 240 + rnd() * 400) * 100) / 100 },
    resolution: resolved ? { decided: true, met: resMet, businessMinutes: Math.round((resMet ? 120 + rnd() * 1200 : 1440 + rnd() * 3000) * 100) / 100 } : { decided: false, met: false, businessMinutes: null },
    nextResponse: { decided: nrDecided, met: nrMet },
    breaches,
    escalations: breaches > 0 && rnd() < 0.4 ? 1 : 0,
    reopens: resolved && rnd() < 0.06 ? 1 : 0,
    transfers: rnd() < 0.2 ? 1 : 0,
    csat: resolved && rnd() < 0.45 ? 1 + Math.floor(rnd() * 5) : null,
    csatRequested: resolved,
  };
}

/** The two areas in the catalog (queries name existing areas), New York's calendar with them. */
async function ensureAreas(models: Models): Promise<void> {
  const hours = [{ start: '09:00', end: '17:00' }];
  if (!(await latestCalendars(models)).has('bench-new-york')) {
    await saveCalendarVersion(models, 'bench-new-york', 0, { name: 'New York office', timeZone: 'America/New_York', weeklyHours: { mon: hours, tue: hours, wed: hours, thu: hours, fri: hours, sat: [], sun: [] }, holidays: [] }, 'bench');
  }
  const existing = new Set((await latestAreas(models)).map((a) => a.areaId));
  for (const a of AREAS) {
    if (existing.has(a.areaId)) continue;
    await saveAreaVersion(
      models,
      a.areaId,
      0,
      {
        name: `${a.areaId} support`,
        match: { categories: [a.areaId] },
        processOwnerId: 'olivia',
        calendarId: a.timeZone === 'Europe/Paris' ? 'paris-office' : 'bench-new-york',
        volumeUnit: 'transactions',
        causes: [...new Set(a.causes)].map((code) => ({ code, label: code.replace(/-/g, ' ') })),
        objectives: [],
        review: { frequency: 'monthly', reviewerIds: [] },
      },
      'bench',
    );
  }
}

/** Empties the KPI collections (dropped and recreated with their indexes) for a fresh fill. */
async function empty(models: Models): Promise<void> {
  type Recreatable = Pick<Model<unknown>, 'createCollection' | 'createIndexes'> & { collection: { drop(): Promise<unknown> } };
  for (const model of [models.ComplaintFact, models.KpiRollup, models.KpiDirty] as unknown as Recreatable[]) {
    await model.collection.drop().catch(() => undefined);
    await model.createCollection();
    await model.createIndexes();
  }
}

/** Median ms of `reps` rounds of the functions given, in rotating order (after two warm-up rounds). */
async function timed(reps: number, fns: (() => Promise<unknown>)[]): Promise<number[]> {
  for (let w = 0; w < 2; w++) for (const fn of fns) await fn();
  const samples = fns.map(() => [] as number[]);
  for (let r = 0; r < reps; r++) {
    for (let k = 0; k < fns.length; k++) {
      const j = (k + r) % fns.length;
      const t0 = performance.now();
      await fns[j]!();
      samples[j]!.push(performance.now() - t0);
    }
  }
  return samples.map(median);
}

export async function measureKpiScale(opts: {
  models: Models;
  /** The API on this database, and a key whose role reads analytics with scope `all`; without them no HTTP figure. */
  api?: { url: string; key: string };
  settings: KpiScaleSettings;
  progress: (msg: string) => void;
}): Promise<KpiScaleStep[]> {
  const { models, api, settings, progress } = opts;
  const db = models.connection.db!;
  const analytics = createAnalyticsService({ models });
  const get = async (pathAndQuery: string) => {
    const res = await fetch(`${api!.url}${pathAndQuery}`, { headers: { authorization: `Bearer ${api!.key}` } });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`GET ${pathAndQuery}: HTTP ${res.status} ${body.slice(0, 300)}`);
    return body;
  };

  await ensureAreas(models);
  const out: KpiScaleStep[] = [];
  for (const size of settings.sizes) {
    progress(`KPIs at scale: filling ${size} complaint facts`);
    await empty(models);
    const t0 = performance.now();
    const areaDays = new Map<string, { areaId: string; day: string }>();
    for (let start = 0; start < size; start += 2000) {
      const batch = Array.from({ length: Math.min(2000, size - start) }, (_, k) => benchFact(start + k));
      for (const f of batch) areaDays.set(`${f.areaId}|${f.day}`, { areaId: f.areaId, day: f.day });
      await db.collection('complaint_facts').insertMany(batch.map((f) => ({ _id: f.complaintId, ...factDocument(f) })) as never[], { ordered: false });
    }
    await markAreaDaysDirty(models, [...areaDays.values()]);
    const insertSeconds = (performance.now() - t0) / 1000;
    progress(`KPIs at scale: refreshing the rollups of ${areaDays.size} area-days`);
    const t1 = performance.now();
    const refreshed = await refreshRollups(models);
    const refreshSeconds = (performance.now() - t1) / 1000;
    const rollups = await db.collection('kpi_rollups').countDocuments({});
    progress(`  ${size} facts inserted in ${fmt(insertSeconds)} s, ${refreshed.areaDays} area-days -> ${rollups} rollups in ${fmt(refreshSeconds)} s`);

    const rollupsOf = db.collection<{ day: string; cellJson: string; breakdownJson: string }>('kpi_rollups');
    const measures: KpiScaleMeasure[] = [];
    const add = async (label: string, bare: () => Promise<number>, service: () => Promise<unknown>, http: (() => Promise<unknown>) | null) => {
      const docs = await bare();
      const [bareMs, serviceMs, apiMs] = await timed(settings.reps, [bare, service, ...(http ? [http] : [])]);
      const m = { label, bareMs: bareMs!, serviceMs: serviceMs!, apiMs: http ? apiMs! : null, docs };
      measures.push(m);
      progress(`  ${label}: bare ${fmt(m.bareMs)} ms (${docs} docs), service ${fmt(m.serviceMs)} ms${m.apiMs === null ? '' : `, API ${fmt(m.apiMs)} ms`}`);
    };
    const range = `from=${YEAR_FROM}&to=${YEAR_TO}`;
    await add(
      '12-month weekly series: first_response_attainment, one area',
      async () => (await rollupsOf.find({ series: 'billing|all|*' }, { projection: { _id: 0, day: 1, cellJson: 1 } }).toArray()).length,
      () => analytics.kpiSeries({ kpi: 'first_response_attainment', areaId: 'billing', filter: null, period: 'week', from: YEAR_FROM, to: YEAR_TO }),
      api ? () => get(`/analytics/kpis?kpi=first_response_attainment&area=billing&period=week&${range}`) : null,
    );
    await add(
      '12-month weekly series: resolution median (business minutes), one area',
      async () => (await rollupsOf.find({ series: 'billing|all|*' }, { projection: { _id: 0, day: 1, cellJson: 1 } }).toArray()).length,
      () => analytics.kpiSeries({ kpi: 'resolution_median_minutes', areaId: 'billing', filter: null, period: 'week', from: YEAR_FROM, to: YEAR_TO }),
      api ? () => get(`/analytics/kpis?kpi=resolution_median_minutes&area=billing&period=week&${range}`) : null,
    );
    await add(
      '12-month cause Pareto, one area',
      async () => (await rollupsOf.find({ series: 'billing|all|*' }, { projection: { _id: 0, day: 1, breakdownJson: 1 } }).toArray()).length,
      () => analytics.pareto({ areaId: 'billing', by: 'cause', from: YEAR_FROM, to: YEAR_TO, weight: 'count' }),
      api ? () => get(`/analytics/pareto?by=cause&area=billing&${range}`) : null,
    );
    await add(
      '12-month weekly series, one agent in one area (dimension filter)',
      async () => (await rollupsOf.find({ series: 'billing|agent|agent-3' }, { projection: { _id: 0, day: 1, cellJson: 1 } }).toArray()).length,
      () => analytics.kpiSeries({ kpi: 'first_response_attainment', areaId: 'billing', filter: { dimension: 'agent', value: 'agent-3' }, period: 'week', from: YEAR_FROM, to: YEAR_TO }),
      api ? () => get(`/analytics/kpis?kpi=first_response_attainment&area=billing&dimension=agent&value=agent-3&period=week&${range}`) : null,
    );
    // What the rollups spare every request: reading every fact of the store.
    const [allFactsMs] = await timed(Math.min(3, settings.reps), [() => db.collection('complaint_facts').find({}, { projection: { factJson: 1 } }).toArray()]);
    progress(`  reading every fact (bare): ${fmt(allFactsMs!)} ms`);
    out.push({ complaints: size, insertSeconds, refreshSeconds, areaDays: areaDays.size, rollups, allFactsMs: allFactsMs!, measures });
  }
  return out;
}

/** Report lines: per measure, every size side by side (bare, service, API), then the growth from the first size to the last. */
export function kpiScaleReport(steps: KpiScaleStep[]): [string, string][] {
  const lines: [string, string][] = [];
  for (const s of steps) {
    lines.push([`${s.complaints} complaints`, `facts inserted in ${fmt(s.insertSeconds)} s; one refreshRollups: ${s.areaDays} area-days -> ${s.rollups} rollups in ${fmt(s.refreshSeconds)} s`]);
  }
  const first = steps[0];
  const last = steps[steps.length - 1];
  for (const label of first?.measures.map((m) => m.label) ?? []) {
    lines.push([label, '']);
    for (const s of steps) {
      const m = s.measures.find((x) => x.label === label)!;
      lines.push([`  at ${s.complaints}`, `bare ${fmt(m.bareMs)} ms (${m.docs} rollups) | service ${fmt(m.serviceMs)} ms${m.apiMs === null ? '' : ` | API ${fmt(m.apiMs)} ms`} | service/bare ${fmt(m.serviceMs / m.bareMs, 2)}`]);
    }
    if (first && last && last !== first) {
      const a = first.measures.find((x) => x.label === label)!;
      const b = last.measures.find((x) => x.label === label)!;
      lines.push([`  growth ${first.complaints} -> ${last.complaints}`, `service x${fmt(b.serviceMs / a.serviceMs, 2)}, bare x${fmt(b.bareMs / a.bareMs, 2)}${a.apiMs && b.apiMs ? `, API x${fmt(b.apiMs / a.apiMs, 2)}` : ''}`]);
    }
  }
  lines.push(['every fact, bare (no rollups)', steps.map((s) => `${fmt(s.allFactsMs)} ms at ${s.complaints}`).join(' | ')]);
  return lines;
}
