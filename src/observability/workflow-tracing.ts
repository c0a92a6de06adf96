/**
 * Workflow interceptors for tracing, in every workflow bundle
 * (worker/bundle.ts WORKFLOW_INTERCEPTOR_MODULES). A workflow run is traced
 * when its start carried a trace context: the header Temporal's OpenTelemetry
 * client interceptor adds while the API traces (src/observability/tracing.ts).
 * Then every call goes through Temporal's OpenTelemetry workflow interceptors,
 * whose spans leave through the worker's `exporter` sink. Any other run goes
 * straight through, after one header lookup at its start.
 *
 * The choice is made once per run from its start header, which history
 * records, so a replay takes the same path as the original run: untraced runs
 * execute exactly as without this module, traced runs as with Temporal's
 * interceptors. (Deciding per update or query instead would not replay
 * alike: a rejected update or a query leaves nothing in history.)
 *
 * Temporal's interceptors are loaded only for a traced run: loading them
 * defines `window` and `performance` in the workflow's global scope.
 */
import type { Headers } from '@temporalio/common';
import type {
  ActivityInput,
  ContinueAsNewInput,
  DisposeInput,
  GetLogAttributesInput,
  LocalActivityInput,
  Next,
  QueryInput,
  SignalInput,
  SignalWorkflowInput,
  StartChildWorkflowExecutionInput,
  UpdateInput,
  WorkflowExecuteInput,
  WorkflowInboundCallsInterceptor,
  WorkflowInterceptors,
  WorkflowInternalsInterceptor,
  WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';

type OpenTelemetryWorkflowModule = typeof import('@temporalio/interceptors-opentelemetry/lib/workflow');

/** Temporal's TRACE_HEADER, typed against it: importing it would load OpenTelemetry into every run. */
const TRACE_HEADER: typeof import('@temporalio/interceptors-opentelemetry/lib/instrumentation').TRACE_HEADER = '_tracer-data';

interface Traced {
  inbound: WorkflowInboundCallsInterceptor;
  outbound: WorkflowOutboundCallsInterceptor;
  internals: WorkflowInternalsInterceptor;
}

function startedTraced(headers: Headers): Traced | undefined {
  if (!(TRACE_HEADER in headers)) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand, see the module comment
  const otel = require('@temporalio/interceptors-opentelemetry/lib/workflow') as OpenTelemetryWorkflowModule;
  return { inbound: new otel.OpenTelemetryInboundInterceptor(), outbound: new otel.OpenTelemetryOutboundInterceptor(), internals: new otel.OpenTelemetryInternalsInterceptor() };
}

/** Called by the SDK once per workflow run. */
export const interceptors = (): WorkflowInterceptors => {
  let traced: Traced | undefined;

  const inbound: WorkflowInboundCallsInterceptor = {
    execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>) {
      traced = startedTraced(input.headers);
      return traced ? traced.inbound.execute!(input, next) : next(input);
    },
    handleSignal: (input: SignalInput, next: Next<WorkflowInboundCallsInterceptor, 'handleSignal'>) => (traced ? traced.inbound.handleSignal!(input, next) : next(input)),
    handleUpdate: (input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'handleUpdate'>) => (traced ? traced.inbound.handleUpdate!(input, next) : next(input)),
    validateUpdate: (input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'validateUpdate'>) => (traced ? traced.inbound.validateUpdate!(input, next) : next(input)),
    handleQuery: (input: QueryInput, next: Next<WorkflowInboundCallsInterceptor, 'handleQuery'>) => (traced ? traced.inbound.handleQuery!(input, next) : next(input)),
  };

  const outbound: WorkflowOutboundCallsInterceptor = {
    scheduleActivity: (input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>) =>
      traced ? traced.outbound.scheduleActivity!(input, next) : next(input),
    scheduleLocalActivity: (input: LocalActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleLocalActivity'>) =>
      traced ? traced.outbound.scheduleLocalActivity!(input, next) : next(input),
    startChildWorkflowExecution: (input: StartChildWorkflowExecutionInput, next: Next<WorkflowOutboundCallsInterceptor, 'startChildWorkflowExecution'>) =>
      traced ? traced.outbound.startChildWorkflowExecution!(input, next) : next(input),
    continueAsNew: (input: ContinueAsNewInput, next: Next<WorkflowOutboundCallsInterceptor, 'continueAsNew'>) =>
      traced ? traced.outbound.continueAsNew!(input, next) : next(input),
    signalWorkflow: (input: SignalWorkflowInput, next: Next<WorkflowOutboundCallsInterceptor, 'signalWorkflow'>) =>
      traced ? traced.outbound.signalWorkflow!(input, next) : next(input),
    getLogAttributes: (input: GetLogAttributesInput, next: Next<WorkflowOutboundCallsInterceptor, 'getLogAttributes'>) =>
      traced ? traced.outbound.getLogAttributes!(input, next) : next(input),
  };

  const internals: WorkflowInternalsInterceptor = {
    dispose: (input: DisposeInput, next: Next<WorkflowInternalsInterceptor, 'dispose'>) => (traced ? traced.internals.dispose!(input, next) : next(input)),
  };

  return { inbound: [inbound], outbound: [outbound], internals: [internals] };
};
