import { MIGRATIONS } from '@vigil/database';
import { randomUUID } from 'node:crypto';
import type { QueryRunner } from 'typeorm';
import type { ActionContext } from './action-context';
import { chainHash } from './audit-chain';
import { verifyConsistency, verifyInclusion } from './merkle-proof-verify';
import {
  consistencyProofRanges,
  defaultHasher,
  inclusionProofRanges,
  LeafRange,
  treeHashOfLeaves,
} from './merkle-tree';
import { openCheckpoint, parseVerifierKey } from './tree-checkpoint';
import { AuditTestDatabase, AuditUseCases } from './testing/audit-test-database';

const ctx: ActionContext = { actor: { id: null, role: 'system' }, requestId: null };
const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));

async function record(u: AuditUseCases, count: number, transactions = 1): Promise<void> {
  for (let t = 0; t < transactions; t++) {
    await u.db.transaction(async (manager) => {
      for (let i = 0; i < count; i++) {
        await u.audit.record(manager, ctx, {
          action: 'case.opened',
          target: { type: 'case', id: randomUUID() },
          data: { i, t, note: 'ﺗﺠﺮﺑﺔ «quoted»' },
        });
      }
    });
  }
}

/** Seals until nothing is left, as the repeatable job would over a few runs. */
async function sealAll(u: AuditUseCases): Promise<void> {
  for (;;) {
    const outcome = await u.seal.execute();
    const [{ unsealed }] = await u.db.query(`SELECT count(*)::int AS unsealed FROM audit_events WHERE seq IS NULL`);
    if (outcome.sealed === 0 && unsealed === 0 && (await u.tree.treeSize()) === outcome.headSeq) return;
  }
}

/** The pure computation: every leaf hashed from the event's canonical bytes as the API serves them. */
async function leavesOf(u: AuditUseCases, head: number): Promise<Uint8Array[]> {
  const leaves: Uint8Array[] = [];
  for (let seq = 1; seq <= head; seq++) leaves.push(defaultHasher.leaf(bytes((await u.tree.event(seq)).canonical)));
  return leaves;
}

const mth = (leaves: Uint8Array[], range: LeafRange) => treeHashOfLeaves(leaves.slice(range.start, range.end));

