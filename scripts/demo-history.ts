/**
 * Demo history for `npm run dev`: thirteen weeks of service volume and
 * complaints in two service areas, so that on a fresh start the KPIs,
 * Pareto tables and control charts have data and the improvement triggers
 * have something to find:
 *
 * - Billing support: "double charge" is the dominant cause all along, and
 *   from the ninth week a billing-system change doubles the complaint rate
 *   (about 2.5 → 5 per 1,000 transactions), slows first responses and lowers
 *   CSAT. Its trigger watches the complaint rate's control chart.
 * - Delivery: steady, with "late courier" making up about three in five of
 *   the complaints every week. Its trigger watches that concentration.
 *
 * Deterministic: one seeded generator (mulberry32) draws everything, relative
 * to the day the history ends (yesterday in the area's time zone), so the
 * same day gives the same data. Every complaint goes through the real
 * reducer (src/domain/complaint.ts) at its historical instants and is stored
 * by the real persistence activity (audit chain, read model, KPI fact), as
 * an import would; none has a workflow, so every one of them is closed by
 * the end of the last day (the last days' complaints are closed early for
 * that). Idempotent: a marker in `migrations` records that the history was
 * written, and a rerun on the same day (after an interrupted first run)
 * writes the very same records.
 */
import { createComplaintActivities } from '../activities/complaint';
import type { Actor } from '../src/domain/actors';
import { type ComplaintCommand, type ComplaintState, type Transition, applyCommand, fireDueTimers, isFinished, openComplaint } from '../src/domain/complaint';
import { startOfLocalDay } from '../src/domain/calendar';
import { LOW_CSAT_MAX } from '../src/domain/customer';
import { addDays, dayInZone, daysBetween } from '../src/domain/kpi';
import type { ServiceAreaDefinition } from '../src/domain/service-area';
import type { Channel, Severity } from '../src/domain/sla-policy';
import type { TriggerDefinition } from '../src/domain/trigger';
import { areaRef } from '../src/domain/service-area';
import { latestAreas, latestCalendars, latestTriggers, saveAreaVersion, saveTriggerVersion } from '../src/db/catalog';
import { type Models, insertIfAbsent } from '../src/db/models';

const MARKER = 'demo_history_v1';
export const DEMO_HISTORY_WEEKS = 13;
const SHIFT_FROM_WEEK = 9;
const STORE_CONCURRENCY = 8;
const MINUTE = 60_000;

export const DEMO_AREAS: Record<string, ServiceAreaDefinition> = {
  billing: {
    name: 'Billing support',
    match: { categories: ['billing'] },
    processOwnerId: 'olivia',
    calendarId: 'paris-office',
    volumeUnit: 'transactions',
    causes: [
      { code: 'double_charge', label: 'Double charge' },
      { code: 'tariff_not_explained', label: 'Tariff not explained' },
      { code: 'invoice_not_received', label: 'Invoice not received' },
      { code: 'payment_not_applied', label: 'Payment not applied' },
      { code: 'other', label: 'Other' },
    ],
    objectives: [
      { kpi: 'first_response_attainment', comparator: '>=', target: 0.95 },
      { kpi: 'csat_average', comparator: '>=', target: 4.3 },
      { kpi: 'complaint_rate', comparator: '<=', target: 3 },
    ],
    review: { frequency: 'monthly', reviewerIds: ['simon', 'sam'] },
  },
  delivery: {
    name: 'Delivery',
    match: { categories: ['delivery'] },
    processOwnerId: 'olivia',
    calendarId: 'paris-office',
    volumeUnit: 'parcels shipped',
    causes: [
      { code: 'late_courier', label: 'Courier late' },
      { code: 'wrong_address', label: 'Wrong address' },
      { code: 'damaged_parcel', label: 'Parcel damaged' },
      { code: 'lost_parcel', label: 'Parcel lost' },
    ],
    objectives: [
      { kpi: 'resolution_attainment', comparator: '>=', target: 0.9 },
      { kpi: 'csat_average', comparator: '>=', target: 4.2 },
      { kpi: 'complaint_rate', comparator: '<=', target: 3 },
    ],
    review: { frequency: 'monthly', reviewerIds: ['simon', 'sam'] },
  },
};

