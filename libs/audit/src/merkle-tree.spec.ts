import fc from 'fast-check';
import { hash } from 'node:crypto';
import { canonicalEventJson, ChainRecord } from './audit-chain';
import { appendLeafHexes, HexTreeNode, isStoredLevel, leafHashOfCanonical } from './audit-tree-store';
import { equalBytes, verifyConsistency, verifyInclusion } from './merkle-proof-verify';
import {
  appendLeaves,
  completeSubtrees,
  consistencyProofRanges,
  defaultHasher,
  foldSubtrees,
  HashedTreeNode,
  inclusionProofRanges,
  LeafRange,
  MerkleHasher,
  TreeNode,
  treeHashOfLeaves,
} from './merkle-tree';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const unhex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));

/**
 * The RFC 6962 reference vectors (transparency-dev/merkle testonly: LeafInputs, RootHashes and the proofs of its
 * reference_test.go, also used by trillian and certificate-transparency-go).
 */
const VECTOR_LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
];
const VECTOR_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const VECTOR_INCLUSION: { index: number; size: number; proof: string[] }[] = [
  { index: 0, size: 1, proof: [] },
  { index: 0, size: 2, proof: ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7'] },
  { index: 1, size: 2, proof: ['6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d'] },
  { index: 2, size: 3, proof: ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125'] },
  {
    index: 1,
    size: 5,
    proof: [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    index: 0,
    size: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    index: 5,
    size: 8,
    proof: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];
const VECTOR_CONSISTENCY: { first: number; second: number; proof: string[] }[] = [
  { first: 1, second: 1, proof: [] },
  {
    first: 1,
    second: 8,
    proof: [
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ],
  },
  {
    first: 2,
    second: 5,
    proof: [
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ],
  },
  {
    first: 6,
    second: 8,
    proof: [
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
  },
];

/** An in-memory store of every complete subtree, built the way the sealer builds the stored one. */
class MemoryTree {
  private readonly nodes = new Map<string, Uint8Array>();
  private frontier: HashedTreeNode[] = [];
  size = 0;

  constructor(private readonly hasher: MerkleHasher = defaultHasher) {}

  append(leafHashes: Uint8Array[]): void {
    const { created, frontier } = appendLeaves(this.frontier, this.size, leafHashes, this.hasher);
    for (const node of created) this.nodes.set(`${node.level}/${node.index}`, node.hash);
    this.frontier = frontier;
    this.size += leafHashes.length;
  }

  hashOf(range: LeafRange): Uint8Array {
    const hashes = completeSubtrees(range).map((node: TreeNode) => {
      const found = this.nodes.get(`${node.level}/${node.index}`);
      if (!found) throw new Error(`node ${node.level}/${node.index} is not stored`);
      return found;
    });
    return foldSubtrees(hashes, this.hasher);
  }

  inclusion(index: number, size: number): Uint8Array[] {
    return inclusionProofRanges(index, size).map((range) => this.hashOf(range));
  }

  consistency(first: number, second: number): Uint8Array[] {
    return consistencyProofRanges(first, second).map((range) => this.hashOf(range));
  }
}

/**
 * RFC 9162 §2.1 written out as literally as possible, over lists of leaf hashes: MTH, PATH and SUBPROOF. The
 * reference the stored-tree answers are checked against. MTH is memoised per range, or every size 1–300 would take
 * minutes.
 */
class NaiveTree {
  private readonly memo = new Map<string, Uint8Array>();

  constructor(
    private readonly leaves: Uint8Array[],
    private readonly hasher: MerkleHasher,
  ) {}

  mth(start: number, end: number): Uint8Array {
    const key = `${start}:${end}`;
    let found = this.memo.get(key);
    if (!found) {
      found = treeHashOfLeaves(this.leaves.slice(start, end), this.hasher);
      this.memo.set(key, found);
    }
    return found;
  }

  path(m: number, start: number, end: number): Uint8Array[] {
    const n = end - start;
    if (n === 1) return [];
    let k = 1;
    while (k * 2 < n) k *= 2;
    return m < k
      ? [...this.path(m, start, start + k), this.mth(start + k, end)]
      : [...this.path(m - k, start + k, end), this.mth(start, start + k)];
  }

  subproof(m: number, start: number, end: number, b: boolean): Uint8Array[] {
    const n = end - start;
    if (m === n) return b ? [] : [this.mth(start, end)];
    let k = 1;
    while (k * 2 < n) k *= 2;
    return m <= k
      ? [...this.subproof(m, start, start + k, b), this.mth(start + k, end)]
      : [...this.subproof(m - k, start + k, end, false), this.mth(start, start + k)];
  }
}

/** SHA-256 from node:crypto: the same function, fast enough for the exhaustive checks below. */
const fastHasher = new MerkleHasher((data) => new Uint8Array(hash('sha256', data, 'buffer')));

describe('RFC 9162 Merkle tree hashing', () => {
  const leafHashes = VECTOR_LEAVES.map((leaf) => defaultHasher.leaf(unhex(leaf)));
  const tree = new MemoryTree();
  tree.append(leafHashes);

  it('gives the reference root of every tree of the reference leaves, from the leaves and from stored nodes', () => {
    for (let size = 0; size <= VECTOR_LEAVES.length; size++) {
      expect(hex(treeHashOfLeaves(leafHashes.slice(0, size)))).toBe(VECTOR_ROOTS[size]);
      if (size > 0) expect(hex(tree.hashOf({ start: 0, end: size }))).toBe(VECTOR_ROOTS[size]);
    }
  });

  it('gives the reference inclusion proofs and accepts them', () => {
    for (const { index, size, proof } of VECTOR_INCLUSION) {
      const answer = tree.inclusion(index, size);
      expect(answer.map(hex)).toEqual(proof);
      expect(verifyInclusion(index, size, leafHashes[index], answer, unhex(VECTOR_ROOTS[size]))).toBe(true);
    }
  });

  it('gives the reference consistency proofs and accepts them', () => {
    for (const { first, second, proof } of VECTOR_CONSISTENCY) {
      const answer = tree.consistency(first, second);
      expect(answer.map(hex)).toEqual(proof);
      expect(
        verifyConsistency(first, second, unhex(VECTOR_ROOTS[first]), unhex(VECTOR_ROOTS[second]), answer),
      ).toBe(true);
    }
  });

  it('refuses an inclusion proof of the wrong leaf, index, size or root', () => {
    const proof = tree.inclusion(5, 8);
    const root = unhex(VECTOR_ROOTS[8]);
    expect(verifyInclusion(5, 8, leafHashes[4], proof, root)).toBe(false);
    expect(verifyInclusion(4, 8, leafHashes[5], proof, root)).toBe(false);
    expect(verifyInclusion(5, 7, leafHashes[5], proof, unhex(VECTOR_ROOTS[7]))).toBe(false);
    expect(verifyInclusion(5, 8, leafHashes[5], proof, unhex(VECTOR_ROOTS[7]))).toBe(false);
    expect(verifyInclusion(8, 8, leafHashes[5], proof, root)).toBe(false);
    expect(verifyInclusion(5, 8, leafHashes[5], proof.slice(1), root)).toBe(false);
    expect(verifyInclusion(5, 8, leafHashes[5], [...proof, proof[0]], root)).toBe(false);
  });

  it('refuses a consistency proof of other sizes or roots, and an empty proof between different sizes', () => {
    const proof = tree.consistency(6, 8);
    const [r6, r7, r8] = [6, 7, 8].map((size) => unhex(VECTOR_ROOTS[size]));
    expect(verifyConsistency(6, 8, r6, r8, proof)).toBe(true);
    expect(verifyConsistency(6, 8, r7, r8, proof)).toBe(false);
    expect(verifyConsistency(6, 8, r6, r7, proof)).toBe(false);
    expect(verifyConsistency(5, 8, r6, r8, proof)).toBe(false);
    expect(verifyConsistency(8, 6, r8, r6, proof)).toBe(false);
    expect(verifyConsistency(6, 8, r6, r8, [])).toBe(false);
    expect(verifyConsistency(8, 8, r8, r8, [])).toBe(true);
    expect(verifyConsistency(8, 8, r8, r7, [])).toBe(false);
  });

  it('gives the leaf hashes and root of the worked example in libs/audit/README.md', () => {
    const events: ChainRecord[] = [
      {
        seq: 1,
        id: '00000000-0000-4000-8000-000000000001',
        occurredAt: '2026-11-25T10:00:01.123456Z',
        actor: { id: null, role: 'system' },
        action: 'case.opened',
        target: { type: 'case', id: 'case-1' },
        data: { n: 1 },
        requestId: null,
      },
      {
        seq: 2,
        id: '7d4f8a52-3c1e-4b9a-9f0e-2a6b1c8d5e43',
        occurredAt: '2026-11-25T10:00:02.000450Z',
        actor: { id: 'c0ffee00-0000-4000-8000-000000000001', role: 'admin' },
        action: 'reporter.revealed',
        target: { type: 'report', id: '5b0e6a8e-1f3d-4c2b-8a7e-9d6c5b4a3f21' },
        data: {
          reason: 'Court order n\u00ba 12/2026 \u00ab\ufed7\ufeae\ufe8d\ufead\u00bb',
          pseudonym: 'reporter#1a2b3c4d',
          contactOnFile: true,
        },
        requestId: '0f6c2d1e-9a8b-4c7d-8e5f-1a2b3c4d5e6f',
      },
    ];
    const leaves = events.map((event) => defaultHasher.leaf(new TextEncoder().encode(canonicalEventJson(event))));
    expect(leaves.map(hex)).toEqual([
      '3211f5a2874950922a14c57b802c328b25610f71eb002d72015b89d072962463',
      'fab21b4ce5e9ebf57bb3e8006005fed72d0fb506033d22f4c9ee29bced1459eb',
    ]);
    const root = Buffer.from(treeHashOfLeaves(leaves)).toString('base64');
    expect(root).toBe('IT77gBT5fBPl5crKbF0y/RMKDKdMpEV9HbDjFbKHWow=');
  });

  it('decomposes a range into aligned complete subtrees, largest first, and refuses an unaligned one', () => {
    expect(completeSubtrees({ start: 0, end: 7 })).toEqual([
      { level: 2, index: 0 },
      { level: 1, index: 2 },
      { level: 0, index: 6 },
    ]);
    expect(completeSubtrees({ start: 8, end: 13 })).toEqual([
      { level: 2, index: 2 },
      { level: 0, index: 12 },
    ]);
    expect(() => completeSubtrees({ start: 2, end: 6 })).toThrow(/not aligned/);
  });

  it('needs at most two stored hashes per level for any proof (O(log n) reads)', () => {
    for (const size of [1, 2, 3, 1000, 1024, 1025, 10_000_000, 2 ** 40 + 12345]) {
      const budget = 2 * Math.ceil(Math.log2(size) + 1);
      for (const index of [0, Math.floor(size / 3), size - 1]) {
        expect(inclusionProofRanges(index, size).flatMap(completeSubtrees).length).toBeLessThanOrEqual(budget);
      }
      for (const first of [1, Math.floor(size / 3) || 1, size]) {
        expect(consistencyProofRanges(first, size).flatMap(completeSubtrees).length).toBeLessThanOrEqual(budget);
      }
    }
  });
});

describe('stored-tree proofs equal a naive full recomputation', () => {
  const MAX = 300;
  const leaves = Array.from({ length: MAX }, (_, i) => fastHasher.leaf(new TextEncoder().encode(`event ${i}`)));
  const naive = new NaiveTree(leaves, fastHasher);
  const tree = new MemoryTree(fastHasher);
  // Appended in uneven batches, as the sealer appends them.
  for (let at = 0; at < MAX; ) {
    const batch = Math.min(1 + (at % 7), MAX - at);
    tree.append(leaves.slice(at, at + batch));
    at += batch;
  }

  it('every size 1–300: the root, and the inclusion proof of every leaf, which verifies', () => {
    for (let n = 1; n <= MAX; n++) {
      const root = naive.mth(0, n);
      expect(hex(tree.hashOf({ start: 0, end: n }))).toBe(hex(root));
      for (let m = 0; m < n; m++) {
        const proof = tree.inclusion(m, n);
        const expected = naive.path(m, 0, n);
        if (proof.length !== expected.length || proof.some((p, i) => !equalBytes(p, expected[i]))) {
          throw new Error(`inclusion proof of leaf ${m} in ${n} differs`);
        }
        if (!verifyInclusion(m, n, leaves[m], proof, root, fastHasher)) {
          throw new Error(`inclusion proof of leaf ${m} in ${n} does not verify`);
        }
      }
    }
  });

  it('every pair of sizes 1 ≤ m ≤ n ≤ 300: the consistency proof, which verifies', () => {
    for (let n = 1; n <= MAX; n++) {
      const second = naive.mth(0, n);
      for (let m = 1; m <= n; m++) {
        const proof = tree.consistency(m, n);
        const expected = naive.subproof(m, 0, n, true);
        if (proof.length !== expected.length || proof.some((p, i) => !equalBytes(p, expected[i]))) {
          throw new Error(`consistency proof ${m} → ${n} differs`);
        }
        if (!verifyConsistency(m, n, naive.mth(0, m), second, proof, fastHasher)) {
          throw new Error(`consistency proof ${m} → ${n} does not verify`);
        }
      }
    }
  });

  it('any flipped bit in a proof, or any other leaf, fails verification', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: MAX }).chain((n) =>
          fc.record({
            n: fc.constant(n),
            m: fc.integer({ min: 0, max: n - 1 }),
            other: fc.integer({ min: 0, max: n - 1 }),
            first: fc.integer({ min: 1, max: n - 1 }),
            bit: fc.nat(),
          }),
        ),
        ({ n, m, other, first, bit }) => {
          const root = naive.mth(0, n);
          const inclusion = tree.inclusion(m, n);
          if (other !== m) expect(verifyInclusion(m, n, leaves[other], inclusion, root, fastHasher)).toBe(false);
          if (inclusion.length > 0) {
            expect(verifyInclusion(m, n, leaves[m], flipBit(inclusion, bit), root, fastHasher)).toBe(false);
          }
          const consistency = tree.consistency(first, n);
          const firstRoot = naive.mth(0, first);
          expect(verifyConsistency(first, n, firstRoot, root, flipBit(consistency, bit), fastHasher)).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('the sealer’s leaf hash straight from the canonical string equals the leaf hash of its UTF-8 bytes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(hex(leafHashOfCanonical(text))).toBe(hex(defaultHasher.leaf(new TextEncoder().encode(text))));
      }),
    );
  });

  it('the sealer’s hex appender builds the same nodes and frontier as appendLeaves, batch after batch', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { maxLength: 40 }), { maxLength: 8 }),
        fc.nat({ max: 5 }),
        (batches, skip) => {
          // From a tree already `skip` leaves long, as the sealer continues one.
          const first = Array.from({ length: skip }, (_, i) => fastHasher.leaf(new Uint8Array([i])));
          let bytes = appendLeaves([], 0, first, fastHasher).frontier;
          let hexes: HexTreeNode[] = bytes.map((n) => ({ level: n.level, index: n.index, hex: hex(n.hash) }));
          let size = skip;
          for (const leaves of batches) {
            const expected = appendLeaves(bytes, size, leaves, fastHasher);
            const got = appendLeafHexes(hexes, size, leaves.map(hex));
            expect(got.stored).toEqual(
              expected.created
                .filter((n) => isStoredLevel(n.level))
                .map((n) => ({ level: n.level, index: n.index, hex: hex(n.hash) })),
            );
            expect(got.frontier).toEqual(expected.frontier.map((n) => ({ level: n.level, index: n.index, hex: hex(n.hash) })));
            bytes = expected.frontier;
            hexes = got.frontier;
            size += leaves.length;
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the default hasher (@noble/hashes) and node:crypto agree', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (a, b) => {
        expect(hex(defaultHasher.leaf(a))).toBe(hex(fastHasher.leaf(a)));
        expect(hex(defaultHasher.node(b, a))).toBe(hex(fastHasher.node(b, a)));
      }),
    );
  });
});

function flipBit(proof: Uint8Array[], bit: number): Uint8Array[] {
  const copy = proof.map((p) => p.slice());
  const position = bit % (copy.length * 256);
  const element = copy[Math.floor(position / 256)];
  element[Math.floor((position % 256) / 8)] ^= 1 << position % 8;
  return copy;
}
