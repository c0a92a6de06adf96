/**
 * The worker process (worker/main.ts, as production runs it) serves the
 * Temporal SDK's runtime metrics and its own activity failure and retry
 * counters through the SDK's Prometheus exporter on QL_METRICS_PORT. A
 * webhook receiver that fails makes notification delivery fail and be
 * retried for real; the scrape shows it.
 */
import { freePort } from '../../infra/launch';
import { ACTIVITY_METRICS } from '../../worker/run';
import { type ApiStack, startApiStack } from '../helpers/api';
import { type WorkerProcess, spawnWorker, deleteSchedulesOn } from '../helpers/processes';
import { type Exposition, sampleValue, samplesOf, scrape } from '../helpers/prometheus';
import { eventually, startWebhookReceiver, uniqueId } from '../helpers/stack';

/** Failed answers before the receiver accepts: two failed attempts, then the third delivers. */
const RECEIVER_FAILURES = 2;

let hooks: Awaited<ReturnType<typeof startWebhookReceiver>>;
let stack: ApiStack;
let worker: WorkerProcess;
let metricsUrl: string;

beforeAll(async () => {
  hooks = await startWebhookReceiver({ failFirst: RECEIVER_FAILURES });
  const metricsPort = await freePort();
  metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  // The API in this process, no worker in it: the worker process is the only one polling.
  stack = await startApiStack({
    worker: false,
    webhookUrls: [hooks.url],
    configure: (c) => ({ ...c, observability: { ...c.observability, metrics: { ...c.observability.metrics, host: '127.0.0.1', port: metricsPort } } }),
  });
  worker = spawnWorker(stack.config);
  await worker.ready;
}, 120_000);

/** The worker process points the (shared, fixed-id) Schedules at its task queue: remove them with it. */

afterAll(async () => {
  await worker?.kill('SIGTERM');
  await deleteSchedulesOn(stack?.client, stack?.config.temporal.taskQueue);
  await stack?.stop();
  await hooks?.close();
});

async function scrapeWorker(): Promise<Exposition> {
  const res = await scrape(metricsUrl);
  expect(res.status).toBe(200);
  return res.exposition!;
}

/** The counter's value for one activity type, summed over its other labels (0 while it has no sample). */
function countFor(exposition: Exposition, name: string, activityType: string): number {
  return samplesOf(exposition, name, { activity_type: activityType }).reduce((sum, s) => sum + s.value, 0);
}

describe('worker metrics', () => {
  it('given a worker started with QL_METRICS_PORT, when scraped, then it serves the SDK runtime metrics of its task queue', async () => {
    const exposition = await eventually(async () => {
      const e = await scrapeWorker();
      return samplesOf(e, 'temporal_worker_task_slots_available').length > 0 ? e : null;
    }, 20_000, 'SDK worker metrics');
    const taskQueue = stack.config.temporal.taskQueue;
    expect(samplesOf(exposition, 'temporal_worker_task_slots_available', { task_queue: taskQueue }).length).toBeGreaterThan(0);
    expect(exposition.types.temporal_worker_task_slots_available).toBe('gauge');
    // The worker polls: its poll and workflow-task figures exist from the start.
    expect(samplesOf(exposition, 'temporal_num_pollers', { task_queue: taskQueue }).length).toBeGreaterThan(0);
  });

  it('given a webhook receiver that fails twice, when a resolved complaint is notified, then the failure and retry counters of deliverNotifications count them and the SDK times the three attempts', async () => {
    const before = await scrapeWorker();
    expect(countFor(before, ACTIVITY_METRICS.failures, 'deliverNotifications')).toBe(0);
    expect(countFor(before, ACTIVITY_METRICS.retries, 'deliverNotifications')).toBe(0);

    const { call, keys } = stack;
    const created = await call('POST', '/complaints', {
      key: keys.intake,
      headers: { 'idempotency-key': uniqueId('metrics') },
      body: { customer: { id: 'cust-metrics' }, channel: 'email', category: 'billing', severity: 'P2', description: 'Charged twice' },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await call('POST', `/complaints/${id}/acknowledge`, { key: keys.alice!, body: {} })).status).toBe(200);
    // Resolving asks the customer for a rating: one webhook message (csat.requested).
    expect((await call('POST', `/complaints/${id}/resolve`, { key: keys.alice!, body: { summary: 'Refunded' } })).status).toBe(200);

    // Attempt 1 and 2 meet a 503 and throw; attempt 3 (a retry, like attempt 2) delivers.
    await hooks.waitFor((d) => d.complaintId === id && d.type === 'csat.requested', 60_000);
    expect(hooks.requests()).toBe(RECEIVER_FAILURES + 1);

    // Scraped once the third attempt has finished too (the SDK times an attempt when it ends).
    const after = await eventually(async () => {
      const e = await scrapeWorker();
      return countFor(e, 'temporal_activity_execution_latency_count', 'deliverNotifications') >= RECEIVER_FAILURES + 1 ? e : null;
    }, 20_000, 'three delivery attempts timed');
    expect(countFor(after, ACTIVITY_METRICS.failures, 'deliverNotifications')).toBe(RECEIVER_FAILURES);
    expect(countFor(after, ACTIVITY_METRICS.retries, 'deliverNotifications')).toBe(RECEIVER_FAILURES);
    // Labelled like the SDK's own activity metrics; a webhook that answers 503 may work on a retry: not non-retryable.
    const taskQueue = stack.config.temporal.taskQueue;
    expect(
      sampleValue(after, ACTIVITY_METRICS.failures, { activity_type: 'deliverNotifications', non_retryable: 'false', task_queue: taskQueue, namespace: 'default', workflow_type: 'complaintWorkflow' }),
    ).toBe(RECEIVER_FAILURES);
    expect(after.types[ACTIVITY_METRICS.failures]).toBe('counter');
    // Activities that succeeded the first time are neither failures nor retries.
    expect(countFor(after, ACTIVITY_METRICS.failures, 'recordTransitions')).toBe(0);
    expect(countFor(after, ACTIVITY_METRICS.retries, 'recordTransitions')).toBe(0);

    // The SDK's own figures moved with the same work: activity executions timed, and the failed ones counted.
    expect(countFor(after, 'temporal_activity_execution_latency_count', 'deliverNotifications')).toBe(RECEIVER_FAILURES + 1);
    expect(samplesOf(after, 'temporal_workflow_task_execution_latency_count').reduce((sum, s) => sum + s.value, 0)).toBeGreaterThan(0);
    expect(countFor(after, 'temporal_activity_execution_failed', 'deliverNotifications')).toBe(RECEIVER_FAILURES);
  }, 120_000);
});
