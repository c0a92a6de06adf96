/**
 * Delivery of outbox messages, shared by every workflow, by channel:
 * - `webhook` (staff notifications): POSTed to every configured webhook.
 *   Receivers get a stable `X-Qualityloop-Delivery` id to deduplicate and an
 *   HMAC-SHA256 signature of the body.
 * - `email` (customer messages, activities/customer-mail.ts): one message
 *   over SMTP to the customer's contact as it is now, never POSTed to a
 *   webhook. See `deliverEmail` for what happens on each outcome.
 */
import { createHmac } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { Models, OutboxDoc } from '../src/db/models';
import type { Language } from '../src/domain/customer';
import type { LinkClaims } from '../src/domain/customer-link';
import { type CustomerMessageData, renderCustomerMessage } from '../src/mail/templates';
import { messageIdFor, sendMail, smtpFailure } from '../src/mail/transport';
import { ensureLink, linkUrl } from '../src/services/customer-links';
import { getContact } from '../src/services/customers';
import type { CustomerMailConfig, CustomerMessagePayload } from './customer-mail';

export interface NotificationDeps {
  models: Models;
  webhookUrls: string[];
  webhookSecret: string;
  /** Per-attempt HTTP timeout for webhook delivery. */
  webhookTimeoutMs?: number;
  /** Customer email: link signing, public URL and SMTP. Absent: no customer messages are recorded (tests of other concerns, benchmarks). */
  customerMail?: CustomerMailConfig;
  /**
   * How long one attempt keeps starting email sends (default 20 s, inside the delivery activity's
   * 30 s start-to-close timeout). What is left over stays pending and the attempt fails, so
   * Temporal's retry carries on where it stopped (delivered messages are never sent again).
   */
  emailTimeBudgetMs?: number;
}

/** Parallel SMTP sends per attempt (the pooled transport keeps as many connections). */
const EMAIL_CONCURRENCY = 3;

type OutboxMessage = OutboxDoc & { _id: string };

type EmailOutcome = { delivered: boolean; failure?: string };

