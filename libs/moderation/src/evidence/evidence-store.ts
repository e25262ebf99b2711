import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/**
 * Where evidence bytes are kept. PostgreSQL by default (`evidence_blobs`), written in the transaction that records
 * the file and its `evidence.added` event; another store (S3-compatible) implements the same three calls and is named
 * in `evidence.store`.
 */
export interface EvidenceStore {
  readonly name: string;
  /** Keeps the bytes, inside the caller's transaction where the store has one. */
  put(manager: EntityManager, evidenceId: string, bytes: Buffer): Promise<void>;
  /** The bytes, or null once erased. */
  get(evidenceId: string): Promise<Buffer | null>;
  /** Erases the bytes for good, inside the caller's transaction where the store has one. */
  erase(manager: EntityManager, evidenceId: string): Promise<void>;
}

export const EVIDENCE_STORE = Symbol('EVIDENCE_STORE');

@Injectable()
export class PostgresEvidenceStore implements EvidenceStore {
  readonly name = 'postgres';

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async put(manager: EntityManager, evidenceId: string, bytes: Buffer): Promise<void> {
    await manager.query(`INSERT INTO evidence_blobs (evidence_id, data) VALUES ($1, $2)`, [evidenceId, bytes]);
  }

  async get(evidenceId: string): Promise<Buffer | null> {
    const [row]: { data: Buffer }[] = await this.db.query(`SELECT data FROM evidence_blobs WHERE evidence_id = $1`, [
      evidenceId,
    ]);
    return row?.data ?? null;
  }

  async erase(manager: EntityManager, evidenceId: string): Promise<void> {
    await manager.query(`DELETE FROM evidence_blobs WHERE evidence_id = $1`, [evidenceId]);
  }
}
