/**
 * What goes into the workflow bundle: the workflow code and the workflow
 * interceptor modules (tracing). One definition for every place that bundles:
 * `npm run build` (the prebuilt bundle production workers load), the tests'
 * global setup, the benches, and a worker started without a prebuilt bundle.
 */
import type { BundleOptions } from '@temporalio/worker';

/** Workflow interceptor modules, resolved to files (OpenTelemetry tracing: src/observability/tracing.ts). */
export const WORKFLOW_INTERCEPTOR_MODULES: string[] = [];

export function workflowBundleOptions(): Pick<BundleOptions, 'workflowsPath' | 'workflowInterceptorModules'> {
  return { workflowsPath: require.resolve('../workflows'), workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES };
}
