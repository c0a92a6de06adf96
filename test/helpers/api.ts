/**
 * The whole API stack for integration tests: a real Worker on the shared
 * Temporal dev server, the Express app on a free port, and a fresh database
 * seeded with the demo users (one fixed API key per user) and, by default,
 * the demo calendars and SLA policies. Every call gets its own database and
 * task queue (see testConfig), so test files never see each other's data.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import pino from 'pino';
import { createApp } from '../../src/api/app';
import { issueApiKey } from '../../src/api/auth';
import type { Config } from '../../src/config';
import type { Models } from '../../src/db/models';
import { DEMO_USERS, seedDemoData } from '../../src/db/seed';
import { assertDocumentedResponse } from './openapi-validation';
import { openTestDb, quietRuntime, startWorker, testConfig } from './stack';

export interface CallOptions {
  /** API key, sent as `Authorization: Bearer <key>`. */
  key?: string;
  /** Serialised as JSON with `content-type: application/json`. */
  body?: unknown;
  /** Sent as is (content-type application/json unless `headers` says otherwise). */
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
}

export interface CallResult<T = any> {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** Parsed JSON when the response is JSON (application/json or application/problem+json), else the text. */
  body: T;
  text: string;
}

/** API keys by user id (alice, bob, sam, ada, audrey, webform) and by role (first demo user of that role). */
export type Keys = Record<string, string> & { agent: string; supervisor: string; process_owner: string; sponsor: string; admin: string; auditor: string; intake: string };

export function demoKeys(): Keys {
  const keys: Record<string, string> = {};
  for (const u of DEMO_USERS) {
    keys[u.id] = u.key;
    keys[u.role] ??= u.key;
  }
  return keys as Keys;
}

export interface ApiStack {
  baseUrl: string;
  config: Config;
  models: Models;
  client: Client;
  keys: Keys;
  call<T = any>(method: string, path: string, opts?: CallOptions): Promise<CallResult<T>>;
  /** Number of workflow executions ever started on this stack's task queue (Temporal visibility). */
  workflowCount(): Promise<number>;
  stop(): Promise<void>;
}

export interface StartApiStackOptions {
  webhookUrls?: string[];
  /** 'demo' (default): demo calendars, policies and users; or a function seeding the catalog (demo users are always seeded). */
  seed?: 'demo' | ((models: Models) => Promise<void>);
  /** Changes to the test config before anything starts (mail, link limits...): the API and the worker both get the result. */
  configure?: (config: Config) => Config;
  /**
   * Name the stack's real address as its public URL (QL_PUBLIC_URL), known only once it listens, so
   * customer links point at it. Off by default: OIDC tests register the request's own host as redirect.
   */
  publicUrlIsServer?: boolean;
  /** Run a Worker in this process (default true); false when the test runs its own worker processes on the stack's task queue. */
  worker?: boolean;
}

