/**
 * Crash tests on real processes: the worker (worker/main.ts, a child process)
 * is SIGKILLed in the middle of a complaint's lifecycle and restarted; the
 * Temporal dev server (its own instance, SQLite file) is stopped and started
 * again. Nothing acknowledged is lost and nothing is written twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import { createApp } from '../../src/api/app';
import { complaintUpdates, complaintWorkflowId, getComplaintQuery } from '../../src/contracts/complaint';
import { type Models, storedState } from '../../src/db/models';
import type { ComplaintState } from '../../src/domain/complaint';
import { DEMO_USERS, seedDemoData } from '../../src/db/seed';
import { type TemporalDevServer, freePort, startTemporalDevServer } from '../../infra/launch';
import { assertDocumentedResponse, observe, validatedFetch } from '../helpers/openapi-validation';
import { type WorkerProcess, isAlive, spawnWorker } from '../helpers/processes';
import { eventually, openTestDb, testConfig } from '../helpers/stack';

const key = (id: string) => DEMO_USERS.find((u) => u.id === id)!.key;

let dir: string;
let temporal: TemporalDevServer;
let temporalPort: number;
let models: Models & { drop(): Promise<void> };
let connection: Connection;
let client: Client;
let server: import('node:http').Server;
let baseUrl: string;
let worker: WorkerProcess;
let config: ReturnType<typeof testConfig>;
const pids: number[] = [];

async function startTemporal(): Promise<void> {
  temporal = await startTemporalDevServer({ dbFile: path.join(dir, 'temporal.db'), port: temporalPort, logFile: path.join(dir, 'temporal.log'), headless: true });
  pids.push(temporal.pid);
}

async function startWorkerProcess(): Promise<void> {
  worker = spawnWorker(config);
  pids.push(worker.pid);
  await worker.ready;
}

async function call(method: string, url: string, who: string, body?: unknown) {
  const res = await validatedFetch(baseUrl + url, {
    method,
    headers: { authorization: `Bearer ${key(who)}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: (await res.json()) as any };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ql-durability-'));
  temporalPort = await freePort();
  await startTemporal();
  config = testConfig({ temporalAddress: temporal.address });
  models = await openTestDb(config);
  await seedDemoData(models, config.secrets.apiKeyPepper);
  // No gRPC retry interceptor: this test restarts the server and polls by itself, and a retry
  // timer left pending by the SDK would fire after the connection is closed at teardown.
  connection = await Connection.connect({ address: temporal.address, interceptors: [] });
  client = new Client({ connection, namespace: 'default' });
  const app = createApp({ config, models, client, log: pino({ level: 'silent' }) });
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await startWorkerProcess();
});

afterAll(async () => {
  try {
    await new Promise((r) => server?.close(r));
    await connection?.close();
    await worker?.kill('SIGTERM');
    await temporal?.stop();
    await models?.drop();
  } finally {
    // The server's database and log: removed after the run, passed or failed.
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * Clients that keep one add-note each in flight on their own complaint, retrying a request with
 * the same Idempotency-Key on 503 or a dropped connection, as a real client would. `fault` runs
 * while they send; afterwards every request must have been acknowledged, and each acknowledged
 * note must be in the workflow once, with one audit event per version and the read model at
 * the workflow's version.
 */
async function updatesInFlightThrough(fault: () => Promise<void>): Promise<void> {
  const ids: string[] = [];
  for (let c = 0; c < 3; c++) {
    const created = await call('POST', '/complaints', 'webform', { customer: { id: `cust-fly-${c}` }, channel: 'email', category: 'billing', severity: 'P2', description: 'In flight' });
    expect(created.status).toBe(201);
    expect((await call('POST', `/complaints/${created.body.id}/acknowledge`, 'alice', {})).status).toBe(200);
    ids.push(created.body.id as string);
  }
  const sent: { id: string; key: string; acknowledged: boolean }[] = [];
  let sending = true;
  const acknowledged = () => sent.filter((r) => r.acknowledged).length;
  const clientLoop = async (id: string, c: number) => {
    for (let n = 0; sending; n++) {
      const r = { id, key: `fly-${id}-${c}-${n}`, acknowledged: false };
      sent.push(r);
      r.acknowledged = await untilAcknowledged(`/complaints/${id}/add-note`, r.key, { text: `note ${r.key}`, visibility: 'internal' });
    }
  };
  const clients = ids.map((id, c) => clientLoop(id, c));
  await eventually(async () => acknowledged() >= 6, 60_000, 'updates before the fault');
  await fault();
  const before = acknowledged();
  await eventually(async () => acknowledged() >= before + 6, 90_000, 'updates after the fault');
  sending = false;
  await Promise.all(clients);

  expect(sent.filter((r) => !r.acknowledged).map((r) => r.key)).toEqual([]);
  for (const id of ids) {
    const state = await eventually(async () => client.workflow.getHandle(complaintWorkflowId(id)).query(getComplaintQuery).catch(() => null), 60_000, 'workflow state');
    const texts = state.notes.map((n) => n.text);
    const mine = sent.filter((r) => r.id === id);
    for (const r of mine) expect({ key: r.key, times: texts.filter((t) => t === `note ${r.key}`).length }).toEqual({ key: r.key, times: 1 });
    expect(texts).toHaveLength(mine.length);
    // Persistence caught up: one audit event per version, in order, and the read model at that version.
    const doc = await eventually(async () => {
      const d = await models.Complaint.findById(id, { version: 1 }).lean();
      return d && d.version === state.version ? d : null;
    }, 60_000, 'read model at the workflow version');
    expect(doc.version).toBe(state.version);
    const audit = await models.AuditEvent.find({ entityId: id }).sort({ seq: 1 }).lean();
    expect(audit.map((e) => e.seq)).toEqual(Array.from({ length: state.version }, (_, i) => i + 1));
    expect(audit.filter((e) => e.action === 'add_note')).toHaveLength(mine.length);
  }
}

