/**
 * Worker process: runs complaint workflows and their activities. Scale out by
 * starting more of these against the same Temporal namespace and task queue.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../src/config';
import { connectDatabase } from '../src/db/models';
import { backfillComplaintRows } from '../src/db/complaint-rows';
import { backfillComplaintFacts } from '../src/db/kpi-rollups';
import { createLogger } from '../src/logger';
import { ensureDigestSchedule } from '../src/services/audit-schedule';
import { ensureQualityLoopSchedule } from '../src/services/quality-loop-schedule';
import { ensureReviewSchedule } from '../src/services/review-schedule';
import { createWorker } from './run';
import { runMain } from '../src/main';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config, 'worker');
  const models = await connectDatabase(config.mongo.uri);
  const backfill = await backfillComplaintRows(models);
  if (backfill.inserted > 0) log.info(backfill, 'complaint list rows backfilled (store written by an older version)');
  const facts = await backfillComplaintFacts(models);
  if (facts.inserted > 0) log.info(facts, 'complaint KPI facts backfilled and rolled up (store written by an older version)');
  const connection = await NativeConnection.connect({ address: config.temporal.address });
  const worker = await createWorker({ config, models, connection, workflowBundlePath: process.env.QL_WORKFLOW_BUNDLE || undefined });
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
  log.info('worker stopped');
}

runMain(main);
