// Verification of RFC 9162 proofs (§2.1.3.2 inclusion, §2.1.4.2 consistency), step by step as the RFC writes them.
// Pure and browser-safe: what an outside verifier, the CLI and the console run. Shifts are divisions, so sizes up
// to 2^53 work.
import { defaultHasher, MerkleHasher } from './merkle-tree';

const isOdd = (x: number): boolean => x % 2 === 1;
const half = (x: number): number => Math.floor(x / 2);

/** "Right-shift both fn and sn equally until either LSB(fn) is set or fn is 0" (both §2.1.3.2 and §2.1.4.2). */
function shiftUntilOddOrZero(fn: number, sn: number): [number, number] {
  while (!isOdd(fn) && fn !== 0) {
    fn = half(fn);
    sn = half(sn);
  }
  return [fn, sn];
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i] ^ b[i];
  return difference === 0;
}

const validSize = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;

/** The root an inclusion proof leads to, or null when the proof cannot be one for this leaf and size. */
export function rootFromInclusionProof(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  hasher: MerkleHasher = defaultHasher,
): Uint8Array | null {
  if (!validSize(leafIndex) || !validSize(treeSize) || leafIndex >= treeSize) return null;
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return null;
    if (isOdd(fn) || fn === sn) {
      r = hasher.node(p, r);
      [fn, sn] = shiftUntilOddOrZero(fn, sn);
    } else {
      r = hasher.node(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 ? r : null;
}

export function verifyInclusion(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  rootHash: Uint8Array,
  hasher: MerkleHasher = defaultHasher,
): boolean {
  const root = rootFromInclusionProof(leafIndex, treeSize, leafHash, proof, hasher);
  return root !== null && equalBytes(root, rootHash);
}

/**
 * True when `proof` shows that the tree of `first` leaves with root `firstHash` is a prefix of the tree of `second`
 * leaves with root `secondHash`. Equal sizes need an empty proof and equal roots; size 0 is consistent with all.
 */
export function verifyConsistency(
  first: number,
  second: number,
  firstHash: Uint8Array,
  secondHash: Uint8Array,
  proof: readonly Uint8Array[],
  hasher: MerkleHasher = defaultHasher,
): boolean {
  if (!validSize(first) || !validSize(second) || first > second) return false;
  if (first === second) return proof.length === 0 && equalBytes(firstHash, secondHash);
  if (first === 0) return proof.length === 0;
  if (proof.length === 0) return false;
  const path = isPowerOfTwo(first) ? [firstHash, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = hasher.node(c, fr);
      sr = hasher.node(c, sr);
      [fn, sn] = shiftUntilOddOrZero(fn, sn);
    } else {
      sr = hasher.node(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && equalBytes(fr, firstHash) && equalBytes(sr, secondHash);
}

function isPowerOfTwo(n: number): boolean {
  let x = n;
  while (x > 1 && x % 2 === 0) x /= 2;
  return x === 1;
}
