/**
 * Customer email through the outbox: `recordCustomerMessages` turns a
 * complaint's transitions into `email` outbox messages (one per transition the
 * customer hears about, see `customerMessageOf`, only when the contact has an
 * email); `enqueueCustomerMessage` is the same for survey invitations and
 * reminders. Delivery is `deliverNotifications` (activities/notifications.ts).
 *
 * An outbox message never holds the customer's email address or name: it
 * names the customer id, and delivery reads the contact when it sends. So an
 * erasure between the two leaves nothing behind, and a corrected address is
 * the one used. The link is stored as its claims (link id, expiry), not as a
 * token: delivery signs it, and every attempt signs the same token.
 */
import type { Config } from '../src/config';
import { type Models, insertIfAbsent } from '../src/db/models';
import type { ComplaintState, Transition } from '../src/domain/complaint';
import { type CustomerMessageKind, type Language, customerMessageOf } from '../src/domain/customer';
import type { LinkSubject } from '../src/domain/customer-link';
import { ensureLink, linkClaims } from '../src/services/customer-links';
import { getContact } from '../src/services/customers';

export type CustomerMailConfig = Pick<Config, 'customers' | 'secrets' | 'api' | 'mail'>;

const MINUTE = 60_000;

/**
 * `data` of an email outbox message. Complaint messages add the complaint's
 * fields the template shows (status, category, resolutionSummary, message,
 * confirmBy, reopenBy, rated, timeZone); survey messages add what the survey
 * workflow passes (title, intro, closesAt).
 */
export interface CustomerMessagePayload {
  kind: CustomerMessageKind;
  customerId: string;
  /** The contact's language when the message was recorded; delivery prefers the contact's language at send time. */
  language: Language;
  /** The link's claims; `expiresAt` epoch ms. */
  link: { linkId: string; subject: LinkSubject; subjectId: string; expiresAt: number };
  [field: string]: unknown;
}

/** The outbox id of a complaint transition's customer message. */
export const customerMessageId = (complaintId: string, version: number) => `${complaintId}:${version}:mail`;

function emailOutboxDoc(input: {
  outboxId: string;
  kind: CustomerMessageKind;
  complaintId: string | null;
  campaignId: string | null;
  payload: CustomerMessagePayload;
  at: Date;
}): Record<string, unknown> {
  return {
    _id: input.outboxId,
    channel: 'email',
    type: `customer.${input.kind}`,
    complaintId: input.complaintId,
    cycleId: null,
    reviewId: null,
    campaignId: input.campaignId,
    // Not a staff notification: nobody in the recipients; the customer is data.customerId.
    recipients: { userIds: [], roles: [] },
    data: input.payload,
    createdAt: input.at,
    status: 'pending',
    deliveredTo: [],
    attempts: 0,
    lastError: null,
    deliveredAt: null,
    messageId: null,
    smtpResponse: null,
    gaveUpAt: null,
  };
}

/** The complaint fields a transition's message shows, as of that transition. */
function complaintFields(state: ComplaintState, t: Transition, kind: CustomerMessageKind): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    status: t.after.status,
    category: state.category,
    timeZone: state.sla?.active.calendar.timeZone ?? 'UTC',
  };
  if (kind === 'info_requested') {
    fields.message = state.notes.find((n) => n.seq === t.details.noteSeq)?.text ?? null;
  }
  if (kind === 'resolved') {
    fields.resolutionSummary = typeof t.details.summary === 'string' ? t.details.summary : (state.resolution?.summary ?? null);
    fields.confirmBy = new Date(t.at + state.windows.confirmationWindowMinutes * MINUTE).toISOString();
    fields.reopenBy = new Date(t.at + state.windows.reopenWindowMinutes * MINUTE).toISOString();
  }
  if (kind === 'closed') fields.rated = state.csat !== null;
  return fields;
}

/**
 * Records the customer's messages for the transitions (see the module
 * comment). Returns the outbox ids created, or already there on a retry.
 */
export async function recordCustomerMessages(models: Models, config: CustomerMailConfig, state: ComplaintState, transitions: Transition[]): Promise<string[]> {
  const wanted = transitions.flatMap((t) => {
    const kind = customerMessageOf(t.action);
    return kind ? [{ t, kind }] : [];
  });
  if (wanted.length === 0) return [];
  const customerId = state.customer.id;
  const contact = await getContact(models, customerId);
  // No address (or erased): nothing is sent; staff can hand the link over another way.
  if (!contact?.email || contact.erasedAt !== null) return [];
  const linkId = await ensureLink(models, 'complaint', state.complaintId, customerId, 'system');
  const docs = wanted.map(({ t, kind }) => {
    const claims = linkClaims(config, { linkId, subject: 'complaint', subjectId: state.complaintId, customerId }, t.at);
    return emailOutboxDoc({
      outboxId: customerMessageId(state.complaintId, t.version),
      kind,
      complaintId: state.complaintId,
      campaignId: null,
      payload: {
        ...complaintFields(state, t, kind),
        kind,
        customerId,
        language: contact.language,
        link: { linkId, subject: 'complaint', subjectId: state.complaintId, expiresAt: claims.expiresAt },
        version: t.version,
      },
      at: new Date(t.at),
    });
  });
  await insertIfAbsent(models.Outbox, docs);
  return docs.map((d) => d._id as string);
}

export interface CustomerMessageRequest {
  /** Deterministic outbox id (a retry inserts nothing new). */
  outboxId: string;
  kind: CustomerMessageKind;
  customerId: string;
  /** The entity the message is about: exactly one. */
  complaintId?: string;
  campaignId?: string;
  link: { linkId: string; subject: LinkSubject; subjectId: string };
  /**
   * Template data. Survey messages: `{ title: string, intro?: LocalizedText | string | null,
   * closesAt: ISO string }` (src/mail/templates.ts). Never the email address or name.
   */
  data: Record<string, unknown>;
  /** When the message is recorded: the link expires `config.customers.linkTtlDays` later. */
  at: Date;
}

/** Inserts one email outbox message unless the customer has no email; returns its id, or null when nothing is to be sent. */
export async function enqueueCustomerMessage(models: Models, config: CustomerMailConfig, req: CustomerMessageRequest): Promise<string | null> {
  if ((req.complaintId === undefined) === (req.campaignId === undefined)) throw new Error('a customer message is about exactly one complaint or campaign');
  const contact = await getContact(models, req.customerId);
  if (!contact?.email || contact.erasedAt !== null) return null;
  const claims = linkClaims(config, { ...req.link, customerId: req.customerId }, req.at.getTime());
  const { email: _email, name: _name, ...data } = req.data;
  await insertIfAbsent(models.Outbox, [
    emailOutboxDoc({
      outboxId: req.outboxId,
      kind: req.kind,
      complaintId: req.complaintId ?? null,
      campaignId: req.campaignId ?? null,
      payload: { ...data, kind: req.kind, customerId: req.customerId, language: contact.language, link: { ...req.link, expiresAt: claims.expiresAt } },
      at: req.at,
    }),
  ]);
  return req.outboxId;
}
