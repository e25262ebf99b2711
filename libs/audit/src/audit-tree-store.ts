// The stored Merkle tree (`audit_tree_nodes`): reading complete-subtree hashes and appending leaves. Every function
// takes the caller's EntityManager, so the sealer appends in its sealing transaction and readers read one snapshot.
import { hash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { canonicalEventJson, ChainRecord } from './audit-chain';
import { appendLeaves, completeSubtrees, MerkleHasher, TreeNode } from './merkle-tree';

/** The tree's hashes through node:crypto: the same SHA-256 as the browser-safe default, several times faster. */
export const nodeMerkleHasher = new MerkleHasher((data) => hash('sha256', data, 'buffer'));

/** The bytes a leaf hashes: the event's canonical JSON in UTF-8 (README "Canonical form"). */
export const canonicalBytes = (record: ChainRecord): Buffer => Buffer.from(canonicalEventJson(record), 'utf8');

/** Leaves in the stored tree: one past the highest leaf index. */
export async function storedTreeSize(manager: EntityManager): Promise<number> {
  const [last]: { idx: string }[] = await manager.query(
    `SELECT idx FROM audit_tree_nodes WHERE level = 0 ORDER BY idx DESC LIMIT 1`,
  );
  return last ? Number(last.idx) + 1 : 0;
}

/** The hashes of `nodes`, in their order, in one statement; a node that is not stored is a broken tree. */
export async function storedNodeHashes(manager: EntityManager, nodes: readonly TreeNode[]): Promise<Buffer[]> {
  if (nodes.length === 0) return [];
  const rows: { level: number; idx: string; hash: Buffer }[] = await manager.query(
    `SELECT n.level, n.idx, n.hash FROM audit_tree_nodes n
     JOIN unnest($1::smallint[], $2::bigint[]) AS w (level, idx) ON n.level = w.level AND n.idx = w.idx`,
    [nodes.map((n) => n.level), nodes.map((n) => n.index)],
  );
  const byKey = new Map(rows.map((row) => [`${row.level}/${row.idx}`, row.hash]));
  return nodes.map((node) => {
    const found = byKey.get(`${node.level}/${node.index}`);
    if (!found) throw new Error(`the audit tree has no node at level ${node.level}, index ${node.index}`);
    return found;
  });
}

/** Appends leaves after the `size` already stored, writing every complete subtree they finish. */
export async function appendToStoredTree(
  manager: EntityManager,
  size: number,
  leafHashes: readonly Uint8Array[],
): Promise<void> {
  if (leafHashes.length === 0) return;
  const frontierNodes = completeSubtrees({ start: 0, end: size });
  const frontierHashes = await storedNodeHashes(manager, frontierNodes);
  const frontier = frontierNodes.map((node, i) => ({ ...node, hash: frontierHashes[i] }));
  const { created } = appendLeaves(frontier, size, leafHashes, nodeMerkleHasher);
  await manager.query(
    `INSERT INTO audit_tree_nodes (level, idx, hash)
     SELECT level, idx, decode(hash, 'hex')
     FROM unnest($1::smallint[], $2::bigint[], $3::text[]) AS v (level, idx, hash)`,
    [created.map((n) => n.level), created.map((n) => n.index), created.map((n) => Buffer.from(n.hash).toString('hex'))],
  );
}
