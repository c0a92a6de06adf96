/**
 * The complaint activities against the real database (FerretDB): every write
 * is idempotent and the read model never goes back to an older version.
 * Activities run inside @temporalio/testing's MockActivityEnvironment, which
 * only supplies the activity Context (no Temporal server is involved here).
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { createComplaintActivities } from '../../activities';
import type { Config } from '../../src/config';
import { applyCommand, openComplaint } from '../../src/domain/complaint';
import type { Models } from '../../src/db/models';
import { openTestDb, testConfig, uniqueId } from '../helpers/stack';

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
