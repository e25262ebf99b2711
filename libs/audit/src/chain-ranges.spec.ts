import fc from 'fast-check';
import { ChainRecord, ChainVerifier, GENESIS_HASH, hashRecord, StoredChainEvent, TrustedAnchor } from './audit-chain';
import { AnchorCheck, AnchorsAtSeq, joinRanges, RangeWalk, splitRange } from './chain-ranges';

const record = (seq: number): ChainRecord => ({
  seq,
  id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
  occurredAt: '2026-11-25T10:00:00.000001Z',
  actor: { id: null, role: 'system' },
  action: 'case.opened',
  target: { type: 'case', id: `case-${seq}` },
  data: { n: seq },
  requestId: null,
});

function sealedChain(length: number): StoredChainEvent[] {
  let prevHash = GENESIS_HASH;
  return Array.from({ length }, (_, i) => {
    const event = { ...record(i + 1), prevHash, hash: '' };
    event.hash = hashRecord(prevHash, event);
    prevHash = event.hash;
    return event;
  });
}

/** What an attacker can do to stored rows (the trigger disabled): each keeps seqs unique and in order. */
type Tamper =
  | { kind: 'edit' | 'delete' | 'forge_hash' | 'null_prev_hash' | 'cut_tail_from' | 'recompute_from'; at: number }
  | { kind: 'swap'; at: number };

function tamper(chain: StoredChainEvent[], change: Tamper): StoredChainEvent[] {
  const events = chain.map((e) => ({ ...e }));
  if (events.length === 0) return events;
  const i = change.at % events.length;
  switch (change.kind) {
    case 'edit':
      events[i].data = { n: -1 };
      return events;
    case 'delete':
      return events.filter((_, j) => j !== i);
    case 'forge_hash':
      events[i].hash = 'f'.repeat(64);
      return events;
    case 'null_prev_hash':
      events[i].prevHash = null;
      return events;
    case 'cut_tail_from':
      return events.slice(0, Math.max(1, i));
    case 'swap': {
      if (i + 1 >= events.length) return events;
      const { data, target } = events[i];
      events[i] = { ...events[i], data: events[i + 1].data, target: events[i + 1].target };
      events[i + 1] = { ...events[i + 1], data, target };
      return events;
    }
    case 'recompute_from': {
      events[i].data = { n: -2 };
      for (let j = i; j < events.length; j++) {
        if (j > i) events[j].prevHash = events[j - 1].hash;
        events[j].hash = hashRecord(events[j].prevHash!, events[j]);
      }
      return events;
    }
  }
}

/** The answer of one walk from `start`, checkpoints checked as it goes: what the ranges must reproduce. */
function oneWalk(start: TrustedAnchor, events: StoredChainEvent[], anchors: Map<number, AnchorsAtSeq>) {
  const verifier = new ChainVerifier(start);
  for (const event of events.filter((e) => e.seq > start.seq)) {
    const at = anchors.get(event.seq);
    if (!verifier.push(event, at?.trusted)) break;
    if (at?.forged && !verifier.fail(event.seq, 'checkpoint_signature_invalid')) break;
  }
  return { checked: verifier.checked, head: verifier.head, failure: verifier.firstFailure };
}

function inRanges(
  start: TrustedAnchor,
  events: StoredChainEvent[],
  anchors: Map<number, AnchorsAtSeq>,
  parts: number,
  anchorsPerPage = Infinity,
) {
  const headSeq = events.length ? events[events.length - 1].seq : 0;
  const outcomes = splitRange({ afterSeq: start.seq, untilSeq: Math.max(start.seq, headSeq) }, parts).map((range) => {
    const walk = new RangeWalk(range);
    walk.push(events.filter((e) => e.seq > range.afterSeq && e.seq <= range.untilSeq));
    return walk.outcome();
  });
  const hashes = new Map(events.map((e) => [e.seq, e.hash ?? '']));
  // Checkpoints in pages of seqs, in seq order, as the verifier reads them.
  const check = new AnchorCheck(start, joinRanges(start, outcomes));
  const seqs = [...anchors.keys()].sort((a, b) => a - b);
  for (let i = 0; i < seqs.length && !check.done; i += anchorsPerPage) {
    const page = new Map(seqs.slice(i, i + anchorsPerPage).map((seq) => [seq, anchors.get(seq)!]));
    check.apply(page, (seq) => hashes.get(seq) ?? '');
  }
  return check.result();
}

describe('splitRange', () => {
  it('cuts (after, until] into consecutive ranges, none empty, one at least', () => {
    expect(splitRange({ afterSeq: 0, untilSeq: 10 }, 3)).toEqual([
      { afterSeq: 0, untilSeq: 3 },
      { afterSeq: 3, untilSeq: 6 },
      { afterSeq: 6, untilSeq: 10 },
    ]);
    expect(splitRange({ afterSeq: 30, untilSeq: 33 }, 8)).toEqual([
      { afterSeq: 30, untilSeq: 31 },
      { afterSeq: 31, untilSeq: 32 },
      { afterSeq: 32, untilSeq: 33 },
    ]);
    expect(splitRange({ afterSeq: 5, untilSeq: 5 }, 4)).toEqual([{ afterSeq: 5, untilSeq: 5 }]);
  });
});

