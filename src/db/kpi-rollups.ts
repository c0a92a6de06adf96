/**
 * Storage of the KPIs (docs/analytics.md): one fact per complaint, a dirty
 * marker per (area, intake day) whose facts changed, and per-day rollups
 * recomputed from the facts of a dirty area-day and replaced whole.
 *
 * Why this shape: the embedded store (FerretDB) only pushes top-level
 * equality down to an index, so every read here is one: facts by `areaDay`,
 * rollups by `series` or `areaDay`, markers by `_id`. A rollup is never
 * incremented: it is recomputed from the facts, so a retried or repeated
 * refresh writes the same documents and never double counts.
 *
 * A fact's area and intake day never change (the area is frozen at intake),
 * so a complaint stays in one area-day for life and only that day's rollups
 * change when it moves on.
 *
 * Survey facts (one per completed response, src/db/survey-facts.ts) are read
 * with the complaint facts of the same area-day, by the same kind of equality
 * (`areaDay`), and count in the area's own series only.
 */
import { randomInt } from 'node:crypto';
import type { ComplaintState } from '../domain/complaint';
import { type ComplaintFact, type KpiCell, addFact, addSurveyFact, complaintFact, emptyCell, seriesKey, seriesKeysOf } from '../domain/kpi';
import type { Severity } from '../domain/sla-policy';
import type { SurveyFact } from '../domain/survey-facts';
import { type KpiRollupDoc, type Models, type SurveyFactDoc, insertIfAbsent, markBackfillDone, storedState } from './models';

export const areaDayOf = (areaId: string, day: string) => `${areaId}|${day}`;

/** The `complaint_facts` document of a fact (without `_id`, which is the complaint id). */
export function factDocument(fact: ComplaintFact) {
  return { version: fact.version, areaId: fact.areaId, day: fact.day, areaDay: areaDayOf(fact.areaId, fact.day), factJson: JSON.stringify(fact) };
}

// ------------------------------------------------------------ dirty markers

/** A fresh marker value: random, so a marker deleted and created again never repeats the value a refresher read (no ABA). */
const newSeq = () => randomInt(1, 2 ** 47);

/**
 * Marks area-days dirty; call it AFTER the facts are stored. Each marker gets
 * a new `seq` whether it existed or not, so a refresher that read the facts
 * before this change cannot delete it. Keyed update, else keyed insert (no
 * upsert: FerretDB scans the collection for an upsert that inserts); the loop
 * covers a refresher deleting the marker between the two.
 */
export async function markAreaDaysDirty(models: Models, areaDays: readonly { areaId: string; day: string }[]): Promise<void> {
  const unique = new Map(areaDays.map((d) => [areaDayOf(d.areaId, d.day), d]));
  for (const [_id, { areaId, day }] of unique) {
    for (let attempt = 0; ; attempt++) {
      if ((await models.KpiDirty.updateOne({ _id }, { $set: { seq: newSeq() } })).matchedCount > 0) break;
      if ((await insertIfAbsent(models.KpiDirty, [{ _id, areaId, day, seq: newSeq() }])).inserted === 1) break;
      if (attempt >= 10) throw new Error(`could not mark ${_id} dirty: the marker kept appearing and disappearing`);
    }
  }
}

// ------------------------------------------------------------------ rollups

/** The dimensions a Pareto counts by. */
export const PARETO_DIMENSIONS = ['category', 'cause', 'channel'] as const;
export type ParetoDimension = (typeof PARETO_DIMENSIONS)[number];

/** Per Pareto dimension, per value: complaints by severity (severities with none left out). */
export type Breakdown = Record<ParetoDimension, Record<string, Partial<Record<Severity, number>>>>;

export const emptyBreakdown = (): Breakdown => ({ category: {}, cause: {}, channel: {} });

function addToBreakdown(b: Breakdown, f: ComplaintFact): void {
  for (const dimension of PARETO_DIMENSIONS) {
    const value = f[dimension];
    // A cause is only set on a resolution (reopening clears it): the cause Pareto counts resolved complaints.
    if (value === null) continue;
    const counts = (b[dimension][value] ??= {});
    counts[f.severity] = (counts[f.severity] ?? 0) + 1;
  }
}

export type RollupDoc = Omit<KpiRollupDoc, '_id'> & { _id: string };

/**
 * The rollup documents of one area-day: one per series key its facts belong
 * to (the area as a whole and each dimension value), each the sum of those
 * facts. Cancelled complaints count nowhere, so they make no series either.
 * Survey facts add to the area's series only (they have no dimension values);
 * a day with survey answers and no complaint has that series alone.
 */
