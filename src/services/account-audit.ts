/**
 * Audit events of account administration done outside workflows (a user
 * created or changed by an admin, a password set or reset, an API key issued
 * or revoked, a user provisioned by an OIDC sign-in): one hash-chained stream
 * per user, `user:<id>`, in the same
 * `audit_events` collection and chain format as the workflow streams
 * (src/domain/audit-chain.ts), so search, export, verification and the signed
 * digests cover them. Never a password or a hash in the data.
 *
 * Appended from API processes, which may race on one stream: the next `seq`
 * is read, and a concurrent writer that took it makes the unique
 * (stream, seq) index refuse the insert; the append is then retried on the
 * new head.
 */
import { type Models, isDuplicateKeyError } from '../db/models';
import type { Actor } from '../domain/actors';
import { chainEvents } from '../domain/audit-chain';

export const userStream = (userId: string) => `user:${userId}`;

export async function appendAccountEvent(
  models: Models,
  e: { userId: string; action: string; actor: Actor; before?: unknown; after?: unknown; details?: Record<string, unknown>; at?: Date },
): Promise<void> {
  const stream = userStream(e.userId);
  const at = e.at ?? new Date();
  for (let attempt = 0; attempt < 8; attempt++) {
    const head = await models.AuditEvent.findOne({ stream }, { seq: 1, hash: 1 }).sort({ seq: -1 }).lean();
    const [event] = chainEvents(
      [
        {
          stream,
          seq: (head?.seq ?? 0) + 1,
          entityType: 'user',
          entityId: e.userId,
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
      return;
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
  }
  throw new Error(`audit stream ${stream}: could not append after 8 concurrent attempts`);
}
