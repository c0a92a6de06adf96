/**
 * A long-lived complaint keeps its history bounded: when Temporal suggests it,
 * the workflow continues as new, carrying its state, and nothing is lost. Uses
 * its own dev server with a low suggestion threshold (200 events instead of
 * Temporal's default 4096) so a few dozen actions are enough.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { COMPLAINT_WORKFLOW, complaintUpdates, complaintWorkflowId, getComplaintQuery } from '../../src/contracts/complaint';
import type { Models } from '../../src/db/models';
import { type TemporalDevServer, startTemporalDevServer } from '../../infra/launch';
import { ALWAYS, policy, seedCatalog } from '../helpers/fixtures';
import { eventually, openTestDb, startWorker, testConfig, uniqueId } from '../helpers/stack';

let temporal: TemporalDevServer;
let models: Models & { drop(): Promise<void> };
let connection: Connection;
let nativeConnection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let config: ReturnType<typeof testConfig>;
/** The server's log folder, removed after the run (passed or failed). */
let dir: string | undefined;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ql-can-'));
  temporal = await startTemporalDevServer({ logFile: path.join(dir, 'temporal.log'), headless: true, dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': 200 } });
  config = testConfig({ temporalAddress: temporal.address });
  models = await openTestDb(config);
  await seedCatalog(models, { any: policy() }, { always: ALWAYS });
  connection = await Connection.connect({ address: temporal.address, interceptors: [] });
  nativeConnection = await NativeConnection.connect({ address: temporal.address });
  worker = await startWorker({ config, models, connection: nativeConnection });
  running = worker.run();
});

afterAll(async () => {
  try {
    worker?.shutdown();
    await running;
    await nativeConnection?.close();
    await connection?.close();
    await temporal?.stop();
    await models?.drop();
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
});

describe('continue-as-new', () => {
  it('given a complaint with many notes, when its history passes the suggested size, then it continues as new with its state, a retried request is still applied once, and the lifecycle and audit trail go on unbroken', async () => {
    const client = new Client({ connection });
    const complaintId = uniqueId('c');
    const handle = await client.workflow.start(COMPLAINT_WORKFLOW, {
      taskQueue: config.temporal.taskQueue,
      workflowId: complaintWorkflowId(complaintId),
      args: [{ intake: { complaintId, customer: { id: 'cust' }, channel: 'email', category: 'general', severity: 'P3', description: 'long story', createdBy: { id: 'webform', role: 'intake' } } }],
    });
    const firstRunId = handle.firstExecutionRunId;
    const alice = { id: 'alice', role: 'agent' as const };
    await eventually(async () => (await handle.query(getComplaintQuery)).version >= 1 || null, 20_000, 'registered');
    await handle.executeUpdate(complaintUpdates.acknowledge, { args: [{ actor: alice, command: { type: 'acknowledge' } }] });
    // A note sent with an idempotency id in the first run; its retry comes after the continue-as-new below.
    const first = await handle.executeUpdate(complaintUpdates.add_note, { args: [{ actor: alice, command: { type: 'add_note', text: 'note 0', visibility: 'internal' }, requestId: 'alice:retry-me' }], updateId: 'alice:retry-me' });

    const latest = client.workflow.getHandle(complaintWorkflowId(complaintId)); // follows the newest run
    const NOTES = 40;
    for (let i = 1; i <= NOTES; i++) {
      // Every update must succeed, including those around the continue-as-new boundary.
      await latest.executeUpdate(complaintUpdates.add_note, { args: [{ actor: alice, command: { type: 'add_note', text: `note ${i}`, visibility: 'internal' } }] });
    }
    const description = await latest.describe();
    expect(description.runId).not.toBe(firstRunId);
    // The retry reaches the new run, where Temporal no longer knows the update id: the workflow does.
    const retried = await latest.executeUpdate(complaintUpdates.add_note, { args: [{ actor: alice, command: { type: 'add_note', text: 'note 0', visibility: 'internal' }, requestId: 'alice:retry-me' }], updateId: 'alice:retry-me' });
    expect(retried.notes.filter((n) => n.text === 'note 0')).toHaveLength(1);
    expect(retried.version).toBeGreaterThan(first.version);

    const state = await latest.query(getComplaintQuery);
    expect(state.version).toBe(3 + NOTES);
    expect(state.notes.map((n) => n.text)).toEqual(['note 0', ...Array.from({ length: NOTES }, (_, i) => `note ${i + 1}`)]);
    expect(state.firstResponderId).toBe('alice');
    expect(state.sla!.active.policyId).toBe('any');

    const resolved = await latest.executeUpdate(complaintUpdates.resolve, { args: [{ actor: alice, command: { type: 'resolve', summary: 'done' } }] });
    expect(resolved.version).toBe(4 + NOTES);
    const audit = await models.AuditEvent.find({ entityId: complaintId }).sort({ seq: 1 }).lean();
    expect(audit.map((e) => e.seq)).toEqual(Array.from({ length: 4 + NOTES }, (_, i) => i + 1));
    await eventually(async () => (await models.Complaint.findById(complaintId).lean())?.version === 4 + NOTES || null, 20_000, 'read model at the last version');
  });
});
