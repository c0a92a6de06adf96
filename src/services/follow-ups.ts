/**
 * Follow-up tasks: a low CSAT (rating LOW_CSAT_MAX or less, with its reason
 * codes) opens a supervisor callback on the complaint. The complaint reducer
 * marks the transition (`details.followUp`); the persistence activity calls
 * `recordFollowUps`, which stores the task (`fu_<complaintId>_<version>`) and
 * audits it in `follow_up:<id>`; a supervisor completes it with the outcome of
 * the call. The outcome is staff text about the call, not the customer's
 * contact, so it is kept in the hash-chained event.
 */
import { type FollowUpDoc, type Models, insertIfAbsent } from '../db/models';
import type { Actor } from '../domain/actors';
import { type ComplaintState, type Transition, followUpIdOf } from '../domain/complaint';
import { DomainError, ErrorCode } from '../domain/errors';
import { appendStreamEvent, auditStream } from './account-audit';

export const FOLLOW_UP_KINDS = ['callback'] as const;
export const FOLLOW_UP_STATUSES = ['open', 'done'] as const;
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];

/** Lists answer at most this many follow-ups, newest first. */
export const FOLLOW_UP_LIST_LIMIT = 500;

export interface FollowUpView {
  followUpId: string;
  kind: 'callback';
  complaintId: string;
  customerId: string;
  areaId: string | null;
  rating: number;
  reasons: string[];
  status: FollowUpStatus;
  createdAt: string;
  completedAt: string | null;
  completedBy: string | null;
  outcome: string | null;
}

/** What a transition's `details.followUp` says (src/domain/complaint.ts, lowRatingEffects). */
interface FollowUpRequest {
  kind: 'callback';
  rating: number;
  reasons: string[];
}

function followUpOf(t: Transition): FollowUpRequest | null {
  const f = t.details.followUp as FollowUpRequest | undefined;
  return f && f.kind === 'callback' ? f : null;
}

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

export function toFollowUpView(doc: FollowUpDoc & { _id: string }): FollowUpView {
  return {
    followUpId: doc._id,
    kind: 'callback',
    complaintId: doc.complaintId,
    customerId: doc.customerId,
    areaId: doc.areaId ?? null,
    rating: doc.rating,
    reasons: [...(doc.reasons ?? [])],
    status: doc.status as FollowUpStatus,
    createdAt: new Date(doc.createdAt).toISOString(),
    completedAt: iso(doc.completedAt),
    completedBy: doc.completedBy ?? null,
    outcome: doc.outcome ?? null,
  };
}

/**
 * Stores the follow-ups the transitions open and audits each once. Called by
 * the complaint persistence activity, so it must survive retries: the task
 * is an insert-if-absent under its deterministic id, and `follow_up.opened`
 * is appended only while the stream has none (a retry after the insert but
 * before the event still writes it). Everything written is derived from the
 * transition (its instant, its actor), so a retry writes the same thing.
 */
export async function recordFollowUps(models: Models, state: ComplaintState, transitions: Transition[]): Promise<void> {
  for (const t of transitions) {
    const request = followUpOf(t);
    if (!request) continue;
    const id = followUpIdOf(state.complaintId, t.version);
    const doc = {
      _id: id,
      kind: request.kind,
      complaintId: state.complaintId,
      customerId: state.customer.id,
      areaId: state.serviceArea?.areaId ?? null,
      rating: request.rating,
      reasons: [...request.reasons],
      status: 'open',
      createdAt: new Date(t.at),
      completedAt: null,
      completedBy: null,
      outcome: null,
    };
    await insertIfAbsent(models.FollowUp, [doc]);
    const stream = auditStream('follow_up', id);
    if (await models.AuditEvent.exists({ stream, action: 'follow_up.opened' })) continue;
    await appendStreamEvent(models, {
      entityType: 'follow_up',
      entityId: id,
      action: 'follow_up.opened',
      actor: t.actor,
      after: { status: 'open', kind: request.kind, rating: request.rating, reasons: request.reasons },
      details: { complaintId: state.complaintId, complaintVersion: t.version, customerId: state.customer.id, areaId: doc.areaId },
      at: new Date(t.at),
    });
  }
}

/** Follow-ups, newest first (at most FOLLOW_UP_LIST_LIMIT), optionally of one status or one complaint. */
export async function listFollowUps(models: Models, filter: { status?: FollowUpStatus; complaintId?: string }): Promise<FollowUpView[]> {
  const query: Record<string, string> = {};
  if (filter.status) query.status = filter.status;
  if (filter.complaintId) query.complaintId = filter.complaintId;
  const docs = await models.FollowUp.find(query).sort({ createdAt: -1, _id: -1 }).limit(FOLLOW_UP_LIST_LIMIT).lean<(FollowUpDoc & { _id: string })[]>();
  return docs.map(toFollowUpView);
}

/**
 * Completes a follow-up with the outcome of the call. Repeating the same
 * completion answers the task as it is (a retried request), and writes the
 * `follow_up.completed` event if an earlier attempt stored the completion
 * but not its event; another outcome on a done task is refused.
 */
export async function completeFollowUp(models: Models, followUpId: string, outcome: string, actor: Actor, now = new Date()): Promise<FollowUpView> {
  const done = await models.FollowUp.findOneAndUpdate(
    { _id: followUpId, status: 'open' },
    { $set: { status: 'done', completedAt: now, completedBy: actor.id, outcome } },
    { new: true },
  ).lean<FollowUpDoc & { _id: string }>();
  const doc = done ?? (await models.FollowUp.findById(followUpId).lean<FollowUpDoc & { _id: string }>());
  if (!doc) throw new DomainError(ErrorCode.NOT_FOUND, `follow-up ${followUpId} does not exist`);
  if (!done && doc.outcome !== outcome) {
    throw new DomainError(ErrorCode.FOLLOW_UP_DONE, `follow-up ${followUpId} was already completed by ${doc.completedBy ?? 'someone'} with another outcome`, {
      completedAt: iso(doc.completedAt),
      completedBy: doc.completedBy ?? null,
    });
  }
  const stream = auditStream('follow_up', followUpId);
  if (done || !(await models.AuditEvent.exists({ stream, action: 'follow_up.completed' }))) {
    await appendStreamEvent(models, {
      entityType: 'follow_up',
      entityId: followUpId,
      action: 'follow_up.completed',
      actor: done ? actor : { id: doc.completedBy ?? actor.id, role: actor.role },
      before: { status: 'open' },
      after: { status: 'done', outcome: doc.outcome },
      details: { complaintId: doc.complaintId },
      at: doc.completedAt ? new Date(doc.completedAt) : now,
    });
  }
  return toFollowUpView(doc);
}
