/**
 * Audit verification speed: events verified per second by POST /audit/verify's
 * service (hash every event, check every link) against a bare cursor read of
 * the same events in the same order. Synthetic chained streams, written once.
 */
import { performance } from 'node:perf_hooks';
import type { Models } from '../src/db/models';
import { chainEvents } from '../src/domain/audit-chain';
import { CHAIN_ORDER, EVENT_FIELDS, VERIFY_BATCH, createAuditIntegrityService } from '../src/services/audit-integrity';
import { median } from './stats';

export interface AuditVerifyFigures {
  events: number;
  streams: number;
  readRates: number[];
  verifyRates: number[];
  readRate: number;
  verifyRate: number;
  ratio: number;
  ok: boolean;
}

/** Complaint-like events: a state summary before/after and a few details, ~0.6 KB of JSON each. */
export async function seedChains(models: Models, streams: number, perStream: number): Promise<void> {
  const base = Date.UTC(2026, 10, 2, 9);
  let batch: Record<string, unknown>[] = [];
  for (let s = 0; s < streams; s++) {
    const stream = `complaint:c_bench${String(s).padStart(6, '0')}`;
    const summary = (n: number) => ({ status: n === 0 ? 'new' : 'in_progress', severity: 'P3', ownerId: n === 0 ? null : 'alice', firstResponderId: n === 0 ? null : 'alice', queue: null, slaPaused: false, escalationLevel: 0 });
    const chain = chainEvents(
      Array.from({ length: perStream }, (_, i) => ({
        stream,
        seq: i + 1,
        entityType: 'complaint',
        entityId: stream.slice('complaint:'.length),
        action: i === 0 ? 'intake' : 'add_note',
        actor: { id: 'alice', role: 'agent' },
        at: new Date(base + s * 60_000 + i * 1000).toISOString(),
        before: i === 0 ? null : summary(i - 1),
        after: summary(i),
        details: { text: `note ${i} on a complaint about a double charge`, visibility: 'internal', noteId: `n${i}` },
      })),
      null,
    );
    for (const e of chain) batch.push({ _id: `${e.stream}:${e.seq}`, ...e, at: new Date(e.at), recordedAt: new Date() });
    if (batch.length >= 2000) {
      await models.AuditEvent.collection.insertMany(batch as never[], { ordered: false });
      batch = [];
    }
  }
  if (batch.length > 0) await models.AuditEvent.collection.insertMany(batch as never[], { ordered: false });
}

export async function measureAuditVerify(models: Models, opts: { streams: number; perStream: number; rounds: number }): Promise<AuditVerifyFigures> {
  await seedChains(models, opts.streams, opts.perStream);
  const service = createAuditIntegrityService(models, null);
  const events = opts.streams * opts.perStream;

  async function bareRead(): Promise<number> {
    let n = 0;
    const t = performance.now();
    for await (const e of models.AuditEvent.find({}, EVENT_FIELDS).sort(CHAIN_ORDER).lean().cursor({ batchSize: VERIFY_BATCH })) if (e) n++;
    if (n !== events) throw new Error(`read ${n} events, expected ${events}`);
    return n / ((performance.now() - t) / 1000);
  }
  let ok = true;
  async function verifyAll(): Promise<number> {
    const t = performance.now();
    const report = await service.verify({ kind: 'all' }, null);
    if (report.checkedEvents !== events) throw new Error(`verified ${report.checkedEvents} events, expected ${events}`);
    ok &&= report.ok;
    return events / ((performance.now() - t) / 1000);
  }

  await bareRead(); // warm-up: FerretDB's caches, V8's JIT
  await verifyAll();
  const readRates: number[] = [];
  const verifyRates: number[] = [];
  // Alternating rounds, so drift on a shared machine hits both paths alike.
  for (let r = 0; r < opts.rounds; r++) {
    readRates.push(await bareRead());
    verifyRates.push(await verifyAll());
  }
  const readRate = median(readRates);
  const verifyRate = median(verifyRates);
  return { events, streams: opts.streams, readRates, verifyRates, readRate, verifyRate, ratio: verifyRate / readRate, ok };
}
