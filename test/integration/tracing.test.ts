/**
 * Traces across HTTP request -> Temporal start/update -> workflow -> activity
 * -> MongoDB. The API and the worker run as child processes (their entry
 * points, as production runs them: the instrumentations patch modules as
 * they load) with QL_OTLP_ENDPOINT pointing at a real OTLP/HTTP receiver in
 * this test. With the endpoint unset, nothing is traced or sent.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { trace } from '@opentelemetry/api';
import { Client, Connection } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import type { Config } from '../../src/config';
import { COMPLAINT_WORKFLOW, complaintWorkflowId } from '../../src/contracts/complaint';
import { seedDemoData } from '../../src/db/seed';
import { REQUEST_ID_ATTRIBUTE, startTracing } from '../../src/observability/tracing';
import { type Keys, demoKeys } from '../helpers/api';
import { type ApiProcess, type WorkerProcess, spawnApi, spawnWorker, deleteSchedulesOn } from '../helpers/processes';
import { eventually, openTestDb, quietRuntime, requireEnv, testConfig } from '../helpers/stack';

/** One span as the OTLP/HTTP JSON exporter sends it, with the service that sent it. */
interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}

/** OTLP's SPAN_KIND_SERVER (Temporal's spans are INTERNAL). */
const SPAN_KIND_SERVER = 2;

