/**
 * Worker process: runs complaint workflows and their activities. Scale out by
 * starting more of these against the same Temporal namespace and task queue.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { type Config, loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { startTracing } from '../src/observability/tracing';
import { ensureDigestSchedule } from '../src/services/audit-schedule';
import { ensureQualityLoopSchedule } from '../src/services/quality-loop-schedule';
import { ensureReviewSchedule } from '../src/services/review-schedule';
import { runMain } from '../src/main';
import { WORKFLOW_BUNDLE_FILE } from './bundle';

/**
 * The workflow bundle to load: QL_WORKFLOW_BUNDLE, else the one `npm run build` writes next to the
 * compiled tree (dist/workflow-bundle.js, scripts/build.ts). Only a worker run from the TypeScript
 * sources (npm run dev) bundles workflows/ at start; a compiled worker without its bundle is a
 * broken build, so it stops rather than bundle in production.
 */
function workflowBundle(): { path: string; from: string } | undefined {
  if (process.env.QL_WORKFLOW_BUNDLE) return { path: process.env.QL_WORKFLOW_BUNDLE, from: 'QL_WORKFLOW_BUNDLE' };
  const prebuilt = path.resolve(__dirname, '..', WORKFLOW_BUNDLE_FILE);
  if (existsSync(prebuilt)) return { path: prebuilt, from: 'prebuilt by npm run build' };
  if (path.extname(__filename) === '.js') throw new Error(`no prebuilt workflow bundle at ${prebuilt}: build with \`npm run build\`, or set QL_WORKFLOW_BUNDLE`);
  return undefined;
}

/**
 * The SDK's runtime, with its Prometheus exporter when QL_METRICS_PORT is set: the SDK's own
 * metrics (`temporal_*`) and the worker's (worker/run.ts ACTIVITY_METRICS) on
 * `http://QL_METRICS_HOST:QL_METRICS_PORT/metrics`. Logging stays the SDK's default. Installed
 * before the first connection, which would otherwise create the default runtime.
 */
function installRuntime(config: Config): void {
  const { host, port } = config.observability.metrics;
  if (port !== undefined) Runtime.install({ telemetryOptions: { metrics: { prometheus: { bindAddress: `${host}:${port}` } } } });
}

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config, 'worker');
  installRuntime(config);
  if (config.observability.metrics.port !== undefined) log.info({ url: `http://${config.observability.metrics.host}:${config.observability.metrics.port}/metrics` }, 'metrics listening');
  // Before mongoose loads: the MongoDB instrumentation patches the driver as it loads.
  const tracing = await startTracing(config, 'qualityloop-worker');
  const [{ connectDatabase }, { backfillComplaintRows }, { backfillComplaintFacts }, { createWorker }] = await Promise.all([
    import('../src/db/models'),
    import('../src/db/complaint-rows'),
    import('../src/db/kpi-rollups'),
    import('./run'),
  ]);
  const bundle = workflowBundle();
  if (bundle) log.info({ workflowBundle: bundle.path, from: bundle.from }, 'workflow bundle: loading the prebuilt file');
  else log.info('workflow bundle: bundling workflows/ at start (run from the sources)');
  const models = await connectDatabase(config.mongo.uri);
  const backfill = await backfillComplaintRows(models);
  if (backfill.inserted > 0) log.info(backfill, 'complaint list rows backfilled (store written by an older version)');
  const facts = await backfillComplaintFacts(models);
  if (facts.inserted > 0) log.info(facts, 'complaint KPI facts backfilled and rolled up (store written by an older version)');
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const worker = await createWorker({ config, models, connection, workflowBundlePath: bundle?.path, tracing });
  // Poll first: a replacement worker takes over in-flight requests as soon as it can.
  // Worker.run() handles SIGINT/SIGTERM: it stops polling, asks Temporal to drop this worker's
  // sticky queue and lets running tasks finish (worker/run.ts, RECOVERY).
  const running = worker.run();
  running.catch(() => undefined); // handled by the `await running` below; not an unhandled rejection meanwhile
  log.info({ taskQueue: config.temporal.taskQueue, namespace: config.temporal.namespace }, 'worker started');
  try {
    const clientConnection = await Connection.connect({ address: config.temporal.address });
    await ensureDigestSchedule(new Client({ connection: clientConnection, namespace: config.temporal.namespace }), config);
    await clientConnection.close();
    log.info({ everyMinutes: config.audit.digestIntervalMinutes, signing: !!config.audit.signingKey }, 'audit digest schedule ensured');
    // Quality reviews: daily, creating the reviews of the periods that ended (src/services/review-schedule.ts).
    const reviewConnection = await Connection.connect({ address: config.temporal.address });
    await ensureReviewSchedule(new Client({ connection: reviewConnection, namespace: config.temporal.namespace }), config);
    await reviewConnection.close();
    log.info('quality review schedule ensured (daily)');
    // The quality loop: evaluates the improvement triggers (src/services/quality-loop-schedule.ts).
    const loopConnection = await Connection.connect({ address: config.temporal.address });
    await ensureQualityLoopSchedule(new Client({ connection: loopConnection, namespace: config.temporal.namespace }), config);
    await loopConnection.close();
    log.info({ everyMinutes: config.loop.triggerIntervalMinutes, offsetMinutes: config.loop.triggerOffsetMinutes }, 'quality loop schedule ensured');
  } catch (err) {
    worker.shutdown();
    await running.catch(() => undefined);
    throw err;
  }
  await running;
  await connection.close();
  await models.connection.close();
  await tracing.shutdown();
  log.info('worker stopped');
}

runMain(main);
