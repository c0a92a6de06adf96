/**
 * The list row of a complaint (`complaint_rows`) derives from its full
 * read-model document, one way, both for every transition's write and for the
 * one-off backfill of stores written before rows existed.
 */
import { DEFAULT_QUEUE } from '../domain/access';
import { TERMINAL, type Status } from '../domain/complaint';
import { type ComplaintDoc, type ComplaintRowDoc, type Models, insertIfAbsent, markBackfillDone } from './models';

type FullDoc = Omit<ComplaintDoc, 'stateJson' | '_id'>;

export function complaintRowOf(doc: FullDoc): Omit<ComplaintRowDoc, '_id'> {
  return {
    version: doc.version,
    status: doc.status,
    active: !TERMINAL.includes(doc.status as Status),
    severity: doc.severity,
    category: doc.category,
    channel: doc.channel,
    ownerId: doc.ownerId ?? null,
    firstResponderId: doc.firstResponderId ?? null,
    assignees: [...new Set([doc.ownerId, doc.firstResponderId].filter((id): id is string => !!id))],
    queue: doc.queue ?? DEFAULT_QUEUE,
    openToQueue: doc.ownerId ? null : (doc.queue ?? DEFAULT_QUEUE),
    areaId: doc.areaId ?? null,
    breached: doc.sla?.breached ?? false,
    atRiskFrom: doc.sla?.atRiskFrom ?? null,
    nextDueAt: doc.sla?.nextDueAt ?? null,
    dueSortKey: doc.dueSortKey,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
}

const BACKFILL_MARKER = 'complaint_rows_v1';

/**
 * Gives every complaint stored before `complaint_rows` existed its row, once
 * per database (a marker in `migrations` records completion). Idempotent and
 * safe beside running workflows: rows are inserted only where absent, so a
 * newer row written meanwhile by a workflow is never replaced.
 */
export async function backfillComplaintRows(models: Models): Promise<{ inserted: number }> {
  const migrations = models.connection.collection<{ _id: string; at: Date }>('migrations');
  if (await migrations.findOne({ _id: BACKFILL_MARKER })) return { inserted: 0 };
  let inserted = 0;
  let batch: Record<string, unknown>[] = [];
  const flush = async () => {
    inserted += (await insertIfAbsent(models.ComplaintRow, batch)).inserted;
    batch = [];
  };
  for await (const doc of models.Complaint.find({}, { stateJson: 0, state: 0 }).lean().cursor()) {
    batch.push({ _id: doc._id, ...complaintRowOf(doc as FullDoc) });
    if (batch.length === 500) await flush();
  }
  await flush();
  await markBackfillDone(models, BACKFILL_MARKER);
  return { inserted };
}