/** A real OTLP/HTTP collector endpoint: accepts POST /v1/traces (JSON, gzip or not) and keeps the spans. */
async function startOtlpReceiver() {
  const spans: ReceivedSpan[] = [];
  let requests = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests++;
      if (req.method !== 'POST' || req.url !== '/v1/traces') return void res.writeHead(404).end();
      const raw = Buffer.concat(chunks);
      const body = JSON.parse((req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8'));
      for (const rs of body.resourceSpans ?? []) {
        const service = attributesOf(rs.resource?.attributes)['service.name'] as string;
        for (const ss of rs.scopeSpans ?? []) {
          for (const s of ss.spans ?? []) {
            spans.push({ service, traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId || undefined, name: s.name, kind: s.kind, attributes: attributesOf(s.attributes) });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    requests: () => requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** OTLP JSON key/value list -> plain object (string, int, double and bool values). */
function attributesOf(list: { key: string; value: Record<string, unknown> }[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, value } of list ?? []) out[key] = value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : undefined) ?? value.doubleValue ?? value.boolValue;
  return out;
}

/** The chain of spans from `span` up to its trace's root, through parent ids (all received). */
function ancestry(spans: ReceivedSpan[], span: ReceivedSpan): ReceivedSpan[] {
  const chain = [span];
  for (let s = span; s.parentSpanId; ) {
    const parent = spans.find((p) => p.traceId === s.traceId && p.spanId === s.parentSpanId);
    if (!parent) break;
    chain.push(parent);
    s = parent;
  }
  return chain;
}

const isMongo = (s: ReceivedSpan) => s.attributes['db.system'] === 'mongodb' || s.attributes['db.system.name'] === 'mongodb';

/** Fresh database seeded with the demo users; the API and worker processes run on `config`. */
async function startProcesses(config: Config): Promise<{ api: ApiProcess; worker: WorkerProcess; stop(): Promise<void> }> {
  const api = await spawnApi(config);
  const worker = spawnWorker(config);
  try {
    await Promise.all([api.ready, worker.ready]);
  } catch (err) {
    await Promise.all([api.kill('SIGKILL'), worker.kill('SIGKILL')]);
    throw err;
  }
  return {
    api,
    worker,
    // SIGTERM: both flush their buffered spans on the way out.
    stop: async () => {
      await Promise.all([api.kill('SIGTERM'), worker.kill('SIGTERM')]);
    },
  };
}

async function post(baseUrl: string, path: string, key: string, requestId: string, body: unknown, extra: Record<string, string> = {}) {
  const res = await fetch(baseUrl + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'x-request-id': requestId, ...extra },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, requestId: res.headers.get('x-request-id') };
}

/** Intake, acknowledge, resolve and close over HTTP, each with its own request id; returns the complaint id. */
async function lifecycle(baseUrl: string, keys: Keys, requestIds: { intake: string; acknowledge: string }): Promise<string> {
  const created = await post(baseUrl, '/complaints', keys.intake, requestIds.intake, { customer: { id: 'cust-trace' }, channel: 'email', category: 'billing', severity: 'P2', description: 'Charged twice' }, {
    'idempotency-key': `trace-${randomBytes(6).toString('hex')}`,
  });
  expect(created).toMatchObject({ status: 201, requestId: requestIds.intake });
  const id = created.body.id as string;
  expect((await post(baseUrl, `/complaints/${id}/acknowledge`, keys.alice!, requestIds.acknowledge, {})).status).toBe(200);
  expect((await post(baseUrl, `/complaints/${id}/resolve`, keys.alice!, `trace-resolve-${id}`, { summary: 'Refunded' })).status).toBe(200);
  // Closing ends the workflow: its RunWorkflow span ends and is exported.
  expect((await post(baseUrl, `/complaints/${id}/close`, keys.alice!, `trace-close-${id}`, { rating: 5 })).status).toBe(200);
  return id;
}

let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
let temporal: { connection: Connection; client: Client };
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  const connection = await Connection.connect({ address: requireEnv('QL_TEST_TEMPORAL_ADDRESS') });
  temporal = { connection, client: new Client({ connection, namespace: 'default' }) };
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await temporal?.connection.close();
  await receiver?.close();
});

/** A config on a fresh database (demo users seeded) and task queue; dropped after the file. */
async function freshConfig(otlpEndpoint: string | undefined): Promise<Config> {
  const base = testConfig();
  const config: Config = { ...base, observability: { ...base.observability, otlpEndpoint } };
  const models = await openTestDb(config);
  await seedDemoData(models, config.secrets.apiKeyPepper);
  cleanups.push(async () => {
    await deleteSchedulesOn(temporal.client, config.temporal.taskQueue);
    await models.drop();
  });
  return config;
}

/** The worker process points the (shared, fixed-id) Schedules at its task queue: remove them with it. */

describe('tracing with an OTLP endpoint', () => {
  const keys = demoKeys();
  const requestIds = { intake: `trace-intake-${randomBytes(4).toString('hex')}`, acknowledge: `trace-ack-${randomBytes(4).toString('hex')}` };
  let complaintId: string;
  let spans: ReceivedSpan[];

  beforeAll(async () => {
    const config = await freshConfig(receiver.url);
    const processes = await startProcesses(config);
    cleanups.push(() => processes.stop());
    complaintId = await lifecycle(processes.api.baseUrl, keys, requestIds);
    // Spans leave in batches (every 5 s by default): wait for the workflow's own span, which ends last.
    await eventually(async () => receiver.spans.some((s) => s.name === `RunWorkflow:${COMPLAINT_WORKFLOW}`), 60_000, 'the workflow span');
    await processes.stop(); // flushes what is still buffered
    spans = receiver.spans;
  }, 180_000);

  function serverSpan(requestId: string): ReceivedSpan {
    const found = spans.filter((s) => s.kind === SPAN_KIND_SERVER && s.attributes[REQUEST_ID_ATTRIBUTE] === requestId);
    expect(found).toHaveLength(1);
    expect(found[0]!.service).toBe('qualityloop-api');
    return found[0]!;
  }

  it('given a complaint taken in over HTTP with an x-request-id, when traced, then one trace runs from the HTTP server span through the workflow start, the workflow and its activities to MongoDB', () => {
    const root = serverSpan(requestIds.intake);
    expect(root.parentSpanId).toBeUndefined();
    expect(root.attributes['http.route']).toBe('/complaints');
    const inTrace = spans.filter((s) => s.traceId === root.traceId);
    const reachesRoot = (s: ReceivedSpan) => ancestry(spans, s).at(-1) === root;

    const start = inTrace.find((s) => s.name === `StartWorkflow:${COMPLAINT_WORKFLOW}`);
    expect(start).toMatchObject({ service: 'qualityloop-api' });
    expect(reachesRoot(start!)).toBe(true);

    const run = inTrace.find((s) => s.name === `RunWorkflow:${COMPLAINT_WORKFLOW}`);
    expect(run).toMatchObject({ service: 'qualityloop-worker', parentSpanId: start!.spanId });
    expect(run!.attributes.temporalWorkflowId).toBe(complaintWorkflowId(complaintId));

    // The first persistence of the complaint: scheduled by the workflow, run by the worker, writing to MongoDB.
    const activity = inTrace.find((s) => s.name === 'RunActivity:recordTransitions');
    expect(activity).toMatchObject({ service: 'qualityloop-worker' });
    expect(ancestry(spans, activity!)).toContain(run);
    const writes = inTrace.filter((s) => isMongo(s) && s.parentSpanId === activity!.spanId);
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.every((s) => s.service === 'qualityloop-worker' && reachesRoot(s))).toBe(true);

    // The API's own reads and writes are in the same trace, under the request.
    expect(inTrace.some((s) => isMongo(s) && s.service === 'qualityloop-api' && reachesRoot(s))).toBe(true);
  });

  it('given an acknowledgement over HTTP, when traced, then its trace runs from the HTTP server span through the update and its handler to the persistence activity and MongoDB', () => {
    const root = serverSpan(requestIds.acknowledge);
    expect(root.attributes['http.route']).toBe('/complaints/:id/acknowledge');
    const inTrace = spans.filter((s) => s.traceId === root.traceId);
    const update = inTrace.find((s) => s.name === 'StartWorkflowUpdate:acknowledge');
    expect(update).toMatchObject({ service: 'qualityloop-api' });
    const handler = inTrace.find((s) => s.name === 'HandleUpdate:acknowledge');
    expect(handler).toMatchObject({ service: 'qualityloop-worker', parentSpanId: update!.spanId });
    const activity = inTrace.find((s) => s.name === 'RunActivity:recordTransitions');
    expect(ancestry(spans, activity!)).toEqual(expect.arrayContaining([handler, update, root]));
    expect(inTrace.some((s) => isMongo(s) && s.parentSpanId === activity!.spanId)).toBe(true);
  });

  it('given a traced complaint workflow, when its history is replayed on the workflow bundle, then it replays deterministically', async () => {
    quietRuntime();
    const history = await temporal.client.workflow.getHandle(complaintWorkflowId(complaintId)).fetchHistory();
    // The start carried the trace context: this run took the traced path.
    expect(Object.keys(history.events![0]!.workflowExecutionStartedEventAttributes!.header?.fields ?? {})).toContain('_tracer-data');
    // With the sinks every worker registers (tracing off here: the no-op exporter).
    const { workflowSinks } = await startTracing(testConfig(), 'qualityloop-worker');
    await expect(
      Worker.runReplayHistory({ workflowBundle: { codePath: requireEnv('QL_TEST_WORKFLOW_BUNDLE') }, sinks: workflowSinks }, history, complaintWorkflowId(complaintId)),
    ).resolves.toBeUndefined();
  });
});