export function createNotificationDelivery(deps: NotificationDeps) {
  const { models } = deps;

  async function deliverWebhook(msg: OutboxMessage, failures: string[]): Promise<boolean> {
    // The entity field is complaintId, cycleId or reviewId, whichever the message is about.
    const entity = msg.complaintId ? { complaintId: msg.complaintId } : msg.reviewId ? { reviewId: msg.reviewId } : { cycleId: msg.cycleId };
    const body = JSON.stringify({ id: msg._id, type: msg.type, ...entity, recipients: msg.recipients, data: msg.data, createdAt: msg.createdAt });
    const signature = createHmac('sha256', deps.webhookSecret).update(body).digest('hex');
    const pendingUrls = deps.webhookUrls.filter((u) => !msg.deliveredTo.includes(u));
    const mine: string[] = [];
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
        mine.push(`${msg._id} -> ${url}: ${(err as Error).message}`);
      }
    }
    failures.push(...mine);
    const done = (await models.Outbox.findById(msg._id).lean())!;
    const allDone = deps.webhookUrls.every((u) => done.deliveredTo.includes(u));
    await models.Outbox.updateOne(
      { _id: msg._id },
      { $inc: { attempts: 1 }, $set: allDone ? { status: 'delivered', deliveredAt: new Date(), lastError: null } : { lastError: mine.join('; ') } },
    );
    return allDone;
  }

  /** Marks an email message that must not be sent (and will not be): no contact, erased, dead link. */
  async function cancelEmail(id: string, reason: string): Promise<EmailOutcome> {
    await models.Outbox.updateOne({ _id: id, status: 'pending' }, { $set: { status: 'cancelled', lastError: reason } });
    return { delivered: false };
  }

  /** The claims to sign: the stored ones, moved to the current link when a complaint's link was revoked meanwhile. */
  async function currentClaims(payload: CustomerMessagePayload): Promise<LinkClaims | null> {
    const claims: LinkClaims = { ...payload.link, customerId: payload.customerId };
    const record = await models.CustomerLink.findById(claims.linkId, { revokedAt: 1 }).lean();
    if (!record?.revokedAt) return claims;
    // A complaint always has a current link (a new one replaces a revoked one); an invitation has only its own.
    if (claims.subject !== 'complaint') return null;
    return { ...claims, linkId: await ensureLink(models, 'complaint', claims.subjectId, claims.customerId, 'system') };
  }

  /**
   * Sends one email message. Outcomes:
   * - already sent (status no longer pending): nothing, ever again;
   * - no contact, no email or erased: `cancelled` with the reason, not sent;
   * - no SMTP configured: stays pending, lastError 'QL_SMTP_URL is not set', attempt not counted;
   * - accepted by the relay: `delivered` right away, with the Message-ID and the relay's reply;
   * - refused for good (5xx to RCPT TO or DATA, e.g. "550 5.1.1 mailbox unavailable"): stays
   *   pending with the reply, attempt counted, `gaveUpAt` set, and no retry (the same message to the
   *   same address would be refused again: spending the 12 attempts on it helps nobody);
   * - anything else (4xx, network, timeout): stays pending with the error, attempt counted, and the
   *   activity fails so Temporal retries it.
   */
  async function deliverEmail(msg: OutboxMessage): Promise<EmailOutcome> {
    if (msg.gaveUpAt) return { delivered: false };
    const payload = msg.data as CustomerMessagePayload;
    const contact = await getContact(models, payload.customerId);
    if (!contact) return cancelEmail(msg._id, 'customer has no contact');
    if (contact.erasedAt !== null) return cancelEmail(msg._id, 'contact erased');
    if (!contact.email) return cancelEmail(msg._id, 'customer has no email');
    const config = deps.customerMail;
    if (!config?.mail.smtpUrl) {
      await models.Outbox.updateOne({ _id: msg._id, status: 'pending' }, { $set: { lastError: 'QL_SMTP_URL is not set' } });
      return { delivered: false };
    }
    const claims = await currentClaims(payload);
    if (!claims) return cancelEmail(msg._id, 'link revoked');
    // The contact's language now (the customer may have changed it since the message was recorded).
    const language = contact.language;
    const link = linkUrl(config, claims);
    let rendered;
    try {
      rendered = renderCustomerMessage(payload.kind, language, templateData(msg, payload, language, contact.name, link));
    } catch (err) {
      // Data the template cannot render is a bug: retrying sends nothing better.
      await models.Outbox.updateOne({ _id: msg._id }, { $set: { lastError: `template: ${(err as Error).message}`, gaveUpAt: new Date() }, $inc: { attempts: 1 } });
      return { delivered: false };
    }
    // Checked again just before sending: another attempt may have sent it since this one read the batch.
    const fresh = await models.Outbox.findById(msg._id, { status: 1 }).lean();
    if (fresh?.status !== 'pending') return { delivered: false };
    const messageId = messageIdFor(msg._id, config.mail.from);
    try {
      const sent = await sendMail(config.mail.smtpUrl, {
        from: config.mail.from,
        to: { name: contact.name ?? '', address: contact.email },
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        messageId,
        headers: { 'Auto-Submitted': 'auto-generated', 'X-Qualityloop-Delivery': msg._id },
      });
      await models.Outbox.updateOne(
        { _id: msg._id },
        { $set: { status: 'delivered', deliveredAt: new Date(), lastError: null, messageId: sent.messageId || messageId, smtpResponse: sent.response }, $inc: { attempts: 1 } },
      );
      return { delivered: true };
    } catch (err) {
      const { reply, permanent } = smtpFailure(err);
      await models.Outbox.updateOne({ _id: msg._id }, { $set: { lastError: reply, ...(permanent ? { gaveUpAt: new Date() } : {}) }, $inc: { attempts: 1 } });
      return permanent ? { delivered: false } : { delivered: false, failure: `${msg._id}: ${reply}` };
    }
  }

  /** Sends the email messages a few at a time, within the attempt's time budget. */
  async function deliverEmails(messages: OutboxMessage[], failures: string[]): Promise<number> {
    const deadline = Date.now() + (deps.emailTimeBudgetMs ?? 20_000);
    let next = 0;
    let delivered = 0;
    async function lane(): Promise<void> {
      while (next < messages.length) {
        const msg = messages[next++]!;
        if (Date.now() > deadline) {
          failures.push(`${msg._id}: not sent within this attempt's time budget`);
          continue;
        }
        try {
          const outcome = await deliverEmail(msg);
          if (outcome.delivered) delivered++;
          if (outcome.failure) failures.push(outcome.failure);
        } catch (err) {
          // The database, not SMTP: the message stays pending and the retry tries again.
          failures.push(`${msg._id}: ${(err as Error).message}`);
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(EMAIL_CONCURRENCY, messages.length) }, lane));
    return delivered;
  }

  /**
   * Delivers the pending messages among `outboxIds` (one already delivered is
   * skipped). Throws (so Temporal retries) while a webhook receiver fails or
   * an email fails in a way a retry may fix.
   */
  return async function deliverNotifications(input: { outboxIds: string[] }): Promise<{ delivered: number }> {
    const messages = (await models.Outbox.find({ _id: { $in: input.outboxIds }, status: 'pending' }).lean()) as OutboxMessage[];
    const failures: string[] = [];
    let delivered = 0;
    // Documents written before channels existed have none: they are webhook messages.
    for (const msg of messages.filter((m) => m.channel !== 'email')) {
      if (await deliverWebhook(msg, failures)) delivered++;
    }
    delivered += await deliverEmails(
      messages.filter((m) => m.channel === 'email'),
      failures,
    );
    if (failures.length > 0) {
      Context.current().log.warn('notification delivery failed; Temporal will retry', { failures });
      throw new Error(`notification delivery failed: ${failures.join('; ')}`);
    }
    return { delivered };
  };
}

function epochMs(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    const ms = Date.parse(v);
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}

/** A plain string, or the language's text of a LocalizedText (English when it has none). */
function localized(v: unknown, language: Language): string | null {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object') {
    const texts = v as Record<string, unknown>;
    const text = texts[language] ?? texts.en;
    return typeof text === 'string' ? text : null;
  }
  return null;
}

/** What the template of a stored message needs, with the contact's name and the signed link added at send time. */
function templateData(msg: OutboxMessage, payload: CustomerMessagePayload, language: Language, name: string | null, link: { url: string; expiresAt: number }): CustomerMessageData {
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const data: CustomerMessageData = { name, link: { url: link.url, expiresAt: link.expiresAt }, timeZone: str(payload.timeZone) ?? 'UTC' };
  if (payload.kind === 'survey_invitation' || payload.kind === 'survey_reminder') {
    data.survey = { title: str(payload.title) ?? '', intro: localized(payload.intro, language), closesAt: epochMs(payload.closesAt) };
  } else {
    data.complaint = {
      complaintId: msg.complaintId ?? payload.link.subjectId,
      status: str(payload.status) ?? '',
      category: str(payload.category) ?? '',
      resolutionSummary: str(payload.resolutionSummary),
      message: str(payload.message),
      confirmBy: epochMs(payload.confirmBy),
      reopenBy: epochMs(payload.reopenBy),
      rated: payload.rated === true,
    };
  }
  return data;
}
