/**
 * Webhook delivery of outbox messages, shared by every workflow. Receivers
 * get a stable `X-Qualityloop-Delivery` id to deduplicate and an HMAC-SHA256
 * signature of the body.
 */
import { createHmac } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { Models } from '../src/db/models';
import type { CustomerMailConfig } from './customer-mail';

export interface NotificationDeps {
  models: Models;
  webhookUrls: string[];
  webhookSecret: string;
  /** Per-attempt HTTP timeout for webhook delivery. */
  webhookTimeoutMs?: number;
  /** Customer email: link signing, public URL and SMTP. Absent: no customer messages are recorded (tests of other concerns, benchmarks). */
  customerMail?: CustomerMailConfig;
}

export function createNotificationDelivery(deps: NotificationDeps) {
  const { models } = deps;
/**
 * POSTs each pending outbox message to every configured webhook that has not
 * yet acknowledged it. Receivers get a stable `X-Qualityloop-Delivery` id to
 * deduplicate, and an HMAC signature. Throws (so Temporal retries) while any
 * receiver fails.
 */
return async function deliverNotifications(input: { outboxIds: string[] }): Promise<{ delivered: number }> {
  const messages = await models.Outbox.find({ _id: { $in: input.outboxIds }, status: 'pending' }).lean();
  const failures: string[] = [];
  let delivered = 0;
  for (const msg of messages) {
    // The entity field is complaintId, cycleId or reviewId, whichever the message is about.
    const entity = msg.complaintId ? { complaintId: msg.complaintId } : msg.reviewId ? { reviewId: msg.reviewId } : { cycleId: msg.cycleId };
    const body = JSON.stringify({ id: msg._id, type: msg.type, ...entity, recipients: msg.recipients, data: msg.data, createdAt: msg.createdAt });
    const signature = createHmac('sha256', deps.webhookSecret).update(body).digest('hex');
    const pendingUrls = deps.webhookUrls.filter((u) => !msg.deliveredTo.includes(u));
    for (const url of pendingUrls) {
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-qualityloop-event': msg.type,
            'x-qualityloop-delivery': msg._id,
            'x-qualityloop-signature': `sha256=${signature}`,
          },
          body,
          signal: AbortSignal.timeout(deps.webhookTimeoutMs ?? 10_000),
        });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        await models.Outbox.updateOne({ _id: msg._id }, { $addToSet: { deliveredTo: url } });
      } catch (err) {
        failures.push(`${msg._id} -> ${url}: ${(err as Error).message}`);
      }
    }
    const done = (await models.Outbox.findById(msg._id).lean())!;
    const allDone = deps.webhookUrls.every((u) => done.deliveredTo.includes(u));
    await models.Outbox.updateOne(
      { _id: msg._id },
      {
        $inc: { attempts: 1 },
        $set: allDone
          ? { status: 'delivered', deliveredAt: new Date(), lastError: null }
          : { lastError: failures.filter((f) => f.startsWith(`${msg._id} `)).join('; ') },
      },
    );
    if (allDone) delivered++;
  }
  if (failures.length > 0) {
    Context.current().log.warn('webhook delivery failed; Temporal will retry', { failures });
    throw new Error(`webhook delivery failed: ${failures.join('; ')}`);
  }
  return { delivered };
};
}
