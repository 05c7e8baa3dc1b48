import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { dataSourceOptions, MIGRATIONS } from './data-source';
import { migrate } from './run-migrations';
import { createTestDatabase } from '../../test/test-database';

/** Replicas started together, each applying migrations at start, on a new database. */
describe('migrations from processes started together', () => {
  const replicas: DataSource[] = [];

  beforeAll(async () => {
    Logger.overrideLogger(['warn', 'error']); // each process's "applied …" line
    const url = await createTestDatabase('sieve_migrate');
    // With the api's statement timeout on the pool (half of BACKTEST_SETTLE_SECONDS, here far
    // shorter than the migrations take): neither they nor the wait for them may be cut by it.
    for (let i = 0; i < 3; i++)
      replicas.push(await new DataSource(dataSourceOptions(url, 1, 300)).initialize());
  });
  afterAll(() => Promise.all(replicas.map((db) => db.destroy())));

  it('applies each migration once, by whichever process gets there first', async () => {
    const applied = await Promise.all(replicas.map((db) => migrate(db)));

    // One process ran them all; the others found nothing pending and did not fail.
    expect(applied.map((list) => list.length).sort((a, b) => a - b)).toStrictEqual([
      0,
      0,
      MIGRATIONS.length,
    ]);
    const rows: { name: string }[] = await replicas[0].query(
      `SELECT name FROM migrations ORDER BY id`,
    );
    expect(rows.map((r) => r.name)).toStrictEqual(MIGRATIONS.map((m) => m.name));
    // The lock is given back: a later start takes it again and finds the schema up to date.
    await expect(migrate(replicas[1])).resolves.toStrictEqual([]);
    // And the connection the migrations ran on (the pool has one) has its statement timeout back.
    const [{ statement_timeout }] = await replicas[1].query(`SHOW statement_timeout`);
    expect(statement_timeout).toBe('300ms');
  });
});
