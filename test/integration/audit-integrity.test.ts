/**
 * The tamper-evident audit store on the real stack: events written by the
 * complaint workflows are hash-chained; the digest Schedule (Temporal dev
 * server, real Worker) signs a Merkle root over every stream head; then the
 * database is tampered with directly, each way an attacker could, and
 * POST /audit/verify must name the first broken link exactly.
 */
import { createPublicKey, verify as verifySignature } from 'node:crypto';
import { createPrivateKey } from 'node:crypto';
import { recordAuditAndOutbox } from '../../activities/records';
import { type ChainedEvent, type StreamHead, applyChangedHeads, byStream, digestSigningPayload, eventHash, merkleRoot } from '../../src/domain/audit-chain';
import { ensureDigestSchedule } from '../../src/services/audit-schedule';
import { type ApiStack, type Problem, collectionCounts, expectProblem, startApiStack } from '../helpers/api';
import { auditSigningKey, eventually, uniqueId } from '../helpers/stack';

type Digest = {
  seq: number;
  cutoff: string;
  createdAt: string;
  prevHash: string | null;
  root: string;
  streamCount: number;
  changedHeads: StreamHead[];
  keyId: string;
  hash: string;
  signature: string;
  publicKey: string;
};

const newComplaint = () => ({ customer: { id: uniqueId('cust') }, channel: 'email', category: 'billing', severity: 'P3', description: 'Charged twice for one order.' });

