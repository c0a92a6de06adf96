/**
 * Cycles bound to live data through the HTTP API (real Worker on the Temporal
 * dev server, real FerretDB): starting a bound cycle, refusing hand-typed
 * measurements, the complaints a cycle works on (GET /cycles/:id/complaints)
 * and the open cycles a complaint shows ("we are fixing this"), checked
 * against the database.
 */
import { type ApiStack, type Problem, collectionCounts, errorPaths, expectProblem, startApiStack } from '../helpers/api';
import { CYCLE_DEADLINE, validCycle } from '../helpers/cycle-endpoints';
import { eventually, uniqueId } from '../helpers/stack';

type View = Record<string, any>;

/** Complaints per week, lower is better: a count KPI, so a continuous goal. */
const volumeGoal = { metric: 'double-charge complaints per week', unit: 'complaints', direction: 'lower_is_better', metricType: 'continuous', baseline: 12, target: 4, deadline: CYCLE_DEADLINE };

describe('cycles bound to live data, through the API', () => {
  let stack: ApiStack;
  const area = uniqueId('billing').toLowerCase();
  const key = (user: string) => stack.keys[user]!;

  beforeAll(async () => {
    stack = await startApiStack();
    const created = await stack.call('POST', '/service-areas', {
      key: key('ada'),
      body: {
        areaId: area,
        name: 'Billing support',
        match: { categories: ['billing'] },
        processOwnerId: 'olivia',
        calendarId: 'paris-office',
        volumeUnit: 'invoices',
        causes: [
          { code: 'double_charge', label: 'Double charge' },
          { code: 'tariff', label: 'Tariff not explained' },
        ],
      },
    });
    expect(created.status).toBe(201);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  async function startCycle(body: Record<string, unknown>): Promise<View> {
    const res = await stack.call<View>('POST', '/cycles', { key: key('olivia'), body });
    expect({ status: res.status, body: res.body }).toEqual({ status: 201, body: expect.objectContaining({ id: expect.any(String) }) });
    await eventually(async () => (await stack.models.Cycle.findById(res.body.id).lean())?.version === 1 || null, 20_000, 'cycle registered');
    return res.body;
  }

  /** A billing complaint taken by alice on the phone; `cause`: then resolved with that cause. */
  async function billingComplaint(cause?: string): Promise<string> {
    const res = await stack.call<View>('POST', '/complaints', { key: key('alice'), body: { customer: { id: uniqueId('cust') }, channel: 'phone', category: 'billing', severity: 'P3', description: 'Charged twice for the March invoice.' } });
    expect(res.status).toBe(201);
    const id = res.body.id as string;
    await eventually(async () => ((await stack.models.Complaint.findById(id).lean())?.version ?? 0) >= 1 || null, 20_000, `complaint ${id} stored`);
    if (cause) {
      const resolved = await stack.call('POST', `/complaints/${id}/resolve`, { key: key('alice'), body: { summary: 'Refunded the second charge.', cause } });
      expect(resolved.status).toBe(200);
      await eventually(async () => (await stack.models.ComplaintFact.findById(id).lean())?.factJson.includes(`"cause":"${cause}"`) || null, 20_000, `fact of ${id} with its cause`);
    }
    return id;
  }

  const improvementCycles = async (complaintId: string) => {
    const res = await stack.call<View>('GET', `/complaints/${complaintId}`, { key: key('sam') });
    expect(res.status).toBe(200);
    return res.body.improvementCycles as { cycleId: string; title: string; phase: string; status: string }[];
  };

  it('given bound and unbound cycles and billing complaints, when the complaints and the cycles are read, then each cycle lists the complaints in its scope and each complaint the open cycles working on it', async () => {
    const byCause = await startCycle(
      validCycle({ title: 'Stop double charges', goal: volumeGoal, binding: { kpi: 'complaint_volume', area, dimension: 'cause', value: 'double_charge', period: 'week' } }),
    );
    expect(byCause).toMatchObject({ binding: { kpi: 'complaint_volume', areaId: area, filter: { dimension: 'cause', value: 'double_charge' }, period: 'week', timeZone: 'Europe/Paris' }, origin: null });
    const wholeArea = await startCycle(
      validCycle({
        title: 'Answer billing complaints on time',
        goal: { metric: 'first-response attainment', unit: 'share', direction: 'higher_is_better', metricType: 'proportion', baseline: 0.7, target: 0.9, deadline: CYCLE_DEADLINE },
        binding: { kpi: 'first_response_attainment', area, period: 'week' },
      }),
    );
    const unbound = await startCycle(validCycle({ title: 'Unbound', evidence: { complaintIds: ['c_a', 'c_b'] } }));
    expect(unbound).toMatchObject({ binding: null, origin: null });
    expect(await stack.models.Cycle.findById(byCause.id).lean()).toMatchObject({ boundAreaId: area, boundDimension: 'cause', boundValue: 'double_charge', active: true });
    expect(await stack.models.Cycle.findById(unbound.id).lean()).toMatchObject({ boundAreaId: null, active: true });

    // A measurement typed by hand on a bound metric: refused, nothing written.
    const before = await collectionCounts(stack.models);
    const typed = await stack.call<Problem>('POST', `/cycles/${byCause.id}/record-measurements`, { key: key('alice'), body: { measurements: [{ value: 3 }] } });
    expectProblem(typed, 422, 'METRIC_BOUND');
    expect(typed.body.detail).toContain(`complaint_volume of area ${area} (cause double_charge), per week`);
    expect(await collectionCounts(stack.models)).toEqual(before);

    const doubleCharged = await billingComplaint('double_charge');
    const tariff = await billingComplaint('tariff');
    const open = await billingComplaint();

    // The complaints show the open cycles working on their area, and on their cause once it is known.
    expect((await improvementCycles(doubleCharged)).map((c) => c.cycleId)).toEqual([byCause.id, wholeArea.id]);
    expect((await improvementCycles(doubleCharged))[0]).toEqual({ cycleId: byCause.id, title: 'Stop double charges', phase: 'plan', status: 'active' });
    expect((await improvementCycles(tariff)).map((c) => c.cycleId)).toEqual([wholeArea.id]);
    expect((await improvementCycles(open)).map((c) => c.cycleId)).toEqual([wholeArea.id]);
    const elsewhere = await stack.call<View>('POST', '/complaints', { key: key('alice'), body: { customer: { id: uniqueId('cust') }, channel: 'phone', category: 'delivery', severity: 'P3', description: 'Parcel lost.' } });
    await eventually(async () => (await stack.models.Complaint.findById(elsewhere.body.id).lean()) || null, 20_000, 'delivery complaint stored');
    expect(await improvementCycles(elsewhere.body.id)).toEqual([]);

    // The cycles list the complaints in their scope since they opened: counted here from what was created above.
    const inScope = async (cycleId: string) => {
      const res = await stack.call<View>('GET', `/cycles/${cycleId}/complaints?limit=10`, { key: key('simon') });
      expect(res.status).toBe(200);
      return res.body;
    };
    const cause = await inScope(byCause.id);
    expect(cause).toMatchObject({ cycleId: byCause.id, evidence: [], live: { areaId: area, filter: { dimension: 'cause', value: 'double_charge' }, count: 1, sample: [doubleCharged] } });
    expect(cause.live.from).toBe(cause.live.to); // opened today (Paris), read today
    const whole = await inScope(wholeArea.id);
    expect(whole.live.count).toBe(3);
    expect([...whole.live.sample].sort()).toEqual([doubleCharged, tariff, open].sort());
    const limited = await stack.call<View>('GET', `/cycles/${wholeArea.id}/complaints?limit=2`, { key: key('simon') });
    expect(limited.body.live).toMatchObject({ count: 3, sample: expect.any(Array) });
    expect(limited.body.live.sample).toHaveLength(2);
    expect(await inScope(unbound.id)).toEqual({ cycleId: unbound.id, evidence: ['c_a', 'c_b'], live: null });

    // A closed cycle is no longer shown on the complaint.
    const abandoned = await stack.call('POST', `/cycles/${byCause.id}/abandon`, { key: key('olivia'), body: { reason: 'merged into the billing programme' } });
    expect(abandoned.status).toBe(200);
    await eventually(async () => (await stack.models.Cycle.findById(byCause.id).lean())?.active === false || null, 20_000, 'cycle closed in the read model');
    expect((await improvementCycles(doubleCharged)).map((c) => c.cycleId)).toEqual([wholeArea.id]);
  });

  it('given a binding to an area that does not exist and a goal that does not fit its KPI, when a cycle is started, then 400 naming both fields and nothing is written', async () => {
    const before = { counts: await collectionCounts(stack.models), workflows: await stack.workflowCount() };
    const res = await stack.call<Problem>('POST', '/cycles', { key: key('olivia'), body: validCycle({ binding: { kpi: 'breach_rate', area: 'no-such-area', period: 'month' }, goal: volumeGoal }) });
    expectProblem(res, 400, 'VALIDATION_FAILED');
    expect(errorPaths(res).sort()).toEqual(['body.binding.area', 'body.goal.metricType']);
    expect({ counts: await collectionCounts(stack.models), workflows: await stack.workflowCount() }).toEqual(before);
  });
});
