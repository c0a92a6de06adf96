/**
 * Test helpers over the real infrastructure started by test/setup/global-setup.ts.
 * Each test file gets its own database and task queue, so files run in
 * parallel without seeing each other's data.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { registerSearchAttributes } from '../../infra/launch';
import { NativeConnection, Runtime, type Worker, DefaultLogger } from '@temporalio/worker';
import { type Config, configSchema } from '../../src/config';
import { connectDatabase, type Models } from '../../src/db/models';
import { createWorker } from '../../worker/run';

let runtimeQuieted = false;
/** Keeps the SDK's own info logs out of the test output (warnings still show). */
export function quietRuntime(): void {
  if (runtimeQuieted) return;
  runtimeQuieted = true;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // already installed by an earlier call in this worker process
  }
}

export function uniqueId(prefix: string): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

export function requireEnv(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the tests through jest (global setup starts the infrastructure)`);
  return v;
}

let testSigningKey: string | undefined;
/** One Ed25519 key per test process (PKCS#8 DER, base64), like QL_AUDIT_SIGNING_KEY. */
export function auditSigningKey(): string {
  testSigningKey ??= generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
  return testSigningKey;
}

export function testConfig(overrides: { taskQueue?: string; webhookUrls?: string[]; database?: string; temporalAddress?: string } = {}): Config {
  return configSchema.parse({
    temporal: { address: overrides.temporalAddress ?? requireEnv('QL_TEST_TEMPORAL_ADDRESS'), namespace: 'default', taskQueue: overrides.taskQueue ?? uniqueId('tq') },
    mongo: { uri: `${requireEnv('QL_TEST_MONGO_URI')}/${overrides.database ?? uniqueId('ql').replace(/-/g, '_')}` },
    // Tests send hundreds of requests per key in seconds; the rate-limit test builds its own limiter.
    api: { port: 0, host: '127.0.0.1', rateLimit: { perMinute: 1_000_000, burst: 1_000_000 } },
    logLevel: 'silent',
    secrets: { apiKeyPepper: 'test-pepper-0123456789', webhookSecret: 'test-webhook-secret-0123' },
    notifications: { webhookUrls: (overrides.webhookUrls ?? []).join(',') },
    audit: { signingKey: auditSigningKey(), digestIntervalMinutes: 60 },
  });
}

export async function openTestDb(config: Config): Promise<Models & { drop(): Promise<void> }> {
  const models = await connectDatabase(config.mongo.uri);
  return Object.assign(models, {
    drop: async () => {
      await models.connection.dropDatabase();
      await models.connection.close();
    },
  });
}

/** Time-skipping test server (from scripts/provision.sh: the PyPI wheel, or Maven Central as fallback) with our custom search attributes registered. */
export async function startTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  quietRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: requireEnv('QL_TEST_TIME_SKIPPING_SERVER') } },
  });
  await registerSearchAttributes(env.connection);
  return env;
}

export async function startWorker(opts: { config: Config; models: Models; connection: NativeConnection }): Promise<Worker> {
  quietRuntime();
  return createWorker({ ...opts, workflowBundlePath: requireEnv('QL_TEST_WORKFLOW_BUNDLE') });
}

export interface WebhookDelivery {
  id: string;
  type: string;
  complaintId: string;
  /** Set instead of complaintId on messages about an improvement cycle. */
  cycleId?: string;
  recipients: { userIds: string[]; roles: string[] };
  data: Record<string, unknown>;
  headers: http.IncomingHttpHeaders;
}

/** A real HTTP receiver for webhook notifications; `failFirst` answers 503 to the first n requests. */
export async function startWebhookReceiver(opts: { failFirst?: number } = {}) {
  const deliveries: WebhookDelivery[] = [];
  let failuresLeft = opts.failFirst ?? 0;
  let requests = 0;
  const waiters: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      requests++;
      if (failuresLeft > 0) {
        failuresLeft--;
        res.writeHead(503).end();
        return;
      }
      deliveries.push({ ...JSON.parse(body), headers: req.headers });
      res.writeHead(204).end();
      waiters.splice(0).forEach((w) => w());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    url,
    deliveries,
    requests: () => requests,
    /** Resolves once a delivery matching `pred` has arrived. */
    async waitFor(pred: (d: WebhookDelivery) => boolean, timeoutMs = 30_000): Promise<WebhookDelivery> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = deliveries.find(pred);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching webhook delivery within ${timeoutMs} ms; got ${deliveries.map((d) => d.type).join(', ')}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 200);
        });
      }
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Polls until `fn` returns a truthy value (for eventually-consistent reads), without fixed sleeps in tests. */
export async function eventually<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
