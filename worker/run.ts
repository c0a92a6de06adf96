import type { Context } from '@temporalio/activity';
import { type ActivityExecuteInput, type ActivityInboundCallsInterceptor, NativeConnection, type Next, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { Config } from '../src/config';
import type { Models } from '../src/db/models';
import { digestSigner } from '../src/services/audit-keys';

/**
 * How the worker behaves when a process dies (docs/decisions.md, "Recovery
 * after a crash"). Temporal only learns that a worker is gone from timeouts,
 * so each timeout that a request can wait on is kept short:
 * - sticky queue: `config.worker.stickyQueueTimeoutMs` (see src/config);
 * - workflow task: set per workflow at start (`config.temporal.workflowTaskTimeoutMs`);
 * - activity: the persistence activity has a heartbeat timeout
 *   (workflows/persistence.ts) and every activity that has one heartbeats
 *   while it runs (below), so an attempt held by a dead worker is retried
 *   within that timeout instead of its 30 s start-to-close timeout.
 */
export const RECOVERY = {
  /** Heartbeats are sent at most this often (SDK default: 80% of the heartbeat timeout, up to 60 s). */
  maxHeartbeatThrottleInterval: '1 second',
  /**
   * On SIGTERM the worker stops polling, asks Temporal to drop its sticky
   * queue (the dev server, Server 1.32, still routed tasks there for a while: hence
   * the short sticky timeout), and lets running activities finish for this
   * long before they are cancelled (docker-compose allows the worker 30 s).
   */
  shutdownGraceTime: '10 seconds',
} as const;

/** A running activity heartbeats after this long, then every throttle interval: short ones never send one. */
const FIRST_HEARTBEAT_AFTER_MS = 300;

/**
 * Heartbeats on a timer while an activity with a heartbeat timeout runs. The
 * heartbeat says "this worker is alive and still on it", which is all the
 * timeout has to detect; the attempt itself stays bounded by its
 * start-to-close timeout.
 */
class HeartbeatWhileRunning implements ActivityInboundCallsInterceptor {
  constructor(private readonly ctx: Context) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const { ctx } = this;
    const timeoutMs = ctx.info.heartbeatTimeoutMs;
    if (!timeoutMs) return next(input);
    const beat = () => ctx.heartbeat();
    let timer: NodeJS.Timeout = setTimeout(() => {
      beat();
      timer = setInterval(beat, Math.max(200, Math.min(1000, timeoutMs / 3)));
    }, FIRST_HEARTBEAT_AFTER_MS);
    try {
      return await next(input);
    } finally {
      clearTimeout(timer); // the first timeout or the interval: Node clears either
    }
  }
}

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
    stickyQueueScheduleToStartTimeout: config.worker.stickyQueueTimeoutMs,
    maxHeartbeatThrottleInterval: RECOVERY.maxHeartbeatThrottleInterval,
    shutdownGraceTime: RECOVERY.shutdownGraceTime,
    interceptors: { activity: [(ctx) => ({ inbound: new HeartbeatWhileRunning(ctx) })] },
    activities: createActivities({
      models,
      webhookUrls: config.notifications.webhookUrls,
      webhookSecret: config.secrets.webhookSecret,
      customerMail: config,
      signer: digestSigner(config),
    }),
    ...opts.extra,
  });
}
