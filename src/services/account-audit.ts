/**
 * Audit events appended outside workflows, by API processes and activities:
 * account administration (a user created or changed by an admin, a password
 * set or reset, an API key issued or revoked, a user provisioned by an OIDC
 * sign-in) in `user:<id>`, and the customer side (`customer:<id>`,
 * `follow_up:<id>`, `survey:<campaignId>`). One hash-chained stream per
 * entity, `<entityType>:<entityId>`, in the same `audit_events` collection
 * and chain format as the workflow streams (src/domain/audit-chain.ts), so
 * search, export, verification and the signed digests cover them. Never a
 * password, a hash or a customer's contact in the data.
 *
 * Appended from processes that may race on one stream: the next `seq` is
 * read, and a concurrent writer that took it makes the unique (stream, seq)
 * index refuse the insert; the append is then retried on the new head.
 */
import { type Models, isDuplicateKeyError } from '../db/models';
import type { AuditEntityType } from '../contracts/audit';
import type { Actor } from '../domain/actors';
import { chainEvents } from '../domain/audit-chain';

export const userStream = (userId: string) => `user:${userId}`;
export const auditStream = (entityType: AuditEntityType, entityId: string) => `${entityType}:${entityId}`;

export interface StreamEvent {
  entityType: AuditEntityType;
  entityId: string;
  action: string;
  actor: Actor;
  before?: unknown;
  after?: unknown;
  details?: Record<string, unknown>;
  at?: Date;
}

/** Appends one event to the stream `<entityType>:<entityId>`, chained to its head. Returns the event's seq. */
export async function appendStreamEvent(models: Models, e: StreamEvent): Promise<{ stream: string; seq: number }> {
  const stream = auditStream(e.entityType, e.entityId);
  const at = e.at ?? new Date();
  for (let attempt = 0; attempt < 8; attempt++) {
    const head = await models.AuditEvent.findOne({ stream }, { seq: 1, hash: 1 }).sort({ seq: -1 }).lean();
    const [event] = chainEvents(
      [
        {
          stream,
          seq: (head?.seq ?? 0) + 1,
          entityType: e.entityType,
          entityId: e.entityId,
          action: e.action,
          actor: { id: e.actor.id, role: e.actor.role },
          at: at.toISOString(),
          before: e.before ?? null,
          after: e.after ?? null,
          details: e.details ?? {},
        },
      ],
      head?.hash ?? null,
    );
    try {
      await models.AuditEvent.collection.insertOne({ _id: `${stream}:${event!.seq}`, ...event!, at, recordedAt: new Date() } as never);
      return { stream, seq: event!.seq };
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
  }
  throw new Error(`audit stream ${stream}: could not append after 8 concurrent attempts`);
}

/** An account event in `user:<userId>` (admin and sign-in use cases). */
export async function appendAccountEvent(
  models: Models,
  e: { userId: string; action: string; actor: Actor; before?: unknown; after?: unknown; details?: Record<string, unknown>; at?: Date },
): Promise<void> {
  const { userId, ...rest } = e;
  await appendStreamEvent(models, { ...rest, entityType: 'user', entityId: userId });
}
