/**
 * Read-model scale: does the work of a queue page, a single read and a
 * persistence write stay flat while the history grows?
 *
 * The store is filled with real read-model documents (built by the same
 * `complaintDocument` and `complaintRowOf` the persistence activity uses, from
 * states made by the domain reducer with the demo catalog's frozen SLA
 * policies) and grown in place: the same open complaints at every size, more
 * finished ones each step; then one step with more open complaints. At each
 * size every measure runs through the API (HTTP, auth, validation, service,
 * view) and as a bare driver call issuing the same queries the service issues
 * (raw `mongodb` driver, no mongoose), in alternating order, medians. The
 * write is timed as the activity's own function (`writeReadModel`, mongoose)
 * against the same two updates sent bare.
 */
import { performance } from 'node:perf_hooks';
import type { Model } from 'mongoose';
import { writeReadModel } from '../activities/records';
import { complaintDocument, createComplaintActivities } from '../activities/complaint';
import { type Models, storedState } from '../src/db/models';
import { complaintRowOf } from '../src/db/complaint-rows';
import { assignedBranches, mergeByDue } from '../src/services/complaints';
import { applyCommand, openComplaint, type ComplaintState } from '../src/domain/complaint';
import { fmt, median } from './stats';

export interface ScaleSettings {
  sizes: number[];
  open: number;
  bigOpen: number;
  reps: number;
}

export interface ScaleMeasure {
  label: string;
  bareMs: number;
  apiMs: number;
}

export interface ScaleStep {
  total: number;
  open: number;
  fillSeconds: number;
  measures: ScaleMeasure[];
}

const OWNERS = ['alice', 'bob', ...Array.from({ length: 8 }, (_, i) => `agent-${i + 2}`)];
const QUEUES = ['general', 'billing', 'network', 'vip'];
const PAGE = 50;

export interface Templates {
  policiesJson: string;
  /** The stored states (as written: frozen policies apart). */
  states: Record<'unowned' | 'owned' | 'closed', ComplaintState>;
  unowned: ReturnType<typeof complaintDocument>;
  owned: ReturnType<typeof complaintDocument>;
  closed: ReturnType<typeof complaintDocument>;
}

/** The three read-model documents the data sets are made of (also bench/ui.ts). */
export async function templates(models: Models): Promise<Templates> {
  const activities = createComplaintActivities({ models, webhookUrls: [], webhookSecret: 'bench-secret-not-used' });
  const policies = await activities.resolveSlaPolicies({ category: 'billing', channel: 'email' });
  const t0 = Date.UTC(2026, 10, 2, 9);
  const agent = { id: 'alice', role: 'agent' as const };
  const opened = openComplaint(
    {
      complaintId: 'c_template',
      customer: { id: 'cust-0001', name: 'Dana Customer', email: 'dana@example.com' },
      channel: 'email',
      category: 'billing',
      severity: 'P3',
      description: 'I was charged twice for my October invoice and the second payment has not been refunded. Please check and refund.',
      createdBy: { id: 'webform', role: 'intake' },
    },
    policies,
    t0,
  ).state;
  const acked = applyCommand(opened, { type: 'acknowledge' }, agent, t0 + 30 * 60_000).state;
  const noted = applyCommand(acked, { type: 'add_note', text: 'Checked the payment log: two captures on 3 Oct. Refund requested from billing.', visibility: 'public' }, agent, t0 + 90 * 60_000).state;
  const resolved = applyCommand(noted, { type: 'resolve', summary: 'Second charge refunded; customer informed.' }, agent, t0 + 26 * 3600_000).state;
  const closed = applyCommand(resolved, { type: 'close', rating: 4 }, agent, t0 + 50 * 3600_000).state;
  const docs = { unowned: complaintDocument(opened), owned: complaintDocument(noted), closed: complaintDocument(closed) };
  const states = { unowned: storedState<ComplaintState>(docs.unowned), owned: storedState<ComplaintState>(docs.owned), closed: storedState<ComplaintState>(docs.closed) };
  return { policiesJson: JSON.stringify(policies), states, ...docs };
}