describe('verifying a chain in ranges', () => {
  const chain = sealedChain(40);

  it('finds nothing wrong with an intact chain, however it is cut', () => {
    for (const parts of [1, 2, 3, 7, 40]) {
      expect(inRanges({ seq: 0, hash: GENESIS_HASH }, chain, new Map(), parts)).toEqual({
        checked: 40,
        head: { seq: 40, hash: chain[39].hash },
        failure: null,
      });
    }
  });

  it('names the link between two ranges when the first event of a range points elsewhere', () => {
    // Seq 21 onwards re-linked to a made-up hash and re-hashed: each range of a cut at 20 | 21 is consistent in
    // itself; only the join can see that 21 does not follow 20.
    const events = chain.map((e) => ({ ...e }));
    events[20].prevHash = 'a'.repeat(64);
    for (let j = 20; j < events.length; j++) {
      if (j > 20) events[j].prevHash = events[j - 1].hash;
      events[j].hash = hashRecord(events[j].prevHash!, events[j]);
    }
    expect(inRanges({ seq: 0, hash: GENESIS_HASH }, events, new Map(), 2)).toMatchObject({
      checked: 21,
      failure: { seq: 21, fault: 'prev_hash_mismatch' },
    });
  });

  it('needs a checkpoint to catch a chain recomputed after an edit, and names the first seq after the last good one', () => {
    const events = tamper(chain, { kind: 'recompute_from', at: 20 }); // seq 21 edited, 21.. re-hashed
    expect(inRanges({ seq: 0, hash: GENESIS_HASH }, events, new Map(), 3).failure).toBeNull();
    const anchors = new Map<number, AnchorsAtSeq>([
      [10, { trusted: [{ seq: 10, hash: chain[9].hash! }], forged: false }],
      [30, { trusted: [{ seq: 30, hash: chain[29].hash! }], forged: false }],
    ]);
    expect(inRanges({ seq: 0, hash: GENESIS_HASH }, events, anchors, 3)).toMatchObject({
      checked: 30,
      failure: { seq: 11, fault: 'checkpoint_mismatch' },
    });
  });

  it('names a deleted event at the end of a range as missing', () => {
    const events = tamper(chain, { kind: 'delete', at: 19 }); // seq 20, the last of the first of two ranges
    expect(inRanges({ seq: 0, hash: GENESIS_HASH }, events, new Map(), 2)).toMatchObject({
      checked: 19,
      failure: { seq: 20, fault: 'missing_event' },
    });
  });

  it('gives exactly the answer of one walk, for any tampering, checkpoints and number of ranges', () => {
    const tampering = fc.oneof(
      fc.record({
        kind: fc.constantFrom('edit', 'delete', 'forge_hash', 'null_prev_hash', 'cut_tail_from', 'recompute_from', 'swap'),
        at: fc.nat(),
      }) as fc.Arbitrary<Tamper>,
    );
    const checkpoint = fc.record({
      seq: fc.integer({ min: 1, max: 40 }),
      kind: fc.constantFrom('true_hash', 'wrong_hash', 'forged'),
    });
    fc.assert(
      fc.property(
        fc.array(tampering, { maxLength: 3 }),
        fc.array(checkpoint, { maxLength: 4 }),
        fc.integer({ min: 1, max: 9 }),
        fc.option(fc.integer({ min: 1, max: 39 }), { nil: null }),
        fc.integer({ min: 1, max: 5 }),
        (changes, checkpoints, parts, startSeq, anchorsPerPage) => {
          const events = changes.reduce(tamper, chain);
          const anchors = new Map<number, AnchorsAtSeq>();
          for (const c of checkpoints) {
            const at = anchors.get(c.seq) ?? { trusted: [], forged: false };
            if (c.kind === 'forged') anchors.set(c.seq, { ...at, forged: true });
            else {
              const hash = c.kind === 'true_hash' ? chain[c.seq - 1].hash! : 'b'.repeat(64);
              anchors.set(c.seq, { ...at, trusted: [...at.trusted, { seq: c.seq, hash }] });
            }
          }
          // Starting from a checkpoint means starting from the original chain's hash at that seq.
          const start = startSeq === null ? { seq: 0, hash: GENESIS_HASH } : { seq: startSeq, hash: chain[startSeq - 1].hash! };
          const expected = oneWalk(start, events, anchors);
          const actual = inRanges(start, events, anchors, parts, anchorsPerPage);
          expect({ checked: actual.checked, failure: actual.failure }).toEqual({
            checked: expected.checked,
            failure: expected.failure,
          });
          if (!expected.failure) expect(actual.head).toEqual(expected.head);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
