/**
 * Customer link records and tokens (src/domain/customer-link.ts). A complaint
 * has one current link per customer; revoking it makes a new one current the
 * next time a link is needed, so old tokens stay dead. A survey invitation has
 * exactly one link.
 */
import type { Config } from '../config';
import { linkSecretOf, publicBaseUrl } from '../config';
import type { Models } from '../db/models';
import { insertIfAbsent } from '../db/models';
import type { Actor } from '../domain/actors';
import { type LinkClaims, type LinkSubject, customerPageUrl, signLinkToken } from '../domain/customer-link';
import { DomainError, ErrorCode } from '../domain/errors';
import { sha256Hex } from '../domain/hashing';
import { appendStreamEvent } from './account-audit';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Deterministic link id: the same subject, customer and generation always give the same id (activity retries). */
export function linkIdFor(subject: LinkSubject, subjectId: string, customerId: string, generation: number): string {
  return `lnk_${sha256Hex(`${subject}\n${subjectId}\n${customerId}\n${generation}`).slice(0, 24)}`;
}

/**
 * The current (not revoked) link of a subject for a customer, created when
 * there is none: generation 0 first, then one more than the newest revoked.
 */
export async function ensureLink(models: Models, subject: LinkSubject, subjectId: string, customerId: string, createdBy: string, now = new Date()): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const links = await models.CustomerLink.find({ subjectId }, { subject: 1, customerId: 1, revokedAt: 1 }).lean();
    const mine = links.filter((l) => l.subject === subject && l.customerId === customerId);
    const live = mine.find((l) => !l.revokedAt);
    if (live) return live._id;
    const id = linkIdFor(subject, subjectId, customerId, mine.length);
    const { inserted } = await insertIfAbsent(models.CustomerLink, [
      { _id: id, subject, subjectId, customerId, createdAt: now, createdBy, revokedAt: null, revokedBy: null },
    ]);
    if (inserted === 1) return id;
    // Another writer created (or revoked) this generation meanwhile: look again.
  }
  throw new Error(`could not create a customer link for ${subject} ${subjectId}`);
}

/** The claims of a token for `linkId`, valid `config.customers.linkTtlDays` from `issuedAt` (whole seconds). */
export function linkClaims(config: Pick<Config, 'customers'>, link: { linkId: string; subject: LinkSubject; subjectId: string; customerId: string }, issuedAt: number): LinkClaims {
  const expiresAt = Math.floor((issuedAt + config.customers.linkTtlDays * DAY_MS) / 1000) * 1000;
  return { ...link, expiresAt };
}

/** The signed token and the customer page's URL for `claims`. */
export function linkUrl(config: Pick<Config, 'customers' | 'secrets' | 'api'>, claims: LinkClaims): { token: string; url: string; expiresAt: number } {
  const token = signLinkToken(claims, linkSecretOf(config));
  return { token, url: customerPageUrl(publicBaseUrl(config), token), expiresAt: claims.expiresAt };
}

/** A complaint's link as handed to staff: the customer page's URL, with the expiry of its token. */
export interface IssuedLink {
  customerId: string;
  linkId: string;
  url: string;
  expiresAt: Date;
}

/**
 * The complaint's current link for its customer (created when there is none),
 * signed now for `linkTtlDays`, for an agent to hand over another way (no
 * email, or the customer asks on the phone). Each issue is audited in
 * `customer:<customerId>` (`customer.link_issued`): who handed out a way in,
 * and when. The token and URL are never stored or audited.
 */
export async function issueComplaintLink(
  models: Models,
  config: Pick<Config, 'customers' | 'secrets' | 'api'>,
  complaint: { complaintId: string; customerId: string },
  actor: Actor,
  now = new Date(),
): Promise<IssuedLink> {
  const { complaintId, customerId } = complaint;
  const linkId = await ensureLink(models, 'complaint', complaintId, customerId, actor.id, now);
  const { url, expiresAt } = linkUrl(config, linkClaims(config, { linkId, subject: 'complaint', subjectId: complaintId, customerId }, now.getTime()));
  await appendStreamEvent(models, { entityType: 'customer', entityId: customerId, action: 'customer.link_issued', actor, details: { complaintId, linkId }, at: now });
  return { customerId, linkId, url, expiresAt: new Date(expiresAt) };
}

/**
 * Revokes the complaint's live link: every token of it stops working (410
 * LINK_REVOKED) and the next link needed is a new one (ensureLink). NOT_FOUND
 * when there is no live link (never issued, or already revoked). Audited
 * (`customer.link_revoked`).
 */
export async function revokeComplaintLink(
  models: Models,
  complaint: { complaintId: string; customerId: string },
  actor: Actor,
  now = new Date(),
): Promise<{ linkId: string; revokedAt: Date }> {
  const { complaintId, customerId } = complaint;
  const links = await models.CustomerLink.find({ subjectId: complaintId }, { subject: 1, customerId: 1, revokedAt: 1 }).lean();
  const live = links.find((l) => l.subject === 'complaint' && l.customerId === customerId && !l.revokedAt);
  const noLink = () => new DomainError(ErrorCode.NOT_FOUND, `complaint ${complaintId} has no live customer link`);
  if (!live) throw noLink();
  // Guarded: of two concurrent revocations one wins, the other finds no live link.
  const res = await models.CustomerLink.updateOne({ _id: live._id, revokedAt: null }, { $set: { revokedAt: now, revokedBy: actor.id } });
  if (res.modifiedCount !== 1) throw noLink();
  await appendStreamEvent(models, { entityType: 'customer', entityId: customerId, action: 'customer.link_revoked', actor, details: { complaintId, linkId: live._id }, at: now });
  return { linkId: live._id, revokedAt: now };
}
