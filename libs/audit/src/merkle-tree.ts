// The Merkle tree over sealed audit events, RFC 9162 §2.1: tree hashes and the inclusion and consistency proofs.
// Pure and browser-safe (no node: imports; SHA-256 from @noble/hashes unless the caller passes a faster one), so the
// console, the offline verifier and the sealer share one definition. Numbers are plain safe integers, never 32-bit
// bit operations: leaf indices pass 2^31 long before they pass 2^53.
import { sha256 as nobleSha256 } from '@noble/hashes/sha2';

export type Sha256 = (data: Uint8Array) => Uint8Array;

export const HASH_BYTES = 32;
const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

/** RFC 9162 §2.1.1 hashing: leaves and inner nodes are domain-separated by a one-byte prefix. */
export class MerkleHasher {
  constructor(private readonly sha256: Sha256 = nobleSha256) {}

  /** `SHA-256(0x00 ‖ entry)`. */
  leaf(entry: Uint8Array): Uint8Array {
    const input = new Uint8Array(1 + entry.length);
    input[0] = LEAF_PREFIX;
    input.set(entry, 1);
    return this.sha256(input);
  }

  /** `SHA-256(0x01 ‖ left ‖ right)`. */
  node(left: Uint8Array, right: Uint8Array): Uint8Array {
    const input = new Uint8Array(1 + left.length + right.length);
    input[0] = NODE_PREFIX;
    input.set(left, 1);
    input.set(right, 1 + left.length);
    return this.sha256(input);
  }

  /** MTH of the empty tree: the hash of the empty string. */
  empty(): Uint8Array {
    return this.sha256(new Uint8Array(0));
  }
}

export const defaultHasher = new MerkleHasher();

/** A complete subtree: the 2^level leaves from index·2^level on. Level 0 is a leaf. */
export interface TreeNode {
  level: number;
  index: number;
}

export interface HashedTreeNode extends TreeNode {
  hash: Uint8Array;
}

/** Leaves [start, end) of the tree: the argument of one MTH in the RFC's recursion. */
export interface LeafRange {
  start: number;
  end: number;
}

/** The largest power of two strictly less than n (n ≥ 2): the RFC's split point k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The complete subtrees whose concatenation is [start, end), largest first. MTH of the range is these hashes folded
 * from the right (`node(a, node(b, c))`), because the RFC always splits off the largest power of two on the left.
 * Every range the proofs ask for starts at a multiple of its own largest block, so the result has at most one node
 * per level: O(log n) stored hashes.
 */
export function completeSubtrees(range: LeafRange): TreeNode[] {
  const nodes: TreeNode[] = [];
  let position = range.start;
  let remaining = range.end - range.start;
  if (remaining < 0 || !Number.isSafeInteger(range.start) || !Number.isSafeInteger(range.end)) {
    throw new RangeError(`[${range.start}, ${range.end}) is not a range of leaves`);
  }
  let size = 1;
  let level = 0;
  while (size * 2 <= remaining) {
    size *= 2;
    level++;
  }
  for (; remaining > 0; size /= 2, level--) {
    if (size > remaining) continue;
    if (position % size !== 0) throw new RangeError(`[${range.start}, ${range.end}) is not aligned`);
    nodes.push({ level, index: position / size });
    position += size;
    remaining -= size;
  }
  return nodes;
}

/** MTH of a range from the hashes of its complete subtrees, in the order completeSubtrees gives them. */
export function foldSubtrees(hashes: readonly Uint8Array[], hasher: MerkleHasher = defaultHasher): Uint8Array {
  if (hashes.length === 0) return hasher.empty();
  let hash = hashes[hashes.length - 1];
  for (let i = hashes.length - 2; i >= 0; i--) hash = hasher.node(hashes[i], hash);
  return hash;
}

/** The ranges whose MTHs make up the inclusion proof of leaf m in a tree of n leaves (RFC 9162 §2.1.3.1, PATH). */
export function inclusionProofRanges(m: number, n: number): LeafRange[] {
  assertSize(n, 'tree size');
  if (!Number.isSafeInteger(m) || m < 0 || m >= n) throw new RangeError(`leaf ${m} is not in a tree of ${n}`);
  const ranges: LeafRange[] = [];
  let start = 0;
  let end = n;
  // PATH(m, D[start:end]) = PATH(m, left) : MTH(right) or PATH(m, right) : MTH(left); the siblings are collected
  // from the root down, and the proof lists them from the leaf up.
  while (end - start > 1) {
    const k = start + splitPoint(end - start);
    if (m < k) {
      ranges.push({ start: k, end });
      end = k;
    } else {
      ranges.push({ start, end: k });
      start = k;
    }
  }
  return ranges.reverse();
}

/** The ranges of the consistency proof from size m to size n (RFC 9162 §2.1.4.1, SUBPROOF(m, D[0:n], true)). */
export function consistencyProofRanges(m: number, n: number): LeafRange[] {
  assertSize(n, 'tree size');
  if (!Number.isSafeInteger(m) || m < 1 || m > n) throw new RangeError(`size ${m} is not within 1..${n}`);
  const ranges: LeafRange[] = [];
  let start = 0;
  let end = n;
  let complete = true;
  for (;;) {
    const size = end - start;
    const first = m - start;
    if (first === size) {
      if (!complete) ranges.push({ start, end });
      break;
    }
    const k = splitPoint(size);
    if (first <= k) {
      ranges.push({ start: start + k, end });
      end = start + k;
    } else {
      ranges.push({ start, end: start + k });
      start += k;
      complete = false;
    }
  }
  return ranges.reverse();
}

function assertSize(n: number, name: string): void {
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`${name} ${n} is not a positive integer`);
}

/**
 * Extends a tree of `size` leaves by `leafHashes`. `frontier` holds the hashes of completeSubtrees([0, size)), left
 * to right. Returns every complete subtree the new leaves finish (the leaves themselves included), for the store,
 * and the new frontier.
 */
export function appendLeaves(
  frontier: readonly HashedTreeNode[],
  size: number,
  leafHashes: readonly Uint8Array[],
  hasher: MerkleHasher = defaultHasher,
): { created: HashedTreeNode[]; frontier: HashedTreeNode[] } {
  const stack = [...frontier];
  const created: HashedTreeNode[] = [];
  let index = size;
  for (const hash of leafHashes) {
    let node: HashedTreeNode = { level: 0, index: index++, hash };
    created.push(node);
    // A node is complete when its left neighbour on the stack has the same level: they are siblings.
    while (stack.length > 0 && stack[stack.length - 1].level === node.level) {
      const left = stack.pop()!;
      node = { level: node.level + 1, index: left.index / 2, hash: hasher.node(left.hash, node.hash) };
      created.push(node);
    }
    stack.push(node);
  }
  return { created, frontier: stack };
}

/** MTH(D[n]) computed from the leaves, as RFC 9162 §2.1.1 defines it: for tests and small trees only. */
export function treeHashOfLeaves(leafHashes: readonly Uint8Array[], hasher: MerkleHasher = defaultHasher): Uint8Array {
  if (leafHashes.length === 0) return hasher.empty();
  if (leafHashes.length === 1) return leafHashes[0];
  const k = splitPoint(leafHashes.length);
  return hasher.node(treeHashOfLeaves(leafHashes.slice(0, k), hasher), treeHashOfLeaves(leafHashes.slice(k), hasher));
}
