/**
 * Audit integrity use cases: the latest signed digest, and verification of
 * the hash chains (one stream, a time range, or everything) streamed from the
 * store, optionally against a digest saved outside the system. Reads only.
 */
import type { Models } from '../db/models';
import type { StoredAuditEvent } from '../domain/audit-export';
import {
  type ChainBreak,
  type ChainedEvent,
  type DigestContent,
  type StreamHead,
  StreamChainChecker,
  applyChangedHeads,
  byStream,
  digestHash,
  digestSigningPayload,
  merkleRoot,
} from '../domain/audit-chain';
import type { DigestVerifier } from './audit-keys';

/** At most this many broken streams are listed (the first one is always reported). */
export const MAX_REPORTED_BREAKS = 100;

export type VerifyScope = { kind: 'stream'; stream: string } | { kind: 'range'; from: Date; to: Date } | { kind: 'all' };

/** The part of a saved digest the server needs: its hash identifies the whole signed record. */
export interface SavedDigestRef {
  seq: number;
  hash: string;
}

export interface DigestCheck {
  seq: number;
  hash: string;
  /** Where the reference came from: the caller's saved copy, or the latest stored digest. */
  source: 'saved' | 'latest_stored';
  /** The store still holds this digest unchanged. */
  matchesStore: boolean;
  /** Every digest up to this one is signed by the configured key and links to its predecessor. */
  chainIntact: boolean;
  /** The heads the digests list give back the signed Merkle root. */
  rootMatches: boolean;
  problems: string[];
}

export interface VerifyReport {
  ok: boolean;
  scope: { kind: VerifyScope['kind']; stream?: string; from?: string; to?: string };
  checkedEvents: number;
  checkedStreams: number;
  digest: DigestCheck | null;
  firstBreak: ChainBreak | null;
  /** The first break of every broken stream, by stream (at most MAX_REPORTED_BREAKS). */
  breaks: ChainBreak[];
  brokenStreams: number;
}

type StoredDigest = DigestContent & { hash: string; signature: string };

const toContent = (d: StoredDigest): DigestContent => ({
  seq: d.seq,
  cutoff: d.cutoff,
  createdAt: d.createdAt,
  prevHash: d.prevHash ?? null,
  root: d.root,
  streamCount: d.streamCount,
  changedHeads: d.changedHeads.map((h) => ({ stream: h.stream, seq: h.seq, hash: h.hash })),
  keyId: d.keyId,
});

/** Streams one after another, each in seq order: the order the chain checker needs (the (stream, seq) index). */
export const CHAIN_ORDER = { stream: 1, seq: 1 } as const;
export const VERIFY_BATCH = 1000;
export const EVENT_FIELDS = { stream: 1, seq: 1, entityType: 1, entityId: 1, action: 1, actor: 1, at: 1, before: 1, after: 1, details: 1, prevHash: 1, hash: 1 } as const;

function toChained(e: StoredAuditEvent): ChainedEvent {
  return {
    stream: e.stream,
    seq: e.seq,
    entityType: e.entityType,
    entityId: e.entityId,
    action: e.action,
    actor: { id: e.actor?.id, role: e.actor?.role },
    at: e.at instanceof Date ? e.at.toISOString() : String(e.at),
    before: e.before ?? null,
    after: e.after ?? null,
    details: e.details ?? {},
    prevHash: e.prevHash ?? null,
    hash: e.hash ?? '',
  };
}

