/**
 * Load generators: POST /complaints over HTTP, and the bare
 * client.workflow.start the API performs, with the same workflow options.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { COMPLAINT_WORKFLOW, type ComplaintWorkflowInput, complaintSearchAttributes as SA, complaintWorkflowId } from '../src/contracts/complaint';
import type { Actor } from '../src/domain/actors';
import type { ComplaintIntake } from '../src/domain/complaint';
import { complaintIdFor } from '../src/services/complaints';

export type NewComplaint = Omit<ComplaintIntake, 'complaintId' | 'createdBy'>;

export function complaintBody(i: number): NewComplaint {
  return {
    customer: { id: `bench-cust-${i % 997}` },
    channel: 'email',
    category: 'general',
    severity: 'P3',
    description: `Benchmark complaint #${i}: the parcel arrived damaged and support did not answer.`,
  };
}

export interface PoolResult {
  n: number;
  ms: number;
  ok: number;
  errors: string[];
}

/** Runs task(0..n-1) with at most `concurrency` in flight; returns wall time and failures. */
export async function runPool(n: number, concurrency: number, task: (i: number) => Promise<void>): Promise<PoolResult> {
  let next = 0;
  let ok = 0;
  const errors: string[] = [];
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      for (let i = next++; i < n; i = next++) {
        try {
          await task(i);
          ok++;
        } catch (err) {
          errors.push((err as Error).message);
        }
      }
    }),
  );
  return { n, ms: performance.now() - t0, ok, errors };
}

export const rate = (r: PoolResult) => (r.ok / r.ms) * 1000;

/** POST /complaints with a fresh Idempotency-Key; resolves on 201. */
export function apiIntake(baseUrl: string, intakeKey: string) {
  return async (idempotencyKey: string, body: NewComplaint): Promise<void> => {
    const res = await fetch(`${baseUrl}/complaints`, {
      method: 'POST',
      headers: { authorization: `Bearer ${intakeKey}`, 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status !== 201) throw new Error(`HTTP ${res.status}: ${text.slice(0, 300)}`);
  };
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The start call of src/services/complaints.ts create(), without HTTP, auth, validation or deadline. */
export function bareIntake(client: Client, taskQueue: string, actor: Actor) {
  return async (idempotencyKey: string, body: NewComplaint): Promise<void> => {
    const complaintId = complaintIdFor(actor.id, idempotencyKey);
    const input: ComplaintWorkflowInput = { intake: { ...body, complaintId, createdBy: actor } };
    await client.workflow.start(COMPLAINT_WORKFLOW, {
      args: [input],
      taskQueue,
      workflowId: complaintWorkflowId(complaintId),
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      memo: { requestHash: createHash('sha256').update(canonicalJson(body)).digest('hex') },
      typedSearchAttributes: [
        { key: SA.status, value: 'open' },
        { key: SA.severity, value: body.severity },
        { key: SA.category, value: body.category },
      ],
    });
  };
}