/** POST with an Idempotency-Key, sent again with the same key on 503 or no answer; true once answered 200. */
async function untilAcknowledged(url: string, idempotencyKey: string, body: unknown): Promise<boolean> {
  const giveUpAt = Date.now() + 90_000;
  while (Date.now() < giveUpAt) {
    // A refused connection (a process is down) is retried; an answer is checked against the OpenAPI document.
    const res = await fetch(baseUrl + url, {
      method: 'POST',
      headers: { authorization: `Bearer ${key('alice')}`, 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
      body: JSON.stringify(body),
    }).catch(() => null);
    if (res) assertDocumentedResponse(await observe('POST', baseUrl + url, res));
    if (res?.status === 200) return true;
    if (res && res.status !== 503) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

describe('durability', () => {
  it('given a complaint in progress, when the worker is SIGKILLed and restarted and the Temporal server restarts, then the lifecycle completes with no lost or duplicated records', async () => {
    const created = await call('POST', '/complaints', 'webform', { customer: { id: 'cust-9' }, channel: 'email', category: 'billing', severity: 'P2', description: 'Charged twice' });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await call('POST', `/complaints/${id}/acknowledge`, 'alice', {})).status).toBe(200);
    expect((await call('POST', `/complaints/${id}/add-note`, 'alice', { text: 'Looking into it', visibility: 'public' })).status).toBe(200);

    // Crash the worker. An update sent while no worker runs is accepted by Temporal and waits.
    await worker.kill('SIGKILL');
    expect(isAlive(worker.pid)).toBe(false);
    const handle = client.workflow.getHandle(complaintWorkflowId(id));
    const pending = handle.executeUpdate(complaintUpdates.request_info, { args: [{ actor: { id: 'alice', role: 'agent' }, command: { type: 'request_info', message: 'Which card?' } }] });
    await startWorkerProcess();
    const afterCrash = await pending;
    expect(afterCrash.status).toBe('awaiting_customer');
    expect(afterCrash.version).toBe(4);

    // Restart the Temporal dev server on the same SQLite file and port: the workflow is still there.
    await temporal.stop();
    await startTemporal();
    const survived = await eventually(async () => handle.query(getComplaintQuery).catch(() => null), 60_000, 'query after Temporal restart');
    expect(survived.version).toBe(4);
    expect(survived.status).toBe('awaiting_customer');

    // The lifecycle goes on through the API.
    expect((await eventually(async () => {
      const r = await call('POST', `/complaints/${id}/customer-replied`, 'alice', { message: 'The Visa one' });
      return r.status === 200 ? r : null;
    }, 60_000, 'API reconnected to Temporal')).body.status).toBe('in_progress');
    expect((await call('POST', `/complaints/${id}/resolve`, 'alice', { summary: 'Refunded' })).status).toBe(200);
    const closed = await call('POST', `/complaints/${id}/close`, 'alice', { rating: 5 });
    expect(closed.body.status).toBe('closed');
    expect((await handle.result()).version).toBe(7);

    // Exactly one read-model document at the final version, and one audit event per version.
    const docs = await models.Complaint.find({ _id: id }).lean();
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ status: 'closed', version: 7 });
    const audit = await models.AuditEvent.find({ entityId: id }).sort({ seq: 1 }).lean();
    expect(audit.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(audit.map((e) => e.action)).toEqual(['intake', 'acknowledge', 'add_note', 'request_info', 'customer_replied', 'resolve', 'close']);
    const outbox = await models.Outbox.find({ complaintId: id }).lean();
    expect(outbox.map((o) => o.type)).toEqual(['csat.requested']);
  });

  it('given no worker is running, when a complaint is registered, then its SLA clocks start at receipt, not when a worker picks it up later', async () => {
    await worker.kill('SIGTERM');
    const sentAt = Date.now();
    const created = await call('POST', '/complaints', 'webform', { customer: { id: 'cust-10' }, channel: 'email', category: 'billing', severity: 'P2', description: 'Nobody home' });
    expect(created.status).toBe(201);
    // A real outage has a duration: the gap is what this test is about, so it waits on purpose.
    await new Promise((r) => setTimeout(r, 2_000));
    const restartedAt = Date.now();
    await startWorkerProcess();
    const doc = await eventually(async () => models.Complaint.findById(created.body.id).lean(), 30_000, 'read model after the worker came back');
    const state = storedState<ComplaintState>(doc) as { createdAt: number; sla: { firstResponse: { startedAt: number } } };
    expect(state.createdAt).toBeGreaterThanOrEqual(sentAt);
    expect(state.createdAt).toBeLessThan(restartedAt - 1_500);
    expect(state.sla.firstResponse.startedAt).toBe(state.createdAt);
    expect(new Date(created.body.createdAt).getTime()).toBe(state.createdAt); // the 201 answer agrees
  });

  it('given clients with updates in flight, when the worker is SIGKILLed and restarted at once, then every acknowledged update is applied exactly once', async () => {
    await updatesInFlightThrough(async () => {
      await worker.kill('SIGKILL');
      await startWorkerProcess();
    });
  });

  it('given clients with updates in flight, when the Temporal server is SIGKILLed and restarted, then every acknowledged update is applied exactly once', async () => {
    await updatesInFlightThrough(async () => {
      await temporal.kill();
      await startTemporal();
    });
  });

  it('given the processes this file started, when they are stopped, then none is left running', async () => {
    await worker.kill('SIGTERM');
    await temporal.stop();
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
  });
});
