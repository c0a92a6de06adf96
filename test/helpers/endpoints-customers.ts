/**
 * The customer routes in the access matrix (test/integration/access-matrix.test.ts).
 *
 * Staff routes: a complaint's customer link (customer.link: agents on
 * complaints in their scope, supervisors on all) and a customer's contact
 * (customer.manage: admins).
 *
 * The customer link API is public like the sign-in routes: whatever API key
 * is sent (none, a bad one, any role's), the link token decides. Each route
 * gets a complaint of its own with a link (so no route uses up another's
 * per-link rate), made the first time the route's request is built, and
 * visible in Temporal before the request is handed over (the matrix compares
 * workflow counts around refused requests). A write is sent with one fixed
 * Idempotency-Key per route and purpose: the first send applies it, every
 * later send (other roles, other keys) is a replay answered 200 with the
 * current view, which is the link API's promise.
 */
import { complaintWorkflowId } from '../../src/contracts/complaint';
import { upsertContact } from '../../src/services/customers';
import type { ApiStack } from './api';
import { type EndpointEntry, type EndpointRequest, type MatrixContext, newComplaint } from './endpoint-requests';
import { eventually, uniqueId } from './stack';

type View = Record<string, any>;

async function must(stack: ApiStack, who: string, method: string, path: string, body: unknown, status = 200): Promise<View> {
  const res = await stack.call(method, path, { key: stack.keys[who]!, body });
  if (res.status !== status) throw new Error(`fixture: ${method} ${path} answered ${res.status}: ${res.text.slice(0, 600)}`);
  return res.body as View;
}

/** Fixtures made once per matrix run (keyed by its context) and name. */
const fixtures = new WeakMap<MatrixContext, Map<string, Promise<unknown>>>();
function once<T>(ctx: MatrixContext, name: string, make: () => Promise<T>): Promise<T> {
  let byName = fixtures.get(ctx);
  if (!byName) fixtures.set(ctx, (byName = new Map()));
  if (!byName.has(name)) byName.set(name, make());
  return byName.get(name) as Promise<T>;
}

/** A complaint alice registered on the phone (acknowledged, hers), resolved when asked, with a link issued by sam: its token. */
function linkedComplaint(ctx: MatrixContext, name: string, resolved: boolean): Promise<string> {
  return once(ctx, name, async () => {
    const { stack } = ctx;
    const id = await newComplaint(stack, 'alice', 'phone');
    if (resolved) await must(stack, 'alice', 'POST', `/complaints/${id}/resolve`, { summary: 'Parcel re-delivered.' });
    const link = await must(stack, 'sam', 'POST', `/complaints/${id}/customer-link`, undefined);
    await eventually(async () => (await stack.client.workflow.count(`WorkflowId = '${complaintWorkflowId(id)}'`)).count === 1, 20_000, `workflow of ${id} visible`);
    return (link.url as string).slice((link.url as string).indexOf('#') + 1);
  });
}

/** A customer contact, written directly (no complaint, no workflow). */
const contact = (ctx: MatrixContext, name: string) =>
  once(ctx, name, async () => {
    const id = uniqueId('matrix-cust');
    await upsertContact(ctx.stack.models, id, { email: `${id}@example.com`, name: 'Matrix Customer', language: 'en' });
    return id;
  });

const viaLink = (method: 'GET' | 'POST', path: string, token: string, idempotencyKey?: string, body?: unknown): EndpointRequest => ({
  method,
  path,
  body,
  headers: { 'x-customer-link': token, ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) },
  status: 200,
});

/** A link write: its body, and whether its complaint must be resolved first. */
const LINK_WRITES: [path: string, body: unknown, resolved: boolean][] = [
  ['/customer-link/reply', { message: 'It is 1Z999.' }, false],
  ['/customer-link/confirm', { rating: 5 }, true],
  ['/customer-link/reopen', { reason: 'The parcel is still missing.' }, true],
  ['/customer-link/rate', { rating: 4, comment: 'quick' }, true],
];