/**
 * The triggers that watch the demo areas: billing's complaint rate on a u
 * chart (eight baseline weeks, the latest completed week judged), and
 * delivery's causes (one cause at 40 % or more four weeks running).
 */
export const DEMO_TRIGGERS: Record<string, TriggerDefinition> = {
  'billing-complaint-rate': {
    name: 'Billing complaints per 1,000 transactions out of control',
    areaId: 'billing',
    enabled: true,
    kpi: 'complaint_rate',
    filter: null,
    period: 'week',
    lookbackPeriods: 12,
    condition: { type: 'spc', baselinePeriods: 8 },
    action: { cycleType: 'dmaic', sponsorId: 'simon', approvers: ['simon', 'sam'], deadlineDays: 90 },
  },
  'delivery-top-cause': {
    name: 'One cause dominates delivery complaints',
    areaId: 'delivery',
    enabled: true,
    kpi: 'complaint_volume',
    filter: null,
    period: 'week',
    lookbackPeriods: 12,
    condition: { type: 'pareto', by: 'cause', share: 0.4, periods: 4, minComplaints: 5 },
    action: { cycleType: 'pdca', sponsorId: 'simon', deadlineDays: 60 },
  },
};

/** Deterministic pseudo-random numbers in [0, 1). */
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

type Random = ReturnType<typeof mulberry32>;
const pick = <T>(rnd: Random, weighted: [T, number][]): T => {
  const total = weighted.reduce((s, [, w]) => s + w, 0);
  let r = rnd() * total;
  for (const [value, w] of weighted) if ((r -= w) < 0) return value;
  return weighted[weighted.length - 1]![0];
};
/** Poisson draw (Knuth; the means here are small). */
const poisson = (rnd: Random, mean: number) => {
  const l = Math.exp(-mean);
  let k = 0;
  for (let p = rnd(); p > l; p *= rnd()) k++;
  return k;
};
/** A positive duration with a long right tail around `median`. */
const skewed = (rnd: Random, median: number) => median * Math.exp(0.8 * (rnd() + rnd() + rnd() - 1.5));

interface AreaStory {
  category: string;
  /** Weekday service volume; weekends carry a third. */
  weekdayVolume: number;
  /** Complaints per 1,000 units, before and after the shift. */
  rate: [number, number];
  causes: [[string, number][], [string, number][]];
  firstResponseMedianMinutes: [number, number];
  csatMean: [number, number];
}

const STORIES: Record<keyof typeof DEMO_AREAS, AreaStory> = {
  billing: {
    category: 'billing',
    weekdayVolume: 2000,
    rate: [2.5, 5],
    causes: [
      [['double_charge', 35], ['tariff_not_explained', 25], ['invoice_not_received', 20], ['payment_not_applied', 15], ['other', 5]],
      [['double_charge', 62], ['tariff_not_explained', 15], ['invoice_not_received', 10], ['payment_not_applied', 10], ['other', 3]],
    ],
    firstResponseMedianMinutes: [45, 150],
    csatMean: [4.5, 3.6],
  },
  delivery: {
    category: 'delivery',
    weekdayVolume: 1500,
    rate: [2, 2],
    causes: [
      [['late_courier', 62], ['wrong_address', 15], ['damaged_parcel', 15], ['lost_parcel', 8]],
      [['late_courier', 62], ['wrong_address', 15], ['damaged_parcel', 15], ['lost_parcel', 8]],
    ],
    firstResponseMedianMinutes: [60, 60],
    csatMean: [4.3, 4.3],
  },
};