/**
 * Complaint `i` of the data set: open ones first (20 % still unowned), then finished ones. `assign`
 * overrides who owns it and its queue (default: 10 owners and 4 queues in rotation).
 */
export function documentFor(t: Templates, i: number, openCount: number, assign?: (i: number) => { owner: string; queue: string }) {
  const id = `c_scale${String(i).padStart(8, '0')}`;
  const owner = assign ? assign(i).owner : OWNERS[Math.floor(i / 5) % OWNERS.length]!;
  const queue = assign ? assign(i).queue : QUEUES[Math.floor(i / 50) % QUEUES.length]!;
  const kind = i >= openCount ? ('closed' as const) : i % 5 === 0 ? ('unowned' as const) : ('owned' as const);
  const tpl = t[kind];
  const ownerId = kind === 'unowned' ? null : owner;
  // Open complaints fall due over two weeks, in an order unrelated to their ids.
  const due = kind === 'closed' ? tpl.dueSortKey : Date.UTC(2026, 10, 2, 9) + ((i * 7919) % openCount) * 20_000;
  const state: ComplaintState = { ...t.states[kind], complaintId: id, ownerId, firstResponderId: ownerId, queue };
  const doc = {
    ...tpl,
    ownerId,
    firstResponderId: ownerId,
    queue,
    dueSortKey: due,
    sla: { ...tpl.sla, nextDueAt: kind === 'closed' ? tpl.sla.nextDueAt : new Date(due) },
    stateJson: JSON.stringify(state),
  };
  return { full: { _id: id, ...doc }, row: { _id: id, ...complaintRowOf(doc) }, policies: { _id: id, policiesJson: t.policiesJson } };
}

async function fill(models: Models, t: Templates, from: number, to: number, openCount: number): Promise<void> {
  const db = models.connection.db!;
  for (let start = from; start < to; start += 1000) {
    const batch = Array.from({ length: Math.min(1000, to - start) }, (_, k) => documentFor(t, start + k, openCount));
    await Promise.all([
      db.collection('complaints').insertMany(batch.map((b) => b.full) as never[], { ordered: false }),
      db.collection('complaint_rows').insertMany(batch.map((b) => b.row) as never[], { ordered: false }),
      db.collection('complaint_policies').insertMany(batch.map((b) => b.policies) as never[], { ordered: false }),
    ]);
  }
}

/** Empties the three collections (dropped and recreated with their indexes) for a fresh fill. */
async function empty(models: Models): Promise<void> {
  type Recreatable = Pick<Model<unknown>, 'createCollection' | 'createIndexes'> & { collection: { drop(): Promise<unknown> } };
  for (const model of [models.Complaint, models.ComplaintRow, models.ComplaintPolicies] as unknown as Recreatable[]) {
    await model.collection.drop().catch(() => undefined);
    await model.createCollection();
    await model.createIndexes();
  }
}

/** Median ms of `reps` alternating runs of two functions (after three warm-up runs each). */
async function pair(reps: number, bare: () => Promise<unknown>, api: () => Promise<unknown>): Promise<{ bareMs: number; apiMs: number }> {
  for (let w = 0; w < 3; w++) {
    await bare();
    await api();
  }
  const b: number[] = [];
  const a: number[] = [];
  for (let r = 0; r < reps; r++) {
    for (const [fn, out] of r % 2 === 0 ? ([[bare, b], [api, a]] as const) : ([[api, a], [bare, b]] as const)) {
      const t0 = performance.now();
      await fn();
      out.push(performance.now() - t0);
    }
  }
  return { bareMs: median(b), apiMs: median(a) };
}

