import type { Context } from '@temporalio/activity';
import { ApplicationFailure, type MetricCounter } from '@temporalio/common';
import { type ActivityExecuteInput, type ActivityInboundCallsInterceptor, NativeConnection, type Next, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { Config } from '../src/config';
import type { Models } from '../src/db/models';
import type { Tracing } from '../src/observability/tracing';
import { digestSigner } from '../src/services/audit-keys';
import { workflowBundleOptions } from './bundle';

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
 * The worker's own metrics, beside the SDK's (docs/operations.md, "Worker metrics and traces").
 * Exported as named here (no `_total` suffix, like the SDK's counters), labelled like the SDK's
 * activity metrics: activity_type, namespace, task_queue, workflow_type.
 */
export const ACTIVITY_METRICS = {
  /** Attempts that threw, with non_retryable="true" for a failure no retry can fix. */
  failures: 'qualityloop_activity_failures',
  /** Attempts after the first: each one is a retry. */
  retries: 'qualityloop_activity_retries',
} as const;

interface ActivityCounters {
  failures: MetricCounter;
  retries: MetricCounter;
}

/**
 * On the runtime's meter, so the worker's Prometheus exporter (the SDK's, QL_METRICS_PORT) serves
 * them next to the SDK's own metrics; a no-op meter without an exporter. Not the activity
 * context's meter: it labels in camelCase (activityType), unlike the SDK's metrics.
 */
function activityCounters(): ActivityCounters {
  const meter = Runtime.instance().metricMeter;
  return {
    failures: meter.createCounter(ACTIVITY_METRICS.failures, '', 'Activity attempts that failed'),
    retries: meter.createCounter(ACTIVITY_METRICS.retries, '', 'Activity attempts after the first'),
  };
}

/** Counts failed attempts and retries; a first attempt that succeeds costs one comparison. */
class CountFailuresAndRetries implements ActivityInboundCallsInterceptor {
  constructor(
    private readonly ctx: Context,
    private readonly counters: ActivityCounters,
  ) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const { info } = this.ctx;
    const labels = () => ({ activity_type: info.activityType, namespace: info.activityNamespace, task_queue: info.taskQueue, workflow_type: info.workflowType ?? '' });
    if (info.attempt > 1) this.counters.retries.add(1, labels());
    try {
      return await next(input);
    } catch (err) {
      this.counters.failures.add(1, { ...labels(), non_retryable: err instanceof ApplicationFailure && err.nonRetryable === true });
      throw err;
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
  /** Trace activities and export workflow spans (src/observability/tracing.ts); off when absent. */
  tracing?: Tracing;
  extra?: Partial<WorkerOptions>;
}): Promise<Worker> {
  const { config, models, connection, tracing } = opts;
  // Without a prebuilt bundle, the worker bundles what every bundle holds (worker/bundle.ts).
  const bundling = opts.workflowBundlePath ? undefined : workflowBundleOptions();
  const counters = activityCounters();
  return Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: opts.taskQueue ?? config.temporal.taskQueue,
    ...(bundling ? { workflowsPath: bundling.workflowsPath } : { workflowBundle: { codePath: opts.workflowBundlePath! } }),
    ...(config.worker.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: config.worker.maxCachedWorkflows } : {}),
    stickyQueueScheduleToStartTimeout: config.worker.stickyQueueTimeoutMs,
    maxHeartbeatThrottleInterval: RECOVERY.maxHeartbeatThrottleInterval,
    shutdownGraceTime: RECOVERY.shutdownGraceTime,
    interceptors: {
      // First is outermost: the activity's span covers the counting and the heartbeats.
      activity: [...(tracing?.activityInterceptors ?? []), (ctx) => ({ inbound: new CountFailuresAndRetries(ctx, counters) }), (ctx) => ({ inbound: new HeartbeatWhileRunning(ctx) })],
      ...(bundling ? { workflowModules: bundling.workflowInterceptorModules } : {}),
    },
    ...(tracing ? { sinks: tracing.workflowSinks } : {}),
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