const AGENTS = ['alice', 'bob'];
const agentActor = (id: string): Actor => ({ id, role: 'agent' });
const SUPERVISOR: Actor = { id: 'sam', role: 'supervisor' };
const WEBFORM: Actor = { id: 'webform', role: 'intake' };

export interface DemoHistoryResult {
  written: boolean;
  complaints: number;
  from: string;
  to: string;
}

/**
 * Writes the areas and triggers (if absent), their service volume and the complaint history
 * ending yesterday. `now` is injectable so tests get the same data on any day.
 */
export async function seedDemoHistory(models: Models, opts: { now?: number; seed?: number } = {}): Promise<DemoHistoryResult> {
  const now = opts.now ?? Date.now();
  const migrations = models.connection.collection<{ _id: string; at: Date; complaints: number }>('migrations');
  const existingAreas = new Set((await latestAreas(models)).map((a) => a.areaId));
  for (const [areaId, def] of Object.entries(DEMO_AREAS)) {
    if (!existingAreas.has(areaId)) await saveAreaVersion(models, areaId, 0, def, 'seed');
  }
  const existingTriggers = new Set((await latestTriggers(models)).map((t) => t.triggerId));
  for (const [triggerId, def] of Object.entries(DEMO_TRIGGERS)) {
    if (!existingTriggers.has(triggerId)) await saveTriggerVersion(models, triggerId, 0, def, 'seed');
  }
  const calendars = await latestCalendars(models);
  const areas = new Map((await latestAreas(models)).map((a) => [a.areaId, a]));
  const timeZone = calendars.get('paris-office')?.timeZone ?? 'Europe/Paris';
  const to = addDays(dayInZone(now, timeZone), -1);
  const from = addDays(to, -(DEMO_HISTORY_WEEKS * 7 - 1));
  const done = await migrations.findOne({ _id: MARKER });
  if (done) return { written: false, complaints: done.complaints, from, to };

  const activities = createComplaintActivities({ models, webhookUrls: [], webhookSecret: 'unused-demo-history' });
  const rnd = mulberry32(opts.seed ?? 20261129);
  let complaints = 0;
  const days = daysBetween(from, to);
  // Every complaint is closed by the end of the last day (a rerun on the same day writes the very same records).
  const closedBy = startOfLocalDay(addDays(to, 1), timeZone) - MINUTE;
  // Drawn in order (the generator is sequential), stored a few at a time: each store is independent and idempotent.
  const pending: { state: ComplaintState; transitions: Transition[] }[] = [];
  const store = async () => {
    const batch = pending.splice(0);
    for (let i = 0; i < batch.length; i += STORE_CONCURRENCY) {
      await Promise.all(batch.slice(i, i + STORE_CONCURRENCY).map(({ state, transitions }) => activities.recordTransitions({ state, transitions: transitions.map((t) => ({ ...t, notifications: [] })) })));
    }
  };
  for (const [areaId, story] of Object.entries(STORIES)) {
    const area = areas.get(areaId)!;
    const ref = areaRef(area, calendars.get(area.calendarId)?.timeZone ?? timeZone);
    const volumes: Record<string, unknown>[] = [];
    for (const [i, day] of days.entries()) {
      const shifted = Math.floor(i / 7) + 1 >= SHIFT_FROM_WEEK ? 1 : 0;
      const weekend = [0, 6].includes(new Date(`${day}T12:00:00Z`).getUTCDay());
      const volume = Math.round(story.weekdayVolume * (weekend ? 1 / 3 : 1) * (0.9 + 0.2 * rnd()));
      volumes.push({ _id: `${areaId}|${day}`, areaId, day, volume, updatedAt: new Date(now), updatedBy: 'seed' });
      const count = poisson(rnd, (volume / 1000) * story.rate[shifted]!);
      const midnight = startOfLocalDay(day, ref.timeZone);
      for (let n = 0; n < count; n++) {
        const receivedAt = midnight + (8 * 60 + Math.floor(rnd() * 10 * 60)) * MINUTE;
        const id = `c_demo_${areaId}_${day.replace(/-/g, '')}_${n}`;
        pending.push(await historicalComplaint(activities, rnd, { id, story, shifted, receivedAt, closedBy, ref }));
        complaints++;
      }
    }
    await store();
    await insertIfAbsent(models.ServiceVolume, volumes);
  }
  await migrations.updateOne({ _id: MARKER }, { $set: { at: new Date(now), complaints } }, { upsert: true });
  return { written: true, complaints, from, to };
}

