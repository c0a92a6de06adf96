import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import {
  type ChainedEvent,
  type StreamHead,
  StreamChainChecker,
  applyChangedHeads,
  byStream,
  chainEvents,
  digestHash,
  digestSigningPayload,
  eventHash,
  merkleRoot,
} from '../../src/domain/audit-chain';

const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();

/** RFC 6962 section 2.1, written recursively as in the RFC (the implementation streams). */
function referenceRoot(heads: StreamHead[]): string {
  const mth = (leaves: Buffer[]): Buffer => {
    if (leaves.length === 0) return sha(Buffer.alloc(0));
    if (leaves.length === 1) return sha(Buffer.from([0]), leaves[0]!);
    let k = 1;
    while (k * 2 < leaves.length) k *= 2;
    return sha(Buffer.from([1]), mth(leaves.slice(0, k)), mth(leaves.slice(k)));
  };
  return mth(heads.map((h) => Buffer.from(canonicalize({ stream: h.stream, seq: h.seq, hash: h.hash })!, 'utf8'))).toString('hex');
}

function stream(name: string, n: number): ChainedEvent[] {
  return chainEvents(
    Array.from({ length: n }, (_, i) => ({
      stream: name,
      seq: i + 1,
      entityType: 'complaint',
      entityId: name.split(':')[1]!,
      action: i === 0 ? 'intake' : `step_${i}`,
      actor: { id: 'alice', role: 'agent' },
      at: new Date(Date.UTC(2026, 10, 2, 9, i)).toISOString(),
      before: i === 0 ? null : { status: 'open', n: i - 1 },
      after: { status: 'open', n: i },
      details: { note: `step ${i}`, nested: { b: 2, a: [1, 'é', null] } },
    })),
    null,
  );
}

function check(events: ChainedEvent[], head?: StreamHead) {
  const checker = new StreamChainChecker('complaint:c1', { expectedSeq: 1, prevHash: null }, head);
  for (const e of events) checker.push(e);
  return checker.end();
}

const headOf = (events: ChainedEvent[]): StreamHead => ({ stream: events[0]!.stream, seq: events[events.length - 1]!.seq, hash: events[events.length - 1]!.hash });
const rehash = (e: ChainedEvent): ChainedEvent => ({ ...e, hash: eventHash(e) });

describe('audit event hashing', () => {
  it('given an event, when hashed, then the hash is SHA-256 of its RFC 8785 canonical JSON without hash, _id and recordedAt', () => {
    const [e] = stream('complaint:c1', 1);
    const { hash, ...content } = e!;
    expect(hash).toBe(createHash('sha256').update(canonicalize(content)!, 'utf8').digest('hex'));
    expect(eventHash({ ...content, details: { nested: { a: [1, 'é', null], b: 2 }, note: 'step 0' } })).toBe(hash);
  });

  it('given a chain, when built, then each event stores the previous hash and seq 1 links to null', () => {
    const events = stream('complaint:c1', 4);
    expect(events.map((e) => e.prevHash)).toEqual([null, events[0]!.hash, events[1]!.hash, events[2]!.hash]);
    expect(new Set(events.map((e) => e.hash)).size).toBe(4);
  });

  it('given values a JSON store changes (undefined fields, dates), when chained, then the hash covers them as stored', () => {
    const [e] = chainEvents(
      [{ stream: 's:1', seq: 1, entityType: 'cycle', entityId: '1', action: 'create', actor: { id: 'o', role: 'process_owner' }, at: '2026-01-01T00:00:00.000Z', before: null, after: { x: undefined, d: new Date(0) }, details: {} }],
      null,
    );
    expect(e!.after).toEqual({ d: '1970-01-01T00:00:00.000Z' });
    expect(eventHash(JSON.parse(JSON.stringify(e)) as ChainedEvent)).toBe(e!.hash);
  });
});

