/**
 * Service areas, resolution codes and service volume through the API on the
 * real stack: the catalog versions like SLA policies; a complaint freezes the
 * area version it matched at intake and must be resolved with a cause from
 * that version's catalog; daily volume is replaced per (area, day), and a CSV
 * import is all-or-nothing and writes nothing more when retried.
 */
import { type ApiStack, type Problem, errorPaths, expectProblem, rejectionChecker, startApiStack } from '../helpers/api';
import { eventually, uniqueId } from '../helpers/stack';

let stack: ApiStack;

beforeAll(async () => {
  stack = await startApiStack();
});
afterAll(async () => stack?.stop());

const billingArea = (overrides: Record<string, unknown> = {}) => ({
  name: 'Billing support',
  match: { categories: ['billing'] },
  processOwnerId: 'olivia',
  calendarId: 'paris-office',
  volumeUnit: 'transactions',
  causes: [
    { code: 'double-charge', label: 'Double charge' },
    { code: 'tariff-not-explained', label: 'Tariff not explained' },
  ],
  objectives: [
    { kpi: 'first_response_attainment', comparator: '>=', target: 0.95 },
    { kpi: 'csat_average', comparator: '>=', target: 4.3 },
    { kpi: 'complaint_rate', comparator: '<=', target: 2 },
  ],
  review: { frequency: 'monthly', reviewerIds: ['olivia', 'sam'] },
  ...overrides,
});

/** Everything an area or volume request could change. */
async function snapshot() {
  const m = stack.models;
  const [areas, volumes] = await Promise.all([m.ServiceArea.find({}).sort({ _id: 1 }).lean(), m.ServiceVolume.find({}).sort({ _id: 1 }).lean()]);
  return { areas, volumes };
}
const rejected = rejectionChecker(() => stack, snapshot);

async function createArea(areaId: string, def = billingArea()) {
  const res = await stack.call('POST', '/service-areas', { key: stack.keys.admin, body: { areaId, ...def } });
  expect(res.status).toBe(201);
  return res.body;
}

/** A complaint alice takes on the phone (acknowledged and hers at once), once its workflow stored it. */
async function register(category: string): Promise<string> {
  const res = await stack.call('POST', '/complaints', { key: stack.keys.alice, body: { customer: { id: uniqueId('cust') }, channel: 'phone', category, severity: 'P3', description: 'charged twice for March' } });
  expect(res.status).toBe(201);
  const id = res.body.id as string;
  await eventually(async () => (await stack.models.Complaint.findById(id, { version: 1 }).lean())?.version === 1, 20_000, `complaint ${id} registered`);
  return id;
}

