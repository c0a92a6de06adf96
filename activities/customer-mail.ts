/**
 * Customer email through the outbox (issue 12, helper "email" implements):
 * `recordCustomerMessages` turns a complaint's transitions into `email`
 * outbox messages (one per transition the customer hears about, see
 * `customerMessageOf`, only when the contact has an email);
 * `enqueueCustomerMessage` is the same for survey invitations and reminders.
 * Delivery is `deliverNotifications` (activities/notifications.ts).
 */
import type { Config } from '../src/config';
import type { Models } from '../src/db/models';
import type { ComplaintState, Transition } from '../src/domain/complaint';
import type { CustomerMessageKind } from '../src/domain/customer';
import type { LinkSubject } from '../src/domain/customer-link';

export type CustomerMailConfig = Pick<Config, 'customers' | 'secrets' | 'api' | 'mail'>;

/** Returns the outbox ids created (or already there on a retry). */
export async function recordCustomerMessages(_models: Models, _config: CustomerMailConfig, _state: ComplaintState, _transitions: Transition[]): Promise<string[]> {
  return [];
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
  /** Template data (complaint status, survey title...). */
  data: Record<string, unknown>;
  at: Date;
}

/** Inserts one email outbox message unless the customer has no email; returns its id, or null when nothing is to be sent. */
export async function enqueueCustomerMessage(_models: Models, _config: CustomerMailConfig, _req: CustomerMessageRequest): Promise<string | null> {
  return null;
}
