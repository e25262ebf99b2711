import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import {
  canonicalEventJson,
  ChainRecord,
  ChainVerifier,
  chainHash,
  GENESIS_HASH,
  hashRecord,
  StoredChainEvent,
} from './audit-chain';

const record = (seq: number, overrides: Partial<ChainRecord> = {}): ChainRecord => ({
  seq,
  id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
  occurredAt: `2026-11-25T10:00:${String(seq % 60).padStart(2, '0')}.123456Z`,
  actor: { id: null, role: 'system' },
  action: 'case.opened',
  target: { type: 'case', id: `case-${seq}` },
  data: { n: seq },
  requestId: null,
  ...overrides,
});

/** Seals records the way the sealer does: consecutive seq, each hash over the previous one. */
function seal(records: ChainRecord[]): (StoredChainEvent & { hash: string })[] {
  let prevHash = GENESIS_HASH;
  return records.map((r) => {
    const hash = hashRecord(prevHash, r);
    const event = { ...r, prevHash, hash };
    prevHash = hash;
    return event;
  });
}

function verify(events: StoredChainEvent[], anchors: Record<number, string | null> = {}) {
  const verifier = new ChainVerifier();
  for (const event of events) {
    const anchor = anchors[event.seq];
    if (!verifier.push(event, anchor ? [{ seq: event.seq, hash: anchor }] : [])) break;
  }
  return verifier;
}