describe('service area catalog', () => {
  it('given a new area, when created, changed and changed again with a stale version, then versions 1 and 2 are kept and the stale save is a 409', async () => {
    const created = await createArea('billing-catalog');
    expect(created).toMatchObject({ areaId: 'billing-catalog', version: 1, processOwnerId: 'olivia', review: { frequency: 'monthly', reviewerIds: ['olivia', 'sam'] }, createdBy: 'ada' });

    const saved = await stack.call('PUT', '/service-areas/billing-catalog', { key: stack.keys.admin, body: { expectedVersion: 1, ...billingArea({ name: 'Billing & payments' }) } });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ version: 2, name: 'Billing & payments' });

    await rejected('PUT', '/service-areas/billing-catalog', { key: stack.keys.admin, body: { expectedVersion: 1, ...billingArea({ name: 'stale' }) } }, 409, 'VERSION_CONFLICT');
    await rejected('POST', '/service-areas', { key: stack.keys.admin, body: { areaId: 'billing-catalog', ...billingArea() } }, 409, 'VERSION_CONFLICT');

    const latest = await stack.call('GET', '/service-areas/billing-catalog', { key: stack.keys.agent });
    expect(latest.body).toMatchObject({ version: 2, name: 'Billing & payments' });
    const first = await stack.call('GET', '/service-areas/billing-catalog?version=1', { key: stack.keys.auditor });
    expect(first.body).toMatchObject({ version: 1, name: 'Billing support' });
    const list = await stack.call('GET', '/service-areas', { key: stack.keys.sponsor });
    expect(list.body.items.filter((a: { areaId: string }) => a.areaId === 'billing-catalog').map((a: { version: number }) => a.version)).toEqual([2]);
    expect(await stack.models.ServiceArea.countDocuments({ areaId: 'billing-catalog' })).toBe(2);

    await rejected('GET', '/service-areas/billing-catalog?version=3', { key: stack.keys.agent }, 404, 'NOT_FOUND');
    await rejected('GET', '/service-areas/atlantis', { key: stack.keys.agent }, 404, 'NOT_FOUND');
  });

  it('given references that do not hold (calendar, process owner, reviewers), when saved, then 422 naming each field and nothing is written', async () => {
    const { admin } = stack.keys;
    const calendar = await rejected('POST', '/service-areas', { key: admin, body: { areaId: 'refs', ...billingArea({ calendarId: 'atlantis' }) } }, 422, 'INVALID_DEFINITION');
    expect(errorPaths(calendar)).toEqual(['body.calendarId']);
    const owner = await rejected('POST', '/service-areas', { key: admin, body: { areaId: 'refs', ...billingArea({ processOwnerId: 'nobody' }) } }, 422, 'UNKNOWN_USER');
    expect(errorPaths(owner)).toEqual(['body.processOwnerId']);
    const agentOwner = await rejected('POST', '/service-areas', { key: admin, body: { areaId: 'refs', ...billingArea({ processOwnerId: 'alice' }) } }, 422, 'USER_CANNOT_ACT');
    expect(errorPaths(agentOwner)).toEqual(['body.processOwnerId']);
    const reviewers = await rejected('POST', '/service-areas', { key: admin, body: { areaId: 'refs', ...billingArea({ review: { frequency: 'weekly', reviewerIds: ['sam', 'ghost', 'olivia'] } }) } }, 422, 'UNKNOWN_USER');
    expect(errorPaths(reviewers)).toEqual(['body.review.reviewerIds.1']);
    // An auditor reads reviews but cannot sign them.
    const auditor = await rejected('PUT', '/service-areas/billing-catalog', { key: admin, body: { expectedVersion: 2, ...billingArea({ review: { frequency: 'weekly', reviewerIds: ['audrey'] } }) } }, 422, 'USER_CANNOT_ACT');
    expect(errorPaths(auditor)).toEqual(['body.review.reviewerIds.0']);
  });

  it('given objectives the KPI definitions rule out, when saved, then 400 on the objective and nothing is written', async () => {
    const percent = await rejected('POST', '/service-areas', { key: stack.keys.admin, body: { areaId: 'pct', ...billingArea({ objectives: [{ kpi: 'first_response_attainment', comparator: '>=', target: 95 }] }) } }, 400, 'VALIDATION_FAILED');
    expect(errorPaths(percent)).toEqual(['body.objectives.0.target']);
    const unknown = await rejected('POST', '/service-areas', { key: stack.keys.admin, body: { areaId: 'pct', ...billingArea({ objectives: [{ kpi: 'happiness', comparator: '>=', target: 1 }] }) } }, 400, 'VALIDATION_FAILED');
    expect(errorPaths(unknown)).toEqual(['body.objectives.0.kpi']);
    const dupCause = await rejected('POST', '/service-areas', { key: stack.keys.admin, body: { areaId: 'pct', ...billingArea({ causes: [{ code: 'x', label: 'X' }, { code: 'x', label: 'X again' }] }) } }, 400, 'VALIDATION_FAILED');
    expect(errorPaths(dupCause)).toEqual(['body.causes']);
  });
});

