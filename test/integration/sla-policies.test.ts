/**
 * SLA policies through the API on the real stack: a complaint keeps the policy
 * version it started with when the policy is edited, new complaints get the
 * new version, and the queue's at-risk filter follows the first warning
 * threshold (a 1-minute target with a 1 % threshold is at risk after 0.6 s).
 */
import { type ApiStack, startApiStack } from '../helpers/api';
import { ALWAYS, policy, seedCatalog } from '../helpers/fixtures';
import { eventually, uniqueId } from '../helpers/stack';

let stack: ApiStack;

beforeAll(async () => {
  stack = await startApiStack({
    seed: (models) =>
      seedCatalog(
        models,
        {
          standard: policy({ match: { severities: ['P1', 'P2', 'P3', 'P4'] }, targets: { firstResponseMinutes: 60, nextResponseMinutes: 120, resolutionMinutes: 480 } }),
          'hot-line': policy({ match: { severities: ['P1'], categories: ['hotline'] }, warningThresholds: [1], targets: { firstResponseMinutes: 5, nextResponseMinutes: 5, resolutionMinutes: 600 } }),
        },
        { always: ALWAYS },
      ),
  });
});
afterAll(async () => stack?.stop());

async function register(category: string, severity = 'P3'): Promise<string> {
  const res = await stack.call('POST', '/complaints', { key: stack.keys.intake, body: { customer: { id: uniqueId('cust') }, channel: 'email', category, severity, description: 'x' } });
  expect(res.status).toBe(201);
  const id = res.body.id as string;
  await eventually(async () => (await stack.models.Complaint.findById(id).lean())?.version === 1, 20_000, 'registered');
  return id;
}

describe('policy versions', () => {
  it('given a running complaint, when its policy gets a new version, then it keeps version 1 while new complaints run on version 2', async () => {
    const before = await register('general');
    const current = await stack.call('GET', '/sla-policies/standard', { key: stack.keys.supervisor });
    expect(current.body.version).toBe(1);
    const { policyId: _id, version: _v, createdAt: _c, createdBy: _b, ...definition } = current.body;
    const saved = await stack.call('PUT', '/sla-policies/standard', {
      key: stack.keys.admin,
      body: { ...definition, expectedVersion: 1, targets: { firstResponseMinutes: 30, nextResponseMinutes: 60, resolutionMinutes: 240 } },
    });
    expect(saved.status).toBe(200);
    expect(saved.body.version).toBe(2);
    const after = await register('general');

    const old = await stack.call('GET', `/complaints/${before}`, { key: stack.keys.agent });
    expect(old.body.sla.policy).toMatchObject({ policyId: 'standard', version: 1 });
    expect(old.body.sla.clocks.find((c: { kind: string }) => c.kind === 'first_response').targetBusinessMinutes).toBe(60);
    const fresh = await stack.call('GET', `/complaints/${after}`, { key: stack.keys.agent });
    expect(fresh.body.sla.policy).toMatchObject({ policyId: 'standard', version: 2 });
    expect(fresh.body.sla.clocks.find((c: { kind: string }) => c.kind === 'first_response').targetBusinessMinutes).toBe(30);
    // Both versions stay readable.
    expect((await stack.call('GET', '/sla-policies/standard?version=1', { key: stack.keys.auditor })).body.targets.firstResponseMinutes).toBe(60);
  });
});

describe('at-risk queue', () => {
  it('given a complaint past its first warning threshold, when the queue is filtered atRisk=true, then it is listed and a fresh complaint is not', async () => {
    const hot = await register('hotline', 'P1'); // 5-minute first response, warning at 1 % = 3 s
    const calm = await register('general');
    const atRisk = await eventually(async () => {
      const res = await stack.call('GET', '/complaints?atRisk=true', { key: stack.keys.supervisor });
      return res.body.items.length > 0 ? res.body.items : null;
    }, 20_000, 'at-risk listing');
    expect(atRisk.map((i: { id: string }) => i.id)).toEqual([hot]);
    const notAtRisk = await stack.call('GET', '/complaints?atRisk=false', { key: stack.keys.supervisor });
    expect(notAtRisk.body.items.map((i: { id: string }) => i.id)).toContain(calm);
    expect(notAtRisk.body.items.map((i: { id: string }) => i.id)).not.toContain(hot);
  });
});