describe('chain verification: the first broken link', () => {
  const events = stream('complaint:c1', 6);

  it('given an intact stream, when checked, then there is no break and every event is checked', () => {
    const checker = new StreamChainChecker('complaint:c1');
    for (const e of events) checker.push(e);
    expect(checker.end()).toBeNull();
    expect(checker.checked).toBe(6);
  });

  it('given an event whose content was edited, when checked, then it is reported modified at its seq', () => {
    const tampered = events.map((e) => (e.seq === 3 ? { ...e, actor: { id: 'mallory', role: 'agent' } } : e));
    expect(check(tampered)).toEqual({ stream: 'complaint:c1', seq: 3, kind: 'modified', detail: 'event 3 does not match its hash' });
  });

  it('given an event edited and re-hashed, when checked, then the next link exposes it as modified', () => {
    const tampered = events.map((e) => (e.seq === 3 ? rehash({ ...e, details: { note: 'nothing happened' } }) : e));
    expect(check(tampered)).toEqual(expect.objectContaining({ seq: 3, kind: 'modified' }));
  });

  it('given a deleted event, when checked, then it is reported deleted at the missing seq', () => {
    expect(check(events.filter((e) => e.seq !== 4))).toEqual({ stream: 'complaint:c1', seq: 4, kind: 'deleted', detail: 'event 4 is missing' });
    expect(check(events.filter((e) => e.seq !== 1))).toEqual(expect.objectContaining({ seq: 1, kind: 'deleted' }));
  });

  it('given a deleted event and the later ones renumbered, when checked, then it is reported deleted at that seq', () => {
    const renumbered = events.filter((e) => e.seq !== 4).map((e) => (e.seq > 4 ? { ...e, seq: e.seq - 1 } : e));
    expect(check(renumbered)).toEqual(expect.objectContaining({ seq: 4, kind: 'deleted' }));
  });

  it('given two events swapped, when checked, then it is reported reordered at the first of them', () => {
    const swapped = events.map((e) => (e.seq === 2 ? { ...events[2]!, seq: 2 } : e.seq === 3 ? { ...events[1]!, seq: 3 } : e));
    expect(check(swapped)).toEqual(expect.objectContaining({ seq: 2, kind: 'reordered' }));
  });

  it('given an event inserted with later ones renumbered, when checked, then it is reported inserted at its seq', () => {
    const fake: ChainedEvent = rehash({ ...events[2]!, seq: 3, action: 'refund_approved', prevHash: events[1]!.hash });
    const inserted = [...events.slice(0, 2), fake, ...events.slice(2).map((e) => ({ ...e, seq: e.seq + 1 }))];
    expect(check(inserted)).toEqual(expect.objectContaining({ seq: 3, kind: 'inserted' }));
    const careless = [...events.slice(0, 2), { ...fake, prevHash: 'f'.repeat(64) }, ...events.slice(2).map((e) => ({ ...e, seq: e.seq + 1 }))];
    expect(check(careless)).toEqual(expect.objectContaining({ seq: 3, kind: 'inserted' }));
  });

  it('given a truncated tail, when checked against the saved head, then it is reported truncated from the first missing seq', () => {
    expect(check(events.slice(0, 4), headOf(events))).toEqual({ stream: 'complaint:c1', seq: 5, kind: 'truncated', detail: 'events 5-6 covered by the digest are missing' });
    expect(check([], headOf(events))).toEqual(expect.objectContaining({ seq: 1, kind: 'truncated' }));
    expect(check(events.slice(0, 4))).toBeNull();
  });

  it('given the last event rewritten and re-hashed, when checked against the saved head, then it is reported modified', () => {
    const tampered = events.map((e) => (e.seq === 6 ? rehash({ ...e, action: 'closed' }) : e));
    expect(check(tampered)).toBeNull();
    expect(check(tampered, headOf(events))).toEqual(expect.objectContaining({ seq: 6, kind: 'modified' }));
  });

  it('given events appended after the digest, when checked against it, then the chain is intact', () => {
    expect(check(events, headOf(events.slice(0, 3)))).toBeNull();
  });

  it('given a range that starts mid-stream, when checked with the link before it, then it verifies; with a wrong link it breaks', () => {
    const ok = new StreamChainChecker('complaint:c1', { expectedSeq: 3, prevHash: events[1]!.hash });
    events.slice(2).forEach((e) => ok.push(e));
    expect(ok.end()).toBeNull();
    const bad = new StreamChainChecker('complaint:c1', { expectedSeq: 3, prevHash: events[0]!.hash });
    events.slice(2).forEach((e) => bad.push(e));
    expect(bad.end()).toEqual(expect.objectContaining({ seq: 2, kind: 'modified' }));
  });
});

describe('Merkle root over stream heads (RFC 6962)', () => {
  const heads = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ stream: `complaint:c${String(i).padStart(3, '0')}`, seq: i + 1, hash: createHash('sha256').update(String(i)).digest('hex') }));

  it.each([0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 31, 100])('given %i heads, when the root is streamed, then it equals the recursive RFC 6962 tree hash', (n) => {
    expect(merkleRoot(heads(n))).toBe(referenceRoot(heads(n)));
  });

  it('given one head changed, when the root is recomputed, then it differs', () => {
    const h = heads(9);
    const changed = h.map((x, i) => (i === 4 ? { ...x, seq: x.seq + 1 } : x));
    expect(merkleRoot(changed)).not.toBe(merkleRoot(h));
  });

  it('given heads changed by later digests, when applied, then a head only moves forward and streams sort the same everywhere', () => {
    const map = new Map<string, StreamHead>();
    applyChangedHeads(map, [{ stream: 'b', seq: 2, hash: 'x' }, { stream: 'a', seq: 1, hash: 'y' }]);
    applyChangedHeads(map, [{ stream: 'b', seq: 1, hash: 'old' }, { stream: 'b', seq: 5, hash: 'z' }]);
    expect([...map.values()].sort(byStream)).toEqual([{ stream: 'a', seq: 1, hash: 'y' }, { stream: 'b', seq: 5, hash: 'z' }]);
  });
});

describe('digest hashing', () => {
  it('given a digest, when hashed, then the hash covers every signed field', () => {
    const d = { seq: 2, cutoff: '2026-11-21T10:00:00.000Z', createdAt: '2026-11-21T10:01:00.000Z', prevHash: 'a'.repeat(64), root: 'b'.repeat(64), streamCount: 3, changedHeads: [{ stream: 's', seq: 1, hash: 'c' }], keyId: 'k1' };
    expect(digestHash(d)).toBe(createHash('sha256').update(digestSigningPayload(d), 'utf8').digest('hex'));
    for (const change of [{ seq: 3 }, { root: 'c'.repeat(64) }, { prevHash: null }, { changedHeads: [] }, { streamCount: 4 }, { cutoff: '2026-11-21T10:00:00.001Z' }]) {
      expect(digestHash({ ...d, ...change })).not.toBe(digestHash(d));
    }
  });
});
