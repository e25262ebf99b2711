import { loadConfig } from '@vigil/config';
import { DataSource, QueryFailedError } from 'typeorm';
import { createDataSource } from './data-source';
import { dropDatabase, ensureDatabase, throwawayDatabaseUrl } from './migrate';
import { queryPrepared } from './prepared-query';

describe('queryPrepared (real PostgreSQL)', () => {
  const databaseUrl = throwawayDatabaseUrl(loadConfig().databaseUrl, 'prepared');
  let db: DataSource;

  beforeAll(async () => {
    await ensureDatabase(databaseUrl);
    // One connection, so every call below meets the statements prepared by the ones before.
    db = createDataSource({ databaseUrl, databasePoolSize: 1 });
    await db.initialize();
    await db.query(`CREATE TABLE things (id int PRIMARY KEY, label text NOT NULL)`);
  });
  afterAll(async () => {
    await db?.destroy();
    await dropDatabase(databaseUrl);
  });

  const prepared = async (): Promise<{ name: string; statement: string }[]> =>
    db.query(`SELECT name, statement FROM pg_prepared_statements ORDER BY prepare_time`);

  it('prepares a text once per connection and runs it again by name, with new values each time', async () => {
    const insert = `INSERT INTO things (id, label) SELECT * FROM unnest($1::int[], $2::text[]) RETURNING id, label`;
    expect(await queryPrepared(db, insert, [[1, 2], ['one', 'two']])).toEqual([
      { id: 1, label: 'one' },
      { id: 2, label: 'two' },
    ]);
    expect(await queryPrepared(db, insert, [[3], ['three']])).toEqual([{ id: 3, label: 'three' }]);
    const select = `SELECT label FROM things WHERE id = ANY($1::int[]) ORDER BY id`;
    expect(await queryPrepared(db, select, [[1, 3]])).toEqual([{ label: 'one' }, { label: 'three' }]);

    const statements = await prepared();
    expect(statements.map((s) => s.statement)).toEqual([insert, select]);
    expect(new Set(statements.map((s) => s.name)).size).toBe(2);
  });

  it('keeps a connection idle for longer than pg-pool closes one by default (10 s), with its statements', async () => {
    const backend = async (): Promise<number> => (await db.query(`SELECT pg_backend_pid() AS pid`))[0].pid;
    const before = await backend();
    const statements = await prepared();
    await new Promise((resolve) => setTimeout(resolve, 10_500));
    expect(await backend()).toBe(before);
    expect(await prepared()).toEqual(statements);
  }, 20_000);

  it('fails as DataSource.query does', async () => {
    const failure = await queryPrepared(db, `INSERT INTO things (id, label) VALUES ($1, $2)`, [1, 'again']).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(QueryFailedError);
    expect(failure).toMatchObject({ code: '23505' });
  });
});