export function rollupsOf(areaId: string, day: string, facts: readonly ComplaintFact[], surveyFacts: readonly SurveyFact[] = []): RollupDoc[] {
  const bySeries = new Map<string, { cell: KpiCell; breakdown: Breakdown }>();
  const entryOf = (series: string) => {
    let entry = bySeries.get(series);
    if (!entry) bySeries.set(series, (entry = { cell: emptyCell(), breakdown: emptyBreakdown() }));
    return entry;
  };
  // In complaint id order: the cells' lists and the breakdown's keys (hence the stored JSON) must not depend
  // on the order the store returned the facts in (a backfill inserts them in another order than the workflows did).
  for (const f of [...facts].sort((a, b) => (a.complaintId < b.complaintId ? -1 : a.complaintId > b.complaintId ? 1 : 0))) {
    if (f.cancelled) continue;
    for (const series of seriesKeysOf(f)) {
      const entry = entryOf(series);
      addFact(entry.cell, f);
      addToBreakdown(entry.breakdown, f);
    }
  }
  if (surveyFacts.length > 0) {
    // Sorted, so the cell's sums (and the stored JSON) do not depend on the order the store returned them in.
    const area = entryOf(seriesKey(areaId, null));
    for (const f of [...surveyFacts].sort((a, b) => (a.responseId < b.responseId ? -1 : 1))) addSurveyFact(area.cell, f);
  }
  const areaDay = areaDayOf(areaId, day);
  return [...bySeries]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([series, { cell, breakdown }]) => ({ _id: `${series}|${day}`, series, areaId, areaDay, day, cellJson: JSON.stringify(cell), breakdownJson: JSON.stringify(breakdown) }));
}

/**
 * Recomputes the rollups of one area-day from its facts: changed documents
 * replaced by `_id`, new ones inserted, ones no longer produced deleted, all
 * keyed. Returns the number of documents written or deleted.
 */
export async function recomputeAreaDay(models: Models, areaId: string, day: string): Promise<number> {
  const areaDay = areaDayOf(areaId, day);
  const [facts, surveyFacts, stored] = await Promise.all([
    models.ComplaintFact.find({ areaDay }, { factJson: 1 }).lean(),
    // Same indexed equality: on a day without survey answers this matches nothing.
    models.SurveyFact.find({ areaDay }, { recordedAt: 0 }).lean(),
    models.KpiRollup.find({ areaDay }, { cellJson: 1, breakdownJson: 1 }).lean(),
  ]);
  const wanted = rollupsOf(
    areaId,
    day,
    facts.map((f) => JSON.parse(f.factJson) as ComplaintFact),
    surveyFacts.map(surveyFactOf),
  );
  const storedById = new Map(stored.map((d) => [d._id, d]));
  const fresh: RollupDoc[] = [];
  let writes = 0;
  for (const doc of wanted) {
    const old = storedById.get(doc._id);
    storedById.delete(doc._id);
    if (!old) fresh.push(doc);
    else if (old.cellJson !== doc.cellJson || old.breakdownJson !== doc.breakdownJson) {
      await models.KpiRollup.updateOne({ _id: doc._id }, { $set: { cellJson: doc.cellJson, breakdownJson: doc.breakdownJson } });
      writes += 1;
    }
  }
  if (fresh.length > 0) {
    const { inserted } = await insertIfAbsent(models.KpiRollup, fresh);
    // Another refresher inserted some first (from the same or older facts): ours replace them.
    if (inserted < fresh.length) for (const doc of fresh) await models.KpiRollup.updateOne({ _id: doc._id }, { $set: { cellJson: doc.cellJson, breakdownJson: doc.breakdownJson } });
    writes += fresh.length;
  }
  // One keyed delete each: `_id: { $in }` is not pushed down on the embedded store, a keyed delete is.
  for (const id of storedById.keys()) await models.KpiRollup.deleteOne({ _id: id });
  return writes + storedById.size;
}

/**
 * Brings the rollups up to date with the facts: every area-day marked dirty
 * is recomputed, then its marker deleted only if its `seq` is still the one
 * read (a change made meanwhile leaves it for the next refresh). Idempotent;
 * concurrent refreshers compute the same documents from the same facts.
 * Markers set while it runs are left for the next call.
 */
