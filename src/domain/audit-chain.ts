/**
 * The tamper-evident audit chain. Every stream (one per workflow entity) is a
 * hash chain: event n stores the hash of event n-1 and its own hash, SHA-256
 * over the RFC 8785 canonical JSON of its content (everything but `hash` and
 * the store's receipt time). Periodic digests sign a Merkle root over every
 * stream's head (RFC 6962 tree), so truncating a stream's tail, or rewriting
 * a whole stream consistently, is caught against a digest saved elsewhere.
 *
 * Pure: hashing, the Merkle tree and the streaming chain checker. Reading the
 * store and signing are the callers' business.
 */
import { sha256 } from '@noble/hashes/sha256';
import { bytesToHex, concatBytes, utf8ToBytes } from '@noble/hashes/utils';
import { canonicalJson, sha256Hex } from './hashing';

/** What is hashed: an audit event as stored, minus `_id`, `hash` and `recordedAt`, with `at` as an ISO string. */
export interface AuditEventContent {
  stream: string;
  seq: number;
  entityType: string;
  entityId: string;
  action: string;
  actor: { id: string; role: string };
  at: string;
  before: unknown;
  after: unknown;
  details: unknown;
  prevHash: string | null;
}

export interface ChainedEvent extends AuditEventContent {
  hash: string;
}

/** Values exactly as a JSON store gives them back (dates as ISO strings, undefined fields dropped). */
export function jsonNormalized<T>(value: T): T {
  return value === undefined ? (null as T) : (JSON.parse(JSON.stringify(value)) as T);
}

export function eventHash(e: AuditEventContent): string {
  const content: AuditEventContent = {
    stream: e.stream,
    seq: e.seq,
    entityType: e.entityType,
    entityId: e.entityId,
    action: e.action,
    actor: { id: e.actor.id, role: e.actor.role },
    at: e.at,
    before: e.before ?? null,
    after: e.after ?? null,
    details: e.details ?? {},
    prevHash: e.prevHash ?? null,
  };
  return sha256Hex(canonicalJson(content));
}

/** Chains `events` (consecutive, in seq order) onto `prevHash`. */
export function chainEvents(events: Omit<AuditEventContent, 'prevHash'>[], prevHash: string | null): ChainedEvent[] {
  const out: ChainedEvent[] = [];
  let prev = prevHash;
  for (const e of events) {
    const content = { ...e, before: jsonNormalized(e.before), after: jsonNormalized(e.after), details: jsonNormalized(e.details ?? {}), prevHash: prev };
    const hash = eventHash(content);
    out.push({ ...content, hash });
    prev = hash;
  }
  return out;
}

// ------------------------------------------------------------ Merkle tree

/** A stream head: the last event of a stream (as of a digest). */
export interface StreamHead {
  stream: string;
  seq: number;
  hash: string;
}

const LEAF = Uint8Array.of(0);
const NODE = Uint8Array.of(1);

export function merkleLeafHash(head: StreamHead): Uint8Array {
  return sha256(concatBytes(LEAF, utf8ToBytes(canonicalJson({ stream: head.stream, seq: head.seq, hash: head.hash }))));
}

/**
 * RFC 6962 Merkle Tree Hash over leaves added in order, in O(log n) memory:
 * complete subtrees are merged as they fill; `root()` folds the rest from the right.
 */
export class MerkleTree {
  private stack: { size: number; hash: Uint8Array }[] = [];
  private count = 0;

  add(head: StreamHead): void {
    let node = { size: 1, hash: merkleLeafHash(head) };
    while (this.stack.length > 0 && this.stack[this.stack.length - 1]!.size === node.size) {
      const left = this.stack.pop()!;
      node = { size: left.size * 2, hash: sha256(concatBytes(NODE, left.hash, node.hash)) };
    }
    this.stack.push(node);
    this.count += 1;
  }

  get size(): number {
    return this.count;
  }

  root(): string {
    if (this.stack.length === 0) return bytesToHex(sha256(new Uint8Array(0)));
    let acc = this.stack[this.stack.length - 1]!.hash;
    for (let i = this.stack.length - 2; i >= 0; i--) acc = sha256(concatBytes(NODE, this.stack[i]!.hash, acc));
    return bytesToHex(acc);
  }
}

/** Merkle root of heads, which must be sorted by stream. */
export function merkleRoot(heads: Iterable<StreamHead>): string {
  const tree = new MerkleTree();
  for (const h of heads) tree.add(h);
  return tree.root();
}

// ------------------------------------------------------------ digests

/** A digest as signed: the chain of digests, and the Merkle root over every stream head as of `cutoff`. */
export interface DigestContent {
  seq: number;
  /** Events recorded up to this instant (ISO) are covered. */
  cutoff: string;
  createdAt: string;
  prevHash: string | null;
  root: string;
  streamCount: number;
  /** The heads that changed since the previous digest, sorted by stream; with the earlier digests' heads they give the tree. */
  changedHeads: StreamHead[];
  keyId: string;
}

export function digestHash(d: DigestContent): string {
  return sha256Hex(digestSigningPayload(d));
}

/** The exact bytes that are signed (UTF-8 of this string). */
export function digestSigningPayload(d: DigestContent): string {
  return canonicalJson({
    seq: d.seq,
    cutoff: d.cutoff,
    createdAt: d.createdAt,
    prevHash: d.prevHash,
    root: d.root,
    streamCount: d.streamCount,
    changedHeads: d.changedHeads.map((h) => ({ stream: h.stream, seq: h.seq, hash: h.hash })),
    keyId: d.keyId,
  });
}

