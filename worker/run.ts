import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { Config } from '../src/config';
import type { Models } from '../src/db/models';
import { digestSigner } from '../src/services/audit-keys';

/**
 * Creates the qualityloop worker. Workflow code comes either from a prebuilt
 * bundle (tests, fast restarts) or is bundled from `workflows/` at start-up.
 */
export async function createWorker(opts: {
  config: Config;
  models: Models;
  connection: NativeConnection;
  workflowBundlePath?: string;
  taskQueue?: string;
  extra?: Partial<WorkerOptions>;
}): Promise<Worker> {
  const { config, models, connection } = opts;
  return Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: opts.taskQueue ?? config.temporal.taskQueue,
    ...(opts.workflowBundlePath
      ? { workflowBundle: { codePath: opts.workflowBundlePath } }
      : { workflowsPath: require.resolve('../workflows') }),
    ...(config.worker.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: config.worker.maxCachedWorkflows } : {}),
    activities: createActivities({
      models,
      webhookUrls: config.notifications.webhookUrls,
      webhookSecret: config.secrets.webhookSecret,
      signer: digestSigner(config),
    }),
    ...opts.extra,
  });
}
