/**
 * Customer contacts (src/domain/customer.ts): written at intake or campaign
 * import, read when a message is sent, erased on request. The contact is the
 * only place a customer's email and name are kept.
 */
import type { Models } from '../db/models';
import type { Actor } from '../domain/actors';
import { type CustomerContact, DEFAULT_LANGUAGE, type Language, isLanguage } from '../domain/customer';
import { DomainError, ErrorCode } from '../domain/errors';
import { appendStreamEvent, auditStream } from './account-audit';

export interface ContactInput {
  email?: string;
  name?: string;
  language?: Language;
}

/**
 * Stores what the caller gave (fields not given keep their stored value; a
 * new contact defaults to English). Idempotent: the same input twice stores
 * the same document. A contact that was erased is filled again only by new
 * data given for it (an erased customer who complains again gives it anew);
 * an email or name given then makes the contact live again (`erasedAt` null).
 */
export async function upsertContact(models: Models, customerId: string, input: ContactInput, now = new Date()): Promise<void> {
  await writeContact(models, customerId, input, now);
}

/**
 * `upsertContact` for a request that may still fail after it (intake writes the contact before
 * starting the workflow): returns an undo that puts back what was stored before (or removes the
 * contact it created), so a rejected request leaves nothing behind.
 */
export async function upsertContactUndoable(models: Models, customerId: string, input: ContactInput, now = new Date()): Promise<() => Promise<void>> {
  const previous = await models.Customer.collection.findOne({ _id: customerId as never });
  await writeContact(models, customerId, input, now);
  return async () => {
    // Only if nothing else wrote the contact since (`updatedAt` still ours).
    if (previous) await models.Customer.collection.replaceOne({ _id: customerId as never, updatedAt: now }, previous);
    else await models.Customer.collection.deleteOne({ _id: customerId as never, updatedAt: now });
  };
}

async function writeContact(models: Models, customerId: string, input: ContactInput, now: Date): Promise<void> {
  const set: Record<string, unknown> = { updatedAt: now };
  if (input.email !== undefined) set.email = input.email;
  if (input.name !== undefined) set.name = input.name;
  if (input.language !== undefined) set.language = input.language;
  // New personal data given after an erasure: the contact is live again (and can be erased again).
  if (input.email !== undefined || input.name !== undefined) Object.assign(set, { erasedAt: null, erasedBy: null });
  const res = await models.Customer.updateOne({ _id: customerId }, { $set: set });
  if (res.matchedCount > 0) return;
  try {
    await models.Customer.collection.insertOne({
      _id: customerId as never,
      email: input.email ?? null,
      name: input.name ?? null,
      language: input.language ?? DEFAULT_LANGUAGE,
      createdAt: now,
      updatedAt: now,
      erasedAt: null,
      erasedBy: null,
    });
  } catch (err) {
    // Inserted concurrently by another request for the same customer: apply ours on top.
    if ((err as { code?: number }).code !== 11000) throw err;
    await models.Customer.updateOne({ _id: customerId }, { $set: set });
  }
}

/** The customer's contact, or null when none was ever given. */
export async function getContact(models: Models, customerId: string): Promise<CustomerContact | null> {
  const doc = await models.Customer.findById(customerId).lean();
  if (!doc) return null;
  return {
    customerId,
    email: doc.email ?? null,
    name: doc.name ?? null,
    language: isLanguage(doc.language) ? doc.language : DEFAULT_LANGUAGE,
    erasedAt: doc.erasedAt ? doc.erasedAt.getTime() : null,
  };
}

/** Why an email message was never sent: its customer's contact was erased first. */
export const ERASED_MESSAGE_ERROR = 'contact erased';

export interface Erasure {
  customerId: string;
  /** When the contact was erased; a repeat answers the first erasure's instant. */
  erasedAt: Date;
  /** Pending email messages to the customer set to `cancelled` by this call. */
  cancelledMessages: number;
}

/**
 * Erases a customer's contact on request: email and name become null (the
 * language stays: it is not personal data and keeps their pages readable),
 * pending email messages to them are cancelled (never sent; their data holds
 * no address, delivery reads it from the contact), and the erasure is audited
 * in `customer:<id>` with no personal data. Hash-chained events only ever
 * named the customer id, so no chain breaks.
 *
 * Idempotent: a repeat finds nothing to erase, answers the first `erasedAt`
 * and records no new event. The event is keyed by that instant (checked
 * before appending), so a request that died between the erasure and the
 * append records it on its retry.
 */
export async function eraseContact(models: Models, customerId: string, actor: Actor, now = new Date()): Promise<Erasure> {
  const doc = await models.Customer.findById(customerId, { email: 1, name: 1, erasedAt: 1 }).lean();
  if (!doc) throw new DomainError(ErrorCode.NOT_FOUND, `customer ${customerId} has no contact`);
  let erasedAt = doc.erasedAt ?? null;
  if (erasedAt === null || doc.email !== null || doc.name !== null) {
    // Guarded by what was read: a concurrent erasure (or new data) between the read and this write is not overwritten.
    const res = await models.Customer.updateOne(
      { _id: customerId, email: doc.email ?? null, name: doc.name ?? null, erasedAt },
      { $set: { email: null, name: null, erasedAt: now, erasedBy: actor.id, updatedAt: now } },
    );
    erasedAt = res.modifiedCount === 1 ? now : ((await models.Customer.findById(customerId, { erasedAt: 1 }).lean())?.erasedAt ?? now);
  }
  const cancelled = await models.Outbox.updateMany(
    { channel: 'email', status: 'pending', 'data.customerId': customerId },
    { $set: { status: 'cancelled', lastError: ERASED_MESSAGE_ERROR } },
  );
  const stream = auditStream('customer', customerId);
  const at = erasedAt.toISOString();
  if (!(await models.AuditEvent.exists({ stream, action: 'customer.contact_erased', 'details.erasedAt': at }))) {
    await appendStreamEvent(models, {
      entityType: 'customer',
      entityId: customerId,
      action: 'customer.contact_erased',
      actor,
      // What was erased is named by field, never by value.
      details: { erasedAt: at, fields: ['email', 'name'], cancelledMessages: cancelled.modifiedCount },
      at: erasedAt,
    });
  }
  return { customerId, erasedAt, cancelledMessages: cancelled.modifiedCount };
}
