/**
 * Observing the `complaints` read model without scanning it.
 *
 * On FerretDB v1 (SQLite backend) only a filter that is exactly `{ _id: <value> }`
 * is pushed down to SQLite; any other filter ($in on _id, a count, or _id plus
 * another field) makes FerretDB read and decode every document of the
 * collection. So the bench observes documents with one findById per id, and
 * never counts the collection.
 */
import { performance } from 'node:perf_hooks';
import type { Models } from '../src/db/models';
import { sleep } from './stats';

/** Ids whose read-model document has version >= 1, checked with one findById each (at most `parallel` at once). */
async function presentIds(models: Models, ids: string[], parallel = 16): Promise<{ found: string[]; queries: number }> {
  const found: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, ids.length) }, async () => {
      for (let i = next++; i < ids.length; i = next++) {
        const doc = await models.Complaint.findById(ids[i]!, { version: 1 }).lean();
        if (doc && doc.version >= 1) found.push(ids[i]!);
      }
    }),
  );
  return { found, queries: ids.length };
}

/** Waits until every id has its read-model document; returns ms waited (NaN on timeout). */
export async function waitForIds(models: Models, ids: string[], timeoutMs: number): Promise<number> {
  const pending = new Set(ids);
  const t0 = performance.now();
  while (pending.size > 0) {
    const { found } = await presentIds(models, [...pending]);
    for (const id of found) pending.delete(id);
    if (pending.size === 0) break;
    if (performance.now() - t0 > timeoutMs) return Number.NaN;
    await sleep(50);
  }
  return performance.now() - t0;
}

/**
 * Sends `samples` intakes at `ratePerSec` (open loop) and times, for each, the
 * span from just before the POST until a findById of its complaint id returns
 * version >= 1. Every pending id is polled every `pollMs` (one findById each).
 */
export async function measureIntakeLatency(opts: {
  models: Models;
  samples: number;
  ratePerSec: number;
  pollMs: number;
  idFor: (i: number) => string;
  send: (i: number) => Promise<void>;
  timeoutMs?: number;
}) {
  const { models, samples, ratePerSec, pollMs, idFor, send } = opts;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const pending = new Map<string, { i: number; sent: number }>();
  const readModel: { i: number; ms: number }[] = [];
  const httpMs: number[] = [];
  const httpErrors: string[] = [];
  const failedIdx: number[] = [];
  let timedOut = 0;
  let queries = 0;
  let sending = true;

  const poller = (async () => {
    while (sending || pending.size > 0) {
      if (pending.size > 0) {
        const { found, queries: q } = await presentIds(models, [...pending.keys()]);
        queries += q;
        const now = performance.now();
        for (const id of found) {
          const p = pending.get(id)!;
          readModel.push({ i: p.i, ms: now - p.sent });
          pending.delete(id);
        }
        for (const [id, p] of pending) {
          if (now - p.sent > timeoutMs) {
            pending.delete(id);
            timedOut++;
          }
        }
      }
      await sleep(pollMs);
    }
  })();

  const requests: Promise<void>[] = [];
  const interval = 1000 / ratePerSec;
  const t0 = performance.now();
  for (let i = 0; i < samples; i++) {
    const wait = t0 + i * interval - performance.now();
    if (wait > 0) await sleep(wait);
    const id = idFor(i);
    const sent = performance.now();
    pending.set(id, { i, sent });
    requests.push(
      send(i).then(
        () => void httpMs.push(performance.now() - sent),
        (err: Error) => {
          httpErrors.push(err.message);
          failedIdx.push(i);
          pending.delete(id);
        },
      ),
    );
  }
  await Promise.all(requests);
  sending = false;
  await poller;
  const pollSeconds = (performance.now() - t0) / 1000;
  return { readModel, httpMs, httpErrors, failedIdx, timedOut, timeoutMs, queries, queriesPerSec: queries / pollSeconds };
}