export async function measureReadScale(opts: {
  models: Models;
  apiUrl: string;
  agentKey: string;
  agent: { id: string; queues: string[] };
  supervisorKey: string;
  settings: ScaleSettings;
  progress: (msg: string) => void;
}): Promise<ScaleStep[]> {
  const { models, apiUrl, settings, progress } = opts;
  const db = models.connection.db!;
  const rows = db.collection<{ _id: string; dueSortKey: number }>('complaint_rows');
  const docs = db.collection<{ _id: string }>('complaints');
  const t = await templates(models);

  const get = async (key: string, pathAndQuery: string) => {
    const res = await fetch(`${apiUrl}${pathAndQuery}`, { headers: { authorization: `Bearer ${key}` } });
    const body = (await res.json()) as { items?: unknown[]; nextCursor?: string | null };
    if (res.status !== 200) throw new Error(`GET ${pathAndQuery}: HTTP ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
    return body;
  };
  /** What the service does for a page: a sorted, limited query per branch, merged, then each page document by _id. */
  const barePage = async (branches: Record<string, unknown>[], common: Record<string, unknown>, after?: { k: number; id: string }) => {
    const cursor = after ? { $or: [{ dueSortKey: { $gt: after.k } }, { dueSortKey: after.k, _id: { $gt: after.id } }] } : {};
    const pages = await Promise.all(
      branches.map((b) => rows.find({ ...common, ...b, ...cursor }, { projection: { dueSortKey: 1 } }).sort({ dueSortKey: 1, _id: 1 }).limit(PAGE + 1).toArray()),
    );
    const merged = mergeByDue(pages);
    const page = merged.slice(0, PAGE);
    const full = await Promise.all(page.map((r) => docs.findOne({ _id: r._id }, { projection: { stateJson: 1 } })));
    if (full.length !== page.length) throw new Error('page document missing');
    return page;
  };
  const agentBranches = assignedBranches(opts.agent) as Record<string, unknown>[];

  const steps: { total: number; open: number }[] = settings.sizes.map((total) => ({ total, open: Math.min(settings.open, total) }));
  const biggest = settings.sizes[settings.sizes.length - 1]!;
  if (settings.bigOpen > settings.open) steps.push({ total: biggest, open: Math.min(settings.bigOpen, biggest) });

  const out: ScaleStep[] = [];
  let stored = 0;
  let storedOpen = 0;
  for (const step of steps) {
    const t0 = performance.now();
    if (step.total > stored) {
      progress(`read scale: filling ${stored} -> ${step.total} complaints (${step.open} open)`);
      await fill(models, t, stored, step.total, step.open);
      stored = step.total;
      storedOpen = step.open;
    }
    if (step.open !== storedOpen) {
      // A fresh fill is faster on the embedded store than rewriting thousands of documents in place.
      progress(`read scale: refilling ${step.total} complaints with ${step.open} open`);
      await empty(models);
      await fill(models, t, 0, step.total, step.open);
      storedOpen = step.open;
    }
    const fillSeconds = (performance.now() - t0) / 1000;
    progress(`read scale: measuring at ${step.total} complaints, ${step.open} open`);
    const measures: ScaleMeasure[] = [];
    const add = async (label: string, bare: () => Promise<unknown>, api: () => Promise<unknown>) => {
      const m = { label, ...(await pair(settings.reps, bare, api)) };
      measures.push(m);
      progress(`  ${label}: bare ${fmt(m.bareMs, 1)} ms, API ${fmt(m.apiMs, 1)} ms`);
    };

    // The agent's queue: what is theirs or waiting in their queues, still in hand, by due time.
    const p1 = await get(opts.agentKey, `/complaints?active=true&limit=${PAGE}`);
    const p1Bare = await barePage(agentBranches, { active: true });
    const last = p1Bare[p1Bare.length - 1]!;
    await add('agent queue, page 1 (active, own + queues)', () => barePage(agentBranches, { active: true }), () => get(opts.agentKey, `/complaints?active=true&limit=${PAGE}`));
    if (!p1.nextCursor) throw new Error(`the agent's queue has a single page at ${step.total} complaints: too few open complaints for this measure`);
    await add(
      'agent queue, page 2 (cursor)',
      () => barePage(agentBranches, { active: true }, { k: last.dueSortKey, id: last._id }),
      () => get(opts.agentKey, `/complaints?active=true&limit=${PAGE}&cursor=${p1.nextCursor}`),
    );
    await add('owner filter: owner=bob, active', () => barePage([{}], { ownerId: 'bob', active: true }), () => get(opts.supervisorKey, `/complaints?owner=bob&active=true&limit=${PAGE}`));
    await add('queue filter: queue=billing, active', () => barePage([{}], { queue: 'billing', active: true }), () => get(opts.supervisorKey, `/complaints?queue=billing&active=true&limit=${PAGE}`));
    await add('status filter: status=open (unowned, all queues)', () => barePage([{}], { status: 'open' }), () => get(opts.supervisorKey, `/complaints?status=open&limit=${PAGE}`));
    // A finished complaint: the API answers from the read model without asking Temporal.
    const closedId = `c_scale${String(step.total - 1).padStart(8, '0')}`;
    await add('single read: GET /complaints/:id (finished)', () => docs.findOne({ _id: closedId }, { projection: { stateJson: 1, status: 1 } }), () => get(opts.supervisorKey, `/complaints/${closedId}`));
    // The persistence activity's write of one transition's read model (document, then row), vs the same two updates bare.
    const writeId = `c_scale${String(1).padStart(8, '0')}`;
    const base = documentFor(t, 1, step.open);
    let version = 100 + out.length * 1000;
    await add(
      'persistence write (document + row, version-guarded)',
      async () => {
        const v = ++version;
        await docs.updateOne({ _id: writeId, version: { $lt: v } } as never, { $set: { ...base.full, version: v } });
        await rows.updateOne({ _id: writeId, version: { $lt: v } } as never, { $set: { ...base.row, version: v } });
      },
      async () => {
        const v = ++version;
        const { _id: _d, ...full } = base.full;
        const { _id: _r, ...row } = base.row;
        await writeReadModel(models.Complaint, writeId, v, { ...full, version: v });
        await writeReadModel(models.ComplaintRow, writeId, v, { ...row, version: v });
      },
    );
    out.push({ total: step.total, open: step.open, fillSeconds, measures });
  }
  return out;
}

/** Report lines: one table per step, then growth against the first step and the targets. */
export function scaleReport(steps: ScaleStep[]): [string, string][] {
  const lines: [string, string][] = [];
  for (const s of steps) {
    lines.push([`${s.total} complaints, ${s.open} open`, `(filled in ${fmt(s.fillSeconds, 1)} s)`]);
    for (const m of s.measures) lines.push([`  ${m.label}`, `bare ${fmt(m.bareMs, 1)} ms | API ${fmt(m.apiMs, 1)} ms | API/bare ${fmt(m.apiMs / m.bareMs, 2)}`]);
  }
  const first = steps[0];
  const sameOpen = steps.filter((s) => s.open === first?.open);
  const last = sameOpen[sameOpen.length - 1];
  const bigOpen = steps.find((s) => first && s.open > first.open);
  const find = (s: ScaleStep | undefined, prefix: string) => s?.measures.find((m) => m.label.startsWith(prefix));
  if (first && last && last !== first) {
    for (const prefix of ['agent queue, page 1', 'single read']) {
      const a = find(first, prefix);
      const b = find(last, prefix);
      if (a && b) {
        const growth = b.apiMs / a.apiMs;
        lines.push([`growth ${prefix} ${first.total} -> ${last.total}`, `x${fmt(growth, 2)} (API)  -> target <= 2: ${growth <= 2 ? 'met' : 'not met'}`]);
      }
    }
    const q = find(last, 'agent queue, page 1');
    if (q) lines.push([`agent queue page at ${last.total}, ${last.open} open`, `${fmt(q.apiMs, 1)} ms (API)  -> target <= 100 ms: ${q.apiMs <= 100 ? 'met' : 'not met'}`]);
  }
  const qb = find(bigOpen, 'agent queue, page 1');
  if (bigOpen && qb) lines.push([`agent queue page at ${bigOpen.total}, ${bigOpen.open} open`, `${fmt(qb.apiMs, 1)} ms (API)  -> target <= 300 ms: ${qb.apiMs <= 300 ? 'met' : 'not met'}`]);
  const worst = steps.flatMap((s) => s.measures).reduce((w, m) => Math.max(w, m.apiMs / m.bareMs), 0);
  lines.push(['worst API/bare', `${fmt(worst, 2)}  -> target <= 1.2: ${worst <= 1.2 ? 'met' : 'not met'}`]);
  return lines;
}
