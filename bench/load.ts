/**
 * Load generators: POST /complaints over HTTP, and the bare
 * client.workflow.start the API performs, with the same workflow options.
 */
import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import type { Config } from '../src/config';
import { COMPLAINT_WORKFLOW } from '../src/contracts/complaint';
import type { Actor } from '../src/domain/actors';
import { type NewComplaint, intakeStart } from '../src/services/complaints';

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
export async function runPool(n: number, concurrency: number, task: (i: number) => Promise<unknown>): Promise<PoolResult> {
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

/** The start call of POST /complaints (src/services/complaints.ts intakeStart), without HTTP, auth, validation or deadline; resolves to the workflow id. */
export function bareIntake(client: Client, config: Config, actor: Actor) {
  return async (idempotencyKey: string, body: NewComplaint): Promise<string> => {
    const { options } = intakeStart(config, actor, body, idempotencyKey);
    await client.workflow.start(COMPLAINT_WORKFLOW, options);
    return options.workflowId;
  };
}