/** Heads after applying `changed` to `heads` (a stream's head only moves forward). */
export function applyChangedHeads(heads: Map<string, StreamHead>, changed: readonly StreamHead[]): void {
  for (const h of changed) {
    const current = heads.get(h.stream);
    if (!current || current.seq < h.seq) heads.set(h.stream, { stream: h.stream, seq: h.seq, hash: h.hash });
  }
}

/** Stream ids compare by UTF-16 code units, the same order everywhere (JS sort, the Merkle leaves). */
export const byStream = (a: { stream: string }, b: { stream: string }) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0);

// ------------------------------------------------------------ verification

export type BreakKind = 'modified' | 'deleted' | 'reordered' | 'inserted' | 'truncated';

/** The first broken link of a stream: where the chain stops being trustworthy, and the likeliest cause. */
export interface ChainBreak {
  stream: string;
  seq: number;
  kind: BreakKind;
  detail: string;
}

/** What the checker knows before the first event it sees: the link it must continue. */
export interface ChainStart {
  /** The seq the first event must have (1 for a whole stream). */
  expectedSeq: number;
  /** Hash of event expectedSeq - 1 (null before seq 1). */
  prevHash: string | null;
}

/**
 * Checks one stream's events fed in seq order, with one event of lookahead
 * (needed to tell a reordering or an insertion from a modification). Stops
 * at the first break. `expectedHead`, from a saved digest, also catches a
 * truncated tail and a consistently rewritten last event.
 */
export class StreamChainChecker {
  private pending: ChainedEvent | null = null;
  private prev: { seq: number; hash: string | null };
  private prevPrevHash: string | null | undefined = undefined;
  private expectedSeq: number;
  private headSeen: ChainedEvent | null = null;
  private lastSeq: number;
  private broken: ChainBreak | null = null;
  checked = 0;

  constructor(
    readonly stream: string,
    start: ChainStart = { expectedSeq: 1, prevHash: null },
    private readonly expectedHead?: StreamHead,
  ) {
    this.expectedSeq = start.expectedSeq;
    this.prev = { seq: start.expectedSeq - 1, hash: start.prevHash };
    this.lastSeq = start.expectedSeq - 1;
  }

  get firstBreak(): ChainBreak | null {
    return this.broken;
  }

  push(event: ChainedEvent): void {
    if (this.broken) return;
    if (this.pending) this.step(this.pending, event);
    this.pending = event;
  }

  /** Call after the last event; returns the first break, if any. */
  end(): ChainBreak | null {
    if (this.pending && !this.broken) this.step(this.pending, undefined);
    this.pending = null;
    if (!this.broken && this.expectedHead) this.checkHead(this.expectedHead);
    return this.broken;
  }

  private fail(seq: number, kind: BreakKind, detail: string): void {
    this.broken ??= { stream: this.stream, seq, kind, detail };
  }

  private step(e: ChainedEvent, next: ChainedEvent | undefined): void {
    if (this.broken) return;
    this.checked += 1;
    if (e.seq > this.expectedSeq) {
      const missing = e.seq - this.expectedSeq === 1 ? `event ${this.expectedSeq} is` : `events ${this.expectedSeq}-${e.seq - 1} are`;
      return this.fail(this.expectedSeq, 'deleted', `${missing} missing`);
    }
    if (e.seq < this.expectedSeq) return this.fail(e.seq, 'inserted', `a second event ${e.seq}`);
    if (e.prevHash !== this.prev.hash) return this.classifyBrokenLink(e, next);
    if (eventHash(e) !== e.hash) return this.fail(e.seq, 'modified', `event ${e.seq} does not match its hash`);
    this.accept(e);
  }

  /** `e` does not link to the event before it: say which tampering explains it best. */
  private classifyBrokenLink(e: ChainedEvent, next: ChainedEvent | undefined): void {
    const prevSeq = this.prev.seq;
    if (next && next.prevHash === this.prev.hash && e.prevHash === next.hash) {
      return this.fail(e.seq, 'reordered', `events ${e.seq} and ${next.seq} are in each other's place`);
    }
    if (next && next.prevHash === this.prev.hash) {
      return this.fail(e.seq, 'inserted', `event ${e.seq} is not part of the chain: event ${next.seq} links to event ${prevSeq}`);
    }
    if (this.prevPrevHash !== undefined && e.prevHash === this.prevPrevHash) {
      return this.fail(prevSeq, 'inserted', `event ${prevSeq} is not part of the chain: event ${e.seq} links to event ${prevSeq - 1}`);
    }
    if (eventHash({ ...e, seq: e.seq + 1 }) === e.hash) {
      return this.fail(e.seq, 'deleted', `event ${e.seq} is missing: the later events were renumbered`);
    }
    if (eventHash(e) === e.hash && prevSeq >= 1) {
      return this.fail(prevSeq, 'modified', `event ${prevSeq} was rewritten: its hash no longer matches the link stored in event ${e.seq}`);
    }
    return this.fail(e.seq, 'modified', `event ${e.seq} does not link to event ${prevSeq}`);
  }

  private accept(e: ChainedEvent): void {
    this.prevPrevHash = this.prev.hash;
    this.prev = { seq: e.seq, hash: e.hash };
    this.lastSeq = e.seq;
    this.expectedSeq = e.seq + 1;
    if (this.expectedHead && e.seq === this.expectedHead.seq) this.headSeen = e;
  }

  private checkHead(head: StreamHead): void {
    if (this.lastSeq < head.seq) {
      const from = this.lastSeq + 1;
      return this.fail(from, 'truncated', `events ${from}-${head.seq} covered by the digest are missing`);
    }
    if (this.headSeen && this.headSeen.hash !== head.hash) {
      this.fail(head.seq, 'modified', `event ${head.seq} differs from the one the digest covers`);
    }
  }
}
