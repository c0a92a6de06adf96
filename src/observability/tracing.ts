/**
 * Traces with OpenTelemetry: HTTP request -> Temporal start/update -> workflow
 * -> activity -> MongoDB, exported over OTLP/HTTP (JSON) to
 * `<QL_OTLP_ENDPOINT>/v1/traces`. Entirely off while the endpoint is unset:
 * none of the OpenTelemetry SDK is even loaded, and the Temporal client and
 * worker get no tracing interceptors.
 *
 * - The OTel Node SDK with the http, express and MongoDB driver (mongoose's)
 *   instrumentations. They patch those modules as they load, so a process
 *   starts tracing before it loads express or mongoose (src/api/main.ts,
 *   worker/main.ts import them only afterwards).
 * - Temporal's OpenTelemetry interceptors: on the API's client (starts and
 *   updates carry the trace context in a header), on the worker's activities,
 *   and in the workflow bundle (src/observability/workflow-tracing.ts), whose
 *   spans reach this process through the `exporter` sink.
 * - The HTTP server span carries the request id (`res.locals.requestId`,
 *   src/api/app.ts) as `qualityloop.request_id`.
 *
 * Versions: the SDK here is the 2.x line (sdk-node 0.2xx); Temporal's
 * interceptors 1.24 build their workflow spans with sdk-trace-base 1.x inside
 * the workflow sandbox, in the 1.x shape (`parentSpanId`,
 * `instrumentationLibrary`). The workflow sink below converts them to the 2.x
 * shape the exporter reads, instead of Temporal's `makeWorkflowExporter`,
 * which keeps the 1.x shape and also copies the whole WorkflowInfo (memo,
 * search attributes) into every span's attributes.
 */
import { type Attributes, createTraceState } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Resource } from '@opentelemetry/resources';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { OpenTelemetrySinks, SerializableSpan } from '@temporalio/interceptors-opentelemetry';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import type { WorkflowInfo } from '@temporalio/workflow';
import type { Config } from '../config';

export type TracedService = 'qualityloop-api' | 'qualityloop-worker';

/** The span attribute holding the API's request id (the `x-request-id` response header). */
export const REQUEST_ID_ATTRIBUTE = 'qualityloop.request_id';

/** Requests not worth a trace: scrapes and probes, every few seconds. */
const UNTRACED_PATHS = new Set(['/metrics', '/healthz', '/readyz']);

export interface Tracing {
  readonly enabled: boolean;
  /** For the API's Temporal client: starts, updates, signals and queries carry the trace context. */
  readonly clientInterceptors: WorkflowClientInterceptor[];
  /** For the worker: a span per activity attempt, the parent of what the activity does. */
  readonly activityInterceptors: ActivityInterceptorsFactory[];
  /**
   * For the worker: where the workflow interceptors send their spans. Registered even
   * while tracing is off here, as a no-op, so that a workflow started by a tracing
   * client does not make the worker log an unregistered sink on every task.
   */
  readonly workflowSinks: InjectedSinks<OpenTelemetrySinks>;
  /** Flushes the spans still buffered and stops exporting. */
  shutdown(): Promise<void>;
}

const OFF: Tracing = {
  enabled: false,
  clientInterceptors: [],
  activityInterceptors: [],
  workflowSinks: { exporter: { export: { fn: () => undefined } } },
  shutdown: async () => undefined,
};

/** The OTLP/HTTP traces URL under a collector's base URL (`http://collector:4318` -> `.../v1/traces`). */
export function tracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

/**
 * Starts tracing for this process when `config.observability.otlpEndpoint` is
 * set; otherwise returns the no-op `Tracing` without loading the SDK. Call it
 * before anything loads express, http servers or mongoose.
 */
