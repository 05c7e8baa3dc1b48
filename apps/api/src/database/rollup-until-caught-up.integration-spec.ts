import { DataSource } from 'typeorm';
import { createTestDatabase } from '../../test/test-database';
import { dataSourceOptions } from './data-source';
import { rollUpUntilCaughtUp } from './rollup-until-caught-up';

describe('rollUpUntilCaughtUp', () => {
  let db: DataSource;

  beforeAll(async () => {
    // A pool whose statement timeout (100 ms) is far shorter than the window below (300 ms), as
    // the api's 30 s is shorter than counting a day of a busy platform's events.
    db = new DataSource({
      ...dataSourceOptions(await createTestDatabase('rollup'), 2, 100),
      migrations: [],
    });
    await db.initialize();
  });
  afterAll(() => db?.destroy());

  it('runs a window slower than the pool statement timeout to the end, then the next one', async () => {
    await expect(db.query(`SELECT pg_sleep(0.3)`)).rejects.toThrow(/statement timeout/);
    let windows = 0;
    await rollUpUntilCaughtUp(db, 'spec_rollup', { wait: true }, async (tx) => {
      windows++;
      await tx.query(`SELECT pg_sleep(0.3)`);
      return [{ more: windows < 2 }];
    });
    expect(windows).toBe(2);
    // The pool's connections keep their timeout for every other query.
    await expect(db.query(`SELECT pg_sleep(0.3)`)).rejects.toThrow(/statement timeout/);
  });
});