export async function refreshRollups(models: Models, opts: { concurrency?: number } = {}): Promise<{ areaDays: number; writes: number }> {
  const markers = await models.KpiDirty.find({}, { areaId: 1, day: 1, seq: 1 }).lean();
  let next = 0;
  let writes = 0;
  const worker = async () => {
    while (next < markers.length) {
      const m = markers[next++]!;
      writes += await recomputeAreaDay(models, m.areaId, m.day);
      await models.KpiDirty.deleteOne({ _id: m._id, seq: m.seq });
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 4, markers.length) }, worker));
  return { areaDays: markers.length, writes };
}

// ----------------------------------------------------------------- backfill

const BACKFILL_MARKER = 'complaint_facts_v1';

/**
 * Gives every complaint stored before facts existed its fact, once per
 * database (a marker in `migrations` records completion), marks their
 * area-days dirty and refreshes the rollups. Idempotent and safe beside
 * running workflows: facts are inserted only where absent, so a newer fact
 * written meanwhile by a workflow is never replaced.
 */
export async function backfillComplaintFacts(models: Models): Promise<{ inserted: number; areaDays: number }> {
  const migrations = models.connection.collection<{ _id: string; at: Date }>('migrations');
  if (await migrations.findOne({ _id: BACKFILL_MARKER })) return { inserted: 0, areaDays: 0 };
  let inserted = 0;
  const areaDays = new Map<string, { areaId: string; day: string }>();
  let batch: Record<string, unknown>[] = [];
  const flush = async () => {
    inserted += (await insertIfAbsent(models.ComplaintFact, batch)).inserted;
    batch = [];
  };
  for await (const doc of models.Complaint.find({}, { stateJson: 1, state: 1 }).lean().cursor()) {
    const fact = complaintFact(storedState<ComplaintState>(doc));
    batch.push({ _id: fact.complaintId, ...factDocument(fact) });
    areaDays.set(areaDayOf(fact.areaId, fact.day), { areaId: fact.areaId, day: fact.day });
    if (batch.length === 500) await flush();
  }
  await flush();
  await markAreaDaysDirty(models, [...areaDays.values()]);
  await refreshRollups(models);
  await markBackfillDone(models, BACKFILL_MARKER);
  return { inserted, areaDays: areaDays.size };
}

// -------------------------------------------------------------------- reads

/**
 * One field of the rollups of a series whose day lies in [from, to], by day
 * (equality on `series`; the range is applied here): `cellJson` for KPIs,
 * `breakdownJson` for Paretos.
 */
export async function seriesRollups<F extends 'cellJson' | 'breakdownJson'>(models: Models, series: string, from: string, to: string, field: F): Promise<({ day: string } & Record<F, string>)[]> {
  // The driver directly: hundreds of small documents, mongoose's query layer adds nothing here.
  const docs = await models.KpiRollup.collection.find<{ day: string } & Record<F, string>>({ series }, { projection: { _id: 0, day: 1, [field]: 1 } }).toArray();
  return docs.filter((d) => d.day >= from && d.day <= to).sort((a, b) => (a.day < b.day ? -1 : 1));
}

/** The days of [from, to] on which a series has complaints (a rollup exists only for a day with some), ascending. */
export async function seriesDays(models: Models, series: string, from: string, to: string): Promise<string[]> {
  const docs = await models.KpiRollup.collection.find<{ day: string }>({ series }, { projection: { _id: 0, day: 1 } }).toArray();
  return docs.map((d) => d.day).filter((d) => d >= from && d <= to).sort();
}

/** The fact a stored `survey_facts` document holds. */
export function surveyFactOf(doc: Pick<SurveyFactDoc, 'campaignId' | 'areaId' | 'day' | 'kind' | 'csat' | 'nps' | 'servqualGaps'> & { _id: string }): SurveyFact {
  return {
    responseId: doc._id,
    campaignId: doc.campaignId,
    areaId: doc.areaId,
    day: doc.day,
    kind: doc.kind as SurveyFact['kind'],
    csat: doc.csat ?? null,
    nps: doc.nps ?? null,
    servqualGaps: (doc.servqualGaps as SurveyFact['servqualGaps'] | undefined) ?? null,
  };
}

/** The facts of one area-day. */
export async function factsOfAreaDay(models: Models, areaId: string, day: string): Promise<ComplaintFact[]> {
  const docs = await models.ComplaintFact.find({ areaDay: areaDayOf(areaId, day) }, { factJson: 1 }).lean();
  return docs.map((d) => JSON.parse(d.factJson) as ComplaintFact);
}