describe('tamper-evident audit store', () => {
  let stack: ApiStack;
  const scheduleId = uniqueId('audit-digest');
  /** Complaint id -> its stream, each with 5 events (intake, acknowledge, 3 notes). */
  const streams: string[] = [];

  async function complaintWithFiveEvents(): Promise<string> {
    const created = await stack.call('POST', '/complaints', { key: stack.keys.intake, body: newComplaint() });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await eventually(() => stack.models.AuditEvent.findById(`complaint:${id}:1`).lean(), 20_000, `intake of ${id} persisted`);
    expect((await stack.call('POST', `/complaints/${id}/acknowledge`, { key: stack.keys.alice, body: {} })).status).toBe(200);
    for (const n of [1, 2, 3]) {
      expect((await stack.call('POST', `/complaints/${id}/add-note`, { key: stack.keys.alice, body: { text: `note ${n}` } })).status).toBe(200);
    }
    await eventually(() => stack.models.AuditEvent.findById(`complaint:${id}:5`).lean(), 20_000, `5 events of ${id}`);
    return `complaint:${id}`;
  }

  /** Cutoffs are whole seconds a minute back: a new digest needs a later second than the last one. */
  async function afterLatestCutoff(): Promise<number> {
    const latest = await stack.models.AuditDigest.findOne({}, null, { sort: { _id: -1 } }).lean();
    const next = latest ? Date.parse(latest.cutoff) + 1000 : 0;
    await eventually(async () => Date.now() - 60_000 >= next, 5_000, 'a later cutoff second');
    return latest ? Date.parse(latest.cutoff) : 0;
  }

  async function runDigest(): Promise<Digest> {
    await afterLatestCutoff();
    const before = await stack.models.AuditDigest.countDocuments({});
    const handle = await ensureDigestSchedule(stack.client, stack.config, scheduleId);
    await handle.trigger();
    await eventually(async () => (await stack.models.AuditDigest.countDocuments({})) > before, 30_000, 'a new digest');
    const res = await stack.call<Digest>('GET', '/audit/digests/latest', { key: stack.keys.auditor });
    expect(res.status).toBe(200);
    return res.body;
  }

  const verifyAudit = (body: Record<string, unknown>) => stack.call('POST', '/audit/verify', { key: stack.keys.auditor, body });
  const events = (stream: string) => stack.models.AuditEvent.find({ stream }).sort({ seq: 1 }).lean();
  const raw = () => stack.models.AuditEvent.collection;

  beforeAll(async () => {
    stack = await startApiStack();
    // Digests cover events recorded a minute before the job runs; these tests need them covered now.
    for (let i = 0; i < 6; i++) streams.push(await complaintWithFiveEvents());
    streams.sort();
    await raw().updateMany({}, { $set: { recordedAt: new Date(Date.now() - 5 * 60_000) } });
  });
  afterAll(async () => {
    await stack?.client.schedule.getHandle(scheduleId).delete().catch(() => undefined);
    await stack?.stop();
  });

  it('given transitions persisted by the workflows, when read back, then every stream is a hash chain from seq 1 with RFC 8785 hashes', async () => {
    for (const stream of streams) {
      const chain = await events(stream);
      expect(chain.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(chain.map((e) => e.action)).toEqual(['intake', 'acknowledge', 'add_note', 'add_note', 'add_note']);
      let prev: string | null = null;
      for (const e of chain) {
        expect(e.prevHash).toBe(prev);
        expect(e.hash).toBe(eventHash({ ...(e as unknown as ChainedEvent), at: e.at.toISOString() }));
        prev = e.hash;
      }
    }
  });

  it('given an append retried by the activity, when it runs again, then nothing is duplicated; a different event at a stored seq is refused as a fork', async () => {
    const [stream] = streams;
    const id = stream!.split(':')[1]!;
    const chain = await events(stream!);
    const transition = (action: string) => ({
      version: 3,
      action,
      actor: chain[2]!.actor as { id: string; role: 'agent' },
      at: chain[2]!.at.getTime(),
      before: chain[2]!.before,
      after: chain[2]!.after,
      details: chain[2]!.details as Record<string, unknown>,
      notifications: [],
    });
    await recordAuditAndOutbox(stack.models, { entityType: 'complaint', entityId: id, stream: stream! }, [transition('add_note')]);
    expect(await events(stream!)).toEqual(chain);
    await expect(recordAuditAndOutbox(stack.models, { entityType: 'complaint', entityId: id, stream: stream! }, [transition('resolve')])).rejects.toMatchObject({
      type: 'AUDIT_CHAIN_FORK',
      nonRetryable: true,
    });
    expect(await events(stream!)).toEqual(chain);
  });

  describe('digests', () => {
    let first: Digest;

    beforeAll(async () => {
      first = await runDigest();
    });

    it('given the digest schedule ran, when the latest digest is read, then it is signed with the configured key over a Merkle root of every stream head', async () => {
      const publicKey = createPublicKey(createPrivateKey({ key: Buffer.from(auditSigningKey(), 'base64'), format: 'der', type: 'pkcs8' }));
      expect(first.publicKey).toBe(publicKey.export({ format: 'der', type: 'spki' }).toString('base64'));
      expect(verifySignature(null, Buffer.from(digestSigningPayload(first), 'utf8'), publicKey, Buffer.from(first.signature, 'base64'))).toBe(true);
      expect(first.seq).toBe(1);
      expect(first.prevHash).toBeNull();
      const heads = await Promise.all(streams.map(async (stream) => ({ stream, seq: 5, hash: (await events(stream))[4]!.hash })));
      expect(first.changedHeads).toEqual(heads);
      expect(first.streamCount).toBe(streams.length);
      expect(first.root).toBe(merkleRoot(heads));
    });

    it('given new events and a second run, when the digest is read, then it links to the first and lists only the heads that moved', async () => {
      const moved = streams[5]!;
      const id = moved.split(':')[1]!;
      expect((await stack.call('POST', `/complaints/${id}/add-note`, { key: stack.keys.alice, body: { text: 'after the first digest' } })).status).toBe(200);
      const sixth = await eventually(() => stack.models.AuditEvent.findById(`${moved}:6`).lean(), 20_000, 'event 6');
      // Recorded after the first digest's cutoff and before the next one's.
      await raw().updateOne({ _id: `${moved}:6` as never }, { $set: { recordedAt: new Date(Date.parse(first.cutoff) + 500) } });
      const second = await runDigest();
      expect(second.seq).toBe(2);
      expect(second.prevHash).toBe(first.hash);
      expect(second.changedHeads).toEqual([{ stream: moved, seq: 6, hash: sixth.hash }]);
      const heads = new Map<string, StreamHead>();
      applyChangedHeads(heads, first.changedHeads);
      applyChangedHeads(heads, second.changedHeads);
      expect(second.root).toBe(merkleRoot([...heads.values()].sort(byStream)));
    });
  });

  describe('verification', () => {
    let saved: Digest;

    beforeAll(async () => {
      saved = await runDigest();
    });

    it('given an untouched store, when everything, one stream and a time range are verified, then all is intact and nothing is written', async () => {
      const before = { ...(await collectionCounts(stack.models)), digests: await stack.models.AuditDigest.countDocuments({}) };
      const total = await stack.models.AuditEvent.countDocuments({});
      const all = await verifyAudit({ digest: { seq: saved.seq, hash: saved.hash } });
      expect(all.status).toBe(200);
      expect(all.body).toEqual({
        ok: true,
        scope: { kind: 'all' },
        checkedEvents: total,
        checkedStreams: streams.length,
        digest: { seq: saved.seq, hash: saved.hash, source: 'saved', matchesStore: true, chainIntact: true, rootMatches: true, problems: [] },
        firstBreak: null,
        breaks: [],
        brokenStreams: 0,
      });
      const one = await verifyAudit({ stream: streams[0] });
      expect(one.body).toEqual(expect.objectContaining({ ok: true, scope: { kind: 'stream', stream: streams[0] }, checkedEvents: 5, checkedStreams: 1 }));
      expect(one.body.digest).toEqual(expect.objectContaining({ source: 'latest_stored', seq: saved.seq, matchesStore: true }));
      const second = (await events(streams[0]!))[1]!.at;
      const range = await verifyAudit({ from: second.toISOString(), to: new Date(Date.now() + 60_000).toISOString() });
      expect(range.body).toEqual(expect.objectContaining({ ok: true, scope: expect.objectContaining({ kind: 'range' }), digest: null }));
      expect(range.body.checkedEvents).toBeGreaterThan(0);
      expect({ ...(await collectionCounts(stack.models)), digests: await stack.models.AuditDigest.countDocuments({}) }).toEqual(before);
    });

    describe('given the database tampered with directly', () => {
      const [MODIFIED, DELETED, REORDERED, INSERTED, TRUNCATED] = [0, 1, 2, 3, 4];
      const expected: Record<number, { seq: number; kind: string; detail: string }> = {
        [MODIFIED]: { seq: 3, kind: 'modified', detail: 'event 3 does not match its hash' },
        [DELETED]: { seq: 2, kind: 'deleted', detail: 'event 2 is missing' },
        [REORDERED]: { seq: 3, kind: 'reordered', detail: "events 3 and 4 are in each other's place" },
        [INSERTED]: { seq: 3, kind: 'inserted', detail: 'event 3 is not part of the chain: event 4 links to event 2' },
        [TRUNCATED]: { seq: 4, kind: 'truncated', detail: 'events 4-5 covered by the digest are missing' },
      };

      beforeAll(async () => {
        const at = (i: number) => streams[i]!;
        // modified: someone rewrites who added a note
        await raw().updateOne({ _id: `${at(MODIFIED)}:3` as never }, { $set: { 'actor.id': 'mallory' } });
        // deleted: an event disappears
        await raw().deleteOne({ _id: `${at(DELETED)}:2` as never });
        // reordered: events 3 and 4 swap places (the unique (stream, seq) index needs a detour)
        await raw().updateOne({ _id: `${at(REORDERED)}:3` as never }, { $set: { seq: -1 } });
        await raw().updateOne({ _id: `${at(REORDERED)}:4` as never }, { $set: { seq: 3 } });
        await raw().updateOne({ _id: `${at(REORDERED)}:3` as never }, { $set: { seq: 4 } });
        // inserted: a forged event slipped in at seq 3, correctly hashed and linked to event 2, the rest renumbered
        const chain = await events(at(INSERTED));
        for (const e of [...chain].reverse().filter((x) => x.seq >= 3)) await raw().updateOne({ _id: e._id as never }, { $set: { seq: e.seq + 1 } });
        const { _id, recordedAt, hash: _hash, ...template } = chain[2]!;
        const forged = { ...template, seq: 3, action: 'refund_approved', prevHash: chain[1]!.hash, at: template.at.toISOString() } as unknown as ChainedEvent;
        await raw().insertOne({ ...forged, _id: `${at(INSERTED)}:forged`, at: template.at, hash: eventHash(forged), recordedAt } as never);
        // truncated: the last two events are gone
        await raw().deleteMany({ _id: { $in: [`${at(TRUNCATED)}:4`, `${at(TRUNCATED)}:5`] } as never });
      });

      it.each([
        { name: 'modified event', index: MODIFIED },
        { name: 'deleted event', index: DELETED },
        { name: 'reordered events', index: REORDERED },
        { name: 'inserted event', index: INSERTED },
        { name: 'truncated tail since the saved digest', index: TRUNCATED },
      ])('given tampering ($name), when its stream is verified against the saved digest, then the report names the exact first broken link', async ({ index }) => {
        const res = await verifyAudit({ stream: streams[index], digest: { seq: saved.seq, hash: saved.hash } });
        expect(res.status).toBe(200);
        const brk = { stream: streams[index], ...expected[index] };
        expect(res.body).toEqual(expect.objectContaining({ ok: false, firstBreak: brk, breaks: [brk], brokenStreams: 1 }));
        expect(res.body.digest).toEqual(expect.objectContaining({ matchesStore: true, chainIntact: true, rootMatches: true }));
      });

      it('given a truncated tail, when verified without any digest to compare with, then only a digest could tell: the stream verifies', async () => {
        const digests = await stack.models.AuditDigest.collection.find({}).toArray();
        await stack.models.AuditDigest.collection.deleteMany({});
        try {
          const res = await verifyAudit({ stream: streams[TRUNCATED] });
          expect(res.body).toEqual(expect.objectContaining({ ok: true, digest: null, checkedEvents: 3 }));
        } finally {
          await stack.models.AuditDigest.collection.insertMany(digests);
        }
      });

      it('given every kind of tampering, when everything is verified, then each broken stream is listed by stream and the first is reported', async () => {
        const res = await verifyAudit({ digest: { seq: saved.seq, hash: saved.hash } });
        const breaks = [MODIFIED, DELETED, REORDERED, INSERTED, TRUNCATED].map((i) => ({ stream: streams[i], ...expected[i] })).sort((a, b) => (a.stream! < b.stream! ? -1 : 1));
        expect(res.body).toEqual(expect.objectContaining({ ok: false, breaks, firstBreak: breaks[0], brokenStreams: 5, checkedStreams: streams.length }));
      });

      it('given a stored digest rewritten, when verified against the saved copy, then the digest check fails', async () => {
        const original = await stack.models.AuditDigest.findById(saved.seq).lean();
        await stack.models.AuditDigest.collection.updateOne({ _id: saved.seq as never }, { $set: { root: '0'.repeat(64) } });
        try {
          const res = await verifyAudit({ stream: streams[5], digest: { seq: saved.seq, hash: saved.hash } });
          expect(res.body.ok).toBe(false);
          expect(res.body.digest).toEqual(expect.objectContaining({ matchesStore: false, chainIntact: false, rootMatches: false }));
          expect(res.body.digest.problems).toEqual(expect.arrayContaining([`digest ${saved.seq}: content does not match its hash`]));
        } finally {
          await stack.models.AuditDigest.collection.updateOne({ _id: saved.seq as never }, { $set: { root: original!.root } });
        }
      });
    });

    it('given the API, when looking for a way to change audit events, then there is none: only GET search/export/digest and POST verify exist under /audit', async () => {
      const spec = (await stack.call('GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
      const auditOps = Object.entries(spec.paths)
        .filter(([path]) => path.startsWith('/audit'))
        .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
      expect(auditOps.filter((op) => !op.startsWith('GET ')).sort()).toEqual(['POST /audit/verify']);
      const before = await collectionCounts(stack.models);
      const target = `/audit/events/${encodeURIComponent(`${streams[5]}:1`)}`;
      for (const method of ['PUT', 'PATCH', 'DELETE', 'POST']) {
        const res = await stack.call<Problem>(method, target, { key: stack.keys.admin, body: { action: 'nothing' } });
        expectProblem(res, 404, 'NOT_FOUND');
      }
      expect(await collectionCounts(stack.models)).toEqual(before);
    });

    it('given a verify request with both a stream and a range, or a malformed digest, then 400 names the fields', async () => {
      const res = await verifyAudit({ stream: streams[0], from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z', digest: { seq: 0, hash: 'xyz' } });
      expectProblem(res, 400, 'VALIDATION_FAILED');
      expect((res.body as Problem).errors!.map((e) => e.path).sort()).toEqual(['body.digest.hash', 'body.digest.seq', 'body.stream']);
    });
  });
});
