import type { DataSource, EntityManager } from 'typeorm';

/**
 * Runs a background rollup's windows until it has caught up, one transaction each, under the
 * advisory lock `lock` so that one process at a time does the work. `window` runs one window's
 * statement: an `UPDATE` of the rollup's progress `RETURNING` whether more is left (`more`).
 * Without `wait` (background ticks), it leaves the work to whoever holds the lock, which may not
 * have caught up yet when this returns.
 *
 * A window runs without the pool's statement timeout (half BACKTEST_SETTLE_SECONDS, 30 s by
 * default): a window after an outage, an upgrade or a bulk load can hold millions of rows, and
 * a window cut off by the timeout is tried again whole, so the rollup would never catch up.
 */
export async function rollUpUntilCaughtUp(
  db: DataSource,
  lock: string,
  { wait }: { wait: boolean },
  window: (tx: EntityManager) => Promise<unknown[]>,
): Promise<void> {
  for (;;) {
    const more = await db.transaction(async (tx) => {
      await tx.query(`SET LOCAL statement_timeout = 0`);
      const [{ locked }] = await tx.query(
        wait
          ? `SELECT true AS locked FROM pg_advisory_xact_lock(hashtext($1))`
          : `SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked`,
        [lock],
      );
      if (!locked) return false;
      const result = await window(tx);
      // TypeORM answers an UPDATE … RETURNING with [rows, count].
      const rows = (Array.isArray(result[0]) ? result[0] : result) as { more: boolean }[];
      return rows[0]?.more ?? false;
    });
    if (!more) return;
  }
}
