import { DataSource } from 'typeorm';
import { createTestDatabase } from '../../test/test-database';
import { dataSourceOptions } from './data-source';
import { withSessionLock } from './with-session-lock';

describe('withSessionLock', () => {
  let db: DataSource;
  // Another process: its own pool on the same database.
  let other: DataSource;

  beforeAll(async () => {
    // Pools whose statement timeout (100 ms) is far shorter than the work below (300 ms), as the
    // api's 30 s is shorter than building an index over a million vectors.
    const url = await createTestDatabase('session_lock');
    db = new DataSource({ ...dataSourceOptions(url, 1, 100), migrations: [] });
    other = new DataSource({ ...dataSourceOptions(url, 1, 100), migrations: [] });
    await Promise.all([db.initialize(), other.initialize()]);
  });
  afterAll(() => Promise.all([db?.destroy(), other?.destroy()]));

  const holdsLock = async (lock: string) => {
    const [{ held }]: { held: boolean }[] = await other.query(
      `SELECT NOT pg_try_advisory_lock(hashtext($1)) AS held`,
      [lock],
    );
    if (!held) await other.query(`SELECT pg_advisory_unlock(hashtext($1))`, [lock]);
    return held;
  };

  it('runs work longer than the pool statement timeout, then gives the connection back bounded', async () => {
    await expect(db.query(`SELECT pg_sleep(0.3)`)).rejects.toThrow(/statement timeout/);

    const result = await withSessionLock(db, 'spec_lock', { wait: false }, async (session) => {
      await session.query(`SELECT pg_sleep(0.3)`);
      return holdsLock('spec_lock');
    });

    expect(result).toBe(true);
    // The pool has one connection: the one the work ran on, with its timeout and without the lock.
    const [{ statement_timeout }] = await db.query(`SHOW statement_timeout`);
    expect(statement_timeout).toBe('100ms');
    await expect(holdsLock('spec_lock')).resolves.toBe(false);
  });

  it('without wait, answers null and does not run the work while another session holds the lock', async () => {
    const holder = other.createQueryRunner();
    await holder.query(`SELECT pg_advisory_lock(hashtext('spec_busy'))`);
    try {
      const work = jest.fn(async () => 'ran');
      await expect(withSessionLock(db, 'spec_busy', { wait: false }, work)).resolves.toBeNull();
      expect(work).not.toHaveBeenCalled();
    } finally {
      await holder.query(`SELECT pg_advisory_unlock(hashtext('spec_busy'))`);
      await holder.release();
    }
  });

  it('with wait, waits for the holder past the statement timeout, then runs the work', async () => {
    const holder = other.createQueryRunner();
    await holder.query(`SELECT pg_advisory_lock(hashtext('spec_wait'))`);
    const released = new Promise<void>((resolve) =>
      setTimeout(() => {
        void holder
          .query(`SELECT pg_advisory_unlock(hashtext('spec_wait'))`)
          .then(() => holder.release())
          .then(resolve);
      }, 300),
    );

    const ran = await withSessionLock(db, 'spec_wait', { wait: true }, async () => 'ran');

    expect(ran).toBe('ran');
    await released;
  });

  it('lets go of the lock and the unbounded timeout when the work throws', async () => {
    await expect(
      withSessionLock(db, 'spec_throw', { wait: false }, async () => {
        throw new Error('work failed');
      }),
    ).rejects.toThrow('work failed');

    await expect(holdsLock('spec_throw')).resolves.toBe(false);
    const [{ statement_timeout }] = await db.query(`SHOW statement_timeout`);
    expect(statement_timeout).toBe('100ms');
  });
});