describe('canonical form of an audit event', () => {
  it('is the RFC 8785 canonical JSON of the recorded fields, keys sorted, no whitespace', () => {
    const event = record(7, {
      actor: { id: 'c0ffee00-0000-4000-8000-000000000001', role: 'admin' },
      action: 'reporter.revealed',
      target: { type: 'report', id: 'r-1' },
      data: { reason: 'Court order 12/2026 «ﺍﻟﻘﺎﻧﻮﻥ»', z: [1, 2.5, 1e21, true, null], a: { y: 'é', b: '\u2028' } },
      requestId: 'req-1',
    });
    expect(canonicalEventJson(event)).toBe(
      '{"action":"reporter.revealed","actor":{"id":"c0ffee00-0000-4000-8000-000000000001","role":"admin"},' +
        '"data":{"a":{"b":"\u2028","y":"é"},"reason":"Court order 12/2026 «ﺍﻟﻘﺎﻧﻮﻥ»","z":[1,2.5,1e+21,true,null]},' +
        '"id":"00000000-0000-4000-8000-000000000007","occurredAt":"2026-11-25T10:00:07.123456Z","requestId":"req-1",' +
        '"seq":7,"target":{"id":"r-1","type":"report"}}',
    );
  });

  it('equals canonicalize() of the whole record for any data (the hand-written envelope cannot drift)', () => {
    fc.assert(
      fc.property(
        fc.record({
          seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
          id: fc.uuid(),
          occurredAt: fc.constant('2026-01-02T03:04:05.000006Z'),
          actor: fc.record({ id: fc.option(fc.string(), { nil: null }), role: fc.string() }),
          action: fc.string(),
          target: fc.record({ type: fc.string(), id: fc.string() }),
          data: fc.dictionary(fc.string(), fc.jsonValue()),
          requestId: fc.option(fc.string(), { nil: null }),
        }),
        (r) => {
          expect(canonicalEventJson(r)).toBe(canonicalize(r));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('equals canonicalize() for data JSON.stringify cannot be made to order: array-index and __proto__ keys', () => {
    // JavaScript lists array-index keys first in numeric order ("9" before "10"); JCS sorts them as strings.
    const awkward = [
      '{"10":1,"9":2,"a":{"2":true,"10":[{"z":1,"y":{"1":0,"b":1}}]}}',
      '{"__proto__":{"b":1,"a":2},"z":[1,{"d":1,"c":2}]}',
      '{"b":{"__proto__":null},"a":1}',
      '{"4294967295":1,"4294967294":2,"x":3}',
      '{"b":[[{"d":1,"c":2}]],"a":{"y":{"x":{}}}}',
    ];
    for (const text of awkward) {
      const r = record(3, { data: JSON.parse(text) });
      expect(canonicalEventJson(r)).toBe(canonicalize(r));
    }
    const keys = fc.constantFrom('__proto__', '0', '1', '9', '10', '4294967295', '', 'a', 'B', 'é', '😀', 'ab', 'a\u0000');
    const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.jsonValue({ maxDepth: 0 }),
        fc.array(tie('value'), { maxLength: 3 }),
        fc.array(fc.tuple(keys, tie('value')), { maxLength: 5 }),
      ),
    })).value.map(function toJson(v: unknown): unknown {
      // Pairs become objects through JSON.parse, as jsonb comes back: own __proto__ keys included.
      if (Array.isArray(v) && v.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string')) {
        const text = `{${v.map(([k, x]) => `${JSON.stringify(k)}:${JSON.stringify(toJson(x))}`).join(',')}}`;
        return JSON.parse(text);
      }
      return Array.isArray(v) ? v.map(toJson) : v;
    });
    fc.assert(
      fc.property(json, (data) => {
        const r = record(5, { data });
        expect(canonicalEventJson(r)).toBe(canonicalize(r));
      }),
      { numRuns: 1000 },
    );
  });

  it('does not depend on the key order the data was written in', () => {
    const a = record(1, { data: { before: { status: 'open' }, after: { status: 'in_review' } } });
    const b = record(1, { data: { after: { status: 'in_review' }, before: { status: 'open' } } });
    expect(canonicalEventJson(a)).toBe(canonicalEventJson(b));
  });

  it('refuses data that is not JSON rather than writing it some other way', () => {
    for (const data of [{ x: Number.NaN }, { x: Infinity }, { x: undefined }, [1, () => 1], undefined, { x: 10n }]) {
      expect(() => canonicalEventJson(record(1, { data }))).toThrow(/not JSON/);
    }
  });

  it('refuses a seq that is not a positive safe integer', () => {
    expect(() => canonicalEventJson(record(0))).toThrow(/seq/);
    expect(() => canonicalEventJson(record(2 ** 53))).toThrow(/seq/);
  });
});

describe('chain hash', () => {
  it('is lower-case hex SHA-256 over the previous hash followed by the canonical JSON', () => {
    const json = canonicalEventJson(record(1));
    const expected = createHash('sha256').update(`${GENESIS_HASH}${json}`, 'utf8').digest('hex');
    expect(chainHash(GENESIS_HASH, json)).toBe(expected);
    expect(expected).toMatch(/^[0-9a-f]{64}$/);
  });

  it('starts from 64 zeros and links every event to the one before', () => {
    const events = seal([record(1), record(2), record(3)]);
    expect(events[0].prevHash).toBe(GENESIS_HASH);
    expect(events[1].prevHash).toBe(events[0].hash);
    expect(events[2].prevHash).toBe(events[1].hash);
    expect(new Set(events.map((e) => e.hash)).size).toBe(3);
  });

  it('gives a known hash for a known event (a fixed vector for outside verifiers)', () => {
    // The same vector appears in libs/audit/README.md.
    expect(hashRecord(GENESIS_HASH, record(1))).toBe(
      createHash('sha256')
        .update(
          GENESIS_HASH +
            '{"action":"case.opened","actor":{"id":null,"role":"system"},"data":{"n":1},' +
            '"id":"00000000-0000-4000-8000-000000000001","occurredAt":"2026-11-25T10:00:01.123456Z",' +
            '"requestId":null,"seq":1,"target":{"id":"case-1","type":"case"}}',
        )
        .digest('hex'),
    );
  });
});

describe('ChainVerifier', () => {
  const chain = () => seal(Array.from({ length: 6 }, (_, i) => record(i + 1)));

  it('accepts an intact chain and reports its head', () => {
    const events = chain();
    const verifier = verify(events);
    expect(verifier.ok).toBe(true);
    expect(verifier.checked).toBe(6);
    expect(verifier.head).toEqual({ seq: 6, hash: events[5].hash });
  });

  it('names the edited event when a recorded field changed', () => {
    const events = chain();
    events[2] = { ...events[2], data: { n: 999 } };
    expect(verify(events).firstFailure).toEqual({ seq: 3, fault: 'hash_mismatch' });
  });

  it('names the missing seq when an event was deleted', () => {
    const events = chain();
    events.splice(3, 1);
    expect(verify(events).firstFailure).toEqual({ seq: 4, fault: 'missing_event' });
  });

  it('names the first of two events whose contents were swapped', () => {
    const events = chain();
    const [a, b] = [events[1], events[4]];
    events[1] = { ...b, seq: a.seq };
    events[4] = { ...a, seq: b.seq };
    expect(verify(events).firstFailure?.seq).toBe(2);
  });

  it('names an event whose hash was forged', () => {
    const events = chain();
    events[4] = { ...events[4], hash: 'f'.repeat(64) };
    expect(verify(events).firstFailure).toEqual({ seq: 5, fault: 'hash_mismatch' });
  });

  it('catches a chain recomputed after an edit through a signed checkpoint, from the last one that matched', () => {
    const original = chain();
    const anchors = { 2: original[1].hash, 5: original[4].hash };
    const rewritten = seal(original.map((e) => (e.seq === 4 ? { ...e, data: { n: -4 } } : e)));
    expect(verify(original, anchors).ok).toBe(true);
    expect(verify(rewritten).ok).toBe(true); // internally consistent …
    expect(verify(rewritten, anchors).firstFailure).toEqual({ seq: 3, fault: 'checkpoint_mismatch' }); // … but not signed
  });

  it('can start from a trusted checkpoint instead of genesis', () => {
    const events = chain();
    const verifier = new ChainVerifier({ seq: 3, hash: events[2].hash });
    for (const event of events.slice(3)) verifier.push(event);
    expect(verifier.ok).toBe(true);
    expect(verifier.checked).toBe(3);
  });
});
