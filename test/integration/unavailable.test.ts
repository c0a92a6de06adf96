/**
 * When Temporal or the database goes away, the API answers 503 problem+json
 * quickly instead of hanging, and /readyz says which dependency is down.
 * Uses its own FerretDB and Temporal dev server so it can stop them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import { createApp } from '../../src/api/app';
import { configSchema } from '../../src/config';
import { connectDatabase, type Models } from '../../src/db/models';
import { DEMO_USERS, seedDemoData } from '../../src/db/seed';
import { type FerretDb, type TemporalDevServer, startFerretDb, startTemporalDevServer } from '../../infra/launch';
import { validatedFetch } from '../helpers/openapi-validation';

const intakeKey = DEMO_USERS.find((u) => u.role === 'intake')!.key;
const agentKey = DEMO_USERS.find((u) => u.role === 'agent')!.key;

let ferret: FerretDb;
let temporal: TemporalDevServer;
let models: Models;
let connection: Connection;
let server: import('node:http').Server;
let baseUrl: string;
/** The servers' data and logs, removed after the run (passed or failed). */
let dir: string | undefined;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ql-unavailable-'));
  [ferret, temporal] = await Promise.all([
    startFerretDb({ dataDir: path.join(dir, 'ferretdb'), logFile: path.join(dir, 'ferretdb.log') }),
    startTemporalDevServer({ logFile: path.join(dir, 'temporal.log'), headless: true }),
  ]);
  const config = configSchema.parse({
    temporal: { address: temporal.address, taskQueue: 'unavailable' },
    mongo: { uri: `${ferret.uri}/ql_unavailable` },
    api: {},
    logLevel: 'silent',
    secrets: { apiKeyPepper: 'test-pepper-0123456789', webhookSecret: 'test-webhook-secret-0123' },
    notifications: {},
  });
  models = await connectDatabase(config.mongo.uri, { serverSelectionTimeoutMS: 1500 });
  await seedDemoData(models, config.secrets.apiKeyPepper);
  // Without the SDK's gRPC retry interceptor: the 503 comes from the API's own deadline either way,
  // and a retry timer still pending when the server is gone would fire after teardown.
  connection = await Connection.connect({ address: temporal.address, interceptors: [] });
  const app = createApp({ config, models, client: new Client({ connection }), log: pino({ level: 'silent' }) });
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  try {
    await new Promise((r) => server?.close(r));
    await connection?.close();
    await models?.connection.close();
    await temporal?.stop();
    await ferret?.stop();
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
});

const intake = (key: string) =>
  validatedFetch(`${baseUrl}/complaints`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ customer: { id: 'c1' }, channel: 'email', category: 'billing', severity: 'P3', description: 'x' }),
  });

describe('unavailable dependencies', () => {
  it('given both dependencies up, then /readyz is 200 and intake works', async () => {
    expect((await validatedFetch(`${baseUrl}/readyz`)).status).toBe(200);
    expect((await intake(intakeKey)).status).toBe(201);
  });

  it('given the Temporal server is down, when a complaint is registered, then the API answers 503 problem+json within the deadline and /readyz names temporal', async () => {
    await temporal.stop();
    const started = Date.now();
    const res = await intake(intakeKey);
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.headers.get('retry-after')).toBe('5');
    // Bounded by the 10 s Temporal deadline (a hang would run into the 120 s test timeout); loose for loaded CI.
    expect(Date.now() - started).toBeLessThan(30_000);
    const ready = await validatedFetch(`${baseUrl}/readyz`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { checks: Record<string, string> };
    expect(body.checks.mongo).toBe('ok');
    expect(body.checks.temporal).not.toBe('ok');
  });

  it('given the database is down too, when the queue is read, then 503 problem+json', async () => {
    await ferret.stop();
    const res = await validatedFetch(`${baseUrl}/complaints`, { headers: { authorization: `Bearer ${agentKey}` } });
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const ready = (await (await validatedFetch(`${baseUrl}/readyz`)).json()) as { checks: Record<string, string> };
    expect(ready.checks.mongo).not.toBe('ok');
  });
});
