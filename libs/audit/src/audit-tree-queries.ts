import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { VIGIL_CONFIG, VigilConfig } from '@vigil/config';
import { queryPrepared } from '@vigil/database';
import { DomainError } from '@vigil/domain';
import { DataSource, EntityManager } from 'typeorm';
import type { AuditEventView } from './audit-event-view';
import { AuditSigningKey } from './audit-signing-key';
import { AuditEventRow, auditEventColumns, auditEventViewOfRow, chainEventOf, tupleOfRow } from './audit-rows';
import {
  canonicalBytes,
  headOf,
  nodeHashesOf,
  nodeMerkleHasher,
  storedTreeSize,
  TREE_READ_SQL,
  TreeReadRow,
  treeReadValues,
} from './audit-tree-store';
import {
  completeSubtrees,
  consistencyProofRanges,
  foldSubtrees,
  inclusionProofRanges,
  LeafRange,
} from './merkle-tree';
import { noteKeyId, toHex } from './tree-checkpoint';

/** API.md "Verifiable audit log": an inclusion proof (RFC 9162 §2.1.3), hashes in standard base64. */
export interface InclusionProofView {
  leafIndex: number;
  treeSize: number;
  rootHash: string;
  hashes: string[];
}

/** A consistency proof (RFC 9162 §2.1.4) from tree size `from` to `to`. */
export interface ConsistencyProofView {
  from: number;
  to: number;
  hashes: string[];
}

export interface SealedAuditEventView extends AuditEventView {
  /** base64 of the canonical bytes the event's leaf hashes (libs/audit/README.md "Canonical form"). */
  canonical: string;
}

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/**
 * Proofs over the stored Merkle tree. Each reads the tree's size and its O(log n) node hashes in one statement;
 * nodes never change once written, so no snapshot is needed. Sizes and seqs past the sealed head (the tree's size)
 * or below 1 are the caller's mistake, a 400.
 */
@Injectable()
export class AuditTreeQueries {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly key: AuditSigningKey,
    @Inject(VIGIL_CONFIG) private readonly config: VigilConfig,
  ) {}

  /** The latest signed checkpoint of this origin and key, as the signed note's text; 404 before the first. */
  async latestCheckpoint(): Promise<string> {
    const origin = this.config.auditLogOrigin;
    const [row]: { note: string }[] = await this.db.query(
      `SELECT note FROM audit_tree_checkpoints WHERE origin = $1 AND key_id = $2 ORDER BY tree_size DESC LIMIT 1`,
      [origin, toHex(noteKeyId(origin, this.key.rawPublicKey))],
    );
    if (!row) throw new DomainError('NOT_FOUND', 'no checkpoint of the audit tree has been signed yet');
    return row.note;
  }

  /** Leaves in the tree: the sealed head. */
  treeSize(): Promise<number> {
    return storedTreeSize(this.db.manager);
  }

  async rootHash(treeSize: number): Promise<Uint8Array> {
    assertPositive('treeSize', treeSize);
    const [root] = await this.rangeHashes('treeSize', treeSize, [{ start: 0, end: treeSize }]);
    return root;
  }

  async inclusion(seq: number, treeSize: number): Promise<InclusionProofView> {
    assertPositive('treeSize', treeSize);
    assertPositive('seq', seq);
    if (seq > treeSize) throw invalid(`seq ${seq} is not in a tree of size ${treeSize}`);
    const leafIndex = seq - 1;
    const ranges = [...inclusionProofRanges(leafIndex, treeSize), { start: 0, end: treeSize }];
    const hashes = await this.rangeHashes('treeSize', treeSize, ranges);
    const rootHash = hashes.pop()!;
    return { leafIndex, treeSize, rootHash: base64(rootHash), hashes: hashes.map(base64) };
  }

  async consistency(from: number, to: number): Promise<ConsistencyProofView> {
    assertPositive('from', from);
    assertPositive('to', to);
    if (from > to) throw invalid(`from (${from}) must not be greater than to (${to})`);
    const hashes = await this.rangeHashes('to', to, consistencyProofRanges(from, to));
    return { from, to, hashes: hashes.map(base64) };
  }

  /** A sealed event as `GET /v1/audit` shows it, with its canonical bytes. */
  async event(seq: number): Promise<SealedAuditEventView> {
    const manager = this.db.manager;
    await this.assertWithinHead(manager, 'seq', seq);
    const [row]: AuditEventRow[] = await manager.query(
      `SELECT ${auditEventColumns('e')} FROM audit_events e WHERE e.seq = $1`,
      [seq],
    );
    if (!row) throw new DomainError('NOT_FOUND', `no audit event has seq ${seq}`);
    return { ...auditEventViewOfRow(row), canonical: canonicalBytes(chainEventOf(tupleOfRow(row))).toString('base64') };
  }

  /** MTH of each range, from one read of every node they need and of the head `size` (named `name`) must not pass. */
  private async rangeHashes(name: string, size: number, ranges: readonly LeafRange[]): Promise<Uint8Array[]> {
    const groups = ranges.map(completeSubtrees);
    const nodes = groups.flat();
    const [row] = await queryPrepared<TreeReadRow>(this.db, TREE_READ_SQL, treeReadValues(nodes));
    // Past the head the nodes are missing too; the size is the caller's mistake and what the answer names.
    const head = headOf(row);
    if (size > head) throw invalid(`${name} ${size} is beyond the sealed head (${head})`);
    const hashes = nodeHashesOf(row, nodes);
    let next = 0;
    return groups.map((group) => foldSubtrees(hashes.slice(next, (next += group.length)), nodeMerkleHasher));
  }

  private async assertWithinHead(manager: EntityManager, name: string, value: number): Promise<void> {
    assertPositive(name, value);
    const head = await storedTreeSize(manager);
    if (value > head) throw invalid(`${name} ${value} is beyond the sealed head (${head})`);
  }
}

function assertPositive(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) throw invalid(`${name} must be a positive integer`);
}

const invalid = (message: string) => new DomainError('INVALID_INPUT', message);
