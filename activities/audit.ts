/**
 * The audit digest activity: collects the stream heads that changed since the
 * previous digest, updates the heads table, computes the Merkle root over all
 * heads and appends the signed, chained digest. Idempotent: a retry for a
 * cutoff already covered returns the existing digest; heads only move forward.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { DigestResult } from '../src/contracts/audit';
import { type Models, insertIfAbsent } from '../src/db/models';
import { type DigestContent, type StreamHead, MerkleTree, byStream, digestHash, digestSigningPayload } from '../src/domain/audit-chain';
import type { DigestSigner } from '../src/services/audit-keys';

export interface AuditActivityDeps {
  models: Models;
  signer: DigestSigner | null;
}

export function createAuditActivities({ models, signer }: AuditActivityDeps) {
  async function createAuditDigest(input: { cutoff: string; requestedBy: string }): Promise<DigestResult> {
    if (!signer) throw ApplicationFailure.nonRetryable('QL_AUDIT_SIGNING_KEY is not configured on this worker; audit digests cannot be signed', 'AUDIT_KEY_MISSING');
    const previous = await models.AuditDigest.findOne({}, null, { sort: { _id: -1 } }).lean();
    if (previous && previous.cutoff >= input.cutoff) return resultOf(previous, previous.changedHeads.length, true);

    const cutoff = new Date(input.cutoff);
    const recorded = previous ? { $gt: new Date(previous.cutoff), $lte: cutoff } : { $lte: cutoff };
    const changed = new Map<string, StreamHead>();
    for await (const e of models.AuditEvent.find({ recordedAt: recorded }, { stream: 1, seq: 1, hash: 1 }).lean().cursor({ batchSize: 1000 })) {
      const known = changed.get(e.stream);
      if (!known || known.seq < e.seq) changed.set(e.stream, { stream: e.stream, seq: e.seq, hash: e.hash });
    }
    const changedHeads = [...changed.values()].sort(byStream);
    await moveHeadsForward(changedHeads);

    const tree = new MerkleTree();
    for await (const h of models.AuditHead.find({}).sort({ _id: 1 }).lean().cursor({ batchSize: 1000 })) tree.add({ stream: h._id, seq: h.seq, hash: h.hash });

    const content: DigestContent = {
      seq: (previous?.seq ?? 0) + 1,
      cutoff: input.cutoff,
      createdAt: new Date().toISOString(),
      prevHash: previous?.hash ?? null,
      root: tree.root(),
      streamCount: tree.size,
      changedHeads,
      keyId: signer.keyId,
    };
    const doc = { _id: content.seq, ...content, hash: digestHash(content), signature: signer.sign(digestSigningPayload(content)) };
    // `_id` = seq: two jobs racing for the same seq cannot both append (the chain of digests never forks).
    if ((await insertIfAbsent(models.AuditDigest, [doc])).inserted === 0) throw new Error(`audit digest ${content.seq} was appended concurrently; retrying`);
    return resultOf(doc, changedHeads.length, false);
  }

  /** Heads table update: insert new streams, raise the seq of known ones (never lower it). */
  async function moveHeadsForward(heads: StreamHead[]): Promise<void> {
    const ids = heads.map((h) => h.stream);
    const stored = new Map<string, number>();
    for (let i = 0; i < ids.length; i += 1000) {
      for (const h of await models.AuditHead.find({ _id: { $in: ids.slice(i, i + 1000) } }, { seq: 1 }).lean()) stored.set(h._id, h.seq);
    }
    const fresh = heads.filter((h) => !stored.has(h.stream)).map((h) => ({ _id: h.stream, seq: h.seq, hash: h.hash }));
    await insertIfAbsent(models.AuditHead, fresh);
    for (const h of heads) {
      const seq = stored.get(h.stream);
      if (seq !== undefined && seq < h.seq) await models.AuditHead.updateOne({ _id: h.stream }, { $set: { seq: h.seq, hash: h.hash } });
    }
  }

  return { createAuditDigest };
}

function resultOf(d: { seq: number; hash: string; root: string; streamCount: number }, changedStreams: number, existing: boolean): DigestResult {
  return { seq: d.seq, hash: d.hash, root: d.root, streamCount: d.streamCount, changedStreams, existing };
}

export type AuditActivities = ReturnType<typeof createAuditActivities>;