function requestWithBody(url: string, method: string, headers: Record<string, string>, payload: Buffer): Promise<{ status: number; headers: Record<string, string>; text: string }> {
  // fetch refuses a body on GET/HEAD; the API must still cope with one, so those go through node:http.
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: { ...headers, 'content-length': String(payload.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
        resolve({ status: res.statusCode ?? 0, headers: out, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

export async function startApiStack(opts: StartApiStackOptions = {}): Promise<ApiStack> {
  const baseConfig = testConfig({ webhookUrls: opts.webhookUrls });
  const config = opts.configure ? opts.configure(baseConfig) : baseConfig;
  const models = await openTestDb(config);
  if (opts.seed === undefined || opts.seed === 'demo') {
    await seedDemoData(models, config.secrets.apiKeyPepper);
  } else {
    await opts.seed(models);
    await seedUsersOnly(models, config.secrets.apiKeyPepper);
  }

  let inProcess: { worker: Worker; running: Promise<void>; nativeConnection: NativeConnection } | undefined;
  if (opts.worker !== false) {
    quietRuntime();
    const nativeConnection = await NativeConnection.connect({ address: config.temporal.address });
    const worker: Worker = await startWorker({ config, models, connection: nativeConnection });
    inProcess = { worker, running: worker.run(), nativeConnection };
  }

  const connection = await Connection.connect({ address: config.temporal.address });
  const client = new Client({ connection, namespace: config.temporal.namespace });
  const app = createApp({ config, models, client, log: pino({ level: 'silent' }) });
  const server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The worker and the API hold this same config object, so both see it.
  if (opts.publicUrlIsServer) config.api.publicUrl = baseUrl;

  async function call<T = any>(method: string, path: string, o: CallOptions = {}): Promise<CallResult<T>> {
    const headers: Record<string, string> = {};
    let payload: Buffer | undefined;
    if (o.rawBody !== undefined) {
      payload = Buffer.isBuffer(o.rawBody) ? o.rawBody : Buffer.from(o.rawBody, 'utf8');
      headers['content-type'] = 'application/json';
    } else if (o.body !== undefined) {
      payload = Buffer.from(JSON.stringify(o.body), 'utf8');
      headers['content-type'] = 'application/json';
    }
    if (o.key !== undefined) headers.authorization = `Bearer ${o.key}`;
    Object.assign(headers, o.headers ?? {});
    const url = baseUrl + path;
    let status: number;
    let text: string;
    let outHeaders: Record<string, string>;
    if (payload !== undefined && (method.toUpperCase() === 'GET' || method.toUpperCase() === 'HEAD')) {
      ({ status, headers: outHeaders, text } = await requestWithBody(url, method.toUpperCase(), headers, payload));
    } else {
      const res = await fetch(url, { method: method.toUpperCase(), headers, body: payload });
      status = res.status;
      text = await res.text();
      outHeaders = {};
      res.headers.forEach((v, k) => (outHeaders[k] = v));
    }
    const ct = outHeaders['content-type'] ?? '';
    let body: unknown = text;
    if (/^application\/(problem\+)?json/.test(ct) && text.length > 0) body = JSON.parse(text);
    // Every answer a test receives must be one the OpenAPI document allows (test/helpers/openapi-validation.ts).
    assertDocumentedResponse({ method, path, status, headers: outHeaders, body });
    return { status, headers: outHeaders, body: body as T, text };
  }

  async function workflowCount(): Promise<number> {
    const { count } = await client.workflow.count(`TaskQueue = '${config.temporal.taskQueue}'`);
    return count;
  }

  let stopped = false;
  async function stop(): Promise<void> {
    if (stopped) return;
    stopped = true;
    await new Promise<void>((r) => {
      server.close(() => r());
      server.closeAllConnections();
    });
    if (inProcess) {
      inProcess.worker.shutdown();
      await inProcess.running;
    }
    await connection.close();
    await inProcess?.nativeConnection.close();
    await models.drop();
  }

  return { baseUrl, config, models, client, keys: demoKeys(), call, workflowCount, stop };
}

async function seedUsersOnly(models: Models, pepper: string): Promise<void> {
  for (const u of DEMO_USERS) {
    await models.User.updateOne({ _id: u.id }, { $setOnInsert: { name: u.name, role: u.role, createdAt: new Date() } }, { upsert: true });
    await issueApiKey(models, pepper, u.id, { key: u.key });
  }
}

/** Document counts of every collection a request could write to. */
export async function collectionCounts(models: Models): Promise<Record<string, number>> {
  const [complaints, auditEvents, outbox, slaPolicies, calendars, cycles, cycleMeasurements, users, apiKeys] = await Promise.all([
    models.Complaint.countDocuments({}),
    models.AuditEvent.countDocuments({}),
    models.Outbox.countDocuments({}),
    models.SlaPolicy.countDocuments({}),
    models.Calendar.countDocuments({}),
    models.Cycle.countDocuments({}),
    models.CycleMeasurement.countDocuments({}),
    models.User.countDocuments({}),
    models.ApiKey.countDocuments({}),
  ]);
  const [serviceAreas, serviceVolumes] = await Promise.all([models.ServiceArea.countDocuments({}), models.ServiceVolume.countDocuments({})]);
  const voice = await Promise.all(
    (['Customer', 'CustomerLink', 'FollowUp', 'SurveyDefinition', 'SurveyCampaign', 'SurveyInvitation', 'SurveyResponse', 'SurveyResult', 'SurveyFact'] as const).map(
      async (name) => [models[name].collection.collectionName, await models[name].countDocuments({})] as const,
    ),
  );
  return {
    complaints,
    audit_events: auditEvents,
    outbox,
    sla_policies: slaPolicies,
    calendars,
    cycles,
    cycle_measurements: cycleMeasurements,
    users,
    api_keys: apiKeys,
    service_areas: serviceAreas,
    service_volumes: serviceVolumes,
    ...Object.fromEntries(voice),
  };
}

export interface RawDelivery {
  headers: http.IncomingHttpHeaders;
  /** The body exactly as received (what the signature covers). */
  raw: string;
  json: { id: string; type: string; complaintId: string; recipients: { userIds: string[]; roles: string[] }; data: Record<string, unknown>; createdAt: string };
}

/** A webhook receiver that keeps the raw body, so tests can verify the HMAC signature byte for byte. */
export async function startRawWebhookReceiver() {
  const deliveries: RawDelivery[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      deliveries.push({ headers: req.headers, raw, json: JSON.parse(raw) as RawDelivery['json'] });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    url,
    deliveries,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

export function webhookSignature(secret: string, raw: string): string {
  return `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
}

/** An RFC 9457 problem as the API sends it (domain details such as `missing` ride along). */
export type Problem = { type: string; title: string; status: number; detail?: string; instance?: string; code?: string; errors?: { path: string; message: string }[]; missing?: string[] };

/** Asserts a problem+json answer with `status` and, when given, `code` (whose type URI derives from it). */
export function expectProblem(res: CallResult<Problem>, status: number, code?: string): void {
  expect({ status: res.status, body: res.body }).toEqual({ status, body: expect.anything() });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toEqual(expect.objectContaining({ type: expect.any(String), title: expect.any(String), status }));
  expect(res.body.type.length).toBeGreaterThan(0);
  if (code) {
    expect(res.body.code).toBe(code);
    expect(res.body.type).toBe(`https://qualityloop.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`);
  }
}

/** The field paths a validation problem names. */
export const errorPaths = (res: CallResult<Problem>): string[] => (res.body.errors ?? []).map((e) => e.path);

/**
 * A sender for requests that must be rejected: each call checks the problem
 * and that `snapshot` (everything the request could change) is unchanged.
 */
export function rejectionChecker(stack: () => ApiStack, snapshot: () => Promise<unknown>) {
  return async (method: string, path: string, opts: CallOptions, status: number, code?: string): Promise<CallResult<Problem>> => {
    const before = await snapshot();
    const res = await stack().call<Problem>(method, path, opts);
    expectProblem(res, status, code);
    expect(await snapshot()).toEqual(before);
    return res;
  };
}