describe('tracing without an OTLP endpoint', () => {
  it('given no endpoint, when tracing is asked to start, then nothing is started even with the standard OTEL_ variables set: no interceptors, no recording spans', async () => {
    const saved = { ...process.env };
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url;
    process.env.OTEL_TRACES_EXPORTER = 'otlp';
    try {
      const tracing = await startTracing(testConfig(), 'qualityloop-api');
      expect(tracing.enabled).toBe(false);
      expect(tracing.clientInterceptors).toEqual([]);
      expect(tracing.activityInterceptors).toEqual([]);
      const span = trace.getTracer('check').startSpan('check');
      expect(span.isRecording()).toBe(false);
      span.end();
      await tracing.shutdown();
    } finally {
      process.env = saved;
    }
  });

  it('given the API and worker processes without an endpoint, when a complaint goes through its lifecycle, then no span is sent and the workflow start carries no trace context', async () => {
    const before = receiver.requests();
    const config = await freshConfig(undefined);
    const processes = await startProcesses(config);
    cleanups.push(() => processes.stop());
    const id = await lifecycle(processes.api.baseUrl, demoKeys(), { intake: 'untraced-intake', acknowledge: 'untraced-ack' });
    await processes.stop(); // a process that traced would flush its spans now
    expect(receiver.requests()).toBe(before);
    const history = await temporal.client.workflow.getHandle(complaintWorkflowId(id)).fetchHistory();
    expect(Object.keys(history.events![0]!.workflowExecutionStartedEventAttributes!.header?.fields ?? {})).not.toContain('_tracer-data');
  }, 120_000);
});