describe('complaints in a service area', () => {
  it('given a complaint registered under area version 1, when the area moves to version 2, then it keeps version 1 and its causes, and a new complaint gets version 2', async () => {
    await createArea('invoices', billingArea({ match: { categories: ['invoices'] } }));
    const before = await register('invoices');
    const v2 = billingArea({ match: { categories: ['invoices'] }, causes: [{ code: 'invoice-not-received', label: 'Invoice not received' }] });
    expect((await stack.call('PUT', '/service-areas/invoices', { key: stack.keys.admin, body: { expectedVersion: 1, ...v2 } })).status).toBe(200);
    const after = await register('invoices');

    const old = await stack.call('GET', `/complaints/${before}`, { key: stack.keys.alice });
    expect(old.body.serviceArea).toEqual({ areaId: 'invoices', version: 1, name: 'Billing support', timeZone: 'Europe/Paris', causes: ['double-charge', 'tariff-not-explained'] });
    expect(old.body.transferCount).toBe(0);
    const fresh = await stack.call('GET', `/complaints/${after}`, { key: stack.keys.alice });
    expect(fresh.body.serviceArea).toMatchObject({ areaId: 'invoices', version: 2, causes: ['invoice-not-received'] });
    // The audit trail says which area version the complaint was filed under.
    const intake = await stack.models.AuditEvent.findOne({ stream: `complaint:${before}`, seq: 1 }).lean();
    expect(intake!.details).toMatchObject({ serviceArea: { areaId: 'invoices', version: 1 } });

    // Resolving: the cause comes from the complaint's own (frozen) catalog.
    const path = `/complaints/${before}/resolve`;
    const missing = await stack.call<Problem>('POST', path, { key: stack.keys.alice, body: { summary: 'refunded' } });
    expectProblem(missing, 422, 'INVALID_ACTION');
    expect(missing.body.detail).toContain('double-charge, tariff-not-explained');
    expectProblem(await stack.call<Problem>('POST', path, { key: stack.keys.alice, body: { summary: 'refunded', cause: 'invoice-not-received' } }), 422, 'INVALID_ACTION');
    const resolved = await stack.call('POST', path, { key: stack.keys.alice, body: { summary: 'refunded', cause: 'double-charge', tags: ['refund', 'goodwill'] } });
    expect(resolved.status).toBe(200);
    expect(resolved.body.resolution).toEqual({ summary: 'refunded', by: 'alice', cause: 'double-charge', tags: ['refund', 'goodwill'] });
    await eventually(async () => (await stack.models.Complaint.findById(before, { status: 1 }).lean())?.status === 'resolved', 20_000, 'resolution stored');
    const stored = JSON.parse((await stack.models.Complaint.findById(before, { stateJson: 1 }).lean())!.stateJson);
    expect(stored.resolution).toMatchObject({ cause: 'double-charge', tags: ['refund', 'goodwill'] });
  });

  it('given a complaint that matches no area, when resolved, then no cause is needed and one given is refused', async () => {
    const id = await register('no-area-here');
    const view = await stack.call('GET', `/complaints/${id}`, { key: stack.keys.alice });
    expect(view.body.serviceArea).toBeNull();
    expectProblem(await stack.call<Problem>('POST', `/complaints/${id}/resolve`, { key: stack.keys.alice, body: { summary: 'done', cause: 'double-charge' } }), 422, 'INVALID_ACTION');
    const resolved = await stack.call('POST', `/complaints/${id}/resolve`, { key: stack.keys.alice, body: { summary: 'done' } });
    expect(resolved.status).toBe(200);
    expect(resolved.body.resolution).toEqual({ summary: 'done', by: 'alice', cause: null, tags: [] });
  });

  it('given repeated tags or a malformed cause, when resolving, then 400 naming the field', async () => {
    const id = await register('no-area-here');
    const tags = await stack.call<Problem>('POST', `/complaints/${id}/resolve`, { key: stack.keys.alice, body: { summary: 'done', tags: ['a', 'a'] } });
    expectProblem(tags, 400, 'VALIDATION_FAILED');
    expect(errorPaths(tags)).toEqual(['body.tags']);
    const cause = await stack.call<Problem>('POST', `/complaints/${id}/resolve`, { key: stack.keys.alice, body: { summary: 'done', cause: 'Double Charge' } });
    expect(errorPaths(cause)).toEqual(['body.cause']);
  });
});