const linkEntries: EndpointEntry[] = [
  ...(['/customer-link', '/customer-link/complaint'] as const).map(
    (path): EndpointEntry => ({
      route: `GET ${path}`,
      accepted: async (ctx) => viaLink('GET', path, await linkedComplaint(ctx, `read ${path}`, false)),
      probe: async (ctx) => viaLink('GET', path, await linkedComplaint(ctx, `read ${path}`, false)),
    }),
  ),
  ...LINK_WRITES.map(
    ([path, body, resolved]): EndpointEntry => ({
      route: `POST ${path}`,
      accepted: async (ctx) => viaLink('POST', path, await linkedComplaint(ctx, `accepted ${path}`, resolved), `matrix-accepted${path.replace(/\//g, '-')}`, body),
      probe: async (ctx) => viaLink('POST', path, await linkedComplaint(ctx, `probe ${path}`, resolved), `matrix-probe${path.replace(/\//g, '-')}`, body),
    }),
  ),
];

const staffEntries: EndpointEntry[] = [
  {
    route: 'POST /complaints/:id/customer-link',
    accepted: async (ctx) => ({
      method: 'POST',
      path: `/complaints/${ctx.complaints.aliceWorking}/customer-link`,
      status: 200,
      target: { kind: 'complaint', id: ctx.complaints.aliceWorking },
      verify: (res) => expect(res.body).toMatchObject({ linkId: expect.stringMatching(/^lnk_/), url: expect.stringContaining('/app/customer#') }),
    }),
    outsideScope: async (ctx) => ({ method: 'POST', path: `/complaints/${ctx.complaints.bobWorking}/customer-link`, status: 200, target: { kind: 'complaint', id: ctx.complaints.bobWorking } }),
    probe: async (ctx) => ({ method: 'POST', path: `/complaints/${ctx.complaints.aliceWorking}/customer-link`, status: 200, target: { kind: 'complaint', id: ctx.complaints.aliceWorking } }),
  },
  {
    route: 'POST /complaints/:id/customer-link/revoke',
    // Each accepted call revokes a link issued just before (by a supervisor) on a complaint of the caller's scope.
    accepted: async (ctx) => {
      const id = ctx.complaints.aliceWorking;
      const issued = await must(ctx.stack, 'sam', 'POST', `/complaints/${id}/customer-link`, undefined);
      return { method: 'POST', path: `/complaints/${id}/customer-link/revoke`, status: 200, target: { kind: 'complaint', id }, verify: (res) => expect(res.body.linkId).toBe(issued.linkId) };
    },
    outsideScope: async (ctx) => ({ method: 'POST', path: `/complaints/${ctx.complaints.bobWorking}/customer-link/revoke`, status: 200, target: { kind: 'complaint', id: ctx.complaints.bobWorking } }),
    probe: async (ctx) => ({ method: 'POST', path: `/complaints/${ctx.complaints.aliceWorking}/customer-link/revoke`, status: 200, target: { kind: 'complaint', id: ctx.complaints.aliceWorking } }),
  },
  {
    route: 'GET /customers/:id',
    accepted: async (ctx) => {
      const id = await contact(ctx, 'read');
      return { method: 'GET', path: `/customers/${id}`, status: 200, verify: (res) => expect(res.body).toMatchObject({ customerId: id, erasedAt: null }) };
    },
    probe: async (ctx) => ({ method: 'GET', path: `/customers/${await contact(ctx, 'read')}`, status: 200 }),
  },
  {
    route: 'POST /customers/:id/erase',
    accepted: async (ctx) => {
      const id = uniqueId('matrix-erase');
      await upsertContact(ctx.stack.models, id, { email: `${id}@example.com`, name: 'To Be Erased' });
      return { method: 'POST', path: `/customers/${id}/erase`, status: 200, verify: (res) => expect(res.body).toMatchObject({ customerId: id, cancelledMessages: 0 }) };
    },
    probe: async (ctx) => ({ method: 'POST', path: `/customers/${await contact(ctx, 'erase probe')}/erase`, status: 200 }),
  },
];

export const customerEntries: EndpointEntry[] = [...linkEntries, ...staffEntries];
