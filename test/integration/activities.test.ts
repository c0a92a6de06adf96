/**
 * The complaint activities against the real database (FerretDB): every write
 * is idempotent and the read model never goes back to an older version.
 * Activities run inside @temporalio/testing's MockActivityEnvironment, which
 * only supplies the activity Context (no Temporal server is involved here).
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { Schema } from 'mongoose';
import { writeReadModel } from '../../activities/records';
import { backfillComplaintRows } from '../../src/db/complaint-rows';
import { createComplaintActivities } from '../../activities';
import type { Config } from '../../src/config';
import { type ComplaintState, applyCommand, openComplaint } from '../../src/domain/complaint';
import { type Models, storedState } from '../../src/db/models';
import { openTestDb, testConfig, uniqueId } from '../helpers/stack';
import { ALWAYS, policy, seedCatalog } from '../helpers/fixtures';

let config: Config;
let models: Models & { drop(): Promise<void> };
let activities: ReturnType<typeof createComplaintActivities>;
const run = async <T>(fn: () => Promise<T>): Promise<T> => (await new MockActivityEnvironment().run(fn)) as T;

beforeAll(async () => {
  config = testConfig();
  models = await openTestDb(config);
  activities = createComplaintActivities({ models, webhookUrls: [], webhookSecret: config.secrets.webhookSecret });
});
afterAll(async () => models?.drop());

function lifecycle() {
  const t0 = Date.UTC(2026, 10, 2, 9);
  const opened = openComplaint({ complaintId: uniqueId('c'), customer: { id: 'x' }, channel: 'email', category: 'billing', severity: 'P3', description: 'd', createdBy: { id: 'w', role: 'intake' } }, {}, t0);
  const acked = applyCommand(opened.state, { type: 'acknowledge' }, { id: 'alice', role: 'agent' }, t0 + 1000);
  const resolved = applyCommand(acked.state, { type: 'resolve', summary: 's' }, { id: 'alice', role: 'agent' }, t0 + 2000);
  return { opened, acked, resolved };
}

describe('recordTransitions', () => {
  it('given version 3 is stored, when a late retry of version 2 arrives, then the read model keeps version 3 and nothing is duplicated', async () => {
    const { opened, acked, resolved } = lifecycle();
    const id = opened.state.complaintId;
    await run(() => activities.recordTransitions(opened));
    await run(() => activities.recordTransitions(acked));
    await run(() => activities.recordTransitions(resolved));
    // An attempt of version 2 that outlived its timeout (its retry already succeeded) lands last.
    await run(() => activities.recordTransitions(acked));
    await run(() => activities.recordTransitions(resolved)); // retry of the newest
    const docs = await models.Complaint.find({ _id: id }).lean();
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ version: 3, status: 'resolved', ownerId: 'alice' });
    const audit = await models.AuditEvent.find({ entityId: id }).sort({ seq: 1 }).lean();
    expect(audit.map((e) => [e.seq, e.action])).toEqual([
      [1, 'intake'],
      [2, 'acknowledge'],
      [3, 'resolve'],
    ]);
    expect(await models.Outbox.countDocuments({ complaintId: id })).toBe(1); // the CSAT request, once
  });

  it('given a transition batch, when the same batch is recorded twice (activity retry), then the outbox ids returned are the same and stored once', async () => {
    const { opened, acked, resolved } = lifecycle();
    await run(() => activities.recordTransitions(opened));
    const batch = { state: resolved.state, transitions: [...acked.transitions, ...resolved.transitions] };
    const first = await run(() => activities.recordTransitions(batch));
    const second = await run(() => activities.recordTransitions(batch));
    expect(second.outboxIds).toEqual(first.outboxIds);
    expect(await models.Outbox.countDocuments({ _id: { $in: first.outboxIds } })).toBe(1);
    expect(await models.AuditEvent.countDocuments({ entityId: opened.state.complaintId })).toBe(3);
  });
});

describe('writeReadModel', () => {
  it('given a stale attempt that stalls after deciding to write, when a newer version lands meanwhile, then the newer version stays', async () => {
    // A model of its own whose first armed updateOne lets a newer version land just before the write goes out:
    // the interleaving a stalled attempt produces, forced rather than hoped for.
    const schema = new Schema({ _id: String, version: Number, value: String }, { versionKey: false });
    let newerLandsBeforeNextUpdate = false;
    schema.pre('updateOne', async function () {
      if (!newerLandsBeforeNextUpdate) return;
      newerLandsBeforeNextUpdate = false;
      await Probe.collection.replaceOne({ _id: id as never }, { version: 7, value: 'newer' });
    });
    const Probe = models.connection.model(uniqueId('RaceProbe'), schema, uniqueId('race_probe'));
    const id = uniqueId('c');
    await run(() => writeReadModel(Probe, id, 5, { version: 5, value: 'v5' }));
    newerLandsBeforeNextUpdate = true;
    await run(() => writeReadModel(Probe, id, 6, { version: 6, value: 'stale' }));
    expect(newerLandsBeforeNextUpdate).toBe(false); // the race was forced
    expect(await Probe.find({ _id: id }).lean()).toEqual([{ _id: id, version: 7, value: 'newer' }]);
  });
});

describe('complaint list rows', () => {
  it('given complaints stored before rows existed, when the backfill runs (twice), then each gets its row once and newer rows are kept', async () => {
    const { opened, acked } = lifecycle();
    const { opened: other } = lifecycle();
    await run(() => activities.recordTransitions(opened));
    await run(() => activities.recordTransitions(other));
    const ids = [opened.state.complaintId, other.state.complaintId];
    // As an older version left the store: documents without rows, no migration marker.
    await models.ComplaintRow.deleteMany({ _id: { $in: ids } });
    await models.connection.collection('migrations').deleteMany({});
    await run(() => activities.recordTransitions(acked)); // a workflow writes a newer row meanwhile
    const first = await backfillComplaintRows(models);
    const second = await backfillComplaintRows(models);
    expect(first.inserted).toBeGreaterThanOrEqual(1);
    expect(second.inserted).toBe(0);
    const rows = await models.ComplaintRow.find({ _id: { $in: ids } }).sort({ _id: 1 }).lean();
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r._id === opened.state.complaintId)).toMatchObject({ version: 2, status: 'acknowledged', ownerId: 'alice', openToQueue: null, active: true });
    expect(rows.find((r) => r._id === other.state.complaintId)).toMatchObject({ version: 1, status: 'open', ownerId: null, queue: 'general', openToQueue: 'general' });
  });
});

describe('frozen SLA policies', () => {
  it('given a complaint with policies frozen at intake, when its transitions are recorded (and retried), then the policies are stored once apart and the read model carries none', async () => {
    const policyId = uniqueId('pol');
    await seedCatalog(models, { [policyId]: policy({ match: { severities: ['P1', 'P2', 'P3', 'P4'], categories: [`cat-${policyId}`] } }) }, { always: ALWAYS });
    // As the workflow holds them: the activity's result after Temporal's JSON payload conversion.
    const policies = JSON.parse(JSON.stringify(await activities.resolveSlaPolicies({ category: `cat-${policyId}`, channel: 'email' }))) as Parameters<typeof openComplaint>[1];
    expect(Object.keys(policies).sort()).toEqual(['P1', 'P2', 'P3', 'P4']);
    const t0 = Date.UTC(2026, 10, 2, 9);
    const opened = openComplaint({ complaintId: uniqueId('c'), customer: { id: 'x' }, channel: 'email', category: `cat-${policyId}`, severity: 'P3', description: 'd', createdBy: { id: 'w', role: 'intake' } }, policies, t0);
    const acked = applyCommand(opened.state, { type: 'acknowledge' }, { id: 'alice', role: 'agent' }, t0 + 1000);
    const id = opened.state.complaintId;
    await run(() => activities.recordTransitions(opened));
    await run(() => activities.recordTransitions(opened)); // retry
    await run(() => activities.recordTransitions(acked));
    const stored = await models.ComplaintPolicies.find({ _id: id }).lean();
    expect(stored).toHaveLength(1);
    expect(JSON.parse(stored[0]!.policiesJson)).toEqual(policies);
    const doc = await models.Complaint.findById(id).lean();
    expect(doc).toMatchObject({ version: 2 });
    expect(storedState<ComplaintState>(doc!)).toMatchObject({ version: 2, sla: { policies: {}, active: { policyId } } });
  });
});
