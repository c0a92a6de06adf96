/**
 * Writes shared by every entity workflow's persistence activity: audit events
 * and outbox messages keyed by (stream, version, index), and a read model
 * written only forward in version. All idempotent under activity retries.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Model } from 'mongoose';
import { type Models, insertIfAbsent } from '../src/db/models';
import type { Actor, Role } from '../src/domain/actors';
import { chainEvents } from '../src/domain/audit-chain';

/** What every workflow transition carries (complaint and cycle transitions both fit). */
export interface RecordedTransition {
  version: number;
  action: string;
  actor: Actor;
  at: number;
  before: unknown;
  after: unknown;
  details: Record<string, unknown>;
  notifications: { type: string; recipients: { userIds: string[]; roles: Role[] }; data: Record<string, unknown> }[];
}

export interface EntityRef {
  entityType: 'complaint' | 'cycle' | 'review';
  entityId: string;
  /** Audit stream, one per workflow entity, e.g. `complaint:c_123`. */
  stream: string;
}

export const outboxId = (entityId: string, version: number, index: number) => `${entityId}:${version}:${index}`;

export const auditEventId = (stream: string, seq: number) => `${stream}:${seq}`;

/**
 * Appends the transitions to the entity's audit stream (seq = the workflow's
 * version, chained onto the stored previous event) and inserts their outbox
 * messages. A retry recomputes the same hashes, so existing events are left
 * as they are; an existing event with a different hash would be a fork and
 * fails the activity for good. Returns the outbox ids.
 */
export async function recordAuditAndOutbox(models: Models, ref: EntityRef, transitions: RecordedTransition[]): Promise<{ outboxIds: string[] }> {
  await appendAuditEvents(models, ref, transitions);
  const entityField = ({ complaint: 'complaintId', cycle: 'cycleId', review: 'reviewId' } as const)[ref.entityType];
  const outbox = transitions.flatMap((t) =>
    t.notifications.map((n, i) => ({
      _id: outboxId(ref.entityId, t.version, i),
      type: n.type,
      [entityField]: ref.entityId,
      recipients: n.recipients,
      data: { ...n.data, version: t.version, at: new Date(t.at).toISOString() },
      createdAt: new Date(t.at),
      status: 'pending',
      deliveredTo: [],
      attempts: 0,
      lastError: null,
      deliveredAt: null,
    })),
  );
  await insertIfAbsent(models.Outbox, outbox);
  return { outboxIds: outbox.map((o) => o._id) };
}

async function appendAuditEvents(models: Models, ref: EntityRef, transitions: RecordedTransition[]): Promise<void> {
  if (transitions.length === 0) return;
  const first = transitions[0]!.version;
  let prevHash: string | null = null;
  if (first > 1) {
    // The persister writes one batch at a time per entity, so the previous event is stored.
    const prev = await models.AuditEvent.findById(auditEventId(ref.stream, first - 1), { hash: 1 }).lean();
    if (!prev?.hash) throw new Error(`audit stream ${ref.stream} has no event ${first - 1} to chain event ${first} onto`);
    prevHash = prev.hash;
  }
  const chained = chainEvents(
    transitions.map((t) => ({
      stream: ref.stream,
      seq: t.version,
      entityType: ref.entityType,
      entityId: ref.entityId,
      action: t.action,
      actor: { id: t.actor.id, role: t.actor.role },
      at: new Date(t.at).toISOString(),
      before: t.before,
      after: t.after,
      details: t.details,
    })),
    prevHash,
  );
  const recordedAt = new Date();
  const docs = chained.map((e) => ({ _id: auditEventId(e.stream, e.seq), ...e, at: new Date(e.at), recordedAt }));
  const { inserted } = await insertIfAbsent(models.AuditEvent, docs);
  if (inserted === docs.length) return;
  const stored = await models.AuditEvent.find({ _id: { $in: docs.map((d) => d._id) } }, { hash: 1 }).lean();
  const storedHash = new Map(stored.map((d) => [d._id, d.hash]));
  const forked = docs.find((d) => storedHash.get(d._id) !== d.hash);
  if (forked) {
    throw ApplicationFailure.nonRetryable(`audit event ${forked._id} already exists with a different hash: the stream would fork`, 'AUDIT_CHAIN_FORK');
  }
}

/**
 * Writes a read-model document unless what is stored is as new or newer.
 * Workflows persist one batch at a time, in version order; what remains is an
 * attempt that outlived its timeout and retries of an already-written batch,
 * both older than (or equal to) what is stored. The version is part of the
 * update's filter, so the store compares and writes in one command: a stale
 * attempt that stalls anywhere before its write finds the newer version there
 * and changes nothing. (MongoDB does this atomically per document; FerretDB
 * evaluates the filter and writes inside one command, see docs/decisions.md.)
 */
export async function writeReadModel<T>(model: Model<T>, id: string, version: number, doc: Record<string, unknown>): Promise<void> {
  const newer = { _id: id, version: { $lt: version } } as Record<string, unknown>;
  if ((await model.updateOne(newer, { $set: doc })).matchedCount > 0) return;
  // Nothing older is stored: either nothing at all (first write: a keyed insert, see insertIfAbsent)
  // or this version or a newer one (a retry or a stale attempt: nothing to do).
  if ((await insertIfAbsent(model, [{ _id: id, ...doc }])).inserted === 1) return;
  // Another attempt inserted first; if it was older, replace it, still guarded by version.
  await model.updateOne(newer, { $set: doc });
}
