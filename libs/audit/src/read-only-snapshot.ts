import type { Pool, PoolClient } from 'pg';
import type { DataSource } from 'typeorm';

/**
 * Runs `work` on one pooled connection inside a REPEATABLE READ, READ ONLY transaction: every batch of a long
 * read (verification, export) sees the same snapshot, so the head it reports is the head it checked.
 *
 * The raw pg client is used (TypeORM's pool, not a second one) for row-mode 'array' reads and pipelined
 * batches; a connection whose rollback failed is discarded rather than returned to the pool.
 */
export async function inReadOnlySnapshot<T>(db: DataSource, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const pool = (db.driver as unknown as { master: Pool }).master;
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}
