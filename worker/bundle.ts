/**
 * What goes into the workflow bundle: the workflow code and the workflow
 * interceptor modules (tracing). One definition for every place that bundles:
 * `npm run build` (the prebuilt bundle production workers load), the tests'
 * global setup, the benches, and a worker started without a prebuilt bundle.
 */
import type { BundleOptions } from '@temporalio/worker';

/**
 * Workflow interceptor modules, resolved to files: tracing, which lets a run through untouched
 * unless its start carried a trace context (src/observability/workflow-tracing.ts).
 */
export const WORKFLOW_INTERCEPTOR_MODULES: string[] = [require.resolve('../src/observability/workflow-tracing')];

/** The prebuilt bundle's file name, next to the compiled tree: `npm run build` writes dist/<this>, the compiled worker loads it. */
export const WORKFLOW_BUNDLE_FILE = 'workflow-bundle.js';

export function workflowBundleOptions(): Pick<BundleOptions, 'workflowsPath' | 'workflowInterceptorModules'> {
  return { workflowsPath: require.resolve('../workflows'), workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES };
}
