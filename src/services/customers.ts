/**
 * Customer contacts (src/domain/customer.ts): written at intake or campaign
 * import, read when a message is sent, erased on request. The contact is the
 * only place a customer's email and name are kept.
 */
import type { Models } from '../db/models';
import { type CustomerContact, DEFAULT_LANGUAGE, type Language, isLanguage } from '../domain/customer';

export interface ContactInput {
  email?: string;
  name?: string;
  language?: Language;
}

/**
 * Stores what the caller gave (fields not given keep their stored value; a
 * new contact defaults to English). Idempotent: the same input twice stores
 * the same document. A contact that was erased is filled again only by new
 * data given for it (an erased customer who complains again gives it anew).
 */
export async function upsertContact(models: Models, customerId: string, input: ContactInput, now = new Date()): Promise<void> {
  const set: Record<string, unknown> = { updatedAt: now };
  if (input.email !== undefined) set.email = input.email;
  if (input.name !== undefined) set.name = input.name;
  if (input.language !== undefined) set.language = input.language;
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
