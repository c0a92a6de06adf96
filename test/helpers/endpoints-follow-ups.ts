/**
 * The follow-up routes in the access matrix (test/integration/access-matrix.test.ts),
 * and the way tests get a follow-up: a complaint alice registers on the phone,
 * resolves, and rates low on the customer's behalf, which opens one.
 */
import type { ApiStack } from './api';
import type { EndpointEntry, EndpointRequest, MatrixContext } from './endpoint-requests';
import { eventually, uniqueId } from './stack';

type View = Record<string, any>;

async function must(stack: ApiStack, who: string, method: string, path: string, body: unknown, status: number): Promise<View> {
  const res = await stack.call(method, path, { key: stack.keys[who]!, body });
  if (res.status !== status) throw new Error(`fixture: ${method} ${path} answered ${res.status}: ${res.text.slice(0, 600)}`);
  return res.body as View;
}

/**
 * A complaint alice registered on the phone (so she owns it), resolved and
 * rated `rating` with `reasons` on the customer's behalf; once its
 * follow-up is stored (a low rating opens one), its id.
 */
export async function complaintRatedLow(stack: ApiStack, rating = 1, reasons: string[] = ['not_resolved', 'had_to_repeat']): Promise<{ complaintId: string; followUpId: string; version: number }> {
  const created = await must(stack, 'alice', 'POST', '/complaints', {
    customer: { id: uniqueId('cust') },
    channel: 'phone',
    category: 'delivery',
    severity: 'P3',
    description: 'Follow-up fixture: the parcel never arrived.',
  }, 201);
  const complaintId = created.id as string;
  await eventually(async () => ((await stack.models.Complaint.findById(complaintId, { version: 1 }).lean())?.version ?? 0) >= 1, 20_000, `complaint ${complaintId} registered`);
  await must(stack, 'alice', 'POST', `/complaints/${complaintId}/resolve`, { summary: 'Parcel re-delivered.' }, 200);
  const rated = await must(stack, 'alice', 'POST', `/complaints/${complaintId}/record-csat`, { rating, reasons }, 200);
  const version = rated.version as number;
  const followUpId = `fu_${complaintId}_${version}`;
  // The update answers once the transition is persisted, follow-up included; waiting costs nothing when it is there.
  await eventually(async () => (await stack.models.FollowUp.exists({ _id: followUpId })) !== null, 20_000, `follow-up ${followUpId}`);
  return { complaintId, followUpId, version };
}

/** An id of the right shape that no follow-up has: refusals are decided by role before any lookup (both routes are `all`-scoped). */
const unknownFollowUp = (ctx: MatrixContext) => `fu_${ctx.complaints.bobResolved}_999`;

const post = (path: string, body: unknown): EndpointRequest => ({ method: 'POST', path, body, status: 200 });

export const followUpEntries: EndpointEntry[] = [
  {
    route: 'GET /follow-ups',
    accepted: async () => ({
      method: 'GET',
      path: '/follow-ups?status=open',
      status: 200,
      verify: (res) => {
        for (const item of res.body.items as View[]) expect({ id: item.followUpId, status: item.status }).toEqual({ id: item.followUpId, status: 'open' });
      },
    }),
    probe: async () => ({ method: 'GET', path: '/follow-ups', status: 200 }),
  },
  {
    route: 'POST /follow-ups/:id/complete',
    // Only supervisors hold followup.act: each accepted call completes a follow-up of its own.
    accepted: async (ctx) => {
      const { followUpId } = await complaintRatedLow(ctx.stack);
      return { ...post(`/follow-ups/${followUpId}/complete`, { outcome: 'Called back; a refund was agreed.' }), verify: (res) => expect(res.body).toMatchObject({ followUpId, status: 'done' }) };
    },
    probe: async (ctx) => post(`/follow-ups/${unknownFollowUp(ctx)}/complete`, { outcome: 'Would be completed.' }),
  },
];