export async function startTracing(config: Pick<Config, 'observability'>, serviceName: TracedService): Promise<Tracing> {
  const endpoint = config.observability.otlpEndpoint;
  if (!endpoint) return OFF;

  const [{ NodeSDK }, { OTLPTraceExporter }, { BatchSpanProcessor }, resources, { ATTR_SERVICE_NAME }, { HttpInstrumentation }, { ExpressInstrumentation, ExpressLayerType }, { MongoDBInstrumentation }, temporal] =
    await Promise.all([
      import('@opentelemetry/sdk-node'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/sdk-trace-base'),
      import('@opentelemetry/resources'),
      import('@opentelemetry/semantic-conventions'),
      import('@opentelemetry/instrumentation-http'),
      import('@opentelemetry/instrumentation-express'),
      import('@opentelemetry/instrumentation-mongodb'),
      import('@temporalio/interceptors-opentelemetry'),
    ]);

  const resource = resources
    .detectResources({ detectors: [resources.hostDetector, resources.processDetector] })
    .merge(resources.resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }));
  // Batches of spans, sent every 5 s by default (OTEL_BSP_SCHEDULE_DELAY and the other OTEL_BSP_* variables apply).
  const processor = new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl(endpoint) }));
  const sdk = new NodeSDK({
    resource,
    autoDetectResources: false,
    spanProcessors: [processor],
    // Traces only: without these the SDK would also start OTLP metric and log exporters by default.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.has((req.url ?? '').split('?')[0]!),
        // Called as the response finishes, on the server span itself (inside a middleware the
        // active span is that middleware's): the request id is set by then.
        applyCustomAttributesOnSpan: (span, _req, res) => {
          const requestId = (res as { locals?: { requestId?: unknown } }).locals?.requestId;
          if (typeof requestId === 'string') span.setAttribute(REQUEST_ID_ATTRIBUTE, requestId);
        },
      }),
      // A span per route handler; the route template also names the server span. Middleware and
      // router layers would add a span each per request (router spans end at once: no timing).
      new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER] }),
      // Statements keep their shape, every value replaced by `?` (no enhanced reporting): documents hold personal data.
      new MongoDBInstrumentation(),
    ],
  });
  sdk.start();

  return {
    enabled: true,
    clientInterceptors: [new temporal.OpenTelemetryWorkflowClientInterceptor()],
    activityInterceptors: [
      (ctx) => ({ inbound: new temporal.OpenTelemetryActivityInboundInterceptor(ctx), outbound: new temporal.OpenTelemetryActivityOutboundInterceptor(ctx) }),
    ],
    workflowSinks: {
      exporter: {
        export: { fn: (info, spans) => spans.forEach((span) => processor.onEnd(fromWorkflowSpan(span, info, resource))) },
      },
    },
    shutdown: () => sdk.shutdown(),
  };
}

/** The workflow identity on every workflow span (the attribute keys Temporal's activity spans use). */
function workflowAttributes(info: WorkflowInfo): Attributes {
  return { temporalWorkflowId: info.workflowId, run_id: info.runId, temporalWorkflowType: info.workflowType };
}

/** A span from the workflow sandbox (OTel 1.x shape, serialised) as the 2.x SDK's exporters read it. */
export function fromWorkflowSpan(span: SerializableSpan, info: WorkflowInfo, resource: Resource): ReadableSpan {
  const { traceState, ...context } = span.spanContext;
  const spanContext = { ...context, ...(traceState ? { traceState: createTraceState(traceState) } : {}) };
  return {
    name: span.name,
    kind: span.kind,
    spanContext: () => spanContext,
    parentSpanContext: span.parentSpanId ? { traceId: context.traceId, spanId: span.parentSpanId, traceFlags: context.traceFlags } : undefined,
    startTime: span.startTime,
    endTime: span.endTime,
    duration: span.duration,
    ended: span.ended,
    status: span.status,
    attributes: { ...span.attributes, ...workflowAttributes(info) },
    links: span.links,
    events: span.events,
    resource,
    instrumentationScope: span.instrumentationLibrary,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}
