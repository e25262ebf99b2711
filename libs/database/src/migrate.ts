import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { ContactCipher, STORED_CONTACT_PATTERN } from './contact-cipher';
import { createDataSource, DatabaseSettings } from './data-source';

/** Creates the database named in the URL when it does not exist yet (connecting to the `postgres` database). */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!name) throw new Error('DATABASE_URL names no database');
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    return true;
  } catch (error) {
    // Two processes may race to create it; the loser finds it there.
    if ((error as { code?: string }).code === '42P04') return false;
    throw error;
  } finally {
    await client.end();
  }
}

/**
 * Creates the database if needed and applies every pending migration; returns the names applied. With a
 * `contactCipher`, then encrypts the reporter contacts stored in clear before contacts were encrypted (a data step a
 * SQL migration cannot do: the key is the app's, not the database's).
 */
export async function migrate(
  settings: DatabaseSettings,
  options: { contactCipher?: ContactCipher } = {},
): Promise<string[]> {
  await ensureDatabase(settings.databaseUrl);
  const dataSource = createDataSource({ ...settings, databasePoolSize: 1 });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    if (options.contactCipher) await encryptClearContacts(dataSource, options.contactCipher);
    return applied.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}

/** Encrypts, 500 rows per transaction, every reporter contact still in clear; returns how many. Idempotent. */
export async function encryptClearContacts(db: DataSource, cipher: ContactCipher): Promise<number> {
  let done = 0;
  for (;;) {
    const n = await db.transaction(async (manager) => {
      const rows: { id: string; reporter_contact: string }[] = await manager.query(
        `SELECT id, reporter_contact FROM reports
         WHERE reporter_contact IS NOT NULL AND reporter_contact !~ $1
         LIMIT 500 FOR UPDATE SKIP LOCKED`,
        [STORED_CONTACT_PATTERN],
      );
      for (const row of rows) {
        await manager.query(`UPDATE reports SET reporter_contact = $2 WHERE id = $1`, [
          row.id,
          cipher.encrypt(row.reporter_contact, row.id),
        ]);
      }
      return rows.length;
    });
    done += n;
    if (n < 500) return done;
  }
}

/** A test run's own name suffix (time and randomness), so runs never share a database or a queue prefix. */
export function throwawayId(): string {
  return `${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

/**
 * A database of its own on the server `serverUrl` names (its database name replaced): `vigil_test_<label>_<id>`.
 * Pass the run's `id` when its queue prefix should carry the same one. Create it with `migrate`, remove it with
 * `dropDatabase`.
 */
export function throwawayDatabaseUrl(serverUrl: string, label: string, id = throwawayId()): string {
  const url = new URL(serverUrl);
  url.pathname = `/vigil_test_${label}_${id}`;
  return url.toString();
}

/** Drops a database (tests and the benchmark use throwaway ones). */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
