/**
 * Staff endpoints around customers: a complaint's customer link, issued to
 * hand over another way and revoked when it leaked (customer.link: agents on
 * complaints in their scope, supervisors on all), and a customer's contact,
 * read and erased on request (customer.manage: admins). Each change is
 * audited in `customer:<id>` with no personal data.
 */
import type { Config } from '../../config';
import type { Models } from '../../db/models';
import { DomainError, ErrorCode } from '../../domain/errors';
import type { ComplaintService } from '../../services/complaints';
import { issueComplaintLink, revokeComplaintLink } from '../../services/customer-links';
import { eraseContact, getContact } from '../../services/customers';
import { contactView, customerIdParams, erasureView, issuedLinkView, noFieldsBody, revokedLinkView } from '../customer-schemas';
import { type Access, type RouteSpec, defineRoute } from '../route';
import { complaintIdParams } from '../schemas';
import { problemResponses } from './common';

export interface CustomerRouteDeps {
  config: Config;
  models: Models;
  complaints: ComplaintService;
}

const iso = (d: Date | number) => new Date(d).toISOString();

export function customerRoutes({ config, models, complaints }: CustomerRouteDeps): RouteSpec[] {
  /** The complaint (which names its customer), once the caller's scope covers it. */
  async function complaintInScope(id: string, access: Access) {
    const state = await complaints.get(id);
    access.check({ kind: 'complaint', view: state });
    return { complaintId: state.complaintId, customerId: state.customer.id };
  }

  return [
    defineRoute({
      method: 'post',
      path: '/complaints/:id/customer-link',
      tag: 'customers',
      summary: "The complaint's customer link (created if none), to hand over another way: the customer page URL and its expiry",
      permission: 'customer.link',
      params: complaintIdParams,
      body: noFieldsBody,
      responses: { 200: { description: 'the link', schema: issuedLinkView }, ...problemResponses(400, 401, 403, 404, 413, 415, 503) },
      handler: async ({ params, user, access }) => {
        const complaint = await complaintInScope(params.id, access);
        const link = await issueComplaintLink(models, config, complaint, { id: user.id, role: user.role });
        return { status: 200, body: { ...link, expiresAt: iso(link.expiresAt) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/complaints/:id/customer-link/revoke',
      tag: 'customers',
      summary: "Revoke the complaint's live customer link (its tokens answer 410 LINK_REVOKED; the next link needed is a new one)",
      permission: 'customer.link',
      params: complaintIdParams,
      body: noFieldsBody,
      responses: { 200: { description: 'the revoked link', schema: revokedLinkView }, ...problemResponses(400, 401, 403, 404, 413, 415, 503) },
      handler: async ({ params, user, access }) => {
        const complaint = await complaintInScope(params.id, access);
        const revoked = await revokeComplaintLink(models, complaint, { id: user.id, role: user.role });
        return { status: 200, body: { linkId: revoked.linkId, revokedAt: iso(revoked.revokedAt) } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/customers/:id',
      tag: 'customers',
      summary: "A customer's contact (email, name, language; null once erased)",
      permission: 'customer.manage',
      params: customerIdParams,
      responses: { 200: { description: 'the contact', schema: contactView }, ...problemResponses(400, 401, 403, 404, 503) },
      handler: async ({ params }) => {
        const contact = await getContact(models, params.id);
        if (!contact) throw new DomainError(ErrorCode.NOT_FOUND, `customer ${params.id} has no contact`);
        return { status: 200, body: { ...contact, erasedAt: contact.erasedAt === null ? null : iso(contact.erasedAt) } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/customers/:id/erase',
      tag: 'customers',
      summary: "Erase a customer's contact on request: email and name removed, pending email to them cancelled, audited (a repeat changes nothing)",
      permission: 'customer.manage',
      params: customerIdParams,
      body: noFieldsBody,
      responses: { 200: { description: 'erased (now or by an earlier request)', schema: erasureView }, ...problemResponses(400, 401, 403, 404, 413, 415, 503) },
      handler: async ({ params, user }) => {
        const erasure = await eraseContact(models, params.id, { id: user.id, role: user.role });
        return { status: 200, body: { ...erasure, erasedAt: iso(erasure.erasedAt) } };
      },
    }),
  ];
}
