/**
 * One audit digest: started by the digest Schedule (or triggered by hand).
 * Decides the cutoff from workflow time and lets the activity do the I/O.
 */
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { AuditActivities } from '../activities/audit';
import { DIGEST_LAG_MS, type DigestResult } from '../src/contracts/audit';

const { createAuditDigest } = proxyActivities<AuditActivities>({
  // Scans the events recorded since the previous digest: give it time, and keep retrying.
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

export async function auditDigestWorkflow(): Promise<DigestResult> {
  // A scheduled run's start time is its scheduled slot; Date.now() is that, replay-safe.
  const cutoff = new Date(Math.floor((Date.now() - DIGEST_LAG_MS) / 1000) * 1000).toISOString();
  return createAuditDigest({ cutoff, requestedBy: workflowInfo().workflowId });
}