describe('the stored Merkle tree (real PostgreSQL)', () => {
  let database: AuditTestDatabase;
  let u: AuditUseCases;

  afterEach(() => database.drop());

  it('grows with every sealed batch; every root and proof from stored hashes equals the pure computation', async () => {
    database = await AuditTestDatabase.create({ AUDIT_SEAL_BATCH_SIZE: '7' });
    u = await database.useCases(4);
    await record(u, 5, 9);
    await sealAll(u);
    const head = 45;
    expect(await u.tree.treeSize()).toBe(head);
    const leaves = await leavesOf(u, head);
    // A leaf is SHA-256(0x00 ‖ canonical bytes), and the canonical bytes are those the chain hashes.
    const [first] = await database.sql(`SELECT hash, prev_hash FROM audit_events WHERE seq = 1`);
    const canonical = Buffer.from((await u.tree.event(1)).canonical, 'base64').toString('utf8');
    expect(chainHash(first.prev_hash, canonical)).toBe(first.hash);

    for (let size = 1; size <= head; size++) {
      const root = treeHashOfLeaves(leaves.slice(0, size));
      expect(b64(await u.tree.rootHash(size))).toBe(b64(root));
      for (const seq of [1, Math.ceil(size / 2), size]) {
        const proof = await u.tree.inclusion(seq, size);
        const expected = inclusionProofRanges(seq - 1, size).map((range) => b64(mth(leaves, range)));
        expect(proof).toEqual({ leafIndex: seq - 1, treeSize: size, rootHash: b64(root), hashes: expected });
        expect(verifyInclusion(seq - 1, size, leaves[seq - 1], proof.hashes.map(bytes), root)).toBe(true);
      }
      for (const from of [1, Math.ceil(size / 3), size]) {
        const proof = await u.tree.consistency(from, size);
        const expected = consistencyProofRanges(from, size).map((range) => b64(mth(leaves, range)));
        expect(proof).toEqual({ from, to: size, hashes: expected });
        const firstRoot = treeHashOfLeaves(leaves.slice(0, from));
        expect(verifyConsistency(from, size, firstRoot, root, proof.hashes.map(bytes))).toBe(true);
      }
    }
    // Stored: the complete subtrees of every third level from 3 (5 of 8 leaves; none of 64 yet), no other level.
    const stored = await database.sql(
      `SELECT level, count(*)::int AS n FROM audit_tree_nodes GROUP BY level ORDER BY level`,
    );
    expect(stored).toEqual([{ level: 3, n: 5 }]);
  });

  it('adds events sealed before the tree existed, then the new ones, with the same result', async () => {
    database = await AuditTestDatabase.create({ AUDIT_SEAL_BATCH_SIZE: '10' });
    u = await database.useCases(4);
    await record(u, 23);
    await sealAll(u);
    const before = await leavesOf(u, 23);
    // As if these 23 had been sealed before the migration that created the tree.
    await database.tamper(`DELETE FROM audit_tree_nodes`, `DELETE FROM audit_tree_heads`);
    expect(await u.tree.treeSize()).toBe(0);
    await record(u, 4);
    await sealAll(u);

    expect(await u.tree.treeSize()).toBe(27);
    const leaves = await leavesOf(u, 27);
    expect(leaves.slice(0, 23).map(b64)).toEqual(before.map(b64));
    expect(b64(await u.tree.rootHash(27))).toBe(b64(treeHashOfLeaves(leaves)));
    const proof = await u.tree.consistency(23, 27);
    expect(verifyConsistency(23, 27, treeHashOfLeaves(before), treeHashOfLeaves(leaves), proof.hashes.map(bytes))).toBe(
      true,
    );
  });

  it('moves a tree stored in the even levels to every third level without reading an event (migration 500)', async () => {
    database = await AuditTestDatabase.create({ AUDIT_SEAL_BATCH_SIZE: '64' });
    u = await database.useCases(2);
    await record(u, 100, 3);
    await sealAll(u);
    const head = 300;
    const nodes = `SELECT level, idx::int, encode(hash, 'base64') AS hash FROM audit_tree_nodes ORDER BY level, idx`;
    const sealedLayout = await database.sql(nodes);
    const leaves = await leavesOf(u, head);
    // The layout before the migration: every complete subtree of the even levels from 2 up.
    const Migration = MIGRATIONS.find((m) => m.name === 'AuditTreeEveryThirdLevel1764000000500')!;
    const migration = new Migration();
    const runner = { query: (text: string) => database.sql(text) } as unknown as QueryRunner;
    await database.sql('BEGIN');
    await migration.down(runner);
    await database.sql('COMMIT');
    const even: { level: number; idx: number; hash: string }[] = [];
    for (let level = 2; 2 ** level <= head; level += 2) {
      const width = 2 ** level;
      for (let idx = 0; (idx + 1) * width <= head; idx++) {
        even.push({ level, idx, hash: b64(mth(leaves, { start: idx * width, end: (idx + 1) * width })) });
      }
    }
    await database.sql(
      `INSERT INTO audit_tree_nodes (level, idx, hash)
       SELECT level, idx, decode(hash, 'base64') FROM json_to_recordset($1::json) AS v (level int, idx int, hash text)`,
      [JSON.stringify(even)],
    );
    await database.sql(`INSERT INTO audit_tree_heads (tree_size) VALUES ($1)`, [head]);

    await database.sql('BEGIN');
    await migration.up(runner);
    await database.sql('COMMIT');
    // 37 nodes of level 3 hashed from level 2, the 4 of level 6 kept, levels 2, 4 and 8 gone: what the sealer writes.
    expect(await database.sql(nodes)).toEqual(sealedLayout);
    expect(sealedLayout.map((n: { level: number }) => n.level).filter((l: number) => l === 3)).toHaveLength(37);
    const root = treeHashOfLeaves(leaves);
    expect(b64(await u.tree.rootHash(head))).toBe(b64(root));
    const proof = await u.tree.inclusion(123, head);
    expect(verifyInclusion(122, head, leaves[122], proof.hashes.map(bytes), root)).toBe(true);
  });

  it('signs a C2SP checkpoint of the tree when it grew, keeps it, and not again until it grows', async () => {
    database = await AuditTestDatabase.create();
    u = await database.useCases(2);
    expect(await u.signTree.execute()).toBeNull();
    await expect(u.tree.latestCheckpoint()).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await record(u, 5);
    await sealAll(u);

    const first = await u.signTree.execute();
    expect(first?.treeSize).toBe(5);
    expect(await u.signTree.execute()).toBeNull();
    expect(await u.tree.latestCheckpoint()).toBe(first!.note);
    const opened = openCheckpoint(first!.note, parseVerifierKey(u.signTree.verifierKey));
    expect(opened).toEqual({
      ok: true,
      checkpoint: { origin: 'vigil.local/audit', treeSize: 5, rootHash: await u.tree.rootHash(5) },
    });

    await record(u, 2);
    await sealAll(u);
    expect((await u.signTree.execute())?.treeSize).toBe(7);
    expect(await u.tree.latestCheckpoint()).toMatch(/^vigil\.local\/audit\n7\n/);
    const [{ kept }] = await database.sql(`SELECT count(*)::int AS kept FROM audit_tree_checkpoints`);
    expect(kept).toBe(2);
  });

  it('refuses sizes and seqs that are not positive integers, beyond the head, or from > to', async () => {
    database = await AuditTestDatabase.create();
    u = await database.useCases(2);
    await record(u, 3);
    await sealAll(u);
    const refused = (promise: Promise<unknown>, message: RegExp) =>
      expect(promise).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(message) });
    await refused(u.tree.inclusion(1, 4), /treeSize 4 is beyond the sealed head \(3\)/);
    await refused(u.tree.inclusion(1, 0), /treeSize must be a positive integer/);
    await refused(u.tree.inclusion(3, 2), /seq 3 is not in a tree of size 2/);
    await refused(u.tree.inclusion(0, 2), /seq must be a positive integer/);
    await refused(u.tree.inclusion(1.5, 2), /seq must be a positive integer/);
    await refused(u.tree.consistency(3, 2), /from \(3\) must not be greater than to \(2\)/);
    await refused(u.tree.consistency(1, 9), /to 9 is beyond the sealed head/);
    await refused(u.tree.event(4), /seq 4 is beyond the sealed head/);
    // A sealed event removed behind the trigger's back: the sealer refuses to grow the tree past the gap.
    await database.tamper(`DELETE FROM audit_events WHERE seq = 3`);
    await record(u, 1);
    await expect(u.seal.execute()).rejects.toThrow(/the audit Merkle tree holds 3 events but the sealed head is seq 2/);
    // The tree is append-only, like the events.
    await expect(database.sql(`TRUNCATE audit_tree_nodes`)).rejects.toThrow(/append-only/);
    await expect(database.sql(`DELETE FROM audit_tree_heads`)).rejects.toThrow(/append-only/);
  });
});