describe('service volume', () => {
  const csv = (...lines: string[]) => ({ rawBody: `day,volume\r\n${lines.map((l) => `${l}\r\n`).join('')}`, headers: { 'content-type': 'text/csv' } });
  const volumesOf = (areaId: string) => stack.models.ServiceVolume.find({ areaId }).sort({ day: 1 }).lean();

  beforeAll(async () => {
    await createArea('counter', billingArea({ match: { categories: ['counter'] }, volumeUnit: 'counter transactions' }));
  });

  it('given a day, when its volume is put, put again unchanged and then changed, then one figure is kept per day and the unchanged put writes nothing', async () => {
    const first = await stack.call('PUT', '/service-areas/counter/volume/2026-03-02', { key: stack.keys.supervisor, body: { volume: 2000 } });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ areaId: 'counter', day: '2026-03-02', volume: 2000, updatedBy: 'sam' });
    const [stored] = await volumesOf('counter');
    expect(stored).toMatchObject({ _id: 'counter|2026-03-02', volume: 2000 });

    const again = await stack.call('PUT', '/service-areas/counter/volume/2026-03-02', { key: stack.keys.process_owner, body: { volume: 2000 } });
    expect(again.body).toEqual(first.body);
    expect((await volumesOf('counter'))[0]!.updatedAt).toEqual(stored!.updatedAt);

    const changed = await stack.call('PUT', '/service-areas/counter/volume/2026-03-02', { key: stack.keys.process_owner, body: { volume: 2100 } });
    expect(changed.body).toMatchObject({ volume: 2100, updatedBy: 'olivia' });
    expect((await volumesOf('counter')).map((d) => [d.day, d.volume])).toEqual([['2026-03-02', 2100]]);

    await rejected('PUT', '/service-areas/atlantis/volume/2026-03-02', { key: stack.keys.supervisor, body: { volume: 1 } }, 404, 'NOT_FOUND');
    const notADay = await rejected('PUT', '/service-areas/counter/volume/2026-02-30', { key: stack.keys.supervisor, body: { volume: 1 } }, 400, 'VALIDATION_FAILED');
    expect(errorPaths(notADay)).toEqual(['params.day']);
  });

  it('given a CSV file, when imported twice and then with one figure changed, then the retry writes nothing and the change writes one day', async () => {
    const file = csv('2026-04-01,1500', '2026-04-02,1620', '2026-04-03,0');
    const first = await stack.call('POST', '/service-areas/counter/volume/import', { key: stack.keys.supervisor, ...file });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ rows: 3, written: 3, unchanged: 0 });
    const stored = (await volumesOf('counter')).filter((d) => d.day.startsWith('2026-04'));
    expect(stored.map((d) => [d.day, d.volume])).toEqual([['2026-04-01', 1500], ['2026-04-02', 1620], ['2026-04-03', 0]]);

    const retry = await stack.call('POST', '/service-areas/counter/volume/import', { key: stack.keys.supervisor, ...file });
    expect(retry.body).toEqual({ rows: 3, written: 0, unchanged: 3 });
    expect((await volumesOf('counter')).filter((d) => d.day.startsWith('2026-04'))).toEqual(stored);

    const corrected = await stack.call('POST', '/service-areas/counter/volume/import', { key: stack.keys.admin, ...csv('2026-04-01,1500', '2026-04-02,1630', '2026-04-03,0') });
    expect(corrected.body).toEqual({ rows: 3, written: 1, unchanged: 2 });
    expect((await volumesOf('counter')).filter((d) => d.day.startsWith('2026-04')).map((d) => [d.day, d.volume, d.updatedBy])).toEqual([
      ['2026-04-01', 1500, 'sam'],
      ['2026-04-02', 1630, 'ada'],
      ['2026-04-03', 0, 'sam'],
    ]);

    const listed = await stack.call('GET', '/service-areas/counter/volume?from=2026-03-01&to=2026-04-02', { key: stack.keys.agent });
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ areaId: 'counter', unit: 'counter transactions', from: '2026-03-01', to: '2026-04-02' });
    expect(listed.body.items.map((i: { day: string; volume: number }) => [i.day, i.volume])).toEqual([['2026-03-02', 2100], ['2026-04-01', 1500], ['2026-04-02', 1630]]);
  });

  it('given a CSV file with one bad row among good ones, or a day given twice, when imported, then 400 names the row and nothing at all is written', async () => {
    const key = stack.keys.supervisor;
    const badVolume = await rejected('POST', '/service-areas/counter/volume/import', { key, ...csv('2026-05-01,10', '2026-05-02,ten', '2026-05-03,12') }, 400, 'VALIDATION_FAILED');
    expect(errorPaths(badVolume)).toEqual(['body.rows.1.volume']);
    const badDay = await rejected('POST', '/service-areas/counter/volume/import', { key, ...csv('2026-05-01,10', '2026-05-32,11') }, 400, 'VALIDATION_FAILED');
    expect(errorPaths(badDay)).toEqual(['body.rows.1.day']);
    const twice = await rejected('POST', '/service-areas/counter/volume/import', { key, ...csv('2026-05-01,10', '2026-05-02,11', '2026-05-01,12') }, 400, 'VALIDATION_FAILED');
    expect(errorPaths(twice)).toEqual(['body.rows.2.day']);
    const ragged = await rejected('POST', '/service-areas/counter/volume/import', { key, ...csv('2026-05-01,10', '2026-05-02,11,12') }, 400, 'VALIDATION_FAILED');
    expect(errorPaths(ragged)).toEqual(['body.rows.1']);
    await rejected('POST', '/service-areas/atlantis/volume/import', { key, ...csv('2026-05-01,10') }, 404, 'NOT_FOUND');
    await rejected('POST', '/service-areas/counter/volume/import', { key, body: { rows: [{ day: '2026-05-01', volume: '10' }] } }, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(await stack.models.ServiceVolume.countDocuments({ day: { $gte: '2026-05-01' } })).toBe(0);
  });

  it('given ten years of days, when imported in one file and then again with every figure changed, then all are stored and all replaced', async () => {
    const file = (offset: number) => csv(...Array.from({ length: 3660 }, (_, i) => `${new Date(Date.UTC(2010, 0, 1 + i)).toISOString().slice(0, 10)},${i + offset}`));
    const res = await stack.call('POST', '/service-areas/counter/volume/import', { key: stack.keys.supervisor, ...file(0) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ rows: 3660, written: 3660, unchanged: 0 });
    const replaced = await stack.call('POST', '/service-areas/counter/volume/import', { key: stack.keys.supervisor, ...file(1) });
    expect(replaced.body).toEqual({ rows: 3660, written: 3660, unchanged: 0 });
    const stored = await stack.models.ServiceVolume.find({ areaId: 'counter', day: { $lt: '2020-01-10' } }).sort({ day: 1 }).lean();
    expect(stored.length).toBe(3660);
    expect(stored.every((d, i) => d.volume === i + 1)).toBe(true);
  });
});
