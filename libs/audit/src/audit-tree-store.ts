// The stored Merkle tree: reading complete-subtree hashes and appending leaves. Every function takes the caller's
// EntityManager, so the sealer appends in its sealing transaction; readers need no snapshot, since nothing written
// is ever changed.
//
// What is stored (docs/decisions.md, 2026-12-07): the leaves are the sealed events themselves (a leaf hash is
// recomputed from the event's canonical bytes), and `audit_tree_nodes` keeps the complete subtrees of every third
// level from 3 up. A node of another level is hashed from its children on the way, so any node costs at most four
// stored reads (or four events below level 3), and the sealer writes a seventh of a row per event (a third with the
// even levels stored before migration 500; two with every level).
import { hash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { canonicalEventJson, ChainRecord } from './audit-chain';
import { AuditEventTuple, auditEventTupleJson, chainEventOf } from './audit-rows';
import { completeSubtrees, MerkleHasher, TreeNode } from './merkle-tree';

/**
 * SHA-256 through node:crypto's one-shot hash, as bytes. Node 20's `hash()` gives a hex string in half the time it
 * gives a Buffer, decoding included (0.5 against 0.6–0.9 µs for the sealer's inputs), so the bytes come from the hex.
 */
const sha256 = (data: Uint8Array | string): Uint8Array => Buffer.from(hash('sha256', data, 'hex'), 'hex');

/** The tree's hashes through node:crypto: the same SHA-256 as the browser-safe default, several times faster. */
export const nodeMerkleHasher = new MerkleHasher(sha256);

/** The bytes a leaf hashes: the event's canonical JSON in UTF-8 (README "Canonical form"). */
export const canonicalBytes = (record: ChainRecord): Buffer => Buffer.from(canonicalEventJson(record), 'utf8');

/**
 * `SHA-256(0x00 ‖ UTF-8 of the canonical JSON)` in hex, hashed straight from the string (U+0000 is the byte 0x00 in
 * UTF-8): the sealer hashes every event this way, without the copies MerkleHasher.leaf would make.
 */
export const leafHexOfCanonical = (canonical: string): string => hash('sha256', `\u0000${canonical}`, 'hex');

/** The same leaf hash as bytes. */
export const leafHashOfCanonical = (canonical: string): Uint8Array => Buffer.from(leafHexOfCanonical(canonical), 'hex');

/** The leaf hash of a sealed event. */
export const leafHashOf = (record: ChainRecord): Uint8Array => leafHashOfCanonical(canonicalEventJson(record));

/** A complete subtree (TreeNode) with its hash in hex: what the sealer appends with. */
export interface HexTreeNode extends TreeNode {
  hex: string;
}

/**
 * appendLeaves (merkle-tree.ts) for the sealer, which appends every sealed event: the same tree (a property test
 * keeps the two equal), hashed in hex through one scratch buffer, and keeping only the nodes of the stored levels —
 * a third of the CPU appendLeaves with byte arrays takes per event, which is most of what the tree adds to sealing
 * (docs/decisions.md, "every third level").
 */
export function appendLeafHexes(
  frontier: readonly HexTreeNode[],
  size: number,
  leafHexes: readonly string[],
): { stored: HexTreeNode[]; frontier: HexTreeNode[] } {
  const stack = [...frontier];
  const stored: HexTreeNode[] = [];
  const scratch = Buffer.alloc(65);
  scratch[0] = 0x01;
  let index = size;
  for (const leaf of leafHexes) {
    let level = 0;
    let nodeIndex = index++;
    let hex = leaf;
    // A node is complete when its left neighbour on the stack has the same level: they are siblings.
    while (stack.length > 0 && stack[stack.length - 1].level === level) {
      const left = stack.pop()!;
      scratch.write(left.hex, 1, 'hex');
      scratch.write(hex, 33, 'hex');
      hex = hash('sha256', scratch, 'hex');
      level++;
      nodeIndex = left.index / 2;
      if (isStoredLevel(level)) stored.push({ level, index: nodeIndex, hex });
    }
    stack.push({ level, index: nodeIndex, hex });
  }
  return { stored, frontier: stack };
}

/** Levels kept in `audit_tree_nodes` (migration 1764000000500 moved them from the even levels). */
export const isStoredLevel = (level: number): boolean => level >= 3 && level % 3 === 0;

/** Leaves in the stored tree (the sealed head, once events sealed before the tree existed have been added). */
export async function storedTreeSize(manager: EntityManager): Promise<number> {
  const [last]: { tree_size: string }[] = await manager.query(
    `SELECT tree_size FROM audit_tree_heads ORDER BY tree_size DESC LIMIT 1`,
  );
  return last ? Number(last.tree_size) : 0;
}

/** What reading `nodes` takes: stored nodes, and leaves (indices) read from the events. */
export function storedReads(nodes: readonly TreeNode[]): { stored: TreeNode[]; leaves: number[] } {
  const stored = new Map<string, TreeNode>();
  const leaves = new Set<number>();
  const visit = (node: TreeNode): void => {
    if (node.level === 0) leaves.add(node.index);
    else if (isStoredLevel(node.level)) stored.set(keyOf(node), node);
    else {
      visit({ level: node.level - 1, index: node.index * 2 });
      visit({ level: node.level - 1, index: node.index * 2 + 1 });
    }
  };
  nodes.forEach(visit);
  return { stored: [...stored.values()], leaves: [...leaves] };
}

const keyOf = (node: TreeNode): string => `${node.level}/${node.index}`;

/**
 * One statement reading the tree's size, the stored nodes and the leaves' events that `nodes` need: a proof is one
 * round trip. Its text never varies, so readers run it prepared.
 */
export const TREE_READ_SQL = `
  SELECT (SELECT tree_size FROM audit_tree_heads ORDER BY tree_size DESC LIMIT 1) AS head,
         (SELECT coalesce(json_agg(json_build_array(n.level, n.idx, encode(n.hash, 'base64'))), '[]')
          FROM audit_tree_nodes n
          JOIN unnest($1::smallint[], $2::bigint[]) AS w (level, idx) ON n.level = w.level AND n.idx = w.idx) AS nodes,
         (SELECT coalesce(json_agg(${auditEventTupleJson('e')}), '[]')
          FROM audit_events e WHERE e.seq = ANY($3::bigint[])) AS events`;

export interface TreeReadRow {
  head: string | null;
  nodes: [level: number, index: number, hash: string][];
  events: AuditEventTuple[];
}

/** TREE_READ_SQL's parameters for `nodes`. */
export function treeReadValues(nodes: readonly TreeNode[]): unknown[] {
  const reads = storedReads(nodes);
  return [reads.stored.map((n) => n.level), reads.stored.map((n) => n.index), reads.leaves.map((i) => i + 1)];
}

/** The tree's size in a TREE_READ_SQL row. */
export const headOf = (row: TreeReadRow): number => (row.head === null ? 0 : Number(row.head));

/** The hashes of `nodes`, in their order, from a TREE_READ_SQL row; a node it lacks is a broken tree. */
export function nodeHashesOf(row: TreeReadRow, nodes: readonly TreeNode[]): Uint8Array[] {
  const known = new Map<string, Uint8Array>();
  for (const [level, index, hash] of row.nodes) known.set(`${level}/${index}`, Buffer.from(hash, 'base64'));
  for (const tuple of row.events) {
    const event = chainEventOf(tuple);
    known.set(`0/${event.seq - 1}`, leafHashOf(event));
  }
  const resolve = (node: TreeNode): Uint8Array => {
    const found = known.get(keyOf(node));
    if (found) return found;
    if (node.level === 0 || isStoredLevel(node.level)) {
      throw new Error(`the audit tree has no node at level ${node.level}, index ${node.index}`);
    }
    return nodeMerkleHasher.node(
      resolve({ level: node.level - 1, index: node.index * 2 }),
      resolve({ level: node.level - 1, index: node.index * 2 + 1 }),
    );
  };
  return nodes.map(resolve);
}

/** The hashes of `nodes`, in their order, through the caller's manager (the sealer's transaction). */
export async function storedNodeHashes(manager: EntityManager, nodes: readonly TreeNode[]): Promise<Uint8Array[]> {
  if (nodes.length === 0) return [];
  const [row]: TreeReadRow[] = await manager.query(TREE_READ_SQL, treeReadValues(nodes));
  return nodeHashesOf(row, nodes);
}

/**
 * The complete subtrees of the first `size` leaves (completeSubtrees([0, size)), with hashes): all appending needs.
 * `headHash` is the chain's hash at seq `size`, which fixes every event before it and so the frontier: a frontier
 * kept from the previous batch is reused only when both match (a rolled-back batch leaves one that never will).
 */
export interface TreeFrontier {
  size: number;
  headHash: string;
  nodes: HexTreeNode[];
}

/**
 * Appends leaves after the `size` already in the tree (their events sealed already, in this transaction or before),
 * writing the stored complete subtrees they finish and the new size in one statement. Returns the new frontier;
 * `headHash` is the chain's hash at the new size.
 */
export async function appendToStoredTree(
  manager: EntityManager,
  size: number,
  leafHexes: readonly string[],
  headHash: string,
  kept: TreeFrontier | null = null,
): Promise<TreeFrontier> {
  let frontier = kept?.nodes;
  if (!frontier || kept?.size !== size) {
    const nodes = completeSubtrees({ start: 0, end: size });
    const hashes = await storedNodeHashes(manager, nodes);
    frontier = nodes.map((node, i) => ({ ...node, hex: Buffer.from(hashes[i]).toString('hex') }));
  }
  const appended = appendLeafHexes(frontier, size, leafHexes);
  const stored = appended.stored;
  const grown = size + leafHexes.length;
  await manager.query(
    `WITH nodes AS (
       INSERT INTO audit_tree_nodes (level, idx, hash)
       SELECT level, idx, decode(hash, 'hex')
       FROM unnest($1::smallint[], $2::bigint[], $3::text[]) AS v (level, idx, hash)
     )
     INSERT INTO audit_tree_heads (tree_size) VALUES ($4)`,
    [
      stored.map((n) => n.level),
      stored.map((n) => n.index),
      stored.map((n) => n.hex),
      grown,
    ],
  );
  return { size: grown, headHash, nodes: appended.frontier };
}