export function createAuditIntegrityService(models: Models, verifier: DigestVerifier | null) {
  async function latestDigest(): Promise<(StoredDigest & { publicKey: string | null }) | null> {
    const d = (await models.AuditDigest.findOne({}, { _id: 0 }, { sort: { _id: -1 } }).lean()) as StoredDigest | null;
    return d ? { ...toContent(d), hash: d.hash, signature: d.signature, publicKey: verifier?.publicKey ?? null } : null;
  }

  /** Replays the digest chain up to `ref` and returns the stream heads it covers. */
  async function checkDigest(ref: SavedDigestRef | null): Promise<{ check: DigestCheck; heads: Map<string, StreamHead> } | null> {
    const target = ref ?? (await models.AuditDigest.findOne({}, { seq: 1, hash: 1 }, { sort: { _id: -1 } }).lean());
    if (!target) return null;
    const problems: string[] = [];
    const heads = new Map<string, StreamHead>();
    let prevHash: string | null = null;
    let chainIntact = true;
    let reached: StoredDigest | null = null;
    let expectedSeq = 1;
    for await (const raw of models.AuditDigest.find({ _id: { $lte: target.seq } }).sort({ _id: 1 }).lean().cursor({ batchSize: 200 })) {
      const d = raw as unknown as StoredDigest;
      const content = toContent(d);
      const broken = (why: string) => {
        chainIntact = false;
        problems.push(`digest ${d.seq}: ${why}`);
      };
      if (d.seq !== expectedSeq) broken(`expected digest ${expectedSeq} (a digest was deleted or renumbered)`);
      if (digestHash(content) !== d.hash) broken('content does not match its hash');
      if ((d.prevHash ?? null) !== prevHash) broken('does not link to the previous digest');
      if (!verifier || d.keyId !== verifier.keyId || !verifier.verify(digestSigningPayload(content), d.signature)) broken('signature is not valid for the configured public key');
      applyChangedHeads(heads, content.changedHeads);
      prevHash = d.hash;
      expectedSeq = d.seq + 1;
      reached = d;
    }
    // Content-addressed: the stored record must still hash to the saved hash.
    const matchesStore = reached !== null && reached.seq === target.seq && reached.hash === target.hash && digestHash(toContent(reached)) === target.hash;
    if (!matchesStore) problems.push(`the store no longer holds digest ${target.seq} with hash ${target.hash}`);
    const rootMatches = reached !== null && merkleRoot([...heads.values()].sort(byStream)) === reached.root;
    if (!rootMatches) problems.push('the stream heads listed by the digests do not give the signed Merkle root');
    return {
      check: { seq: target.seq, hash: target.hash, source: ref ? 'saved' : 'latest_stored', matchesStore, chainIntact, rootMatches, problems },
      heads,
    };
  }

  async function verify(scope: VerifyScope, saved: SavedDigestRef | null): Promise<VerifyReport> {
    // A time range checks links only; truncation is judged against a digest over whole streams.
    const digest = scope.kind === 'range' && !saved ? null : await checkDigest(saved);
    const heads = digest?.heads ?? null;
    const breaks: ChainBreak[] = [];
    let brokenStreams = 0;
    let checkedEvents = 0;
    let checkedStreams = 0;
    const seen = new Set<string>();
    let checker: StreamChainChecker | null = null;

    const finish = () => {
      if (!checker) return;
      const b = checker.end();
      checkedEvents += checker.checked;
      checkedStreams += 1;
      if (b) {
        brokenStreams += 1;
        if (breaks.length < MAX_REPORTED_BREAKS) breaks.push(b);
      }
      checker = null;
    };

    const filter = scope.kind === 'stream' ? { stream: scope.stream } : scope.kind === 'range' ? { at: { $gte: scope.from, $lt: scope.to } } : {};
    const cursor = models.AuditEvent.find(filter, EVENT_FIELDS).sort(CHAIN_ORDER).lean().cursor({ batchSize: VERIFY_BATCH });
    for await (const raw of cursor) {
      const e = toChained(raw as unknown as StoredAuditEvent);
      if (!checker || checker.stream !== e.stream) {
        finish();
        seen.add(e.stream);
        const start = scope.kind === 'range' && e.seq > 1 ? await linkBefore(e) : { expectedSeq: 1, prevHash: null };
        checker = new StreamChainChecker(e.stream, start, scope.kind === 'range' ? undefined : heads?.get(e.stream));
      }
      checker.push(e);
    }
    finish();

    // Streams the digest covers but the store no longer has at all.
    if (heads) {
      const expected = scope.kind === 'stream' ? [heads.get(scope.stream)].filter((h): h is StreamHead => !!h) : [...heads.values()];
      for (const h of expected) {
        if (seen.has(h.stream)) continue;
        const lost = new StreamChainChecker(h.stream, { expectedSeq: 1, prevHash: null }, h).end()!;
        brokenStreams += 1;
        if (breaks.length < MAX_REPORTED_BREAKS) breaks.push(lost);
      }
    }
    breaks.sort((a, b) => byStream(a, b));
    const digestOk = !digest || (digest.check.matchesStore && digest.check.chainIntact && digest.check.rootMatches);
    return {
      ok: breaks.length === 0 && digestOk,
      scope:
        scope.kind === 'stream'
          ? { kind: 'stream', stream: scope.stream }
          : scope.kind === 'range'
            ? { kind: 'range', from: scope.from.toISOString(), to: scope.to.toISOString() }
            : { kind: 'all' },
      checkedEvents,
      checkedStreams,
      digest: digest?.check ?? null,
      firstBreak: breaks[0] ?? null,
      breaks,
      brokenStreams,
    };
  }

  /** The link a range's first event of a stream must continue: the stored event just before it. */
  async function linkBefore(e: ChainedEvent) {
    const prev = await models.AuditEvent.findById(`${e.stream}:${e.seq - 1}`, { hash: 1 }).lean();
    // A missing predecessor makes the checker report the gap (prevHash null never matches a real link).
    return prev ? { expectedSeq: e.seq, prevHash: prev.hash } : { expectedSeq: e.seq - 1, prevHash: null };
  }

  return { latestDigest, verify };
}

export type AuditIntegrityService = ReturnType<typeof createAuditIntegrityService>;