/** One complaint's life, from intake to closure, through the reducer at its historical instants. */
async function historicalComplaint(
  activities: ReturnType<typeof createComplaintActivities>,
  rnd: Random,
  c: { id: string; story: AreaStory; shifted: 0 | 1; receivedAt: number; closedBy: number; ref: ReturnType<typeof areaRef> },
): Promise<{ state: ComplaintState; transitions: Transition[] }> {
  const channel = pick<Channel>(rnd, [['web', 40], ['email', 25], ['phone', 20], ['chat', 15]]);
  const severity = pick<Severity>(rnd, [['P3', 68], ['P2', 20], ['P4', 10], ['P1', 2]]);
  const agent = AGENTS[Math.floor(rnd() * AGENTS.length)]!;
  const byPhone = channel === 'phone';
  const policies = await activities.resolveSlaPolicies({ category: c.story.category, channel });
  const opened = openComplaint(
    {
      complaintId: c.id,
      customer: { id: `cust_demo_${Math.floor(rnd() * 5000)}` },
      channel,
      category: c.story.category,
      severity,
      description: `Demo history: ${c.story.category} complaint.`,
      createdBy: byPhone ? agentActor(agent) : WEBFORM,
      receivedAt: c.receivedAt,
      serviceArea: c.ref,
    },
    policies,
    c.receivedAt,
  );
  let state = opened.state;
  const transitions = [...opened.transitions];
  // The last days' complaints are closed early: the history holds no complaint without a workflow still open.
  let at = c.receivedAt;
  const step = (minutes: number) => (at = Math.min(c.closedBy, at + minutes * MINUTE));
  /** Timers due by then fire first (an escalation may have taken the complaint from its owner), then the command. */
  const apply = (command: ComplaintCommand, actor: Actor | (() => Actor)) => {
    const settled = fireDueTimers(state, at);
    transitions.push(...settled.transitions);
    state = settled.state;
    const applied = applyCommand(state, command, typeof actor === 'function' ? actor() : actor, at);
    state = applied.state;
    transitions.push(...applied.transitions);
  };
  const responsible = () => (): Actor => (state.ownerId ? agentActor(state.ownerId) : SUPERVISOR);

  if (!byPhone) {
    step(skewed(rnd, c.story.firstResponseMedianMinutes[c.shifted]));
    apply({ type: 'acknowledge' }, agentActor(agent));
  }
  step(skewed(rnd, 20));
  apply({ type: 'add_note', text: 'We are looking into it and will come back to you shortly.', visibility: 'public' }, responsible());
  step(skewed(rnd, 8 * 60));
  const causes = c.story.causes[c.shifted];
  apply({ type: 'resolve', summary: 'Resolved for the customer.', cause: pick(rnd, causes) } as ComplaintCommand, responsible());
  step(skewed(rnd, 6 * 60));
  const rated = rnd() < 0.7;
  const rating = Math.max(1, Math.min(5, Math.round(c.story.csatMean[c.shifted] + (rnd() + rnd() - 1) * 1.6)));
  // A low rating names why (the domain requires it); fixed, so the random sequence, and every other figure, stays as it was.
  const reasons = rating <= LOW_CSAT_MAX ? { reasons: ['not_resolved'] } : {};
  apply(rated ? { type: 'close', rating, ...reasons } : { type: 'close' }, responsible());
  if (!isFinished(state)) throw new Error(`demo complaint ${c.id} did not close (status ${state.status})`);
  return { state, transitions };
}
